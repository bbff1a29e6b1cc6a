//! The invariants of docs/design.md, checked against the chain's own bank and staking state,
//! and the hub's raw storage kept free of empty records.
//!
//! Why one file: every invariant is one finding of a single pass over the same queries,
//! typed by one enum whose `Display` gives the lines users read; split, each part would
//! query the hub again or reach into another's tallies.

use std::collections::BTreeMap;
use std::fmt;

use cosmwasm_std::Addr;
use restake_types::Asset;

use crate::suite::Suite;

/// What an invariant is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The hub as a whole (its `stats`, its unbondings on the chain).
    Hub,
    /// One validator, by operator address.
    Validator(String),
    /// One service, by id.
    Service(u64),
    /// One asset the hub holds.
    Asset(Asset),
}

/// Which invariant broke. For a comparison, `expected` is the value the invariant ties the
/// finding to (the sum it must equal, or the bound it must stay within) and `actual` what
/// was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// A query the check needs failed (`Hub`: `stats`, `Validator`: its books); `expected`
    /// and `actual` are 0.
    QueryFailed { error: String },
    /// Σ of a validator's `positions` positions (`actual`) is above its books' bonded
    /// (`expected`) or below it by more than one unit per position.
    PositionsVsBonded { positions: u128 },
    /// Σ of a validator's pools (`actual`) ≠ its books' bonded (`expected`).
    PoolsVsBonded,
    /// A validator's books (`actual`) exceed the chain's delegation (`expected`).
    BooksAboveDelegation,
    /// Σ of the validators' bonded (`actual`) ≠ `stats.total_bonded` (`expected`).
    BondedVsStats,
    /// Σ of the unbondings (`actual`) exceed `stats.total_unbonding` (`expected`).
    UnbondingsAboveStats,
    /// Σ of a service's per-validator stake (`actual`) ≠ its total (`expected`).
    ServiceValidatorsVsTotal,
    /// Σ of the `positions` positions opted into a service (`actual`) is above its total
    /// (`expected`) or below it by more than one unit per position.
    OptedVsServiceTotal { positions: u128 },
    /// Σ of the service totals (`actual`) ≠ `stats.total_restaked` (`expected`).
    RestakedVsStats,
    /// The chain unbonds more for the hub (`actual`) than it undelegated (`expected`).
    ChainUnbondingAboveInFlight,
    /// In the bonded denom the hub holds (`actual`: bank + delegated + in flight + chain
    /// rewards) less than it owes (`expected`).
    HeldBelowOwed {
        bank: u128,
        delegated: u128,
        in_flight: u128,
        chain_rewards: u128,
    },
    /// The hub holds less of a reward asset (`actual`) than the rewards pending in it
    /// (`expected`).
    BankBelowPendingRewards,
    /// The index of each service's pools on a validator (what a slash reads to find the
    /// pools it hits) differs from the validator's slots: `actual` index entries name a
    /// pool the slots do not list under that service, or the other way round.
    PoolIndexVsSlots,
    /// A history answer (`hub_history`, or `service_history` of the service in `subject`)
    /// over 90 days is not in strictly increasing day order before `now`: `actual` is the
    /// index of the first point out of order.
    HistoryOutOfOrder,
    /// The hub stores a record that holds nothing (a staker's open votes or pending rewards,
    /// where no record means none): every byte written costs gas, and such a record is
    /// never removed. `actual` is the number of such records.
    EmptyRecordStored { what: &'static str },
    /// An unbonding group is stored for a pool its batch does not list (or for a batch that
    /// is gone): `unbond` reads a pool's group only when its batch lists the pool, so such a
    /// group would be overwritten. `actual` is the number of such groups.
    GroupNotListed,
}

