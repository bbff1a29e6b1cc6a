//! Tallies: each validator's stake-weighted mix of its voters' choices, kept at O(1) per
//! change, and the casts that follow them.

use cosmwasm_std::{Decimal, SubMsg, Uint128};
use restake_types::{ProxyAction, VoteOption, WeightedVote};

use crate::chain::Chain;
use crate::error::{ContractError, VoteProblem};
use crate::state::books::Books;
use crate::state::codec::payload;
use crate::state::{keys, Ballot, Delegator, Tally, VOTE_RECAST_REPLY_ID};

fn index(o: VoteOption) -> u8 {
    match o {
        VoteOption::Yes => 0,
        VoteOption::No => 1,
        VoteOption::Abstain => 2,
        VoteOption::NoWithVeto => 3,
    }
}

pub fn option(i: u8) -> VoteOption {
    VoteOption::ALL[usize::from(i).min(3)]
}

pub fn weighted(list: &[(u8, Decimal)]) -> Vec<WeightedVote> {
    list.iter()
        .map(|(o, w)| WeightedVote {
            option: option(*o),
            weight: *w,
        })
        .collect()
}

/// Checks a vote: exactly one of `option` / `weighted`; weights > 0, options distinct,
/// summing to exactly 1.
pub(super) fn choice(
    option: Option<VoteOption>,
    weighted: Option<Vec<WeightedVote>>,
) -> Result<(Vec<(u8, Decimal)>, bool), ContractError> {
    match (option, weighted) {
        (Some(o), None) => Ok((vec![(index(o), Decimal::one())], true)),
        (None, Some(list)) => {
            if list.is_empty() {
                return Err(ContractError::EmptyList {
                    field: "weighted".into(),
                });
            }
            let mut out: Vec<(u8, Decimal)> = vec![];
            let mut sum = Decimal::zero();
            for w in &list {
                if w.weight.is_zero() {
                    return Err(ContractError::InvalidVote {
                        reason: VoteProblem::ZeroWeight,
                    });
                }
                if out.iter().any(|(o, _)| *o == index(w.option)) {
                    return Err(ContractError::Duplicate {
                        field: "vote option".into(),
                        id: format!("{:?}", w.option),
                    });
                }
                sum = sum.checked_add(w.weight)?;
                out.push((index(w.option), w.weight));
            }
            if sum != Decimal::one() {
                return Err(ContractError::InvalidVote {
                    reason: VoteProblem::WeightsSum { sum },
                });
            }
            restake_types::math::sort_small(&mut out);
            Ok((out, false))
        }
        _ => Err(ContractError::InvalidVote {
            reason: VoteProblem::OptionAndWeighted,
        }),
    }
}

/// A tally's mix as weights summing to exactly 1 (the largest option takes the rounding).
fn mix(t: &Tally) -> Vec<(u8, Decimal)> {
    if t.voters.is_zero() {
        return vec![];
    }
    let total: Uint128 = t.options.iter().copied().sum();
    if total.is_zero() {
        return vec![];
    }
    let mut out: Vec<(u8, Decimal)> = t
        .options
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_zero())
        .map(|(i, s)| (i as u8, Decimal::from_ratio(*s, total)))
        .collect();
    let sum: Decimal = out.iter().map(|(_, w)| *w).sum();
    if let Some(biggest) = out.iter_mut().max_by_key(|(_, w)| *w) {
        biggest.1 += Decimal::one() - sum.min(Decimal::one());
    }
    out
}

pub(super) fn add(t: &mut Tally, weights: &[(u8, Decimal)], stake: Uint128, plus: bool) {
    if t.options.len() < 4 {
        t.options.resize(4, Uint128::zero());
    }
    for (o, w) in weights {
        let part = stake.mul_floor(*w);
        let slot = &mut t.options[usize::from(*o)];
        *slot = if plus {
            slot.saturating_add(part)
        } else {
            slot.saturating_sub(part)
        };
    }
    t.voters = if plus {
        t.voters.saturating_add(stake)
    } else {
        t.voters.saturating_sub(stake)
    };
}

