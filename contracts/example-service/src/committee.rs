//! The committee: members propose that a validator misbehaved on the service and vote;
//! the vote that reaches the threshold sends the hub's `slash`.

use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Reply, Response, SubMsg};
use restake_types::ExecuteMsg as HubExecuteMsg;

use crate::error::{nonpayable, ContractError};
use crate::hub::{self, hub_msg};
use crate::msg::ProposalStatus;
use crate::state::{Config, Proposal, CONFIG, LAST_PROPOSAL_ID, PROPOSALS, SERVICE_ID};

/// Largest committee (votes are stored on the proposal).
pub const MAX_MEMBERS: usize = 50;
/// The hub's limit for evidence text.
pub const MAX_EVIDENCE_LEN: usize = 2048;

/// Validates a committee: 1 to `MAX_MEMBERS` distinct addresses and a threshold they can
/// reach.
pub fn validate_committee(
    api: &dyn Api,
    members: &[String],
    threshold: u32,
) -> Result<Vec<Addr>, ContractError> {
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return Err(ContractError::invalid(
            "members",
            format!("a committee has 1 to {MAX_MEMBERS} members"),
        ));
    }
    let mut out: Vec<Addr> = Vec::with_capacity(members.len());
    for m in members {
        let addr = api
            .addr_validate(m)
            .map_err(|e| ContractError::invalid("members", format!("{m:?}: {e}")))?;
        if out.contains(&addr) {
            return Err(ContractError::Duplicate {
                field: "member".into(),
                value: m.clone(),
            });
        }
        out.push(addr);
    }
    if threshold == 0 || threshold as usize > out.len() {
        return Err(ContractError::InvalidThreshold {
            threshold,
            members: out.len(),
        });
    }
    Ok(out)
}

fn assert_member(config: &Config, sender: &Addr) -> Result<(), ContractError> {
    if !config.members.contains(sender) {
        return Err(ContractError::NotAMember {
            sender: sender.to_string(),
        });
    }
    Ok(())
}

pub fn propose_slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
    fraction: Decimal,
    evidence: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    assert_member(&config, &info.sender)?;
    if fraction.is_zero() {
        return Err(ContractError::FractionZero);
    }
    if evidence.len() > MAX_EVIDENCE_LEN {
        return Err(ContractError::invalid(
            "evidence",
            format!("at most {MAX_EVIDENCE_LEN} bytes"),
        ));
    }
    if deps.querier.query_validator(&validator)?.is_none() {
        return Err(ContractError::UnknownValidator { validator });
    }
    let service_id = SERVICE_ID.load(deps.storage)?;
    // The hub's max_slash, not a copy: it can only have been lowered since registration.
    let max = hub::service(deps.as_ref(), &config.hub, service_id)?.max_slash;
    if fraction > max {
        return Err(ContractError::FractionAboveMax { fraction, max });
    }
    let id = LAST_PROPOSAL_ID.may_load(deps.storage)?.unwrap_or_default() + 1;
    LAST_PROPOSAL_ID.save(deps.storage, &id)?;
    let mut proposal = Proposal {
        id,
        proposer: info.sender.clone(),
        validator: validator.clone(),
        fraction,
        evidence,
        votes: vec![info.sender.clone()],
        threshold: config.threshold,
        status: ProposalStatus::Open,
        created_at: env.block.time,
        expires_at: env.block.time.plus_seconds(config.voting_period),
        slash_id: None,
    };
    let mut response = Response::new()
        .add_attribute("action", "propose_slash")
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("proposer", info.sender)
        .add_attribute("validator", validator)
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("votes", "1")
        .add_attribute("threshold", proposal.threshold.to_string())
        .add_attribute("expires_at", proposal.expires_at.to_string());
    if proposal.votes.len() >= proposal.threshold as usize {
        response = response
            .add_submessage(submit(&config, service_id, &mut proposal)?)
            .add_attribute("submitted", "true");
    }
    PROPOSALS.save(deps.storage, id, &proposal)?;
    Ok(response)
}

pub fn vote(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    assert_member(&config, &info.sender)?;
    let mut proposal = PROPOSALS
        .may_load(deps.storage, proposal_id)?
        .ok_or(ContractError::ProposalNotFound { id: proposal_id })?;
    let status = status_at(&proposal, &env);
    if status != ProposalStatus::Open {
        return Err(ContractError::ProposalNotOpen {
            id: proposal_id,
            status: status.to_string(),
        });
    }
    if proposal.votes.contains(&info.sender) {
        return Err(ContractError::AlreadyVoted {
            id: proposal_id,
            voter: info.sender.to_string(),
        });
    }
    proposal.votes.push(info.sender.clone());
    let mut response = Response::new()
        .add_attribute("action", "vote")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("voter", info.sender)
        .add_attribute("votes", proposal.votes.len().to_string())
        .add_attribute("threshold", proposal.threshold.to_string());
    if proposal.votes.len() >= proposal.threshold as usize {
        let service_id = SERVICE_ID.load(deps.storage)?;
        response = response
            .add_submessage(submit(&config, service_id, &mut proposal)?)
            .add_attribute("submitted", "true");
    }
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    Ok(response)
}

/// The proposal's status now (an open proposal past its voting period is expired).
pub fn status_at(proposal: &Proposal, env: &Env) -> ProposalStatus {
    match proposal.status {
        ProposalStatus::Open if env.block.time >= proposal.expires_at => ProposalStatus::Expired,
        s => s,
    }
}

/// The hub's `slash`, as a submessage (reply id = proposal id) whose reply records the
/// hub's `slash_id`. If the hub
/// refuses (e.g. no stake on the validator secures the service any more), the whole vote
/// fails with the hub's error and the proposal stays open.
fn submit(
    config: &Config,
    service_id: u64,
    proposal: &mut Proposal,
) -> Result<SubMsg, ContractError> {
    proposal.status = ProposalStatus::Submitted;
    let msg = hub_msg(
        &config.hub,
        &HubExecuteMsg::Slash {
            service_id,
            validator: proposal.validator.clone(),
            fraction: proposal.fraction,
            evidence: proposal.evidence.clone(),
        },
        vec![],
    )?;
    Ok(SubMsg::reply_on_success(msg, proposal.id))
}

/// Slash reply: stores the hub's `slash_id` on the proposal.
pub fn on_slash(deps: DepsMut, _env: Env, reply: Reply) -> Result<Response, ContractError> {
    let proposal_id = reply.id;
    let restake_types::SlashResponse { slash_id } = hub::reply_data(reply, "slash")?;
    let mut proposal = PROPOSALS.load(deps.storage, proposal_id)?;
    proposal.slash_id = Some(slash_id);
    PROPOSALS.save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "slash_submitted")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("slash_id", slash_id.to_string())
        .add_attribute("validator", proposal.validator))
}

/// Admin only: replaces the committee.
pub fn update_committee(
    deps: DepsMut,
    info: MessageInfo,
    members: Vec<String>,
    threshold: u32,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::unauthorized(
            "update the committee",
            "the admin",
        ));
    }
    config.members = validate_committee(deps.api, &members, threshold)?;
    config.threshold = threshold;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_committee")
        .add_attribute("members", config.members.len().to_string())
        .add_attribute("threshold", threshold.to_string()))
}
