//! The public JSON interface of restake-hub (see docs/interface.md in the repository).
//!
//! Every message refuses unknown fields, so a typo in an optional field never passes
//! silently on a chain CLI.
//!
//! Why one file: it is the hub's whole JSON interface, so whoever writes a message by hand
//! (on a chain CLI, in TypeScript) finds every message with its doc in one place.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Coin, Decimal, Uint128};
use cw_ownable::{cw_ownable_query, Expiration};

#[allow(unused_imports)] // used by the QueryResponses derive outside wasm builds
use crate::responses::*;

/// Where slashed stake goes once it has been undelegated.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum SlashDestination {
    /// Burn the slashed tokens (`BankMsg::Burn`).
    Burn {},
    /// Send them to the chain's community pool (`FundCommunityPool`).
    CommunityPool {},
    /// Send them to an address (a treasury, an insurance fund, a victim-compensation contract).
    Address { address: String },
}

/// Lifecycle of a service. `paused` stops opt-ins and reward payments until it is active
/// again; `retired` is final. Slash requests and exits work in every status.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum ServiceStatus {
    Active,
    Paused,
    Retired,
}

impl std::fmt::Display for ServiceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Paused => "paused",
            ServiceStatus::Retired => "retired",
        })
    }
}

/// Status of a slash request.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum SlashStatus {
    Pending,
    Vetoed,
    Executed,
}

impl std::fmt::Display for SlashStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SlashStatus::Pending => "pending",
            SlashStatus::Vetoed => "vetoed",
            SlashStatus::Executed => "executed",
        })
    }
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Contract owner; defaults to the sender.
    pub owner: Option<String>,
    /// The chain's staking unbonding time in seconds (1814400 on the Cosmos Hub). Must not
    /// be shorter than the chain's: the hub settles a batch only after this time has passed.
    pub unbonding_period: u64,
    /// Smallest deposit accepted, in the bonded denom (default "1").
    pub min_deposit: Option<Uint128>,
    /// Most services one position may secure at once (default 8).
    pub max_services_per_position: Option<u32>,
    /// Upper bound for services' veto windows in seconds (default: no bound beyond the
    /// 100 years every duration is capped at).
    pub max_veto_period: Option<u64>,
    /// Most reward assets (native denoms + cw20 tokens) per service (default 8); also the most
    /// native staking-reward denoms besides the bonded one booked per validator.
    pub max_reward_assets: Option<u32>,
    /// Where slashed stake goes (default `{"burn":{}}`).
    pub slash_destination: Option<SlashDestination>,
    /// Most exposure groups (pools, one per distinct service set) per validator (default 32).
    /// A slash or a chain-slash sync on a validator costs O(this cap).
    pub max_pools_per_validator: Option<u32>,
    /// Seconds between two undelegations sent to the same validator (default:
    /// `unbonding_period / 7`, rounded up), so the hub never exceeds the chain's 7 unbonding
    /// entries per validator.
    pub unbonding_epoch: Option<u64>,
    /// Most governance proposals one staker may have an open vote on at once (default 8):
    /// each is re-cast when the staker's stake changes.
    pub max_open_votes: Option<u32>,
    /// Internal: set only when the hub instantiates one of its delegator proxies (one per
    /// validator, from the hub's own code) to hold its delegation on this validator. Leave
    /// it out when instantiating a hub.
    pub delegator_for: Option<String>,
}

impl InstantiateMsg {
    /// A hub with every default but the unbonding period (the chain's). Deploy scripts,
    /// the simulator and tests set what they need on top:
    /// `InstantiateMsg { min_deposit: Some(..), ..InstantiateMsg::new(seconds) }`.
    pub fn new(unbonding_period: u64) -> InstantiateMsg {
        InstantiateMsg {
            owner: None,
            unbonding_period,
            min_deposit: None,
            max_services_per_position: None,
            max_veto_period: None,
            max_reward_assets: None,
            slash_destination: None,
            max_pools_per_validator: None,
            unbonding_epoch: None,
            max_open_votes: None,
            delegator_for: None,
        }
    }
}

