//! Fee income: anyone pays fees in the declared assets; once per epoch anyone forwards
//! them to the hub, which splits them over the stake securing the service.

use cosmwasm_std::{
    from_json, to_json_binary, Addr, BankMsg, Coin, CosmosMsg, DepsMut, Env, MessageInfo, Response,
    Timestamp, Uint128, WasmMsg,
};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg};
use restake_types::{
    Asset, ExecuteMsg as HubExecuteMsg, ReceiveMsg as HubReceiveMsg, ServiceResponse, ServiceStatus,
};

use crate::error::{nonpayable, ContractError};
use crate::hub::{self, hub_msg};
use crate::msg::ReceiveMsg;
use crate::state::{Config, FeeBook, CONFIG, FEES, SERVICE_ID};

/// Adds `amount` of `asset` to an asset list kept in declaration order.
fn credit(
    list: &mut [(Asset, Uint128)],
    asset: &Asset,
    amount: Uint128,
) -> Result<(), ContractError> {
    let entry = list.iter_mut().find(|(a, _)| a == asset).ok_or_else(|| {
        ContractError::UndeclaredFeeAsset {
            asset: asset.to_string(),
        }
    })?;
    entry.1 = entry.1.checked_add(amount)?;
    Ok(())
}

fn has_pending(fees: &FeeBook) -> bool {
    fees.pending.iter().any(|(_, a)| !a.is_zero())
}

/// Earliest time of the next distribution.
pub fn next_distribution_at(config: &Config, fees: &FeeBook, now: Timestamp) -> Timestamp {
    fees.last_distribution
        .map(|t| t.plus_seconds(config.epoch))
        .unwrap_or(now)
}

pub fn pay_fees(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    if info.funds.is_empty() {
        return Err(ContractError::NoFees);
    }
    let config = CONFIG.load(deps.storage)?;
    assert_not_retired(&deps, &config)?;
    let mut fees = FEES.load(deps.storage)?;
    let mut paid = vec![];
    for coin in &info.funds {
        if coin.amount.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        credit(
            &mut fees.pending,
            &Asset::Native(coin.denom.clone()),
            coin.amount,
        )?;
        paid.push(coin.to_string());
    }
    FEES.save(deps.storage, &fees)?;
    Ok(Response::new()
        .add_attribute("action", "pay_fees")
        .add_attribute("payer", info.sender)
        .add_attribute("amount", paid.join(",")))
}

pub fn receive(
    deps: DepsMut,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let ReceiveMsg::PayFees {} = from_json(&msg.msg).map_err(|e| {
        ContractError::invalid(
            "receive msg",
            format!("expected {{\"pay_fees\":{{}}}}: {e}"),
        )
    })?;
    if msg.amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    assert_not_retired(&deps, &config)?;
    // info.sender is the token contract: only a declared token can credit itself.
    let token = info.sender;
    let mut fees = FEES.load(deps.storage)?;
    credit(&mut fees.pending, &Asset::Cw20(token.clone()), msg.amount)?;
    FEES.save(deps.storage, &fees)?;
    Ok(Response::new()
        .add_attribute("action", "pay_fees")
        .add_attribute("payer", msg.sender)
        .add_attribute("cw20", token)
        .add_attribute("amount", msg.amount))
}

fn assert_not_retired(deps: &DepsMut, config: &Config) -> Result<(), ContractError> {
    let service_id = SERVICE_ID.load(deps.storage)?;
    if hub::service(deps.as_ref(), &config.hub, service_id)?.status == ServiceStatus::Retired {
        return Err(ContractError::ServiceRetired { service_id });
    }
    Ok(())
}

/// Why the hub would refuse a reward payment now, if it would.
fn refusal(service: &ServiceResponse) -> Option<&'static str> {
    if service.status != ServiceStatus::Active {
        Some("service not active")
    } else if service.total_stake.is_zero() {
        Some("no stake opted in")
    } else {
        None
    }
}

pub fn distribute(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let mut fees = FEES.load(deps.storage)?;
    let next_at = next_distribution_at(&config, &fees, env.block.time);
    if env.block.time < next_at {
        return Err(ContractError::EpochNotReached { next_at });
    }
    if !has_pending(&fees) {
        return Err(ContractError::NoFeesPending);
    }
    let service_id = SERVICE_ID.load(deps.storage)?;
    let service = hub::service(deps.as_ref(), &config.hub, service_id)?;
    // The hub refuses payments nobody could earn; asking first keeps the fees here (and the
    // epoch unused) without a failing submessage.
    if let Some(reason) = refusal(&service) {
        return Ok(Response::new()
            .add_attribute("action", "distribute")
            .add_attribute("service_id", service_id.to_string())
            .add_attribute("deferred", reason));
    }
    let (msgs, paid) = payout(&config.hub, service_id, &mut fees)?;
    fees.last_distribution = Some(env.block.time);
    FEES.save(deps.storage, &fees)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "distribute")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("total_stake", service.total_stake)
        .add_attribute("amount", paid.join(",")))
}

