//! Service slash requests (open, veto, execute) and chain-slashing shortfalls.
//!
//! A slash of service S on validator V takes its fraction from every pool on V that
//! includes S: bonded stake, unbonding groups still in batches, and claimable unbondings
//! alike. It touches pools and groups, never positions, so it costs O(pools on V), which
//! `max_pools_per_validator` caps.

use crate::error::nonpayable;
use cosmwasm_std::{
    Decimal, Decimal256, DepsMut, Env, MessageInfo, Response, Storage, SubMsg, Uint128,
};
use restake_types::math::{floor_ratio, split_loss};
use restake_types::{Asset, SlashStatus};

use crate::books::Books;
use crate::chain::{harvest_and_sync, route};
use crate::error::ContractError;
use crate::pools::{bonded_removed, settle_pool};
use crate::state::*;
use crate::unbonding::queued_batch;

/// Largest evidence text stored with a request.
pub const MAX_EVIDENCE_LEN: usize = 2048;

pub fn slash(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    service_id: u64,
    validator: String,
    fraction: Decimal,
    evidence: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut service = SERVICES
        .may_load(deps.storage, service_id)?
        .ok_or(ContractError::ServiceNotFound { id: service_id })?;
    if info.sender != service.slasher {
        return Err(ContractError::unauthorized(
            &format!("open slash requests for service {service_id}"),
            "the service's slasher",
        ));
    }
    if fraction.is_zero() {
        return Err(ContractError::FractionZero);
    }
    if fraction > service.max_slash {
        return Err(ContractError::FractionAboveMax {
            fraction,
            max: service.max_slash,
        });
    }
    if evidence.len() > MAX_EVIDENCE_LEN {
        return Err(ContractError::invalid(
            "evidence",
            format!("at most {MAX_EVIDENCE_LEN} bytes"),
        ));
    }
    let mut books = Books::load(deps.storage)?;
    if !has_exposed_stake(deps.storage, &mut books, service_id, &validator)? {
        return Err(ContractError::NothingToSlash {
            service_id,
            validator,
        });
    }
    let id = books.totals.next_slash_id + 1;
    books.totals.next_slash_id = id;
    let mut request = SlashRequest {
        id,
        service_id,
        validator: validator.clone(),
        fraction,
        evidence,
        status: SlashStatus::Pending,
        requested_at: env.block.time,
        executable_at: env.block.time.plus_seconds(service.veto_period),
        resolved_at: None,
        slashed_bonded: Uint128::zero(),
        slashed_unbonding: Uint128::zero(),
    };
    let v = books.validator_mut(deps.storage, &validator)?;
    match v.pending_slashes.iter_mut().find(|(s, _)| *s == service_id) {
        Some((_, n)) => *n += 1,
        None => v.pending_slashes.push((service_id, 1)),
    }
    let mut response = Response::new()
        .add_attribute("action", "slash")
        .add_attribute("slash_id", id.to_string())
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("validator", &validator)
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("executable_at", request.executable_at.to_string());
    if service.veto_period == 0 {
        let executed =
            execute_request(deps.branch(), &env, &mut books, &mut service, &mut request)?;
        response = response
            .add_submessages(executed.messages)
            .add_attribute("executed", "true")
            .add_attributes(executed.attributes);
        SERVICES.save(deps.storage, service_id, &service)?;
    } else {
        books.save(deps.storage)?;
    }
    // A new id: no old entry whose index keys would need removing.
    slash_requests().replace(deps.storage, id, Some(&request), None)?;
    Ok(response)
}

