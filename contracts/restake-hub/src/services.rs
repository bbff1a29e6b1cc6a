//! Services: registration, updates by their admin, status.

use crate::error::nonpayable;
use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Response};
use restake_types::asset::is_valid_denom;
use restake_types::{Asset, ServiceStatus};

use crate::books::Books;
use crate::error::ContractError;
use crate::opt::load_service;
use crate::state::*;

pub const MAX_NAME_LEN: usize = 64;
pub const MAX_URI_LEN: usize = 256;

/// Validates an address given by a user (refusing upper-case and foreign prefixes).
pub fn addr(api: &dyn Api, field: &str, value: &str) -> Result<Addr, ContractError> {
    api.addr_validate(value).map_err(|e| {
        ContractError::invalid(field, format!("{value:?} is not a valid address ({e})"))
    })
}

fn check_name(name: &str) -> Result<(), ContractError> {
    if name.trim().is_empty() || name.len() > MAX_NAME_LEN {
        return Err(ContractError::invalid(
            "name",
            format!("must be 1 to {MAX_NAME_LEN} characters"),
        ));
    }
    Ok(())
}

fn check_uri(uri: &Option<String>) -> Result<(), ContractError> {
    if let Some(u) = uri {
        if u.len() > MAX_URI_LEN {
            return Err(ContractError::invalid(
                "metadata_uri",
                format!("at most {MAX_URI_LEN} characters"),
            ));
        }
    }
    Ok(())
}

fn check_max_slash(max_slash: Decimal) -> Result<(), ContractError> {
    if max_slash.is_zero() || max_slash > Decimal::one() {
        return Err(ContractError::InvalidMaxSlash { max_slash });
    }
    Ok(())
}

