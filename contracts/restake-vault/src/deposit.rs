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
        if let Some(validator) = tokenized_share_validator(&coin.denom) {
            let validator = validator.to_string();
            return deposit_shares(deps, env, info.sender, coin, validator);
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
        .set_data(cosmwasm_std::to_json_binary(&crate::msg::DepositData {
            shares,
            amount,
            validator: target.validator.clone(),
        })?)
        .add_submessages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("depositor", &depositor)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attribute("validator", &target.validator)
        .add_attribute("nav", nav)
        .add_attribute("price", price_attr(nav, all_shares).to_string()))
}

/// Reply id of the hub's `deposit` of tokenized shares.
pub const SHARES_REPLY: u64 = 8;

/// Gaia's `x/liquid`: tokenized shares of a validator the strategy weights (`{valoper}/{id}`)
/// go to the hub's `deposit` for that validator, which redeems them into its delegation. The
/// tokens they are worth are known only after the redemption (a slashed validator's shares
/// are worth less than 1:1), so the vault mints in the reply on what its position at the hub
/// grew by, at the price read before (pending slash requests priced in, as for tokens).
fn deposit_shares(
    deps: DepsMut,
    env: Env,
    depositor: cosmwasm_std::Addr,
    coin: Coin,
    validator: String,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let refuse = |reason: &str| ContractError::SharesNotTaken {
        denom: coin.denom.clone(),
        reason: reason.to_string(),
    };
    let view = View::load(deps.as_ref(), &env)?;
    if let Some((service_id, validator)) = view.saturated.clone() {
        return Err(ContractError::TooManyPendingSlashes {
            service_id,
            validator,
            max: hub::MAX_PENDING_READ,
        });
    }
    let Some(v) = view.vals.iter().find(|v| v.validator == validator) else {
        return Err(refuse("the strategy does not list their validator"));
    };
    if v.weight == 0 {
        return Err(refuse(
            "the strategy is draining their validator (weight 0)",
        ));
    }
    if v.frozen() {
        return Err(refuse(
            "a pending slash request holds the vault's position on their validator",
        ));
    }
    let totals = TOTALS.load(deps.storage)?;
    let open = BATCHES.load(deps.storage, totals.open_batch)?.shares;
    let nav = view.nav(&totals, false);
    let all_shares = supply(deps.storage)? + open;
    let before = hub::HubView::new(deps.as_ref(), &config.hub, &env.contract.address)
        .position(&validator)
        .map(|p| p.amount)
        .unwrap_or_default();
    let mut msgs = vec![SubMsg::reply_on_success(
        hub::msg(
            &config.hub,
            &HubMsg::Deposit {
                validator: validator.clone(),
            },
            vec![coin.clone()],
        )?,
        SHARES_REPLY,
    )];
    // a new position: the opt-in follows the deposit, as for tokens
    msgs.extend(
        deposit_msgs(deps.as_ref(), &config, v, Uint128::zero())?
            .into_iter()
            .skip(1),
    );
    before_balance_change(deps.storage, &view.pending_other, &[&depositor])?;
    SHARE_DEPOSIT.save(
        deps.storage,
        &ShareDeposit {
            depositor: depositor.clone(),
            validator: validator.clone(),
            denom: coin.denom.clone(),
            before,
            nav,
            all_shares,
        },
    )?;
    lock(deps.storage)?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "deposit_shares")
        .add_attribute("depositor", depositor)
        .add_attribute("shares_denom", coin.denom)
        .add_attribute("shares_amount", coin.amount)
        .add_attribute("validator", validator)
        .add_attribute("nav", nav)
        .add_attribute("price", price_attr(nav, all_shares).to_string()))
}

/// The hub redeemed the shares: mint on what the vault's position grew by.
pub fn on_shares_deposited(
    deps: DepsMut,
    env: Env,
    _reply: cosmwasm_std::Reply,
) -> Result<Response, ContractError> {
    unlock(deps.storage)?;
    let ctx = SHARE_DEPOSIT.load(deps.storage)?;
    SHARE_DEPOSIT.remove(deps.storage);
    let config = CONFIG.load(deps.storage)?;
    let after = hub::HubView::new(deps.as_ref(), &config.hub, &env.contract.address)
        .position(&ctx.validator)?
        .amount;
    let credited = after.checked_sub(ctx.before)?;
    let shares = shares_for(
        credited.saturating_sub(Uint128::new(HUB_ROUNDING)),
        ctx.nav,
        ctx.all_shares,
    )?;
    if shares.is_zero() {
        return Err(ContractError::DepositTooSmall { amount: credited });
    }
    mint(deps.storage, &ctx.depositor, shares)?;
    Ok(Response::new()
        .set_data(cosmwasm_std::to_json_binary(&crate::msg::DepositData {
            shares,
            amount: credited,
            validator: ctx.validator.clone(),
        })?)
        .add_attribute("action", "deposit")
        .add_attribute("depositor", ctx.depositor)
        .add_attribute("amount", credited)
        .add_attribute("shares", shares)
        .add_attribute("validator", ctx.validator)
        .add_attribute("from_denom", ctx.denom))
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