/// One broken invariant. `Display` gives the line `assert_invariants` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    pub subject: Subject,
    pub expected: u128,
    pub actual: u128,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Hub => f.write_str("hub"),
            Subject::Validator(v) => f.write_str(v),
            Subject::Service(id) => write!(f, "service {id}"),
            Subject::Asset(a) => write!(f, "{a}"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViolationKind::*;
        let Violation {
            kind,
            subject: s,
            expected: e,
            actual: a,
        } = self;
        match kind {
            QueryFailed { error } => match s {
                Subject::Validator(_) => write!(f, "validator query failed: {error}"),
                _ => write!(f, "stats query failed: {error}"),
            },
            PositionsVsBonded { positions } => write!(
                f,
                "{s}: Σ of {positions} positions {a} ≠ books bonded {e} (±1 per position)"
            ),
            PoolsVsBonded => write!(f, "{s}: Σ pools {a} ≠ books bonded {e}"),
            BooksAboveDelegation => {
                write!(f, "{s}: books {a} exceed the chain's delegation {e}")
            }
            BondedVsStats => write!(f, "Σ validators bonded {a} ≠ stats {e}"),
            UnbondingsAboveStats => {
                write!(f, "Σ unbondings {a} exceed stats total_unbonding {e}")
            }
            ServiceValidatorsVsTotal => write!(f, "{s}: Σ per validator {a} ≠ total {e}"),
            OptedVsServiceTotal { positions } => write!(
                f,
                "{s}: Σ of {positions} opted positions {a} ≠ total {e} (±1 per position)"
            ),
            RestakedVsStats => write!(f, "Σ service totals {a} ≠ stats total_restaked {e}"),
            ChainUnbondingAboveInFlight => write!(
                f,
                "the chain unbonds {a} for the hub, more than the {e} it undelegated"
            ),
            HeldBelowOwed {
                bank,
                delegated,
                in_flight,
                chain_rewards,
            } => write!(
                f,
                "{s}: held {a} (bank {bank}, delegated {delegated}, in flight {in_flight}, chain rewards {chain_rewards}) < owed {e}"
            ),
            EmptyRecordStored { what } => write!(f, "{a} empty {what} record(s) stored"),
            GroupNotListed => write!(f, "{a} unbonding group(s) stored for a pool their batch does not list"),
            HistoryOutOfOrder => write!(f, "{s}: history point {a} is out of day order"),
            PoolIndexVsSlots => write!(
                f,
                "{a} (service, validator, pool) index entries differ from the validators' slots"
            ),
            BankBelowPendingRewards => {
                write!(f, "{s}: the hub holds {a} < pending rewards {e}")
            }
        }
    }
}

/// Collects the violations of one check.
#[derive(Default)]
struct Found(Vec<Violation>);

impl Found {
    /// Records a violation of `kind` about `subject` unless `ok`.
    fn check(
        &mut self,
        ok: bool,
        kind: ViolationKind,
        subject: Subject,
        expected: u128,
        actual: u128,
    ) {
        if !ok {
            self.0.push(Violation {
                kind,
                subject,
                expected,
                actual,
            });
        }
    }

