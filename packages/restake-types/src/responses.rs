//! Query responses.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Decimal256, Timestamp, Uint128};

use crate::asset::Asset;
use crate::msg::{ServiceStatus, SlashDestination, SlashStatus, VoteOption, WeightedVote};

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Option<Addr>,
    pub bonded_denom: String,
    pub unbonding_period: u64,
    pub unbonding_epoch: u64,
    pub min_deposit: Uint128,
    pub max_services_per_position: u32,
    pub max_veto_period: u64,
    pub max_reward_assets: u32,
    pub max_pools_per_validator: u32,
    pub slash_destination: SlashDestination,
    pub paused: bool,
    pub max_open_votes: u32,
}

/// An amount of one reward asset: `{"denom":"uatom","amount":"5"}` for a native denom,
/// `{"cw20":"cosmos1...","amount":"5"}` for a cw20 token.
#[cw_serde]
pub struct RewardAmount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cw20: Option<Addr>,
    pub amount: Uint128,
}

impl RewardAmount {
    pub fn new(asset: &Asset, amount: Uint128) -> Self {
        match asset {
            Asset::Native(denom) => RewardAmount {
                denom: Some(denom.clone()),
                cw20: None,
                amount,
            },
            Asset::Cw20(addr) => RewardAmount {
                denom: None,
                cw20: Some(addr.clone()),
                amount,
            },
        }
    }

    /// The asset this amount is of.
    pub fn asset(&self) -> Option<Asset> {
        match (&self.denom, &self.cw20) {
            (Some(d), None) => Some(Asset::Native(d.clone())),
            (None, Some(a)) => Some(Asset::Cw20(a.clone())),
            _ => None,
        }
    }
}

#[cw_serde]
pub struct ServiceResponse {
    pub id: u64,
    pub name: String,
    pub admin: Addr,
    pub slasher: Addr,
    pub resolver: Option<Addr>,
    pub max_slash: Decimal,
    pub veto_period: u64,
    pub opt_out_delay: u64,
    pub reward_denoms: Vec<String>,
    pub reward_tokens: Vec<Addr>,
    pub metadata_uri: Option<String>,
    pub status: ServiceStatus,
    /// Bonded stake opted into the service now (pending opt-outs included).
    pub total_stake: Uint128,
    /// Every reward the service has paid, per asset.
    pub rewards_paid: Vec<RewardAmount>,
    /// Stake taken by this service's executed slash requests.
    pub total_slashed: Uint128,
    pub registered_at: Timestamp,
}

#[cw_serde]
pub struct ServicesResponse {
    pub services: Vec<ServiceResponse>,
}

#[cw_serde]
pub struct PendingOptOut {
    pub service_id: u64,
    /// Earliest time `complete_opt_out` can complete it.
    pub ready_at: Timestamp,
}

#[cw_serde]
pub struct PositionResponse {
    pub staker: Addr,
    pub validator: String,
    /// Bonded tokens now, after any slashing.
    pub amount: Uint128,
    /// Every service the stake secures now (services with a pending opt-out included).
    pub service_ids: Vec<u64>,
    pub pending_opt_outs: Vec<PendingOptOut>,
    /// The exposure group (pool) the position is in; 0 when there is no position.
    pub pool_id: u64,
}

#[cw_serde]
pub struct PositionsResponse {
    pub positions: Vec<PositionResponse>,
}

#[cw_serde]
pub struct PendingRewardsResponse {
    pub rewards: Vec<RewardAmount>,
}

#[cw_serde]
pub enum UnbondingStatus {
    /// Waiting in the validator's batch for the next undelegation.
    Queued,
    /// Undelegated; the chain is unbonding it.
    Unbonding,
    /// The chain has returned it; `claim_unbonded` pays it (unless a pending slash request
    /// freezes it).
    Claimable,
}

