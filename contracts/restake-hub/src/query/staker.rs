//! A staker's queries: positions, pending rewards, unbondings and the overview.

use cosmwasm_std::{Addr, Decimal, Deps, Env, Timestamp, Uint128};
use restake_types::math::capped_sum;
use restake_types::*;

use crate::chain::Chain;
use crate::error::ContractError;
use crate::pools::position_value;
use crate::state::books::Books;
use crate::state::{BatchStatus, Pool, Unbonding};
use crate::unbonding::queue::next_send_time;
use crate::validate;

use super::{limit, limit_or_all, staker_key};

fn position_response(
    books: &mut Books,
    staker: &Addr,
    key: &[u8],
    validator: &str,
) -> Result<PositionResponse, ContractError> {
    let found = match books.vid(validator)? {
        Some(vid) => books.settled_position(key, vid)?,
        None => None,
    };
    let Some((position, pool)) = found else {
        return Ok(PositionResponse {
            staker: staker.clone(),
            validator: validator.to_string(),
            amount: Uint128::zero(),
            service_ids: vec![],
            pending_opt_outs: vec![],
            pool_id: 0,
        });
    };
    // An evicted pool's stake is opted out of every service it secures (forced).
    let forced = pool.leaving.map(Timestamp::from_seconds);
    let services = match pool.redirect {
        Some(_) => &[][..],
        None => &pool.services[..],
    };
    let pending_opt_outs = services
        .iter()
        .filter_map(|s| {
            let own = position
                .opt_outs
                .iter()
                .find(|(o, _)| o == s)
                .map(|(_, t)| *t);
            let ready_at = match (own, forced) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }?;
            Some(PendingOptOut {
                service_id: *s,
                ready_at,
            })
        })
        .collect();
    Ok(PositionResponse {
        staker: staker.clone(),
        validator: validator.to_string(),
        amount: position_value(&position, &pool),
        // (a position left in a converted pool is worth nothing and secures nothing)
        service_ids: match pool.redirect {
            Some(_) => vec![],
            None => pool.services.clone(),
        },
        pending_opt_outs,
        pool_id: pool.id,
    })
}

pub fn position(
    deps: Deps,
    staker: String,
    validator: String,
) -> Result<PositionResponse, ContractError> {
    let (addr, key) = staker_key(deps, &staker)?;
    let validator = validate::validator(&validator)?;
    let mut books = Books::read(deps.storage)?;
    position_response(&mut books, &addr, &key, &validator)
}

/// The staker's positions' validators, in validator address order.
fn staker_validators(books: &mut Books, key: &[u8]) -> Result<Vec<(String, u32)>, ContractError> {
    let mut out = vec![];
    for vid in books.position_vids(key)? {
        out.push((books.valoper(vid)?, vid));
    }
    restake_types::math::sort_small(&mut out);
    Ok(out)
}

pub fn positions(
    deps: Deps,
    staker: String,
    start_after: Option<String>,
    l: Option<u32>,
) -> Result<PositionsResponse, ContractError> {
    let (addr, key) = staker_key(deps, &staker)?;
    let start_after = start_after.map(|v| validate::validator(&v)).transpose()?;
    let mut books = Books::read(deps.storage)?;
    let validators = staker_validators(&mut books, &key)?;
    let positions = validators
        .into_iter()
        .filter(|(v, _)| start_after.as_ref().is_none_or(|s| v > s))
        .take(limit(l))
        .map(|(v, _)| position_response(&mut books, &addr, &key, &v))
        .collect::<Result<_, _>>()?;
    Ok(PositionsResponse { positions })
}

/// What `claim_rewards` would pay now (whole units, zero entries omitted).
fn pending(
    books: &mut Books,
    chain: &Chain,
    key: &[u8],
) -> Result<Vec<RewardAmount>, ContractError> {
    let collected = books.collect(chain, key)?;
    collected
        .amounts
        .iter()
        .map(|(id, v)| Ok(RewardAmount::new(&books.asset(*id)?, *v)))
        .collect()
}

pub fn pending_rewards(
    deps: Deps,
    env: Env,
    staker: String,
) -> Result<PendingRewardsResponse, ContractError> {
    let (_, key) = staker_key(deps, &staker)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::read(deps.storage)?;
    Ok(PendingRewardsResponse {
        rewards: pending(&mut books, &chain, &key)?,
    })
}