/// Messages paying every pending fee to the hub for `service_id`: one
/// `distribute_rewards` carrying the native fees, one cw20 `send` per token. Moves the
/// amounts from pending to distributed and returns the messages and the amounts paid.
pub fn payout(
    hub: &Addr,
    service_id: u64,
    fees: &mut FeeBook,
) -> Result<(Vec<CosmosMsg>, Vec<String>), ContractError> {
    let mut coins: Vec<Coin> = vec![];
    let mut msgs = vec![];
    let mut paid = vec![];
    for (asset, amount) in fees.pending.iter_mut() {
        if amount.is_zero() {
            continue;
        }
        paid.push(format!("{amount}{asset}"));
        match asset {
            Asset::Native(denom) => coins.push(Coin::new(*amount, denom.clone())),
            Asset::Cw20(token) => msgs.push(
                WasmMsg::Execute {
                    contract_addr: token.to_string(),
                    msg: to_json_binary(&Cw20ExecuteMsg::Send {
                        contract: hub.to_string(),
                        amount: *amount,
                        msg: to_json_binary(&HubReceiveMsg::DistributeRewards { service_id })?,
                    })?,
                    funds: vec![],
                }
                .into(),
            ),
        }
        credit(&mut fees.distributed, asset, *amount)?;
        *amount = Uint128::zero();
    }
    if !coins.is_empty() {
        // The chain wants funds sorted by denom.
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        msgs.insert(
            0,
            hub_msg(hub, &HubExecuteMsg::DistributeRewards { service_id }, coins)?,
        );
    }
    Ok((msgs, paid))
}

/// Admin only: retires the service at the hub, paying pending fees to the current stakers
/// first when the hub can take them.
pub fn retire(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized(
            "retire the service",
            "the admin",
        ));
    }
    let service_id = SERVICE_ID.load(deps.storage)?;
    let service = hub::service(deps.as_ref(), &config.hub, service_id)?;
    if service.status == ServiceStatus::Retired {
        return Err(ContractError::ServiceRetired { service_id });
    }
    let mut fees = FEES.load(deps.storage)?;
    let mut response = Response::new()
        .add_attribute("action", "retire")
        .add_attribute("service_id", service_id.to_string());
    // The stakers secured the service while these fees came in: pay them before the hub
    // stops taking payments (regardless of the epoch).
    if has_pending(&fees) && refusal(&service).is_none() {
        let (msgs, paid) = payout(&config.hub, service_id, &mut fees)?;
        fees.last_distribution = Some(env.block.time);
        FEES.save(deps.storage, &fees)?;
        response = response
            .add_messages(msgs)
            .add_attribute("final_distribution", paid.join(","));
    }
    Ok(response.add_message(hub_msg(
        &config.hub,
        &HubExecuteMsg::SetServiceStatus {
            service_id,
            status: ServiceStatus::Retired,
        },
        vec![],
    )?))
}

/// Admin only, after retirement: sends the fees the hub can no longer take to `recipient`.
pub fn withdraw_fees(
    deps: DepsMut,
    info: MessageInfo,
    recipient: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized("withdraw fees", "the admin"));
    }
    let service_id = SERVICE_ID.load(deps.storage)?;
    let status = hub::service(deps.as_ref(), &config.hub, service_id)?.status;
    if status != ServiceStatus::Retired {
        return Err(ContractError::NotRetired {
            service_id,
            status: status.to_string(),
        });
    }
    let recipient = match recipient {
        Some(r) => deps
            .api
            .addr_validate(&r)
            .map_err(|e| ContractError::invalid("recipient", format!("{r:?}: {e}")))?,
        None => config.admin.clone(),
    };
    let mut fees = FEES.load(deps.storage)?;
    if !has_pending(&fees) {
        return Err(ContractError::NoFeesPending);
    }
    let mut coins: Vec<Coin> = vec![];
    let mut msgs: Vec<CosmosMsg> = vec![];
    let mut paid = vec![];
    for (asset, amount) in fees.pending.iter_mut() {
        if amount.is_zero() {
            continue;
        }
        paid.push(format!("{amount}{asset}"));
        match asset {
            Asset::Native(denom) => coins.push(Coin::new(*amount, denom.clone())),
            Asset::Cw20(token) => msgs.push(
                WasmMsg::Execute {
                    contract_addr: token.to_string(),
                    msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                        recipient: recipient.to_string(),
                        amount: *amount,
                    })?,
                    funds: vec![],
                }
                .into(),
            ),
        }
        *amount = Uint128::zero();
    }
    if !coins.is_empty() {
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        msgs.push(
            BankMsg::Send {
                to_address: recipient.to_string(),
                amount: coins,
            }
            .into(),
        );
    }
    FEES.save(deps.storage, &fees)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "withdraw_fees")
        .add_attribute("recipient", recipient)
        .add_attribute("amount", paid.join(",")))
}
