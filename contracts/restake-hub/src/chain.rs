//! Talking to the chain's staking, distribution and bank modules.
//!
//! Before any delegation change on a validator the hub reads its delegation: the
//! accumulated rewards are withdrawn explicitly (first message of the response) and
//! credited to the stake that earned them, and a delegation below the books (chain
//! slashing) is shared by all stake on the validator before anything else moves.

use cosmwasm_std::{
    coin, Addr, BankMsg, Coin, CosmosMsg, Decimal256, Deps, DistributionMsg, QuerierWrapper,
    StakingMsg, Storage, Uint128,
};
use restake_types::math::index_increment;
use restake_types::Asset;

use crate::books::Books;
use crate::error::ContractError;
use crate::pools::add;
use crate::slashing::apply_chain_shortfall;
use crate::state::Destination;

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

/// Sends slashed tokens to the configured destination.
pub fn route_msg(destination: &Destination, amount: Coin) -> CosmosMsg {
    match destination {
        Destination::Burn => BankMsg::Burn {
            amount: vec![amount],
        }
        .into(),
        Destination::CommunityPool => DistributionMsg::FundCommunityPool {
            amount: vec![amount],
        }
        .into(),
        Destination::Address(addr) => BankMsg::Send {
            to_address: addr.to_string(),
            amount: vec![amount],
        }
        .into(),
    }
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
