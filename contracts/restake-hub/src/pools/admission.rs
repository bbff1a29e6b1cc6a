//! Admission: who may take a pool slot on a validator.
//!
//! Each validator has one *plain* pool (stake securing no service) that is never capped, so
//! depositing never depends on a slot. Pools of service sets hold one of
//! the validator's `max_pools_per_validator` slots while they are live (a slash or a chain
//! sync costs O(listed pools)). A move into a set without a pool takes a free slot, or
//! evicts the smallest slotted pool if the mover brings more stake than it and every pool
//! still leaving hold; so holding a slot against a newcomer costs more stake than the
//! newcomer brings. Eviction is a forced opt-out: the evicted pool stays listed, securing
//! its services, until their opt-out delay has passed (see [`Books::convert`]). Exits
//! (completed opt-outs) may also open pools beyond the slots, up to [`EXIT_SLOT_FACTOR`] ×
//! the cap, and evict like joins past that; otherwise they wait. Evicted pools still
//! leaving and converted pools with unbondings in flight are bounded too ([`TAIL_FACTOR`]).

use cosmwasm_std::Uint128;
use restake_types::math::ShareGroup;

use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::{Pool, Redirect};

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

impl Books<'_> {
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
}