/// Adds reward assets to `assets`, refusing invalid, repeated or too many.
fn add_assets(
    api: &dyn Api,
    assets: &mut Vec<Asset>,
    denoms: Option<Vec<String>>,
    tokens: Option<Vec<String>>,
    max: u32,
) -> Result<(), ContractError> {
    let mut new = vec![];
    for denom in denoms.unwrap_or_default() {
        if !is_valid_denom(&denom) {
            return Err(ContractError::InvalidDenom { denom });
        }
        new.push(Asset::Native(denom));
    }
    for token in tokens.unwrap_or_default() {
        new.push(Asset::Cw20(addr(api, "reward_tokens", &token)?));
    }
    for asset in new {
        if assets.contains(&asset) {
            return Err(ContractError::Duplicate {
                field: "reward asset".into(),
                id: asset.to_string(),
            });
        }
        assets.push(asset);
    }
    if assets.len() > max as usize {
        return Err(ContractError::TooManyRewardAssets {
            count: assets.len(),
            max,
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn register_service(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    name: String,
    slasher: String,
    resolver: Option<String>,
    max_slash: Decimal,
    veto_period: u64,
    opt_out_delay: u64,
    reward_denoms: Option<Vec<String>>,
    reward_tokens: Option<Vec<String>>,
    metadata_uri: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut books = Books::load(deps.storage)?;
    check_name(&name)?;
    check_uri(&metadata_uri)?;
    check_max_slash(max_slash)?;
    let slasher = addr(deps.api, "slasher", &slasher)?;
    let resolver = resolver
        .map(|r| addr(deps.api, "resolver", &r))
        .transpose()?;
    if veto_period > books.config.max_veto_period {
        return Err(ContractError::VetoPeriodTooLong {
            veto_period,
            max: books.config.max_veto_period,
        });
    }
    crate::owner::check_duration("opt_out_delay", opt_out_delay)?;
    if opt_out_delay < veto_period {
        return Err(ContractError::OptOutDelayTooShort {
            opt_out_delay,
            veto_period,
        });
    }
    let mut reward_assets = vec![];
    add_assets(
        deps.api,
        &mut reward_assets,
        reward_denoms,
        reward_tokens,
        books.config.max_reward_assets,
    )?;
    let id = books.totals.next_service_id + 1;
    books.totals.next_service_id = id;
    books.totals.services += 1;
    let service = Service {
        id,
        name: name.clone(),
        admin: info.sender.clone(),
        slasher: slasher.clone(),
        resolver,
        max_slash,
        veto_period,
        opt_out_delay,
        reward_assets,
        metadata_uri,
        status: ServiceStatus::Active,
        registered_at: env.block.time,
        total_slashed: Default::default(),
        owner_paused: false,
    };
    SERVICES.save(deps.storage, id, &service)?;
    books.insert_service_state(id, ServiceState::default());
    books.save(deps.storage)?;
    let reward_assets = service
        .reward_assets
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let resolver = service
        .resolver
        .as_ref()
        .map(|r| r.to_string())
        .unwrap_or_default();
    Ok(Response::new()
        .add_attribute("action", "register_service")
        .add_attribute("service_id", id.to_string())
        .add_attribute("name", name)
        .add_attribute("admin", info.sender)
        .add_attribute("slasher", slasher)
        .add_attribute("resolver", resolver)
        .add_attribute("reward_assets", reward_assets)
        .add_attribute("max_slash", max_slash.to_string())
        .add_attribute("veto_period", veto_period.to_string())
        .add_attribute("opt_out_delay", opt_out_delay.to_string()))
}

#[allow(clippy::too_many_arguments)]
pub fn update_service(
    deps: DepsMut,
    info: MessageInfo,
    service_id: u64,
    max_slash: Option<Decimal>,
    opt_out_delay: Option<u64>,
    resolver: Option<String>,
    metadata_uri: Option<String>,
    add_reward_denoms: Option<Vec<String>>,
    add_reward_tokens: Option<Vec<String>>,
    admin: Option<String>,
    slasher: Option<String>,
    clear_resolver: Option<bool>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut service = load_service(deps.storage, service_id)?;
    if info.sender != service.admin {
        return Err(ContractError::unauthorized(
            &format!("update service {service_id}"),
            "the service's admin",
        ));
    }
    let config = CONFIG.load(deps.storage)?;
    let mut changed = vec![];
    if let Some(m) = max_slash {
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
    if let Some(d) = opt_out_delay {
        crate::owner::check_duration("opt_out_delay", d)?;
        if d < service.opt_out_delay {
            return Err(ContractError::OptOutDelayShortened {
                current: service.opt_out_delay,
                requested: d,
            });
        }
        service.opt_out_delay = d;
        changed.push("opt_out_delay");
    }
    if clear_resolver == Some(true) {
        if resolver.is_some() {
            return Err(ContractError::invalid(
                "resolver",
                "give a resolver or clear_resolver, not both",
            ));
        }
        service.resolver = None;
        changed.push("resolver");
    }
    if let Some(r) = resolver {
        service.resolver = Some(addr(deps.api, "resolver", &r)?);
        changed.push("resolver");
    }
    if metadata_uri.is_some() {
        check_uri(&metadata_uri)?;
        service.metadata_uri = metadata_uri;
        changed.push("metadata_uri");
    }
    for (field, empty) in [
        (
            "add_reward_denoms",
            add_reward_denoms.as_ref().is_some_and(Vec::is_empty),
        ),
        (
            "add_reward_tokens",
            add_reward_tokens.as_ref().is_some_and(Vec::is_empty),
        ),
    ] {
        if empty {
            return Err(ContractError::EmptyList {
                field: field.into(),
            });
        }
    }
    if add_reward_denoms.is_some() || add_reward_tokens.is_some() {
        add_assets(
            deps.api,
            &mut service.reward_assets,
            add_reward_denoms,
            add_reward_tokens,
            config.max_reward_assets,
        )?;
        changed.push("reward_assets");
    }
    if let Some(a) = admin {
        service.admin = addr(deps.api, "admin", &a)?;
        changed.push("admin");
    }
    if let Some(s) = slasher {
        service.slasher = addr(deps.api, "slasher", &s)?;
        changed.push("slasher");
    }
    if changed.is_empty() {
        return Err(ContractError::invalid(
            "update_service",
            "no field to update",
        ));
    }
    SERVICES.save(deps.storage, service_id, &service)?;
    Ok(Response::new()
        .add_attribute("action", "update_service")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("updated", changed.join(",")))
}

pub fn set_service_status(
    deps: DepsMut,
    info: MessageInfo,
    service_id: u64,
    status: ServiceStatus,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut service = load_service(deps.storage, service_id)?;
    let is_owner = cw_ownable::assert_owner(deps.storage, &info.sender).is_ok();
    if !is_owner && info.sender != service.admin {
        return Err(ContractError::unauthorized(
            &format!("set the status of service {service_id}"),
            "the hub owner or the service's admin",
        ));
    }
    if service.status == ServiceStatus::Retired {
        return Err(ContractError::ServiceRetired { id: service_id });
    }
    if service.status == status {
        return Err(ContractError::invalid(
            "status",
            format!("service {service_id} is already {status}"),
        ));
    }
    // An emergency pause by the owner sticks until the owner lifts it.
    if service.owner_paused && !is_owner && status == ServiceStatus::Active {
        return Err(ContractError::unauthorized(
            &format!("reactivate service {service_id}, which the hub owner paused"),
            "the hub owner",
        ));
    }
    let previous = service.status;
    service.status = status;
    service.owner_paused = is_owner && status == ServiceStatus::Paused;
    SERVICES.save(deps.storage, service_id, &service)?;
    Ok(Response::new()
        .add_attribute("action", "set_service_status")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("from", previous.to_string())
        .add_attribute("status", status.to_string()))
}
