//! Pools: the exposure groups that keep every message's cost independent of the number of
//! stakers, and who may take a pool slot on a validator.
//!
//! A service's index grows by payment / opted stake; a pool turns the growth of each of its
//! services' indexes (and of its validator's native index) into reward per share when it
//! settles, which it must do before its bonded tokens change; a position turns the growth
//! of its pool's reward per share into accrued rewards when it settles, which it must do
//! before its shares change.
//!
//! **Admission.** Each validator has one *plain* pool (stake securing no service) that is
//! never capped, so depositing never depends on a slot. Pools of service sets hold one of
//! the validator's `max_pools_per_validator` slots while they are live (a slash or a chain
//! sync costs O(listed pools)). A move into a set without a pool takes a free slot, or
//! evicts the smallest slotted pool if the mover brings more stake than it and every pool
//! still leaving hold; so holding a slot against a newcomer costs more stake than the
//! newcomer brings. Eviction is a forced opt-out: the evicted pool stays listed, securing
//! its services, until their opt-out delay has passed (see [`Books::convert`]). Exits
//! (completed opt-outs) may also open pools beyond the slots, up to [`EXIT_SLOT_FACTOR`] ×
//! the cap, and evict like joins past that; otherwise they wait. Evicted pools still
//! leaving and converted pools with unbondings in flight are bounded too ([`TAIL_FACTOR`]).

use cosmwasm_std::{Decimal256, Order, Storage, Uint128};
use restake_types::ProxyAction;

use restake_types::math::{accrue, per_share, MathError, ShareGroup};

use crate::chain::Chain;
use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::{keys, Pool, Position, Redirect};

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

/// Exits (completed opt-outs) may hold up to this many times `max_pools_per_validator`
/// slotted pools (joins: one times).
pub const EXIT_SLOT_FACTOR: u32 = 2;
/// Evictions stop while this many times `max_pools_per_validator` pools are leaving (evicted,
/// not converted yet) or converted with unbondings in flight. With the slotted pools, a slash
/// or a chain sync reads at most `EXIT_SLOT_FACTOR + TAIL_FACTOR` times the cap (+ the plain
/// pool).
const TAIL_FACTOR: usize = 2;

/// How a position comes to a pool: admission differs (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Opting in: needs a slot (free, or taken from a smaller pool).
    Join,
    /// Completing an opt-out: never refused.
    Exit,
}

