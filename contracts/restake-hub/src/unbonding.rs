//! Unbonding: per-validator batches, their settlement, and claims.
//!
//! The hub is one delegator, and the chain allows it at most 7 unbonding entries per
//! validator. Unbond requests therefore gather in the validator's queued batch, which is
//! undelegated at most once per `unbonding_epoch` and only while fewer than 7 of its
//! batches are in flight. A batch is settled once the chain has returned it; if it
//! returns less than was undelegated (chain slashing), every group in it shares the loss.

use crate::error::nonpayable;
use cosmwasm_std::{
    Addr, BankMsg, CosmosMsg, Decimal256, Deps, DepsMut, Env, MessageInfo, Order, Response,
    StdResult, Storage, SubMsg, Timestamp, Uint128, Uint256,
};
use restake_types::math::{ceil_ratio, explaining_suspects, floor_ratio, ShareGroup};

use crate::books::Books;
use crate::chain::{bonded_coin, harvest_and_sync, route, undelegate_msg};
use crate::error::ContractError;
use crate::events::service_attrs;
use crate::pools::{bonded_removed, position_value, save_position, settle_loaded};
use crate::slashing::add_bonded_dust;
use crate::state::*;

/// The chain's limit on unbonding entries per (delegator, validator).
pub const MAX_ENTRIES_PER_VALIDATOR: u32 = 7;

/// Units per batch by which a shortfall may exceed the losses detected chain slashes imply
/// and still count as explained by them (the chain rounds each slashed entry on its own).
const EXPLAINED_SLACK_PER_BATCH: u128 = 2;

pub fn unbond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {
            field: "amount".into(),
        });
    }
    let staker = info.sender;
    let position = POSITIONS
        .may_load(deps.storage, (&staker, &validator))?
        .ok_or_else(|| ContractError::NoPosition {
            validator: validator.clone(),
        })?;
    let mut books = Books::load(deps.storage)?;
    let (mut msgs, _) = harvest_and_sync(deps.as_ref(), &env, &mut books, &validator)?;
    let store = deps.storage as &dyn Storage;
    let (mut position, mut pool) = settle_loaded(store, &mut books, position)?;
    let bonded = position_value(&position, &pool);
    if amount > bonded {
        return Err(ContractError::AmountExceedsBonded {
            amount,
            bonded,
            validator,
        });
    }
    let burned = pool.bonded.leave_tokens(amount, position.shares, 0)?;
    position.shares -= burned;
    bonded_removed(store, &mut books, &pool, amount)?;

    let batch_id = queued_batch(store, &mut books, &env, &validator)?;
    let (shares, generation) = join_group(store, &mut books, batch_id, &mut pool, amount)?;
    books.validator_mut(store, &validator)?.queued += amount;
    books.totals.unbonding = books.totals.unbonding.checked_add(amount)?;
    let id = books.totals.next_unbonding_id + 1;
    books.totals.next_unbonding_id = id;
    let entry = Unbonding {
        id,
        validator: validator.clone(),
        pool_id: pool.id,
        batch_id,
        shares,
        generation,
        requested: amount,
        created_at: env.block.time,
    };
    let services = pool.services.clone();
    if let Some(send) = try_send(store, &mut books, &env, &validator)? {
        msgs.push(send);
    }
    UNBONDINGS.save(deps.storage, (&staker, id), &entry)?;
    save_position(
        deps.storage,
        &mut books,
        &staker,
        &validator,
        &mut position,
        &mut pool,
    )?;
    books.put_pool(deps.storage, pool)?;
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "unbond")
        .add_attribute("staker", staker)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("unbonding_id", id.to_string())
        .add_attribute("batch_id", batch_id.to_string())
        .add_attributes(service_attrs(&services)))
}

