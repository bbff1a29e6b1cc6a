//! Governance pass-through: stakers keep their voice on the chain's proposals.
//!
//! The hub's delegations are held by one proxy per validator, and the chain counts each
//! delegator's vote with that delegator's whole delegation. So each proxy votes the
//! stake-weighted mix of the choices of the stakers *on its validator*: a staker's vote
//! moves the tallies of the validators it has stake on and re-casts those proxies' votes —
//! O(the staker's positions), whatever the number of stakers and voters. Stake whose staker
//! did not vote is not counted in any mix; it goes with the mix of the voters on its
//! validator (a delegator votes all of its delegation). A validator none of whose stakers
//! voted casts nothing: its stake follows the validator's own vote, as any silent delegator's.
//!
//! A staker's open votes (at most `max_open_votes`) follow its stake: a deposit, unbond or
//! share withdrawal on a validator updates its counted stake there and re-casts that
//! validator's votes. Slashes change stake without the staker: their effect shows at the
//! staker's next vote or stake change. The hub cannot ask the chain whether a proposal is
//! still open; a re-cast the chain refuses marks the proposal closed.

use cosmwasm_std::{
    to_json_binary, Addr, Decimal, DepsMut, Env, GovMsg, MessageInfo, Reply, Response, SubMsg,
    SubMsgResult, Uint128,
};
use restake_types::{ProxyAction, VoteOption, WeightedVote};

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError};
use crate::state::books::Books;
use crate::state::{keys, Ballot, Delegator, Tally, VOTE_RECAST_REPLY_ID};
use crate::validate;

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

/// The chain's message for a weighted vote.
pub fn vote_msg(proposal_id: u64, options: &[WeightedVote]) -> GovMsg {
    GovMsg::VoteWeighted {
        proposal_id,
        options: options
            .iter()
            .map(|w| cosmwasm_std::WeightedVoteOption {
                option: match w.option {
                    VoteOption::Yes => cosmwasm_std::VoteOption::Yes,
                    VoteOption::No => cosmwasm_std::VoteOption::No,
                    VoteOption::Abstain => cosmwasm_std::VoteOption::Abstain,
                    VoteOption::NoWithVeto => cosmwasm_std::VoteOption::NoWithVeto,
                },
                weight: w.weight,
            })
            .collect(),
    }
}