impl Books<'_> {
    pub(super) fn tally(
        &mut self,
        proposal: u64,
        vid: Option<u32>,
    ) -> Result<Tally, ContractError> {
        Ok(self.record::<Tally>(keys::tally(proposal, vid))?.clone())
    }

    /// The staker's ballot on the proposal.
    pub fn ballot(
        &mut self,
        proposal: u64,
        staker: &[u8],
    ) -> Result<Option<Ballot>, ContractError> {
        Ok(self
            .existing::<Ballot>(keys::ballot(proposal, staker))?
            .cloned())
    }

    /// Whether the validator's delegation is held by the hub's own account (a validator of a
    /// v0.1 hub, see `legacy`), whose one chain vote serves all such validators.
    pub(super) fn on_hub_account(&mut self, vid: u32) -> Result<bool, ContractError> {
        Ok(self.delegator(vid)?.1 == Delegator::Hub)
    }

    pub(super) fn account_tally(&mut self, proposal: u64) -> Result<Tally, ContractError> {
        Ok(self.record::<Tally>(keys::account_tally(proposal))?.clone())
    }

    /// Moves `stake` voting `weights` into (`plus`) or out of the validator's tally, and, when
    /// the hub's own account delegates to it, out of or into that account's shared tally too:
    /// the chain counts one vote per delegator, so the account votes the mix of the voters of
    /// all its validators together, kept up to date here at O(1).
    pub(super) fn count(
        &mut self,
        proposal: u64,
        vid: u32,
        weights: &[(u8, Decimal)],
        stake: Uint128,
        plus: bool,
    ) -> Result<(), ContractError> {
        let mut t = self.tally(proposal, Some(vid))?;
        add(&mut t, weights, stake, plus);
        self.write(keys::tally(proposal, Some(vid)), &t)?;
        if self.on_hub_account(vid)? {
            let mut account = self.account_tally(proposal)?;
            add(&mut account, weights, stake, plus);
            self.write(keys::account_tally(proposal), &account)?;
        }
        Ok(())
    }

    /// The weights the validator's delegator last sent to the chain for `proposal` (the hub
    /// account's shared vote for a v0.1 validator); empty if it has sent none.
    fn last_cast(&mut self, proposal: u64, vid: u32) -> Result<Vec<(u8, Decimal)>, ContractError> {
        Ok(match self.delegator(vid)?.1 {
            Delegator::Pending => vec![],
            Delegator::Hub => self.account_tally(proposal)?.cast,
            Delegator::Proxy(_) => self.tally(proposal, Some(vid))?.cast,
        })
    }

    /// A probe of whether `proposal` is still in its voting period: the vote one of the
    /// staker's validators' delegators last cast on it, sent again unchanged. The chain takes
    /// it again (changing nothing) while the voting period lasts and refuses it after. None
    /// when no delegator of the staker's ballot has cast on it.
    pub(super) fn probe(
        &mut self,
        chain: &Chain,
        proposal: u64,
        staker: &[u8],
    ) -> Result<Option<SubMsg>, ContractError> {
        let Some(ballot) = self.ballot(proposal, staker)? else {
            return Ok(None);
        };
        for (vid, _) in &ballot.counted {
            let weights = self.last_cast(proposal, *vid)?;
            if weights.is_empty() {
                continue;
            }
            let action = ProxyAction::Vote {
                proposal_id: proposal,
                options: weighted(&weights),
            };
            if let Some(sub) = self.calls(chain, *vid, vec![action], vec![])?.pop() {
                return Ok(Some(sub));
            }
        }
        Ok(None)
    }

    /// The proposals the staker has an open vote on (no record: none).
    pub(super) fn open_votes(&mut self, staker: &[u8]) -> Result<Vec<u64>, ContractError> {
        Ok(self
            .existing::<Vec<u64>>(keys::staker_votes(staker))?
            .cloned()
            .unwrap_or_default())
    }

    /// Stores the staker's open votes; a staker with none keeps no record.
    pub(super) fn put_open_votes(
        &mut self,
        staker: &[u8],
        open: Vec<u64>,
    ) -> Result<(), ContractError> {
        let value = (!open.is_empty()).then_some(open);
        Ok(self.put_record(keys::staker_votes(staker), value)?)
    }

    /// The bonded tokens of the staker's position on the validator now (nothing settled).
    pub fn bonded_of(&mut self, staker: &[u8], vid: u32) -> Result<Uint128, ContractError> {
        Ok(match self.settled_position(staker, vid)? {
            Some((p, pool)) => crate::pools::position_value(&p, &pool),
            None => Uint128::zero(),
        })
    }

    /// Re-counts the staker's ballot on `proposal` on the validators in `vids` with its stake
    /// there now; returns the validators whose tally changed.
    pub(super) fn recount(
        &mut self,
        proposal: u64,
        staker: &[u8],
        ballot: &mut Ballot,
        vids: &[u32],
    ) -> Result<Vec<u32>, ContractError> {
        let mut hub = self.tally(proposal, None)?;
        let mut changed = vec![];
        for vid in vids {
            let before = ballot
                .counted
                .iter()
                .find(|(v, _)| v == vid)
                .map(|(_, s)| *s)
                .unwrap_or_default();
            let now = self.bonded_of(staker, *vid)?;
            if before == now {
                continue;
            }
            self.count(proposal, *vid, &ballot.weights, before, false)?;
            self.count(proposal, *vid, &ballot.weights, now, true)?;
            add(&mut hub, &ballot.weights, before, false);
            add(&mut hub, &ballot.weights, now, true);
            ballot.counted.retain(|(v, _)| v != vid);
            if !now.is_zero() {
                ballot.counted.push((*vid, now));
            }
            changed.push(*vid);
        }
        self.write(keys::tally(proposal, None), &hub)?;
        Ok(changed)
    }

    /// The vote a validator's delegator casts now for `proposal` (none while none of its
    /// stakers has voted, or while its proxy is being created). A v0.1 validator's delegator
    /// is the hub's own account, which casts the mix of the voters of all such validators.
    pub(super) fn cast(
        &mut self,
        chain: &Chain,
        proposal: u64,
        vid: u32,
    ) -> Result<Option<SubMsg>, ContractError> {
        let key = match self.delegator(vid)?.1 {
            Delegator::Pending => return Ok(None),
            Delegator::Hub => keys::account_tally(proposal),
            Delegator::Proxy(_) => keys::tally(proposal, Some(vid)),
        };
        let mut t = self.record::<Tally>(key.clone())?.clone();
        let weights = mix(&t);
        if weights.is_empty() {
            return Ok(None);
        }
        t.cast = weights.clone();
        self.write(key, &t)?;
        let options = weighted(&weights);
        let mut calls = self.calls(
            chain,
            vid,
            vec![ProxyAction::Vote {
                proposal_id: proposal,
                options,
            }],
            vec![],
        )?;
        Ok(calls.pop())
    }

    /// After the staker's stake on `vid` changed: its open votes follow, and that validator's
    /// delegator re-casts them. A re-cast the chain refuses (the voting period is over) does
    /// not fail the message: its reply marks the proposal closed.
    pub fn follow_votes(
        &mut self,
        chain: &Chain,
        staker: &[u8],
        vid: u32,
    ) -> Result<Vec<SubMsg>, ContractError> {
        let open = self.open_votes(staker)?;
        let mut msgs = vec![];
        let mut still_open = vec![];
        for proposal in &open {
            if self.tally(*proposal, None)?.closed {
                continue;
            }
            still_open.push(*proposal);
            let Some(mut ballot) = self.ballot(*proposal, staker)? else {
                continue;
            };
            let changed = self.recount(*proposal, staker, &mut ballot, &[vid])?;
            self.write(keys::ballot(*proposal, staker), &ballot)?;
            if changed.is_empty() {
                continue;
            }
            if let Some(sub) = self.cast(chain, *proposal, vid)? {
                msgs.push(recast(*proposal, sub)?);
            }
        }
        if still_open.len() != open.len() {
            self.put_open_votes(staker, still_open)?;
        }
        Ok(msgs)
    }

    /// Casts the staker's open votes on `vid` as its tallies stand, once the validator's
    /// delegator proxy exists: a first deposit on a validator counts the depositor's open
    /// votes there while the proxy is still being created, when nothing can be cast yet.
    pub fn cast_open_votes(
        &mut self,
        chain: &Chain,
        staker: &[u8],
        vid: u32,
    ) -> Result<Vec<SubMsg>, ContractError> {
        let mut msgs = vec![];
        for proposal in self.open_votes(staker)? {
            if self.tally(proposal, None)?.closed {
                continue;
            }
            let counted = self
                .ballot(proposal, staker)?
                .is_some_and(|b| b.counted.iter().any(|(v, _)| *v == vid));
            if !counted {
                continue;
            }
            if let Some(sub) = self.cast(chain, proposal, vid)? {
                msgs.push(recast(proposal, sub)?);
            }
        }
        Ok(msgs)
    }

    pub(super) fn write<T: crate::state::codec::Pack + Clone + 'static>(
        &mut self,
        key: Vec<u8>,
        value: &T,
    ) -> Result<(), ContractError> {
        Ok(self.put_record(key, Some(value.clone()))?)
    }
}