/// Puts `amount` of the pool's stake into its unbonding group of the batch.
fn join_group(
    store: &dyn Storage,
    books: &mut Books,
    batch_id: u64,
    pool: &mut Pool,
    amount: Uint128,
) -> Result<(Uint128, u32), ContractError> {
    let mut group = books
        .group(store, batch_id, pool.id)?
        .unwrap_or(UnbondingGroup {
            group: ShareGroup::default(),
            merged: None,
            entries: 0,
        });
    // A group slashed to nothing starts a new generation; what little it held stays
    // delegated as nobody's.
    let dust = group.group.reset_if_unjoinable();
    if !dust.is_zero() {
        let v = books.validator_mut(store, &pool.validator)?;
        v.queued -= dust;
        v.dust += dust;
        books.totals.unbonding = books.totals.unbonding.checked_sub(dust)?;
    }
    let shares = group.group.join(amount)?;
    group.entries += 1;
    let generation = group.group.generation;
    books.put_group(batch_id, pool.id, Some(group));
    let batch = books.batch_mut(store, batch_id)?;
    if !batch.pools.contains(&pool.id) {
        batch.pools.push(pool.id);
    }
    if !pool.batches.contains(&batch_id) {
        pool.batches.push(batch_id);
    }
    Ok((shares, generation))
}

/// The validator's queued batch, opened if there is none.
pub fn queued_batch(
    store: &dyn Storage,
    books: &mut Books,
    env: &Env,
    validator: &str,
) -> Result<u64, ContractError> {
    if let Some(id) = books.validator(store, validator)?.queued_batch {
        return Ok(id);
    }
    let id = books.totals.next_batch_id + 1;
    books.totals.next_batch_id = id;
    books.insert_batch(Batch {
        id,
        validator: validator.to_string(),
        status: BatchStatus::Queued,
        created_at: env.block.time,
        sent_at: None,
        completion_time: None,
        pools: vec![],
        slashed: Uint128::zero(),
        expected: Uint128::zero(),
        returned: Uint128::zero(),
        chain_slashes_at_send: 0,
        decided: None,
        checked: false,
    });
    books.validator_mut(store, validator)?.queued_batch = Some(id);
    books.set_queued(validator, Some(id));
    Ok(id)
}

/// Earliest time the validator's queued batch may be undelegated.
pub fn next_send_time(config: &Config, v: &ValidatorState, now: Timestamp) -> Timestamp {
    match v.last_send {
        Some(t) => t.plus_seconds(config.unbonding_epoch).max(now),
        None => now,
    }
}

fn is_due(epoch: u64, v: &ValidatorState, now: Timestamp) -> bool {
    v.queued_batch.is_some()
        && v.in_flight < MAX_ENTRIES_PER_VALIDATOR
        && v.last_send.is_none_or(|t| now >= t.plus_seconds(epoch))
}

/// Undelegates the validator's queued batch if it is due. The caller must have harvested
/// and synced the validator in the same message.
pub fn try_send(
    store: &dyn Storage,
    books: &mut Books,
    env: &Env,
    validator: &str,
) -> Result<Option<CosmosMsg>, ContractError> {
    let epoch = books.config.unbonding_epoch;
    let v = books.validator(store, validator)?;
    if !is_due(epoch, v, env.block.time) {
        return Ok(None);
    }
    let (batch_id, total, seen) = (
        v.queued_batch.unwrap_or_default(),
        v.queued,
        v.chain_slash_count,
    );
    let completion = env.block.time.plus_seconds(books.config.unbonding_period);
    let batch = books.batch_mut(store, batch_id)?;
    batch.status = BatchStatus::Sent;
    batch.sent_at = Some(env.block.time);
    batch.completion_time = Some(completion);
    batch.expected = total;
    batch.chain_slashes_at_send = seen;
    let v = books.validator_mut(store, validator)?;
    v.queued = Uint128::zero();
    v.queued_batch = None;
    v.last_send = Some(env.block.time);
    v.in_flight += 1;
    v.in_flight_tokens += total;
    books.set_queued(validator, None);
    books.set_completion(completion.seconds(), batch_id, true);
    if total.is_zero() {
        // Everything in it was lost to chain slashing: nothing to undelegate.
        return Ok(None);
    }
    Ok(Some(undelegate_msg(validator, bonded_coin(books, total))))
}

