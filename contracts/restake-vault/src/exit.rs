//! Exits: a fair first-in-first-out queue of batches.
//!
//! Burning shares puts them in the open batch (they stop earning non-bonded rewards at once
//! but keep their value until the batch is sent). Once per `exit_epoch` the batch is sent:
//! its shares are burned at the exit price (every pending slash request executes, every
//! rounding favours those who stay) and that value is unbonded through the hub from the
//! most overweight validators, so exits also move the vault toward its weights. The batch's
//! holders then share exactly what its hub unbondings return — a slash of those unbondings
//! (by a service, or by the chain while they unbond) is theirs, as the hub makes unbonding
//! stake slashable until it is claimed, and nobody else's. No message iterates holders: a
//! batch holds one hub unbonding per validator it drew from.
//!
//! Why one file: the exit queue is one life cycle over one batch record — queue, send,
//! the unbond reply, the claim reply, pay — and its functions below run in that order.

use cosmwasm_std::{
    Addr, BankMsg, Coin, Deps, DepsMut, Env, MessageInfo, Order, Reply, Response, StdResult,
    Storage, SubMsg, SubMsgResult, Timestamp, Uint128,
};
use cw_storage_plus::Bound;
use restake_types::ExecuteMsg as HubMsg;

use crate::error::{nonpayable, ContractError};
use crate::hub::{self, required_attribute};
use crate::math::{assets_for, mul_div_floor};
use crate::msg::{BatchResponse, BatchStatus, ExitResponse};
use crate::rewards::{balance_of, before_balance_change, hub_pending, supply};
use crate::state::*;
use crate::view::View;

/// Reply ids at or above this are a batch's hub `unbond` (id − base = batch id).
pub const EXIT_UNBOND_REPLY: u64 = 1 << 40;
/// Reply of a drain's hub `unbond` (the vault's own unbonding).
pub const DRAIN_UNBOND_REPLY: u64 = 2;
/// Reply of the hub's `claim_unbonded`.
pub const CLAIM_REPLY: u64 = 3;

/// Exits a holder may claim in one message.
pub const MAX_CLAIMS: usize = 10;
/// Exits of a holder one claim looks at (its oldest).
pub const MAX_SCANNED: usize = 30;
/// Validators one batch draws from at most in the first pass (more only if needed).
pub const MAX_DRAWS: usize = 4;

/// A sent batch: the hub messages and the attributes describing it.
pub type Sent = (Vec<SubMsg>, Vec<(String, String)>);

/// Burns `shares` of `owner` into the open batch for `recipient`. Returns the attributes.
pub fn queue_exit(
    deps: DepsMut,
    env: &Env,
    owner: &Addr,
    recipient: &Addr,
    shares: Uint128,
) -> Result<Vec<(String, String)>, ContractError> {
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount {
            field: "shares".into(),
        });
    }
    let balance = balance_of(deps.storage, owner)?;
    if balance < shares {
        return Err(ContractError::InsufficientShares {
            owner: owner.to_string(),
            balance,
            amount: shares,
        });
    }
    let pending = hub_pending(deps.as_ref(), env)?;
    before_balance_change(deps.storage, &pending, &[owner])?;
    cw20_base::state::BALANCES.save(deps.storage, owner, &(balance - shares))?;
    cw20_base::state::TOKEN_INFO.update(deps.storage, |mut t| -> StdResult<_> {
        t.total_supply = t.total_supply.checked_sub(shares)?;
        Ok(t)
    })?;
    let totals = TOTALS.load(deps.storage)?;
    let mut batch = BATCHES.load(deps.storage, totals.open_batch)?;
    batch.shares = batch.shares.checked_add(shares)?;
    batch.shares_left = batch.shares_left.checked_add(shares)?;
    BATCHES.save(deps.storage, batch.id, &batch)?;
    TICKETS.update(deps.storage, (recipient, batch.id), |t| -> StdResult<_> {
        Ok(t.unwrap_or_default() + shares)
    })?;
    Ok(vec![
        ("owner".into(), owner.to_string()),
        ("recipient".into(), recipient.to_string()),
        ("shares".into(), shares.to_string()),
        ("batch_id".into(), batch.id.to_string()),
    ])
}

