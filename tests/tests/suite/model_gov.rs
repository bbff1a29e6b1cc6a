//! The model test's governance part (issue 19), kept apart from the rest of the reference
//! model: proposals on the Suite's gov module, the stakers' ballots, and the tallies the hub
//! and the chain must show.
//!
//! The hub counts a ballot with the staker's bonded stake per validator *when it last counted
//! it* (at the vote, then at each deposit or unbond of that staker on that validator; slashes
//! wait for the next one). The model keeps each counted stake as an interval (the position's
//! value within its tolerance at that moment), so a tally is an interval too: per option
//! Σ floor(stake × weight) over the ballots, exactly as the hub rounds each ballot.
//!
//! What the model cannot decide alone it follows, after a safety check: a proposal the hub
//! marks closed must have left its voting period on the chain.
//!
//! Why one file: proposals, ballots and tallies are one state machine, checked against the
//! hub's answers and the chain's tally together.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{Decimal, Uint128};
use restake_multitest::Suite;
use restake_types::{ProposalVotesResponse, QueryMsg, StakerVoteResponse, VoteOption};

use super::model::{Expect, Model};

/// A staker's ballot: weights by option index, and the stake counted per validator.
#[derive(Clone, Debug, Default)]
pub struct MBallot {
    pub weights: Vec<(usize, Decimal)>,
    /// Cast as one option (`staker_vote` answers `option`, not `weighted`).
    pub single: bool,
    /// validator → (least, most) stake the hub counted there.
    pub counted: BTreeMap<String, (u128, u128)>,
}

/// The governance state the model keeps.
#[derive(Clone, Debug, Default)]
pub struct GovRef {
    /// The chain's proposals: id → end of the voting period (seconds).
    pub proposals: BTreeMap<u64, u64>,
    /// Proposals the hub marked closed (adopted from the hub, see the module docs).
    pub closed: BTreeSet<u64>,
    /// (proposal, staker address) → ballot.
    pub ballots: BTreeMap<(u64, String), MBallot>,
    /// The proposals each staker has an open vote on, in the hub's order.
    pub open: BTreeMap<String, Vec<u64>>,
    pub max_open_votes: usize,
}

/// Option index of `VoteOption::ALL`.
fn index(o: VoteOption) -> usize {
    VoteOption::ALL.iter().position(|x| *x == o).unwrap_or(0)
}

/// (least, most) the hub's `bonded_of` can be for a position of the model.
fn interval(m: &Model, staker: &str, v: &str) -> (u128, u128) {
    match m.positions.get(&(staker.to_string(), v.to_string())) {
        None => (0, 0),
        Some(p) if p.lazy => (0, p.amt.ceil() + p.tol),
        Some(p) => (p.amt.floor().saturating_sub(p.tol), p.amt.ceil() + p.tol),
    }
}

impl GovRef {
    pub fn new(max_open_votes: usize) -> GovRef {
        GovRef {
            max_open_votes,
            ..Default::default()
        }
    }

    /// The id a generated vote aims at: `back` = 1 the newest proposal, 2 the one before, ...;
    /// past the oldest, an id the chain has not opened yet.
    pub fn target(&self, back: u64) -> u64 {
        let newest = self.proposals.keys().next_back().copied().unwrap_or(0);
        if newest >= back {
            newest + 1 - back
        } else {
            newest + back
        }
    }

    pub fn in_period(&self, proposal: u64, now: u64) -> bool {
        self.proposals.get(&proposal).is_some_and(|end| now < *end)
    }

    /// The chain opened proposal `id`, whose voting ends at `ends_at` (seconds).
    pub fn opened(&mut self, id: u64, ends_at: u64) {
        self.proposals.insert(id, ends_at);
    }