/// Checks a vote: exactly one of `option` / `weighted`; weights > 0, options distinct,
/// summing to exactly 1.
fn choice(
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
                        reason: "every weight must be greater than 0".into(),
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
                    reason: format!("weights must sum to exactly 1, not {sum}"),
                });
            }
            restake_types::math::sort_small(&mut out);
            Ok((out, false))
        }
        _ => Err(ContractError::InvalidVote {
            reason: "give exactly one of option and weighted".into(),
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

fn add(t: &mut Tally, weights: &[(u8, Decimal)], stake: Uint128, plus: bool) {
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
    fn tally(&mut self, proposal: u64, vid: Option<u32>) -> Result<Tally, ContractError> {
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

    fn open_votes(&mut self, staker: &[u8]) -> Result<Vec<u64>, ContractError> {
        Ok(self.record::<Vec<u64>>(keys::staker_votes(staker))?.clone())
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
    fn recount(
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
            let mut t = self.tally(proposal, Some(*vid))?;
            add(&mut t, &ballot.weights, before, false);
            add(&mut t, &ballot.weights, now, true);
            add(&mut hub, &ballot.weights, before, false);
            add(&mut hub, &ballot.weights, now, true);
            self.write(keys::tally(proposal, Some(*vid)), &t)?;
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
    /// stakers has voted, or while its proxy is being created).
    fn cast(
        &mut self,
        chain: &Chain,
        proposal: u64,
        vid: u32,
    ) -> Result<Option<SubMsg>, ContractError> {
        let mut t = self.tally(proposal, Some(vid))?;
        let weights = mix(&t);
        if weights.is_empty() || self.delegator(vid)?.1 == Delegator::Pending {
            return Ok(None);
        }
        t.cast = weights.clone();
        self.write(keys::tally(proposal, Some(vid)), &t)?;
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
                msgs.push(
                    SubMsg::reply_on_error(sub.msg, VOTE_RECAST_REPLY_ID)
                        .with_payload(to_json_binary(proposal)?),
                );
            }
        }
        if still_open.len() != open.len() {
            self.write(keys::staker_votes(staker), &still_open)?;
        }
        Ok(msgs)
    }

    fn write<T: crate::state::codec::Pack + Default + Clone + 'static>(
        &mut self,
        key: Vec<u8>,
        value: &T,
    ) -> Result<(), ContractError> {
        *self.record::<T>(key)? = value.clone();
        Ok(())
    }
}

pub fn vote(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
    option: Option<VoteOption>,
    weighted_options: Option<Vec<WeightedVote>>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (weights, single) = choice(option, weighted_options)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    if books.tally(proposal_id, None)?.closed {
        return Err(ContractError::ProposalClosed { proposal_id });
    }
    let vids = books.position_vids(&staker)?;
    let mut stake = Uint128::zero();
    for vid in &vids {
        stake += books.bonded_of(&staker, *vid)?;
    }
    if stake.is_zero() {
        return Err(ContractError::NoStakeToVote);
    }
    // Open votes, the closed ones dropped; a new one must fit.
    let mut open = books.open_votes(&staker)?;
    let mut kept = vec![];
    for p in open.drain(..) {
        if !books.tally(p, None)?.closed {
            kept.push(p);
        }
    }
    let mut open = kept;
    if !open.contains(&proposal_id) {
        if open.len() >= books.config.max_open_votes as usize {
            return Err(ContractError::TooManyOpenVotes {
                max: books.config.max_open_votes,
            });
        }
        open.push(proposal_id);
    }
    books.write(keys::staker_votes(&staker), &open)?;
    // The previous ballot leaves every tally it was in; the new one enters at today's stake.
    let mut ballot = books.ballot(proposal_id, &staker)?.unwrap_or_default();
    let old_vids: Vec<u32> = ballot.counted.iter().map(|(v, _)| *v).collect();
    let mut hub = books.tally(proposal_id, None)?;
    for (vid, s) in ballot.counted.clone() {
        let mut t = books.tally(proposal_id, Some(vid))?;
        add(&mut t, &ballot.weights, s, false);
        add(&mut hub, &ballot.weights, s, false);
        books.write(keys::tally(proposal_id, Some(vid)), &t)?;
    }
    books.write(keys::tally(proposal_id, None), &hub)?;
    ballot = Ballot {
        weights,
        single,
        counted: vec![],
    };
    let mut touched = books.recount(proposal_id, &staker, &mut ballot, &vids)?;
    for v in old_vids {
        if !touched.contains(&v) {
            touched.push(v);
        }
    }
    books.write(keys::ballot(proposal_id, &staker), &ballot)?;
    // Every touched validator's delegator casts its new mix. A refusal (the proposal is not
    // in its voting period) fails the message with the chain's reason.
    let mut msgs = vec![];
    for vid in &touched {
        if let Some(sub) = books.cast(&chain, proposal_id, *vid)? {
            msgs.push(sub);
        }
    }
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "vote")
        .add_attribute("staker", info.sender)
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("stake", stake)
        .add_attribute("validators", touched.len().to_string()))
}

/// A re-cast the chain refused: the proposal's voting period is over.
pub fn recast_reply(deps: DepsMut, env: &Env, reply: &Reply) -> Result<Response, ContractError> {
    let SubMsgResult::Err(error) = &reply.result else {
        return Ok(Response::new());
    };
    let proposal: u64 =
        cosmwasm_std::from_json(&reply.payload).map_err(|_| ContractError::BadReply {
            what: "a vote re-cast".into(),
            missing: "its proposal".into(),
        })?;
    let mut books = Books::open(deps.storage, env)?;
    let mut hub = books.tally(proposal, None)?;
    hub.closed = true;
    books.write(keys::tally(proposal, None), &hub)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "proposal_closed")
        .add_attribute("proposal_id", proposal.to_string())
        .add_attribute("error", error))
}