pub fn process_unbondings(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut books = Books::load(deps.storage)?;
    let (mut msgs, settled) = settle_matured(deps.as_ref(), &env, &mut books, &[])?;
    let queued: Vec<String> = QUEUED
        .keys(deps.storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    let mut sent = vec![];
    for validator in queued {
        if sent.len() >= MAX_BATCHES_PER_MESSAGE {
            break;
        }
        let epoch = books.config.unbonding_epoch;
        if !is_due(
            epoch,
            books.validator(deps.storage, &validator)?,
            env.block.time,
        ) {
            continue;
        }
        let (harvest, _) = harvest_and_sync(deps.as_ref(), &env, &mut books, &validator)?;
        msgs.extend(harvest.into_iter().map(SubMsg::new));
        if let Some(send) = try_send(deps.storage, &mut books, &env, &validator)? {
            msgs.push(SubMsg::new(send));
            sent.push(validator);
        }
    }
    // Slashed tokens whose destination refused them earlier: try again.
    let unrouted = std::mem::take(&mut books.stats(deps.storage)?.unrouted);
    msgs.extend(route(
        deps.storage,
        &mut books,
        &env.contract.address,
        unrouted,
    )?);
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "process_unbondings")
        .add_attribute("batches_settled", settled.to_string())
        .add_attribute("batches_sent", sent.len().to_string())
        .add_attribute("validators", sent.join(",")))
}

/// Most batches one message settles, and most validators one `process_unbondings` sends to
/// (each costs O(its pools) or a withdrawal and an undelegation), so neither message grows
/// with the number of validators whose batches fall due together; the rest wait for the
/// next claim or crank, earliest first.
pub const MAX_BATCHES_PER_MESSAGE: usize = 10;

/// A shortfall larger than this share of what a set of batches expected is taken as
/// "not returned yet" rather than as chain slashing (Cosmos chains slash at most 5% for
/// double signing).
const MAX_PLAUSIBLE_LOSS_PERCENT: u128 = 33;

