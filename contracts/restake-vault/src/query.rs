//! Queries. Lists are paginated (`start_after`, `limit` default 10, max 30).

use cosmwasm_std::{Decimal, Deps, Env, Order, StdResult, Uint128};
use cw_storage_plus::Bound;

use crate::deposit::HUB_ROUNDING;
use crate::error::ContractError;
use crate::exit::{batch_response, exits_of};
use crate::math::{assets_for, shares_for};
use crate::msg::*;
use crate::rewards::{balance_of, pending_of, supply};
use crate::state::*;
use crate::view::View;
use restake_types::Asset;

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 30;

fn limit(l: Option<u32>) -> usize {
    l.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

pub fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        hub: c.hub,
        bonded_denom: c.bonded_denom,
        min_deposit: c.min_deposit,
        exit_epoch: c.exit_epoch,
        min_timelock: c.min_timelock,
        max_validators: c.max_validators,
        max_services: c.max_services,
        max_reward_assets: c.max_reward_assets,
        unbonding_period: c.unbonding_period,
    })
}

pub fn strategy(deps: Deps) -> StdResult<StrategyResponse> {
    let active = ACTIVE.load(deps.storage)?;
    let left = WATCH
        .range(deps.storage, None, None, Order::Ascending)
        .filter_map(|r| match r {
            Ok((id, w)) => w.left.map(|l| {
                Ok(LeftService {
                    service_id: id,
                    reason: l.reason,
                    at: l.at,
                })
            }),
            Err(e) => Some(Err(e)),
        })
        .collect::<StdResult<_>>()?;
    Ok(StrategyResponse {
        active: active.strategy,
        applied_at: active.applied_at,
        pending: PENDING.may_load(deps.storage)?,
        left,
    })
}

/// All shares that count in the price: the holders' and the open exit batch's.
fn all_shares(deps: Deps) -> StdResult<(Uint128, Uint128)> {
    let totals = TOTALS.load(deps.storage)?;
    let open = BATCHES.load(deps.storage, totals.open_batch)?.shares;
    Ok((supply(deps.storage)?, open))
}

pub fn state(deps: Deps, env: Env) -> Result<VaultStateResponse, ContractError> {
    let view = View::load(deps, &env)?;
    let totals = TOTALS.load(deps.storage)?;
    let nav = view.nav(&totals, true);
    let nav_high = view.nav(&totals, false);
    let bonded: Uint128 = view.vals.iter().map(|v| v.bonded).sum();
    let (_, _, own) = view.own_unbonding();
    let top_ups = totals.top_up_total();
    let gross = bonded + own + view.pending_bonded + totals.idle;
    let (supply, open) = all_shares(deps)?;
    let mut max_exposure = Decimal::zero();
    let mut validators = vec![];
    for v in &view.vals {
        let mut exposure = Decimal::zero();
        for s in &v.services {
            let m = WATCH
                .may_load(deps.storage, *s)?
                .map(|w| w.terms.max_slash)
                .unwrap_or(Decimal::one());
            exposure = exposure.saturating_add(m);
        }
        max_exposure = max_exposure.max(exposure);
        let base = v.bonded.saturating_sub(v.unsynced_low);
        validators.push(ValidatorAllocation {
            validator: v.validator.clone(),
            weight: v.weight,
            bonded: v.bonded,
            services: v.services.clone(),
            target_services: v.target.clone(),
            pending_slash_loss: base.saturating_sub(v.value_low()),
            unsynced_chain_loss: v.unsynced_low,
            frozen: v.frozen(),
        });
    }
    Ok(VaultStateResponse {
        nav,
        nav_for_deposits: nav_high,
        bonded,
        unbonding: own,
        pending_rewards: view.pending_bonded,
        idle: totals.idle,
        expected_losses: gross.saturating_sub(top_ups).saturating_sub(nav),
        exit_top_ups: top_ups,
        exit_reserved: totals.exit_reserved,
        supply,
        open_exit_shares: open,
        price: crate::math::price(nav, supply + open),
        validators,
        max_position_exposure: max_exposure,
    })
}

