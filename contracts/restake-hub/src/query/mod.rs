//! Queries. They read through the same books as messages (opened read-only), so what a query
//! shows is what a message would find. Lists are paginated (`start_after`, `limit` default
//! 10, max 30), except the two the interface lists without paging (`unbondings`,
//! `service_stake`): those answer everything unless a `limit` is given.

mod slashes;
mod staker;

pub use slashes::{slash_request, slash_requests};
pub use staker::{pending_rewards, position, positions, staker_overview, unbondings};

use cosmwasm_std::{Addr, Deps, Env, Order, StdResult, Timestamp, Uint128};
use restake_types::*;

use crate::error::ContractError;
use crate::owner::destination_msg;
use crate::state::books::Books;
use crate::state::codec::{from_bytes, read_uint};
use crate::state::{keys, ns, Delegator, Pool};
use crate::validate;

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 30;

fn limit(l: Option<u32>) -> usize {
    l.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

/// For lists the interface shows whole: everything, or at most `limit` when one is given.
fn limit_or_all(l: Option<u32>) -> usize {
    l.map_or(usize::MAX, |l| l as usize)
}

/// The canonical key of a staker given as a string.
fn staker_key(deps: Deps, staker: &str) -> Result<(Addr, Vec<u8>), ContractError> {
    let addr = validate::addr(deps.api, "staker", staker)?;
    let key = validate::canonical(deps.api, &addr)?.to_vec();
    Ok((addr, key))
}

fn read_vid(input: &mut &[u8]) -> StdResult<u32> {
    u32::try_from(read_uint(input)?).map_err(|_| crate::state::codec::corrupt())
}

pub fn config(deps: Deps) -> Result<ConfigResponse, ContractError> {
    let books = Books::read(deps.storage)?;
    let c = &books.config;
    let ownership = cw_ownable::get_ownership(deps.storage)?;
    Ok(ConfigResponse {
        owner: ownership.owner,
        bonded_denom: c.bonded_denom.clone(),
        unbonding_period: c.unbonding_period,
        unbonding_epoch: c.unbonding_epoch,
        min_deposit: c.min_deposit,
        max_services_per_position: c.max_services_per_position,
        max_veto_period: c.max_veto_period,
        max_reward_assets: c.max_reward_assets,
        max_pools_per_validator: c.max_pools_per_validator,
        slash_destination: destination_msg(&c.slash_destination),
        paused: c.paused,
        max_open_votes: c.max_open_votes,
    })
}

fn service_response(books: &mut Books, id: u64) -> Result<ServiceResponse, ContractError> {
    let service = books.service_terms(id)?;
    let state = books
        .service_state(id)?
        .cloned()
        .ok_or(ContractError::ServiceNotFound { id })?;
    let mut reward_denoms = vec![];
    let mut reward_tokens = vec![];
    let mut rewards_paid = vec![];
    for index in &state.indexes {
        let asset = books.asset(index.asset)?;
        if !index.paid.is_zero() {
            rewards_paid.push(RewardAmount::new(&asset, index.paid));
        }
        match asset {
            Asset::Native(d) => reward_denoms.push(d),
            Asset::Cw20(a) => reward_tokens.push(a),
        }
    }
    Ok(ServiceResponse {
        id,
        name: service.name,
        admin: service.admin,
        slasher: service.slasher,
        resolver: service.resolver,
        max_slash: service.max_slash,
        veto_period: service.veto_period,
        opt_out_delay: service.opt_out_delay,
        reward_denoms,
        reward_tokens,
        metadata_uri: service.metadata_uri,
        status: state.status,
        total_stake: state.total_stake,
        rewards_paid,
        total_slashed: service.total_slashed,
        registered_at: service.registered_at,
    })
}

pub fn service(deps: Deps, service_id: u64) -> Result<ServiceResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    service_response(&mut books, service_id)
}

pub fn services(
    deps: Deps,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<ServicesResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    let after = start_after.map(|s| {
        let mut b = vec![];
        crate::state::codec::push_uint(&mut b, s);
        b
    });
    let ids: Vec<u64> = books
        .range(&[ns::SERVICE], after.as_deref(), limit(l), Order::Ascending)
        .into_iter()
        .map(|(k, _)| read_uint(&mut k.as_slice()))
        .collect::<StdResult<_>>()?;
    let services = ids
        .into_iter()
        .map(|id| service_response(&mut books, id))
        .collect::<Result<_, _>>()?;
    Ok(ServicesResponse { services })
}

pub fn service_stake(
    deps: Deps,
    service_id: u64,
    start_after: Option<String>,
    l: Option<u32>,
) -> Result<ServiceStakeResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    let total = books
        .service_state(service_id)?
        .ok_or(ContractError::ServiceNotFound { id: service_id })?
        .total_stake;
    let start_after = start_after.map(|v| validate::validator(&v)).transpose()?;
    // The service's pools in validators' slots, in (validator id, pool id) order.
    let mut by_vid: Vec<(u32, Uint128)> = vec![];
    for (k, _) in books.range(
        &keys::service_stake_prefix(service_id),
        None,
        usize::MAX,
        Order::Ascending,
    ) {
        let mut rest = k.as_slice();
        let vid = read_vid(&mut rest)?;
        let pool = books.load_pool(read_uint(&mut rest)?)?;
        match by_vid.last_mut() {
            Some((v, sum)) if *v == vid => *sum += pool.bonded.tokens,
            _ => by_vid.push((vid, pool.bonded.tokens)),
        }
    }
    let mut validators = vec![];
    for (vid, amount) in by_vid {
        if !amount.is_zero() {
            validators.push(ValidatorStake {
                validator: books.valoper(vid)?,
                amount,
            });
        }
    }
    restake_types::math::sort_small_by(&mut validators, |a, b| a.validator < b.validator);
    let validators = validators
        .into_iter()
        .filter(|v| start_after.as_ref().is_none_or(|s| v.validator > *s))
        .take(limit_or_all(l))
        .collect();
    Ok(ServiceStakeResponse {
        service_id,
        total,
        validators,
    })
}