/// Settles every sent batch whose completion time has passed and whose tokens the chain
/// has returned. What arrived is the hub's bonded-denom balance above what the books
/// already account for.
///
/// If everything due arrived in full, each batch is settled in full. If less arrived,
/// the validators concerned are synced first: a plausible shortfall (at most a third)
/// that chain slashes observed since the batches were sent explain is shared between
/// the batches whose implied losses best explain it (see
/// [`restake_types::math::explaining_suspects`]), weighted by those losses; an unexplained one is only
/// accepted once the chain has certainly paid out (a strictly earlier block was past the
/// completion time). Otherwise the latest batches are presumed not returned yet (the
/// chain pays out at the end of the block) and wait.
///
/// At most [`MAX_BATCHES_PER_MESSAGE`] batches are settled per message: those in `first` (a
/// claimer's own), then the earliest. Once a set of batches is decided, the returns of those
/// left for later are fixed (`Batch::decided`, the tokens reserved), so a later arrival or
/// shortfall can never shift a loss between them. A shortfall is only shared once every
/// batch of the set has had its validator synced since it came due (at most
/// [`MAX_BATCHES_PER_MESSAGE`] syncs per message). Returns the messages (harvests, routing)
/// and the number settled.
pub fn settle_matured(
    deps: Deps,
    env: &Env,
    books: &mut Books,
    first: &[u64],
) -> Result<(Vec<SubMsg>, u32), ContractError> {
    let now = env.block.time.seconds();
    if env.block.height > books.totals.seen_height {
        books.totals.earlier_time = books.totals.earlier_time.max(books.totals.seen_time);
        books.totals.seen_height = env.block.height;
        books.totals.seen_time = now;
    }
    let certain_until = books.totals.earlier_time;
    let due: Vec<(u64, u64)> = BATCH_COMPLETIONS
        .keys(
            deps.storage,
            None,
            Some(cw_storage_plus::Bound::inclusive((now, u64::MAX))),
            Order::Ascending,
        )
        .collect::<StdResult<_>>()?;
    // A claimer's own batches first, each group in due order.
    let own_first = |ids: Vec<u64>| -> Vec<u64> {
        let (own, others): (Vec<u64>, Vec<u64>) =
            ids.into_iter().partition(|id| first.contains(id));
        own.into_iter().chain(others).collect()
    };
    let hub = &env.contract.address;
    let mut msgs = vec![];

    // Batches whose return an earlier message decided: settle them first.
    let mut decided = vec![];
    let mut set = vec![];
    for (secs, id) in due {
        match books.batch(deps.storage, id)?.decided {
            Some(_) => decided.push(id),
            None => set.push((secs, id)),
        }
    }
    let decided = own_first(decided);
    let mut settled = 0;
    for id in decided.iter().take(MAX_BATCHES_PER_MESSAGE) {
        let returned = books
            .batch_mut(deps.storage, *id)?
            .decided
            .take()
            .unwrap_or_default();
        books.totals.reserved = books.totals.reserved.checked_sub(returned)?;
        msgs.extend(settle_batch(deps.storage, hub, books, *id, returned)?);
        settled += 1;
    }
    let budget = MAX_BATCHES_PER_MESSAGE - settled;
    if set.is_empty() || budget == 0 {
        return Ok((msgs, settled as u32));
    }

    let balance = deps
        .querier
        .query_balance(hub, &books.config.bonded_denom)?
        .amount;
    let arrived = balance
        .saturating_sub(books.totals.liquid_bonded)
        .saturating_sub(books.totals.reserved);
    let mut synced: Vec<String> = vec![];
    while let Some(&(latest, _)) = set.last() {
        let ids: Vec<u64> = set.iter().map(|(_, id)| *id).collect();
        let mut expected = Uint128::zero();
        for id in &ids {
            expected += books.batch(deps.storage, *id)?.expected;
        }
        // The order this message settles them in.
        let order = own_first(ids.clone());
        let returns: Vec<Uint128> = if arrived >= expected {
            // Everything due arrived: each batch gets what it expected. Anything more stays
            // unaccounted: it may be a batch the chain returned before the hub's completion
            // time (an unbonding_period longer than the chain's), which must find its tokens
            // when it comes due.
            let mut e = vec![];
            for id in &ids {
                e.push(books.batch(deps.storage, *id)?.expected);
            }
            e
        } else {
            // A shortfall is shared only once every batch's validator has been synced since
            // the batch came due: a slash of an entry in flight shows there, and nowhere else.
            for id in &order {
                if books.batch(deps.storage, *id)?.checked {
                    continue;
                }
                let validator = books.batch(deps.storage, *id)?.validator.clone();
                if !synced.contains(&validator) {
                    if synced.len() >= MAX_BATCHES_PER_MESSAGE {
                        continue;
                    }
                    let (harvest, _) = harvest_and_sync(deps, env, books, &validator)?;
                    msgs.extend(harvest.into_iter().map(SubMsg::new));
                    synced.push(validator.clone());
                }
                books.batch_mut(deps.storage, *id)?.checked = true;
            }
            for id in &ids {
                if !books.batch(deps.storage, *id)?.checked {
                    // More validators to sync than one message may: the next call goes on.
                    return Ok((msgs, settled as u32));
                }
            }
            let suspected = suspected_losses(deps.storage, books, &ids)?;
            let shortfall = expected - arrived;
            // Of the batches a detected slash may have hit, charge those whose losses explain
            // what is missing (a slash after a batch was paid out did not touch it).
            let weights: Vec<Uint128> = explaining_suspects(&suspected, shortfall)
                .into_iter()
                .zip(&suspected)
                .map(|(hit, w)| if hit { *w } else { Uint128::zero() })
                .collect();
            // The detected slashes explain the shortfall only if the losses they imply cover
            // it (to a few units of rounding per batch): anything more missing is tokens the
            // chain has not paid out yet (it pays a batch due in this block at the block's
            // end), never a loss to book on the suspects.
            let implied: Uint128 = weights.iter().copied().sum();
            let slack = Uint128::from(EXPLAINED_SLACK_PER_BATCH * ids.len() as u128);
            let explained = !implied.is_zero() && shortfall <= implied + slack;
            // Nothing larger than a plausible chain slash is ever booked as a loss, even when
            // the chain has certainly paid out (an `unbonding_period` set shorter than the
            // chain's would otherwise turn not-yet-returned tokens into losses).
            let plausible =
                arrived.u128() * 100 >= expected.u128() * (100 - MAX_PLAUSIBLE_LOSS_PERCENT);
            if !(plausible && (explained || latest <= certain_until)) {
                // Presume the latest batches have not been returned yet.
                set.retain(|(secs, _)| *secs < latest);
                continue;
            }
            let returns = attribute_return(deps.storage, books, &ids, &weights, arrived, expected)?;
            // The rounding left over is nobody's.
            let leftover = arrived - returns.iter().copied().sum::<Uint128>();
            books.totals.liquid_bonded += leftover;
            add_bonded_dust(deps.storage, books, leftover)?;
            returns
        };
        let returned_by_id =
            |id: u64| returns[ids.iter().position(|x| *x == id).unwrap_or_default()];
        for (n, id) in order.into_iter().enumerate() {
            let returned = returned_by_id(id);
            if n < budget {
                msgs.extend(settle_batch(deps.storage, hub, books, id, returned)?);
                settled += 1;
            } else {
                books.batch_mut(deps.storage, id)?.decided = Some(returned);
                books.totals.reserved = books.totals.reserved.checked_add(returned)?;
            }
        }
        return Ok((msgs, settled as u32));
    }
    Ok((msgs, settled as u32))
}

