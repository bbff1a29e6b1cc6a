//! Unbonding: requests and claims (this file), the batch queue ([`queue`]) and settlement
//! of what the chain returns ([`settle`]).
//!
//! The hub delegates through one account per validator, and the chain allows at most 7
//! unbonding entries per (delegator, validator). Unbond requests therefore gather in the
//! validator's queued batch; a batch is settled once the chain has returned it, and if it
//! returns less than was undelegated (chain slashing), every group in it shares the loss.

pub mod queue;
pub mod settle;

use cosmwasm_std::{
    BankMsg, DepsMut, Env, MessageInfo, Order, Response, SubMsg, Timestamp, Uint128,
};
use restake_types::math::floor_ratio;

use crate::chain::{coin_of, Chain};
use crate::error::{nonpayable, ClaimWait, ContractError};
use crate::events::service_attrs;
use crate::state::books::Books;
use crate::state::codec::read_uint;
use crate::state::{keys, BatchStatus, Merged, Pool, Unbonding, UnbondingGroup, BONDED_ASSET};
use crate::validate;
use settle::{Account, MAX_BATCHES_PER_MESSAGE};

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
    let validator = validate::validator(&validator)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    // (an unbond takes stake from an evicted pool as it is: what the queries show)
    let (vid, mut actions, mut position, mut pool) =
        books.position_to_take_from(&chain, &staker, &validator, amount, false, |_| Ok(()))?;
    let burned = pool.bonded.leave_tokens(amount, position.shares, 0)?;
    position.shares -= burned;
    books.bonded_removed(&pool, amount)?;
    let batch_id = books.queued_batch_to_send(&env, vid)?;
    let (shares, generation) = books.join_group(batch_id, &mut pool, amount)?;
    let v = books.validator(vid)?;
    v.queued += amount;
    v.unbonding = v.unbonding.checked_add(amount)?;
    books.totals()?.next_unbonding += 1;
    let id = books.totals()?.next_unbonding;
    books.create_unbonding(
        &staker,
        id,
        Unbonding {
            vid,
            pool: pool.id,
            batch: batch_id,
            shares,
            generation,
            requested: amount,
            created_at: env.block.time,
        },
    );
    let services = pool.services.clone();
    books.save_position(&staker, vid, position, pool)?;
    actions.extend(books.try_send(&chain, vid)?);
    let mut msgs = books.calls(&chain, vid, actions, vec![])?;
    msgs.extend(books.follow_votes(&chain, &staker, vid)?);
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "unbond")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("unbonding_id", id.to_string())
        .add_attribute("batch_id", batch_id.to_string())
        .add_attributes(service_attrs(&services)))
}

pub fn process_unbondings(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let accounts = books.earliest_due_accounts(chain.now())?;
    let (mut msgs, settled) = books.settle_accounts(&chain, &accounts)?;
    // The queued batches that may be sent by now, earliest first (a validator with 7
    // batches unsettled stays listed until one settles: at most twice the budget is read).
    let queued = books.range(
        &keys::queued_prefix(),
        None,
        2 * MAX_BATCHES_PER_MESSAGE,
        Order::Ascending,
    );
    let mut sent = vec![];
    for (k, _) in queued {
        if sent.len() >= MAX_BATCHES_PER_MESSAGE {
            break;
        }
        let mut rest = k.as_slice();
        if read_uint(&mut rest)? > chain.now() {
            break;
        }
        let vid =
            u32::try_from(read_uint(&mut rest)?).map_err(|_| crate::state::codec::corrupt())?;
        if !books.send_due(vid, chain.now())? {
            continue;
        }
        let (mut actions, _) = books.harvest_and_sync(&chain, vid)?;
        if let Some(send) = books.try_send(&chain, vid)? {
            actions.push(send);
            sent.push(books.valoper(vid)?);
        }
        let calls = books.calls(&chain, vid, actions, vec![])?;
        msgs.extend(calls);
    }
    // Slashed tokens whose destination refused them earlier: try again.
    let unrouted = std::mem::take(&mut books.stats()?.unrouted);
    msgs.extend(books.route(chain.hub(), unrouted)?);
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "process_unbondings")
        .add_attribute("batches_settled", settled.to_string())
        .add_attribute("batches_sent", sent.len().to_string())
        .add_attribute("validators", sent.join(",")))
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

