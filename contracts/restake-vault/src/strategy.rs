//! The curator's strategy behind a timelock, and the rules that act without the curator.
//!
//! A proposal waits the *current* strategy's `timelock`, visible to everyone in the
//! `strategy` query, so a holder who dislikes it can exit at the old risk: applying a
//! strategy first sends the open exit batch, whose unbondings keep the services they
//! secured when they left. Reducing risk needs no wait: `leave_service` and the rules.
//!
//! Why one file: a strategy's whole life — checked, proposed, installed, enforced by the rules
//! and turned into the plan the cranks carry out — works on the same few records, and each
//! step reads the one before it.

use cosmwasm_std::{
    Addr, Decimal, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult, Storage, SubMsg,
    Uint128,
};
use restake_types::{Asset, ExecuteMsg as HubMsg, ServiceResponse, ServiceStatus, SlashStatus};

use crate::error::{nonpayable, ContractError};
use crate::hub::{self, HubView};
use crate::msg::{PendingStrategy, Strategy};
use crate::rewards::track_assets;
use crate::state::*;
use crate::view::{ValView, View};

/// Largest weight of one validator.
pub const MAX_WEIGHT: u32 = 1_000_000;
/// Longest timelock or rule window: ten years.
pub const MAX_DURATION: u64 = 10 * 365 * 24 * 3600;
/// Slash requests of one service the rule remembers inside its window; more than this
/// counts as slashing too much on its own.
pub const MAX_RECENT: usize = 10;
/// Reply of hub messages whose refusal must not fail a crank (opt-ins, opt-outs, completes).
pub const TOLERANT_REPLY: u64 = 5;

/// Services to leave, with the reason.
pub type Departures = Vec<(u64, String)>;
/// Validators to drain: (validator, tokens to unbond).
pub type Drains = Vec<(String, Uint128)>;

