//! Services: registration, updates by their admin, status.

use cosmwasm_std::{
    to_json_binary, Api, Decimal, Decimal256, DepsMut, Env, MessageInfo, Response, Uint128,
};
use restake_types::asset::is_valid_denom;
use restake_types::{
    Asset, RegisterServiceMsg, RegisterServiceResponse, ServiceStatus, UpdateServiceMsg,
};

use crate::error::{nonpayable, ContractError, Guarded, Role};
use crate::state::books::Books;
use crate::state::{RewardIndex, Service, ServiceState};
use crate::validate;

pub const MAX_NAME_LEN: usize = 64;
pub const MAX_URI_LEN: usize = 256;

fn check_name(name: &str) -> Result<(), ContractError> {
    if name.trim().is_empty() || name.len() > MAX_NAME_LEN {
        return Err(ContractError::InvalidText {
            field: "name".into(),
            max: MAX_NAME_LEN,
        });
    }
    Ok(())
}

fn check_uri(uri: &Option<String>) -> Result<(), ContractError> {
    if uri.as_ref().is_some_and(|u| u.len() > MAX_URI_LEN) {
        return Err(ContractError::UriTooLong { max: MAX_URI_LEN });
    }
    Ok(())
}

fn check_max_slash(max_slash: Decimal) -> Result<(), ContractError> {
    if max_slash.is_zero() || max_slash > Decimal::one() {
        return Err(ContractError::InvalidMaxSlash { max_slash });
    }
    Ok(())
}

/// The reward assets named by a registration or an update, validated.
fn assets(
    api: &dyn Api,
    denoms: Option<Vec<String>>,
    tokens: Option<Vec<String>>,
) -> Result<Vec<Asset>, ContractError> {
    let mut new = vec![];
    for denom in denoms.unwrap_or_default() {
        if !is_valid_denom(&denom) {
            return Err(ContractError::InvalidDenom { denom });
        }
        new.push(Asset::Native(denom));
    }
    for token in tokens.unwrap_or_default() {
        new.push(Asset::Cw20(validate::addr(api, "reward_tokens", &token)?));
    }
    Ok(new)
}

impl Books<'_> {
    /// Declares reward assets of a service (refusing repeated ones or too many).
    fn declare(&mut self, state: &mut ServiceState, new: Vec<Asset>) -> Result<(), ContractError> {
        for asset in new {
            let id = self.asset_id_or_new(&asset)?;
            if state.index(id).is_some() {
                return Err(ContractError::Duplicate {
                    field: "reward asset".into(),
                    id: asset.to_string(),
                });
            }
            state.indexes.push(RewardIndex {
                asset: id,
                index: Decimal256::zero(),
                paid: Uint128::zero(),
            });
        }
        let max = self.config.max_reward_assets;
        if state.indexes.len() > max as usize {
            return Err(ContractError::TooManyRewardAssets {
                count: state.indexes.len(),
                max,
            });
        }
        Ok(())
    }

    /// A service's terms, or `ServiceNotFound`.
    pub fn service_terms(&mut self, id: u64) -> Result<Service, ContractError> {
        self.service(id)?
            .cloned()
            .ok_or(ContractError::ServiceNotFound { id })
    }
}

pub fn register_service(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: RegisterServiceMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    check_name(&msg.name)?;
    check_uri(&msg.metadata_uri)?;
    check_max_slash(msg.max_slash)?;
    let slasher = validate::addr(deps.api, "slasher", &msg.slasher)?;
    let resolver = msg
        .resolver
        .map(|r| validate::addr(deps.api, "resolver", &r))
        .transpose()?;
    let new_assets = assets(deps.api, msg.reward_denoms, msg.reward_tokens)?;
    let mut books = Books::open(deps.storage, &env)?;
    if msg.veto_period > books.config.max_veto_period {
        return Err(ContractError::VetoPeriodTooLong {
            veto_period: msg.veto_period,
            max: books.config.max_veto_period,
        });
    }
    validate::duration("opt_out_delay", msg.opt_out_delay)?;
    if msg.opt_out_delay < msg.veto_period {
        return Err(ContractError::OptOutDelayTooShort {
            opt_out_delay: msg.opt_out_delay,
            veto_period: msg.veto_period,
        });
    }
    let mut state = ServiceState {
        total_stake: Uint128::zero(),
        status: ServiceStatus::Active,
        indexes: vec![],
        day: books.today,
    };
    let reward_assets = new_assets
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",");
    books.declare(&mut state, new_assets)?;
    books.totals()?.next_service += 1;
    books.totals()?.services += 1;
    let id = books.totals()?.next_service;
    books.put_service_state(id, state)?;
    books.put_service(
        id,
        Service {
            name: msg.name.clone(),
            admin: info.sender.clone(),
            slasher: slasher.clone(),
            resolver: resolver.clone(),
            max_slash: msg.max_slash,
            veto_period: msg.veto_period,
            opt_out_delay: msg.opt_out_delay,
            metadata_uri: msg.metadata_uri,
            registered_at: env.block.time,
            total_slashed: Uint128::zero(),
            owner_paused: false,
        },
    )?;
    books.finish()?;
    Ok(Response::new()
        .set_data(to_json_binary(&RegisterServiceResponse { service_id: id })?)
        .add_attribute("action", "register_service")
        .add_attribute("service_id", id.to_string())
        .add_attribute("name", msg.name)
        .add_attribute("admin", info.sender)
        .add_attribute("slasher", slasher)
        .add_attribute(
            "resolver",
            resolver.map(|r| r.to_string()).unwrap_or_default(),
        )
        .add_attribute("reward_assets", reward_assets)
        .add_attribute("max_slash", msg.max_slash.to_string())
        .add_attribute("veto_period", msg.veto_period.to_string())
        .add_attribute("opt_out_delay", msg.opt_out_delay.to_string()))
}

