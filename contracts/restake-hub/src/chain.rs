//! Talking to the chain's staking, distribution and bank modules.
//!
//! Before any delegation change on a validator the hub reads its delegation: the
//! accumulated rewards are withdrawn explicitly (first message of the response) and
//! credited to the stake that earned them, and a delegation below the books (chain
//! slashing) is shared by all stake on the validator before anything else moves.

use cosmwasm_std::{
    coin, from_json, to_json_binary, to_json_vec, Addr, BankMsg, Coin, ContractResult, CosmosMsg,
    Decimal256, Deps, DistributionMsg, Empty, Env, QuerierWrapper, QueryRequest, Reply, Response,
    StakingMsg, Storage, SubMsg, SubMsgResult, SystemResult, Uint128,
};
use restake_types::math::index_increment;
use restake_types::Asset;

use crate::books::Books;
use crate::error::ContractError;
use crate::pools::add;
use crate::slashing::apply_chain_shortfall;
use crate::state::{Destination, SlashStats, ROUTE_REPLY_ID};

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
/// failure (a destination the chain refuses) does not fail the message: the reply, which
/// only comes on failure, keeps the tokens as unrouted for `process_unbondings` to retry.
/// The amount rides in the submessage's payload (chains before CosmWasm 2.0 drop it; there
/// a refused routing fails the message as a plain message would).
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
    record_routed(books.stats(store)?, &destination, amount, true);
    let msg = route_msg(hub, &destination, bonded_coin(books, amount));
    Ok(Some(
        SubMsg::reply_on_error(msg, ROUTE_REPLY_ID).with_payload(to_json_binary(&amount)?),
    ))
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

/// The error of a refused submessage and the payload the hub attached to it; `None` when
/// the submessage succeeded. `what` failed and `lost` is what the error names when the
/// chain dropped the payload.
pub fn refused<T: serde::de::DeserializeOwned>(
    reply: &Reply,
    what: &str,
    lost: &str,
) -> Result<Option<(String, T)>, ContractError> {
    let SubMsgResult::Err(error) = &reply.result else {
        return Ok(None);
    };
    let payload = from_json(&reply.payload).map_err(|_| {
        ContractError::invalid(
            "reply",
            format!("{what} failed ({error}) and this chain dropped {lost}"),
        )
    })?;
    Ok(Some((error.clone(), payload)))
}

/// The reply of a refused routing: the tokens stay in the hub as unrouted.
pub fn route_reply(store: &mut dyn Storage, reply: &Reply) -> Result<Response, ContractError> {
    let Some((error, amount)) = refused::<Uint128>(reply, "routing slashed tokens", "the amount")?
    else {
        return Ok(Response::new());
    };
    let mut books = Books::load(store)?;
    let destination = books.config.slash_destination.clone();
    books.totals.liquid_bonded += amount;
    let stats = books.stats(store)?;
    record_routed(stats, &destination, amount, false);
    stats.unrouted += amount;
    books.save(store)?;
    Ok(Response::new()
        .add_attribute("action", "route_slashed")
        .add_attribute("routing_failed", amount)
        .add_attribute("error", error))
}

/// Path of the staking module's validator query (answered as JSON by wasmd's and
/// Osmosis' stargate queriers when the chain accepts it).
pub const VALIDATOR_QUERY: &str = "/cosmos.staking.v1beta1.Query/Validator";

/// The parts of `QueryValidatorResponse` the hub reads.
#[derive(serde::Deserialize)]
struct StakingValidatorResponse {
    validator: Option<StakingValidator>,
}

#[derive(serde::Deserialize)]
struct StakingValidator {
    #[serde(default)]
    jailed: bool,
    #[serde(default)]
    status: String,
}

