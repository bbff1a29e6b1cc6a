//! Talking to the chain's staking, distribution and bank modules.
//!
//! Before any delegation change on a validator the hub reads its delegation: the
//! accumulated rewards are withdrawn explicitly (first message of the response) and
//! credited to the stake that earned them, and a delegation below the books (chain
//! slashing) is shared by all stake on the validator before anything else moves.

use cosmwasm_std::{
    coin, Addr, BankMsg, Coin, CosmosMsg, Decimal256, Deps, DistributionMsg, QuerierWrapper, Reply,
    Response, StakingMsg, Storage, SubMsg, SubMsgResult, Uint128,
};
use restake_types::math::index_increment;
use restake_types::Asset;

use crate::books::Books;
use crate::error::ContractError;
use crate::pools::add;
use crate::slashing::apply_chain_shortfall;
use crate::state::{Destination, PendingRoute, SlashStats, PENDING_ROUTES, ROUTE_REPLY_BASE};

pub fn delegate_msg(validator: &str, amount: Coin) -> CosmosMsg {
    StakingMsg::Delegate {
        validator: validator.to_string(),
        amount,
    }
    .into()
}

pub fn undelegate_msg(validator: &str, amount: Coin) -> CosmosMsg {
    StakingMsg::Undelegate {
        validator: validator.to_string(),
        amount,
    }
    .into()
}

pub fn withdraw_msg(validator: &str) -> CosmosMsg {
    DistributionMsg::WithdrawDelegatorReward {
        validator: validator.to_string(),
    }
    .into()
}

/// Protobuf type of the Cosmos SDK's community-pool deposit.
pub const FUND_COMMUNITY_POOL: &str = "/cosmos.distribution.v1beta1.MsgFundCommunityPool";

/// Sends slashed tokens to the configured destination.
pub fn route_msg(hub: &Addr, destination: &Destination, amount: Coin) -> CosmosMsg {
    match destination {
        Destination::Burn => BankMsg::Burn {
            amount: vec![amount],
        }
        .into(),
        // Sent as the SDK message itself rather than `DistributionMsg::FundCommunityPool`,
        // which would make the contract require the cosmwasm_1_3 capability.
        #[allow(deprecated)]
        Destination::CommunityPool => CosmosMsg::Stargate {
            type_url: FUND_COMMUNITY_POOL.to_string(),
            value: fund_community_pool_proto(hub, &amount).into(),
        },
        Destination::Address(addr) => BankMsg::Send {
            to_address: addr.to_string(),
            amount: vec![amount],
        }
        .into(),
    }
}

/// Routes slashed tokens the hub holds to the slash destination, as a submessage whose
/// failure (a destination the chain refuses) does not fail the message: the reply keeps
/// the tokens as unrouted for `process_unbondings` to retry.
pub fn route(
    store: &dyn Storage,
    books: &mut Books,
    hub: &Addr,
    amount: Uint128,
) -> Result<Option<SubMsg>, ContractError> {
    if amount.is_zero() {
        return Ok(None);
    }
    let destination = books.config.slash_destination.clone();
    books.totals.liquid_bonded = books.totals.liquid_bonded.checked_sub(amount)?;
    let stats = books.stats(store)?;
    record_routed(stats, &destination, amount, true);
    stats.next_route_id += 1;
    let id = ROUTE_REPLY_BASE + stats.next_route_id;
    let msg = route_msg(hub, &destination, bonded_coin(books, amount));
    books.add_route(
        id,
        PendingRoute {
            amount,
            destination,
        },
    );
    Ok(Some(SubMsg::reply_always(msg, id)))
}

/// Adds (or, when a routing failed, removes) an amount to the per-destination statistics.
pub fn record_routed(
    stats: &mut SlashStats,
    destination: &Destination,
    amount: Uint128,
    add: bool,
) {
    let field = match destination {
        Destination::Burn => &mut stats.burned,
        Destination::CommunityPool => &mut stats.community_pool,
        Destination::Address(_) => &mut stats.to_address,
    };
    *field = if add {
        *field + amount
    } else {
        field.saturating_sub(amount)
    };
}

/// The reply of a routing submessage: forget it on success; on failure the tokens stay in
/// the hub as unrouted.
pub fn route_reply(store: &mut dyn Storage, reply: &Reply) -> Result<Response, ContractError> {
    let Some(route) = PENDING_ROUTES.may_load(store, reply.id)? else {
        return Ok(Response::new());
    };
    PENDING_ROUTES.remove(store, reply.id);
    if reply.result.is_ok() {
        return Ok(Response::new());
    }
    let mut books = Books::load(store)?;
    books.totals.liquid_bonded += route.amount;
    let stats = books.stats(store)?;
    record_routed(stats, &route.destination, route.amount, false);
    stats.unrouted += route.amount;
    books.save(store)?;
    let error = match &reply.result {
        SubMsgResult::Err(e) => e.clone(),
        SubMsgResult::Ok(_) => String::new(),
    };
    Ok(Response::new()
        .add_attribute("action", "route_slashed")
        .add_attribute("routing_failed", route.amount)
        .add_attribute("error", error))
}