#[cw_serde]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "interface", derive(cw_orch::ExecuteFns))]
pub enum ExecuteMsg {
    // ---------------------------------------------------------------- stakers
    /// Delegate the attached bonded-denom funds to `validator` and add them to the sender's
    /// position on it. A new position starts securing no service; existing positions keep
    /// their services. On chains with Gaia's `x/liquid` the funds may instead be tokenized
    /// shares of `validator` (one denom, `{valoper}/{record_id}`): the hub redeems them into
    /// its delegation and credits the tokens the redemption produced.
    #[cfg_attr(feature = "interface", cw_orch(payable))]
    Deposit { validator: String },
    /// The whole position on `validator` starts securing (and earning from) these services.
    /// Re-opting into a service with a pending opt-out cancels the opt-out.
    OptIn {
        validator: String,
        service_ids: Vec<u64>,
    },
    /// Start each service's opt-out delay. The stake stays slashable by, and keeps earning
    /// from, those services until `complete_opt_out`.
    OptOut {
        validator: String,
        service_ids: Vec<u64>,
    },
    /// Complete every opt-out of the sender's position on `validator` whose delay has passed
    /// and which no pending slash request freezes.
    CompleteOptOut { validator: String },
    /// Stop earning at once and queue `amount` bonded tokens for undelegation. The tokens
    /// stay slashable by the position's services until they are claimed.
    Unbond { validator: String, amount: Uint128 },
    /// Pay every matured unbonding of the sender (settling matured batches first).
    ClaimUnbonded {},
    /// Pay every pending reward of the sender: all native denoms and cw20 tokens, native
    /// staking rewards included.
    ClaimRewards {},
    /// Governance pass-through: vote with your bonded stake in the hub on a chain
    /// governance proposal, either one `option` or `weighted` options (weights > 0 summing
    /// to 1; exactly one of the two). Voting again replaces your vote while the proposal is
    /// open. The delegator of every validator you have stake on re-casts its vote as the
    /// stake-weighted mix of its voters' choices; the chain refuses a vote on a proposal that
    /// is not in its voting period, with its own reason.
    Vote {
        proposal_id: u64,
        option: Option<VoteOption>,
        weighted: Option<Vec<WeightedVote>>,
    },
    /// Chains with Gaia's `x/liquid`: leave at once as tokenized shares of `validator`, sent
    /// to the sender, for `amount` of bonded stake that secures no service (so it has no
    /// pending opt-out and no slash request holds it). Otherwise refused with the reason:
    /// unbond instead.
    WithdrawShares { validator: String, amount: Uint128 },

    // ---------------------------------------------------------------- services
    /// Register a service; the sender becomes its admin. The new id is returned in the
    /// `service_id` attribute and as the response data `{"service_id":N}` (the first id is 1).
    RegisterService(RegisterServiceMsg),
    /// Service admin only. `max_slash` may be lowered, never raised; `opt_out_delay` may be
    /// lengthened, never shortened; reward assets can be added, never removed.
    UpdateService(UpdateServiceMsg),
    /// Owner (any transition) or the service's admin (active <-> paused, or retire).
    /// `retired` is final.
    SetServiceStatus {
        service_id: u64,
        status: ServiceStatus,
    },
    /// Split the attached native funds (each in the service's `reward_denoms`) pro rata over
    /// the stake opted into the service now.
    #[cfg_attr(feature = "interface", cw_orch(payable))]
    DistributeRewards { service_id: u64 },
    /// cw20 entry point: a token listed in the service's `reward_tokens` sends
    /// `{"distribute_rewards":{"service_id":N}}` as the hook message.
    Receive(Cw20ReceiveMsg),
    /// Open a slash request (the service's slasher only). With `veto_period` 0 it executes at
    /// once.
    Slash {
        service_id: u64,
        validator: String,
        fraction: Decimal,
        evidence: String,
    },
    /// Cancel a pending slash request inside its veto window (the service's resolver or the
    /// contract owner).
    VetoSlash { slash_id: u64 },
    /// Apply a pending slash request after its veto window (anyone).
    ExecuteSlash { slash_id: u64 },

    // ---------------------------------------------------------------- cranks
    /// Withdraw native staking rewards (of the listed validators, or of every validator the
    /// hub delegates to) and credit them to the stake that earned them.
    Harvest { validators: Option<Vec<String>> },
    /// Compare the chain's delegation on `validator` with the books; a shortfall (chain
    /// slashing) is shared pro rata by all stake on it.
    SyncValidator { validator: String },
    /// Send due unbonding batches to the chain and settle matured ones.
    ProcessUnbondings {},