#[cw_serde]
pub struct UnbondingResponse {
    pub id: u64,
    pub validator: String,
    /// Tokens it will pay, after any slashing.
    pub amount: Uint128,
    /// When the chain completes the unbonding (for a queued entry: the estimate if its batch
    /// is sent at the earliest allowed time).
    pub completion_time: Timestamp,
    pub matured: bool,
    pub status: UnbondingStatus,
    /// Services that can still slash it.
    pub service_ids: Vec<u64>,
    /// A pending slash request against one of those services on this validator holds it:
    /// `claim_unbonded` pays it only once the request is executed or vetoed.
    pub frozen: bool,
}

#[cw_serde]
pub struct UnbondingsResponse {
    pub unbondings: Vec<UnbondingResponse>,
}

#[cw_serde]
pub struct ValidatorStake {
    pub validator: String,
    pub amount: Uint128,
}

#[cw_serde]
pub struct ServiceStakeResponse {
    pub service_id: u64,
    pub total: Uint128,
    pub validators: Vec<ValidatorStake>,
}

#[cw_serde]
pub struct SlashRequestResponse {
    pub id: u64,
    pub service_id: u64,
    pub validator: String,
    pub fraction: Decimal,
    pub evidence: String,
    pub status: SlashStatus,
    pub requested_at: Timestamp,
    pub executable_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    /// Total taken (bonded + unbonding), 0 until executed.
    pub slashed_amount: Uint128,
    pub slashed_bonded: Uint128,
    pub slashed_unbonding: Uint128,
}

#[cw_serde]
pub struct SlashRequestsResponse {
    pub slash_requests: Vec<SlashRequestResponse>,
}

#[cw_serde]
pub struct ServiceRestake {
    pub service_id: u64,
    /// Bonded tokens of the staker securing this service.
    pub amount: Uint128,
}

#[cw_serde]
pub struct StakerOverviewResponse {
    pub staker: Addr,
    /// Bonded tokens over all positions.
    pub bonded: Uint128,
    /// Tokens in unbondings not yet claimed (queued, unbonding or claimable).
    pub unbonding: Uint128,
    /// The part of `unbonding` that `claim_unbonded` would pay now.
    pub claimable: Uint128,
    pub pending_rewards: Vec<RewardAmount>,
    pub restaked: Vec<ServiceRestake>,
    /// Tokens the staker could lose if every service slashed its maximum:
    /// Σ over bonded positions and unbondings of amount × min(1, Σ max_slash).
    pub max_slash_exposure: Uint128,
    pub positions: u32,
}

#[cw_serde]
pub struct StatsResponse {
    /// Bonded tokens of all positions.
    pub total_bonded: Uint128,
    /// Unbonding tokens owed to stakers (queued, unbonding and claimable).
    pub total_unbonding: Uint128,
    /// Addresses with at least one position.
    pub stakers: u64,
    pub services: u64,
    /// Σ over services of the stake securing them (a token securing two services counts twice).
    pub total_restaked: Uint128,
    /// Live exposure groups over all validators.
    pub pools: u64,
    /// Taken by executed service slash requests.
    pub total_slashed: Uint128,
    /// Lost to chain slashing (detected by sync or by short unbonding batches).
    pub chain_slashed: Uint128,
    /// Slashed tokens still delegated or unbonding, waiting to be routed.
    pub slashed_pending_routing: Uint128,
    pub slashed_burned: Uint128,
    pub slashed_to_community_pool: Uint128,
    pub slashed_to_address: Uint128,
    /// Slashed tokens the destination refused; `process_unbondings` retries them.
    pub slashed_unrouted: Uint128,
    /// Rounding dust the hub keeps, per denom (never owed to anybody).
    pub dust: Vec<RewardAmount>,
}

#[cw_serde]
pub struct PoolResponse {
    pub id: u64,
    pub validator: String,
    pub service_ids: Vec<u64>,
    pub bonded: Uint128,
    pub shares: Uint128,
    /// Unbonding tokens from this group not yet claimed.
    pub unbonding: Uint128,
}

#[cw_serde]
pub struct PoolsResponse {
    pub pools: Vec<PoolResponse>,
}

