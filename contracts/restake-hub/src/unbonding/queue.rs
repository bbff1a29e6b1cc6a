//! The batch queue: unbond requests gather in their validator's queued batch, which is
//! undelegated at most once per `unbonding_epoch` and only while fewer than 7 of the
//! validator's batches are unsettled, so the hub never exceeds the chain's 7 unbonding
//! entries per (delegator, validator).

use cosmwasm_std::{Env, Timestamp, Uint128};
use restake_types::math::ShareGroup;
use restake_types::ProxyAction;

use crate::chain::{coin_of, Chain};
use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::{keys, Batch, BatchStatus, Config, Pool, UnbondingGroup, Validator};

/// The chain's limit on unbonding entries per (delegator, validator).
pub const MAX_ENTRIES_PER_VALIDATOR: usize = 7;

/// Earliest time the validator's queued batch may be undelegated.
pub fn next_send_time(config: &Config, v: &Validator, now: Timestamp) -> Timestamp {
    match v.last_send {
        Some(t) => Timestamp::from_seconds(t.saturating_add(config.unbonding_epoch)).max(now),
        None => now,
    }
}

fn is_due(epoch: u64, v: &Validator, now: u64) -> bool {
    v.queued_batch.is_some()
        && v.unsettled.len() < MAX_ENTRIES_PER_VALIDATOR
        && v.last_send.is_none_or(|t| now >= t.saturating_add(epoch))
}

impl Books<'_> {
    /// The validator's queued batch, opened if there is none.
    pub fn queued_batch(&mut self, env: &Env, vid: u32) -> Result<u64, ContractError> {
        self.open_queued(env, vid, true)
    }

    /// As `queued_batch`, for a caller that calls `try_send` on the validator next in the
    /// same message: a batch opened here enters the queued index only if it is still
    /// queued when the message ends, so a batch sent at once costs no index write and
    /// delete. Nothing between the two calls may read the queued index.
    pub fn queued_batch_to_send(&mut self, env: &Env, vid: u32) -> Result<u64, ContractError> {
        self.open_queued(env, vid, false)
    }

    fn open_queued(&mut self, env: &Env, vid: u32, list: bool) -> Result<u64, ContractError> {
        if let Some(id) = self.validator(vid)?.queued_batch {
            return Ok(id);
        }
        self.totals()?.next_batch += 1;
        let id = self.totals()?.next_batch;
        let v = self.validator(vid)?.clone();
        let send_after = next_send_time(&self.config, &v, env.block.time).seconds();
        self.create_batch(
            id,
            Batch {
                id,
                vid,
                status: BatchStatus::Queued,
                created_at: env.block.time,
                sent_at: None,
                completion: None,
                pools: vec![],
                slashed: Uint128::zero(),
                expected: Uint128::zero(),
                returned: Uint128::zero(),
                slashes_at_send: 0,
                decided: None,
                checked: false,
                send_after,
            },
        );
        self.validator(vid)?.queued_batch = Some(id);
        let key = keys::queued(send_after, vid);
        if list {
            self.mark(key, true)?;
        } else if let Some(earlier) = self.unlisted.replace(key) {
            self.mark(earlier, true)?;
        }
        Ok(id)
    }

    /// Puts `amount` of the pool's stake into its unbonding group of the batch. Returns the
    /// group shares minted and their generation.
    pub fn join_group(
        &mut self,
        batch_id: u64,
        pool: &mut Pool,
        amount: Uint128,
    ) -> Result<(Uint128, u32), ContractError> {
        // A batch lists every pool that has a group in it (this function adds both
        // together, and only it creates groups; v0.1 did the same, so converted batches
        // list theirs too): a pool the batch does not list has no group to read.
        let listed = self.batch(batch_id)?.pools.contains(&pool.id);
        let stored = match listed {
            true => self.group(batch_id, pool.id)?.cloned(),
            false => None,
        };
        let mut group = stored.unwrap_or(UnbondingGroup {
            group: ShareGroup::default(),
            merged: None,
            entries: 0,
        });
        // A group slashed to nothing starts a new generation; what little it held stays
        // delegated as nobody's.
        let dust = group.group.reset_if_unjoinable();
        if !dust.is_zero() {
            let v = self.validator(pool.vid)?;
            v.queued -= dust;
            v.dust += dust;
            v.unbonding = v.unbonding.checked_sub(dust)?;
        }
        let shares = group.group.join(amount)?;
        group.entries += 1;
        let generation = group.group.generation;
        if listed {
            self.put_group(batch_id, pool.id, Some(group))?;
        } else {
            self.create_group(batch_id, pool.id, group);
            self.batch(batch_id)?.pools.push(pool.id);
        }
        if !pool.batches.contains(&batch_id) {
            pool.batches.push(batch_id);
        }
        Ok((shares, generation))
    }

    /// Whether the validator's queued batch may be undelegated now.
    pub fn send_due(&mut self, vid: u32, now: u64) -> Result<bool, ContractError> {
        let epoch = self.config.unbonding_epoch;
        Ok(is_due(epoch, self.validator(vid)?, now))
    }

    /// Undelegates the validator's queued batch if it is due: the action to run on the
    /// validator. The caller must have harvested and synced the validator in the same
    /// message.
    pub fn try_send(
        &mut self,
        chain: &Chain,
        vid: u32,
    ) -> Result<Option<ProxyAction>, ContractError> {
        let now = chain.now();
        if !self.send_due(vid, now)? {
            return Ok(None);
        }
        let v = self.validator(vid)?;
        let (batch_id, total, seen) = (v.queued_batch.unwrap_or_default(), v.queued, v.slash_count);
        let completion = chain
            .env
            .block
            .time
            .plus_seconds(self.config.unbonding_period);
        let batch = self.batch(batch_id)?;
        let send_after = batch.send_after;
        batch.status = BatchStatus::Sent;
        batch.sent_at = Some(chain.env.block.time);
        batch.completion = Some(completion);
        batch.expected = total;
        batch.slashes_at_send = seen;
        let v = self.validator(vid)?;
        v.queued = Uint128::zero();
        v.queued_batch = None;
        v.last_send = Some(now);
        v.unsettled.push((batch_id, completion.seconds()));
        v.in_flight = v.in_flight.checked_add(total)?;
        let key = keys::queued(send_after, vid);
        if self.unlisted.as_ref() == Some(&key) {
            self.unlisted = None;
        } else {
            self.mark(key, false)?;
        }
        self.mark(keys::due(completion.seconds(), batch_id), true)?;
        if total.is_zero() {
            // Everything in it was lost to chain slashing: nothing to undelegate.
            return Ok(None);
        }
        Ok(Some(ProxyAction::Undelegate {
            amount: coin_of(&self.config.bonded_denom, total),
        }))
    }
}