    // ---------------------------------------------------------------- owner
    /// Owner only. Each field present replaces the current value.
    UpdateConfig(UpdateConfigMsg),
    /// Owner only: stop deposits and opt-ins. Exits never stop.
    Pause {},
    /// Owner only.
    Unpause {},
    /// Two-step ownership transfer (cw-ownable): the owner proposes or renounces, the
    /// proposed owner accepts.
    UpdateOwnership(OwnershipAction),

    // ---------------------------------------------------------------- internal
    /// Internal: what a delegator proxy runs for the hub that instantiated it. Refused from
    /// anyone else, and by a hub.
    #[cfg_attr(feature = "interface", cw_orch(payable))]
    Proxy { actions: Vec<ProxyAction> },
}

/// `register_service`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct RegisterServiceMsg {
    pub name: String,
    /// The only address allowed to open slash requests for this service.
    pub slasher: String,
    /// Optional address that may veto slash requests inside the veto window.
    pub resolver: Option<String>,
    /// Largest fraction of exposed stake one slash request may take, in (0, 1].
    pub max_slash: Decimal,
    /// Seconds between a slash request and its earliest execution (0: executes at once).
    pub veto_period: u64,
    /// Seconds a staker's opt-out takes; at least `veto_period`.
    pub opt_out_delay: u64,
    /// Native denoms the service pays rewards in.
    pub reward_denoms: Option<Vec<String>>,
    /// cw20 token contracts the service pays rewards in.
    pub reward_tokens: Option<Vec<String>>,
    pub metadata_uri: Option<String>,
}

/// `update_service`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceMsg {
    pub service_id: u64,
    pub max_slash: Option<Decimal>,
    pub opt_out_delay: Option<u64>,
    pub resolver: Option<String>,
    pub metadata_uri: Option<String>,
    pub add_reward_denoms: Option<Vec<String>>,
    pub add_reward_tokens: Option<Vec<String>>,
    /// Hand the service to a new admin.
    pub admin: Option<String>,
    /// Rotate the slasher address.
    pub slasher: Option<String>,
    /// `true` removes the resolver (only the hub owner can veto then).
    pub clear_resolver: Option<bool>,
}

/// `update_config`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct UpdateConfigMsg {
    pub unbonding_period: Option<u64>,
    pub unbonding_epoch: Option<u64>,
    pub min_deposit: Option<Uint128>,
    pub max_services_per_position: Option<u32>,
    pub max_veto_period: Option<u64>,
    pub max_reward_assets: Option<u32>,
    pub max_pools_per_validator: Option<u32>,
    pub slash_destination: Option<SlashDestination>,
    pub max_open_votes: Option<u32>,
}

/// A governance vote option.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum VoteOption {
    Yes,
    No,
    Abstain,
    NoWithVeto,
}

impl VoteOption {
    pub const ALL: [VoteOption; 4] = [
        VoteOption::Yes,
        VoteOption::No,
        VoteOption::Abstain,
        VoteOption::NoWithVeto,
    ];
}

/// One option of a weighted vote.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct WeightedVote {
    pub option: VoteOption,
    pub weight: Decimal,
}

/// Internal: one step a delegator proxy takes on its validator for the hub.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ProxyAction {
    /// Withdraw the delegation's rewards (to the hub, the proxy's withdraw address).
    WithdrawRewards {},
    /// Delegate the attached funds.
    Delegate { amount: Coin },
    /// Undelegate from the proxy's delegation.
    Undelegate { amount: Coin },
    /// Send tokens the proxy holds (returned unbondings) to the hub.
    SendToHub { amount: Vec<Coin> },
    /// x/liquid: redeem the attached tokenized shares into the proxy's delegation.
    RedeemShares { amount: Coin },
    /// x/liquid: tokenize `amount` of the proxy's delegation and send the shares to `owner`
    /// (who also owns the share record).
    TokenizeShares { amount: Coin, owner: String },
    /// Vote on a governance proposal with the proxy's delegation.
    Vote {
        proposal_id: u64,
        options: Vec<WeightedVote>,
    },
}

/// Response data of `register_service`.
#[cw_serde]
pub struct RegisterServiceResponse {
    pub service_id: u64,
}

/// Response data of `slash`.
#[cw_serde]
pub struct SlashResponse {
    pub slash_id: u64,
}