/// The live pools of a validator: its slots and its plain pool.
fn live_pools(books: &mut Books, vid: u32) -> Result<Vec<Pool>, ContractError> {
    let mut ids = books.validator_pools(vid)?.clone();
    let plain = books.validator(vid)?.plain_pool;
    if plain != 0 {
        ids.push(plain);
    }
    let mut pools = vec![];
    for id in ids {
        let pool = books.load_pool(id)?;
        if pool.is_live() {
            pools.push(pool);
        }
    }
    restake_types::math::sort_small_by(&mut pools, |a, b| a.id < b.id);
    Ok(pools)
}

pub fn stats(deps: Deps) -> Result<StatsResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    let mut total_bonded = Uint128::zero();
    let mut total_unbonding = Uint128::zero();
    let mut total_restaked = Uint128::zero();
    let mut pools = 0u64;
    for vid in 0..books.totals()?.next_validator {
        let v = books.validator(vid)?.clone();
        total_bonded += v.bonded;
        total_unbonding += v.unbonding;
        total_restaked += v.restaked;
        pools += live_pools(&mut books, vid)?.len() as u64;
    }
    let s = books.stats()?.clone();
    let mut dust = vec![];
    for (k, v) in books.range(&[ns::DUST], None, usize::MAX, Order::Ascending) {
        let id = u32::try_from(read_uint(&mut k.as_slice())?)
            .map_err(|_| crate::state::codec::corrupt())?;
        let amount: Uint128 = from_bytes(&v)?;
        if !amount.is_zero() {
            dust.push(RewardAmount::new(&books.asset(id)?, amount));
        }
    }
    Ok(StatsResponse {
        total_bonded,
        total_unbonding,
        stakers: books.totals()?.stakers,
        services: books.totals()?.services,
        total_restaked,
        pools,
        total_slashed: s.total_slashed,
        chain_slashed: s.chain_slashed,
        slashed_pending_routing: s.pending_routing,
        slashed_burned: s.burned,
        slashed_to_community_pool: s.community_pool,
        slashed_to_address: s.to_address,
        slashed_unrouted: s.unrouted,
        dust,
    })
}

fn pool_response(
    books: &mut Books,
    validator: &str,
    pool: Pool,
) -> Result<PoolResponse, ContractError> {
    let mut unbonding = pool.matured.tokens;
    for batch in &pool.batches {
        if let Some(g) = books.group(*batch, pool.id)? {
            unbonding += g.group.tokens;
        }
    }
    Ok(PoolResponse {
        id: pool.id,
        validator: validator.to_string(),
        service_ids: pool.services,
        bonded: pool.bonded.tokens,
        shares: pool.bonded.shares,
        unbonding,
    })
}

pub fn pools(
    deps: Deps,
    validator: String,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<PoolsResponse, ContractError> {
    let validator = validate::validator(&validator)?;
    let mut books = Books::read(deps.storage)?;
    let Some(vid) = books.vid(&validator)? else {
        return Ok(PoolsResponse { pools: vec![] });
    };
    let pools = live_pools(&mut books, vid)?
        .into_iter()
        .filter(|p| start_after.is_none_or(|s| p.id > s))
        .take(limit(l))
        .map(|p| pool_response(&mut books, &validator, p))
        .collect::<Result<_, _>>()?;
    Ok(PoolsResponse { pools })
}

pub fn validator(
    deps: Deps,
    env: Env,
    validator: String,
) -> Result<ValidatorResponse, ContractError> {
    let validator = validate::validator(&validator)?;
    let mut books = Books::read(deps.storage)?;
    let Some(vid) = books.vid(&validator)? else {
        return Ok(ValidatorResponse {
            validator,
            delegator: None,
            bonded: Uint128::zero(),
            queued: Uint128::zero(),
            dust: Uint128::zero(),
            books: Uint128::zero(),
            pools: 0,
            batches_in_flight: 0,
            unbonding_in_flight: Uint128::zero(),
            last_undelegation: None,
            remembered_chain_slashes: 0,
        });
    };
    let v = books.validator(vid)?.clone();
    let delegator = match books.validator_info(vid)?.delegator.clone() {
        Delegator::Hub => Some(env.contract.address),
        Delegator::Proxy(a) => Some(a),
        Delegator::Pending => None,
    };
    let pools = live_pools(&mut books, vid)?.len() as u32;
    Ok(ValidatorResponse {
        validator,
        delegator,
        bonded: v.bonded,
        queued: v.queued,
        dust: v.dust,
        books: v.expected_delegation(),
        pools,
        batches_in_flight: v.unsettled.len() as u32,
        unbonding_in_flight: v.in_flight,
        last_undelegation: v.last_send.map(Timestamp::from_seconds),
        remembered_chain_slashes: books.chain_slashes(vid)?.recent.len() as u32,
    })
}
