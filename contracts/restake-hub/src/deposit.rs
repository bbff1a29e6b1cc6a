//! Deposits: delegate the staker's tokens and add them to its position.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use cw_utils::must_pay;

use crate::books::Books;
use crate::chain::{bonded_coin, delegate_msg, ensure_bonded_validator, harvest_and_sync};
use crate::error::ContractError;
use crate::events::service_attrs;
use crate::pools::{
    bonded_added, load_settled, pool_for, position_opened, save_position, settle_pool,
};
use crate::state::*;

pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    let mut books = Books::load(deps.storage)?;
    if books.config.paused {
        return Err(ContractError::Paused);
    }
    let amount = must_pay(&info, &books.config.bonded_denom)?;
    if amount < books.config.min_deposit {
        return Err(ContractError::BelowMinDeposit {
            amount,
            min: books.config.min_deposit,
        });
    }
    ensure_bonded_validator(deps.as_ref(), &validator)?;
    let staker = info.sender;
    // Rewards accrued so far belong to the stake already there; a chain slash that
    // already happened is shared by that stake, not by this deposit.
    let (mut msgs, _) = harvest_and_sync(deps.as_ref(), &env, &mut books, &validator)?;
    let store = deps.storage as &dyn Storage;

    let (mut position, mut pool, is_new) =
        match load_settled(store, &mut books, &staker, &validator)? {
            Some((position, pool)) => (position, pool, false),
            None => {
                let mut pool = pool_for(store, &mut books, &validator, &[])?;
                settle_pool(store, &mut books, &mut pool)?;
                let position = Position {
                    pool_id: pool.id,
                    shares: Uint128::zero(),
                    pending_opt_outs: vec![],
                    marks: pool.rps.clone(),
                    accrued: vec![],
                };
                (position, pool, true)
            }
        };
    let mut carried = Uint128::zero();
    if !pool.bonded.is_joinable() {
        // The position's pool was slashed to (almost) nothing: what is left of the
        // position moves with the deposit into a fresh pool of the same services.
        carried = pool.bonded.leave(std::mem::take(&mut position.shares), 0)?;
        let services = pool.services.clone();
        books.put_pool(store, pool)?;
        pool = pool_for(store, &mut books, &validator, &services)?;
        settle_pool(store, &mut books, &mut pool)?;
        position.pool_id = pool.id;
        position.marks = pool.rps.clone();
    }
    if let Some(service_id) = books
        .validator(store, &validator)?
        .first_exposed(&pool.services)
    {
        return Err(ContractError::ExposedStake {
            service_id,
            validator,
        });
    }
    let shares = pool.bonded.join(amount + carried)?;
    position.shares += shares;
    bonded_added(store, &mut books, &pool, amount)?;
    if is_new {
        position_opened(deps.storage, &mut books, &staker)?;
    }
    save_position(
        deps.storage,
        &mut books,
        &staker,
        &validator,
        &mut position,
        &mut pool,
    )?;
    let services = pool.services.clone();
    books.put_pool(deps.storage, pool)?;
    msgs.push(delegate_msg(&validator, bonded_coin(&books, amount)));
    books.save(deps.storage)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("staker", staker)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attributes(service_attrs(&services)))
}
