//! Opting positions into and out of services: a position moves between the pools of its
//! validator, carrying its tokens (its accrued rewards stay with it).

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Timestamp};
use restake_types::ServiceStatus;

use crate::error::{nonpayable, ContractError, OptOutWait};
use crate::events::{join_ids, service_attrs};
use crate::pools::{position_value, Move};
use crate::state::books::Books;
use crate::state::{Pool, Position};
use crate::validate;

impl Books<'_> {
    /// Moves the (settled) position out of `from` into the pool of `services` on the same
    /// validator, under the admission rules of `how`. Returns the pool it joined.
    pub fn move_position(
        &mut self,
        position: &mut Position,
        mut from: Pool,
        services: &[u64],
        how: Move,
        now: u64,
    ) -> Result<Pool, ContractError> {
        let value = from.bonded.leave(position.shares, 0)?;
        let (vid, old_services) = (from.vid, from.services.clone());
        self.store_pool(from)?;
        let mut to = self.pool_for(vid, services, value, how, now)?;
        position.shares = to.bonded.join(value)?;
        position.pool = to.id;
        position.marks = to.rps.clone();
        self.shift_services(vid, &old_services, &to.services, value)?;
        Ok(to)
    }

    /// The staker's position with a value, settled, or `NoPosition`.
    fn position_with_value(
        &mut self,
        staker: &[u8],
        validator: &str,
    ) -> Result<(u32, Position, Pool), ContractError> {
        let no_position = || ContractError::NoPosition {
            validator: validator.to_string(),
        };
        let vid = self.vid(validator)?.ok_or_else(no_position)?;
        match self.settled_position(staker, vid)? {
            Some((position, pool)) if !position_value(&position, &pool).is_zero() => {
                Ok((vid, position, pool))
            }
            _ => Err(no_position()),
        }
    }
}

pub fn opt_in(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
    service_ids: Vec<u64>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    validate::ids("service_ids", &service_ids)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let mut books = Books::open(deps.storage, &env)?;
    if books.config.paused {
        return Err(ContractError::Paused);
    }
    for id in &service_ids {
        let status = books
            .service_state(*id)?
            .ok_or(ContractError::ServiceNotFound { id: *id })?
            .status;
        if status != ServiceStatus::Active {
            return Err(ContractError::ServiceNotActive {
                id: *id,
                status,
                what: "opt-ins".into(),
            });
        }
    }
    let validator = validate::validator(&validator)?;
    let (vid, mut position, pool) = books.position_with_value(&staker, &validator)?;
    let mut services = pool.services.clone();
    let mut cancelled = vec![];
    let mut added = vec![];
    for id in &service_ids {
        if let Some(i) = position.opt_outs.iter().position(|(s, _)| s == id) {
            position.opt_outs.remove(i);
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
    restake_types::math::sort_small(&mut services);
    let max = books.config.max_services_per_position;
    if services.len() > max as usize {
        return Err(ContractError::TooManyServices {
            count: services.len(),
            max,
        });
    }
    // Newcomers never join stake frozen by a pending slash request.
    if !added.is_empty() {
        if let Some(service_id) = books.exposed(vid, &services)? {
            return Err(ContractError::ExposedStake {
                service_id,
                validator,
            });
        }
    }
    let amount = position_value(&position, &pool);
    let pool = if added.is_empty() {
        pool
    } else {
        books.move_position(
            &mut position,
            pool,
            &services,
            Move::Join,
            env.block.time.seconds(),
        )?
    };
    books.save_position(&staker, vid, position, pool)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "opt_in")
        .add_attribute("staker", info.sender)
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
    validate::ids("service_ids", &service_ids)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let validator = validate::validator(&validator)?;
    let mut books = Books::open(deps.storage, &env)?;
    let (vid, mut position, pool) = books.position_with_value(&staker, &validator)?;
    let mut ready = vec![];
    for id in &service_ids {
        let delay = books
            .service(*id)?
            .ok_or(ContractError::ServiceNotFound { id: *id })?
            .opt_out_delay;
        if !pool.services.contains(id) {
            return Err(ContractError::NotOptedIn {
                service_id: *id,
                validator,
            });
        }
        if position.opt_outs.iter().any(|(s, _)| s == id) {
            return Err(ContractError::OptOutPending {
                service_id: *id,
                validator,
            });
        }
        let at = env.block.time.plus_seconds(delay);
        position.opt_outs.push((*id, at));
        ready.push(format!("{id}@{}", at.seconds()));
    }
    let amount = position_value(&position, &pool);
    books.save_position(&staker, vid, position, pool)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "opt_out")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attributes(service_attrs(&service_ids))
        .add_attribute("ready_at", ready.join(","))
        .add_attribute("amount", amount))
}

pub fn complete_opt_out(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let validator = validate::validator(&validator)?;
    let mut books = Books::open(deps.storage, &env)?;
    let before = match books.vid(&validator)? {
        Some(vid) => books.position(&staker, vid)?.map(|p| p.pool),
        None => None,
    };
    let (vid, mut position, pool) = books.position_with_value(&staker, &validator)?;
    if before.is_some_and(|id| id != pool.id) {
        // The position's evicted pool completed its forced opt-out on this touch.
        let amount = position_value(&position, &pool);
        books.save_position(&staker, vid, position, pool)?;
        books.finish()?;
        return Ok(Response::new()
            .add_attribute("action", "complete_opt_out")
            .add_attribute("staker", info.sender)
            .add_attribute("validator", validator)
            .add_attribute("forced", "true")
            .add_attribute("amount", amount)
            .add_attribute("services_now", ""));
    }
    let mut done = vec![];
    let mut frozen = vec![];
    let mut next: Option<Timestamp> = None;
    for (service, at) in &position.opt_outs {
        if *at > env.block.time {
            next = Some(next.map_or(*at, |n| n.min(*at)));
        } else if books.holding(vid, &[*service], at.seconds())?.is_some() {
            // A request opened before this opt-out became ready holds it.
            frozen.push(*service);
        } else {
            done.push(*service);
        }
    }
    if done.is_empty() {
        let reason = if !frozen.is_empty() {
            OptOutWait::Frozen {
                service_ids: frozen,
            }
        } else if let Some(next) = next {
            OptOutWait::NotYet { next }
        } else {
            OptOutWait::NonePending
        };
        return Err(ContractError::NothingToComplete { validator, reason });
    }
    position.opt_outs.retain(|(s, _)| !done.contains(s));
    let services: Vec<u64> = pool
        .services
        .iter()
        .copied()
        .filter(|s| !done.contains(s))
        .collect();
    let amount = position_value(&position, &pool);
    let to = books.move_position(
        &mut position,
        pool,
        &services,
        Move::Exit,
        env.block.time.seconds(),
    )?;
    let services_now = to.services.clone();
    books.save_position(&staker, vid, position, to)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "complete_opt_out")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attributes(service_attrs(&done))
        .add_attribute("frozen", join_ids(&frozen))
        .add_attribute("amount", amount)
        .add_attribute("services_now", join_ids(&services_now)))
}