/// A cast that follows a stake change: the chain's refusal (the voting period is over) does
/// not fail the staker's message; its reply marks the proposal closed.
pub(super) fn recast(proposal: u64, sub: SubMsg) -> Result<SubMsg, ContractError> {
    Ok(SubMsg::reply_on_error(sub.msg, VOTE_RECAST_REPLY_ID).with_payload(payload(&proposal)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_must_be_one_form_with_weights_summing_to_one() {
        assert!(choice(Some(VoteOption::Yes), None).is_ok());
        assert!(choice(None, None).is_err());
        let w = |o, p| WeightedVote {
            option: o,
            weight: Decimal::percent(p),
        };
        assert!(choice(
            None,
            Some(vec![w(VoteOption::Yes, 70), w(VoteOption::No, 30)])
        )
        .is_ok());
        assert!(choice(
            None,
            Some(vec![w(VoteOption::Yes, 70), w(VoteOption::No, 20)])
        )
        .is_err());
        assert!(choice(
            None,
            Some(vec![w(VoteOption::Yes, 100), w(VoteOption::No, 0)])
        )
        .is_err());
        assert!(choice(
            None,
            Some(vec![w(VoteOption::Yes, 50), w(VoteOption::Yes, 50)])
        )
        .is_err());
        assert!(choice(Some(VoteOption::Yes), Some(vec![w(VoteOption::Yes, 100)])).is_err());
    }

    #[test]
    fn a_mix_sums_to_exactly_one() {
        let t = Tally {
            options: vec![
                Uint128::new(1),
                Uint128::new(1),
                Uint128::new(1),
                Uint128::zero(),
            ],
            voters: Uint128::new(3),
            closed: false,
            cast: vec![],
        };
        let m = mix(&t);
        assert_eq!(m.iter().map(|(_, w)| *w).sum::<Decimal>(), Decimal::one());
        assert_eq!(m.len(), 3);
    }
}
