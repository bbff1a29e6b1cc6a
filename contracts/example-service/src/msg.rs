//! The JSON interface of the example service.
//!
//! Every message refuses unknown fields, like the hub's, so a typo in an optional field
//! never passes silently on a chain CLI.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, Timestamp};
use cw20::Cw20ReceiveMsg;
use restake_types::RewardAmount;

/// Instantiating the service registers it with the hub: the contract itself becomes the
/// service's admin and slasher, and the hub's new `service_id` is stored from the reply.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The restake-hub contract to register with.
    pub hub: String,
    /// Updates the committee, retires the service and withdraws fees a retired service
    /// could not pay out. Defaults to the sender.
    pub admin: Option<String>,
    /// The service's name at the hub (1 to 64 characters).
    pub name: String,
    /// Optional link to the service's description, stored by the hub.
    pub metadata_uri: Option<String>,
    /// Committee members: they propose and vote slash requests.
    pub members: Vec<String>,
    /// Votes (the proposer's included) a proposal needs before the slash goes to the hub.
    pub threshold: u32,
    /// Seconds a proposal stays open for votes.
    pub voting_period: u64,
    /// Registered with the hub as the service's resolver: it may veto this service's slash
    /// requests at the hub during their veto window.
    pub resolver: Option<String>,
    /// Largest fraction of exposed stake one slash may take, in (0, 1].
    pub max_slash: Decimal,
    /// Seconds between a slash request and its earliest execution at the hub.
    pub veto_period: u64,
    /// Seconds a staker's opt-out takes at the hub (at least `veto_period`).
    pub opt_out_delay: u64,
    /// Native denoms the service collects fees in and pays stakers in (declared to the hub
    /// as `reward_denoms`).
    pub fee_denoms: Vec<String>,
    /// cw20 tokens the service collects fees in and pays stakers in (declared to the hub
    /// as `reward_tokens`).
    pub fee_tokens: Vec<String>,
    /// Seconds between two `distribute` calls.
    pub epoch: u64,
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// Committee members only: propose slashing `validator` by `fraction` of the stake that
    /// secures this service. The proposer's vote counts; with a threshold of 1 the slash
    /// request goes to the hub at once.
    ProposeSlash {
        /// Validator operator address (`cosmosvaloper1...`).
        validator: String,
        /// Fraction of the exposed stake, at most the service's `max_slash` at the hub.
        fraction: Decimal,
        /// Forwarded to the hub with the request (at most 2048 bytes).
        evidence: String,
    },
    /// Committee members only: vote for an open proposal. The vote that reaches the
    /// threshold sends the hub's `slash`; the hub's `slash_id` is stored on the proposal.
    Vote { proposal_id: u64 },
    /// Anyone: pay fees in the service's fee denoms (attached funds). They wait in the
    /// contract until the next `distribute`.
    PayFees {},
    /// cw20 entry point: a fee token sends `{"pay_fees":{}}` as the hook message.
    Receive(Cw20ReceiveMsg),
    /// Anyone, once per `epoch`: forward every pending fee to the hub as rewards for the
    /// stake securing the service. When the hub would refuse (no stake opted in, service
    /// not active) the fees stay pending, the epoch is not used up, and the response
    /// carries a `deferred` attribute saying why.
    Distribute {},
    /// Admin only: replace the committee. Open proposals keep their votes and threshold.
    UpdateCommittee {
        members: Vec<String>,
        threshold: u32,
    },
    /// Admin only: retire the service at the hub (final). Pending fees are paid to the
    /// current stakers first when the hub can take them. Stakers then leave through the
    /// hub's `opt_out` / `complete_opt_out`; slashes for past misbehaviour still work.
    Retire {},
    /// Admin only, once the service is retired at the hub: send fees that could not be
    /// distributed to `recipient` (default: the admin).
    WithdrawFees { recipient: Option<String> },
}

/// Hook message a fee token sends in `Cw20ReceiveMsg::msg`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ReceiveMsg {
    /// Pay the sent tokens as fees.
    PayFees {},
}

#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The service's configuration and its hub `service_id`.
    #[returns(ConfigResponse)]
    Config {},
    /// One slash proposal.
    #[returns(ProposalResponse)]
    Proposal { proposal_id: u64 },
    /// Slash proposals in id order (`limit` default 10, max 30).
    #[returns(ProposalsResponse)]
    Proposals {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Fees waiting for the next distribution, fees distributed so far, and when the next
    /// distribution may run.
    #[returns(FeesResponse)]
    FeesPending {},
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

#[cw_serde]
pub struct ConfigResponse {
    pub hub: Addr,
    pub admin: Addr,
    /// The id the hub gave the service at registration.
    pub service_id: u64,
    pub members: Vec<Addr>,
    pub threshold: u32,
    pub voting_period: u64,
    pub epoch: u64,
    pub fee_denoms: Vec<String>,
    pub fee_tokens: Vec<Addr>,
}

/// Lifecycle of a slash proposal.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProposalStatus {
    /// Collecting votes.
    Open,
    /// Reached its threshold; the slash request is at the hub (see `slash_id`).
    Submitted,
    /// The voting period ended before the threshold was reached.
    Expired,
}

impl std::fmt::Display for ProposalStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Submitted => "submitted",
            ProposalStatus::Expired => "expired",
        })
    }
}

#[cw_serde]
pub struct ProposalResponse {
    pub id: u64,
    pub proposer: Addr,
    pub validator: String,
    pub fraction: Decimal,
    pub evidence: String,
    /// Members who voted for it, the proposer first.
    pub votes: Vec<Addr>,
    /// Votes needed (the committee's threshold when the proposal was made).
    pub threshold: u32,
    pub status: ProposalStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The hub's slash request id, once submitted. Its outcome (pending, vetoed,
    /// executed) is the hub's `slash_request` query.
    pub slash_id: Option<u64>,
}

#[cw_serde]
pub struct ProposalsResponse {
    pub proposals: Vec<ProposalResponse>,
}

#[cw_serde]
pub struct FeesResponse {
    /// Fees waiting for the next distribution, one entry per fee asset (zeros included).
    pub pending: Vec<RewardAmount>,
    /// Fees forwarded to the hub so far, per fee asset.
    pub distributed: Vec<RewardAmount>,
    /// Time of the last distribution.
    pub last_distribution: Option<Timestamp>,
    /// Earliest time `distribute` may run.
    pub next_distribution_at: Timestamp,
}
