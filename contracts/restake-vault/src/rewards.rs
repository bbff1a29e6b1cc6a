//! Rewards in assets other than the bonded denom, credited to holders by a per-share index.
//!
//! The hub accrues the vault's rewards continuously; the vault reads what accrued (its
//! `pending_rewards` plus what it has received) before every change of a holder's balance
//! and credits the increase to the shares held until then. A holder's rewards therefore
//! follow its balance exactly, across transfers, deposits and exits, whether or not anyone
//! harvested in between. Each settlement is O(reward assets), bounded by
//! `max_reward_assets`.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Deps, Env, StdResult, Storage, SubMsg, Uint128,
    Uint256, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use restake_types::{Asset, RewardAmount};

use crate::error::ContractError;
use crate::hub::HubView;
use crate::state::*;

pub const PAYOUT_REPLY: u64 = 6;

fn scale() -> Uint256 {
    Uint256::from(INDEX_SCALE)
}

/// Credits `delta` (plus anything waiting) to the `supply` shares held now.
fn credit(book: &mut AssetBook, delta: Uint128, supply: Uint128) -> StdResult<()> {
    if supply.is_zero() {
        book.undistributed = book.undistributed.checked_add(delta)?;
        return Ok(());
    }
    let amount = delta.checked_add(std::mem::take(&mut book.undistributed))?;
    if amount.is_zero() {
        return Ok(());
    }
    let scaled = Uint256::from(amount).checked_mul(scale())? + book.carry;
    let supply = Uint256::from(supply);
    let increment = scaled / supply;
    book.carry = scaled - increment * supply;
    book.index = book.index.checked_add(increment)?;
    Ok(())
}

/// Brings every asset book up to what accrued at the hub (`pending` is the hub's
/// `pending_rewards` of the vault, without the bonded denom), crediting the growth to the
/// `supply` shares held until now. A pending amount below what the vault already counted
/// (never expected) credits nothing until the hub's figure catches up.
pub fn checkpoint(
    assets: &mut [AssetBook],
    pending: &[(Asset, Uint128)],
    supply: Uint128,
) -> StdResult<()> {
    for book in assets.iter_mut() {
        let at_hub = pending
            .iter()
            .find(|(a, _)| *a == book.asset)
            .map(|(_, v)| *v)
            .unwrap_or_default();
        let total = book.received.checked_add(at_hub)?;
        let delta = total.saturating_sub(book.accrued);
        if total > book.accrued {
            book.accrued = total;
        }
        credit(book, delta, supply)?;
    }
    Ok(())
}

/// Settles a holder's standing in every asset at its balance until now.
pub fn settle(
    assets: &[AssetBook],
    standing: &mut Vec<HolderAsset>,
    balance: Uint128,
) -> StdResult<()> {
    for book in assets {
        let i = match standing.iter().position(|h| h.asset == book.asset) {
            Some(i) => i,
            None => {
                // An asset tracked after the holder's last settlement: its index started at
                // zero when it was added, so zero is the right mark.
                standing.push(HolderAsset {
                    asset: book.asset.clone(),
                    mark: Uint256::zero(),
                    owed: Uint256::zero(),
                });
                standing.len() - 1
            }
        };
        let h = &mut standing[i];
        let growth = book.index.checked_sub(h.mark)?;
        h.owed = h
            .owed
            .checked_add(Uint256::from(balance).checked_mul(growth)?)?;
        h.mark = book.index;
    }
    Ok(())
}

/// The cw20 balance of a holder.
pub fn balance_of(store: &dyn Storage, holder: &Addr) -> StdResult<Uint128> {
    Ok(cw20_base::state::BALANCES
        .may_load(store, holder)?
        .unwrap_or_default())
}

pub fn supply(store: &dyn Storage) -> StdResult<Uint128> {
    Ok(cw20_base::state::TOKEN_INFO.load(store)?.total_supply)
}