/// cw20's `Receive` hook as the hub reads it: the fields of `cw20::Cw20ReceiveMsg`, with
/// unknown fields refused like every other message of the hub.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct Cw20ReceiveMsg {
    /// The account that sent the tokens to the hub.
    pub sender: String,
    pub amount: Uint128,
    /// `{"distribute_rewards":{"service_id":N}}`, base64-encoded.
    pub msg: Binary,
}

impl From<cw20::Cw20ReceiveMsg> for Cw20ReceiveMsg {
    fn from(m: cw20::Cw20ReceiveMsg) -> Self {
        Self {
            sender: m.sender,
            amount: m.amount,
            msg: m.msg,
        }
    }
}

/// cw-ownable's ownership actions (the same JSON as `cw_ownable::Action`), with unknown fields
/// refused like every other message of the hub.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum OwnershipAction {
    /// Owner only: propose `new_owner`, optionally until `expiry`. Replaces any pending
    /// proposal.
    TransferOwnership {
        new_owner: String,
        expiry: Option<Expiration>,
    },
    /// The proposed owner accepts.
    AcceptOwnership,
    /// Owner only: give up ownership for good (cancels any pending proposal).
    RenounceOwnership,
}

impl From<OwnershipAction> for cw_ownable::Action {
    fn from(a: OwnershipAction) -> Self {
        match a {
            OwnershipAction::TransferOwnership { new_owner, expiry } => {
                cw_ownable::Action::TransferOwnership { new_owner, expiry }
            }
            OwnershipAction::AcceptOwnership => cw_ownable::Action::AcceptOwnership,
            OwnershipAction::RenounceOwnership => cw_ownable::Action::RenounceOwnership,
        }
    }
}

/// Hook message a cw20 token sends in `Cw20ReceiveMsg::msg`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ReceiveMsg {
    DistributeRewards { service_id: u64 },
}

#[cw_ownable_query]
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
#[cfg_attr(feature = "interface", derive(cw_orch::QueryFns))]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(ServiceResponse)]
    Service { service_id: u64 },
    /// Services in id order.
    #[returns(ServicesResponse)]
    Services {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The staker's position on one validator (zero amounts when there is none).
    #[returns(PositionResponse)]
    Position { staker: String, validator: String },
    /// The staker's positions in validator order.
    #[returns(PositionsResponse)]
    Positions {
        staker: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Every reward the staker could claim now.
    #[returns(PendingRewardsResponse)]
    PendingRewards { staker: String },
    /// The staker's unbondings in id order: all of them, or at most `limit` when given.
    #[returns(UnbondingsResponse)]
    Unbondings {
        staker: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Bonded stake securing the service, in total and per validator (validator order): every
    /// validator, or at most `limit` when given.
    #[returns(ServiceStakeResponse)]
    ServiceStake {
        service_id: u64,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(SlashRequestResponse)]
    SlashRequest { slash_id: u64 },
    /// Slash requests in id order, optionally filtered.
    #[returns(SlashRequestsResponse)]
    SlashRequests {
        service_id: Option<u64>,
        validator: Option<String>,
        status: Option<SlashStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(StakerOverviewResponse)]
    StakerOverview { staker: String },
    #[returns(StatsResponse)]
    Stats {},
    /// Exposure groups (pools) on a validator, in pool id order.
    #[returns(PoolsResponse)]
    Pools {
        validator: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The hub's books for one validator.
    #[returns(ValidatorResponse)]
    Validator { validator: String },
    /// How the hub's stakers voted on a governance proposal, and what the hub cast.
    #[returns(ProposalVotesResponse)]
    ProposalVotes { proposal_id: u64 },
    /// A staker's vote on a proposal through the hub (no option when it has not voted).
    #[returns(StakerVoteResponse)]
    StakerVote { proposal_id: u64, staker: String },
    /// The hub's bonded and restaked totals at the end of each of the last `days` UTC days
    /// (default 30, at most 90) on which they changed, oldest first, and now.
    #[returns(HubHistoryResponse)]
    HubHistory { days: Option<u32> },
    /// A service's restaked stake and cumulative reward per unit of stake, at the end of
    /// each of the last `days` UTC days (default 30, at most 90) on which they changed,
    /// oldest first, and now.
    #[returns(ServiceHistoryResponse)]
    ServiceHistory { service_id: u64, days: Option<u32> },
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}
