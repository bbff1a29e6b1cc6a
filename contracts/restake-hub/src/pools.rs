//! Pool accounting: the lazily settled reward indexes and the stake totals that keep every
//! message's cost independent of the number of stakers.
//!
//! A service's index grows by payment / opted stake; a pool turns the growth of each of its
//! services' indexes (and of its validator's native index) into reward per share when it
//! settles, which it must do before its bonded tokens change; a position turns the growth
//! of its pool's reward per share into accrued rewards when it settles, which it must do
//! before its shares change.

use cosmwasm_std::{Addr, Decimal256, Storage, Uint128};
use restake_types::math::{accrue, per_share, ShareGroup};
use restake_types::Asset;

use crate::books::Books;
use crate::error::ContractError;
use crate::state::*;

/// Value of `key` in a small association list (zero when absent).
pub fn get<K: PartialEq>(list: &[(K, Decimal256)], key: &K) -> Decimal256 {
    list.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .unwrap_or_default()
}

/// Values of the small association lists: added with overflow checks.
pub trait Amount: Copy {
    fn checked_plus(self, other: Self) -> Option<Self>;
}

impl Amount for Uint128 {
    fn checked_plus(self, other: Self) -> Option<Self> {
        self.checked_add(other).ok()
    }
}

impl Amount for Decimal256 {
    fn checked_plus(self, other: Self) -> Option<Self> {
        self.checked_add(other).ok()
    }
}

/// Adds `amount` to `key` in a small association list (an error on overflow, never a
/// panic).
pub fn add<K: PartialEq + Clone, V: Amount>(
    list: &mut Vec<(K, V)>,
    key: &K,
    amount: V,
) -> Result<(), ContractError> {
    match list.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => {
            *v = v
                .checked_plus(amount)
                .ok_or(restake_types::math::MathError::Overflow(
                    "reward accounting",
                ))?;
        }
        None => list.push((key.clone(), amount)),
    }
    Ok(())
}

/// Adds to a running statistic, saturating (a statistic must never block a payment).
pub fn add_saturating<K: PartialEq + Clone>(
    list: &mut Vec<(K, Uint128)>,
    key: &K,
    amount: Uint128,
) {
    match list.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = v.saturating_add(amount),
        None => list.push((key.clone(), amount)),
    }
}

/// Brings the pool's reward per share up to date.
pub fn settle_pool(
    store: &dyn Storage,
    books: &mut Books,
    pool: &mut Pool,
) -> Result<(), ContractError> {
    let tokens = pool.bonded.tokens;
    let shares = pool.bonded.shares;
    for service in pool.services.clone() {
        let state = books.service_state(store, service)?;
        for (asset, index) in &state.indexes {
            let mark = pool
                .service_marks
                .iter_mut()
                .find(|(s, a, _)| *s == service && a == asset);
            let previous = mark.as_ref().map(|(_, _, v)| *v).unwrap_or_default();
            if *index > previous && !shares.is_zero() {
                let growth = per_share(*index - previous, tokens, shares)?;
                add(&mut pool.rps, asset, growth)?;
            }
            match mark {
                Some((_, _, v)) => *v = *index,
                None => pool.service_marks.push((service, asset.clone(), *index)),
            }
        }
    }
    let validator = books.validator(store, &pool.validator)?;
    for (denom, index) in &validator.native_index {
        let previous = get(&pool.native_marks, denom);
        if *index > previous && !shares.is_zero() {
            let growth = per_share(*index - previous, tokens, shares)?;
            add(&mut pool.rps, &Asset::Native(denom.clone()), growth)?;
        }
    }
    pool.native_marks = validator.native_index.clone();
    Ok(())
}

/// Turns the growth of the pool's reward per share into the position's accrued rewards.
pub fn settle_position(position: &mut Position, pool: &Pool) -> Result<(), ContractError> {
    if position.pool_id == pool.id && !position.shares.is_zero() {
        for (asset, rps) in &pool.rps {
            let previous = get(&position.marks, asset);
            if *rps > previous {
                let earned = accrue(*rps - previous, position.shares)?;
                add(&mut position.accrued, asset, earned)?;
            }
        }
    }
    position.marks = pool.rps.clone();
    Ok(())
}

/// Moves `amount` of stake on `validator` from securing `from` to securing `to` (services
/// in both are untouched): service totals, per-validator service stake and the restaked
/// total follow.
pub fn shift_services(
    store: &dyn Storage,
    books: &mut Books,
    validator: &str,
    from: &[u64],
    to: &[u64],
    amount: Uint128,
) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    for service in from.iter().filter(|s| !to.contains(s)) {
        let state = books.service_state_mut(store, *service)?;
        state.total_stake = state.total_stake.checked_sub(amount)?;
        books.shift_service_validator(store, *service, validator, amount, false)?;
        books.totals.restaked = books.totals.restaked.checked_sub(amount)?;
    }
    for service in to.iter().filter(|s| !from.contains(s)) {
        let state = books.service_state_mut(store, *service)?;
        state.total_stake = state.total_stake.checked_add(amount)?;
        books.shift_service_validator(store, *service, validator, amount, true)?;
        books.totals.restaked = books.totals.restaked.checked_add(amount)?;
    }
    Ok(())
}