/// Before the balances of `holders` change: credits what accrued at the hub to the shares
/// held until now and settles each holder at its current balance.
pub fn before_balance_change(
    store: &mut dyn Storage,
    pending: &[(Asset, Uint128)],
    holders: &[&Addr],
) -> StdResult<()> {
    let mut assets = ASSETS.load(store)?;
    checkpoint(&mut assets, pending, supply(store)?)?;
    for holder in holders {
        let mut standing = HOLDER_REWARDS.may_load(store, holder)?.unwrap_or_default();
        settle(&assets, &mut standing, balance_of(store, holder)?)?;
        HOLDER_REWARDS.save(store, holder, &standing)?;
    }
    ASSETS.save(store, &assets)
}

/// The vault's pending rewards at the hub, without the bonded denom.
pub fn hub_pending(deps: Deps, env: &Env) -> Result<Vec<(Asset, Uint128)>, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let hub = HubView::new(deps, &config.hub, &env.contract.address);
    Ok(hub
        .pending_rewards()?
        .rewards
        .into_iter()
        .filter_map(|r| r.asset().map(|a| (a, r.amount)))
        .filter(|(a, _)| *a != Asset::Native(config.bonded_denom.clone()))
        .collect())
}

/// What a holder could claim if the vault read the hub now (for queries).
pub fn pending_of(
    deps: Deps,
    env: &Env,
    holder: &Addr,
) -> Result<Vec<RewardAmount>, ContractError> {
    let mut assets = ASSETS.load(deps.storage)?;
    let pending = hub_pending(deps, env)?;
    checkpoint(&mut assets, &pending, supply(deps.storage)?)?;
    let mut standing = HOLDER_REWARDS
        .may_load(deps.storage, holder)?
        .unwrap_or_default();
    settle(&assets, &mut standing, balance_of(deps.storage, holder)?)?;
    Ok(standing
        .iter()
        .map(|h| (h.asset.clone(), whole(h.owed)))
        .filter(|(_, v)| !v.is_zero())
        .map(|(a, v)| RewardAmount::new(&a, v))
        .collect())
}

fn whole(scaled: Uint256) -> Uint128 {
    Uint128::try_from(scaled / scale()).unwrap_or(Uint128::MAX)
}

/// Amounts paid, per asset.
pub type Paid = Vec<(Asset, Uint128)>;

/// Takes the whole units a holder is owed out of its standing (fractions stay) and builds
/// one transfer per asset, each a submessage whose refusal (a token that fails, a denom with
/// a send hook) restores that asset to the holder instead of failing the claim.
pub fn take_payouts(
    store: &mut dyn Storage,
    holder: &Addr,
) -> Result<(Vec<SubMsg>, Paid), ContractError> {
    let mut standing = HOLDER_REWARDS.may_load(store, holder)?.unwrap_or_default();
    let mut assets = ASSETS.load(store)?;
    let mut msgs = vec![];
    let mut paid = vec![];
    for h in standing.iter_mut() {
        let amount = whole(h.owed);
        if amount.is_zero() {
            continue;
        }
        h.owed -= Uint256::from(amount) * scale();
        if let Some(book) = assets.iter_mut().find(|b| b.asset == h.asset) {
            book.paid = book.paid.checked_add(amount)?;
        }
        paid.push((h.asset.clone(), amount));
        let transfer: CosmosMsg = match &h.asset {
            Asset::Native(denom) => BankMsg::Send {
                to_address: holder.to_string(),
                amount: vec![Coin::new(amount, denom.clone())],
            }
            .into(),
            Asset::Cw20(token) => WasmMsg::Execute {
                contract_addr: token.to_string(),
                msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                    recipient: holder.to_string(),
                    amount,
                })?,
                funds: vec![],
            }
            .into(),
        };
        let payout = Payout {
            holder: holder.clone(),
            asset: h.asset.clone(),
            amount,
        };
        msgs.push(
            SubMsg::reply_on_error(transfer, PAYOUT_REPLY).with_payload(to_json_binary(&payout)?),
        );
    }
    HOLDER_REWARDS.save(store, holder, &standing)?;
    ASSETS.save(store, &assets)?;
    Ok((msgs, paid))
}