/// For each batch, the loss the chain slashes detected on its validator imply for it: a
/// slash detected after the batch was sent that may have happened before it completed
/// (the chain slashes unbonding entries still running, not ones it has paid out).
fn suspected_losses(
    store: &dyn Storage,
    books: &mut Books,
    batches: &[u64],
) -> Result<Vec<Uint128>, ContractError> {
    let mut out = vec![];
    for id in batches {
        let batch = books.batch(store, *id)?.clone();
        let completed = batch
            .completion_time
            .map(|t| t.seconds())
            .unwrap_or(u64::MAX);
        let kept = books
            .validator(store, &batch.validator)?
            .chain_slashes
            .iter()
            // Detected after the send (which synced first) and possibly before completion.
            .filter(|e| e.seq >= batch.chain_slashes_at_send && e.after < completed)
            .fold(Decimal256::one(), |k, e| k * e.kept);
        let lost =
            Uint256::from(batch.expected).mul_ceil(Decimal256::one() - kept.min(Decimal256::one()));
        out.push(Uint128::try_from(lost).unwrap_or(batch.expected));
    }
    Ok(out)
}

/// Splits `arrived` (< `expected`) between batches: the shortfall goes to the batches in
/// proportion to their suspected losses, or pro rata to what they expected when no
/// observed slash explains it (or the weighted split cannot be honoured).
fn attribute_return(
    store: &dyn Storage,
    books: &mut Books,
    batches: &[u64],
    weights: &[Uint128],
    arrived: Uint128,
    expected: Uint128,
) -> Result<Vec<Uint128>, ContractError> {
    let shortfall = expected - arrived;
    let total_weight: Uint128 = weights.iter().copied().sum();
    let mut expected_each = vec![];
    for id in batches {
        expected_each.push(books.batch(store, *id)?.expected);
    }
    if !total_weight.is_zero() {
        let returns: Vec<Uint128> = expected_each
            .iter()
            .zip(weights)
            .map(|(e, w)| {
                let loss = ceil_ratio(shortfall, *w, total_weight)
                    .unwrap_or(*e)
                    .min(*e);
                *e - loss
            })
            .collect();
        if returns.iter().copied().sum::<Uint128>() <= arrived {
            return Ok(returns);
        }
    }
    Ok(expected_each
        .iter()
        .map(|e| floor_ratio(*e, arrived, expected).unwrap_or_default())
        .collect())
}

