//! Positions: a staker's shares of one pool on a validator, settled against the pool's
//! reward per share before their shares change, and carried over when an evicted pool is
//! converted to the plain pool.

use cosmwasm_std::{Order, Storage, Uint128};
use restake_types::math::accrue;
use restake_types::ProxyAction;

use crate::chain::Chain;
use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::{keys, Pool, Position, Redirect};

use super::{add, get};

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
