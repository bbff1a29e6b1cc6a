//! Service rewards (native and cw20), native staking rewards, claims.
//!
//! A payment raises the service's index by amount / opted stake: O(1) whatever the number
//! of stakers. Stakers collect through their pools when they claim.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Decimal256, DepsMut, Env, MessageInfo, Reply,
    Response, SubMsg, Uint128, WasmMsg,
};
use restake_types::math::{index_increment, split_whole};
use restake_types::{Asset, Cw20ReceiveMsg, ReceiveMsg, ServiceStatus};

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError};
use crate::pools::add;
use crate::routing::refused;
use crate::state::books::Books;
use crate::state::codec::{packed, payload};
use crate::state::{Pool, Position, BONDED_ASSET, PAYOUT_REPLY_ID};
use crate::validate;

/// Gas a payout that runs foreign code (a cw20 contract, a denom with a send hook) may use.
/// Out of gas is an error like any other, so the reply keeps the amount owed and the
/// staker's other rewards are paid.
pub const PAYOUT_GAS_LIMIT: u64 = 500_000;

impl Books<'_> {
    /// Splits a payment over the stake opted into the service now.
    fn credit_service(
        &mut self,
        service_id: u64,
        asset: &Asset,
        amount: Uint128,
    ) -> Result<(), ContractError> {
        let undeclared = || ContractError::UndeclaredRewardAsset {
            asset: asset.to_string(),
            service_id,
        };
        let state = self
            .service_state(service_id)?
            .ok_or(ContractError::ServiceNotFound { id: service_id })?;
        if state.status != ServiceStatus::Active {
            return Err(ContractError::ServiceNotActive {
                id: service_id,
                status: state.status,
                what: "reward payments".into(),
            });
        }
        let asset_id = self.asset_id(asset)?.ok_or_else(undeclared)?;
        let state = self
            .service_state(service_id)?
            .ok_or(ContractError::ServiceNotFound { id: service_id })?;
        let total_stake = state.total_stake;
        let index = state
            .indexes
            .iter_mut()
            .find(|i| i.asset == asset_id)
            .ok_or_else(undeclared)?;
        if amount.is_zero() {
            return Err(ContractError::ZeroAmount {
                field: "reward amount".into(),
            });
        }
        if total_stake.is_zero() {
            return Err(ContractError::NoStakeInService { service_id });
        }
        index.index = index
            .index
            .checked_add(index_increment(amount, total_stake)?)?;
        index.paid = index.paid.saturating_add(amount);
        if asset_id == BONDED_ASSET {
            self.totals()?.liquid_bonded = self.totals()?.liquid_bonded.checked_add(amount)?;
        }
        Ok(())
    }
}

pub fn distribute_rewards(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    service_id: u64,
) -> Result<Response, ContractError> {
    if info.funds.is_empty() {
        return Err(ContractError::NoFunds);
    }
    let mut books = Books::open(deps.storage, env)?;
    let mut paid = vec![];
    for coin in &info.funds {
        books.credit_service(service_id, &Asset::Native(coin.denom.clone()), coin.amount)?;
        paid.push(coin.to_string());
    }
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "distribute_rewards")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("sender", info.sender)
        .add_attribute("amount", paid.join(",")))
}

pub fn receive(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let token = info.sender;
    let ReceiveMsg::DistributeRewards { service_id } =
        cosmwasm_std::from_json(&msg.msg).map_err(|e| ContractError::InvalidHook {
            reason: e.to_string(),
        })?;
    if deps.querier.query_wasm_contract_info(&token).is_err() {
        return Err(ContractError::NotAContract {
            sender: token.to_string(),
        });
    }
    let mut books = Books::open(deps.storage, env)?;
    books.credit_service(service_id, &Asset::Cw20(token.clone()), msg.amount)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "distribute_rewards")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("sender", msg.sender)
        .add_attribute("cw20", token)
        .add_attribute("amount", msg.amount))
}

/// Everything a staker could claim now, with the records a claim writes back.
pub struct Collected {
    /// Withdrawals of the staker's validators' rewards, to run first.
    pub harvest: Vec<SubMsg>,
    /// Whole units per asset id, in asset order.
    pub amounts: Vec<(u32, Uint128)>,
    pub positions: Vec<(u32, Position, Pool)>,
}

/// Takes the whole units of every accrued reward into `amounts` (fractions stay accrued).
fn take_whole(
    accrued: &mut Vec<(u32, Decimal256)>,
    amounts: &mut Vec<(u32, Uint128)>,
) -> Result<(), ContractError> {
    for (asset, amount) in accrued.iter_mut() {
        let (whole, rest) = split_whole(*amount);
        if !whole.is_zero() {
            add(amounts, asset, whole)?;
            *amount = rest;
        }
    }
    accrued.retain(|(_, a)| !a.is_zero());
    Ok(())
}