/// The validator exists and is bonded (in the active set, not jailed).
///
/// wasmd's `Validator` query answers for jailed and unbonded validators too, so the hub
/// asks the staking module itself (`/cosmos.staking.v1beta1.Query/Validator`, one store
/// read) for the status. Chains that do not accept that query get the existence check
/// only.
pub fn ensure_bonded_validator(deps: Deps, validator: &str) -> Result<(), ContractError> {
    let refused = || ContractError::ValidatorNotBonded {
        validator: validator.to_string(),
    };
    let mut data = vec![];
    proto_field(&mut data, 1, validator.as_bytes());
    #[allow(deprecated)]
    let request: QueryRequest<Empty> = QueryRequest::Stargate {
        path: VALIDATOR_QUERY.to_string(),
        data: data.into(),
    };
    let raw = to_json_vec(&request)?;
    if let SystemResult::Ok(ContractResult::Ok(bytes)) = deps.querier.raw_query(&raw) {
        if let Ok(answer) = from_json::<StakingValidatorResponse>(&bytes) {
            return match answer.validator {
                Some(v) if !v.jailed && v.status == "BOND_STATUS_BONDED" => Ok(()),
                _ => Err(refused()),
            };
        }
    }
    match deps.querier.query_validator(validator) {
        Ok(Some(_)) => Ok(()),
        _ => Err(refused()),
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
///
/// Anyone can pay a validator's delegators in any denom (`MsgDepositValidatorRewardsPool`),
/// so besides the bonded denom at most `max_reward_assets` denoms are booked per validator
/// (first come); rewards in further denoms stay in the hub unbooked, so no stranger can make
/// every message on the validator iterate over (or store) junk.
pub fn credit_native_rewards(
    store: &dyn Storage,
    books: &mut Books,
    validator: &str,
    rewards: &[Coin],
) -> Result<(), ContractError> {
    let bonded_denom = books.config.bonded_denom.clone();
    let cap = books.config.max_reward_assets as usize;
    for reward in rewards {
        let is_bonded_denom = reward.denom == bonded_denom;
        let v = books.validator_mut(store, validator)?;
        let stake = v.bonded;
        if !is_bonded_denom && !v.native_index.iter().any(|(k, _)| *k == reward.denom) {
            // A new denom: booked while the validator has room, and stake to credit it to
            // (with none it would only be dust).
            let others = v
                .native_index
                .iter()
                .filter(|(k, _)| *k != bonded_denom)
                .count();
            if others >= cap || stake.is_zero() {
                continue;
            }
        }
        if is_bonded_denom {
            books.totals.liquid_bonded = books.totals.liquid_bonded.checked_add(reward.amount)?;
        }
        if stake.is_zero() {
            books.add_dust(store, Asset::Native(reward.denom.clone()), reward.amount)?;
        } else {
            let growth: Decimal256 = index_increment(reward.amount, stake)?;
            add(
                &mut books.validator_mut(store, validator)?.native_index,
                &reward.denom,
                growth,
            )?;
        }
    }
    Ok(())
}

/// Withdraws and credits the validator's accumulated rewards, then applies any chain
/// slashing the delegation shows. Returns the messages to put first in the response.
pub fn harvest_and_sync(
    deps: Deps,
    env: &Env,
    books: &mut Books,
    validator: &str,
) -> Result<(Vec<CosmosMsg>, Uint128), ContractError> {
    // Once per message: a second withdrawal would credit the same rewards twice.
    if !books.harvested.insert(validator.to_string()) {
        return Ok((vec![], Uint128::zero()));
    }
    let now = env.block.time.seconds();
    let (delegated, rewards) = delegation(&deps.querier, &env.contract.address, validator)?;
    let mut msgs = vec![];
    if !rewards.is_empty() {
        msgs.push(withdraw_msg(validator));
        credit_native_rewards(deps.storage, books, validator, &rewards)?;
    }
    let books_amount = books.validator(deps.storage, validator)?.books();
    let mut shortfall = Uint128::zero();
    if delegated < books_amount {
        shortfall = books_amount - delegated;
        apply_chain_shortfall(deps.storage, books, validator, shortfall, now)?;
    } else {
        if delegated > books_amount {
            // More delegated than the books know (share rounding on the chain): nobody's.
            let v = books.validator_mut(deps.storage, validator)?;
            v.dust += delegated - books_amount;
        }
        // Whole now: a slash detected later happened after this. Only worth recording
        // while batches are in flight (they are what a later detection must attribute).
        if books.validator(deps.storage, validator)?.in_flight > 0 {
            books.validator_mut(deps.storage, validator)?.last_whole = now;
        }
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