/// Settles one batch that returned `returned` tokens: each unbonding group keeps its
/// share of the return and moves into its pool's claimable group; the slashed stake in
/// it is routed; rounding leftovers become dust. Returns the routing messages.
pub fn settle_batch(
    store: &dyn Storage,
    hub: &Addr,
    books: &mut Books,
    batch_id: u64,
    returned: Uint128,
) -> Result<Vec<SubMsg>, ContractError> {
    let batch = books.batch(store, batch_id)?.clone();
    let expected = batch.expected;
    let scale = |amount: Uint128| -> Uint128 {
        if returned >= expected {
            amount
        } else {
            floor_ratio(amount, returned, expected).unwrap_or_default()
        }
    };
    let mut kept = Uint128::zero();
    let mut lost = Uint128::zero();
    for pool_id in &batch.pools {
        let mut pool = books.take_pool(store, *pool_id)?;
        if let Some(mut group) = books.group(store, batch_id, *pool_id)? {
            let after = scale(group.group.tokens);
            lost += group.group.tokens - after;
            group.group.tokens = after;
            let dust = pool.matured.reset_if_unjoinable();
            if !dust.is_zero() {
                books.totals.unbonding = books.totals.unbonding.checked_sub(dust)?;
                add_bonded_dust(store, books, dust)?;
            }
            let minted = if after.is_zero() {
                Uint128::zero()
            } else {
                pool.matured.join(after)?
            };
            group.merged = Some(Merged {
                generation: pool.matured.generation,
                shares: minted,
                shares_left: minted,
                group_shares_left: group.group.shares,
            });
            pool.matured_entries += group.entries;
            kept += after;
            books.put_group(batch_id, *pool_id, Some(group));
        }
        pool.batches.retain(|b| *b != batch_id);
        books.put_pool(store, pool)?;
    }
    books.totals.unbonding = books.totals.unbonding.checked_sub(lost)?;
    let slashed = scale(batch.slashed);
    let leftover = returned.saturating_sub(kept + slashed);
    books.totals.liquid_bonded += returned;
    add_bonded_dust(store, books, leftover)?;

    let stats = books.stats(store)?;
    stats.pending_routing = stats.pending_routing.checked_sub(batch.slashed)?;
    stats.chain_slashed += expected.saturating_sub(returned);
    let msgs: Vec<SubMsg> = route(store, books, hub, slashed)?.into_iter().collect();
    if let Some(completion) = batch.completion_time {
        books.set_completion(completion.seconds(), batch_id, false);
    }
    let b = books.batch_mut(store, batch_id)?;
    b.status = BatchStatus::Settled;
    b.returned = returned;
    let v = books.validator_mut(store, &batch.validator)?;
    v.in_flight = v.in_flight.saturating_sub(1);
    v.in_flight_tokens = v.in_flight_tokens.saturating_sub(expected);
    Ok(msgs)
}

/// Value of an unbonding entry now, and whether its batch has settled.
pub fn entry_value(
    store: &dyn Storage,
    books: &mut Books,
    entry: &Unbonding,
) -> Result<(Uint128, BatchStatus), ContractError> {
    let status = books.batch(store, entry.batch_id)?.status;
    let Some(group) = books.group(store, entry.batch_id, entry.pool_id)? else {
        return Ok((Uint128::zero(), status));
    };
    let value = match &group.merged {
        None => group.group.value(entry.shares, entry.generation),
        Some(merged) => {
            let matured_shares = matured_shares(&group, merged, entry);
            let pool = POOLS.load(store, entry.pool_id)?;
            pool.matured.value(matured_shares, merged.generation)
        }
    };
    Ok((value, status))
}

/// The claimable shares an entry of a settled group owns (the last entry takes the rest).
fn matured_shares(group: &UnbondingGroup, merged: &Merged, entry: &Unbonding) -> Uint128 {
    if entry.generation != group.group.generation {
        return Uint128::zero();
    }
    if entry.shares >= merged.group_shares_left {
        return merged.shares_left;
    }
    floor_ratio(entry.shares, merged.shares, group.group.shares)
        .unwrap_or_default()
        .min(merged.shares_left)
}

