//! Entry points: a thin dispatcher over one module per concern.
//!
//! Why one file: the entry points and their dispatch. The few handlers written here (an
//! exit's shares and data, a claim, `burn_from`) are short glue between the modules, and
//! moving them out would add a hop without making anything clearer.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response,
    SubMsgResult, Uint128,
};
use cw20::MinterResponse;

use crate::cranks::{self, HARVEST_REPLY, REDEPOSIT_REPLY};
use crate::deposit;
use crate::error::{nonpayable, ContractError};
use crate::exit::{self, CLAIM_REPLY, DRAIN_UNBOND_REPLY, EXIT_UNBOND_REPLY};
use crate::hub::HubView;
use crate::migrate::{CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::query;
use crate::rewards::{restore_payout, PAYOUT_REPLY};
use crate::state::*;
use crate::strategy::{self, MAX_DURATION, TOLERANT_REPLY};
use crate::token;

/// Share token decimals: the bonded denom's 6 and the 3 of the virtual-share offset, so
/// one whole share starts worth one whole token.
pub const DECIMALS: u8 = 9;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let hub = deps
        .api
        .addr_validate(&msg.hub)
        .map_err(|e| ContractError::invalid("hub", e.to_string()))?;
    let curator = match &msg.curator {
        Some(c) => deps
            .api
            .addr_validate(c)
            .map_err(|e| ContractError::invalid("curator", e.to_string()))?,
        None => info.sender.clone(),
    };
    let hub_config = HubView::new(deps.as_ref(), &hub, &env.contract.address)
        .config()
        .map_err(|e| ContractError::invalid("hub", format!("not a restake-hub: {e}")))?;
    let exit_epoch = msg.exit_epoch.unwrap_or(hub_config.unbonding_epoch);
    if exit_epoch < 3600 || exit_epoch > hub_config.unbonding_period.max(3600) {
        return Err(ContractError::invalid(
            "exit_epoch",
            format!(
                "{exit_epoch} must be between 3600 seconds and the hub's unbonding period {}",
                hub_config.unbonding_period
            ),
        ));
    }
    let min_timelock = msg.min_timelock.unwrap_or(86_400);
    if min_timelock > MAX_DURATION {
        return Err(ContractError::invalid("min_timelock", "above 10 years"));
    }
    let bounded = |field: &str, v: Option<u32>, default: u32, lo: u32, hi: u32| {
        let v = v.unwrap_or(default);
        if v < lo || v > hi {
            return Err(ContractError::invalid(
                field,
                format!("{v} must be between {lo} and {hi}"),
            ));
        }
        Ok(v)
    };
    let config = Config {
        hub: hub.clone(),
        bonded_denom: hub_config.bonded_denom.clone(),
        min_deposit: msg
            .min_deposit
            .unwrap_or(hub_config.min_deposit)
            .max(hub_config.min_deposit),
        exit_epoch,
        min_timelock,
        max_validators: bounded("max_validators", msg.max_validators, 10, 1, 30)?,
        max_services: bounded("max_services", msg.max_services, 8, 0, 16)?,
        max_reward_assets: bounded("max_reward_assets", msg.max_reward_assets, 16, 0, 32)?,
        unbonding_period: hub_config.unbonding_period,
    };
    // The share token: cw20-base's state, minted only by the vault itself.
    cw20_base::contract::instantiate(
        deps.branch(),
        env.clone(),
        info.clone(),
        cw20_base::msg::InstantiateMsg {
            name: msg.name.clone(),
            symbol: msg.symbol.clone(),
            decimals: DECIMALS,
            initial_balances: vec![],
            mint: Some(MinterResponse {
                minter: env.contract.address.to_string(),
                cap: None,
            }),
            marketing: None,
        },
    )?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(curator.as_str()))?;
    CONFIG.save(deps.storage, &config)?;
    TOTALS.save(
        deps.storage,
        &Totals {
            open_batch: 1,
            ..Totals::default()
        },
    )?;
    BATCHES.save(deps.storage, 1, &Batch::new(1, env.block.time))?;
    ASSETS.save(deps.storage, &vec![])?;
    VALIDATORS.save(deps.storage, &vec![])?;
    let services = strategy::validate(deps.as_ref(), &env, &config, &msg.strategy)?;
    let left_out = strategy::install(deps.storage, &env, &config, msg.strategy, &services)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("hub", hub)
        .add_attribute("curator", curator)
        .add_attribute("symbol", msg.symbol)
        .add_attribute("bonded_denom", config.bonded_denom)
        .add_attribute("exit_epoch", exit_epoch.to_string())
        .add_attribute(
            "assets_not_tracked",
            left_out
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // A contract the vault calls while a reply is pending (a token's transfer hook, a
    // payout) must not find half-updated books.
    if is_locked(deps.storage)? {
        return Err(ContractError::Reentered);
    }
    match msg {
        ExecuteMsg::Deposit {} => deposit::deposit(deps, env, info),
        ExecuteMsg::Exit { shares, recipient } => exit_shares(deps, env, info, shares, recipient),
        ExecuteMsg::Burn { amount } => exit_shares(deps, env, info, amount, None),
        ExecuteMsg::BurnFrom { owner, amount } => burn_from(deps, env, info, owner, amount),
        ExecuteMsg::Claim {} => claim(deps, env, info),
        ExecuteMsg::ClaimRewards {} => {
            let holder = info.sender.clone();
            cranks::harvest(deps, env, info, Some(holder))
        }
        ExecuteMsg::Transfer { recipient, amount } => {
            token::transfer(deps, env, info, recipient, amount)
        }
        ExecuteMsg::Send {
            contract,
            amount,
            msg,
        } => token::send(deps, env, info, contract, amount, msg),
        ExecuteMsg::TransferFrom {
            owner,
            recipient,
            amount,
        } => token::transfer_from(deps, env, info, owner, recipient, amount),
        ExecuteMsg::SendFrom {
            owner,
            contract,
            amount,
            msg,
        } => token::send_from(deps, env, info, owner, contract, amount, msg),
        ExecuteMsg::IncreaseAllowance {
            spender,
            amount,
            expires,
        } => token::increase_allowance(deps, env, info, spender, amount, expires),
        ExecuteMsg::DecreaseAllowance {
            spender,
            amount,
            expires,
        } => token::decrease_allowance(deps, env, info, spender, amount, expires),
        ExecuteMsg::Rebalance {} => cranks::rebalance(deps, env, info, false),
        ExecuteMsg::ApplyStrategy {} => cranks::rebalance(deps, env, info, true),
        ExecuteMsg::Harvest {} => cranks::harvest(deps, env, info, None),
        ExecuteMsg::ProcessExits {} => cranks::process_exits(deps, env, info, None),
        ExecuteMsg::ProposeStrategy { strategy } => strategy::propose(deps, env, info, strategy),
        ExecuteMsg::CancelStrategy {} => strategy::cancel(deps, info),
        ExecuteMsg::LeaveService { service_id } => {
            strategy::leave_service(deps, env, info, service_id)
        }
        ExecuteMsg::UpdateOwnership(action) => {
            nonpayable(&info)?;
            let ownership =
                cw_ownable::update_ownership(deps, &env.block, &info.sender, action.into())?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// `exit` / cw20 `burn`: queue the shares; send the batch too when its epoch has come.
fn exit_shares(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    shares: Uint128,
    recipient: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let recipient = match recipient {
        Some(r) => deps
            .api
            .addr_validate(&r)
            .map_err(|e| ContractError::invalid("recipient", e.to_string()))?,
        None => info.sender.clone(),
    };
    let attrs = exit::queue_exit(deps.branch(), &env, &info.sender, &recipient, shares)?;
    send_if_due(
        deps,
        env,
        Response::new()
            .set_data(exit_data(&attrs, shares)?)
            .add_attribute("action", "exit")
            .add_attributes(attrs),
    )
}

/// `exit`'s response data: the batch the shares joined.
fn exit_data(attrs: &[(String, String)], shares: Uint128) -> Result<Binary, ContractError> {
    let batch_id = attrs
        .iter()
        .find(|(k, _)| k == "batch_id")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_default();
    Ok(to_json_binary(&crate::msg::ExitData { batch_id, shares })?)
}

fn send_if_due(deps: DepsMut, env: Env, mut res: Response) -> Result<Response, ContractError> {
    if exit::batch_due(deps.storage, &env)? {
        let view = crate::view::View::load(deps.as_ref(), &env)?;
        if let Some((msgs, attrs)) = exit::send_batch(deps.storage, &env, &view)? {
            res = res.add_submessages(msgs).add_attributes(attrs);
        }
    }
    Ok(res)
}

/// cw20 `burn_from`: an exit of the owner's shares with the spender's allowance; the exit
/// belongs to the spender (as if it had transferred the shares to itself and exited).
fn burn_from(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let owner = deps.api.addr_validate(&owner)?;
    cw20_base::allowances::deduct_allowance(
        deps.storage,
        &owner,
        &info.sender,
        &env.block,
        amount,
    )?;
    let attrs = exit::queue_exit(deps.branch(), &env, &owner, &info.sender, amount)?;
    send_if_due(
        deps,
        env,
        Response::new()
            .set_data(exit_data(&attrs, amount)?)
            .add_attribute("action", "exit")
            .add_attribute("by", info.sender)
            .add_attributes(attrs),
    )
}

/// `claim`: pays complete exits; when the hub holds matured unbondings of the vault, they
/// are collected first and the reply pays.
fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let holder = info.sender.clone();
    let collectable = {
        let view = crate::view::View::load(deps.as_ref(), &env)?;
        view.entries.iter().any(|e| e.matured && !e.frozen)
    };
    if collectable {
        let res = cranks::process_exits(deps, env, info, Some(holder))?;
        return Ok(res.add_attribute("action", "claim"));
    }
    exit::claim(deps, info)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Strategy {} => to_json_binary(&query::strategy(deps)?)?,
        QueryMsg::State {} => to_json_binary(&query::state(deps, env)?)?,
        QueryMsg::Holder { address } => to_json_binary(&query::holder(deps, env, address)?)?,
        QueryMsg::Rewards { address } => to_json_binary(&query::rewards(deps, env, address)?)?,
        QueryMsg::PreviewDeposit { amount } => {
            to_json_binary(&query::preview_deposit(deps, env, amount)?)?
        }
        QueryMsg::PreviewExit { shares } => {
            to_json_binary(&query::preview_exit(deps, env, shares)?)?
        }
        QueryMsg::Exits {
            holder,
            start_after,
            limit,
        } => to_json_binary(&query::exits(deps, env, holder, start_after, limit)?)?,
        QueryMsg::Batch { id } => to_json_binary(&query::batch(deps, env, id)?)?,
        QueryMsg::Batches { start_after, limit } => {
            to_json_binary(&query::batches(deps, env, start_after, limit)?)?
        }
        QueryMsg::Cranks {} => to_json_binary(&cranks::status(deps, env)?)?,
        QueryMsg::RewardAssets {} => to_json_binary(&query::reward_assets(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::Balance { address } => {
            to_json_binary(&cw20_base::contract::query_balance(deps, address)?)?
        }
        QueryMsg::TokenInfo {} => to_json_binary(&cw20_base::contract::query_token_info(deps)?)?,
        QueryMsg::Allowance { owner, spender } => to_json_binary(
            &cw20_base::allowances::query_allowance(deps, owner, spender)?,
        )?,
        QueryMsg::AllAllowances {
            owner,
            start_after,
            limit,
        } => to_json_binary(&cw20_base::enumerable::query_owner_allowances(
            deps,
            owner,
            start_after,
            limit,
        )?)?,
        QueryMsg::AllSpenderAllowances {
            spender,
            start_after,
            limit,
        } => to_json_binary(&cw20_base::enumerable::query_spender_allowances(
            deps,
            spender,
            start_after,
            limit,
        )?)?,
        QueryMsg::AllAccounts { start_after, limit } => to_json_binary(
            &cw20_base::enumerable::query_all_accounts(deps, start_after, limit)?,
        )?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    match msg.id {
        id if id >= EXIT_UNBOND_REPLY => {
            exit::on_unbond(deps, msg, EntryOwner::Exit(id - EXIT_UNBOND_REPLY))
        }
        DRAIN_UNBOND_REPLY => match msg.result {
            SubMsgResult::Ok(_) => exit::on_unbond(deps, msg, EntryOwner::Vault),
            #[allow(deprecated)]
            SubMsgResult::Err(e) => Ok(Response::new()
                .add_attribute("action", "drain_refused")
                .add_attribute("error", e)),
        },
        CLAIM_REPLY => exit::on_claim(deps, env, msg),
        deposit::SHARES_REPLY => deposit::on_shares_deposited(deps, env, msg),
        HARVEST_REPLY => cranks::on_harvest(deps, env, msg),
        REDEPOSIT_REPLY => cranks::on_redeposit_refused(deps, msg),
        TOLERANT_REPLY => {
            let error = match msg.result {
                SubMsgResult::Ok(_) => String::new(),
                #[allow(deprecated)]
                SubMsgResult::Err(e) => e,
            };
            Ok(Response::new()
                .add_attribute("action", "hub_refused")
                .add_attribute("error", error))
        }
        PAYOUT_REPLY => {
            let payout: Payout = from_json(&msg.payload)?;
            restore_payout(deps.storage, &payout)?;
            Ok(Response::new()
                .add_attribute("action", "payout_failed")
                .add_attribute("holder", payout.holder)
                .add_attribute("asset", payout.asset.to_string())
                .add_attribute("amount", payout.amount))
        }
        id => Err(ContractError::UnknownReply { id }),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    crate::migrate::migrate(deps, env, msg)
}