impl Books<'_> {
    /// Harvests the staker's validators, settles its positions and takes the whole units of
    /// every accrued reward. Queries run it on books they never save.
    pub fn collect(&mut self, chain: &Chain, staker: &[u8]) -> Result<Collected, ContractError> {
        let vids = self.position_vids(staker)?;
        let mut harvest = vec![];
        for vid in &vids {
            harvest.extend(self.harvest_msgs(chain, *vid)?);
        }
        let mut amounts = vec![];
        let mut positions = vec![];
        for vid in vids {
            if let Some((mut position, pool)) = self.settled_position(staker, vid)? {
                take_whole(&mut position.accrued, &mut amounts)?;
                positions.push((vid, position, pool));
            }
        }
        let closed = self.staker_rewards(staker)?;
        take_whole(&mut closed.rewards, &mut amounts)?;
        restake_types::math::sort_small(&mut amounts);
        Ok(Collected {
            harvest,
            amounts,
            positions,
        })
    }
}

/// cw20's `{"transfer":{"recipient":..,"amount":..}}` (serialized on its own so the wasm
/// does not carry the serializer of every cw20 message).
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Cw20Transfer<'a> {
    Transfer { recipient: &'a str, amount: Uint128 },
}

/// What a payout's reply needs to keep the amount owed when the transfer is refused.
#[derive(Clone, Debug, PartialEq)]
struct Payout {
    staker: Addr,
    asset: Asset,
    amount: Uint128,
}
packed!(Payout {
    staker,
    asset,
    amount
});

pub fn claim_rewards(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let collected = books.collect(&chain, &staker)?;
    if collected.amounts.is_empty() {
        return Err(ContractError::NoRewards);
    }
    for (vid, position, mut pool) in collected.positions {
        books.leave_redirect(&staker, vid, &mut pool)?;
        books.put_position(&staker, vid, Some(position))?;
        books.store_pool(pool)?;
    }
    books.tidy_staker(&staker)?;
    let mut payouts: Vec<SubMsg> = vec![];
    let mut paid = vec![];
    for (asset_id, amount) in &collected.amounts {
        let asset = books.asset(*asset_id)?;
        paid.push(format!("{amount}{asset}"));
        let transfer: CosmosMsg = match &asset {
            Asset::Native(denom) => BankMsg::Send {
                to_address: info.sender.to_string(),
                amount: vec![Coin::new(*amount, denom.clone())],
            }
            .into(),
            Asset::Cw20(token) => WasmMsg::Execute {
                contract_addr: token.to_string(),
                msg: to_json_binary(&Cw20Transfer::Transfer {
                    recipient: info.sender.as_str(),
                    amount: *amount,
                })?,
                funds: vec![],
            }
            .into(),
        };
        if *asset_id == BONDED_ASSET {
            books.totals()?.liquid_bonded = books.totals()?.liquid_bonded.checked_sub(*amount)?;
            payouts.push(SubMsg::new(transfer));
            continue;
        }
        // Any other asset's transfer may be refused or run out of gas (a token contract, a
        // denom with a send hook or sends disabled) and must not block the staker's other
        // rewards: the reply (on failure only) keeps that asset's amount owed.
        let payout = Payout {
            staker: info.sender.clone(),
            asset,
            amount: *amount,
        };
        payouts.push(
            SubMsg::reply_on_error(transfer, PAYOUT_REPLY_ID)
                .with_gas_limit(PAYOUT_GAS_LIMIT)
                .with_payload(payload(&payout)),
        );
    }
    books.finish()?;
    Ok(Response::new()
        .add_submessages(collected.harvest)
        .add_submessages(payouts)
        .add_attribute("action", "claim_rewards")
        .add_attribute("staker", info.sender)
        .add_attribute("amount", paid.join(",")))
}

pub fn harvest(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validators: Option<Vec<String>>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let vids: Vec<u32> = match validators {
        Some(list) => {
            if list.is_empty() {
                return Err(ContractError::EmptyList {
                    field: "validators".into(),
                });
            }
            let mut vids = vec![];
            for v in &list {
                let v = validate::validator(v)?;
                let vid = books
                    .vid(&v)?
                    .ok_or_else(|| ContractError::UnknownValidator {
                        validator: v.clone(),
                    })?;
                if vids.contains(&vid) {
                    return Err(ContractError::Duplicate {
                        field: "validator".into(),
                        id: v,
                    });
                }
                vids.push(vid);
            }
            vids
        }
        None => (0..books.totals()?.next_validator).collect(),
    };
    let mut msgs = vec![];
    let mut harvested = vec![];
    for vid in vids {
        let m = books.harvest_msgs(&chain, vid)?;
        if !m.is_empty() {
            harvested.push(books.valoper(vid)?);
        }
        msgs.extend(m);
    }
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "harvest")
        .add_attribute("validators", harvested.join(",")))
}

/// The reply of a refused payout (a cw20 token, or a native denom other than the bonded one):
/// the amount goes back to the staker's rewards, to be claimed again later.
pub fn payout_reply(deps: DepsMut, env: &Env, reply: &Reply) -> Result<Response, ContractError> {
    let Some((error, payout)) = refused::<Payout>(reply, "a payout")? else {
        return Ok(Response::new());
    };
    let staker = validate::canonical(deps.api, &payout.staker)?;
    let mut books = Books::open(deps.storage, env)?;
    let asset_id = books.asset_id_or_new(&payout.asset)?;
    let owed = Decimal256::from_atomics(payout.amount, 0)
        .map_err(|_| restake_types::math::MathError::Overflow("payout"))?;
    add(&mut books.staker_rewards(&staker)?.rewards, &asset_id, owed)?;
    books.finish()?;
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