pub fn claim_unbonded(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = info.sender;
    let mut books = Books::load(deps.storage)?;
    let entries = entries_of(deps.storage, &staker)?;
    let mut own: Vec<u64> = entries.iter().map(|e| e.batch_id).collect();
    own.sort_unstable();
    own.dedup();
    let (mut msgs, _) = settle_matured(deps.as_ref(), &env, &mut books, &own)?;
    if entries.is_empty() {
        return Err(ContractError::NothingToClaim {
            reason: "you have no unbondings".into(),
        });
    }
    let mut paid = Uint128::zero();
    let mut claimed = vec![];
    let mut frozen = vec![];
    let mut waiting = None::<Timestamp>;
    for entry in entries {
        let store = deps.storage as &dyn Storage;
        let batch = books.batch(store, entry.batch_id)?.clone();
        if batch.status != BatchStatus::Settled {
            let eta = batch
                .completion_time
                .unwrap_or_else(|| env.block.time.plus_seconds(books.config.unbonding_period));
            waiting = Some(waiting.map_or(eta, |w: Timestamp| w.min(eta)));
            continue;
        }
        let mut pool = books.take_pool(store, entry.pool_id)?;
        if let Some(service) = books
            .validator(store, &entry.validator)?
            .first_exposed(&pool.services)
        {
            frozen.push(format!("{} (service {service})", entry.id));
            books.put_pool(store, pool)?;
            continue;
        }
        let value = claim_entry(store, &mut books, &mut pool, &entry)?;
        books.put_pool(store, pool)?;
        UNBONDINGS.remove(deps.storage, (&staker, entry.id));
        paid += value;
        claimed.push(entry.id.to_string());
    }
    if claimed.is_empty() {
        let reason = if !frozen.is_empty() {
            format!(
                "unbondings {} are frozen by pending slash requests",
                frozen.join(", ")
            )
        } else {
            match waiting.filter(|eta| *eta > env.block.time) {
                Some(eta) => format!(
                    "no unbonding has matured yet; the next completes at {} (unix time)",
                    eta.seconds()
                ),
                // Due, but the chain pays a batch at the end of the block past its completion,
                // and one message settles (and syncs for) at most MAX_BATCHES_PER_MESSAGE.
                None => "your unbondings are due but their tokens are not settled yet: \
                         claim again in a later block, or after a process_unbondings"
                    .to_string(),
            }
        };
        return Err(ContractError::NothingToClaim { reason });
    }
    books.totals.liquid_bonded = books.totals.liquid_bonded.checked_sub(paid)?;
    if !paid.is_zero() {
        msgs.push(SubMsg::new(BankMsg::Send {
            to_address: staker.to_string(),
            amount: vec![bonded_coin(&books, paid)],
        }));
    }
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "claim_unbonded")
        .add_attribute("staker", staker)
        .add_attribute("amount", paid)
        .add_attribute("unbonding_ids", claimed.join(","))
        .add_attribute("frozen", frozen.join(",")))
}

/// Pays out one settled entry from its pool's claimable group. Returns its value.
fn claim_entry(
    store: &dyn Storage,
    books: &mut Books,
    pool: &mut Pool,
    entry: &Unbonding,
) -> Result<Uint128, ContractError> {
    let Some(mut group) = books.group(store, entry.batch_id, entry.pool_id)? else {
        return Ok(Uint128::zero());
    };
    let Some(mut merged) = group.merged.clone() else {
        return Ok(Uint128::zero());
    };
    let shares = matured_shares(&group, &merged, entry);
    if entry.generation == group.group.generation {
        merged.group_shares_left = merged.group_shares_left.saturating_sub(entry.shares);
    }
    merged.shares_left = merged.shares_left.saturating_sub(shares);
    let value = pool.matured.leave(shares, merged.generation)?;
    books.totals.unbonding = books.totals.unbonding.checked_sub(value)?;
    pool.matured_entries = pool.matured_entries.saturating_sub(1);
    if pool.matured_entries == 0 && !pool.matured.tokens.is_zero() {
        // Everyone has claimed; the rounding remainder is nobody's.
        let dust = std::mem::take(&mut pool.matured.tokens);
        pool.matured.shares = Uint128::zero();
        books.totals.unbonding = books.totals.unbonding.checked_sub(dust)?;
        add_bonded_dust(store, books, dust)?;
    }
    group.entries = group.entries.saturating_sub(1);
    if group.entries == 0 {
        books.put_group(entry.batch_id, entry.pool_id, None);
    } else {
        group.merged = Some(merged);
        books.put_group(entry.batch_id, entry.pool_id, Some(group));
    }
    Ok(value)
}

/// Staker address helper for queries.
pub fn entries_of(store: &dyn Storage, staker: &Addr) -> StdResult<Vec<Unbonding>> {
    UNBONDINGS
        .prefix(staker)
        .range(store, None, None, Order::Ascending)
        .map(|r| r.map(|(_, e)| e))
        .collect()
}
