//! The invariants of docs/design.md, checked against the chain's own bank and staking state.

use std::collections::BTreeMap;

use cosmwasm_std::Addr;

use crate::suite::Suite;

/// What `check_invariants` found.
#[derive(Debug, Default)]
pub struct InvariantReport {
    /// One line per violated invariant; empty when all hold.
    pub violations: Vec<String>,
}

impl InvariantReport {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.violations.push(what());
        }
    }
}

impl Suite {
    /// Checks, over every address that used the Suite:
    /// - per validator: Σ positions = the hub's bonded books (within the one unit per
    ///   position that rounding each value down may leave in a pool) ≤ the chain's
    ///   delegation;
    /// - per service: Σ per-validator stake = `service_stake.total` = Σ opted positions
    ///   (within one unit per position);
    /// - `stats` totals equal the sums they summarise;
    /// - conservation: bank + delegations + undelegated in-flight tokens + accrued chain
    ///   rewards ≥ bonded + unbonding + slashed stake awaiting routing + pending rewards,
    ///   in the bonded denom (the chain's unbonding queue never exceeds the in-flight
    ///   tokens); bank ≥ pending rewards in every other denom and cw20 token.
    ///
    /// The hub learns of chain slashing through `sync_validator` (or any message touching
    /// the validator) and of slashed unbondings when they return: check after those.
    pub fn check_invariants(&self) -> InvariantReport {
        let mut r = InvariantReport::default();
        let stats = match self.stats() {
            Ok(s) => s,
            Err(e) => {
                r.violations.push(format!("stats query failed: {e}"));
                return r;
            }
        };
        let stakers: Vec<Addr> = self.known.iter().cloned().collect();
        // (Σ amounts, number of positions): positions' values round down, so a pool may
        // hold up to one unit per position that no single position shows yet.
        let mut per_validator: BTreeMap<String, (u128, u128)> = BTreeMap::new();
        let mut per_service: BTreeMap<u64, (u128, u128)> = BTreeMap::new();
        let mut pending: BTreeMap<String, u128> = BTreeMap::new();
        let mut unbonding = 0u128;
        for s in &stakers {
            for p in self.positions(s.as_str()).unwrap_or_default() {
                let e = per_validator.entry(p.validator.clone()).or_default();
                e.0 += p.amount.u128();
                e.1 += 1;
                for id in &p.service_ids {
                    let e = per_service.entry(*id).or_default();
                    e.0 += p.amount.u128();
                    e.1 += 1;
                }
            }
            for reward in self.pending_rewards(s.as_str()).unwrap_or_default() {
                let key = match (&reward.denom, &reward.cw20) {
                    (Some(d), _) => d.clone(),
                    (_, Some(c)) => format!("cw20:{c}"),
                    _ => continue,
                };
                *pending.entry(key).or_default() += reward.amount.u128();
            }
            for u in self.unbondings(s.as_str()).unwrap_or_default() {
                unbonding += u.amount.u128();
            }
        }
        let mut bonded_sum = 0u128;
        let mut delegated = 0u128;
        let mut chain_rewards = 0u128;
        let mut in_flight = 0u128;
        for v in &self.validators {
            let books = match self.validator_books(v) {
                Ok(b) => b,
                Err(e) => {
                    r.violations.push(format!("validator query failed: {e}"));
                    continue;
                }
            };
            let (positions, count) = per_validator.get(v).copied().unwrap_or_default();
            r.check(
                positions <= books.bonded.u128() && books.bonded.u128() - positions <= count,
                || {
                    format!(
                        "{v}: Σ of {count} positions {positions} ≠ books bonded {} (±1 per position)",
                        books.bonded
                    )
                },
            );
            let pools: u128 = self
                .pools(v)
                .unwrap_or_default()
                .iter()
                .map(|p| p.bonded.u128())
                .sum();
            r.check(pools == books.bonded.u128(), || {
                format!("{v}: Σ pools {pools} ≠ books bonded {}", books.bonded)
            });
            let chain = self.delegation(v);
            r.check(books.books.u128() <= chain, || {
                format!(
                    "{v}: books {} exceed the chain's delegation {chain}",
                    books.books
                )
            });
            bonded_sum += books.bonded.u128();
            delegated += chain;
            in_flight += books.unbonding_in_flight.u128();
            chain_rewards += self.chain_rewards(v);
        }
        r.check(bonded_sum == stats.total_bonded.u128(), || {
            format!(
                "Σ validators bonded {bonded_sum} ≠ stats {}",
                stats.total_bonded
            )
        });
        r.check(unbonding <= stats.total_unbonding.u128(), || {
            format!(
                "Σ unbondings {unbonding} exceed stats total_unbonding {}",
                stats.total_unbonding
            )
        });
        let mut restaked = 0u128;
        let mut start_after = None;
        loop {
            let services = self.services(start_after, Some(30)).unwrap_or_default();
            for s in &services {
                let stake = self.service_stake(s.id).ok();
                let by_validator: u128 = stake
                    .as_ref()
                    .map(|st| st.validators.iter().map(|v| v.amount.u128()).sum())
                    .unwrap_or_default();
                let (opted, count) = per_service.get(&s.id).copied().unwrap_or_default();
                r.check(by_validator == s.total_stake.u128(), || {
                    format!(
                        "service {}: Σ per validator {by_validator} ≠ total {}",
                        s.id, s.total_stake
                    )
                });
                r.check(
                    opted <= s.total_stake.u128() && s.total_stake.u128() - opted <= count,
                    || {
                        format!(
                            "service {}: Σ of {count} opted positions {opted} ≠ total {} (±1 per position)",
                            s.id, s.total_stake
                        )
                    },
                );
                restaked += s.total_stake.u128();
            }
            if services.len() < 30 {
                break;
            }
            start_after = services.last().map(|s| s.id);
        }
        r.check(restaked == stats.total_restaked.u128(), || {
            format!(
                "Σ service totals {restaked} ≠ stats total_restaked {}",
                stats.total_restaked
            )
        });
        // In-flight unbondings count as the hub undelegated them: a chain slash of an
        // unbonding entry is only visible when it returns (and then shared by its batch).
        let chain_unbonding = self.chain_unbonding();
        r.check(chain_unbonding <= in_flight, || {
            format!("the chain unbonds {chain_unbonding} for the hub, more than the {in_flight} it undelegated")
        });
        // Returned unbondings wait in the validators' delegator proxies until settled.
        let bank = self.hub_balance(&self.denom) + self.proxies_balance(&self.denom);
        let held = bank + delegated + in_flight + chain_rewards;
        let owed = stats.total_bonded.u128()
            + stats.total_unbonding.u128()
            + stats.slashed_pending_routing.u128()
            + stats.slashed_unrouted.u128()
            + pending.get(&self.denom).copied().unwrap_or_default();
        r.check(held >= owed, || {
            format!(
                "{}: held {held} (bank {bank}, delegated {delegated}, in flight {in_flight}, chain rewards {chain_rewards}) < owed {owed}",
                self.denom
            )
        });
        for (asset, amount) in &pending {
            if *asset == self.denom {
                continue;
            }
            let have = match asset.strip_prefix("cw20:") {
                Some(token) => self.cw20_balance(&Addr::unchecked(token), self.hub.as_str()),
                None => self.hub_balance(asset),
            };
            r.check(have >= *amount, || {
                format!("{asset}: the hub holds {have} < pending rewards {amount}")
            });
        }
        r
    }

    /// Panics with every violation found by `check_invariants`.
    pub fn assert_invariants(&self) {
        let report = self.check_invariants();
        assert!(
            report.violations.is_empty(),
            "invariants violated:\n  {}",
            report.violations.join("\n  ")
        );
    }
}
