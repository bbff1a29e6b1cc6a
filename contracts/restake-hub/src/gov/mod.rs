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
//!
//! The vote and its replies are here; the tallies and the casts that follow them in
//! [`tally`]; the queries in [`query`].

mod query;
mod tally;

pub use query::{proposal_votes, staker_vote};
pub use tally::{option, weighted};

use cosmwasm_std::{
    Addr, DepsMut, Env, MessageInfo, Reply, Response, SubMsg, SubMsgResult, Uint128,
};
use restake_types::{VoteOption, WeightedVote};

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError, VoteProblem};
use crate::state::books::Books;
use crate::state::codec::{from_bytes, packed, payload};
use crate::state::{keys, Ballot, VOTE_PROBE_REPLY_ID};
use crate::validate;

use tally::{add, choice};

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
    books.put_open_votes(&staker, open)?;
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
            reason: VoteProblem::CountsForNothing { stake },
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
        checks.push(sub.with_payload(payload(&Probe {
            proposal,
            staker: check,
        })));
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
#[derive(Clone, Debug, PartialEq)]
struct Probe {
    proposal: u64,
    staker: Option<Addr>,
}
packed!(Probe { proposal, staker });

/// A probe's answer. A refusal means the proposal is no longer in its voting period (the
/// only vote x/gov refuses from a delegator that voted on it before): it closes in the hub
/// for every staker. After the last probe, the voter's open votes must fit under the cap.
pub fn probe_reply(deps: DepsMut, env: &Env, reply: &Reply) -> Result<Response, ContractError> {
    let probe: Probe = from_bytes(&reply.payload).map_err(|_| ContractError::BadReply {
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
        books.put_open_votes(&staker, open)?;
    }
    books.finish()?;
    Ok(response)
}

/// A re-cast the chain refused: the proposal's voting period is over.
pub fn recast_reply(deps: DepsMut, env: &Env, reply: &Reply) -> Result<Response, ContractError> {
    let SubMsgResult::Err(error) = &reply.result else {
        return Ok(Response::new());
    };
    let proposal: u64 = from_bytes(&reply.payload).map_err(|_| ContractError::BadReply {
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