#[cw_serde]
pub struct ValidatorResponse {
    pub validator: String,
    /// The account that holds the hub's delegation on this validator: its delegator proxy
    /// (the hub's own address for validators a v0.1 hub delegated to); none before the
    /// first deposit.
    pub delegator: Option<Addr>,
    /// Bonded tokens of positions on the validator.
    pub bonded: Uint128,
    /// Delegated tokens waiting in the queued batch (unbonds and slashed stake).
    pub queued: Uint128,
    /// Delegated tokens owned by nobody (rounding, surplus).
    pub dust: Uint128,
    /// What the hub's delegation should be: bonded + queued + dust.
    pub books: Uint128,
    pub pools: u32,
    pub batches_in_flight: u32,
    /// Tokens the chain is unbonding for the hub from this validator (as undelegated; a
    /// chain slash of them shows when they return).
    pub unbonding_in_flight: Uint128,
    pub last_undelegation: Option<Timestamp>,
    /// Chain slashes the hub remembers on this validator to tell which batches in flight a
    /// short return may be charged to (kept while batches are in flight).
    pub remembered_chain_slashes: u32,
}

/// Stake behind one vote option.
#[cw_serde]
pub struct OptionStake {
    pub option: VoteOption,
    pub stake: Uint128,
}

/// What one validator's delegator cast.
#[cw_serde]
pub struct ValidatorCast {
    pub validator: String,
    /// The weights last sent to the chain for this validator's delegation (empty: none yet).
    pub weights: Vec<WeightedVote>,
    /// Stake of the hub's voters on this validator.
    pub voters_stake: Uint128,
    /// The hub's delegation on it (what the chain counts with these weights).
    pub delegation: Uint128,
}

#[cw_serde]
pub struct ProposalVotesResponse {
    pub proposal_id: u64,
    /// Voters' stake per option (over all validators).
    pub tally: Vec<OptionStake>,
    /// Bonded stake of the stakers who voted.
    pub voters_stake: Uint128,
    /// Bonded stake of every staker in the hub.
    pub hub_bonded: Uint128,
    /// The weights the chain counts for the hub's stake as a whole: each validator's
    /// delegator votes its own voters' mix, so this is their delegation-weighted mean.
    pub cast: Vec<WeightedVote>,
    pub by_validator: Vec<ValidatorCast>,
    /// The chain refused a vote on it: its voting period is over.
    pub closed: bool,
}

#[cw_serde]
pub struct StakerVoteResponse {
    pub proposal_id: u64,
    pub staker: Addr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<VoteOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted: Option<Vec<WeightedVote>>,
    /// The stake the vote counts with.
    pub stake: Uint128,
}

/// The hub's totals at the end of a UTC day.
#[cw_serde]
pub struct HubPoint {
    /// Days since 1970-01-01 (UTC): `time / 86400`.
    pub day: u64,
    /// Bonded stake of every staker in the hub.
    pub bonded: Uint128,
    /// Σ over services of the bonded stake securing them (as `stats.total_restaked`).
    pub restaked: Uint128,
}

/// `hub_history`: a point per day on which the totals changed (a day without a point kept
/// the previous point's values), oldest first; `now` is the value at the queried block.
#[cw_serde]
pub struct HubHistoryResponse {
    pub points: Vec<HubPoint>,
    pub now: HubPoint,
}

/// A service's cumulative reward per unit of restaked stake in one asset.
#[cw_serde]
pub struct RewardIndexPoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cw20: Option<Addr>,
    /// Σ over distributions of amount / stake then: what one unit of stake restaked
    /// throughout has earned. The difference between two points over the days between them
    /// is the service's yield per unit of stake.
    pub index: Decimal256,
}

/// A service's state at the end of a UTC day.
#[cw_serde]
pub struct ServicePoint {
    /// Days since 1970-01-01 (UTC).
    pub day: u64,
    /// Bonded stake opted into the service.
    pub stake: Uint128,
    pub reward_indexes: Vec<RewardIndexPoint>,
}

/// `service_history`: a point per day on which the service's stake or rewards changed,
/// oldest first; `now` is the value at the queried block.
#[cw_serde]
pub struct ServiceHistoryResponse {
    pub service_id: u64,
    pub points: Vec<ServicePoint>,
    pub now: ServicePoint,
}