    fn open_votes(&self, staker: &str) -> Vec<u64> {
        self.open
            .get(staker)
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|p| !self.closed.contains(p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the hub can re-cast (probe) the staker's vote on `proposal`: Yes when some
    /// validator certainly holds a cast of it (a counted stake of 4 or more gives every valid
    /// ballot at least one unit in some option), No when nothing was counted.
    fn probeable(&self, proposal: u64, staker: &str) -> (bool, bool) {
        let Some(b) = self.ballots.get(&(proposal, staker.to_string())) else {
            return (false, false);
        };
        let certain = b.counted.values().any(|(lo, _)| *lo >= 4);
        let possible = b.counted.values().any(|(_, hi)| *hi >= 1);
        (certain, possible)
    }

    /// What the hub does with a vote beyond the checks of `Model::expect` (form, funds,
    /// stake): a proposal the hub closed, one the chain refuses, and the open-votes cap.
    pub fn expect_vote(&self, now: u64, staker: &str, proposal: u64, base: Expect) -> Expect {
        let mut certain: Vec<String> = vec![];
        let mut possible: Vec<String> = vec![];
        if self.closed.contains(&proposal) {
            certain.push("the voting period of proposal".into());
        } else if !self.in_period(proposal, now) {
            // sent and refused by the chain, unless the cap or the rounding refuses it first
            certain.push("inactive proposal".into());
            possible.push("open votes on".into());
            possible.push("counts for nothing".into());
        } else {
            let open = self.open_votes(staker);
            if !open.contains(&proposal) && open.len() >= self.max_open_votes {
                // at the cap: the ended ones the hub can probe close; the rest hold places
                let (mut least, mut most) = (0usize, 0usize);
                for p in &open {
                    let (certain_probe, possible_probe) = self.probeable(*p, staker);
                    if self.in_period(*p, now) || !possible_probe {
                        least += 1;
                        most += 1;
                    } else if !certain_probe {
                        most += 1;
                    }
                }
                if least >= self.max_open_votes {
                    certain.push("open votes on".into());
                } else if most >= self.max_open_votes {
                    possible.push("open votes on".into());
                }
            }
        }
        match base {
            Expect::Err(mut reasons) => {
                reasons.extend(certain);
                reasons.extend(possible);
                Expect::Err(reasons)
            }
            Expect::Either(mut reasons) if !certain.is_empty() => {
                reasons.extend(certain);
                reasons.extend(possible);
                Expect::Err(reasons)
            }
            Expect::Either(mut reasons) => {
                reasons.extend(possible);
                Expect::Either(reasons)
            }
            Expect::Ok if !certain.is_empty() => {
                certain.extend(possible);
                Expect::Err(certain)
            }
            Expect::Ok if !possible.is_empty() => Expect::Either(possible),
            Expect::Ok => Expect::Ok,
        }
    }

    /// A vote the hub took: the staker's ballot replaces its previous one, counted with its
    /// stake on every validator now.
    pub fn apply_vote(
        &mut self,
        m: &Model,
        staker: &str,
        proposal: u64,
        weights: Vec<(usize, Decimal)>,
        single: bool,
    ) {
        let mut counted = BTreeMap::new();
        for (s, v) in m.positions.keys() {
            if s == staker {
                let i = interval(m, staker, v);
                if i.1 > 0 {
                    counted.insert(v.clone(), i);
                }
            }
        }
        self.ballots.insert(
            (proposal, staker.to_string()),
            MBallot {
                weights,
                single,
                counted,
            },
        );
        let mut open = self.open_votes(staker);
        if !open.contains(&proposal) {
            open.push(proposal);
        }
        self.open.insert(staker.to_string(), open);
    }

    /// After a deposit or unbond of `staker` on `v`: its open votes follow its stake there.
    pub fn follow(&mut self, m: &Model, staker: &str, v: &str) {
        for p in self.open_votes(staker) {
            if let Some(b) = self.ballots.get_mut(&(p, staker.to_string())) {
                let i = interval(m, staker, v);
                if i.1 == 0 {
                    b.counted.remove(v);
                } else {
                    b.counted.insert(v.to_string(), i);
                }
            }
        }
    }

    /// Per option (least, most) of the voters' stake on `proposal`, on one validator or
    /// hub-wide, and the voters' stake itself.
    fn tally(&self, proposal: u64, only: Option<&str>) -> ([(u128, u128); 4], (u128, u128)) {
        let mut options = [(0u128, 0u128); 4];
        let mut voters = (0u128, 0u128);
        for ((p, _), b) in &self.ballots {
            if *p != proposal {
                continue;
            }
            for (v, (lo, hi)) in &b.counted {
                if only.is_some_and(|o| o != v) {
                    continue;
                }
                voters.0 += lo;
                voters.1 += hi;
                for (o, w) in &b.weights {
                    options[*o].0 += Uint128::new(*lo).mul_floor(*w).u128();
                    options[*o].1 += Uint128::new(*hi).mul_floor(*w).u128();
                }
            }
        }
        (options, voters)
    }

    /// After every successful step: the proposals the hub marked closed (a re-cast or a
    /// probe the chain refused), each of which must have left its voting period; the model
    /// follows them. Checked for the proposals any staker has an open vote on.
    pub fn adopt_closed(&mut self, s: &Suite, now: u64) -> Result<(), String> {
        let watched: BTreeSet<u64> = self.open.values().flatten().copied().collect();
        for p in watched {
            if self.closed.contains(&p) {
                continue;
            }
            let r: ProposalVotesResponse = s
                .query(&QueryMsg::ProposalVotes { proposal_id: p })
                .map_err(|e| format!("proposal_votes {p}: {e}"))?;
            if r.closed {
                if self.in_period(p, now) {
                    return Err(format!(
                        "the hub closed proposal {p}, which is still in its voting period"
                    ));
                }
                self.closed.insert(p);
            }
        }
        for list in self.open.values_mut() {
            list.retain(|p| !self.closed.contains(p));
        }
        Ok(())
    }

    /// The hub's tallies, the stakers' votes, and the chain's tally of what the hub's
    /// delegators cast, for the newest proposals.
    pub fn compare(&self, s: &Suite, stakers: &[&str]) -> Result<(), String> {
        let now = s.now().seconds();
        let newest: Vec<u64> = self.proposals.keys().rev().take(3).copied().collect();
        for p in newest {
            let r: ProposalVotesResponse = s
                .query(&QueryMsg::ProposalVotes { proposal_id: p })
                .map_err(|e| format!("proposal_votes {p}: {e}"))?;
            if r.closed != self.closed.contains(&p) {
                return Err(format!(
                    "proposal {p}: the hub says closed = {}, the model {}",
                    r.closed,
                    self.closed.contains(&p)
                ));
            }
            let (options, voters) = self.tally(p, None);
            for (i, o) in VoteOption::ALL.iter().enumerate() {
                let got = r.tally[i].stake.u128();
                if got < options[i].0 || got > options[i].1 {
                    return Err(format!(
                        "proposal {p}: the hub's {o:?} stake {got} is outside the model's {:?}",
                        options[i]
                    ));
                }
            }
            let got = r.voters_stake.u128();
            if got < voters.0 || got > voters.1 {
                return Err(format!(
                    "proposal {p}: voters' stake {got} outside the model's {voters:?}"
                ));
            }
            for name in stakers {
                // (the model's stakers are their addresses)
                let staker = s.addr(name).to_string();
                let sv: StakerVoteResponse = s
                    .query(&QueryMsg::StakerVote {
                        proposal_id: p,
                        staker: staker.clone(),
                    })
                    .map_err(|e| format!("staker_vote {p} {name}: {e}"))?;
                match self.ballots.get(&(p, staker)) {
                    None => {
                        if sv.option.is_some() || sv.weighted.is_some() || !sv.stake.is_zero() {
                            return Err(format!("{name} on {p}: a vote the model has not: {sv:?}"));
                        }
                    }
                    Some(b) => {
                        let shown: Vec<(usize, Decimal)> = match (&sv.option, &sv.weighted) {
                            (Some(o), None) if b.single => vec![(index(*o), Decimal::one())],
                            (None, Some(list)) if !b.single => {
                                let mut l: Vec<_> =
                                    list.iter().map(|w| (index(w.option), w.weight)).collect();
                                l.sort();
                                l
                            }
                            _ => vec![],
                        };
                        let mut want = b.weights.clone();
                        want.sort();
                        let (lo, hi) = b
                            .counted
                            .values()
                            .fold((0, 0), |a, (l, h)| (a.0 + l, a.1 + h));
                        if shown != want || sv.stake.u128() < lo || sv.stake.u128() > hi {
                            return Err(format!(
                                "{name} on {p}: the hub shows {sv:?}, the model {b:?}"
                            ));
                        }
                    }
                }
            }
            if self.in_period(p, now) {
                self.compare_casts(s, p, &r)?;
            }
        }
        Ok(())
    }

    /// While a proposal is in its voting period: each validator's cast is the mix of the
    /// model's tally on it, and the chain counts each delegator's delegation with its cast.
    fn compare_casts(&self, s: &Suite, p: u64, r: &ProposalVotesResponse) -> Result<(), String> {
        let eps = Decimal::raw(8);
        for c in &r.by_validator {
            let (options, voters) = self.tally(p, Some(c.validator.as_str()));
            let got = c.voters_stake.u128();
            if got < voters.0 || got > voters.1 {
                return Err(format!(
                    "proposal {p} on {}: voters' stake {got} outside the model's {voters:?}",
                    c.validator
                ));
            }
            let total = options
                .iter()
                .fold((0u128, 0u128), |a, (l, h)| (a.0 + l, a.1 + h));
            if total.0 == 0 {
                // the last cast may be of voters who left (the chain keeps it)
                continue;
            }
            for (i, (lo, hi)) in options.iter().enumerate() {
                let w = c
                    .weights
                    .iter()
                    .find(|w| index(w.option) == i)
                    .map(|w| w.weight)
                    .unwrap_or_default();
                let least = Decimal::from_ratio(*lo, total.1);
                let most = Decimal::from_ratio(*hi, total.0);
                if w + eps < least || w > most + eps {
                    return Err(format!(
                        "proposal {p} on {}: cast {:?} weight {w} outside the model's [{least}, {most}]",
                        c.validator,
                        VoteOption::ALL[i]
                    ));
                }
            }
        }
        // The chain's tally: each voter's delegations on bonded validators × its weights.
        let chain = s.gov_tally(p);
        let bonded: Vec<String> = s
            .app
            .wrap()
            .query_all_validators()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|v| v.address)
            .collect();
        let mut want = [Decimal::zero(); 4];
        let mut parts = 0u128;
        for c in &r.by_validator {
            let (Some(proxy), true) = (s.delegator(&c.validator), bonded.contains(&c.validator))
            else {
                continue;
            };
            let Some(votes) = s.gov_vote(p, proxy.as_str()) else {
                continue;
            };
            let d = s
                .app
                .wrap()
                .query_delegation(proxy.to_string(), c.validator.clone())
                .map_err(|e| e.to_string())?
                .map(|d| d.amount.amount)
                .unwrap_or_default();
            parts += 1;
            for o in votes {
                let i = index(match o.option {
                    cosmwasm_std::VoteOption::Yes => VoteOption::Yes,
                    cosmwasm_std::VoteOption::No => VoteOption::No,
                    cosmwasm_std::VoteOption::Abstain => VoteOption::Abstain,
                    cosmwasm_std::VoteOption::NoWithVeto => VoteOption::NoWithVeto,
                });
                want[i] += Decimal::from_ratio(d, 1u128) * o.weight;
            }
            // what the chain recorded is what the hub says it cast
            let cast: Vec<(usize, Decimal)> = c
                .weights
                .iter()
                .map(|w| (index(w.option), w.weight))
                .collect();
            let recorded: Vec<(usize, Decimal)> = s
                .gov_vote(p, proxy.as_str())
                .unwrap_or_default()
                .iter()
                .map(|o| {
                    (
                        match o.option {
                            cosmwasm_std::VoteOption::Yes => 0,
                            cosmwasm_std::VoteOption::No => 1,
                            cosmwasm_std::VoteOption::Abstain => 2,
                            cosmwasm_std::VoteOption::NoWithVeto => 3,
                        },
                        o.weight,
                    )
                })
                .collect();
            let (mut a, mut b) = (cast, recorded);
            a.sort();
            b.sort();
            if a != b {
                return Err(format!(
                    "proposal {p} on {}: the hub reports cast {a:?}, the chain recorded {b:?}",
                    c.validator
                ));
            }
        }
        let got = [chain.yes, chain.no, chain.abstain, chain.no_with_veto];
        for i in 0..4 {
            let w = want[i].to_uint_floor().u128();
            let g = got[i].u128();
            if g + parts < w || g > w + parts {
                return Err(format!(
                    "proposal {p}: the chain's {:?} tally {g}, the hub's casts give {w}",
                    VoteOption::ALL[i]
                ));
            }
        }
        Ok(())
    }
}