// ---------------------------------------------------------------------------- queries

pub fn proposal_votes(
    deps: cosmwasm_std::Deps,
    env: &Env,
    proposal_id: u64,
) -> Result<restake_types::ProposalVotesResponse, ContractError> {
    use restake_types::{OptionStake, ValidatorCast};
    let mut books = Books::read(deps.storage)?;
    let hub = books.tally(proposal_id, None)?;
    let mut by_validator = vec![];
    let mut weighted_sum: Vec<cosmwasm_std::Uint256> = vec![cosmwasm_std::Uint256::zero(); 4];
    let mut delegated_total = cosmwasm_std::Uint256::zero();
    for (k, v) in books.range(
        &keys::tally_prefix(proposal_id),
        None,
        usize::MAX,
        cosmwasm_std::Order::Ascending,
    ) {
        if k.is_empty() {
            continue;
        }
        let vid_plus = crate::state::codec::read_uint(&mut k.as_slice())?;
        let Some(vid) = vid_plus.checked_sub(1).and_then(|v| u32::try_from(v).ok()) else {
            continue;
        };
        let t: Tally = crate::state::codec::from_bytes(&v)?;
        let delegation = books.validator(vid)?.expected_delegation();
        if !t.cast.is_empty() {
            delegated_total += cosmwasm_std::Uint256::from(delegation);
            for (o, w) in &t.cast {
                weighted_sum[usize::from(*o)] += cosmwasm_std::Uint256::from(delegation)
                    * cosmwasm_std::Uint256::from(w.atomics());
            }
        }
        by_validator.push(ValidatorCast {
            validator: books.valoper(vid)?,
            weights: weighted(&t.cast),
            voters_stake: t.voters,
            delegation,
        });
    }
    let mut cast = vec![];
    if !delegated_total.is_zero() {
        let mut parts: Vec<(u8, Decimal)> = weighted_sum
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_zero())
            .map(|(i, s)| {
                let atomics = *s / delegated_total;
                (
                    i as u8,
                    Decimal::new(cosmwasm_std::Uint128::try_from(atomics).unwrap_or_default()),
                )
            })
            .collect();
        let sum: Decimal = parts.iter().map(|(_, w)| *w).sum();
        if let Some(b) = parts.iter_mut().max_by_key(|(_, w)| *w) {
            b.1 += Decimal::one() - sum.min(Decimal::one());
        }
        cast = weighted(&parts);
    }
    let mut hub_bonded = Uint128::zero();
    for vid in 0..books.totals()?.next_validator {
        hub_bonded += books.validator(vid)?.bonded;
    }
    let _ = env;
    let options = if hub.options.len() < 4 {
        vec![Uint128::zero(); 4]
    } else {
        hub.options.clone()
    };
    Ok(restake_types::ProposalVotesResponse {
        proposal_id,
        tally: VoteOption::ALL
            .iter()
            .zip(options)
            .map(|(o, s)| OptionStake {
                option: *o,
                stake: s,
            })
            .collect(),
        voters_stake: hub.voters,
        hub_bonded,
        cast,
        by_validator,
        closed: hub.closed,
    })
}

pub fn staker_vote(
    deps: cosmwasm_std::Deps,
    proposal_id: u64,
    staker: String,
) -> Result<restake_types::StakerVoteResponse, ContractError> {
    let addr: Addr = validate::addr(deps.api, "staker", &staker)?;
    let key = validate::canonical(deps.api, &addr)?;
    let mut books = Books::read(deps.storage)?;
    let ballot = books.ballot(proposal_id, &key)?;
    let (option, weighted_options, stake) = match ballot {
        None => (None, None, Uint128::zero()),
        Some(b) => {
            let stake = b.counted.iter().map(|(_, s)| *s).sum();
            if b.single {
                (b.weights.first().map(|(o, _)| option(*o)), None, stake)
            } else {
                (None, Some(weighted(&b.weights)), stake)
            }
        }
    };
    Ok(restake_types::StakerVoteResponse {
        proposal_id,
        staker: addr,
        option,
        weighted: weighted_options,
        stake,
    })
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