/// Bonded tokens entered the pool (a deposit).
pub fn bonded_added(
    store: &dyn Storage,
    books: &mut Books,
    pool: &Pool,
    amount: Uint128,
) -> Result<(), ContractError> {
    shift_services(store, books, &pool.validator, &[], &pool.services, amount)?;
    let v = books.validator_mut(store, &pool.validator)?;
    v.bonded = v.bonded.checked_add(amount)?;
    books.totals.bonded = books.totals.bonded.checked_add(amount)?;
    Ok(())
}

/// Bonded tokens left the pool (an unbond, a slash, a chain slash).
pub fn bonded_removed(
    store: &dyn Storage,
    books: &mut Books,
    pool: &Pool,
    amount: Uint128,
) -> Result<(), ContractError> {
    shift_services(store, books, &pool.validator, &pool.services, &[], amount)?;
    let v = books.validator_mut(store, &pool.validator)?;
    v.bonded = v.bonded.checked_sub(amount)?;
    books.totals.bonded = books.totals.bonded.checked_sub(amount)?;
    Ok(())
}

/// The pool new members of (validator, services) join, created if needed (within the
/// validator's pool cap). `services` must be sorted and free of duplicates.
pub fn pool_for(
    store: &dyn Storage,
    books: &mut Books,
    validator: &str,
    services: &[u64],
) -> Result<Pool, ContractError> {
    let key = set_key(services);
    if let Some(id) = books.pool_key(store, validator, &key)? {
        let pool = books.take_pool(store, id)?;
        if pool.bonded.is_joinable() {
            return Ok(pool);
        }
        books.put_pool(store, pool)?;
    }
    let max = books.config.max_pools_per_validator;
    let id = books.totals.next_pool_id + 1;
    let v = books.validator(store, validator)?;
    if v.pools.len() >= max as usize {
        return Err(ContractError::PoolCapReached {
            validator: validator.to_string(),
            max,
        });
    }
    let native_marks = v.native_index.clone();
    let mut service_marks = vec![];
    for service in services {
        let state = books.service_state(store, *service)?;
        for (asset, index) in &state.indexes {
            service_marks.push((*service, asset.clone(), *index));
        }
    }
    books.totals.next_pool_id = id;
    books.totals.pools += 1;
    books.validator_mut(store, validator)?.pools.push(id);
    books.set_pool_key(validator, &key, id);
    Ok(Pool {
        id,
        validator: validator.to_string(),
        services: services.to_vec(),
        bonded: ShareGroup::default(),
        matured: ShareGroup::default(),
        matured_entries: 0,
        batches: vec![],
        rps: vec![],
        service_marks,
        native_marks,
    })
}

/// A position's bonded tokens now.
pub fn position_value(position: &Position, pool: &Pool) -> Uint128 {
    pool.bonded.value(position.shares, 0)
}

/// Loads the staker's position with its pool, both settled.
pub fn load_settled(
    store: &dyn Storage,
    books: &mut Books,
    staker: &Addr,
    validator: &str,
) -> Result<Option<(Position, Pool)>, ContractError> {
    let Some(position) = POSITIONS.may_load(store, (staker, validator))? else {
        return Ok(None);
    };
    Ok(Some(settle_loaded(store, books, position)?))
}

/// Settles a position already loaded, taking its pool out of the books.
pub fn settle_loaded(
    store: &dyn Storage,
    books: &mut Books,
    mut position: Position,
) -> Result<(Position, Pool), ContractError> {
    let mut pool = books.take_pool(store, position.pool_id)?;
    settle_pool(store, books, &mut pool)?;
    settle_position(&mut position, &pool)?;
    Ok((position, pool))
}

/// Records a new position of `staker` (for the stakers count).
pub fn position_opened(
    store: &mut dyn Storage,
    books: &mut Books,
    staker: &Addr,
) -> Result<(), ContractError> {
    let mut info = STAKERS.may_load(store, staker)?.unwrap_or_default();
    if info.positions == 0 {
        books.totals.stakers += 1;
    }
    info.positions += 1;
    STAKERS.save(store, staker, &info)?;
    Ok(())
}

/// Saves the position, or closes it when it holds nothing: its unclaimed rewards move to
/// the staker's record.
pub fn save_position(
    store: &mut dyn Storage,
    books: &mut Books,
    staker: &Addr,
    validator: &str,
    position: &mut Position,
    pool: &mut Pool,
) -> Result<(), ContractError> {
    if !position_value(position, pool).is_zero() {
        POSITIONS.save(store, (staker, validator), position)?;
        return Ok(());
    }
    POSITIONS.remove(store, (staker, validator));
    if position.pool_id == pool.id && !position.shares.is_zero() {
        // Shares worth nothing (a wiped-out pool): burn them so the pool can be deleted.
        pool.bonded.leave(std::mem::take(&mut position.shares), 0)?;
    }
    let mut info = STAKERS.may_load(store, staker)?.unwrap_or_default();
    for (asset, amount) in &position.accrued {
        if !amount.is_zero() {
            add(&mut info.rewards, asset, *amount)?;
        }
    }
    info.positions = info.positions.saturating_sub(1);
    if info.positions == 0 {
        books.totals.stakers = books.totals.stakers.saturating_sub(1);
    }
    if info.positions == 0 && info.rewards.is_empty() {
        STAKERS.remove(store, staker);
    } else {
        STAKERS.save(store, staker, &info)?;
    }
    Ok(())
}