/// The validator exists and is part of the chain's bonded set.
pub fn ensure_bonded_validator(deps: Deps, validator: &str) -> Result<(), ContractError> {
    match deps.querier.query_validator(validator) {
        Ok(Some(_)) => Ok(()),
        _ => Err(ContractError::ValidatorNotBonded {
            validator: validator.to_string(),
        }),
    }
}

/// The hub's delegation on `validator`: (tokens, accumulated rewards).
pub fn delegation(
    querier: &QuerierWrapper,
    hub: &Addr,
    validator: &str,
) -> Result<(Uint128, Vec<Coin>), ContractError> {
    Ok(match querier.query_delegation(hub, validator)? {
        Some(d) => (
            d.amount.amount,
            d.accumulated_rewards
                .into_iter()
                .filter(|c| !c.amount.is_zero())
                .collect(),
        ),
        None => (Uint128::zero(), vec![]),
    })
}

/// Credits native staking rewards of `validator` to the stake bonded on it now (the
/// stake that earned them since the last credit: every change of that stake is preceded
/// by a credit). Without bonded stake the rewards are kept as dust.
pub fn credit_native_rewards(
    store: &dyn Storage,
    books: &mut Books,
    validator: &str,
    rewards: &[Coin],
) -> Result<(), ContractError> {
    let bonded_denom = books.config.bonded_denom.clone();
    for reward in rewards {
        if reward.denom == bonded_denom {
            books.totals.liquid_bonded = books.totals.liquid_bonded.checked_add(reward.amount)?;
        }
        let v = books.validator_mut(store, validator)?;
        if v.bonded.is_zero() {
            books.add_dust(store, Asset::Native(reward.denom.clone()), reward.amount)?;
        } else {
            let growth: Decimal256 = index_increment(reward.amount, v.bonded)?;
            add(&mut v.native_index, &reward.denom, growth);
        }
    }
    Ok(())
}

/// Withdraws and credits the validator's accumulated rewards, then applies any chain
/// slashing the delegation shows. Returns the messages to put first in the response.
pub fn harvest_and_sync(
    deps: Deps,
    hub: &Addr,
    books: &mut Books,
    validator: &str,
) -> Result<(Vec<CosmosMsg>, Uint128), ContractError> {
    let (delegated, rewards) = delegation(&deps.querier, hub, validator)?;
    let mut msgs = vec![];
    if !rewards.is_empty() {
        msgs.push(withdraw_msg(validator));
        credit_native_rewards(deps.storage, books, validator, &rewards)?;
    }
    let books_amount = books.validator(deps.storage, validator)?.books();
    let mut shortfall = Uint128::zero();
    if delegated < books_amount {
        shortfall = books_amount - delegated;
        apply_chain_shortfall(deps.storage, books, validator, shortfall)?;
    } else if delegated > books_amount {
        // More delegated than the books know (share rounding on the chain): nobody's.
        let v = books.validator_mut(deps.storage, validator)?;
        v.dust += delegated - books_amount;
    }
    Ok((msgs, shortfall))
}

pub fn bonded_coin(books: &Books, amount: Uint128) -> Coin {
    coin(amount.u128(), books.config.bonded_denom.clone())
}

/// `MsgFundCommunityPool { amount: [coin], depositor }` in protobuf encoding.
pub fn fund_community_pool_proto(depositor: &Addr, coin: &Coin) -> Vec<u8> {
    let mut c = vec![];
    proto_field(&mut c, 1, coin.denom.as_bytes());
    proto_field(&mut c, 2, coin.amount.to_string().as_bytes());
    let mut msg = vec![];
    proto_field(&mut msg, 1, &c);
    proto_field(&mut msg, 2, depositor.as_bytes());
    msg
}

/// Appends a length-delimited protobuf field.
fn proto_field(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    out.push((field << 3) | 2);
    let mut len = bytes.len();
    while len >= 0x80 {
        out.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_pool_proto_matches_the_sdk_encoding() {
        // Encoded with cosmos-sdk-proto: MsgFundCommunityPool{amount:[{uatom,1000}],depositor:"cosmos1hub"}
        let bytes = fund_community_pool_proto(
            &Addr::unchecked("cosmos1hub"),
            &Coin::new(1000u128, "uatom"),
        );
        assert_eq!(
            bytes,
            [
                &[0x0a, 0x0d, 0x0a, 0x05][..],
                b"uatom",
                &[0x12, 0x04],
                b"1000",
                &[0x12, 0x0a],
                b"cosmos1hub",
            ]
            .concat()
        );
    }
}
