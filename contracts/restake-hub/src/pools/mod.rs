//! Pools: the exposure groups that keep every message's cost independent of the number of
//! stakers.
//!
//! A service's index grows by payment / opted stake; a pool turns the growth of each of its
//! services' indexes (and of its validator's native index) into reward per share when it
//! settles, which it must do before its bonded tokens change; a position turns the growth
//! of its pool's reward per share into accrued rewards when it settles, which it must do
//! before its shares change.
//!
//!
//! Who may open a pool on a validator is in [`admission`]; positions, the shares stakers
//! hold in pools, are in [`positions`].

mod admission;
mod positions;

pub use admission::{Move, EXIT_SLOT_FACTOR};
pub use positions::{position_value, settle_position};

use cosmwasm_std::{Decimal256, Uint128};
use restake_types::math::{per_share, MathError};

use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::Pool;

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
                .ok_or(MathError::Overflow("reward accounting"))?;
        }
        None => list.push((key.clone(), amount)),
    }
    Ok(())
}

impl Books<'_> {
    /// A copy of a pool, to change and give back with [`Books::store_pool`].
    pub fn load_pool(&mut self, id: u64) -> Result<Pool, ContractError> {
        Ok(self.pool(id)?.clone())
    }

    /// Brings the pool's reward per share up to date (a no-op for an evicted pool, whose
    /// rewards stopped at the eviction).
    pub fn settle_pool(&mut self, pool: &mut Pool) -> Result<(), ContractError> {
        if pool.redirect.is_some() {
            return Ok(());
        }
        let tokens = pool.bonded.tokens;
        let shares = pool.bonded.shares;
        for service in pool.services.clone() {
            let state = self
                .service_state(service)?
                .ok_or(ContractError::ServiceNotFound { id: service })?;
            for idx in &state.indexes {
                let mark = pool
                    .service_marks
                    .iter_mut()
                    .find(|(s, a, _)| *s == service && *a == idx.asset);
                let previous = mark.as_ref().map(|(_, _, v)| *v).unwrap_or_default();
                if idx.index > previous && !shares.is_zero() {
                    let growth = per_share(idx.index - previous, tokens, shares)?;
                    add(&mut pool.rps, &idx.asset, growth)?;
                }
                match mark {
                    Some((_, _, v)) => *v = idx.index,
                    None => pool.service_marks.push((service, idx.asset, idx.index)),
                }
            }
        }
        let native = self.validator(pool.vid)?.native.clone();
        for (asset, index) in &native {
            let previous = get(&pool.native_marks, asset);
            if *index > previous && !shares.is_zero() {
                let growth = per_share(*index - previous, tokens, shares)?;
                add(&mut pool.rps, asset, growth)?;
            }
        }
        pool.native_marks = native;
        Ok(())
    }

    /// Moves `amount` of stake on the validator from securing `from` to securing `to`
    /// (services in both are untouched): service totals, per-validator service stake and
    /// the validator's restaked total follow.
    pub fn shift_services(
        &mut self,
        vid: u32,
        from: &[u64],
        to: &[u64],
        amount: Uint128,
    ) -> Result<(), ContractError> {
        if amount.is_zero() {
            return Ok(());
        }
        for service in from.iter().filter(|s| !to.contains(s)) {
            let state = self
                .service_state(*service)?
                .ok_or(ContractError::ServiceNotFound { id: *service })?;
            state.total_stake = state.total_stake.checked_sub(amount)?;
            let v = self.validator(vid)?;
            v.restaked = v.restaked.checked_sub(amount)?;
            let flow = self.totals()?;
            flow.restaked = flow.restaked.checked_sub(amount)?;
        }
        for service in to.iter().filter(|s| !from.contains(s)) {
            let state = self
                .service_state(*service)?
                .ok_or(ContractError::ServiceNotFound { id: *service })?;
            state.total_stake = state.total_stake.checked_add(amount)?;
            let v = self.validator(vid)?;
            v.restaked = v.restaked.checked_add(amount)?;
            let flow = self.totals()?;
            flow.restaked = flow.restaked.checked_add(amount)?;
        }
        Ok(())
    }

    /// Bonded tokens entered the pool (a deposit).
    pub fn bonded_added(&mut self, pool: &Pool, amount: Uint128) -> Result<(), ContractError> {
        self.shift_services(pool.vid, &[], &pool.services, amount)?;
        let v = self.validator(pool.vid)?;
        v.bonded = v.bonded.checked_add(amount)?;
        let flow = self.totals()?;
        flow.bonded = flow.bonded.checked_add(amount)?;
        Ok(())
    }

    /// Bonded tokens left the pool (an unbond, a slash, a chain slash).
    pub fn bonded_removed(&mut self, pool: &Pool, amount: Uint128) -> Result<(), ContractError> {
        self.shift_services(pool.vid, &pool.services, &[], amount)?;
        let v = self.validator(pool.vid)?;
        v.bonded = v.bonded.checked_sub(amount)?;
        let flow = self.totals()?;
        flow.bonded = flow.bonded.checked_sub(amount)?;
        Ok(())
    }

    /// Gives a pool back. A pool with nothing left to slash or owe frees its slot (and is
    /// deleted when no position holds shares of it); a wiped-out pool stops taking new
    /// members, who get a fresh pool for the same service set.
    pub fn store_pool(&mut self, pool: Pool) -> Result<(), ContractError> {
        let id = pool.id;
        if let Some(r) = &pool.redirect {
            // Converted: its stake left its services; its unbondings in flight stay slashable
            // (it stays listed) until they return.
            let done = r.from_left.is_zero()
                && pool.matured_entries == 0
                && pool.matured.tokens.is_zero()
                && pool.batches.is_empty();
            if pool.batches.is_empty() {
                let slots = self.validator_pools(pool.vid)?;
                let len = slots.len();
                slots.retain(|p| *p != id);
                if slots.len() != len {
                    self.index_pool(&pool, false)?;
                }
            }
            self.put_pool(id, (!done).then_some(pool))?;
            return Ok(());
        }
        let joinable = pool.bonded.is_joinable();
        let live = pool.is_live();
        let delete = !live && pool.bonded.shares.is_zero();
        if pool.is_plain() {
            let v = self.validator(pool.vid)?;
            if v.plain_pool == id && (!joinable || delete) {
                v.plain_pool = 0;
            }
        } else {
            // (the key is read only when the pool may have to leave it)
            if (!joinable || delete) && self.pool_key(pool.vid, &pool.services)? == Some(id) {
                self.set_pool_key(pool.vid, &pool.services, None)?;
            }
            if !live {
                let slots = self.validator_pools(pool.vid)?;
                let len = slots.len();
                slots.retain(|p| *p != id);
                if slots.len() != len {
                    self.index_pool(&pool, false)?;
                }
            }
        }
        self.put_pool(id, (!delete).then_some(pool))?;
        Ok(())
    }

    /// The validator's plain pool, created (uncapped) if it has none that takes members.
    pub fn plain_pool(&mut self, vid: u32) -> Result<Pool, ContractError> {
        let id = self.validator(vid)?.plain_pool;
        if id != 0 {
            let pool = self.load_pool(id)?;
            if pool.bonded.is_joinable() {
                return Ok(pool);
            }
        }
        let pool = self.new_pool(vid, vec![])?;
        self.validator(vid)?.plain_pool = pool.id;
        Ok(pool)
    }

    fn new_pool(&mut self, vid: u32, services: Vec<u64>) -> Result<Pool, ContractError> {
        self.totals()?.next_pool += 1;
        let mut pool = Pool::new(self.totals()?.next_pool, vid, services);
        // A new pool starts at the current indexes: it earns nothing paid before it.
        self.settle_pool(&mut pool)?;
        Ok(pool)
    }
}
