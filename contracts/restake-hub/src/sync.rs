//! Keeping the books in step with the chain: native staking rewards and chain slashing.
//!
//! Before any delegation change on a validator the hub reads its delegation (the
//! delegator's, see `state::Delegator`): the accumulated rewards are withdrawn explicitly
//! (first in the response) and credited to the stake that earned them, and a delegation
//! below the books (chain slashing) is shared by all stake on the validator before anything
//! else moves.

use cosmwasm_std::{Coin, Decimal256, DepsMut, Env, MessageInfo, Response, SubMsg, Uint128};
use restake_types::math::{floor_ratio, index_increment, split_loss};
use restake_types::{Asset, ProxyAction};

use crate::chain::{run, Chain};
use crate::error::{nonpayable, ContractError};
use crate::pools::add;
use crate::state::books::Books;
use crate::state::{ChainSlash, Delegator, BONDED_ASSET};
use crate::validate;

/// Shortfalls of at most this many units are taken for the chain's share rounding.
const CHAIN_ROUNDING_UNITS: u128 = 2;

impl Books<'_> {
    /// The validator's operator address and the account holding its delegation.
    pub fn delegator(&mut self, vid: u32) -> Result<(String, Delegator), ContractError> {
        let info = self.validator_info(vid)?;
        Ok((info.valoper.clone(), info.delegator.clone()))
    }

    /// Messages that carry out `actions` on the validator through its delegator (one proxy
    /// call for all of them), with `funds` for a delegation.
    pub fn calls(
        &mut self,
        chain: &Chain,
        vid: u32,
        actions: Vec<ProxyAction>,
        funds: Vec<Coin>,
    ) -> Result<Vec<SubMsg>, ContractError> {
        let (valoper, delegator) = self.delegator(vid)?;
        run(&delegator, &valoper, chain.hub(), actions, funds)
    }

    /// Withdraws and credits the validator's accumulated rewards, then applies any chain
    /// slashing its delegation shows. Once per message per validator (a second withdrawal
    /// would credit the same rewards twice). Returns the actions to run first on the
    /// validator (the withdrawal) and the shortfall found.
    pub fn harvest_and_sync(
        &mut self,
        chain: &Chain,
        vid: u32,
    ) -> Result<(Vec<ProxyAction>, Uint128), ContractError> {
        if self.harvested.contains(&vid) {
            return Ok((vec![], Uint128::zero()));
        }
        self.harvested.push(vid);
        let (valoper, delegator) = self.delegator(vid)?;
        let account = match &delegator {
            Delegator::Hub => chain.hub().clone(),
            Delegator::Proxy(a) => a.clone(),
            Delegator::Pending => return Ok((vec![], Uint128::zero())),
        };
        let (delegated, rewards) = chain.delegation(&account, &valoper)?;
        let mut actions = vec![];
        if !rewards.is_empty() {
            actions.push(ProxyAction::WithdrawRewards {});
            self.credit_native_rewards(vid, &rewards)?;
        }
        let now = chain.now();
        let expected = self.validator(vid)?.expected_delegation();
        let mut shortfall = Uint128::zero();
        if delegated < expected {
            shortfall = expected - delegated;
            self.apply_chain_shortfall(vid, shortfall, now)?;
        } else {
            let v = self.validator(vid)?;
            // More delegated than the books know (share rounding on the chain): nobody's.
            v.dust += delegated - expected;
            // Whole now: a slash detected later happened after this. Only worth recording
            // while batches are in flight (they are what a later detection must attribute).
            if !v.unsettled.is_empty() {
                v.last_whole = now;
            }
        }
        Ok((actions, shortfall))
    }

    /// Harvests and syncs the validator; the withdrawal as messages of their own.
    pub fn harvest_msgs(&mut self, chain: &Chain, vid: u32) -> Result<Vec<SubMsg>, ContractError> {
        let (actions, _) = self.harvest_and_sync(chain, vid)?;
        self.calls(chain, vid, actions, vec![])
    }

    /// Credits native staking rewards of the validator to the stake bonded on it now (the
    /// stake that earned them since the last credit: every change of that stake is preceded
    /// by a credit). Without bonded stake the rewards are kept as dust.
    ///
    /// Anyone can pay a validator's delegators in any denom (`MsgDepositValidatorRewardsPool`),
    /// so besides the bonded denom at most `max_reward_assets` denoms are booked per validator
    /// (first come); rewards in further denoms stay unbooked, so no stranger can make every
    /// message on the validator iterate over (or store) junk.
    pub fn credit_native_rewards(
        &mut self,
        vid: u32,
        rewards: &[Coin],
    ) -> Result<(), ContractError> {
        let cap = self.config.max_reward_assets as usize;
        for reward in rewards {
            let is_bonded = reward.denom == self.config.bonded_denom;
            let asset = Asset::Native(reward.denom.clone());
            let known = if is_bonded {
                Some(BONDED_ASSET)
            } else {
                self.asset_id(&asset)?
            };
            let v = self.validator(vid)?;
            let stake = v.bonded;
            let booked = known.is_some_and(|id| v.native.iter().any(|(a, _)| *a == id));
            if !is_bonded && !booked {
                // A new denom on this validator: booked while it has room, and stake to
                // credit it to (with none it would only be dust).
                let others = v.native.iter().filter(|(a, _)| *a != BONDED_ASSET).count();
                if others >= cap || stake.is_zero() {
                    continue;
                }
            }
            let id = match known {
                Some(id) => id,
                None => self.asset_id_or_new(&asset)?,
            };
            if is_bonded {
                self.totals()?.liquid_bonded =
                    self.totals()?.liquid_bonded.checked_add(reward.amount)?;
            }
            if stake.is_zero() {
                let dust = self.dust(id)?;
                *dust = dust.checked_add(reward.amount)?;
            } else {
                let growth: Decimal256 = index_increment(reward.amount, stake)?;
                add(&mut self.validator(vid)?.native, &id, growth)?;
            }
        }
        Ok(())
    }

    /// Shares a chain-slashing shortfall pro rata by everything still delegated on the
    /// validator — the pools' bonded stake, the queued batch (unbonds and slashed stake) and
    /// dust — exactly (largest remainders take the rounding units), so the books end equal to
    /// the chain's delegation.
    pub fn apply_chain_shortfall(
        &mut self,
        vid: u32,
        shortfall: Uint128,
        now: u64,
    ) -> Result<(), ContractError> {
        let v = self.validator(vid)?.clone();
        let before = v.expected_delegation();
        if shortfall.is_zero() || before.is_zero() {
            return Ok(());
        }
        let mut pool_ids = self.validator_pools(vid)?.clone();
        if v.plain_pool != 0 {
            pool_ids.push(v.plain_pool);
        }
        let mut pools = vec![];
        for id in pool_ids {
            let mut pool = self.load_pool(id)?;
            self.settle_pool(&mut pool)?;
            pools.push(pool);
        }
        let mut groups = vec![];
        let mut slashed = Uint128::zero();
        if let Some(batch_id) = v.queued_batch {
            for pool_id in self.batch(batch_id)?.pools.clone() {
                if let Some(group) = self.group(batch_id, pool_id)? {
                    groups.push((pool_id, group.clone()));
                }
            }
            slashed = self.batch(batch_id)?.slashed;
        }
        let amounts: Vec<Uint128> = pools
            .iter()
            .map(|p| p.bonded.tokens)
            .chain(groups.iter().map(|(_, g)| g.group.tokens))
            .chain([slashed, v.dust])
            .collect();
        let losses = split_loss(&amounts, shortfall);
        let (pool_losses, rest) = losses.split_at(pools.len());
        let (group_losses, rest) = rest.split_at(groups.len());
        for (mut pool, loss) in pools.into_iter().zip(pool_losses) {
            let loss = pool.bonded.take(*loss);
            self.bonded_removed(&pool, loss)?;
            self.store_pool(pool)?;
        }
        let mut queued_loss = Uint128::zero();
        for ((pool_id, mut group), loss) in groups.into_iter().zip(group_losses) {
            let loss = group.group.take(*loss);
            let v = self.validator(vid)?;
            v.unbonding = v.unbonding.checked_sub(loss)?;
            queued_loss += loss;
            if let Some(batch_id) = v.queued_batch {
                self.put_group(batch_id, pool_id, Some(group))?;
            }
        }
        let (slashed_loss, dust_loss) = (rest[0], rest[1]);
        if let Some(batch_id) = v.queued_batch {
            let batch = self.batch(batch_id)?;
            batch.slashed = batch.slashed.checked_sub(slashed_loss)?;
            let stats = self.stats()?;
            stats.pending_routing = stats.pending_routing.checked_sub(slashed_loss)?;
            queued_loss += slashed_loss;
        }
        let after = before - shortfall;
        let horizon = now.saturating_sub(2 * self.config.unbonding_period);
        let state = self.validator(vid)?;
        state.queued = state.queued.checked_sub(queued_loss)?;
        state.dust = state.dust.checked_sub(dust_loss)?;
        // Remembered for the batches in flight; older detections can no longer matter. A
        // shortfall of a unit or two is the chain's share rounding (a delegation on a
        // validator whose token/share rate is not whole reads a unit short after a
        // delegate), not a slash of the entries in flight, unless so much is in flight that
        // even it would imply a loss there.
        let implied_in_flight = floor_ratio(state.in_flight, shortfall, before)
            .unwrap_or(Uint128::MAX)
            .u128();
        let rounding = shortfall.u128().max(implied_in_flight) <= CHAIN_ROUNDING_UNITS;
        let seq = state.slash_count;
        state.slash_count += 1;
        let after_whole = state.last_whole;
        let in_flight = !state.unsettled.is_empty();
        if in_flight && !rounding {
            let recent = &mut self.chain_slashes(vid)?.recent;
            recent.retain(|e| e.detected >= horizon);
            recent.push(ChainSlash {
                seq,
                after: after_whole,
                detected: now,
                kept: Decimal256::from_ratio(after, before),
            });
        }
        let stats = self.stats()?;
        stats.chain_slashed += shortfall;
        Ok(())
    }
}

/// `sync_validator`: applies the chain slashing the delegation shows (and harvests, since
/// the stake that earned the rewards is the stake before the loss).
pub fn sync_validator(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let validator = validate::validator(&validator)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let vid = books
        .vid(&validator)?
        .ok_or_else(|| ContractError::UnknownValidator {
            validator: validator.clone(),
        })?;
    let (actions, shortfall) = books.harvest_and_sync(&chain, vid)?;
    let msgs = books.calls(&chain, vid, actions, vec![])?;
    let delegation = books.validator(vid)?.expected_delegation();
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "sync_validator")
        .add_attribute("validator", validator)
        .add_attribute("shortfall", shortfall)
        .add_attribute("delegation", delegation))
}
