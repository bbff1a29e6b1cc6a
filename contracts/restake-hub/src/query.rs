//! Queries. Lists are paginated (`start_after`, `limit` default 10, max 30), except the two
//! the interface lists without paging (`unbondings`, `service_stake`): those answer
//! everything unless a `limit` is given.

use cosmwasm_std::{Addr, Decimal, Deps, Env, Order, StdResult, Storage, Uint128};
use cw_storage_plus::Bound;
use restake_types::math::capped_sum;
use restake_types::*;

use crate::books::Books;
use crate::error::ContractError;
use crate::opt::load_service;
use crate::pools::position_value;
use crate::rewards::collect;
use crate::state::*;
use crate::unbonding::{entries_of, entry_value, next_send_time};

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 30;

fn limit(l: Option<u32>) -> usize {
    l.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

/// For lists the interface shows whole: everything, or at most `limit` when one is given.
fn limit_or_all(l: Option<u32>) -> usize {
    l.map_or(usize::MAX, |l| l as usize)
}

fn staker_addr(deps: Deps, staker: &str) -> Result<Addr, ContractError> {
    crate::services::addr(deps.api, "staker", staker)
}

pub fn config(deps: Deps) -> Result<ConfigResponse, ContractError> {
    let c = CONFIG.load(deps.storage)?;
    let ownership = cw_ownable::get_ownership(deps.storage)?;
    Ok(ConfigResponse {
        owner: ownership.owner,
        bonded_denom: c.bonded_denom,
        unbonding_period: c.unbonding_period,
        unbonding_epoch: c.unbonding_epoch,
        min_deposit: c.min_deposit,
        max_services_per_position: c.max_services_per_position,
        max_veto_period: c.max_veto_period,
        max_reward_assets: c.max_reward_assets,
        max_pools_per_validator: c.max_pools_per_validator,
        slash_destination: match c.slash_destination {
            Destination::Burn => SlashDestination::Burn {},
            Destination::CommunityPool => SlashDestination::CommunityPool {},
            Destination::Address(a) => SlashDestination::Address {
                address: a.to_string(),
            },
        },
        paused: c.paused,
    })
}

fn service_response(store: &dyn Storage, service: Service) -> StdResult<ServiceResponse> {
    let state = SERVICE_STATES.load(store, service.id)?;
    let paid = REWARDS_PAID
        .may_load(store, service.id)?
        .unwrap_or_default();
    let mut reward_denoms = vec![];
    let mut reward_tokens = vec![];
    for asset in &service.reward_assets {
        match asset {
            Asset::Native(d) => reward_denoms.push(d.clone()),
            Asset::Cw20(a) => reward_tokens.push(a.clone()),
        }
    }
    Ok(ServiceResponse {
        id: service.id,
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
        status: service.status,
        total_stake: state.total_stake,
        rewards_paid: paid.iter().map(|(a, v)| RewardAmount::new(a, *v)).collect(),
        total_slashed: service.total_slashed,
        registered_at: service.registered_at,
    })
}

pub fn service(deps: Deps, service_id: u64) -> Result<ServiceResponse, ContractError> {
    let s = load_service(deps.storage, service_id)?;
    Ok(service_response(deps.storage, s)?)
}

pub fn services(
    deps: Deps,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<ServicesResponse, ContractError> {
    let services = SERVICES
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(l))
        .map(|r| r.and_then(|(_, s)| service_response(deps.storage, s)))
        .collect::<StdResult<_>>()?;
    Ok(ServicesResponse { services })
}

fn position_response(
    store: &dyn Storage,
    staker: &Addr,
    validator: &str,
    position: Option<Position>,
) -> StdResult<PositionResponse> {
    let Some(position) = position else {
        return Ok(PositionResponse {
            staker: staker.clone(),
            validator: validator.to_string(),
            amount: Uint128::zero(),
            service_ids: vec![],
            pending_opt_outs: vec![],
            pool_id: 0,
        });
    };
    let pool = POOLS.load(store, position.pool_id)?;
    Ok(PositionResponse {
        staker: staker.clone(),
        validator: validator.to_string(),
        amount: position_value(&position, &pool),
        service_ids: pool.services.clone(),
        pending_opt_outs: position
            .pending_opt_outs
            .iter()
            .map(|(s, t)| PendingOptOut {
                service_id: *s,
                ready_at: *t,
            })
            .collect(),
        pool_id: pool.id,
    })
}

pub fn position(
    deps: Deps,
    staker: String,
    validator: String,
) -> Result<PositionResponse, ContractError> {
    let staker = staker_addr(deps, &staker)?;
    let p = POSITIONS.may_load(deps.storage, (&staker, &validator))?;
    Ok(position_response(deps.storage, &staker, &validator, p)?)
}

pub fn positions(
    deps: Deps,
    staker: String,
    start_after: Option<String>,
    l: Option<u32>,
) -> Result<PositionsResponse, ContractError> {
    let staker = staker_addr(deps, &staker)?;
    let positions = POSITIONS
        .prefix(&staker)
        .range(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(l))
        .map(|r| r.and_then(|(v, p)| position_response(deps.storage, &staker, &v, Some(p))))
        .collect::<StdResult<_>>()?;
    Ok(PositionsResponse { positions })
}

/// What `claim_rewards` would pay now (whole units, zero entries omitted).
fn pending(deps: Deps, env: &Env, staker: &Addr) -> Result<Vec<RewardAmount>, ContractError> {
    let mut books = Books::load(deps.storage)?;
    let collected = collect(deps, env, &mut books, staker)?;
    Ok(collected
        .amounts
        .iter()
        .map(|(a, v)| RewardAmount::new(a, *v))
        .collect())
}

pub fn pending_rewards(
    deps: Deps,
    env: Env,
    staker: String,
) -> Result<PendingRewardsResponse, ContractError> {
    let staker = staker_addr(deps, &staker)?;
    Ok(PendingRewardsResponse {
        rewards: pending(deps, &env, &staker)?,
    })
}

fn unbonding_response(
    deps: Deps,
    env: &Env,
    books: &mut Books,
    entry: Unbonding,
) -> Result<UnbondingResponse, ContractError> {
    let (amount, status) = entry_value(deps.storage, books, &entry)?;
    let batch = books.batch(deps.storage, entry.batch_id)?.clone();
    let completion_time = match batch.completion_time {
        Some(t) => t,
        None => {
            let v = books.validator(deps.storage, &entry.validator)?.clone();
            next_send_time(&books.config, &v, env.block.time)
                .plus_seconds(books.config.unbonding_period)
        }
    };
    let pool = POOLS.load(deps.storage, entry.pool_id)?;
    let frozen = books
        .validator(deps.storage, &entry.validator)?
        .first_exposed(&pool.services)
        .is_some();
    let matured = match status {
        BatchStatus::Settled => true,
        BatchStatus::Sent => completion_time <= env.block.time,
        BatchStatus::Queued => false,
    };
    Ok(UnbondingResponse {
        id: entry.id,
        validator: entry.validator,
        amount,
        completion_time,
        matured,
        status: match (status, matured) {
            (BatchStatus::Queued, _) => UnbondingStatus::Queued,
            (_, false) => UnbondingStatus::Unbonding,
            (_, true) => UnbondingStatus::Claimable,
        },
        service_ids: pool.services,
        frozen,
    })
}

pub fn unbondings(
    deps: Deps,
    env: Env,
    staker: String,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<UnbondingsResponse, ContractError> {
    let staker = staker_addr(deps, &staker)?;
    let mut books = Books::load(deps.storage)?;
    let entries: Vec<Unbonding> = UNBONDINGS
        .prefix(&staker)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit_or_all(l))
        .map(|r| r.map(|(_, e)| e))
        .collect::<StdResult<_>>()?;
    let unbondings = entries
        .into_iter()
        .map(|e| unbonding_response(deps, &env, &mut books, e))
        .collect::<Result<_, _>>()?;
    Ok(UnbondingsResponse { unbondings })
}

pub fn service_stake(
    deps: Deps,
    service_id: u64,
    start_after: Option<String>,
    l: Option<u32>,
) -> Result<ServiceStakeResponse, ContractError> {
    load_service(deps.storage, service_id)?;
    let state = SERVICE_STATES.load(deps.storage, service_id)?;
    let validators = SERVICE_VALIDATOR_STAKE
        .prefix(service_id)
        .range(
            deps.storage,
            start_after.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit_or_all(l))
        .map(|r| r.map(|(validator, amount)| ValidatorStake { validator, amount }))
        .collect::<StdResult<_>>()?;
    Ok(ServiceStakeResponse {
        service_id,
        total: state.total_stake,
        validators,
    })
}

fn slash_response(r: SlashRequest) -> SlashRequestResponse {
    SlashRequestResponse {
        id: r.id,
        service_id: r.service_id,
        validator: r.validator,
        fraction: r.fraction,
        evidence: r.evidence,
        status: r.status,
        requested_at: r.requested_at,
        executable_at: r.executable_at,
        resolved_at: r.resolved_at,
        slashed_amount: r.slashed_bonded + r.slashed_unbonding,
        slashed_bonded: r.slashed_bonded,
        slashed_unbonding: r.slashed_unbonding,
    }
}

pub fn slash_request(deps: Deps, slash_id: u64) -> Result<SlashRequestResponse, ContractError> {
    let r = slash_requests()
        .may_load(deps.storage, slash_id)?
        .ok_or(ContractError::SlashNotFound { id: slash_id })?;
    Ok(slash_response(r))
}

pub fn slash_requests_query(
    deps: Deps,
    service_id: Option<u64>,
    validator: Option<String>,
    status: Option<SlashStatus>,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<SlashRequestsResponse, ContractError> {
    let map = slash_requests();
    let min = start_after.map(Bound::exclusive);
    let iter: Box<dyn Iterator<Item = StdResult<(u64, SlashRequest)>>> =
        match (&service_id, &validator) {
            (Some(s), _) => Box::new(map.idx.service.prefix(*s).range(
                deps.storage,
                min,
                None,
                Order::Ascending,
            )),
            (None, Some(v)) => Box::new(map.idx.validator.prefix(v.clone()).range(
                deps.storage,
                min,
                None,
                Order::Ascending,
            )),
            (None, None) => Box::new(map.range(deps.storage, min, None, Order::Ascending)),
        };
    let wanted = |r: &SlashRequest| {
        validator.as_ref().is_none_or(|v| *v == r.validator) && status.is_none_or(|s| s == r.status)
    };
    let slash_requests = iter
        .filter(|item| item.as_ref().map_or(true, |(_, r)| wanted(r)))
        .take(limit(l))
        .map(|item| item.map(|(_, r)| slash_response(r)))
        .collect::<StdResult<_>>()?;
    Ok(SlashRequestsResponse { slash_requests })
}

pub fn staker_overview(
    deps: Deps,
    env: Env,
    staker: String,
) -> Result<StakerOverviewResponse, ContractError> {
    let staker = staker_addr(deps, &staker)?;
    let mut books = Books::load(deps.storage)?;
    let mut bonded = Uint128::zero();
    let mut exposure = Uint128::zero();
    let mut restaked: Vec<ServiceRestake> = vec![];
    let max_slash_of = |store: &dyn Storage, services: &[u64]| -> StdResult<Decimal> {
        let mut fractions = vec![];
        for s in services {
            fractions.push(SERVICES.load(store, *s)?.max_slash);
        }
        Ok(capped_sum(fractions))
    };
    let positions: Vec<(String, Position)> = POSITIONS
        .prefix(&staker)
        .range(deps.storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    let count = positions.len() as u32;
    for (_, position) in positions {
        let pool = POOLS.load(deps.storage, position.pool_id)?;
        let amount = position_value(&position, &pool);
        bonded += amount;
        exposure += amount.mul_floor(max_slash_of(deps.storage, &pool.services)?);
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
    restaked.sort_by_key(|r| r.service_id);
    let mut unbonding = Uint128::zero();
    let mut claimable = Uint128::zero();
    for entry in entries_of(deps.storage, &staker)? {
        let r = unbonding_response(deps, &env, &mut books, entry)?;
        unbonding += r.amount;
        if r.matured && !r.frozen {
            claimable += r.amount;
        }
        exposure += r
            .amount
            .mul_floor(max_slash_of(deps.storage, &r.service_ids)?);
    }
    Ok(StakerOverviewResponse {
        staker: staker.clone(),
        bonded,
        unbonding,
        claimable,
        pending_rewards: pending(deps, &env, &staker)?,
        restaked,
        max_slash_exposure: exposure,
        positions: count,
    })
}

pub fn stats(deps: Deps) -> Result<StatsResponse, ContractError> {
    let t = TOTALS.load(deps.storage)?;
    let s = SLASH_STATS.may_load(deps.storage)?.unwrap_or_default();
    Ok(StatsResponse {
        total_bonded: t.bonded,
        total_unbonding: t.unbonding,
        stakers: t.stakers,
        services: t.services,
        total_restaked: t.restaked,
        pools: t.pools,
        total_slashed: s.total_slashed,
        chain_slashed: s.chain_slashed,
        slashed_pending_routing: s.pending_routing,
        slashed_burned: s.burned,
        slashed_to_community_pool: s.community_pool,
        slashed_to_address: s.to_address,
        slashed_unrouted: s.unrouted,
        dust: s
            .dust
            .iter()
            .map(|(a, v)| RewardAmount::new(a, *v))
            .collect(),
    })
}

fn pool_response(deps: Deps, pool: Pool) -> StdResult<PoolResponse> {
    let mut unbonding = pool.matured.tokens;
    for batch in &pool.batches {
        if let Some(g) = UNBONDING_GROUPS.may_load(deps.storage, (*batch, pool.id))? {
            unbonding += g.group.tokens;
        }
    }
    Ok(PoolResponse {
        id: pool.id,
        validator: pool.validator,
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
    let v = VALIDATORS
        .may_load(deps.storage, &validator)?
        .unwrap_or_else(ValidatorState::new);
    let mut ids = v.pools.clone();
    ids.sort_unstable();
    let pools = ids
        .into_iter()
        .filter(|id| start_after.is_none_or(|s| *id > s))
        .take(limit(l))
        .map(|id| {
            POOLS
                .load(deps.storage, id)
                .and_then(|p| pool_response(deps, p))
        })
        .collect::<StdResult<_>>()?;
    Ok(PoolsResponse { pools })
}

pub fn validator(deps: Deps, validator: String) -> Result<ValidatorResponse, ContractError> {
    let v = VALIDATORS
        .may_load(deps.storage, &validator)?
        .unwrap_or_else(ValidatorState::new);
    Ok(ValidatorResponse {
        validator,
        bonded: v.bonded,
        queued: v.queued,
        dust: v.dust,
        books: v.books(),
        pools: v.pools.len() as u32,
        batches_in_flight: v.in_flight,
        unbonding_in_flight: v.in_flight_tokens,
        last_undelegation: v.last_send,
    })
}
