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
//! still open (the Cosmos Hub answers no gov query from contracts); a re-cast the chain
//! refuses marks the proposal closed. So a vote that finds the staker at the cap first asks
//! the chain by acting: it re-sends each open vote's last cast unchanged, and those the chain
//! refuses close (`probe_reply`); the vote is refused only if the cap still holds. At most
//! `max_open_votes` re-casts, and only at the cap.
//!
//! Validators of a v0.1 hub are delegated from the hub's own account (`Delegator::Hub`), and
//! the chain keeps one vote per delegator for all its delegations. So those validators share
//! one tally (`keys::account_tally`), kept beside their own tallies at O(1) per change, and
//! the hub account casts its mix once per message.

use cosmwasm_std::{
    to_json_binary, Addr, Decimal, DepsMut, Env, MessageInfo, Reply, Response, SubMsg,
    SubMsgResult, Uint128,
};
use restake_types::{ProxyAction, VoteOption, WeightedVote};

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError};
use crate::state::books::Books;
use crate::state::{keys, Ballot, Delegator, Tally, VOTE_PROBE_REPLY_ID, VOTE_RECAST_REPLY_ID};
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

    /// Whether the validator's delegation is held by the hub's own account (a validator of a
    /// v0.1 hub, see `legacy`), whose one chain vote serves all such validators.
    fn on_hub_account(&mut self, vid: u32) -> Result<bool, ContractError> {
        Ok(self.delegator(vid)?.1 == Delegator::Hub)
    }

    fn account_tally(&mut self, proposal: u64) -> Result<Tally, ContractError> {
        Ok(self.record::<Tally>(keys::account_tally(proposal))?.clone())
    }

    /// Moves `stake` voting `weights` into (`plus`) or out of the validator's tally, and, when
    /// the hub's own account delegates to it, out of or into that account's shared tally too:
    /// the chain counts one vote per delegator, so the account votes the mix of the voters of
    /// all its validators together, kept up to date here at O(1).
    fn count(
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
    fn probe(
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
    fn cast(
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
            self.write(keys::staker_votes(staker), &still_open)?;
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

    fn write<T: crate::state::codec::Pack + Default + Clone + 'static>(
        &mut self,
        key: Vec<u8>,
        value: &T,
    ) -> Result<(), ContractError> {
        *self.record::<T>(key)? = value.clone();
        Ok(())
    }
}

/// A cast that follows a stake change: the chain's refusal (the voting period is over) does
/// not fail the staker's message; its reply marks the proposal closed.
fn recast(proposal: u64, sub: SubMsg) -> Result<SubMsg, ContractError> {
    Ok(SubMsg::reply_on_error(sub.msg, VOTE_RECAST_REPLY_ID)
        .with_payload(to_json_binary(&proposal)?))
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
    let mut probes = vec![];
    if !open.contains(&proposal_id) {
        let max = books.config.max_open_votes;
        if open.len() >= max as usize {
            // At the cap, votes on proposals that have ended must not count, but a contract on
            // the Cosmos Hub cannot ask x/gov which proposals are still in their voting period.
            // So the chain is asked by acting: each open vote's last cast is sent again,
            // unchanged; those the chain refuses close in the hub (`probe_reply`), and the
            // last reply refuses this vote if the cap still holds. At most max_open_votes
            // messages, only when the cap is reached.
            let mut unprobed = 0usize;
            for p in &open {
                match books.probe(&chain, *p, &staker)? {
                    Some(sub) => probes.push((*p, sub)),
                    None => unprobed += 1,
                }
            }
            if probes.is_empty() || unprobed >= max as usize {
                return Err(ContractError::TooManyOpenVotes { max });
            }
        }
        open.push(proposal_id);
    }
    books.write(keys::staker_votes(&staker), &open)?;
    // The previous ballot leaves every tally it was in; the new one enters at today's stake.
    let mut ballot = books.ballot(proposal_id, &staker)?.unwrap_or_default();
    let old_vids: Vec<u32> = ballot.counted.iter().map(|(v, _)| *v).collect();
    let mut hub = books.tally(proposal_id, None)?;
    for (vid, s) in ballot.counted.clone() {
        books.count(proposal_id, vid, &ballot.weights, s, false)?;
        add(&mut hub, &ballot.weights, s, false);
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
    // The hub's own account casts once for all its (v0.1) validators.
    let mut msgs = vec![];
    let mut account_cast = false;
    for vid in &touched {
        if books.on_hub_account(*vid)? {
            if account_cast {
                continue;
            }
            account_cast = true;
        }
        if let Some(sub) = books.cast(&chain, proposal_id, *vid)? {
            msgs.push(sub);
        }
    }
    // A vote the chain never sees was never checked by it: the proposal might not exist yet,
    // and a later re-cast the chain refused would mark it closed for every staker. So a vote
    // that rounds to nothing in every mix it enters is refused.
    if msgs.is_empty() {
        return Err(ContractError::InvalidVote {
            reason: format!(
                "your stake ({stake}) split this way counts for nothing on the chain; vote one option"
            ),
        });
    }
    books.finish()?;
    let checked = probes.len();
    let last = probes.len().saturating_sub(1);
    let mut checks = vec![];
    for (i, (proposal, sub)) in probes.into_iter().enumerate() {
        let check = (i == last).then(|| info.sender.clone());
        let sub = if check.is_some() {
            SubMsg::reply_always(sub.msg, VOTE_PROBE_REPLY_ID)
        } else {
            SubMsg::reply_on_error(sub.msg, VOTE_PROBE_REPLY_ID)
        };
        checks.push(sub.with_payload(to_json_binary(&Probe {
            proposal,
            staker: check,
        })?));
    }
    Ok(Response::new()
        .add_submessages(checks)
        .add_submessages(msgs)
        .add_attribute("action", "vote")
        .add_attribute("staker", info.sender)
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("stake", stake)
        .add_attribute("validators", touched.len().to_string())
        .add_attribute("open_votes_checked", checked.to_string()))
}

/// The payload of a probe: the proposal it re-casts on; on the last probe of a vote, the
/// staker whose open votes must fit under the cap once every probe has answered.
#[cosmwasm_schema::cw_serde]
struct Probe {
    proposal: u64,
    staker: Option<Addr>,
}

/// A probe's answer. A refusal means the proposal is no longer in its voting period (the
/// only vote x/gov refuses from a delegator that voted on it before): it closes in the hub
/// for every staker. After the last probe, the voter's open votes must fit under the cap.
pub fn probe_reply(deps: DepsMut, env: &Env, reply: &Reply) -> Result<Response, ContractError> {
    let probe: Probe =
        cosmwasm_std::from_json(&reply.payload).map_err(|_| ContractError::BadReply {
            what: "a check of an open vote".into(),
            missing: "its proposal".into(),
        })?;
    let staker = match &probe.staker {
        Some(addr) => Some(validate::canonical(deps.api, addr)?),
        None => None,
    };
    let mut books = Books::open(deps.storage, env)?;
    let mut response = Response::new();
    if let SubMsgResult::Err(error) = &reply.result {
        let mut hub = books.tally(probe.proposal, None)?;
        hub.closed = true;
        books.write(keys::tally(probe.proposal, None), &hub)?;
        response = response
            .add_attribute("action", "proposal_closed")
            .add_attribute("proposal_id", probe.proposal.to_string())
            .add_attribute("error", error);
    }
    if let Some(staker) = staker {
        let mut open = vec![];
        for p in books.open_votes(&staker)? {
            if !books.tally(p, None)?.closed {
                open.push(p);
            }
        }
        let max = books.config.max_open_votes;
        if open.len() > max as usize {
            return Err(ContractError::TooManyOpenVotes { max });
        }
        books.write(keys::staker_votes(&staker), &open)?;
    }
    books.finish()?;
    Ok(response)
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
    let account_cast = books.account_tally(proposal_id)?.cast;
    let mut by_validator = vec![];
    let mut weighted_sum: Vec<cosmwasm_std::Uint256> = vec![cosmwasm_std::Uint256::zero(); 4];
    let mut delegated_total = cosmwasm_std::Uint256::zero();
    let mut hub_bonded = Uint128::zero();
    for vid in 0..books.totals()?.next_validator {
        hub_bonded += books.validator(vid)?.bonded;
        let own = books
            .existing::<Tally>(keys::tally(proposal_id, Some(vid)))?
            .cloned();
        // What the chain counts for the validator's delegation: its delegator's vote (the
        // hub account's shared one for a v0.1 validator, its voters or not).
        let cast = if books.on_hub_account(vid)? {
            account_cast.clone()
        } else {
            own.as_ref().map(|t| t.cast.clone()).unwrap_or_default()
        };
        if own.is_none() && cast.is_empty() {
            continue;
        }
        let delegation = books.validator(vid)?.expected_delegation();
        if !cast.is_empty() {
            delegated_total += cosmwasm_std::Uint256::from(delegation);
            for (o, w) in &cast {
                weighted_sum[usize::from(*o)] += cosmwasm_std::Uint256::from(delegation)
                    * cosmwasm_std::Uint256::from(w.atomics());
            }
        }
        by_validator.push(ValidatorCast {
            validator: books.valoper(vid)?,
            weights: weighted(&cast),
            voters_stake: own.map(|t| t.voters).unwrap_or_default(),
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
