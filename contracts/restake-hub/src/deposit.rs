//! Deposits: delegate the staker's tokens (through the validator's delegator proxy) and add
//! them to its position.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, SubMsg, Uint128};
use cw_utils::must_pay;
use restake_types::ProxyAction;

use crate::chain::{coin_of, create_proxy, Chain};
use crate::error::ContractError;
use crate::events::service_attrs;
use crate::pools::Move;
use crate::state::books::Books;
use crate::state::Delegator;
use crate::validate;

/// How long the hub trusts that a validator is bonded after the chain listed it so. The
/// bonded set is one query over the whole active set (the only standard query that tells a
/// bonded validator from a jailed or unbonded one), so it is read at most once an hour per
/// validator: a validator jailed within the hour may still take deposits until the hour is
/// out.
pub const BONDED_CHECK_TTL: u64 = 3600;

impl Books<'_> {
    /// The validator's id, numbering it if the hub has never used it, after checking that it
    /// is bonded (in the active set, not jailed) — from the chain at most once per
    /// [`BONDED_CHECK_TTL`]. `true` when it is new.
    fn bonded_validator(
        &mut self,
        chain: &Chain,
        validator: &str,
    ) -> Result<(u32, bool), ContractError> {
        let now = chain.now();
        let vid = self.vid(validator)?;
        if let Some(vid) = vid {
            if self.validator(vid)?.bonded_seen + BONDED_CHECK_TTL > now {
                return Ok((vid, false));
            }
        }
        if !chain.is_bonded(validator)? {
            return Err(ContractError::ValidatorNotBonded {
                validator: validator.to_string(),
            });
        }
        let (vid, new) = match vid {
            Some(vid) => (vid, false),
            None => (self.new_validator(validator, Delegator::Pending)?, true),
        };
        self.validator(vid)?.bonded_seen = now;
        Ok((vid, new))
    }
}

pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage)?;
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
    let validator = validate::validator(&validator)?;
    let (vid, new_validator) = books.bonded_validator(&chain, &validator)?;
    // Rewards accrued so far belong to the stake already there; a chain slash that already
    // happened is shared by that stake, not by this deposit.
    let (mut actions, _) = books.harvest_and_sync(&chain, vid)?;
    let (mut position, mut pool) = match books.settled_position(&staker, vid)? {
        Some(found) => found,
        None => {
            let pool = books.pool_for(vid, &[], amount, Move::Join, chain.now())?;
            (books.open_position(&staker, &pool)?, pool)
        }
    };
    let mut carried = Uint128::zero();
    if !pool.bonded.is_joinable() {
        // The position's pool was slashed to (almost) nothing: what is left of the position
        // moves with the deposit into a fresh pool of the same services.
        carried = pool.bonded.leave(std::mem::take(&mut position.shares), 0)?;
        let services = pool.services.clone();
        books.store_pool(pool)?;
        pool = books.pool_for(vid, &services, amount + carried, Move::Exit, chain.now())?;
        books.shift_services(vid, &services, &pool.services, carried)?;
        position.pool = pool.id;
        position.marks = pool.rps.clone();
    }
    if let Some(service_id) = books.exposed(vid, &pool.services)? {
        return Err(ContractError::ExposedStake {
            service_id,
            validator,
        });
    }
    let shares = pool.bonded.join(amount + carried)?;
    position.shares += shares;
    books.bonded_added(&pool, amount)?;
    let services = pool.services.clone();
    books.save_position(&staker, vid, position, pool)?;
    let coin = coin_of(&books.config.bonded_denom, amount);
    let msgs: Vec<SubMsg> = if new_validator {
        // The validator's delegator proxy is created with the deposit and delegates it.
        vec![create_proxy(
            chain.own_code_id()?,
            chain.hub(),
            &validator,
            vid,
            vec![coin],
        )?]
    } else {
        actions.push(ProxyAction::Delegate {
            amount: coin.clone(),
        });
        books
            .calls(&chain, vid, actions, vec![coin])?
            .into_iter()
            .map(SubMsg::new)
            .collect()
    };
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attributes(service_attrs(&services)))
}