fn unbonding_response(
    books: &mut Books,
    env: &Env,
    id: u64,
    entry: &Unbonding,
) -> Result<UnbondingResponse, ContractError> {
    let amount = books.entry_value(entry)?;
    let batch = books.batch(entry.batch)?.clone();
    let completion_time = match batch.completion {
        Some(t) => t,
        None => {
            let v = books.validator(entry.vid)?.clone();
            next_send_time(&books.config, &v, env.block.time)
                .plus_seconds(books.config.unbonding_period)
        }
    };
    let pool: Pool = books.load_pool(entry.pool)?;
    // A converted pool's unbondings secure its services while it is listed (in flight).
    let service_ids = if books.slashable(&pool)? {
        pool.services.clone()
    } else {
        vec![]
    };
    let matured = match batch.status {
        BatchStatus::Settled => true,
        BatchStatus::Sent => completion_time <= env.block.time,
        BatchStatus::Queued => false,
    };
    let frozen = books
        .holding(entry.vid, &service_ids, completion_time.seconds())?
        .is_some();
    Ok(UnbondingResponse {
        id,
        validator: books.valoper(entry.vid)?,
        amount,
        completion_time,
        matured,
        status: match (batch.status, matured) {
            (BatchStatus::Queued, _) => UnbondingStatus::Queued,
            (_, false) => UnbondingStatus::Unbonding,
            (_, true) => UnbondingStatus::Claimable,
        },
        service_ids,
        frozen,
    })
}

fn staker_unbondings(
    books: &mut Books,
    env: &Env,
    key: &[u8],
    start_after: Option<u64>,
    n: usize,
) -> Result<Vec<UnbondingResponse>, ContractError> {
    let mut out = vec![];
    for id in books.unbonding_ids(key, start_after, n)? {
        if let Some(entry) = books.unbonding(key, id)?.cloned() {
            out.push(unbonding_response(books, env, id, &entry)?);
        }
    }
    Ok(out)
}

pub fn unbondings(
    deps: Deps,
    env: Env,
    staker: String,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<UnbondingsResponse, ContractError> {
    let (_, key) = staker_key(deps, &staker)?;
    let mut books = Books::read(deps.storage)?;
    Ok(UnbondingsResponse {
        unbondings: staker_unbondings(&mut books, &env, &key, start_after, limit_or_all(l))?,
    })
}

pub fn staker_overview(
    deps: Deps,
    env: Env,
    staker: String,
) -> Result<StakerOverviewResponse, ContractError> {
    let (addr, key) = staker_key(deps, &staker)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::read(deps.storage)?;
    let mut bonded = Uint128::zero();
    let mut exposure = Uint128::zero();
    let mut restaked: Vec<ServiceRestake> = vec![];
    let max_slash_of = |books: &mut Books, services: &[u64]| -> Result<Decimal, ContractError> {
        let mut fractions = vec![];
        for s in services {
            fractions.push(books.service_terms(*s)?.max_slash);
        }
        Ok(capped_sum(fractions))
    };
    let validators = staker_validators(&mut books, &key)?;
    let count = validators.len() as u32;
    for (_, vid) in validators {
        let Some((position, pool)) = books.settled_position(&key, vid)? else {
            continue;
        };
        let amount = position_value(&position, &pool);
        bonded += amount;
        exposure += amount.mul_floor(max_slash_of(&mut books, &pool.services)?);
        for s in &pool.services {
            match restaked.iter_mut().find(|r| r.service_id == *s) {
                Some(r) => r.amount += amount,
                None => restaked.push(ServiceRestake {
                    service_id: *s,
                    amount,
                }),
            }
        }
    }
    restake_types::math::sort_small_by(&mut restaked, |a, b| a.service_id < b.service_id);
    let mut unbonding = Uint128::zero();
    let mut claimable = Uint128::zero();
    for r in staker_unbondings(&mut books, &env, &key, None, usize::MAX)? {
        unbonding += r.amount;
        if r.matured && !r.frozen {
            claimable += r.amount;
        }
        exposure += r
            .amount
            .mul_floor(max_slash_of(&mut books, &r.service_ids)?);
    }
    Ok(StakerOverviewResponse {
        staker: addr,
        bonded,
        unbonding,
        claimable,
        pending_rewards: pending(&mut books, &chain, &key)?,
        restaked,
        max_slash_exposure: exposure,
        positions: count,
    })
}