    fn query_failed(&mut self, subject: Subject, error: impl fmt::Display) {
        let kind = ViolationKind::QueryFailed {
            error: error.to_string(),
        };
        self.check(false, kind, subject, 0, 0);
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
    pub fn check_invariants(&self) -> Vec<Violation> {
        use ViolationKind::*;
        let mut r = Found::default();
        let stats = match self.stats() {
            Ok(s) => s,
            Err(e) => {
                r.query_failed(Subject::Hub, e);
                return r.0;
            }
        };
        let stakers: Vec<Addr> = self.known.iter().cloned().collect();
        // (Σ amounts, number of positions): positions' values round down, so a pool may
        // hold up to one unit per position that no single position shows yet.
        let mut per_validator: BTreeMap<String, (u128, u128)> = BTreeMap::new();
        let mut per_service: BTreeMap<u64, (u128, u128)> = BTreeMap::new();
        // Keyed by the asset's text, which orders the findings as before they were typed.
        let mut pending: BTreeMap<String, (Asset, u128)> = BTreeMap::new();
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
                let asset = match (&reward.denom, &reward.cw20) {
                    (Some(d), _) => Asset::Native(d.clone()),
                    (_, Some(c)) => Asset::Cw20(c.clone()),
                    _ => continue,
                };
                let e = pending.entry(asset.to_string()).or_insert((asset, 0));
                e.1 += reward.amount.u128();
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
                    r.query_failed(Subject::Validator(v.clone()), e);
                    continue;
                }
            };
            let subject = || Subject::Validator(v.clone());
            let (positions, count) = per_validator.get(v).copied().unwrap_or_default();
            r.check(
                positions <= books.bonded.u128() && books.bonded.u128() - positions <= count,
                PositionsVsBonded { positions: count },
                subject(),
                books.bonded.u128(),
                positions,
            );
            let pools: u128 = self
                .pools(v)
                .unwrap_or_default()
                .iter()
                .map(|p| p.bonded.u128())
                .sum();
            r.check(
                pools == books.bonded.u128(),
                PoolsVsBonded,
                subject(),
                books.bonded.u128(),
                pools,
            );
            let chain = self.delegation(v);
            r.check(
                books.books.u128() <= chain,
                BooksAboveDelegation,
                subject(),
                chain,
                books.books.u128(),
            );
            bonded_sum += books.bonded.u128();
            delegated += chain;
            in_flight += books.unbonding_in_flight.u128();
            chain_rewards += self.chain_rewards(v);
        }
        r.check(
            bonded_sum == stats.total_bonded.u128(),
            BondedVsStats,
            Subject::Hub,
            stats.total_bonded.u128(),
            bonded_sum,
        );
        r.check(
            unbonding <= stats.total_unbonding.u128(),
            UnbondingsAboveStats,
            Subject::Hub,
            stats.total_unbonding.u128(),
            unbonding,
        );
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
                r.check(
                    by_validator == s.total_stake.u128(),
                    ServiceValidatorsVsTotal,
                    Subject::Service(s.id),
                    s.total_stake.u128(),
                    by_validator,
                );
                r.check(
                    opted <= s.total_stake.u128() && s.total_stake.u128() - opted <= count,
                    OptedVsServiceTotal { positions: count },
                    Subject::Service(s.id),
                    s.total_stake.u128(),
                    opted,
                );
                restaked += s.total_stake.u128();
            }
            if services.len() < 30 {
                break;
            }
            start_after = services.last().map(|s| s.id);
        }
        r.check(
            restaked == stats.total_restaked.u128(),
            RestakedVsStats,
            Subject::Hub,
            stats.total_restaked.u128(),
            restaked,
        );
        // In-flight unbondings count as the hub undelegated them: a chain slash of an
        // unbonding entry is only visible when it returns (and then shared by its batch).
        let chain_unbonding = self.chain_unbonding();
        r.check(
            chain_unbonding <= in_flight,
            ChainUnbondingAboveInFlight,
            Subject::Hub,
            in_flight,
            chain_unbonding,
        );
        // Returned unbondings wait in the validators' delegator proxies until settled.
        let bank = self.hub_balance(&self.denom) + self.proxies_balance(&self.denom);
        let held = bank + delegated + in_flight + chain_rewards;
        let owed = stats.total_bonded.u128()
            + stats.total_unbonding.u128()
            + stats.slashed_pending_routing.u128()
            + stats.slashed_unrouted.u128()
            + pending.get(&self.denom).map_or(0, |(_, a)| *a);
        r.check(
            held >= owed,
            HeldBelowOwed {
                bank,
                delegated,
                in_flight,
                chain_rewards,
            },
            Subject::Asset(Asset::native(&self.denom)),
            owed,
            held,
        );
        for (asset, amount) in pending.into_values() {
            let have = match &asset {
                Asset::Native(d) if *d == self.denom => continue,
                Asset::Native(d) => self.hub_balance(d),
                Asset::Cw20(token) => self.cw20_balance(token, self.hub.as_str()),
            };
            r.check(
                have >= amount,
                BankBelowPendingRewards,
                Subject::Asset(asset),
                amount,
                have,
            );
        }
        self.check_storage(&mut r);
        self.check_history(&mut r);
        r.0
    }

    /// The 90-day history of the hub and of every service comes oldest first, before today.
    fn check_history(&self, r: &mut Found) {
        use restake_types::{HubHistoryResponse, QueryMsg, ServiceHistoryResponse};
        let days = Some(90);
        let mut series: Vec<(Subject, Vec<u64>)> = vec![];
        if let Ok(h) = self.query::<HubHistoryResponse>(&QueryMsg::HubHistory { days }) {
            let mut d: Vec<u64> = h.points.iter().map(|p| p.day).collect();
            d.push(h.now.day);
            series.push((Subject::Hub, d));
        }
        for service in self.services(None, Some(100)).unwrap_or_default() {
            let id = service.id;
            let msg = QueryMsg::ServiceHistory {
                service_id: id,
                days,
            };
            if let Ok(h) = self.query::<ServiceHistoryResponse>(&msg) {
                let mut d: Vec<u64> = h.points.iter().map(|p| p.day).collect();
                d.push(h.now.day);
                series.push((Subject::Service(id), d));
            }
        }
        for (subject, days) in series {
            let bad = days.windows(2).position(|w| w[0] >= w[1]);
            if let Some(i) = bad {
                let kind = ViolationKind::HistoryOutOfOrder;
                r.check(false, kind, subject, 0, i as u128 + 1);
            }
        }
    }

    /// The hub's raw storage: records whose absence means "none" are not stored empty, and
    /// the service-pool index lists exactly the slotted pools under each of their services.
    fn check_storage(&self, r: &mut Found) {
        use std::collections::BTreeSet;

        use restake_hub::state::codec::{from_bytes, read_uint};
        use restake_hub::state::{ns, Batch, Pool, StakerRewards};
        let (mut votes, mut rewards) = (0u128, 0u128);
        // (service, vid, pool) as the index has them, and the validators' slots.
        let mut index = BTreeSet::new();
        let mut slots: Vec<(u64, Vec<u64>)> = vec![];
        let mut pools = BTreeMap::new();
        let (mut groups, mut batches) = (vec![], BTreeMap::new());
        for (key, value) in self.app.dump_wasm_raw(&self.hub) {
            let mut rest = &key[1..];
            match key.first() {
                Some(&ns::SERVICE_STAKE) => {
                    let mut id = || read_uint(&mut rest).expect("index key");
                    index.insert((id(), id(), id()));
                }
                Some(&ns::VALIDATOR_POOLS) => {
                    let vid = read_uint(&mut rest).expect("slots key");
                    slots.push((vid, from_bytes::<Vec<u64>>(&value).expect("slots")));
                }
                Some(&ns::POOL) => {
                    let pool = from_bytes::<Pool>(&value).expect("pool");
                    pools.insert(pool.id, pool.services);
                }
                Some(&ns::GROUP) => {
                    let mut id = || read_uint(&mut rest).expect("group key");
                    groups.push((id(), id()));
                }
                Some(&ns::BATCH) => {
                    let batch = from_bytes::<Batch>(&value).expect("batch");
                    batches.insert(batch.id, batch.pools);
                }
                Some(&ns::STAKER_VOTES) => {
                    votes += u128::from(from_bytes::<Vec<u64>>(&value).is_ok_and(|v| v.is_empty()));
                }
                Some(&ns::STAKER) => {
                    rewards += u128::from(
                        from_bytes::<StakerRewards>(&value).is_ok_and(|v| v.rewards.is_empty()),
                    );
                }
                _ => {}
            }
        }
        let mut slotted = BTreeSet::new();
        for (vid, ids) in slots {
            for id in ids {
                for service in pools.get(&id).into_iter().flatten() {
                    slotted.insert((*service, vid, id));
                }
            }
        }
        let differ = index.symmetric_difference(&slotted).count() as u128;
        r.check(
            differ == 0,
            ViolationKind::PoolIndexVsSlots,
            Subject::Hub,
            0,
            differ,
        );
        let unlisted = groups
            .iter()
            .filter(|(batch, pool)| !batches.get(batch).is_some_and(|p| p.contains(pool)))
            .count() as u128;
        r.check(
            unlisted == 0,
            ViolationKind::GroupNotListed,
            Subject::Hub,
            0,
            unlisted,
        );
        let what = [("open votes", votes), ("staker rewards", rewards)];
        for (what, n) in what {
            r.check(
                n == 0,
                ViolationKind::EmptyRecordStored { what },
                Subject::Hub,
                0,
                n,
            );
        }
    }

    /// Panics with every violation found by `check_invariants`.
    pub fn assert_invariants(&self) {
        let violations = self.check_invariants();
        assert!(
            violations.is_empty(),
            "invariants violated:\n  {}",
            violations
                .iter()
                .map(Violation::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(kind: ViolationKind, subject: Subject, expected: u128, actual: u128) -> String {
        Violation {
            kind,
            subject,
            expected,
            actual,
        }
        .to_string()
    }

    /// The lines users read (the CLI's failure details, `assert_invariants`) are the
    /// ones the checker printed before its findings were typed.
    #[test]
    fn display_keeps_the_old_lines() {
        use ViolationKind::*;
        let val = || Subject::Validator("val1".into());
        let err = || QueryFailed {
            error: "boom".into(),
        };
        let cases = [
            (v(err(), Subject::Hub, 0, 0), "stats query failed: boom"),
            (v(err(), val(), 0, 0), "validator query failed: boom"),
            (
                v(PositionsVsBonded { positions: 3 }, val(), 10, 7),
                "val1: Σ of 3 positions 7 ≠ books bonded 10 (±1 per position)",
            ),
            (
                v(PoolsVsBonded, val(), 10, 9),
                "val1: Σ pools 9 ≠ books bonded 10",
            ),
            (
                v(BooksAboveDelegation, val(), 5, 6),
                "val1: books 6 exceed the chain's delegation 5",
            ),
            (
                v(BondedVsStats, Subject::Hub, 4, 3),
                "Σ validators bonded 3 ≠ stats 4",
            ),
            (
                v(UnbondingsAboveStats, Subject::Hub, 4, 5),
                "Σ unbondings 5 exceed stats total_unbonding 4",
            ),
            (
                v(ServiceValidatorsVsTotal, Subject::Service(2), 8, 7),
                "service 2: Σ per validator 7 ≠ total 8",
            ),
            (
                v(
                    OptedVsServiceTotal { positions: 2 },
                    Subject::Service(2),
                    8,
                    5,
                ),
                "service 2: Σ of 2 opted positions 5 ≠ total 8 (±1 per position)",
            ),
            (
                v(RestakedVsStats, Subject::Hub, 8, 9),
                "Σ service totals 9 ≠ stats total_restaked 8",
            ),
            (
                v(ChainUnbondingAboveInFlight, Subject::Hub, 1, 2),
                "the chain unbonds 2 for the hub, more than the 1 it undelegated",
            ),
            (
                v(
                    HeldBelowOwed {
                        bank: 1,
                        delegated: 2,
                        in_flight: 3,
                        chain_rewards: 4,
                    },
                    Subject::Asset(Asset::native("ustake")),
                    11,
                    10,
                ),
                "ustake: held 10 (bank 1, delegated 2, in flight 3, chain rewards 4) < owed 11",
            ),
            (
                v(
                    BankBelowPendingRewards,
                    Subject::Asset(Asset::Cw20(Addr::unchecked("tok"))),
                    8,
                    4,
                ),
                "cw20:tok: the hub holds 4 < pending rewards 8",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