/// Checks a strategy against the vault's caps and the hub's services. Returns the hub's
/// record of each listed service, in the strategy's order.
pub fn validate(
    deps: Deps,
    env: &Env,
    config: &Config,
    s: &Strategy,
) -> Result<Vec<ServiceResponse>, ContractError> {
    if s.validators.is_empty() {
        return Err(ContractError::strategy("at least one validator is needed"));
    }
    if s.validators.len() > config.max_validators as usize {
        return Err(ContractError::strategy(format!(
            "{} validators, the vault takes at most {}",
            s.validators.len(),
            config.max_validators
        )));
    }
    if s.services.len() > config.max_services as usize {
        return Err(ContractError::strategy(format!(
            "{} services, the vault takes at most {}",
            s.services.len(),
            config.max_services
        )));
    }
    if s.risk_budget > Decimal::one() {
        return Err(ContractError::strategy(format!(
            "risk_budget {} is above 1",
            s.risk_budget
        )));
    }
    if s.slash_limit.window == 0 || s.slash_limit.window > MAX_DURATION {
        return Err(ContractError::strategy(
            "slash_limit.window must be between 1 second and 10 years",
        ));
    }
    if s.slash_limit.max_fraction > Decimal::one() {
        return Err(ContractError::strategy(
            "slash_limit.max_fraction is above 1",
        ));
    }
    if s.timelock < config.min_timelock || s.timelock > MAX_DURATION {
        return Err(ContractError::strategy(format!(
            "timelock {} must be between the vault's min_timelock {} and 10 years",
            s.timelock, config.min_timelock
        )));
    }
    let hub = HubView::new(deps, &config.hub, &env.contract.address);
    let hub_config = hub.config()?;
    let mut services: Vec<ServiceResponse> = vec![];
    for (i, limit) in s.services.iter().enumerate() {
        if s.services[..i]
            .iter()
            .any(|l| l.service_id == limit.service_id)
        {
            return Err(ContractError::Duplicate {
                field: "service".into(),
                value: limit.service_id.to_string(),
            });
        }
        if limit.max_share.is_zero() || limit.max_share > Decimal::one() {
            return Err(ContractError::strategy(format!(
                "max_share of service {} must be in (0, 1]",
                limit.service_id
            )));
        }
        let service = hub.service(limit.service_id).map_err(|_| {
            ContractError::strategy(format!(
                "service {} is not registered at the hub",
                limit.service_id
            ))
        })?;
        if service.status != ServiceStatus::Active {
            return Err(ContractError::ServiceNotActive {
                service_id: service.id,
                status: service.status.to_string(),
            });
        }
        services.push(service);
    }
    let total_weight: u64 = s.validators.iter().map(|v| v.weight as u64).sum();
    let mut secured: Vec<(u64, u64)> = vec![];
    for (i, v) in s.validators.iter().enumerate() {
        if s.validators[..i].iter().any(|o| o.validator == v.validator) {
            return Err(ContractError::Duplicate {
                field: "validator".into(),
                value: v.validator.clone(),
            });
        }
        if v.weight == 0 || v.weight > MAX_WEIGHT {
            return Err(ContractError::strategy(format!(
                "weight of {} must be between 1 and {MAX_WEIGHT}",
                v.validator
            )));
        }
        if !hub::is_bonded(deps, &v.validator) {
            return Err(ContractError::strategy(format!(
                "{} is not a bonded validator",
                v.validator
            )));
        }
        if v.services.len() > hub_config.max_services_per_position as usize {
            return Err(ContractError::strategy(format!(
                "{} would secure {} services, the hub allows {} per position",
                v.validator,
                v.services.len(),
                hub_config.max_services_per_position
            )));
        }
        let mut exposure = Decimal::zero();
        for (j, id) in v.services.iter().enumerate() {
            if v.services[..j].contains(id) {
                return Err(ContractError::Duplicate {
                    field: format!("service of {}", v.validator),
                    value: id.to_string(),
                });
            }
            let service = services.iter().find(|s| s.id == *id).ok_or_else(|| {
                ContractError::strategy(format!(
                    "{} lists service {id}, which is not in the strategy's services",
                    v.validator
                ))
            })?;
            exposure = exposure.checked_add(service.max_slash)?;
            match secured.iter_mut().find(|(s, _)| s == id) {
                Some((_, w)) => *w += v.weight as u64,
                None => secured.push((*id, v.weight as u64)),
            }
        }
        if exposure > s.risk_budget {
            return Err(ContractError::RiskBudgetExceeded {
                validator: v.validator.clone(),
                total: exposure,
                budget: s.risk_budget,
            });
        }
    }
    for (id, w) in secured {
        let share = Decimal::from_ratio(w, total_weight);
        let cap = s
            .services
            .iter()
            .find(|l| l.service_id == id)
            .map(|l| l.max_share)
            .unwrap_or_default();
        if share > cap {
            return Err(ContractError::ServiceCapExceeded {
                service_id: id,
                share,
                cap,
            });
        }
    }
    // Validators the vault still drains count too, so its list stays bounded.
    let current = VALIDATORS.may_load(deps.storage)?.unwrap_or_default();
    let union = current
        .iter()
        .filter(|v| !s.validators.iter().any(|t| t.validator == **v))
        .count()
        + s.validators.len();
    if union > 2 * config.max_validators as usize {
        return Err(ContractError::strategy(format!(
            "with the {} validators the vault still drains this makes {union}, above {}; \
             wait until they are drained",
            current.len(),
            2 * config.max_validators
        )));
    }
    Ok(services)
}

pub fn terms_of(s: &ServiceResponse) -> Terms {
    Terms {
        max_slash: s.max_slash,
        opt_out_delay: s.opt_out_delay,
        veto_period: s.veto_period,
        slasher: s.slasher.clone(),
        resolver: s.resolver.clone(),
    }
}

/// The reward assets a service declares.
pub fn assets_of(s: &ServiceResponse) -> Vec<Asset> {
    s.reward_denoms
        .iter()
        .map(|d| Asset::Native(d.clone()))
        .chain(s.reward_tokens.iter().map(|t| Asset::Cw20(t.clone())))
        .collect()
}

/// Makes `strategy` active: the services' terms are accepted as they are now, earlier
/// departures from its services are forgotten (the curator listed them again), their reward
/// assets are tracked. Returns an attribute listing assets left out for lack of room.
pub fn install(
    store: &mut dyn Storage,
    env: &Env,
    config: &Config,
    strategy: Strategy,
    services: &[ServiceResponse],
) -> Result<Vec<Asset>, ContractError> {
    let old: Vec<(u64, Watch)> = WATCH
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    for (id, _) in &old {
        WATCH.remove(store, *id);
    }
    let mut declared = vec![];
    for s in services {
        let cursor = old
            .iter()
            .find(|(id, _)| *id == s.id)
            .map(|(_, w)| w.cursor)
            .unwrap_or(0);
        let recent = old
            .iter()
            .find(|(id, _)| *id == s.id)
            .map(|(_, w)| w.recent.clone())
            .unwrap_or_default();
        WATCH.save(
            store,
            s.id,
            &Watch {
                terms: terms_of(s),
                cursor,
                recent,
                left: None,
            },
        )?;
        declared.extend(assets_of(s));
    }
    let mut validators = VALIDATORS.may_load(store)?.unwrap_or_default();
    for v in &strategy.validators {
        if !validators.contains(&v.validator) {
            validators.push(v.validator.clone());
        }
    }
    VALIDATORS.save(store, &validators)?;
    ACTIVE.save(
        store,
        &Active {
            strategy,
            applied_at: env.block.time,
        },
    )?;
    Ok(track_assets(
        store,
        &declared,
        &config.bonded_denom,
        config.max_reward_assets,
    )?)
}

