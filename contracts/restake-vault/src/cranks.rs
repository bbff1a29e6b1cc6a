//! Cranks anyone may call: `rebalance`, `harvest`, `process_exits` (and `apply_strategy`).
//! None can move anyone's value: they only carry out what the strategy, the rules and the
//! exit queue already decided. Each is O(validators × services) in the strategy.
//!
//! Why one file: the cranks share one view of the vault (`View`), its balance reads and the
//! harvest's reply; split apart, each would reach into the others.

use cosmwasm_std::{
    Addr, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult, Storage, SubMsg,
    SubMsgResult, Uint128,
};
use restake_types::{Asset, ExecuteMsg as HubMsg, RewardAmount};

use crate::deposit::{deposit_msgs, route};
use crate::error::{nonpayable, ContractError};
use crate::exit::{self, cover_top_ups, DRAIN_UNBOND_REPLY};
use crate::hub::{self, HubView};
use crate::msg::CranksResponse;
use crate::rewards::{self, checkpoint, hub_pending, supply, take_payouts};
use crate::state::*;
use crate::strategy::{self, check_rules, mark_left, plan, prune_validators, save_watches};
use crate::view::{targets, ValView, View};

/// Reply of the hub's `claim_rewards`.
pub const HARVEST_REPLY: u64 = 4;
/// Reply of a refused re-deposit of idle tokens.
pub const REDEPOSIT_REPLY: u64 = 7;

/// A re-deposit the hub refused: its tokens are idle again.
pub fn on_redeposit_refused(deps: DepsMut, reply: Reply) -> Result<Response, ContractError> {
    let amount: Uint128 = cosmwasm_std::from_json(&reply.payload)?;
    let mut totals = TOTALS.load(deps.storage)?;
    totals.idle = totals.idle.checked_add(amount)?;
    TOTALS.save(deps.storage, &totals)?;
    let error = match reply.result {
        SubMsgResult::Ok(_) => String::new(),
        #[allow(deprecated)]
        SubMsgResult::Err(e) => e,
    };
    Ok(Response::new()
        .add_attribute("action", "redeposit_refused")
        .add_attribute("amount", amount)
        .add_attribute("error", error))
}

/// Sets the view's targets to the stored strategy (after it changed in this message),
/// adding validators the view does not hold yet.
fn refresh_targets(deps: Deps, view: &mut View) -> StdResult<()> {
    let t = targets(deps)?;
    for v in view.vals.iter_mut() {
        match t.iter().find(|(x, _, _)| *x == v.validator) {
            Some((_, w, s)) => {
                v.weight = *w;
                v.target = s.clone();
            }
            None => {
                v.weight = 0;
                v.target = vec![];
            }
        }
    }
    for (validator, weight, services) in t {
        if view.val(&validator).is_none() {
            view.vals.push(ValView {
                validator,
                weight,
                target: services,
                bonded: Uint128::zero(),
                services: vec![],
                opt_outs: vec![],
                unsynced_low: Uint128::zero(),
                unsynced_high: Uint128::zero(),
                factor: cosmwasm_std::Decimal256::zero(),
                requests: 0,
            });
        }
    }
    Ok(())
}

/// Idle tokens back to work: batches owed top-ups first, then a deposit into the most
/// underweight validator once there is at least the hub's minimum.
fn redeposit(
    deps: Deps,
    env: &Env,
    store_totals: &mut Totals,
    view: &View,
) -> Result<(Vec<SubMsg>, Uint128), ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let Ok(hub_config) = HubView::new(deps, &config.hub, &env.contract.address).config() else {
        return Ok((vec![], Uint128::zero()));
    };
    let amount = store_totals.idle;
    if hub_config.paused || amount < hub_config.min_deposit.max(Uint128::one()) {
        return Ok((vec![], Uint128::zero()));
    }
    let Ok(target) = route(deps, view, amount) else {
        return Ok((vec![], Uint128::zero()));
    };
    let mut msgs = deposit_msgs(deps, &config, target, amount)?;
    // A refused deposit must not fail the crank (rules and exits ride on it): the reply
    // puts the tokens back into idle.
    if let Some(first) = msgs.first_mut() {
        *first = SubMsg::reply_on_error(first.msg.clone(), REDEPOSIT_REPLY)
            .with_payload(cosmwasm_std::to_json_binary(&amount)?);
    }
    store_totals.idle = store_totals.idle.checked_sub(amount)?;
    Ok((msgs, amount))
}