impl Books<'_> {
    /// Value of an unbonding entry now.
    pub fn entry_value(&mut self, entry: &Unbonding) -> Result<Uint128, ContractError> {
        let Some(group) = self.group(entry.batch, entry.pool)?.cloned() else {
            return Ok(Uint128::zero());
        };
        Ok(match &group.merged {
            None => group.group.value(entry.shares, entry.generation),
            Some(merged) => {
                let shares = matured_shares(&group, merged, entry);
                self.pool(entry.pool)?
                    .matured
                    .value(shares, merged.generation)
            }
        })
    }

    /// Pays out one settled entry from its pool's claimable group. Returns its value.
    fn claim_entry(
        &mut self,
        pool: &mut Pool,
        entry: &Unbonding,
    ) -> Result<Uint128, ContractError> {
        let Some(mut group) = self.group(entry.batch, entry.pool)?.cloned() else {
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
        let mut gone = value;
        pool.matured_entries = pool.matured_entries.saturating_sub(1);
        if pool.matured_entries == 0 && !pool.matured.tokens.is_zero() {
            // Everyone has claimed; the rounding remainder is nobody's.
            let dust = std::mem::take(&mut pool.matured.tokens);
            pool.matured.shares = Uint128::zero();
            gone += dust;
            let d = self.dust(BONDED_ASSET)?;
            *d += dust;
        }
        let v = self.validator(entry.vid)?;
        v.unbonding = v.unbonding.checked_sub(gone)?;
        group.entries = group.entries.saturating_sub(1);
        if group.entries == 0 {
            self.put_group(entry.batch, entry.pool, None)?;
        } else {
            group.merged = Some(merged);
            self.put_group(entry.batch, entry.pool, Some(group))?;
        }
        Ok(value)
    }
}

pub fn claim_unbonded(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let ids = books.unbonding_ids(&staker, None, usize::MAX)?;
    if ids.is_empty() {
        return Err(ContractError::NothingToClaim {
            reason: ClaimWait::NoUnbondings,
        });
    }
    let mut entries = vec![];
    let mut accounts: Vec<Account> = vec![];
    for id in ids {
        let Some(entry) = books.unbonding(&staker, id)?.cloned() else {
            continue;
        };
        if books.batch(entry.batch)?.status == BatchStatus::Sent {
            let account = books.account_of(entry.vid)?;
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
        entries.push((id, entry));
    }
    // Only the claimer's own accounts are settled: what one claim reads is bounded by what
    // the claimer owns.
    let (mut msgs, _) = books.settle_accounts(&chain, &accounts)?;
    let mut paid = Uint128::zero();
    let mut claimed = vec![];
    let mut frozen = vec![];
    let mut waiting = None::<Timestamp>;
    for (id, entry) in entries {
        let batch = books.batch(entry.batch)?.clone();
        if batch.status != BatchStatus::Settled {
            let eta = batch
                .completion
                .unwrap_or_else(|| env.block.time.plus_seconds(books.config.unbonding_period));
            waiting = Some(waiting.map_or(eta, |w: Timestamp| w.min(eta)));
            continue;
        }
        let mut pool = books.load_pool(entry.pool)?;
        let ready = batch.completion.map(|t| t.seconds()).unwrap_or_default();
        if books.slashable(&pool)? {
            if let Some(service) = books.holding(entry.vid, &pool.services, ready)? {
                frozen.push((id, service));
                continue;
            }
        }
        let value = books.claim_entry(&mut pool, &entry)?;
        books.store_pool(pool)?;
        books.put_unbonding(&staker, id, None)?;
        paid += value;
        claimed.push(id.to_string());
    }
    if claimed.is_empty() {
        let reason = if !frozen.is_empty() {
            ClaimWait::Frozen { held: frozen }
        } else {
            match waiting.filter(|eta| *eta > env.block.time) {
                Some(next) => ClaimWait::NotMatured { next },
                // Due, but the chain pays a batch at the end of the block past its completion.
                None => ClaimWait::NotSettled,
            }
        };
        return Err(ContractError::NothingToClaim { reason });
    }
    books.totals()?.liquid_bonded = books.totals()?.liquid_bonded.checked_sub(paid)?;
    if !paid.is_zero() {
        msgs.push(SubMsg::new(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![coin_of(&books.config.bonded_denom, paid)],
        }));
    }
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "claim_unbonded")
        .add_attribute("staker", info.sender)
        .add_attribute("amount", paid)
        .add_attribute("unbonding_ids", claimed.join(","))
        .add_attribute(
            "frozen",
            frozen
                .iter()
                .map(|(id, service)| format!("{id} (service {service})"))
                .collect::<Vec<_>>()
                .join(","),
        ))
}
