//! Deposits: shares at the price that holds if every pending slash request executes, the
//! tokens to the most underweight validator that can take them.

use cosmwasm_std::{
    Coin, Decimal, Deps, DepsMut, Env, MessageInfo, Response, StdResult, SubMsg, Uint128,
};
use restake_types::ExecuteMsg as HubMsg;

use crate::error::ContractError;
use crate::hub;
use crate::math::shares_for;
use crate::rewards::{balance_of, before_balance_change, supply};
use crate::state::*;
use crate::strategy::{opt_ins, tolerant};
use crate::view::{ValView, View};

/// The hub rounds a position's value down when tokens join its pool: a deposit may show up
/// to one unit short in the vault's position, so the depositor is credited one unit less
/// and that unit never comes out of the other holders' value.
pub const HUB_ROUNDING: u128 = 1;

/// Whether `denom` is a tokenized share of a validator (`{valoper}/{record_id}`, Gaia's
/// `x/liquid`). Returns the validator.
pub fn tokenized_share_validator(denom: &str) -> Option<&str> {
    let (validator, record) = denom.rsplit_once('/')?;
    let valoper = validator.contains("valoper1");
    (valoper && !record.is_empty() && record.bytes().all(|b| b.is_ascii_digit()))
        .then_some(validator)
}

/// The validator a deposit of `amount` goes to: the one furthest below its target weight
/// (after the deposit) among those no pending slash request freezes and that are bonded.
/// Deposits and exits are how the vault rebalances: moving stake between validators costs
/// an unbonding, so the vault never does it for drift alone.
pub fn route<'v>(
    deps: Deps,
    view: &'v View,
    amount: Uint128,
) -> Result<&'v ValView, ContractError> {
    let weight = view.total_weight();
    if weight == 0 {
        return Err(ContractError::NoValidatorForDeposit {
            reason: "the strategy has no weighted validator".into(),
        });
    }
    let total: u128 = view
        .vals
        .iter()
        .filter(|v| v.weight > 0)
        .map(|v| v.bonded.u128())
        .sum::<u128>()
        .saturating_add(amount.u128());
    let mut candidates: Vec<(&ValView, i128)> = view
        .vals
        .iter()
        .filter(|v| v.weight > 0)
        .map(|v| {
            let target = total
                .checked_mul(v.weight as u128)
                .map(|t| t / weight as u128)
                .unwrap_or(u128::MAX);
            let deficit = (target as i128).saturating_sub(v.bonded.u128() as i128);
            (v, deficit)
        })
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut frozen = 0;
    for (v, _) in candidates {
        if v.frozen() {
            frozen += 1;
            continue;
        }
        if hub::is_bonded(deps, &v.validator) {
            return Ok(v);
        }
    }
    Err(ContractError::NoValidatorForDeposit {
        reason: format!(
            "{frozen} validators are frozen by pending slash requests, the others are not \
             bonded"
        ),
    })
}

/// The hub messages that put `amount` on `v`: the deposit, and for a new position the
/// opt-in into the services the strategy wants there (tolerant: a refusal waits for the
/// next `rebalance`).
pub fn deposit_msgs(
    deps: Deps,
    config: &Config,
    v: &ValView,
    amount: Uint128,
) -> Result<Vec<SubMsg>, ContractError> {
    let mut msgs = vec![SubMsg::new(hub::msg(
        &config.hub,
        &HubMsg::Deposit {
            validator: v.validator.clone(),
        },
        vec![Coin::new(amount, config.bonded_denom.clone())],
    )?)];
    if v.bonded.is_zero() && !v.target.is_empty() {
        let budget = ACTIVE.load(deps.storage)?.strategy.risk_budget;
        let wanted = opt_ins(deps.storage, v, budget)?;
        if !wanted.is_empty() {
            msgs.push(tolerant(hub::msg(
                &config.hub,
                &HubMsg::OptIn {
                    validator: v.validator.clone(),
                    service_ids: wanted,
                },
                vec![],
            )?));
        }
    }
    Ok(msgs)
}

pub fn deposit(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let coin = cw_utils::one_coin(&info)?;
    if coin.denom != config.bonded_denom {
        // Tokenized shares (`{valoper}/{id}`) will be forwarded to the hub's deposit for
        // that validator once the hub accepts them (INTERFACE.md v0.2); minted then on the
        // tokens the hub credits (its `deposit` event's `amount`), in the reply.
        if tokenized_share_validator(&coin.denom).is_some() {
            return Err(ContractError::TokenizedSharesNotYet { denom: coin.denom });
        }
        return Err(ContractError::WrongDenom {
            denom: config.bonded_denom,
            sent: coin.denom,
        });
    }
    let amount = coin.amount;
    if amount < config.min_deposit {
        return Err(ContractError::BelowMinDeposit {
            amount,
            min: config.min_deposit,
        });
    }
    let view = View::load(deps.as_ref(), &env)?;
    if let Some((service_id, validator)) = view.saturated.clone() {
        return Err(ContractError::TooManyPendingSlashes {
            service_id,
            validator,
            max: hub::MAX_PENDING_READ,
        });
    }
    let totals = TOTALS.load(deps.storage)?;
    let open = BATCHES.load(deps.storage, totals.open_batch)?.shares;
    let nav = view.nav(&totals, false);
    let all_shares = supply(deps.storage)? + open;
    let credited = amount.saturating_sub(Uint128::new(HUB_ROUNDING));
    let shares = shares_for(credited, nav, all_shares)?;
    if shares.is_zero() {
        return Err(ContractError::DepositTooSmall { amount });
    }
    let target = route(deps.as_ref(), &view, amount)?;
    let msgs = deposit_msgs(deps.as_ref(), &config, target, amount)?;
    let depositor = info.sender;
    before_balance_change(deps.storage, &view.pending_other, &[&depositor])?;
    mint(deps.storage, &depositor, shares)?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("depositor", &depositor)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attribute("validator", &target.validator)
        .add_attribute("nav", nav)
        .add_attribute("price", price_attr(nav, all_shares).to_string()))
}

fn price_attr(nav: Uint128, shares: Uint128) -> Decimal {
    crate::math::price(nav, shares)
}

/// Adds shares to a holder and to the supply.
pub fn mint(
    store: &mut dyn cosmwasm_std::Storage,
    holder: &cosmwasm_std::Addr,
    shares: Uint128,
) -> StdResult<()> {
    let balance = balance_of(store, holder)?;
    cw20_base::state::BALANCES.save(store, holder, &balance.checked_add(shares)?)?;
    cw20_base::state::TOKEN_INFO.update(store, |mut t| -> StdResult<_> {
        t.total_supply = t.total_supply.checked_add(shares)?;
        Ok(t)
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_tokenized_shares() {
        assert_eq!(
            tokenized_share_validator("cosmosvaloper1abc/42"),
            Some("cosmosvaloper1abc")
        );
        assert_eq!(tokenized_share_validator("uatom"), None);
        assert_eq!(tokenized_share_validator("ibc/27394FB0"), None);
        assert_eq!(tokenized_share_validator("cosmosvaloper1abc/x1"), None);
        assert_eq!(tokenized_share_validator("factory/cosmos1x/valoper1"), None);
    }
}