pub fn veto_slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    slash_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut request = load_pending(deps.storage, slash_id)?;
    let service = SERVICES.load(deps.storage, request.service_id)?;
    let is_resolver = service.resolver.as_ref() == Some(&info.sender);
    if !is_resolver && cw_ownable::assert_owner(deps.storage, &info.sender).is_err() {
        return Err(ContractError::unauthorized(
            &format!("veto slash request {slash_id}"),
            "the service's resolver or the hub owner",
        ));
    }
    if env.block.time >= request.executable_at {
        return Err(ContractError::VetoWindowClosed {
            id: slash_id,
            executable_at: request.executable_at,
        });
    }
    let mut books = Books::load(deps.storage)?;
    release_pending(deps.storage, &mut books, &request)?;
    request.status = SlashStatus::Vetoed;
    request.resolved_at = Some(env.block.time);
    slash_requests().save(deps.storage, slash_id, &request)?;
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "veto_slash")
        .add_attribute("slash_id", slash_id.to_string())
        .add_attribute("service_id", request.service_id.to_string())
        .add_attribute("validator", request.validator)
        .add_attribute("vetoed_by", info.sender))
}

pub fn execute_slash(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    slash_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut request = load_pending(deps.storage, slash_id)?;
    if env.block.time < request.executable_at {
        return Err(ContractError::VetoWindowOpen {
            id: slash_id,
            executable_at: request.executable_at,
        });
    }
    let mut service = SERVICES.load(deps.storage, request.service_id)?;
    let mut books = Books::load(deps.storage)?;
    let executed = execute_request(deps.branch(), &env, &mut books, &mut service, &mut request)?;
    slash_requests().save(deps.storage, slash_id, &request)?;
    SERVICES.save(deps.storage, service.id, &service)?;
    Ok(Response::new()
        .add_attribute("action", "execute_slash")
        .add_attribute("slash_id", slash_id.to_string())
        .add_attribute("service_id", request.service_id.to_string())
        .add_attribute("validator", &request.validator)
        .add_submessages(executed.messages)
        .add_attributes(executed.attributes))
}

fn load_pending(store: &dyn Storage, slash_id: u64) -> Result<SlashRequest, ContractError> {
    let request = slash_requests()
        .may_load(store, slash_id)?
        .ok_or(ContractError::SlashNotFound { id: slash_id })?;
    if request.status != SlashStatus::Pending {
        return Err(ContractError::SlashNotPending {
            id: slash_id,
            status: request.status.to_string(),
        });
    }
    Ok(request)
}

fn release_pending(
    store: &dyn Storage,
    books: &mut Books,
    request: &SlashRequest,
) -> Result<(), ContractError> {
    let v = books.validator_mut(store, &request.validator)?;
    if let Some(i) = v
        .pending_slashes
        .iter()
        .position(|(s, _)| *s == request.service_id)
    {
        v.pending_slashes[i].1 = v.pending_slashes[i].1.saturating_sub(1);
        if v.pending_slashes[i].1 == 0 {
            v.pending_slashes.remove(i);
        }
    }
    Ok(())
}