pub fn propose(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    strategy: Strategy,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    validate(deps.as_ref(), &env, &config, &strategy)?;
    let timelock = ACTIVE.load(deps.storage)?.strategy.timelock;
    let effective_at = env.block.time.plus_seconds(timelock);
    PENDING.save(
        deps.storage,
        &PendingStrategy {
            strategy,
            proposed_at: env.block.time,
            effective_at,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "propose_strategy")
        .add_attribute("curator", info.sender)
        .add_attribute("effective_at", effective_at.seconds().to_string()))
}

pub fn cancel(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if !PENDING.exists(deps.storage) {
        return Err(ContractError::NoPendingStrategy);
    }
    PENDING.remove(deps.storage);
    Ok(Response::new()
        .add_attribute("action", "cancel_strategy")
        .add_attribute("curator", info.sender))
}

/// The pending strategy if its timelock has passed.
pub fn due(store: &dyn Storage, env: &Env) -> StdResult<Option<PendingStrategy>> {
    Ok(PENDING
        .may_load(store)?
        .filter(|p| p.effective_at <= env.block.time))
}

/// Marks services as left (by a rule or the curator).
pub fn mark_left(
    store: &mut dyn Storage,
    env: &Env,
    leaving: &[(u64, String)],
) -> Result<(), ContractError> {
    for (id, reason) in leaving {
        let mut w = WATCH.load(store, *id)?;
        w.left = Some(Left {
            reason: reason.clone(),
            at: env.block.time,
        });
        WATCH.save(store, *id, &w)?;
    }
    Ok(())
}

/// Opts every position of the view out of `ids` (where it secures them and is not leaving
/// them already).
pub fn opt_out_msgs(
    config: &Config,
    view: &View,
    ids: &[u64],
) -> Result<Vec<SubMsg>, ContractError> {
    let mut msgs = vec![];
    for v in &view.vals {
        let out: Vec<u64> = ids
            .iter()
            .copied()
            .filter(|id| v.services.contains(id) && !v.opt_outs.iter().any(|(s, _)| s == id))
            .collect();
        if !out.is_empty() && !v.bonded.is_zero() {
            msgs.push(tolerant(hub::msg(
                &config.hub,
                &HubMsg::OptOut {
                    validator: v.validator.clone(),
                    service_ids: out,
                },
                vec![],
            )?));
        }
    }
    Ok(msgs)
}

/// A hub message whose refusal is reported in an event instead of failing the crank.
pub fn tolerant(msg: cosmwasm_std::CosmosMsg) -> SubMsg {
    SubMsg::reply_on_error(msg, TOLERANT_REPLY)
}

pub fn leave_service(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    service_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let watch = WATCH
        .may_load(deps.storage, service_id)?
        .ok_or(ContractError::NotInStrategy { service_id })?;
    if watch.left.is_some() {
        return Err(ContractError::AlreadyLeft { service_id });
    }
    let config = CONFIG.load(deps.storage)?;
    let view = View::load(deps.as_ref(), &env)?;
    mark_left(
        deps.storage,
        &env,
        &[(service_id, "left by the curator".to_string())],
    )?;
    let msgs = opt_out_msgs(&config, &view, &[service_id])?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "leave_service")
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("reason", "left by the curator"))
}

