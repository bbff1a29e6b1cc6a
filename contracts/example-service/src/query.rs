//! Queries.

use cosmwasm_std::{Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use restake_types::{Asset, RewardAmount};

use crate::committee::status_at;
use crate::fees::next_distribution_at;
use crate::msg::{ConfigResponse, FeesResponse, ProposalResponse, ProposalsResponse};
use crate::state::{Proposal, CONFIG, FEES, PROPOSALS, SERVICE_ID};

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 30;

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        service_id: SERVICE_ID.load(deps.storage)?,
        hub: c.hub,
        admin: c.admin,
        members: c.members,
        threshold: c.threshold,
        voting_period: c.voting_period,
        epoch: c.epoch,
        fee_denoms: c
            .fee_assets
            .iter()
            .filter_map(|a| match a {
                Asset::Native(d) => Some(d.clone()),
                Asset::Cw20(_) => None,
            })
            .collect(),
        fee_tokens: c
            .fee_assets
            .iter()
            .filter_map(|a| match a {
                Asset::Cw20(t) => Some(t.clone()),
                Asset::Native(_) => None,
            })
            .collect(),
    })
}

fn proposal_response(p: Proposal, env: &Env) -> ProposalResponse {
    ProposalResponse {
        status: status_at(&p, env),
        id: p.id,
        proposer: p.proposer,
        validator: p.validator,
        fraction: p.fraction,
        evidence: p.evidence,
        votes: p.votes,
        threshold: p.threshold,
        created_at: p.created_at,
        expires_at: p.expires_at,
        slash_id: p.slash_id,
    }
}

pub fn proposal(deps: Deps, env: Env, proposal_id: u64) -> StdResult<ProposalResponse> {
    Ok(proposal_response(
        PROPOSALS.load(deps.storage, proposal_id)?,
        &env,
    ))
}

pub fn proposals(
    deps: Deps,
    env: Env,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ProposalsResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let proposals = PROPOSALS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .map(|r| r.map(|(_, p)| proposal_response(p, &env)))
        .collect::<StdResult<_>>()?;
    Ok(ProposalsResponse { proposals })
}

pub fn fees_pending(deps: Deps, env: Env) -> StdResult<FeesResponse> {
    let config = CONFIG.load(deps.storage)?;
    let fees = FEES.load(deps.storage)?;
    let list = |l: &[(Asset, cosmwasm_std::Uint128)]| {
        l.iter()
            .map(|(a, n)| RewardAmount::new(a, *n))
            .collect::<Vec<_>>()
    };
    Ok(FeesResponse {
        pending: list(&fees.pending),
        distributed: list(&fees.distributed),
        last_distribution: fees.last_distribution,
        next_distribution_at: next_distribution_at(&config, &fees, env.block.time),
    })
}