pub fn update_service(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    msg: UpdateServiceMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let id = msg.service_id;
    let mut books = Books::open(deps.storage, env)?;
    let mut service = books.service_terms(id)?;
    if info.sender != service.admin {
        return Err(ContractError::unauthorized(
            Guarded::UpdateService { id },
            Role::ServiceAdmin,
        ));
    }
    let mut changed = vec![];
    if let Some(m) = msg.max_slash {
        check_max_slash(m)?;
        if m > service.max_slash {
            return Err(ContractError::MaxSlashRaised {
                current: service.max_slash,
                requested: m,
            });
        }
        service.max_slash = m;
        changed.push("max_slash");
    }
    if let Some(d) = msg.opt_out_delay {
        validate::duration("opt_out_delay", d)?;
        if d < service.opt_out_delay {
            return Err(ContractError::OptOutDelayShortened {
                current: service.opt_out_delay,
                requested: d,
            });
        }
        service.opt_out_delay = d;
        changed.push("opt_out_delay");
    }
    if msg.clear_resolver == Some(true) {
        if msg.resolver.is_some() {
            return Err(ContractError::ResolverConflict);
        }
        service.resolver = None;
        changed.push("resolver");
    }
    if let Some(r) = msg.resolver {
        service.resolver = Some(validate::addr(deps.api, "resolver", &r)?);
        changed.push("resolver");
    }
    if msg.metadata_uri.is_some() {
        check_uri(&msg.metadata_uri)?;
        service.metadata_uri = msg.metadata_uri;
        changed.push("metadata_uri");
    }
    for (field, list) in [
        ("add_reward_denoms", msg.add_reward_denoms.as_ref()),
        ("add_reward_tokens", msg.add_reward_tokens.as_ref()),
    ] {
        if list.is_some_and(Vec::is_empty) {
            return Err(ContractError::EmptyList {
                field: field.into(),
            });
        }
    }
    if msg.add_reward_denoms.is_some() || msg.add_reward_tokens.is_some() {
        let new = assets(deps.api, msg.add_reward_denoms, msg.add_reward_tokens)?;
        let mut state = books
            .service_state(id)?
            .cloned()
            .ok_or(ContractError::ServiceNotFound { id })?;
        books.declare(&mut state, new)?;
        books.put_service_state(id, state)?;
        changed.push("reward_assets");
    }
    if let Some(a) = msg.admin {
        service.admin = validate::addr(deps.api, "admin", &a)?;
        changed.push("admin");
    }
    if let Some(s) = msg.slasher {
        service.slasher = validate::addr(deps.api, "slasher", &s)?;
        changed.push("slasher");
    }
    if changed.is_empty() {
        return Err(ContractError::NothingToUpdate {
            message: "update_service".into(),
        });
    }
    books.put_service(id, service)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "update_service")
        .add_attribute("service_id", id.to_string())
        .add_attribute("updated", changed.join(",")))
}

pub fn set_service_status(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    service_id: u64,
    status: ServiceStatus,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let is_owner = cw_ownable::assert_owner(deps.storage, &info.sender).is_ok();
    let mut books = Books::open(deps.storage, env)?;
    let mut service = books.service_terms(service_id)?;
    if !is_owner && info.sender != service.admin {
        return Err(ContractError::unauthorized(
            Guarded::SetServiceStatus { id: service_id },
            Role::HubOwnerOrServiceAdmin,
        ));
    }
    let state = books
        .service_state(service_id)?
        .ok_or(ContractError::ServiceNotFound { id: service_id })?;
    let previous = state.status;
    if previous == ServiceStatus::Retired {
        return Err(ContractError::ServiceRetired { id: service_id });
    }
    if previous == status {
        return Err(ContractError::SameStatus {
            id: service_id,
            status,
        });
    }
    // An emergency pause by the owner sticks until the owner lifts it.
    if service.owner_paused && !is_owner && status == ServiceStatus::Active {
        return Err(ContractError::unauthorized(
            Guarded::ReactivateOwnerPaused { id: service_id },
            Role::HubOwner,
        ));
    }
    state.status = status;
    service.owner_paused = is_owner && status == ServiceStatus::Paused;
    books.put_service(service_id, service)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "set_service_status")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("from", previous.to_string())
        .add_attribute("status", status.to_string()))
}