/// Turns the growth of the pool's reward per share into the position's accrued rewards.
pub fn settle_position(position: &mut Position, pool: &Pool) -> Result<(), ContractError> {
    if position.pool == pool.id && !position.shares.is_zero() {
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

/// A position's bonded tokens now.
pub fn position_value(position: &Position, pool: &Pool) -> Uint128 {
    pool.bonded.value(position.shares, 0)
}

/// The plain-pool shares an evicted pool's position converts to (the last one takes the
/// rest), and what is left of the redirect after it.
fn converted_shares(r: &Redirect, shares: Uint128) -> Uint128 {
    if shares >= r.from_left {
        return r.shares_left;
    }
    r.shares_left
        .checked_multiply_ratio(shares, r.from_left)
        .unwrap_or(r.shares_left)
        .min(r.shares_left)
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

    /// The pool a position moving into `services` on the validator joins (settled), created
    /// if needed under the admission rules (see the module docs). `joining` is the stake the
    /// position brings. For an exit that finds no room at all, the plain pool.
    pub fn pool_for(
        &mut self,
        vid: u32,
        services: &[u64],
        joining: Uint128,
        how: Move,
        now: u64,
    ) -> Result<Pool, ContractError> {
        if services.is_empty() {
            let mut pool = self.plain_pool(vid)?;
            self.settle_pool(&mut pool)?;
            return Ok(pool);
        }
        if let Some(id) = self.pool_key(vid, services)? {
            let mut pool = self.load_pool(id)?;
            if pool.bonded.is_joinable() {
                self.settle_pool(&mut pool)?;
                return Ok(pool);
            }
            self.store_pool(pool)?;
        }
        let max = self.config.max_pools_per_validator as usize;
        let room = self.validator_pools(vid)?.len() < max || self.admit(vid, joining, how, now)?;
        if !room {
            let validator = self.valoper(vid)?;
            return Err(match how {
                Move::Join => ContractError::PoolCapReached {
                    validator,
                    max: max as u32,
                },
                Move::Exit => ContractError::ExitWaitsForRoom {
                    validator,
                    max: max as u32 * EXIT_SLOT_FACTOR,
                },
            });
        }
        let pool = self.new_pool(vid, services.to_vec())?;
        self.validator_pools(vid)?.push(pool.id);
        self.index_pool(&pool, true)?;
        self.set_pool_key(vid, services, Some(pool.id))?;
        Ok(pool)
    }

    /// Whether a new pool may open on a validator whose list holds at least
    /// `max_pools_per_validator` pools (see the module docs). Converts the evicted pools
    /// that are ready first, then counts: a join takes a free slot, an exit a free slot or
    /// room beyond the slots ([`EXIT_SLOT_FACTOR`] × the cap); otherwise either evicts the
    /// smallest slotted pool if it brings more than that pool and every pool still leaving,
    /// while fewer than [`TAIL_FACTOR`] × the cap pools are leaving or converted.
    fn admit(
        &mut self,
        vid: u32,
        joining: Uint128,
        how: Move,
        now: u64,
    ) -> Result<bool, ContractError> {
        let max = self.config.max_pools_per_validator as usize;
        let mut slotted = 0usize;
        let mut tail = 0usize;
        let mut leaving = Uint128::zero();
        let mut smallest: Option<(Uint128, u64)> = None;
        for id in self.validator_pools(vid)?.clone() {
            let mut pool = self.load_pool(id)?;
            if pool.leaving.is_some_and(|ready| ready <= now) && self.convert(&mut pool)? {
                // (listed while its unbondings are in flight)
                tail += usize::from(!pool.batches.is_empty());
                self.store_pool(pool)?;
                continue;
            }
            let tokens = pool.bonded.tokens;
            if pool.is_slotted() {
                slotted += 1;
                if smallest.is_none_or(|(t, _)| tokens < t) {
                    smallest = Some((tokens, id));
                }
            } else {
                tail += 1;
                if pool.redirect.is_none() {
                    leaving = leaving.checked_add(tokens)?;
                }
            }
        }
        let slots = match how {
            Move::Join => max,
            Move::Exit => max * EXIT_SLOT_FACTOR as usize,
        };
        if slotted < slots {
            return Ok(true);
        }
        if tail >= max * TAIL_FACTOR {
            return Ok(false);
        }
        Ok(match smallest {
            // The mover must bring more than the pool it displaces and every pool still
            // leaving: holding slots against it costs more stake than it brings.
            Some((tokens, victim)) if tokens.checked_add(leaving)? < joining => {
                self.evict(vid, victim, now)?;
                true
            }
            _ => false,
        })
    }

    /// Evicts a pool: a forced opt-out of all its services. It gives up its slot and takes
    /// no newcomers at once, but keeps securing its services (slashable, earning) until the
    /// longest of their opt-out delays has passed (at most the unbonding period, the window
    /// an unbonding exit gives a service) and no request opened before then holds it; then
    /// [`Books::convert`] moves its stake to the plain pool.
    fn evict(&mut self, vid: u32, id: u64, now: u64) -> Result<(), ContractError> {
        let mut pool = self.load_pool(id)?;
        let mut delay = 0u64;
        for service in &pool.services {
            if let Some(s) = self.service(*service)? {
                delay = delay.max(s.opt_out_delay);
            }
        }
        let delay = delay.min(self.config.unbonding_period);
        pool.leaving = Some(now.saturating_add(delay));
        if self.pool_key(vid, &pool.services)? == Some(id) {
            self.set_pool_key(vid, &pool.services, None)?;
        }
        self.put_pool(id, Some(pool))?;
        Ok(())
    }

    /// Whether a slash of the pool's services still reaches it: every pool but one whose
    /// stake left its services and which no longer lists (its unbondings returned).
    pub fn slashable(&mut self, pool: &Pool) -> Result<bool, ContractError> {
        Ok(pool.redirect.is_none() || self.validator_pools(pool.vid)?.contains(&pool.id))
    }

    /// Completes an evicted pool's forced opt-out if it is ready and no request opened
    /// before then holds it: its bonded stake moves into the validator's plain pool (its
    /// positions follow when next touched, see [`Books::settled_position`]) and stops
    /// securing the pool's services. Its unbondings stay with it, claimable as before (and
    /// slashable while in flight). Returns whether it converted.
    pub fn convert(&mut self, pool: &mut Pool) -> Result<bool, ContractError> {
        let Some(ready) = pool.leaving else {
            return Ok(false);
        };
        if ready > self.now || self.holding(pool.vid, &pool.services, ready)?.is_some() {
            return Ok(false);
        }
        self.settle_pool(pool)?;
        let vid = pool.vid;
        let tokens = pool.bonded.tokens;
        let mut plain = self.plain_pool(vid)?;
        self.settle_pool(&mut plain)?;
        let minted = if tokens.is_zero() {
            Uint128::zero()
        } else {
            plain.bonded.join(tokens)?
        };
        self.shift_services(vid, &pool.services, &[], tokens)?;
        pool.redirect = Some(Redirect {
            pool: plain.id,
            shares_left: minted,
            from_left: pool.bonded.shares,
            marks: plain.rps.clone(),
        });
        pool.bonded = ShareGroup {
            tokens: Uint128::zero(),
            shares: pool.bonded.shares,
            generation: 0,
        };
        pool.leaving = None;
        self.store_pool(plain)?;
        Ok(true)
    }

    /// The staker's position on the validator with its pool, both settled; a position of an
    /// evicted pool is moved into the plain pool first. `None` when there is none.
    pub fn settled_position(
        &mut self,
        staker: &[u8],
        vid: u32,
    ) -> Result<Option<(Position, Pool)>, ContractError> {
        self.settled_position_with(staker, vid, true)
    }

    /// [`Books::settled_position`] without completing a due forced opt-out of its pool: an
    /// unbond leaves the pool as it is (its stake stays slashable in flight), so what the
    /// queries show — the unconverted position — is what can be unbonded.
    pub fn settled_position_in_place(
        &mut self,
        staker: &[u8],
        vid: u32,
    ) -> Result<Option<(Position, Pool)>, ContractError> {
        self.settled_position_with(staker, vid, false)
    }

    /// The first steps of a message that takes `amount` of bonded stake out of the staker's
    /// position on `validator` (`unbond`, `withdraw_shares`): the validator harvested and
    /// synced (a chain slash is shared before the amount is judged), the position settled
    /// (`convert`: completing a due forced opt-out first, see
    /// [`Books::settled_position_in_place`]), `check` passed, and the amount within its
    /// value. Returns the validator's id, the proxy actions of the harvest, the position and
    /// its pool.
    pub fn position_to_take_from(
        &mut self,
        chain: &Chain,
        staker: &[u8],
        validator: &str,
        amount: Uint128,
        convert: bool,
        check: impl FnOnce(&Pool) -> Result<(), ContractError>,
    ) -> Result<(u32, Vec<ProxyAction>, Position, Pool), ContractError> {
        let no_position = || ContractError::NoPosition {
            validator: validator.to_string(),
        };
        let vid = self.vid(validator)?.ok_or_else(no_position)?;
        if self.position(staker, vid)?.is_none() {
            return Err(no_position());
        }
        let (actions, _) = self.harvest_and_sync(chain, vid)?;
        let (position, pool) = self
            .settled_position_with(staker, vid, convert)?
            .ok_or_else(no_position)?;
        check(&pool)?;
        let bonded = position_value(&position, &pool);
        if amount > bonded {
            return Err(ContractError::AmountExceedsBonded {
                amount,
                bonded,
                validator: validator.to_string(),
            });
        }
        Ok((vid, actions, position, pool))
    }

    fn settled_position_with(
        &mut self,
        staker: &[u8],
        vid: u32,
        convert: bool,
    ) -> Result<Option<(Position, Pool)>, ContractError> {
        let Some(position) = self.position(staker, vid)? else {
            return Ok(None);
        };
        let mut position = position.clone();
        let mut pool = self.load_pool(position.pool)?;
        if convert && self.convert(&mut pool)? {
            self.store_pool(pool.clone())?;
        }
        if let Some(r) = pool.redirect.clone() {
            // The redirect's own books follow when the position is saved
            // ([`Books::save_position`]): a caller that only reads changes nothing.
            settle_position(&mut position, &pool)?;
            position.opt_outs.clear();
            match self.pool(r.pool) {
                Ok(plain) => {
                    position.shares = converted_shares(&r, position.shares);
                    position.marks = r.marks;
                    pool = plain.clone();
                    position.pool = pool.id;
                }
                // The plain pool took nothing from it (the evicted pool was worth nothing)
                // and is gone: the position is worth nothing where it is.
                Err(_) => position.shares = Uint128::zero(),
            }
        }
        self.settle_pool(&mut pool)?;
        settle_position(&mut position, &pool)?;
        Ok(Some((position, pool)))
    }

    /// Saves the position, or closes it when it holds nothing (its unclaimed rewards move
    /// to the staker's record), and gives its pool back.
    pub fn save_position(
        &mut self,
        staker: &[u8],
        vid: u32,
        mut position: Position,
        mut pool: Pool,
    ) -> Result<(), ContractError> {
        self.leave_redirect(staker, vid, &mut pool)?;
        if !position_value(&position, &pool).is_zero() {
            self.put_position(staker, vid, Some(position))?;
            self.store_pool(pool)?;
            return Ok(());
        }
        if position.pool == pool.id && !position.shares.is_zero() {
            // Shares worth nothing (a wiped-out pool): burn them so the pool can be deleted.
            pool.bonded.leave(std::mem::take(&mut position.shares), 0)?;
        }
        self.store_pool(pool)?;
        let existed = self.position_stored(staker, vid)?;
        self.put_position(staker, vid, None)?;
        let rewards = self.staker_rewards(staker)?;
        for (asset, amount) in &position.accrued {
            if !amount.is_zero() {
                add(&mut rewards.rewards, asset, *amount)?;
            }
        }
        self.tidy_staker(staker)?;
        if existed && self.position_vids(staker)?.len() <= 1 {
            self.totals()?.stakers = self.totals()?.stakers.saturating_sub(1);
        }
        Ok(())
    }

    /// When the stored position is still in a converted pool, takes its shares out of the
    /// pool's redirect (the position being saved holds their plain-pool equivalent, see
    /// [`Books::settled_position`]). `held` is the pool the caller saves with the position:
    /// when it is that converted pool, it is updated in place (the caller stores it).
    pub fn leave_redirect(
        &mut self,
        staker: &[u8],
        vid: u32,
        held: &mut Pool,
    ) -> Result<(), ContractError> {
        let Some(stored) = self.position(staker, vid)?.cloned() else {
            return Ok(());
        };
        if stored.pool == 0 {
            return Ok(());
        }
        let in_hand = stored.pool == held.id;
        let mut old = if in_hand {
            held.clone()
        } else {
            // (a pool the position left earlier in this message may be gone already)
            match self.pool(stored.pool) {
                Ok(p) => p.clone(),
                Err(_) => return Ok(()),
            }
        };
        let Some(mut r) = old.redirect.clone() else {
            return Ok(());
        };
        let shares = converted_shares(&r, stored.shares);
        r.shares_left -= shares;
        r.from_left = r.from_left.saturating_sub(stored.shares);
        old.bonded.shares = old.bonded.shares.saturating_sub(stored.shares);
        old.redirect = Some(r);
        if in_hand {
            *held = old;
            Ok(())
        } else {
            self.store_pool(old)
        }
    }

    /// A new position of the staker on the validator, in `pool` (settled).
    pub fn open_position(&mut self, staker: &[u8], pool: &Pool) -> Result<Position, ContractError> {
        if self
            .range(&keys::positions_of(staker), None, 1, Order::Ascending)
            .is_empty()
        {
            self.totals()?.stakers += 1;
        }
        Ok(Position {
            pool: pool.id,
            shares: Uint128::zero(),
            opt_outs: vec![],
            marks: pool.rps.clone(),
            accrued: vec![],
        })
    }

    /// Whether the position is in storage (not only opened in this message).
    fn position_stored(&self, staker: &[u8], vid: u32) -> Result<bool, ContractError> {
        Ok(self.storage_get(&keys::position(staker, vid)).is_some())
    }

    fn storage_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        Storage::get(self.storage(), key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_converted_position_takes_what_is_left() {
        let r = Redirect {
            pool: 1,
            shares_left: Uint128::new(10),
            from_left: Uint128::new(3),
            marks: vec![],
        };
        assert_eq!(converted_shares(&r, Uint128::new(1)), Uint128::new(3));
        assert_eq!(converted_shares(&r, Uint128::new(3)), Uint128::new(10));
    }
}