pub fn preview_deposit(
    deps: Deps,
    env: Env,
    amount: Uint128,
) -> Result<PreviewResponse, ContractError> {
    let view = View::load(deps, &env)?;
    let totals = TOTALS.load(deps.storage)?;
    let (supply, open) = all_shares(deps)?;
    let credited = amount.saturating_sub(Uint128::new(HUB_ROUNDING));
    Ok(PreviewResponse {
        amount: shares_for(credited, view.nav(&totals, false), supply + open)?,
    })
}

pub fn preview_exit(
    deps: Deps,
    env: Env,
    shares: Uint128,
) -> Result<PreviewResponse, ContractError> {
    let view = View::load(deps, &env)?;
    let totals = TOTALS.load(deps.storage)?;
    let (supply, open) = all_shares(deps)?;
    Ok(PreviewResponse {
        amount: assets_for(shares, view.nav(&totals, true), supply + open)?,
    })
}

pub fn holder(deps: Deps, env: Env, address: String) -> Result<HolderResponse, ContractError> {
    let address = deps.api.addr_validate(&address)?;
    let view = View::load(deps, &env)?;
    let totals = TOTALS.load(deps.storage)?;
    let (supply, open) = all_shares(deps)?;
    let shares = balance_of(deps.storage, &address)?;
    Ok(HolderResponse {
        value: assets_for(shares, view.nav(&totals, true), supply + open)?,
        pending_rewards: pending_of(deps, &env, &address)?,
        exits: exits_of(deps, Some(&view), &address, None, MAX_LIMIT as usize)?,
        address,
        shares,
    })
}

pub fn rewards(deps: Deps, env: Env, address: String) -> Result<RewardsResponse, ContractError> {
    let address = deps.api.addr_validate(&address)?;
    Ok(RewardsResponse {
        rewards: pending_of(deps, &env, &address)?,
    })
}

pub fn exits(
    deps: Deps,
    env: Env,
    holder: String,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<ExitsResponse, ContractError> {
    let holder = deps.api.addr_validate(&holder)?;
    let view = View::load(deps, &env)?;
    Ok(ExitsResponse {
        exits: exits_of(deps, Some(&view), &holder, start_after, limit(l))?,
    })
}

pub fn batch(deps: Deps, env: Env, id: u64) -> Result<BatchResponse, ContractError> {
    let b = BATCHES
        .may_load(deps.storage, id)?
        .ok_or(ContractError::BatchNotFound { id })?;
    let view = View::load(deps, &env)?;
    let config = CONFIG.load(deps.storage)?;
    let totals = TOTALS.load(deps.storage)?;
    Ok(batch_response(b, Some(&view), &config, &totals))
}

pub fn batches(
    deps: Deps,
    env: Env,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<BatchesResponse, ContractError> {
    let view = View::load(deps, &env)?;
    let config = CONFIG.load(deps.storage)?;
    let totals = TOTALS.load(deps.storage)?;
    let batches = BATCHES
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(l))
        .map(|r| r.map(|(_, b)| batch_response(b, Some(&view), &config, &totals)))
        .collect::<StdResult<_>>()?;
    Ok(BatchesResponse { batches })
}

pub fn reward_assets(deps: Deps) -> StdResult<RewardAssetsResponse> {
    let assets = ASSETS
        .load(deps.storage)?
        .into_iter()
        .map(|b| {
            let (denom, cw20) = match b.asset {
                Asset::Native(d) => (Some(d), None),
                Asset::Cw20(a) => (None, Some(a)),
            };
            RewardAssetResponse {
                denom,
                cw20,
                credited: b.accrued,
                received: b.received,
                paid: b.paid,
            }
        })
        .collect();
    Ok(RewardAssetsResponse { assets })
}
