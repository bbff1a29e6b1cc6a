//! Service rewards (native and cw20), native staking rewards, claims.
//!
//! A payment raises the service's index by amount / opted stake: O(1) whatever the number
//! of stakers. Stakers collect through their pools when they claim.

use crate::error::nonpayable;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Decimal256, Deps, DepsMut, Env,
    MessageInfo, Order, Reply, Response, StdResult, Storage, SubMsg, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use restake_types::math::{index_increment, split_whole};
use restake_types::{Asset, Cw20ReceiveMsg, ReceiveMsg, ServiceStatus};

use crate::books::Books;
use crate::chain::harvest_and_sync;
use crate::error::ContractError;
use crate::opt::load_service;
use crate::pools::{add, add_saturating, settle_pool, settle_position};
use crate::state::*;

pub fn distribute_rewards(
    deps: DepsMut,
    info: MessageInfo,
    service_id: u64,
) -> Result<Response, ContractError> {
    if info.funds.is_empty() {
        return Err(ContractError::NoFunds);
    }
    let mut books = Books::load(deps.storage)?;
    let service = load_service(deps.storage, service_id)?;
    let mut paid = vec![];
    let payments: Vec<(Asset, Uint128)> = info
        .funds
        .iter()
        .map(|c| (Asset::Native(c.denom.clone()), c.amount))
        .collect();
    credit_service(deps.storage, &mut books, &service, &payments)?;
    for coin in &info.funds {
        paid.push(coin.to_string());
    }
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "distribute_rewards")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("sender", info.sender)
        .add_attribute("amount", paid.join(",")))
}

pub fn receive(
    deps: DepsMut,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let token = info.sender;
    if deps.querier.query_wasm_contract_info(&token).is_err() {
        return Err(ContractError::NotAContract {
            sender: token.to_string(),
        });
    }
    let ReceiveMsg::DistributeRewards { service_id } = from_json(&msg.msg).map_err(|e| {
        ContractError::invalid(
            "receive msg",
            format!("expected {{\"distribute_rewards\":{{\"service_id\":N}}}}: {e}"),
        )
    })?;
    let mut books = Books::load(deps.storage)?;
    let service = load_service(deps.storage, service_id)?;
    credit_service(
        deps.storage,
        &mut books,
        &service,
        &[(Asset::Cw20(token.clone()), msg.amount)],
    )?;
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "distribute_rewards")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("sender", msg.sender)
        .add_attribute("cw20", token)
        .add_attribute("amount", msg.amount))
}

/// Splits payments over the stake opted into the service now.
fn credit_service(
    store: &mut dyn Storage,
    books: &mut Books,
    service: &Service,
    payments: &[(Asset, Uint128)],
) -> Result<(), ContractError> {
    if service.status != ServiceStatus::Active {
        return Err(ContractError::ServiceNotActive {
            id: service.id,
            status: service.status,
            what: "reward payments".into(),
        });
    }
    let bonded = Asset::Native(books.config.bonded_denom.clone());
    let mut paid = REWARDS_PAID
        .may_load(store, service.id)?
        .unwrap_or_default();
    for (asset, amount) in payments {
        if !service.reward_assets.contains(asset) {
            return Err(ContractError::UndeclaredRewardAsset {
                asset: asset.to_string(),
                service_id: service.id,
            });
        }
        if amount.is_zero() {
            return Err(ContractError::ZeroAmount {
                field: "reward amount".into(),
            });
        }
        let state = books.service_state_mut(store, service.id)?;
        if state.total_stake.is_zero() {
            return Err(ContractError::NoStakeInService {
                service_id: service.id,
            });
        }
        let growth = index_increment(*amount, state.total_stake)?;
        add(&mut state.indexes, asset, growth)?;
        if *asset == bonded {
            books.totals.liquid_bonded = books.totals.liquid_bonded.checked_add(*amount)?;
        }
        add_saturating(&mut paid, asset, *amount);
    }
    REWARDS_PAID.save(store, service.id, &paid)?;
    Ok(())
}

/// Everything a staker could claim now, with the records a claim writes back.
pub struct Collected {
    pub harvest: Vec<CosmosMsg>,
    pub amounts: Vec<(Asset, Uint128)>,
    pub positions: Vec<(String, Position, Pool)>,
    pub info: Option<StakerInfo>,
    pub info_changed: bool,
}