/// A refused reward transfer: the amount goes back to the holder (claim again later).
pub fn restore_payout(store: &mut dyn Storage, payout: &Payout) -> StdResult<()> {
    let mut standing = HOLDER_REWARDS
        .may_load(store, &payout.holder)?
        .unwrap_or_default();
    if let Some(h) = standing.iter_mut().find(|h| h.asset == payout.asset) {
        h.owed = h.owed.checked_add(Uint256::from(payout.amount) * scale())?;
    }
    HOLDER_REWARDS.save(store, &payout.holder, &standing)?;
    let mut assets = ASSETS.load(store)?;
    if let Some(book) = assets.iter_mut().find(|b| b.asset == payout.asset) {
        book.paid = book.paid.saturating_sub(payout.amount);
    }
    ASSETS.save(store, &assets)
}

/// Starts crediting the reward assets of `services` (their declared denoms and tokens) that
/// the vault does not track yet, up to `max_reward_assets` over the vault's life. Returns
/// the assets left out for lack of room.
pub fn track_assets(
    store: &mut dyn Storage,
    declared: &[Asset],
    bonded_denom: &str,
    max: u32,
) -> StdResult<Vec<Asset>> {
    let mut assets = ASSETS.load(store)?;
    let mut left_out = vec![];
    for a in declared {
        if *a == Asset::Native(bonded_denom.to_string()) || assets.iter().any(|b| b.asset == *a) {
            continue;
        }
        if assets.len() >= max as usize {
            left_out.push(a.clone());
            continue;
        }
        assets.push(AssetBook {
            asset: a.clone(),
            index: Uint256::zero(),
            carry: Uint256::zero(),
            received: Uint128::zero(),
            accrued: Uint128::zero(),
            undistributed: Uint128::zero(),
            paid: Uint128::zero(),
        });
    }
    ASSETS.save(store, &assets)?;
    Ok(left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> AssetBook {
        AssetBook {
            asset: Asset::native("uosmo"),
            index: Uint256::zero(),
            carry: Uint256::zero(),
            received: Uint128::zero(),
            accrued: Uint128::zero(),
            undistributed: Uint128::zero(),
            paid: Uint128::zero(),
        }
    }

    #[test]
    fn credits_follow_balances_and_never_exceed_what_accrued() {
        let mut assets = vec![book()];
        let (mut a, mut b) = (vec![], vec![]);
        // alice 3 shares, bob 0; 10 accrue
        checkpoint(
            &mut assets,
            &[(Asset::native("uosmo"), Uint128::new(10))],
            Uint128::new(3),
        )
        .unwrap();
        settle(&assets, &mut a, Uint128::new(3)).unwrap();
        settle(&assets, &mut b, Uint128::zero()).unwrap();
        // alice gives bob 2; 7 more accrue (17 pending)
        checkpoint(
            &mut assets,
            &[(Asset::native("uosmo"), Uint128::new(17))],
            Uint128::new(3),
        )
        .unwrap();
        settle(&assets, &mut a, Uint128::new(1)).unwrap();
        settle(&assets, &mut b, Uint128::new(2)).unwrap();
        let (wa, wb) = (whole(a[0].owed), whole(b[0].owed));
        // alice: 10 + 7/3 = 12.33; bob: 14/3 = 4.67 (each rounded down)
        assert_eq!((wa, wb), (Uint128::new(12), Uint128::new(4)));
        assert!(wa + wb <= Uint128::new(17));
    }

    #[test]
    fn rewards_without_holders_wait_for_the_next_ones() {
        let mut assets = vec![book()];
        checkpoint(
            &mut assets,
            &[(Asset::native("uosmo"), Uint128::new(5))],
            Uint128::zero(),
        )
        .unwrap();
        assert_eq!(assets[0].undistributed, Uint128::new(5));
        checkpoint(
            &mut assets,
            &[(Asset::native("uosmo"), Uint128::new(5))],
            Uint128::new(2),
        )
        .unwrap();
        assert!(assets[0].undistributed.is_zero());
        let mut h = vec![];
        settle(&assets, &mut h, Uint128::new(2)).unwrap();
        assert_eq!(whole(h[0].owed), Uint128::new(5));
    }
}
