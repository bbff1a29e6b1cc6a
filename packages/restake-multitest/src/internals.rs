//! The state inside cw-multi-test's staking module that the Suite reads or edits directly,
//! because `StakeKeeper` has no API for it. **Coupled to cw-multi-test 2.5.1** (the version in
//! `Cargo.lock`): the structs below mirror its private `Unbonding`, `ValidatorInfo` and
//! `Shares` field for field, and the keys are its `Item` / `Map` names under the staking
//! module's storage namespace `staking`. The test `cw_multi_test_internals_are_as_pinned`
//! (restake-tests, `test_liquid.rs`) fails first if an upgrade moves any of them.
//!
//! Who uses what:
//! - x/liquid's emulation ([`crate::liquid`]) moves a delegation without unbonding: it
//!   undelegates, then takes back the unbonding entry that pushed ([`take_last_unbonding`])
//!   and delegates the tokens from the new owner; it reads a validator's total tokens
//!   ([`validator_info`]) for the liquid staking caps.
//! - [`crate::JailingStaking`] repairs the rounding of a validator's total after a slash
//!   ([`reconcile_validator_stake`]).
//! - `Suite::chain_unbonding_entries` reads the unbonding queue.

use std::collections::{BTreeSet, VecDeque};

use cosmwasm_std::{from_json, to_json_vec, Addr, Decimal, Storage, Timestamp, Uint128};
use cw_multi_test::error::AnyResult;
use cw_storage_plus::{Item, Map};
use serde::{Deserialize, Serialize};

/// `cw_multi_test::staking::Unbonding`: one entry of the unbonding queue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Unbonding {
    pub delegator: Addr,
    pub validator: String,
    pub amount: Uint128,
    pub payout_at: Timestamp,
}

/// `cw_multi_test::staking::ValidatorInfo`: a validator's delegators and total tokens.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ValidatorInfo {
    pub stakers: BTreeSet<Addr>,
    pub stake: Uint128,
    pub last_rewards_calculation: Timestamp,
}

/// `cw_multi_test::staking::Shares`: one delegation, in tokens (fractional after slashes).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Shares {
    pub stake: Decimal,
    pub rewards: Decimal,
}

/// The account of cw-multi-test's staking module (`StakeKeeper::default()`): it holds every
/// delegated and unbonding token (slashing does not burn them from it).
pub const STAKING_MODULE: &str = "staking_module";

/// The staking module's storage namespace, as cw-multi-test prefixes it (length-prefixed).
const NAMESPACE: &[u8] = b"staking";
const STAKING_INFO: Item<cw_multi_test::StakingInfo> = Item::new("staking_info");
const UNBONDING_QUEUE: Item<VecDeque<Unbonding>> = Item::new("unbonding_queue");
const VALIDATOR_INFO: Map<&str, ValidatorInfo> = Map::new("validator_info");
const STAKES: Map<(&Addr, &str), Shares> = Map::new("stakes");

fn key(inner: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + NAMESPACE.len() + inner.len());
    k.extend_from_slice(&(NAMESPACE.len() as u16).to_be_bytes());
    k.extend_from_slice(NAMESPACE);
    k.extend_from_slice(inner);
    k
}

fn load<T: serde::de::DeserializeOwned>(
    storage: &dyn Storage,
    inner: &[u8],
) -> AnyResult<Option<T>> {
    storage
        .get(&key(inner))
        .map(|raw| {
            from_json(&raw).map_err(|e| {
                anyhow::anyhow!(
                    "cw-multi-test's staking state is not laid out as restake-multitest expects \
                     (cw-multi-test 2.5.1): {e}"
                )
            })
        })
        .transpose()
}

/// The staking module's unbonding time in seconds.
pub fn unbonding_time(storage: &dyn Storage) -> AnyResult<u64> {
    Ok(
        load::<cw_multi_test::StakingInfo>(storage, STAKING_INFO.as_slice())?
            .unwrap_or_default()
            .unbonding_time,
    )
}

/// The staking module's unbonding queue (payout order).
pub fn unbonding_queue(storage: &dyn Storage) -> AnyResult<VecDeque<Unbonding>> {
    Ok(load(storage, UNBONDING_QUEUE.as_slice())?.unwrap_or_default())
}

fn save_unbonding_queue(storage: &mut dyn Storage, queue: &VecDeque<Unbonding>) -> AnyResult<()> {
    storage.set(&key(UNBONDING_QUEUE.as_slice()), &to_json_vec(queue)?);
    Ok(())
}

/// Removes the entry an `Undelegate` just pushed, checking that it is the one expected:
/// the tokens stay bonded (x/liquid moves delegations without unbonding them).
pub fn take_last_unbonding(storage: &mut dyn Storage, expected: &Unbonding) -> AnyResult<()> {
    let mut queue = unbonding_queue(storage)?;
    match queue.pop_back() {
        Some(last) if last == *expected => save_unbonding_queue(storage, &queue),
        other => anyhow::bail!(
            "the staking module's last unbonding entry is {other:?}, not the {expected:?} just \
             pushed: cw-multi-test's unbonding queue is not as restake-multitest expects \
             (cw-multi-test 2.5.1)"
        ),
    }
}

/// A validator's delegators and total tokens.
pub fn validator_info(storage: &dyn Storage, validator: &str) -> AnyResult<Option<ValidatorInfo>> {
    load(storage, &VALIDATOR_INFO.key(validator))
}

/// One delegation as the staking module keeps it.
pub fn delegation(
    storage: &dyn Storage,
    delegator: &Addr,
    validator: &str,
) -> AnyResult<Option<Shares>> {
    load(storage, &STAKES.key((delegator, validator)))
}

/// cw-multi-test 2.5 rounds a validator's total tokens down at every slash
/// (`floor(total × (1 − f))`) but keeps each delegation exact (`stake × (1 − f)` as a
/// `Decimal`); after a few slashes the total can fall below what the delegations show, and
/// the last undelegation fails with "Cannot Sub with given operands". This raises the total
/// back to the delegations' sum rounded down — what x/staking keeps: a validator's tokens are
/// never less than the tokens its delegations are worth — so every delegator can leave.
pub fn reconcile_validator_stake(storage: &mut dyn Storage, validator: &str) -> AnyResult<()> {
    let Some(mut info) = validator_info(storage, validator)? else {
        return Ok(());
    };
    let mut sum = Decimal::zero();
    for d in &info.stakers {
        if let Some(s) = delegation(storage, d, validator)? {
            sum = sum.checked_add(s.stake)?;
        }
    }
    let tokens = sum.to_uint_floor();
    if tokens > info.stake {
        info.stake = tokens;
        storage.set(&key(&VALIDATOR_INFO.key(validator)), &to_json_vec(&info)?);
    }
    Ok(())
}