/// `rebalance`, and `apply_strategy` (`require_due`: only when a strategy is due).
pub fn rebalance(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    require_due: bool,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let mut view = View::load(deps.as_ref(), &env)?;
    let mut msgs: Vec<SubMsg> = vec![];
    let mut res = Response::new().add_attribute(
        "action",
        if require_due {
            "apply_strategy"
        } else {
            "rebalance"
        },
    );

    // 1. A strategy whose timelock has passed. Exits queued during the timelock leave
    //    first, at the old risk: their unbondings keep the services they secured.
    match strategy::due(deps.storage, &env)? {
        Some(pending) => {
            if let Some((m, attrs)) = exit::send_batch(deps.storage, &env, &view)? {
                msgs.extend(m);
                res = res.add_attributes(attrs);
            }
            let hub = HubView::new(deps.as_ref(), &config.hub, &env.contract.address);
            let services = pending
                .strategy
                .services
                .iter()
                .map(|s| hub.service(s.service_id))
                .collect::<StdResult<Vec<_>>>()?;
            let left_out =
                strategy::install(deps.storage, &env, &config, pending.strategy, &services)?;
            PENDING.remove(deps.storage);
            res = res.add_attribute("strategy_applied", "true").add_attribute(
                "assets_not_tracked",
                left_out
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        None if require_due => {
            return Err(match PENDING.may_load(deps.storage)? {
                Some(p) => ContractError::TimelockNotPassed {
                    effective_at: p.effective_at.seconds(),
                },
                None => ContractError::NoPendingStrategy,
            });
        }
        None => {}
    }

    // 2. The rules: leave services that are paused, retired, slash too much or raised
    //    their terms.
    let (leaving, updated) = check_rules(deps.as_ref(), &env, &config)?;
    save_watches(deps.storage, &updated)?;
    mark_left(deps.storage, &env, &leaving)?;
    for (id, reason) in &leaving {
        res = res.add_attribute("left_service", format!("{id}: {reason}"));
    }
    refresh_targets(deps.as_ref(), &mut view)?;

    // 3. Positions toward the strategy; validators it dropped are drained.
    let budget = ACTIVE.load(deps.storage)?.strategy.risk_budget;
    let (m, drains, _) = plan(deps.storage, &env, &config, &view, budget)?;
    msgs.extend(m);
    for (validator, amount) in &drains {
        msgs.push(SubMsg::reply_always(
            hub::msg(
                &config.hub,
                &HubMsg::Unbond {
                    validator: validator.clone(),
                    amount: *amount,
                },
                vec![],
            )?,
            DRAIN_UNBOND_REPLY,
        ));
        res = res.add_attribute("drain", format!("{amount}@{validator}"));
    }

    // 4. Idle tokens: top-ups owed to exit batches, then back to work.
    let mut totals = TOTALS.load(deps.storage)?;
    let covered = cover_top_ups(deps.storage, &mut totals)?;
    let (m, redeposited) = redeposit(deps.as_ref(), &env, &mut totals, &view)?;
    msgs.extend(m);
    TOTALS.save(deps.storage, &totals)?;
    let pruned = prune_validators(deps.storage, &view)?;
    Ok(res
        .add_submessages(msgs)
        .add_attribute("top_ups_covered", covered)
        .add_attribute("redeposited", redeposited)
        .add_attribute("validators_pruned", pruned.join(",")))
}

/// `process_exits`: sends the open batch when its epoch has come, collects matured
/// unbondings from the hub.
pub fn process_exits(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    holder: Option<Addr>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let view = View::load(deps.as_ref(), &env)?;
    let mut msgs = vec![];
    let mut res = Response::new().add_attribute("action", "process_exits");
    if exit::batch_due(deps.storage, &env)? {
        if let Some((m, attrs)) = exit::send_batch(deps.storage, &env, &view)? {
            msgs.extend(m);
            res = res.add_attributes(attrs);
        }
    }
    // Batches owed top-ups are paid from idle tokens: rewards waiting at the hub are some.
    let owed = TOTALS.load(deps.storage)?.top_up_total();
    if !owed.is_zero() && !view.pending_bonded.is_zero() {
        msgs.push(harvest_msg(deps.branch(), &env, None)?);
        res = res.add_attribute("harvest_for_top_ups", owed);
    }
    match exit::collect_msg(deps.as_ref(), &view)? {
        Some((msg, mut ctx)) => {
            ctx.holder = holder;
            lock(deps.storage)?;
            CLAIM_CONTEXT.save(deps.storage, &ctx)?;
            res = res.add_attribute(
                "collecting",
                ctx.predicted
                    .iter()
                    .map(|(id, _)| id.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            );
            msgs.push(msg);
        }
        None => {
            if let Some(holder) = holder {
                // nothing to collect: pay what is complete (or say why nothing is)
                let (m, total, batches) = exit::pay_exits(deps.storage, &holder)?;
                res = res
                    .add_messages(m)
                    .add_attribute("claimed_by", holder)
                    .add_attribute("claimed", total)
                    .add_attribute("claimed_batches", batches.join(","));
            } else {
                res = res.add_attribute("collecting", "");
            }
        }
    }
    Ok(res.add_submessages(msgs))
}

/// The vault's balance of one asset. A token whose balance query fails counts as holding
/// nothing before and after (nothing is credited as arrived): it cannot block harvests.
fn balance(deps: Deps, env: &Env, asset: &Asset) -> Uint128 {
    balance_of_asset(deps, env, asset).unwrap_or_default()
}

fn balance_of_asset(deps: Deps, env: &Env, asset: &Asset) -> StdResult<Uint128> {
    match asset {
        Asset::Native(denom) => Ok(deps
            .querier
            .query_balance(&env.contract.address, denom)?
            .amount),
        Asset::Cw20(token) => {
            let r: cw20::BalanceResponse = deps.querier.query_wasm_smart(
                token,
                &cw20::Cw20QueryMsg::Balance {
                    address: env.contract.address.to_string(),
                },
            )?;
            Ok(r.balance)
        }
    }
}

/// `harvest`, and a holder's `claim_rewards` (`holder`): claims the vault's rewards from
/// the hub; the reply credits what arrived.
pub fn harvest(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    holder: Option<Addr>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let msg = harvest_msg(deps, &env, holder.clone())?;
    let mut res = Response::new().add_submessage(msg).add_attribute(
        "action",
        if holder.is_some() {
            "claim_rewards"
        } else {
            "harvest"
        },
    );
    if let Some(h) = holder {
        res = res.add_attribute("holder", h);
    }
    Ok(res)
}

/// The hub's `claim_rewards` for the vault, with the balances its reply compares against
/// (assets other than the bonded denom: what arrived is what the balance grew by; the
/// bonded denom is read from the hub's event, so tokens an unbonding claim brings in the
/// same message are not mistaken for rewards).
fn harvest_msg(deps: DepsMut, env: &Env, holder: Option<Addr>) -> Result<SubMsg, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let before = ASSETS
        .load(deps.storage)?
        .into_iter()
        .map(|b| {
            let v = balance(deps.as_ref(), env, &b.asset);
            (b.asset, v)
        })
        .collect::<Vec<_>>();
    HARVEST_CONTEXT.save(deps.storage, &HarvestContext { before, holder })?;
    lock(deps.storage)?;
    Ok(SubMsg::reply_always(
        hub::msg(&config.hub, &HubMsg::ClaimRewards {}, vec![])?,
        HARVEST_REPLY,
    ))
}

/// The bonded-denom amount in the hub's `claim_rewards` event (`"250uatom,5uosmo,..."`).
fn bonded_in(amounts: &str, denom: &str) -> Uint128 {
    amounts
        .split(',')
        .filter_map(|part| {
            let digits = part.bytes().take_while(|b| b.is_ascii_digit()).count();
            let (n, asset) = part.split_at(digits);
            (asset == denom).then(|| n.parse::<u128>().ok()).flatten()
        })
        .map(Uint128::new)
        .sum()
}

pub fn on_harvest(deps: DepsMut, env: Env, reply: Reply) -> Result<Response, ContractError> {
    unlock(deps.storage)?;
    let ctx = HARVEST_CONTEXT.load(deps.storage)?;
    HARVEST_CONTEXT.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let mut totals = TOTALS.load(deps.storage)?;
    let mut assets = ASSETS.load(deps.storage)?;
    let mut res = Response::new().add_attribute("action", "harvested");
    let mut arrived = vec![];
    match &reply.result {
        SubMsgResult::Ok(response) => {
            // the hub pays the bonded denom in a plain bank send: its event is exact
            let stated =
                hub::hub_attribute(&response.events, &config.hub, "amount").unwrap_or_default();
            let bonded = bonded_in(&stated, &config.bonded_denom).min(unbooked(
                &deps.querier,
                &env.contract.address,
                &config.bonded_denom,
                &totals,
            )?);
            if !bonded.is_zero() {
                arrived.push(format!("{bonded}{}", config.bonded_denom));
                totals.idle = totals.idle.checked_add(bonded)?;
            }
            for (asset, before) in &ctx.before {
                let now = balance(deps.as_ref(), &env, asset);
                let delta = now.saturating_sub(*before);
                if delta.is_zero() {
                    continue;
                }
                arrived.push(format!("{delta}{asset}"));
                if let Some(book) = assets.iter_mut().find(|b| b.asset == *asset) {
                    book.received = book.received.checked_add(delta)?;
                }
            }
        }
        #[allow(deprecated)]
        SubMsgResult::Err(e) => {
            res = res.add_attribute("hub_refused", e.clone());
        }
    }
    res = res.add_attribute("arrived", arrived.join(","));
    // What is still pending at the hub (a transfer it could not make) keeps counting.
    let pending = hub_pending(deps.as_ref(), &env)?;
    checkpoint(&mut assets, &pending, supply(deps.storage)?)?;
    ASSETS.save(deps.storage, &assets)?;
    let covered = cover_top_ups(deps.storage, &mut totals)?;
    res = res.add_attribute("top_ups_covered", covered);
    match ctx.holder {
        Some(holder) => {
            TOTALS.save(deps.storage, &totals)?;
            let mut standing = HOLDER_REWARDS
                .may_load(deps.storage, &holder)?
                .unwrap_or_default();
            rewards::settle(
                &assets,
                &mut standing,
                rewards::balance_of(deps.storage, &holder)?,
            )?;
            HOLDER_REWARDS.save(deps.storage, &holder, &standing)?;
            let (payouts, paid) = take_payouts(deps.storage, &holder)?;
            if payouts.is_empty() {
                return Err(ContractError::NoRewards);
            }
            let data = crate::msg::PaidData {
                paid: paid
                    .iter()
                    .map(|(asset, amount)| RewardAmount::new(asset, *amount))
                    .collect(),
            };
            let paid: Vec<String> = paid.iter().map(|(a, n)| format!("{n}{a}")).collect();
            Ok(res
                .set_data(cosmwasm_std::to_json_binary(&data)?)
                .add_submessages(payouts)
                .add_attribute("holder", holder)
                .add_attribute("paid", paid.join(",")))
        }
        None => {
            let view = View::load(deps.as_ref(), &env)?;
            let (msgs, redeposited) = redeposit(deps.as_ref(), &env, &mut totals, &view)?;
            TOTALS.save(deps.storage, &totals)?;
            Ok(res
                .add_submessages(msgs)
                .add_attribute("redeposited", redeposited))
        }
    }
}

/// Idle bonded tokens of the vault, for queries.
pub fn idle(store: &dyn Storage) -> StdResult<Uint128> {
    Ok(TOTALS.load(store)?.idle)
}

/// `cranks`: what `rebalance`, `harvest` and `process_exits` would do now, one line per piece
/// of work (an empty list: that crank has nothing to do). Decided by the same functions the
/// cranks run, so a keeper never has to guess, and never sends a crank with nothing to do.
pub fn status(deps: Deps, env: Env) -> Result<CranksResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let view = View::load(deps, &env)?;
    let totals = TOTALS.load(deps.storage)?;

    let mut rebalance = vec![];
    if let Some(p) = strategy::due(deps.storage, &env)? {
        rebalance.push(format!(
            "the strategy proposed at {} may apply (timelock passed at {})",
            p.proposed_at.seconds(),
            p.effective_at.seconds()
        ));
    }
    let (leaving, _) = check_rules(deps, &env, &config)?;
    for (id, reason) in &leaving {
        rebalance.push(format!("leave service {id}: {reason}"));
    }
    let budget = ACTIVE.load(deps.storage)?.strategy.risk_budget;
    let (_, _, why) = plan(deps.storage, &env, &config, &view, budget)?;
    rebalance.extend(why);
    let owed = totals.top_up_total();
    if !owed.is_zero() && !totals.idle.is_zero() {
        rebalance.push(format!(
            "pay {} idle tokens to exit batches owed {owed}",
            owed.min(totals.idle)
        ));
    }
    let idle = totals.idle.saturating_sub(owed);
    if !idle.is_zero() {
        if let Ok(hub_config) = HubView::new(deps, &config.hub, &env.contract.address).config() {
            if !hub_config.paused && idle >= hub_config.min_deposit.max(Uint128::one()) {
                if let Ok(target) = route(deps, &view, idle) {
                    rebalance.push(format!(
                        "re-deposit {idle} idle tokens on {}",
                        target.validator
                    ));
                }
            }
        }
    }

    let mut harvest = vec![];
    if !view.pending_bonded.is_zero() {
        harvest.push(format!(
            "{}{} of rewards at the hub to compound",
            view.pending_bonded, config.bonded_denom
        ));
    }
    for (asset, amount) in view.pending_other.iter().filter(|(_, a)| !a.is_zero()) {
        harvest.push(format!("{amount}{asset} of rewards at the hub for holders"));
    }

    let mut process_exits = vec![];
    if exit::batch_due(deps.storage, &env)? {
        let batch = BATCHES.load(deps.storage, totals.open_batch)?;
        process_exits.push(format!(
            "exit batch {} ({} shares) is due to be sent",
            batch.id, batch.shares
        ));
    }
    if !owed.is_zero() && !view.pending_bonded.is_zero() {
        process_exits.push(format!(
            "exit batches are owed {owed}: rewards at the hub pay them"
        ));
    }
    let matured: Vec<String> = view
        .entries
        .iter()
        .filter(|e| e.matured && !e.frozen)
        .map(|e| e.id.to_string())
        .collect();
    if !matured.is_empty() {
        process_exits.push(format!(
            "hub unbondings {} have matured: collect them",
            matured.join(",")
        ));
    }
    Ok(CranksResponse {
        rebalance,
        harvest,
        process_exits,
        pending_bonded_rewards: view.pending_bonded,
    })
}