/// When the open batch may be sent.
pub fn send_after(config: &Config, totals: &Totals) -> Timestamp {
    match totals.last_sent {
        Some(t) => t.plus_seconds(config.exit_epoch),
        None => Timestamp::from_seconds(0),
    }
}

pub fn batch_due(store: &dyn Storage, env: &Env) -> StdResult<bool> {
    let config = CONFIG.load(store)?;
    let totals = TOTALS.load(store)?;
    let batch = BATCHES.load(store, totals.open_batch)?;
    Ok(!batch.shares.is_zero() && send_after(&config, &totals) <= env.block.time)
}

/// How much to unbond from each validator for `need` tokens of value (as the exit price
/// counts it): from the validators furthest above their target after the exit, those no
/// pending slash request exposes first; from an exposed one, enough more that what is left
/// after the pending requests execute covers its part.
pub fn allocate(
    view: &View,
    need: Uint128,
) -> Result<(Vec<(String, Uint128)>, Uint128), ContractError> {
    let weight = view.total_weight();
    let values: Vec<Uint128> = view.vals.iter().map(|v| v.value_low()).collect();
    let total: Uint128 = values.iter().copied().sum();
    let after = total.saturating_sub(need);
    let mut order: Vec<(usize, Uint128)> = view
        .vals
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.unbondable().is_zero() && !values[*i].is_zero())
        .map(|(i, v)| {
            let target = if weight == 0 {
                Uint128::zero()
            } else {
                mul_div_floor(after, Uint128::from(v.weight), Uint128::from(weight))
                    .unwrap_or_default()
            };
            (i, values[i].saturating_sub(target))
        })
        .collect();
    // unexposed first, then by excess over target, largest first
    order.sort_by(|(a, ea), (b, eb)| {
        view.vals[*a]
            .frozen()
            .cmp(&view.vals[*b].frozen())
            .then(eb.cmp(ea))
    });
    let mut taken = vec![Uint128::zero(); view.vals.len()];
    let mut left = need;
    // Unexposed validators cover the exit first, as far as they can (an unbonding from an
    // exposed one waits for the request to resolve); within each group, excess first.
    for exposed in [false, true] {
        let group: Vec<&(usize, Uint128)> = order
            .iter()
            .filter(|(i, _)| view.vals[*i].frozen() == exposed)
            .collect();
        for (i, excess) in group.iter().take(MAX_DRAWS) {
            let t = (*excess).min(left);
            taken[*i] += t;
            left -= t;
        }
        for (i, _) in &group {
            if left.is_zero() {
                break;
            }
            let t = (values[*i] - taken[*i]).min(left);
            taken[*i] += t;
            left -= t;
        }
    }
    let mut draws = vec![];
    for (i, v) in view.vals.iter().enumerate() {
        let net = taken[i];
        if net.is_zero() {
            continue;
        }
        // value_low ≈ (bonded − unsynced) × (1 − factor): unbond net / (1 − factor).
        let keep = cosmwasm_std::Decimal256::one() - v.factor;
        let gross = if v.factor.is_zero() {
            net
        } else {
            let g = cosmwasm_std::Uint256::from(net)
                .checked_div_floor(keep)
                .map_err(|_| cosmwasm_std::StdError::generic_err("exposure factor"))?;
            Uint128::try_from(g).unwrap_or(Uint128::MAX)
        };
        draws.push((v.validator.clone(), gross.min(v.unbondable())));
    }
    Ok((draws, left))
}

