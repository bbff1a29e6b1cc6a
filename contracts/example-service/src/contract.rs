//! Entry points: a thin dispatcher over one module per concern.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult, SubMsg,
    Uint128,
};
use restake_types::{Asset, ExecuteMsg as HubExecuteMsg, RegisterServiceMsg};

use crate::committee::{self, validate_committee};
use crate::error::{nonpayable, ContractError};
use crate::fees;
use crate::hub::{self, hub_msg, REGISTER_REPLY};
use crate::migrate::{CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::query;
use crate::state::{Config, FeeBook, CONFIG, FEES};

/// Saves the configuration and registers the service with the hub, with this contract as
/// its admin and slasher. The reply stores the hub's `service_id`.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let addr = |field: &str, value: &str| {
        deps.api
            .addr_validate(value)
            .map_err(|e| ContractError::invalid(field, format!("{value:?}: {e}")))
    };
    let hub = addr("hub", &msg.hub)?;
    let admin = match &msg.admin {
        Some(a) => addr("admin", a)?,
        None => info.sender.clone(),
    };
    let resolver = msg
        .resolver
        .as_deref()
        .map(|r| addr("resolver", r))
        .transpose()?;
    let members = validate_committee(deps.api, &msg.members, msg.threshold)?;
    if msg.epoch == 0 {
        return Err(ContractError::invalid("epoch", "must be at least 1 second"));
    }
    if msg.voting_period == 0 {
        return Err(ContractError::invalid(
            "voting_period",
            "must be at least 1 second",
        ));
    }
    let mut fee_assets: Vec<Asset> = vec![];
    for denom in &msg.fee_denoms {
        fee_assets.push(Asset::Native(denom.clone()));
    }
    for token in &msg.fee_tokens {
        fee_assets.push(Asset::Cw20(addr("fee_tokens", token)?));
    }
    for (i, asset) in fee_assets.iter().enumerate() {
        if fee_assets[..i].contains(asset) {
            return Err(ContractError::Duplicate {
                field: "fee asset".into(),
                value: asset.to_string(),
            });
        }
    }
    let zeros: Vec<(Asset, Uint128)> = fee_assets
        .iter()
        .map(|a| (a.clone(), Uint128::zero()))
        .collect();
    FEES.save(
        deps.storage,
        &FeeBook {
            pending: zeros.clone(),
            distributed: zeros,
            last_distribution: None,
        },
    )?;
    CONFIG.save(
        deps.storage,
        &Config {
            hub: hub.clone(),
            admin: admin.clone(),
            members,
            threshold: msg.threshold,
            voting_period: msg.voting_period,
            epoch: msg.epoch,
            fee_assets,
        },
    )?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    // The hub validates the rest (name, max_slash, veto window, denoms) and names what is
    // wrong; its refusal fails this instantiation.
    let register = hub_msg(
        &hub,
        &HubExecuteMsg::RegisterService(RegisterServiceMsg {
            name: msg.name.clone(),
            slasher: env.contract.address.to_string(),
            resolver: resolver.map(|r| r.to_string()),
            max_slash: msg.max_slash,
            veto_period: msg.veto_period,
            opt_out_delay: msg.opt_out_delay,
            reward_denoms: (!msg.fee_denoms.is_empty()).then_some(msg.fee_denoms),
            reward_tokens: (!msg.fee_tokens.is_empty()).then_some(msg.fee_tokens),
            metadata_uri: msg.metadata_uri,
        }),
        vec![],
    )?;
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(register, REGISTER_REPLY))
        .add_attribute("action", "instantiate")
        .add_attribute("hub", hub)
        .add_attribute("admin", admin)
        .add_attribute("name", msg.name)
        .add_attribute("threshold", msg.threshold.to_string())
        .add_attribute("epoch", msg.epoch.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::ProposeSlash {
            validator,
            fraction,
            evidence,
        } => committee::propose_slash(deps, env, info, validator, fraction, evidence),
        ExecuteMsg::Vote { proposal_id } => committee::vote(deps, env, info, proposal_id),
        ExecuteMsg::PayFees {} => fees::pay_fees(deps, info),
        ExecuteMsg::Receive(msg) => fees::receive(deps, info, msg),
        ExecuteMsg::Distribute {} => fees::distribute(deps, env, info),
        ExecuteMsg::UpdateCommittee { members, threshold } => {
            committee::update_committee(deps, info, members, threshold)
        }
        ExecuteMsg::Retire {} => fees::retire(deps, env, info),
        ExecuteMsg::WithdrawFees { recipient } => fees::withdraw_fees(deps, info, recipient),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Proposal { proposal_id } => {
            to_json_binary(&query::proposal(deps, env, proposal_id)?)
        }
        QueryMsg::Proposals { start_after, limit } => {
            to_json_binary(&query::proposals(deps, env, start_after, limit)?)
        }
        QueryMsg::FeesPending {} => to_json_binary(&query::fees_pending(deps, env)?),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        REGISTER_REPLY => hub::on_register(deps, env, msg),
        // every other reply is a proposal's slash (reply id = proposal id)
        _ => committee::on_slash(deps, env, msg),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    crate::migrate::migrate(deps, env, msg)
}
