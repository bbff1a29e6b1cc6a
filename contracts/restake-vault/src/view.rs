//! What the vault owns, read from the hub and the chain in one pass: its positions, its
//! unbondings, its pending rewards, the pending slash requests and unsynced chain slashes
//! that threaten them, and from these the net asset value (NAV) that prices shares.
//!
//! Reading costs O(validators × services) queries: one `position`, one `validator` and one
//! chain delegation per validator the vault holds stake on, one page of pending
//! `slash_requests` per (service, validator) it is exposed through, one `unbondings` and one
//! `pending_rewards` — none of it grows with holders.

use cosmwasm_std::{Decimal256, Deps, Env, Order, StdResult, Uint128};
use restake_types::{Asset, UnbondingStatus};

use crate::error::ContractError;
use crate::hub::{HubView, MAX_PENDING_READ};
use crate::math::{loss_factor, mul_ceil256, mul_div_ceil, mul_div_floor, mul_floor256};
use crate::state::*;

/// The vault's stake on one validator.
#[derive(Clone, Debug)]
pub struct ValView {
    pub validator: String,
    /// Target weight (0: not in the strategy, being drained).
    pub weight: u32,
    /// Services the strategy wants the position to secure (minus those left).
    pub target: Vec<u64>,
    pub bonded: Uint128,
    /// Services the position secures now (pending opt-outs included).
    pub services: Vec<u64>,
    /// (service, ready_at seconds) of pending opt-outs.
    pub opt_outs: Vec<(u64, u64)>,
    /// The vault's share of a chain slash the hub has not synced yet: rounded up / down.
    pub unsynced_low: Uint128,
    pub unsynced_high: Uint128,
    /// 1 − Π(1 − f) over the pending slash requests on the position's services.
    pub factor: Decimal256,
    pub requests: u32,
}

impl ValView {
    /// A pending slash request freezes the position: the hub refuses new stake into it.
    pub fn frozen(&self) -> bool {
        self.requests > 0
    }

    /// Value for the exit price: every loss rounded up (one unit per request more, the
    /// hub rounds each slash up).
    pub fn value_low(&self) -> Uint128 {
        let base = self.bonded.saturating_sub(self.unsynced_low);
        let loss = mul_ceil256(base, self.factor).saturating_add(Uint128::from(self.requests));
        base.saturating_sub(loss)
    }

    /// Value for the deposit price: every loss rounded down.
    pub fn value_high(&self) -> Uint128 {
        let base = self.bonded.saturating_sub(self.unsynced_high);
        base - mul_floor256(base, self.factor)
    }

    /// Tokens the vault can surely unbond now: the hub syncs a chain slash first, and its
    /// share of the loss may round a unit beyond the vault's estimate.
    pub fn unbondable(&self) -> Uint128 {
        let margin = if self.unsynced_low.is_zero() {
            0u128
        } else {
            1
        };
        self.bonded
            .saturating_sub(self.unsynced_low)
            .saturating_sub(Uint128::new(margin))
    }
}

/// One of the vault's unbondings at the hub.
#[derive(Clone, Debug)]
pub struct EntryView {
    pub id: u64,
    pub validator: String,
    /// After slashing, as the hub shows it.
    pub amount: Uint128,
    pub status: UnbondingStatus,
    pub matured: bool,
    pub frozen: bool,
    /// `None` for an unbonding the vault does not know (never expected).
    pub owner: Option<EntryOwner>,
    pub loss_low: Uint128,
    pub loss_high: Uint128,
}

#[derive(Clone, Debug, Default)]
pub struct View {
    pub vals: Vec<ValView>,
    pub entries: Vec<EntryView>,
    /// Bonded-denom rewards accrued to the vault at the hub.
    pub pending_bonded: Uint128,
    /// Other reward assets accrued to the vault at the hub.
    pub pending_other: Vec<(Asset, Uint128)>,
    /// A (service, validator) with more pending requests than one page: deposits wait.
    pub saturated: Option<(u64, String)>,
}