/// Any stake on the validator (bonded or unbonding) secures the service.
fn has_exposed_stake(
    store: &dyn Storage,
    books: &mut Books,
    service_id: u64,
    validator: &str,
) -> Result<bool, ContractError> {
    for pool_id in books.validator(store, validator)?.pools.clone() {
        let pool = POOLS.load(store, pool_id)?;
        if pool.services.contains(&service_id) && pool.is_live() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Applies a pending request: takes its fraction from every exposed group on the
/// validator, queues the slashed bonded stake for undelegation, routes slashed claimable
/// tokens at once. Saves the books.
fn execute_request(
    deps: DepsMut,
    env: &Env,
    books: &mut Books,
    service: &mut Service,
    request: &mut SlashRequest,
) -> Result<Response, ContractError> {
    let validator = request.validator.clone();
    let (msgs, _) = harvest_and_sync(deps.as_ref(), env, books, &validator)?;
    let store = deps.storage as &dyn Storage;
    let fraction = request.fraction;
    let mut bonded_taken = Uint128::zero();
    let mut in_batches_taken = Uint128::zero();
    let mut claimable_taken = Uint128::zero();
    let mut pools_hit = 0u32;
    for pool_id in books.validator(store, &validator)?.pools.clone() {
        if !books.pool(store, pool_id)?.services.contains(&service.id) {
            continue;
        }
        let mut pool = books.take_pool(store, pool_id)?;
        pools_hit += 1;
        settle_pool(store, books, &mut pool)?;
        let taken = pool.bonded.slash(fraction);
        if !taken.is_zero() {
            bonded_removed(store, books, &pool, taken)?;
            let batch_id = queued_batch(store, books, env, &validator)?;
            books.batch_mut(store, batch_id)?.slashed += taken;
            books.validator_mut(store, &validator)?.queued += taken;
            bonded_taken += taken;
        }
        for batch_id in pool.batches.clone() {
            if let Some(mut group) = books.group(store, batch_id, pool.id)? {
                let taken = group.group.slash(fraction);
                if !taken.is_zero() {
                    books.batch_mut(store, batch_id)?.slashed += taken;
                    in_batches_taken += taken;
                    books.put_group(batch_id, pool.id, Some(group));
                }
            }
        }
        claimable_taken += pool.matured.slash(fraction);
        books.put_pool(store, pool)?;
    }
    let unbonding_taken = in_batches_taken + claimable_taken;
    books.totals.unbonding = books.totals.unbonding.checked_sub(unbonding_taken)?;
    let total = bonded_taken + unbonding_taken;
    let destination = books.config.slash_destination.clone();
    let stats = books.stats(store)?;
    stats.total_slashed += total;
    stats.pending_routing += bonded_taken + in_batches_taken;
    let mut msgs: Vec<SubMsg> = msgs.into_iter().map(SubMsg::new).collect();
    msgs.extend(route(store, books, &env.contract.address, claimable_taken)?);
    // The slashed bonded stake leaves with the validator's next undelegation (the next
    // unbond or `process_unbondings`), so a slash never spends an unbonding epoch alone.
    release_pending(store, books, request)?;
    books.save(deps.storage)?;

    request.status = SlashStatus::Executed;
    request.resolved_at = Some(env.block.time);
    request.slashed_bonded = bonded_taken;
    request.slashed_unbonding = unbonding_taken;
    service.total_slashed += total;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("slashed_amount", total.to_string())
        .add_attribute("slashed_bonded", bonded_taken.to_string())
        .add_attribute("slashed_unbonding", unbonding_taken.to_string())
        .add_attribute("pools_slashed", pools_hit.to_string())
        .add_attribute("routed_now", claimable_taken.to_string())
        .add_attribute("destination", destination_name(&destination)))
}

pub fn destination_name(destination: &Destination) -> String {
    match destination {
        Destination::Burn => "burn".to_string(),
        Destination::CommunityPool => "community_pool".to_string(),
        Destination::Address(a) => a.to_string(),
    }
}

/// Shortfalls of at most this many units are taken for the chain's share rounding.
const CHAIN_ROUNDING_UNITS: u128 = 2;

/// Shares a chain-slashing shortfall of `shortfall` tokens pro rata by everything still
/// delegated on the validator: the pools' bonded stake, the queued batch (unbonds and
/// slashed stake) and dust, exactly (largest remainders take the rounding units), so the
/// books end equal to the chain's delegation.
pub fn apply_chain_shortfall(
    store: &dyn Storage,
    books: &mut Books,
    validator: &str,
    shortfall: Uint128,
    now: u64,
) -> Result<(), ContractError> {
    let v = books.validator(store, validator)?.clone();
    let before = v.books();
    if shortfall.is_zero() || before.is_zero() {
        return Ok(());
    }
    // Everything still delegated, in a fixed order: the pools' bonded stake, the queued
    // batch's unbonding groups and slashed stake, dust.
    let mut pools = vec![];
    for pool_id in &v.pools {
        let mut pool = books.take_pool(store, *pool_id)?;
        settle_pool(store, books, &mut pool)?;
        pools.push(pool);
    }
    let mut groups = vec![];
    let mut slashed = Uint128::zero();
    if let Some(batch_id) = v.queued_batch {
        for pool_id in books.batch(store, batch_id)?.pools.clone() {
            if let Some(group) = books.group(store, batch_id, pool_id)? {
                groups.push((batch_id, pool_id, group));
            }
        }
        slashed = books.batch(store, batch_id)?.slashed;
    }
    let amounts: Vec<Uint128> = pools
        .iter()
        .map(|p| p.bonded.tokens)
        .chain(groups.iter().map(|(_, _, g)| g.group.tokens))
        .chain([slashed, v.dust])
        .collect();
    let losses = split_loss(&amounts, shortfall);
    let (pool_losses, rest) = losses.split_at(pools.len());
    let (group_losses, rest) = rest.split_at(groups.len());
    for (mut pool, loss) in pools.into_iter().zip(pool_losses) {
        let loss = pool.bonded.take(*loss);
        bonded_removed(store, books, &pool, loss)?;
        books.put_pool(store, pool)?;
    }
    let mut queued_loss = Uint128::zero();
    for ((batch_id, pool_id, mut group), loss) in groups.into_iter().zip(group_losses) {
        let loss = group.group.take(*loss);
        books.totals.unbonding = books.totals.unbonding.checked_sub(loss)?;
        queued_loss += loss;
        books.put_group(batch_id, pool_id, Some(group));
    }
    let (slashed_loss, dust_loss) = (rest[0], rest[1]);
    if let Some(batch_id) = v.queued_batch {
        let batch = books.batch_mut(store, batch_id)?;
        batch.slashed = batch.slashed.checked_sub(slashed_loss)?;
        let stats = books.stats(store)?;
        stats.pending_routing = stats.pending_routing.checked_sub(slashed_loss)?;
        queued_loss += slashed_loss;
    }
    let after = before - shortfall;
    let horizon = now.saturating_sub(2 * books.config.unbonding_period);
    let state = books.validator_mut(store, validator)?;
    state.queued = state.queued.checked_sub(queued_loss)?;
    state.dust = state.dust.checked_sub(dust_loss)?;
    // Remembered for the batches in flight; older detections can no longer matter. A
    // shortfall of a unit or two is the chain's share rounding (a delegation on a validator
    // whose token/share rate is not whole reads a unit short after a delegate), not a slash
    // of the entries in flight, unless so much is in flight that even it would imply a loss
    // there: recording those would grow the validator's record with every delegation change.
    let implied_in_flight = floor_ratio(state.in_flight_tokens, shortfall, before)
        .unwrap_or(Uint128::MAX)
        .u128();
    let rounding = shortfall.u128().max(implied_in_flight) <= CHAIN_ROUNDING_UNITS;
    if state.in_flight > 0 && !rounding {
        state.chain_slashes.retain(|e| e.detected >= horizon);
        state.chain_slashes.push(ChainSlash {
            seq: state.chain_slash_count,
            after: state.last_whole,
            detected: now,
            kept: Decimal256::from_ratio(after, before),
        });
    }
    state.chain_slash_count += 1;
    books.stats(store)?.chain_slashed += shortfall;
    Ok(())
}

/// Dust in the bonded denom (liquid).
pub fn add_bonded_dust(
    store: &dyn Storage,
    books: &mut Books,
    amount: Uint128,
) -> Result<(), ContractError> {
    let denom = books.config.bonded_denom.clone();
    books.add_dust(store, Asset::Native(denom), amount)?;
    Ok(())
}

/// `sync_validator`: applies chain slashing the delegation shows (and harvests, since the
/// stake that earned the rewards is the stake before the loss).
pub fn sync_validator(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut books = Books::load(deps.storage)?;
    if !books.validator_known(deps.storage, &validator)? {
        return Err(ContractError::UnknownValidator { validator });
    }
    let (msgs, shortfall) = harvest_and_sync(deps.as_ref(), &env, &mut books, &validator)?;
    let books_after = books.validator(deps.storage, &validator)?.books();
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "sync_validator")
        .add_attribute("validator", validator)
        .add_attribute("shortfall", shortfall)
        .add_attribute("delegation", books_after))
}
