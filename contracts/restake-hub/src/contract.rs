//! Entry points: a thin dispatcher, one call per message into the module of its concern.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};
use restake_types::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, CONTRACT_NAME};

use crate::error::{nonpayable, ContractError};

use crate::migrate::CONTRACT_VERSION;
use crate::owner::destination;
use crate::state::books::save;
use crate::state::{
    keys, Config, Destination, Totals, BONDED_ASSET, PAYOUT_REPLY_ID, PROXY_CREATED_REPLY_ID,
    SHARES_DEPOSITED_REPLY_ID, TOKENIZED_REPLY_ID, VOTE_PROBE_REPLY_ID, VOTE_RECAST_REPLY_ID,
};
use crate::{
    deposit, gov, history, liquid, opt, owner, proxy, query, rewards, routing, services, slashing,
    sync, unbonding, validate,
};

pub const DEFAULT_MAX_SERVICES_PER_POSITION: u32 = 8;
pub const DEFAULT_MAX_REWARD_ASSETS: u32 = 8;
pub const DEFAULT_MAX_POOLS_PER_VALIDATOR: u32 = 32;
pub const DEFAULT_MAX_OPEN_VOTES: u32 = 8;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    if let Some(validator) = msg.delegator_for {
        return proxy::instantiate(deps, env, info, validator);
    }
    nonpayable(&info)?;
    let bonded_denom = deps.querier.query_bonded_denom()?;
    let config = Config {
        bonded_denom: bonded_denom.clone(),
        unbonding_period: msg.unbonding_period,
        unbonding_epoch: msg
            .unbonding_epoch
            .unwrap_or(msg.unbonding_period.div_ceil(7)),
        min_deposit: msg.min_deposit.unwrap_or(cosmwasm_std::Uint128::one()),
        max_services_per_position: msg
            .max_services_per_position
            .unwrap_or(DEFAULT_MAX_SERVICES_PER_POSITION),
        max_veto_period: msg
            .max_veto_period
            .unwrap_or(validate::DEFAULT_MAX_VETO_PERIOD),
        max_reward_assets: msg.max_reward_assets.unwrap_or(DEFAULT_MAX_REWARD_ASSETS),
        max_pools_per_validator: msg
            .max_pools_per_validator
            .unwrap_or(DEFAULT_MAX_POOLS_PER_VALIDATOR),
        slash_destination: match msg.slash_destination {
            Some(d) => destination(deps.api, d)?,
            None => Destination::Burn,
        },
        paused: false,
        max_open_votes: msg.max_open_votes.unwrap_or(DEFAULT_MAX_OPEN_VOTES),
    };
    validate::config(&config)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let owner_addr = validate::addr(deps.api, "owner", &owner)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner_addr.as_str()))?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    save(deps.storage, &keys::config(), &config);
    save(deps.storage, &keys::totals(), &Totals::default());
    let mut books = crate::state::books::Books::open(deps.storage, &env)?;
    // The bonded denom is reward asset 0.
    let id = books.asset_id_or_new(&restake_types::Asset::Native(bonded_denom.clone()))?;
    debug_assert_eq!(id, BONDED_ASSET);
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner_addr)
        .add_attribute("bonded_denom", bonded_denom)
        .add_attribute("unbonding_period", config.unbonding_period.to_string())
        .add_attribute("unbonding_epoch", config.unbonding_epoch.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Deposit { validator } => deposit::deposit(deps, env, info, validator),
        ExecuteMsg::OptIn {
            validator,
            service_ids,
        } => opt::opt_in(deps, env, info, validator, service_ids),
        ExecuteMsg::OptOut {
            validator,
            service_ids,
        } => opt::opt_out(deps, env, info, validator, service_ids),
        ExecuteMsg::CompleteOptOut { validator } => {
            opt::complete_opt_out(deps, env, info, validator)
        }
        ExecuteMsg::Unbond { validator, amount } => {
            unbonding::unbond(deps, env, info, validator, amount)
        }
        ExecuteMsg::ClaimUnbonded {} => unbonding::claim_unbonded(deps, env, info),
        ExecuteMsg::ClaimRewards {} => rewards::claim_rewards(deps, env, info),
        ExecuteMsg::RegisterService(msg) => services::register_service(deps, env, info, msg),
        ExecuteMsg::UpdateService(msg) => services::update_service(deps, &env, info, msg),
        ExecuteMsg::SetServiceStatus { service_id, status } => {
            services::set_service_status(deps, &env, info, service_id, status)
        }
        ExecuteMsg::DistributeRewards { service_id } => {
            rewards::distribute_rewards(deps, &env, info, service_id)
        }
        ExecuteMsg::Receive(msg) => rewards::receive(deps, &env, info, msg),
        ExecuteMsg::Slash {
            service_id,
            validator,
            fraction,
            evidence,
        } => slashing::slash(deps, env, info, service_id, validator, fraction, evidence),
        ExecuteMsg::VetoSlash { slash_id } => slashing::veto_slash(deps, env, info, slash_id),
        ExecuteMsg::ExecuteSlash { slash_id } => slashing::execute_slash(deps, env, info, slash_id),
        ExecuteMsg::Harvest { validators } => rewards::harvest(deps, env, info, validators),
        ExecuteMsg::SyncValidator { validator } => sync::sync_validator(deps, env, info, validator),
        ExecuteMsg::ProcessUnbondings {} => unbonding::process_unbondings(deps, env, info),
        ExecuteMsg::UpdateConfig(msg) => owner::update_config(deps, &env, info, msg),
        ExecuteMsg::Pause {} => owner::set_paused(deps, &env, info, true),
        ExecuteMsg::Unpause {} => owner::set_paused(deps, &env, info, false),
        ExecuteMsg::UpdateOwnership(action) => owner::update_ownership(deps, env, info, action),
        ExecuteMsg::Vote {
            proposal_id,
            option,
            weighted,
        } => gov::vote(deps, env, info, proposal_id, option, weighted),
        ExecuteMsg::WithdrawShares { validator, amount } => {
            liquid::withdraw_shares(deps, env, info, validator, amount)
        }
        ExecuteMsg::Proxy { actions } => proxy::execute(deps, env, info, actions),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?),
        QueryMsg::Service { service_id } => to_json_binary(&query::service(deps, service_id)?),
        QueryMsg::Services { start_after, limit } => {
            to_json_binary(&query::services(deps, start_after, limit)?)
        }
        QueryMsg::Position { staker, validator } => {
            to_json_binary(&query::position(deps, staker, validator)?)
        }
        QueryMsg::Positions {
            staker,
            start_after,
            limit,
        } => to_json_binary(&query::positions(deps, staker, start_after, limit)?),
        QueryMsg::PendingRewards { staker } => {
            to_json_binary(&query::pending_rewards(deps, env, staker)?)
        }
        QueryMsg::Unbondings {
            staker,
            start_after,
            limit,
        } => to_json_binary(&query::unbondings(deps, env, staker, start_after, limit)?),
        QueryMsg::ServiceStake {
            service_id,
            start_after,
            limit,
        } => to_json_binary(&query::service_stake(deps, service_id, start_after, limit)?),
        QueryMsg::SlashRequest { slash_id } => {
            to_json_binary(&query::slash_request(deps, slash_id)?)
        }
        QueryMsg::SlashRequests {
            service_id,
            validator,
            status,
            start_after,
            limit,
        } => to_json_binary(&query::slash_requests(
            deps,
            service_id,
            validator,
            status,
            start_after,
            limit,
        )?),
        QueryMsg::StakerOverview { staker } => {
            to_json_binary(&query::staker_overview(deps, env, staker)?)
        }
        QueryMsg::Stats {} => to_json_binary(&query::stats(deps)?),
        QueryMsg::Pools {
            validator,
            start_after,
            limit,
        } => to_json_binary(&query::pools(deps, validator, start_after, limit)?),
        QueryMsg::Validator { validator } => {
            to_json_binary(&query::validator(deps, env, validator)?)
        }
        QueryMsg::ProposalVotes { proposal_id } => {
            to_json_binary(&gov::proposal_votes(deps, &env, proposal_id)?)
        }
        QueryMsg::StakerVote {
            proposal_id,
            staker,
        } => to_json_binary(&gov::staker_vote(deps, proposal_id, staker)?),
        QueryMsg::HubHistory { days } => to_json_binary(&history::hub_history(deps, &env, days)?),
        QueryMsg::ServiceHistory { service_id, days } => {
            to_json_binary(&history::service_history(deps, &env, service_id, days)?)
        }
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }?)
}

/// Replies: a delegator proxy was instantiated; tokenized shares were redeemed or minted; a
/// payout or a routing of slashed tokens was refused.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        PROXY_CREATED_REPLY_ID => proxy::created(deps, env, &msg),
        SHARES_DEPOSITED_REPLY_ID => liquid::deposited_reply(deps, env, &msg),
        TOKENIZED_REPLY_ID => liquid::liquid_reply(&msg),
        VOTE_RECAST_REPLY_ID => gov::recast_reply(deps, &env, &msg),
        VOTE_PROBE_REPLY_ID => gov::probe_reply(deps, &env, &msg),
        PAYOUT_REPLY_ID => rewards::payout_reply(deps, &env, &msg),
        _ => routing::route_reply(deps.storage, &env, &msg),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    crate::migrate::migrate(deps, env, msg)
}