/// The strategy's targets: (validator, weight, services wanted), services left by rule
/// removed.
pub fn targets(deps: Deps) -> StdResult<Vec<(String, u32, Vec<u64>)>> {
    let active = ACTIVE.load(deps.storage)?;
    let left: Vec<u64> = WATCH
        .range(deps.storage, None, None, Order::Ascending)
        .filter_map(|r| match r {
            Ok((id, w)) if w.left.is_some() => Some(Ok(id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<StdResult<_>>()?;
    Ok(active
        .strategy
        .validators
        .iter()
        .map(|v| {
            let services = v
                .services
                .iter()
                .copied()
                .filter(|s| !left.contains(s))
                .collect();
            (v.validator.clone(), v.weight, services)
        })
        .collect())
}

impl View {
    pub fn load(deps: Deps, env: &Env) -> Result<View, ContractError> {
        let config = CONFIG.load(deps.storage)?;
        let hub = HubView::new(deps, &config.hub, &env.contract.address);
        let targets = targets(deps)?;
        let validators = VALIDATORS.load(deps.storage)?;

        let hub_entries = hub.unbondings()?;
        let mut vals = vec![];
        for validator in &validators {
            let (weight, target) = targets
                .iter()
                .find(|(v, _, _)| v == validator)
                .map(|(_, w, s)| (*w, s.clone()))
                .unwrap_or((0, vec![]));
            let p = hub.position(validator)?;
            vals.push(ValView {
                validator: validator.clone(),
                weight,
                target,
                bonded: p.amount,
                services: p.service_ids,
                opt_outs: p
                    .pending_opt_outs
                    .iter()
                    .map(|o| (o.service_id, o.ready_at.seconds()))
                    .collect(),
                unsynced_low: Uint128::zero(),
                unsynced_high: Uint128::zero(),
                factor: Decimal256::zero(),
                requests: 0,
            });
        }

        let mut entries = vec![];
        for e in hub_entries {
            let owner = ENTRIES.may_load(deps.storage, e.id)?.map(|h| h.owner);
            entries.push((e, owner));
        }

        // Pending slash requests, per (service, validator) the vault's own stake is exposed
        // through: positions, and the vault's own unbondings (exit batches bear their own).
        let mut pairs: Vec<(u64, String)> = vec![];
        let mut add_pair = |s: u64, v: &str| {
            if !pairs.iter().any(|(ps, pv)| *ps == s && pv == v) {
                pairs.push((s, v.to_string()));
            }
        };
        for v in &vals {
            for s in &v.services {
                add_pair(*s, &v.validator);
            }
        }
        for (e, owner) in &entries {
            if *owner == Some(EntryOwner::Vault) {
                for s in &e.service_ids {
                    add_pair(*s, &e.validator);
                }
            }
        }
        let mut saturated = None;
        let mut fractions: Vec<((u64, String), Vec<cosmwasm_std::Decimal>)> = vec![];
        for (s, v) in pairs {
            let pending = hub.pending_slashes(s, &v)?;
            let mut fs: Vec<cosmwasm_std::Decimal> = pending.iter().map(|r| r.fraction).collect();
            if pending.len() >= MAX_PENDING_READ as usize {
                // More than the vault reads: deposits wait, exits count the stake as lost.
                if saturated.is_none() {
                    saturated = Some((s, v.clone()));
                }
                fs.push(cosmwasm_std::Decimal::one());
            }
            fractions.push(((s, v), fs));
        }
        let fractions_of = |services: &[u64], validator: &str| -> Vec<cosmwasm_std::Decimal> {
            fractions
                .iter()
                .filter(|((s, v), _)| v == validator && services.contains(s))
                .flat_map(|(_, fs)| fs.iter().copied())
                .collect()
        };
        for v in vals.iter_mut() {
            let fs = fractions_of(&v.services, &v.validator);
            v.requests = fs.len() as u32;
            v.factor = loss_factor(&fs);
        }

        // A chain slash the hub has not synced yet: the delegation is below the hub's books,
        // and the hub will share the shortfall pro rata over all stake still delegated there
        // (positions and the queued batch) as soon as anything touches the validator.
        let mut shortfalls: Vec<(String, Uint128, Uint128)> = vec![];
        let mut needs_sync: Vec<String> = vals
            .iter()
            .filter(|v| !v.bonded.is_zero())
            .map(|v| v.validator.clone())
            .collect();
        for (e, owner) in &entries {
            if *owner == Some(EntryOwner::Vault)
                && e.status == UnbondingStatus::Queued
                && !needs_sync.contains(&e.validator)
            {
                needs_sync.push(e.validator.clone());
            }
        }
        for validator in needs_sync {
            let view = hub.validator_books(&validator)?;
            let books = view.books;
            let delegated = hub.chain_delegation(&view)?;
            if delegated < books {
                shortfalls.push((validator, books - delegated, books));
            }
        }
        let unsynced =
            |validator: &str, amount: Uint128| -> Result<(Uint128, Uint128), ContractError> {
                match shortfalls.iter().find(|(v, _, _)| v == validator) {
                    Some((_, short, books)) => Ok((
                        mul_div_ceil(amount, *short, *books)?.min(amount),
                        mul_div_floor(amount, *short, *books)?,
                    )),
                    None => Ok((Uint128::zero(), Uint128::zero())),
                }
            };
        for v in vals.iter_mut() {
            let (low, high) = unsynced(&v.validator, v.bonded)?;
            v.unsynced_low = low;
            v.unsynced_high = high;
        }

        let mut views = vec![];
        for (e, owner) in entries {
            let (mut loss_low, mut loss_high) = (Uint128::zero(), Uint128::zero());
            if owner == Some(EntryOwner::Vault) {
                if e.status == UnbondingStatus::Queued {
                    (loss_low, loss_high) = unsynced(&e.validator, e.amount)?;
                }
                let fs = fractions_of(&e.service_ids, &e.validator);
                let f = loss_factor(&fs);
                let base_low = e.amount.saturating_sub(loss_low);
                let base_high = e.amount.saturating_sub(loss_high);
                loss_low += mul_ceil256(base_low, f).saturating_add(Uint128::from(fs.len() as u32));
                loss_high += mul_floor256(base_high, f);
            }
            views.push(EntryView {
                id: e.id,
                validator: e.validator,
                amount: e.amount,
                status: e.status,
                matured: e.matured,
                frozen: e.frozen,
                owner,
                loss_low: loss_low.min(e.amount),
                loss_high: loss_high.min(e.amount),
            });
        }

        let bonded_denom = config.bonded_denom.clone();
        let mut pending_bonded = Uint128::zero();
        let mut pending_other = vec![];
        for r in hub.pending_rewards()?.rewards {
            match r.asset() {
                Some(Asset::Native(d)) if d == bonded_denom => pending_bonded += r.amount,
                Some(a) => pending_other.push((a, r.amount)),
                None => {}
            }
        }
        Ok(View {
            vals,
            entries: views,
            pending_bonded,
            pending_other,
            saturated,
        })
    }

    /// The vault's own unbondings (draining validators): (value low, value high, raw).
    pub fn own_unbonding(&self) -> (Uint128, Uint128, Uint128) {
        let mut low = Uint128::zero();
        let mut high = Uint128::zero();
        let mut raw = Uint128::zero();
        for e in &self.entries {
            if e.owner == Some(EntryOwner::Vault) {
                low += e.amount - e.loss_low;
                high += e.amount - e.loss_high;
                raw += e.amount;
            }
        }
        (low, high, raw)
    }

    /// Net asset value owned by shareholders. `low`: every loss rounded up (exits use it);
    /// otherwise rounded down (deposits use it). Each direction favours the holders who stay.
    pub fn nav(&self, totals: &Totals, low: bool) -> Uint128 {
        let (own_low, own_high, _) = self.own_unbonding();
        let positions: Uint128 = self
            .vals
            .iter()
            .map(|v| if low { v.value_low() } else { v.value_high() })
            .sum();
        let own = if low { own_low } else { own_high };
        (positions + own + self.pending_bonded + totals.idle).saturating_sub(totals.top_up_total())
    }

    pub fn total_weight(&self) -> u64 {
        self.vals.iter().map(|v| v.weight as u64).sum()
    }

    pub fn val(&self, validator: &str) -> Option<&ValView> {
        self.vals.iter().find(|v| v.validator == validator)
    }
}