/// The rules: which services of the active strategy the vault must leave now, and why.
/// Reads each watched service once, one page of its new slash requests and the status of
/// the requests it remembers as pending: O(services × MAX_RECENT).
pub fn check_rules(
    deps: Deps,
    env: &Env,
    config: &Config,
) -> Result<(Departures, Vec<(u64, Watch)>), ContractError> {
    let active = ACTIVE.load(deps.storage)?.strategy;
    let hub = HubView::new(deps, &config.hub, &env.contract.address);
    let now = env.block.time.seconds();
    let window_start = now.saturating_sub(active.slash_limit.window);
    let mut leaving = vec![];
    let mut updated = vec![];
    let watches: Vec<(u64, Watch)> = WATCH
        .range(deps.storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    for (id, mut w) in watches {
        if w.left.is_some() {
            continue;
        }
        let s = hub.service(id)?;
        let mut reason = None;
        if s.status != ServiceStatus::Active {
            reason = Some(format!("the service is {}", s.status));
        } else if s.opt_out_delay > w.terms.opt_out_delay {
            reason = Some(format!(
                "the service raised its opt_out_delay from {} to {} seconds",
                w.terms.opt_out_delay, s.opt_out_delay
            ));
        } else if s.veto_period < w.terms.veto_period {
            reason = Some(format!(
                "the service shortened its veto window from {} to {} seconds",
                w.terms.veto_period, s.veto_period
            ));
        } else if s.slasher != w.terms.slasher {
            reason = Some(format!("the service rotated its slasher to {}", s.slasher));
        } else if s.resolver != w.terms.resolver {
            reason = Some(match &s.resolver {
                Some(r) => format!("the service changed its resolver to {r}"),
                None => "the service removed its resolver".to_string(),
            });
        }
        // A lower max_slash is less risk: accepted as the new terms.
        if s.max_slash < w.terms.max_slash {
            w.terms.max_slash = s.max_slash;
        }
        // Slash requests opened inside the window, vetoed ones dropped.
        for r in w.recent.iter_mut().filter(|r| r.pending) {
            let now_status = hub.slash_request(r.id)?.status;
            r.pending = now_status == SlashStatus::Pending;
            if now_status == SlashStatus::Vetoed {
                r.fraction = Decimal::zero();
            }
        }
        for r in hub.slashes_after(id, w.cursor)? {
            w.cursor = w.cursor.max(r.id);
            if r.status != SlashStatus::Vetoed && r.requested_at.seconds() >= window_start {
                w.recent.push(RecentSlash {
                    id: r.id,
                    at: r.requested_at.seconds(),
                    fraction: r.fraction,
                    pending: r.status == SlashStatus::Pending,
                });
            }
        }
        w.recent
            .retain(|r| r.at >= window_start && (r.pending || !r.fraction.is_zero()));
        let total = w
            .recent
            .iter()
            .fold(Decimal::zero(), |t, r| t.saturating_add(r.fraction));
        if reason.is_none() && w.recent.len() > MAX_RECENT {
            reason = Some(format!(
                "more than {MAX_RECENT} slash requests in the last {} seconds",
                active.slash_limit.window
            ));
        } else if reason.is_none() && total > active.slash_limit.max_fraction {
            reason = Some(format!(
                "its slash requests of the last {} seconds add up to {total}, above {}",
                active.slash_limit.window, active.slash_limit.max_fraction
            ));
        }
        w.recent.truncate(MAX_RECENT + 1);
        if let Some(r) = reason {
            leaving.push((id, r));
        }
        updated.push((id, w));
    }
    Ok((leaving, updated))
}

/// Σ max_slash of `services` under the accepted terms.
fn exposure(store: &dyn Storage, services: &[u64]) -> StdResult<Decimal> {
    let mut total = Decimal::zero();
    for id in services {
        // A service no longer watched (dropped by a strategy change, still pending opt-out)
        // counts at its full weight: 1.
        let m = WATCH
            .may_load(store, *id)?
            .map(|w| w.terms.max_slash)
            .unwrap_or(Decimal::one());
        total = total.saturating_add(m);
    }
    Ok(total)
}

/// Moves each position toward the services the strategy wants: opt out of the others,
/// complete the opt-outs that are ready, opt into the wanted ones as far as the risk budget
/// allows with everything the position still secures (pending opt-outs included), and
/// drain validators the strategy dropped. Every message is tolerant: a refusal (a pending
/// slash request, a pool cap) waits for the next `rebalance`. The third list says why each
/// message is there (the `cranks` query shows it to keepers).
pub fn plan(
    store: &dyn Storage,
    env: &Env,
    config: &Config,
    view: &View,
    budget: Decimal,
) -> Result<(Vec<SubMsg>, Drains, Vec<String>), ContractError> {
    let now = env.block.time.seconds();
    let mut msgs = vec![];
    let mut drains = vec![];
    let mut why = vec![];
    for v in &view.vals {
        if v.bonded.is_zero() {
            continue;
        }
        if v.weight == 0 {
            // One drain in flight per validator: a crank called again and again must not
            // pile up unbondings of a unit left by rounding.
            let draining = view
                .entries
                .iter()
                .any(|e| e.validator == v.validator && e.owner == Some(EntryOwner::Vault));
            let amount = v.unbondable();
            if !amount.is_zero() && !draining {
                why.push(format!(
                    "drain {amount} from {}: the strategy dropped it",
                    v.validator
                ));
                drains.push((v.validator.clone(), amount));
            }
            continue;
        }
        let pending: Vec<u64> = v.opt_outs.iter().map(|(s, _)| *s).collect();
        let out: Vec<u64> = v
            .services
            .iter()
            .copied()
            .filter(|s| !v.target.contains(s) && !pending.contains(s))
            .collect();
        if !out.is_empty() {
            why.push(format!(
                "opt {} out of services {out:?}: the strategy no longer wants them there",
                v.validator
            ));
            msgs.push(tolerant(hub::msg(
                &config.hub,
                &HubMsg::OptOut {
                    validator: v.validator.clone(),
                    service_ids: out,
                },
                vec![],
            )?));
        }
        if v.opt_outs
            .iter()
            .any(|(s, at)| *at <= now && !v.target.contains(s))
        {
            why.push(format!("complete {}'s ready opt-outs", v.validator));
            msgs.push(tolerant(hub::msg(
                &config.hub,
                &HubMsg::CompleteOptOut {
                    validator: v.validator.clone(),
                },
                vec![],
            )?));
        }
        let wanted = opt_ins(store, v, budget)?;
        if !wanted.is_empty() {
            why.push(format!(
                "opt {} into services {wanted:?}: the strategy wants them there",
                v.validator
            ));
            msgs.push(tolerant(hub::msg(
                &config.hub,
                &HubMsg::OptIn {
                    validator: v.validator.clone(),
                    service_ids: wanted,
                },
                vec![],
            )?));
        }
    }
    Ok((msgs, drains, why))
}

/// The services to opt `v` into now: wanted ones it does not secure (or is leaving), in
/// strategy order, while Σ max_slash of everything it would secure stays within `budget`.
pub fn opt_ins(store: &dyn Storage, v: &ValView, budget: Decimal) -> StdResult<Vec<u64>> {
    let pending: Vec<u64> = v.opt_outs.iter().map(|(s, _)| *s).collect();
    let mut securing = v.services.clone();
    let mut wanted = vec![];
    for s in &v.target {
        if pending.contains(s) {
            // Cancelling an opt-out adds no risk.
            wanted.push(*s);
        } else if !securing.contains(s) {
            let mut with = securing.clone();
            with.push(*s);
            if exposure(store, &with)? <= budget {
                securing = with;
                wanted.push(*s);
            }
        }
    }
    Ok(wanted)
}

/// Saves the watches `check_rules` updated.
pub fn save_watches(store: &mut dyn Storage, updated: &[(u64, Watch)]) -> StdResult<()> {
    for (id, w) in updated {
        // keep a `left` set by `leave` in the same message
        let mut w = w.clone();
        if let Some(stored) = WATCH.may_load(store, *id)? {
            if stored.left.is_some() {
                w.left = stored.left;
            }
        }
        WATCH.save(store, *id, &w)?;
    }
    Ok(())
}

/// Validators not in the strategy whose position is empty and which hold no unbonding of
/// the vault leave the vault's list.
pub fn prune_validators(store: &mut dyn Storage, view: &View) -> StdResult<Vec<String>> {
    let validators = VALIDATORS.load(store)?;
    let mut kept = vec![];
    let mut pruned = vec![];
    for v in validators {
        let gone = view
            .val(&v)
            .map(|x| x.weight == 0 && x.bonded.is_zero())
            .unwrap_or(false)
            && !view.entries.iter().any(|e| e.validator == v);
        if gone {
            pruned.push(v);
        } else {
            kept.push(v);
        }
    }
    VALIDATORS.save(store, &kept)?;
    Ok(pruned)
}

/// The curator's address for events.
pub fn curator(store: &dyn Storage) -> StdResult<Option<Addr>> {
    Ok(cw_ownable::get_ownership(store)?.owner)
}