/// Harvests the staker's validators, settles its positions and takes the whole units of
/// every accrued reward (fractions stay accrued). Queries run it on books they never save.
pub fn collect(
    deps: Deps,
    env: &Env,
    books: &mut Books,
    staker: &Addr,
) -> Result<Collected, ContractError> {
    let loaded: Vec<(String, Position)> = POSITIONS
        .prefix(staker)
        .range(deps.storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    let mut harvest = vec![];
    for (validator, _) in &loaded {
        let (msgs, _) = harvest_and_sync(deps, env, books, validator)?;
        harvest.extend(msgs);
    }
    let mut amounts: Vec<(Asset, Uint128)> = vec![];
    let mut take = |accrued: &mut Vec<(Asset, cosmwasm_std::Decimal256)>| {
        for (asset, amount) in accrued.iter_mut() {
            let (whole, rest) = split_whole(*amount);
            if !whole.is_zero() {
                add(&mut amounts, asset, whole)?;
                *amount = rest;
            }
        }
        accrued.retain(|(_, a)| !a.is_zero());
        Ok::<(), ContractError>(())
    };
    let mut positions = vec![];
    for (validator, mut position) in loaded {
        let mut pool = books.take_pool(deps.storage, position.pool_id)?;
        settle_pool(deps.storage, books, &mut pool)?;
        settle_position(&mut position, &pool)?;
        take(&mut position.accrued)?;
        positions.push((validator, position, pool));
    }
    let mut info = STAKERS.may_load(deps.storage, staker)?;
    let before = info.clone();
    if let Some(i) = info.as_mut() {
        take(&mut i.rewards)?;
    }
    amounts.sort();
    Ok(Collected {
        harvest,
        amounts,
        positions,
        info_changed: info != before,
        info,
    })
}

pub fn claim_rewards(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = info.sender;
    let mut books = Books::load(deps.storage)?;
    let collected = collect(deps.as_ref(), &env, &mut books, &staker)?;
    if collected.amounts.is_empty() {
        return Err(ContractError::NoRewards);
    }
    for (validator, position, pool) in collected.positions {
        POSITIONS.save(deps.storage, (&staker, &validator), &position)?;
        books.put_pool(deps.storage, pool)?;
    }
    if let Some(i) = collected.info {
        if i.positions == 0 && i.rewards.is_empty() {
            STAKERS.remove(deps.storage, &staker);
        } else if collected.info_changed {
            STAKERS.save(deps.storage, &staker, &i)?;
        }
    }
    let msgs = collected.harvest;
    let mut payouts: Vec<SubMsg> = vec![];
    let mut paid = vec![];
    for (asset, amount) in &collected.amounts {
        paid.push(format!("{amount}{asset}"));
        let transfer: CosmosMsg = match asset {
            Asset::Native(denom) => BankMsg::Send {
                to_address: staker.to_string(),
                amount: vec![Coin::new(*amount, denom.clone())],
            }
            .into(),
            Asset::Cw20(token) => WasmMsg::Execute {
                contract_addr: token.to_string(),
                msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                    recipient: staker.to_string(),
                    amount: *amount,
                })?,
                funds: vec![],
            }
            .into(),
        };
        if *asset == Asset::Native(books.config.bonded_denom.clone()) {
            books.totals.liquid_bonded = books.totals.liquid_bonded.checked_sub(*amount)?;
            payouts.push(SubMsg::new(transfer));
            continue;
        }
        // Any other asset's transfer may be refused (a token contract, a denom with a send
        // hook or sends disabled) and must not block the staker's other rewards: the reply
        // (on failure only) keeps that asset's amount owed.
        let payout = Payout {
            staker: staker.clone(),
            asset: asset.clone(),
            amount: *amount,
        };
        payouts.push(
            SubMsg::reply_on_error(transfer, PAYOUT_REPLY_ID)
                .with_payload(to_json_binary(&payout)?),
        );
    }
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_submessages(payouts)
        .add_attribute("action", "claim_rewards")
        .add_attribute("staker", staker)
        .add_attribute("amount", paid.join(",")))
}

pub fn harvest(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validators: Option<Vec<String>>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let validators = match validators {
        Some(list) => {
            if list.is_empty() {
                return Err(ContractError::EmptyList {
                    field: "validators".into(),
                });
            }
            for (i, v) in list.iter().enumerate() {
                if list[..i].contains(v) {
                    return Err(ContractError::Duplicate {
                        field: "validator".into(),
                        id: v.clone(),
                    });
                }
            }
            list
        }
        None => VALIDATORS
            .keys(deps.storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()?,
    };
    let mut books = Books::load(deps.storage)?;
    let mut msgs = vec![];
    let mut harvested = vec![];
    for validator in &validators {
        if !books.validator_known(deps.storage, validator)? {
            return Err(ContractError::UnknownValidator {
                validator: validator.clone(),
            });
        }
        let (m, _) = harvest_and_sync(deps.as_ref(), &env, &mut books, validator)?;
        if !m.is_empty() {
            harvested.push(validator.clone());
        }
        msgs.extend(m);
    }
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "harvest")
        .add_attribute("validators", harvested.join(",")))
}

/// What a payout's reply needs to keep the amount owed when the transfer is refused.
#[cosmwasm_schema::cw_serde]
struct Payout {
    staker: Addr,
    asset: Asset,
    amount: Uint128,
}

/// The reply of a refused payout (a cw20 token, or a native denom other than the bonded
/// one): the amount goes back to the staker's rewards, to be claimed again later.
pub fn payout_reply(store: &mut dyn Storage, reply: &Reply) -> Result<Response, ContractError> {
    let Some((error, payout)) = crate::chain::refused::<Payout>(reply, "a payout", "its details")?
    else {
        return Ok(Response::new());
    };
    let mut info = STAKERS.may_load(store, &payout.staker)?.unwrap_or_default();
    let owed = Decimal256::from_atomics(payout.amount, 0)
        .map_err(|_| restake_types::math::MathError::Overflow("payout"))?;
    add(&mut info.rewards, &payout.asset, owed)?;
    STAKERS.save(store, &payout.staker, &info)?;
    let (action, key, value) = match payout.asset {
        Asset::Cw20(token) => ("cw20_payout_failed", "cw20", token.into_string()),
        Asset::Native(denom) => ("native_payout_failed", "denom", denom),
    };
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("staker", payout.staker)
        .add_attribute(key, value)
        .add_attribute("amount", payout.amount)
        .add_attribute("error", error))
}
