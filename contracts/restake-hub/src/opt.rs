//! Opting positions into and out of services: a position moves between the pools of its
//! validator, carrying its tokens (its accrued rewards stay with it).

use crate::error::nonpayable;
use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Storage, Timestamp};
use restake_types::ServiceStatus;

use crate::books::Books;
use crate::error::ContractError;
use crate::events::{join_ids, service_attrs};
use crate::pools::{
    load_settled, pool_for, position_value, save_position, settle_pool, shift_services,
};
use crate::state::*;

/// Refuses an empty list or a repeated id.
pub fn check_ids(field: &str, ids: &[u64]) -> Result<(), ContractError> {
    if ids.is_empty() {
        return Err(ContractError::EmptyList {
            field: field.to_string(),
        });
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(ContractError::Duplicate {
                field: "service id".into(),
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

pub fn load_service(store: &dyn Storage, id: u64) -> Result<Service, ContractError> {
    SERVICES
        .may_load(store, id)?
        .ok_or(ContractError::ServiceNotFound { id })
}

/// Moves the (settled) position out of `from` into the pool of `services` on the same
/// validator. Returns the new pool; the old one is stored back.
fn move_position(
    store: &dyn Storage,
    books: &mut Books,
    position: &mut Position,
    mut from: Pool,
    services: &[u64],
) -> Result<Pool, ContractError> {
    let value = from.bonded.leave(position.shares, 0)?;
    let validator = from.validator.clone();
    let old_services = from.services.clone();
    books.put_pool(store, from)?;
    let mut to = pool_for(store, books, &validator, services)?;
    settle_pool(store, books, &mut to)?;
    position.shares = to.bonded.join(value)?;
    position.pool_id = to.id;
    position.marks = to.rps.clone();
    shift_services(store, books, &validator, &old_services, services, value)?;
    Ok(to)
}

fn load_position(
    store: &dyn Storage,
    books: &mut Books,
    staker: &Addr,
    validator: &str,
) -> Result<(Position, Pool), ContractError> {
    match load_settled(store, books, staker, validator)? {
        Some((position, pool)) if !position_value(&position, &pool).is_zero() => {
            Ok((position, pool))
        }
        _ => Err(ContractError::NoPosition {
            validator: validator.to_string(),
        }),
    }
}

pub fn opt_in(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    validator: String,
    service_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    check_ids("service_ids", &service_ids)?;
    let mut books = Books::load(deps.storage)?;
    if books.config.paused {
        return Err(ContractError::Paused);
    }
    let store = deps.storage as &dyn Storage;
    for id in &service_ids {
        let service = load_service(store, *id)?;
        if service.status != ServiceStatus::Active {
            return Err(ContractError::ServiceNotActive {
                id: *id,
                status: service.status,
                what: "opt-ins".into(),
            });
        }
    }
    let staker = info.sender;
    let (mut position, pool) = load_position(store, &mut books, &staker, &validator)?;
    let mut services = pool.services.clone();
    let mut cancelled = vec![];
    let mut added = vec![];
    for id in &service_ids {
        if let Some(i) = position.pending_opt_outs.iter().position(|(s, _)| s == id) {
            position.pending_opt_outs.remove(i);
            cancelled.push(*id);
        } else if services.contains(id) {
            return Err(ContractError::AlreadyOptedIn {
                service_id: *id,
                validator,
            });
        } else {
            services.push(*id);
            added.push(*id);
        }
    }
    services.sort_unstable();
    let max = books.config.max_services_per_position;
    if services.len() > max as usize {
        return Err(ContractError::TooManyServices {
            count: services.len(),
            max,
        });
    }
    // Newcomers never join stake frozen by a pending slash request.
    if !added.is_empty() {
        if let Some(service_id) = books.validator(store, &validator)?.first_exposed(&services) {
            return Err(ContractError::ExposedStake {
                service_id,
                validator,
            });
        }
    }
    let amount = position_value(&position, &pool);
    let mut pool = if added.is_empty() {
        pool
    } else {
        move_position(store, &mut books, &mut position, pool, &services)?
    };
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
        .add_attribute("action", "opt_in")
        .add_attribute("staker", staker)
        .add_attribute("validator", validator)
        .add_attributes(service_attrs(&added))
        .add_attribute("cancelled_opt_outs", join_ids(&cancelled))
        .add_attribute("amount", amount)
        .add_attribute("services_now", join_ids(&services)))
}

pub fn opt_out(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
    service_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    check_ids("service_ids", &service_ids)?;
    let staker = info.sender;
    let mut position = POSITIONS
        .may_load(deps.storage, (&staker, &validator))?
        .ok_or_else(|| ContractError::NoPosition {
            validator: validator.clone(),
        })?;
    let pool = POOLS.load(deps.storage, position.pool_id)?;
    let mut ready = vec![];
    for id in &service_ids {
        let service = load_service(deps.storage, *id)?;
        if !pool.services.contains(id) {
            return Err(ContractError::NotOptedIn {
                service_id: *id,
                validator,
            });
        }
        if position.pending_opt_outs.iter().any(|(s, _)| s == id) {
            return Err(ContractError::OptOutPending {
                service_id: *id,
                validator,
            });
        }
        let at = env.block.time.plus_seconds(service.opt_out_delay);
        position.pending_opt_outs.push((*id, at));
        ready.push(format!("{id}@{}", at.seconds()));
    }
    POSITIONS.save(deps.storage, (&staker, &validator), &position)?;
    Ok(Response::new()
        .add_attribute("action", "opt_out")
        .add_attribute("staker", staker)
        .add_attribute("validator", validator)
        .add_attributes(service_attrs(&service_ids))
        .add_attribute("ready_at", ready.join(","))
        .add_attribute("amount", pool.bonded.value(position.shares, 0)))
}

pub fn complete_opt_out(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = info.sender;
    let mut books = Books::load(deps.storage)?;
    let store = deps.storage as &dyn Storage;
    let (mut position, pool) = load_position(store, &mut books, &staker, &validator)?;
    let v = books.validator(store, &validator)?;
    let mut done = vec![];
    let mut frozen = vec![];
    let mut next: Option<Timestamp> = None;
    for (service, at) in &position.pending_opt_outs {
        if *at > env.block.time {
            next = Some(next.map_or(*at, |n| n.min(*at)));
        } else if v.is_exposed(*service) {
            frozen.push(*service);
        } else {
            done.push(*service);
        }
    }
    if done.is_empty() {
        let reason = if !frozen.is_empty() {
            format!(
                "opt-outs of services {} are frozen by pending slash requests",
                join_ids(&frozen)
            )
        } else if let Some(at) = next {
            format!("the next opt-out completes at {} (unix time)", at.seconds())
        } else {
            "no opt-out is pending".to_string()
        };
        return Err(ContractError::NothingToComplete { validator, reason });
    }
    position.pending_opt_outs.retain(|(s, _)| !done.contains(s));
    let services: Vec<u64> = pool
        .services
        .iter()
        .copied()
        .filter(|s| !done.contains(s))
        .collect();
    let amount = position_value(&position, &pool);
    let mut pool = move_position(store, &mut books, &mut position, pool, &services)?;
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
        .add_attribute("action", "complete_opt_out")
        .add_attribute("staker", staker)
        .add_attribute("validator", validator)
        .add_attributes(service_attrs(&done))
        .add_attribute("frozen", join_ids(&frozen))
        .add_attribute("amount", amount)
        .add_attribute("services_now", join_ids(&services)))
}