/// Sends the open batch: burns its shares at the exit price, pays what idle tokens can and
/// unbonds the rest through the hub. `None` when the batch is empty.
pub fn send_batch(
    store: &mut dyn Storage,
    env: &Env,
    view: &View,
) -> Result<Option<Sent>, ContractError> {
    let config = CONFIG.load(store)?;
    let mut totals = TOTALS.load(store)?;
    let mut batch = BATCHES.load(store, totals.open_batch)?;
    if batch.shares.is_zero() {
        return Ok(None);
    }
    let nav = view.nav(&totals, true);
    let all_shares = supply(store)? + batch.shares;
    let owed = assets_for(batch.shares, nav, all_shares)?;
    let from_idle = owed.min(totals.idle);
    totals.idle = totals.idle.checked_sub(from_idle)?;
    totals.exit_reserved = totals.exit_reserved.checked_add(from_idle)?;
    let need = owed - from_idle;
    let (draws, short) = allocate(view, need)?;
    let mut msgs = vec![];
    for (validator, amount) in &draws {
        if amount.is_zero() {
            continue;
        }
        msgs.push(SubMsg::reply_on_success(
            hub::msg(
                &config.hub,
                &HubMsg::Unbond {
                    validator: validator.clone(),
                    amount: *amount,
                },
                vec![],
            )?,
            EXIT_UNBOND_REPLY + batch.id,
        ));
    }
    batch.owed = owed;
    batch.received = from_idle;
    batch.sent_at = Some(env.block.time);
    batch.top_up = short;
    if !short.is_zero() {
        totals.top_ups.push((batch.id, short));
    }
    let attrs = vec![
        ("batch_id".to_string(), batch.id.to_string()),
        ("batch_shares".to_string(), batch.shares.to_string()),
        ("batch_owed".to_string(), owed.to_string()),
        ("from_idle".to_string(), from_idle.to_string()),
        (
            "unbond".to_string(),
            draws
                .iter()
                .map(|(v, a)| format!("{a}@{v}"))
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("top_up".to_string(), short.to_string()),
    ];
    BATCHES.save(store, batch.id, &batch)?;
    let next = batch.id + 1;
    BATCHES.save(store, next, &Batch::new(next, env.block.time))?;
    totals.open_batch = next;
    totals.last_sent = Some(env.block.time);
    TOTALS.save(store, &totals)?;
    Ok(Some((msgs, attrs)))
}

/// Reply of a hub `unbond` the vault sent: records the hub's unbonding for its owner.
pub fn on_unbond(
    deps: DepsMut,
    reply: Reply,
    owner: EntryOwner,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let response = match reply.result {
        SubMsgResult::Ok(r) => r,
        #[allow(deprecated)]
        SubMsgResult::Err(e) => return Err(ContractError::invalid("unbond", e)),
    };
    let id: u64 = required_attribute(&response, &config.hub, "unbonding_id")?
        .parse()
        .map_err(|_| ContractError::MissingReplyAttribute {
            key: "unbonding_id".into(),
        })?;
    let validator = required_attribute(&response, &config.hub, "validator")?;
    let amount: Uint128 = required_attribute(&response, &config.hub, "amount")?
        .parse()
        .map_err(|_| ContractError::MissingReplyAttribute {
            key: "amount".into(),
        })?;
    ENTRIES.save(
        deps.storage,
        id,
        &HubEntry {
            owner: owner.clone(),
            validator: validator.clone(),
            requested: amount,
        },
    )?;
    let owner_attr = match owner {
        EntryOwner::Exit(batch_id) => {
            let mut batch = BATCHES.load(deps.storage, batch_id)?;
            batch.entries.push(id);
            BATCHES.save(deps.storage, batch_id, &batch)?;
            format!("batch {batch_id}")
        }
        EntryOwner::Vault => "vault".to_string(),
    };
    Ok(Response::new()
        .add_attribute("action", "record_unbonding")
        .add_attribute("unbonding_id", id.to_string())
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("owner", owner_attr))
}

/// The hub's `claim_unbonded` for the vault's matured unbondings no pending slash request
/// freezes, with what each is expected to pay. `None` when nothing is ready.
pub fn collect_msg(
    deps: Deps,
    view: &View,
) -> Result<Option<(SubMsg, ClaimContext)>, ContractError> {
    let predicted: Vec<(u64, Uint128)> = view
        .entries
        .iter()
        .filter(|e| e.matured && !e.frozen)
        .map(|e| (e.id, e.amount))
        .collect();
    if predicted.is_empty() {
        return Ok(None);
    }
    let config = CONFIG.load(deps.storage)?;
    let msg = SubMsg::reply_always(
        hub::msg(&config.hub, &HubMsg::ClaimUnbonded {}, vec![])?,
        CLAIM_REPLY,
    );
    Ok(Some((
        msg,
        ClaimContext {
            predicted,
            holder: None,
        },
    )))
}

/// Reply of the hub's `claim_unbonded`: shares what arrived among the unbondings the hub
/// paid (each its own amount; pro rata to what the vault expected if the hub paid less,
/// the remainder — never more than what arrived — to idle).
pub fn on_claim(deps: DepsMut, env: Env, reply: Reply) -> Result<Response, ContractError> {
    unlock(deps.storage)?;
    let ctx = CLAIM_CONTEXT.load(deps.storage)?;
    CLAIM_CONTEXT.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let response = match reply.result {
        SubMsgResult::Ok(r) => r,
        #[allow(deprecated)]
        SubMsgResult::Err(e) => {
            let mut res = Response::new();
            if let Some(holder) = ctx.holder {
                let (msgs, total, batches) = pay_exits(deps.storage, &holder)?;
                res = res
                    .set_data(paid_data(&config.bonded_denom, total)?)
                    .add_messages(msgs)
                    .add_attribute("claimed_by", holder)
                    .add_attribute("claimed", total)
                    .add_attribute("claimed_batches", batches.join(","));
            }
            return Ok(res
                .add_attribute("action", "collect_unbondings")
                .add_attribute("collected", "0")
                .add_attribute("hub_refused", e));
        }
    };
    let ids: Vec<u64> = required_attribute(&response, &config.hub, "unbonding_ids")?
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let stated: Uint128 = required_attribute(&response, &config.hub, "amount")?
        .parse()
        .unwrap_or_default();
    let mut totals = TOTALS.load(deps.storage)?;
    let arrived = unbooked(
        &deps.querier,
        &env.contract.address,
        &config.bonded_denom,
        &totals,
    )?;
    let paid = stated.min(arrived);
    let mut expected = vec![];
    for id in &ids {
        let e = match ctx.predicted.iter().find(|(p, _)| p == id) {
            Some((_, a)) => *a,
            None => ENTRIES
                .may_load(deps.storage, *id)?
                .map(|h| h.requested)
                .unwrap_or_default(),
        };
        expected.push((*id, e));
    }
    let sum: Uint128 = expected.iter().map(|(_, e)| *e).sum();
    let mut assigned = Uint128::zero();
    let mut completed = vec![];
    for (id, e) in &expected {
        let share = if sum == paid || sum.is_zero() {
            if sum.is_zero() {
                Uint128::zero()
            } else {
                *e
            }
        } else {
            mul_div_floor(*e, paid, sum)?
        };
        assigned += share;
        match ENTRIES.may_load(deps.storage, *id)? {
            Some(HubEntry {
                owner: EntryOwner::Exit(b),
                ..
            }) => {
                let mut batch = BATCHES.load(deps.storage, b)?;
                batch.received = batch.received.checked_add(share)?;
                batch.entries.retain(|x| x != id);
                totals.exit_reserved = totals.exit_reserved.checked_add(share)?;
                if batch.is_complete() {
                    completed.push(b.to_string());
                }
                BATCHES.save(deps.storage, b, &batch)?;
            }
            _ => totals.idle = totals.idle.checked_add(share)?,
        }
        ENTRIES.remove(deps.storage, *id);
    }
    // Whatever the shares left (rounding, an unexpected surplus) belongs to the holders.
    totals.idle = totals.idle.checked_add(paid.saturating_sub(assigned))?;
    let covered = cover_top_ups(deps.storage, &mut totals)?;
    TOTALS.save(deps.storage, &totals)?;
    let mut res = Response::new();
    if let Some(holder) = ctx.holder {
        let (msgs, total, batches) = pay_exits(deps.storage, &holder)?;
        res = res
            .set_data(paid_data(&config.bonded_denom, total)?)
            .add_messages(msgs)
            .add_attribute("claimed_by", holder)
            .add_attribute("claimed", total)
            .add_attribute("claimed_batches", batches.join(","));
    }
    Ok(res
        .add_attribute("action", "collect_unbondings")
        .add_attribute("collected", paid)
        .add_attribute(
            "unbonding_ids",
            ids.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
        )
        .add_attribute("batches_completed", completed.join(","))
        .add_attribute("top_ups_covered", covered))
}

/// Pays batches still owed tokens from idle ones, oldest first. Returns what it paid.
pub fn cover_top_ups(store: &mut dyn Storage, totals: &mut Totals) -> StdResult<Uint128> {
    let mut paid = Uint128::zero();
    while let Some((id, owed)) = totals.top_ups.first().cloned() {
        if totals.idle.is_zero() {
            break;
        }
        let pay = owed.min(totals.idle);
        totals.idle = totals.idle.checked_sub(pay)?;
        totals.exit_reserved = totals.exit_reserved.checked_add(pay)?;
        paid = paid.checked_add(pay)?;
        let mut batch = BATCHES.load(store, id)?;
        batch.received = batch.received.checked_add(pay)?;
        batch.top_up = batch.top_up.checked_sub(pay)?;
        BATCHES.save(store, id, &batch)?;
        if pay == owed {
            totals.top_ups.remove(0);
        } else {
            totals.top_ups[0].1 = owed - pay;
        }
    }
    Ok(paid)
}

/// Pays the holder's exits in complete batches (at most `MAX_CLAIMS`). Returns the bank
/// message and the attributes; an error that says why when there is nothing to pay.
pub fn pay_exits(
    store: &mut dyn Storage,
    holder: &Addr,
) -> Result<(Vec<BankMsg>, Uint128, Vec<String>), ContractError> {
    let config = CONFIG.load(store)?;
    // Oldest first; a holder with many exits pending claims them over several messages.
    let tickets: Vec<(u64, Uint128)> = TICKETS
        .prefix(holder)
        .range(store, None, None, Order::Ascending)
        .take(MAX_SCANNED)
        .collect::<StdResult<_>>()?;
    if tickets.is_empty() {
        return Err(ContractError::NothingToClaim {
            reason: "you have no exits".into(),
        });
    }
    let mut totals = TOTALS.load(store)?;
    let mut total = Uint128::zero();
    let mut paid_batches = vec![];
    let mut waiting = vec![];
    for (id, shares) in tickets {
        let mut batch = BATCHES.load(store, id)?;
        if !batch.is_complete() {
            waiting.push(id);
            continue;
        }
        if paid_batches.len() >= MAX_CLAIMS {
            break;
        }
        let mut payout = mul_div_floor(batch.received, shares, batch.shares)?;
        payout = payout.min(batch.received - batch.paid);
        batch.paid = batch.paid.checked_add(payout)?;
        batch.shares_left = batch.shares_left.checked_sub(shares)?;
        totals.exit_reserved = totals.exit_reserved.checked_sub(payout)?;
        if batch.shares_left.is_zero() {
            // The last exit of the batch: the rounding remainder belongs to those who stay.
            let rest = batch.received - batch.paid;
            totals.exit_reserved = totals.exit_reserved.checked_sub(rest)?;
            totals.idle = totals.idle.checked_add(rest)?;
            batch.paid = batch.paid.checked_add(rest)?;
        }
        BATCHES.save(store, id, &batch)?;
        TICKETS.remove(store, (holder, id));
        total = total.checked_add(payout)?;
        paid_batches.push(id.to_string());
    }
    if paid_batches.is_empty() {
        return Err(ContractError::NothingToClaim {
            reason: format!(
                "batches {} have not fully returned yet (process_exits collects them once the \
                 hub's unbondings mature and no pending slash request holds them)",
                waiting
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    cover_top_ups(store, &mut totals)?;
    TOTALS.save(store, &totals)?;
    let msgs = if total.is_zero() {
        vec![]
    } else {
        vec![BankMsg::Send {
            to_address: holder.to_string(),
            amount: vec![Coin::new(total, config.bonded_denom)],
        }]
    };
    Ok((msgs, total, paid_batches))
}

pub fn claim(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (msgs, total, batches) = pay_exits(deps.storage, &info.sender)?;
    let denom = CONFIG.load(deps.storage)?.bonded_denom;
    Ok(Response::new()
        .set_data(paid_data(&denom, total)?)
        .add_messages(msgs)
        .add_attribute("action", "claim")
        .add_attribute("holder", info.sender)
        .add_attribute("amount", total)
        .add_attribute("batches", batches.join(",")))
}

/// `claim`'s response data: the bonded tokens paid.
pub fn paid_data(denom: &str, total: Uint128) -> StdResult<cosmwasm_std::Binary> {
    cosmwasm_std::to_json_binary(&crate::msg::PaidData {
        paid: if total.is_zero() {
            vec![]
        } else {
            vec![restake_types::RewardAmount {
                denom: Some(denom.to_string()),
                cw20: None,
                amount: total,
            }]
        },
    })
}

pub fn batch_status(b: &Batch) -> BatchStatus {
    if b.sent_at.is_none() {
        BatchStatus::Open
    } else if b.is_complete() {
        BatchStatus::Complete
    } else {
        BatchStatus::Unbonding
    }
}

pub fn batch_response(
    b: Batch,
    view: Option<&View>,
    config: &Config,
    totals: &Totals,
) -> BatchResponse {
    let unbonding = view
        .map(|v| {
            v.entries
                .iter()
                .filter(|e| b.entries.contains(&e.id))
                .map(|e| e.amount)
                .sum()
        })
        .unwrap_or_default();
    BatchResponse {
        id: b.id,
        status: batch_status(&b),
        shares: b.shares,
        owed: b.owed,
        unbonding,
        received: b.received,
        paid: b.paid,
        hub_unbonding_ids: b.entries.clone(),
        opened_at: b.opened_at,
        sent_at: b.sent_at,
        send_after: b.sent_at.is_none().then(|| send_after(config, totals)),
    }
}

/// A holder's exits, in batch order.
pub fn exits_of(
    deps: Deps,
    view: Option<&View>,
    holder: &Addr,
    start_after: Option<u64>,
    limit: usize,
) -> StdResult<Vec<ExitResponse>> {
    let config = CONFIG.load(deps.storage)?;
    let totals = TOTALS.load(deps.storage)?;
    let tickets: Vec<(u64, Uint128)> = TICKETS
        .prefix(holder)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .collect::<StdResult<_>>()?;
    let mut out = vec![];
    for (id, shares) in tickets {
        let b = BATCHES.load(deps.storage, id)?;
        let r = batch_response(b.clone(), view, &config, &totals);
        let expected_total = if b.sent_at.is_none() {
            Uint128::zero()
        } else {
            r.received + r.unbonding + b.top_up
        };
        let expected =
            mul_div_floor(expected_total, shares, b.shares.max(Uint128::one())).unwrap_or_default();
        let claimable = if b.is_complete() {
            mul_div_floor(b.received, shares, b.shares)
                .unwrap_or_default()
                .min(b.received - b.paid)
        } else {
            Uint128::zero()
        };
        out.push(ExitResponse {
            batch_id: id,
            shares,
            status: r.status,
            claimable,
            expected,
        });
    }
    Ok(out)
}
