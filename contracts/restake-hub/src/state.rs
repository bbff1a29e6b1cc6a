//! Storage layout.
//!
//! Stake is grouped into pools keyed by (validator, set of services); positions hold
//! shares of a pool, so a slash or a chain slash touches pools, never positions. Every
//! map a message touches is read by key; nothing a stranger can grow is iterated in a
//! message except the sender's own records.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Decimal256, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use restake_types::math::ShareGroup;
use restake_types::{Asset, ServiceStatus, SlashStatus};

/// Config with validated addresses.
#[cw_serde]
pub struct Config {
    pub bonded_denom: String,
    pub unbonding_period: u64,
    pub unbonding_epoch: u64,
    pub min_deposit: Uint128,
    pub max_services_per_position: u32,
    pub max_veto_period: u64,
    pub max_reward_assets: u32,
    pub max_pools_per_validator: u32,
    pub slash_destination: Destination,
    pub paused: bool,
}

#[cw_serde]
pub enum Destination {
    Burn,
    CommunityPool,
    Address(Addr),
}

/// Hot counters, read and written by most messages: kept small.
#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub next_service_id: u64,
    pub next_pool_id: u64,
    pub next_batch_id: u64,
    pub next_unbonding_id: u64,
    pub next_slash_id: u64,
    /// Bonded tokens of all positions.
    pub bonded: Uint128,
    /// Unbonding tokens owed to stakers (queued, in flight, claimable).
    pub unbonding: Uint128,
    /// Σ over services of the stake securing them.
    pub restaked: Uint128,
    pub stakers: u64,
    pub services: u64,
    pub pools: u64,
    /// The bonded-denom bank balance the books account for (claimable unbondings, unpaid
    /// rewards in the bonded denom, slashed tokens waiting to be routed, dust). Whatever
    /// the bank holds above it has arrived from the chain since (matured undelegations).
    pub liquid_bonded: Uint128,
    /// Height and time (seconds) of the last block in which the hub settled batches, and
    /// the latest time of a strictly earlier block it saw: every unbonding completing at
    /// or before `earlier_time` has certainly been returned by the chain (the chain pays
    /// out at the end of the first block past completion).
    #[serde(default)]
    pub seen_height: u64,
    #[serde(default)]
    pub seen_time: u64,
    #[serde(default)]
    pub earlier_time: u64,
    /// Bonded-denom tokens in the hub's balance reserved for batches whose return is decided
    /// but which are not settled yet (`Batch::decided`).
    #[serde(default)]
    pub reserved: Uint128,
}

/// Cold statistics: slashing and dust.
#[cw_serde]
#[derive(Default)]
pub struct SlashStats {
    pub total_slashed: Uint128,
    pub chain_slashed: Uint128,
    pub pending_routing: Uint128,
    pub burned: Uint128,
    pub community_pool: Uint128,
    pub to_address: Uint128,
    /// Slashed tokens in the hub's bank whose routing the destination refused; retried by
    /// `process_unbondings`.
    #[serde(default)]
    pub unrouted: Uint128,
    pub dust: Vec<(Asset, Uint128)>,
}

#[cw_serde]
pub struct Service {
    pub id: u64,
    pub name: String,
    pub admin: Addr,
    pub slasher: Addr,
    pub resolver: Option<Addr>,
    pub max_slash: Decimal,
    pub veto_period: u64,
    pub opt_out_delay: u64,
    pub reward_assets: Vec<Asset>,
    pub metadata_uri: Option<String>,
    pub status: ServiceStatus,
    pub registered_at: Timestamp,
    pub total_slashed: Uint128,
    /// Paused by the hub owner: only the owner may make it active again.
    #[serde(default)]
    pub owner_paused: bool,
}

/// The part of a service that every settlement reads: its stake and reward indexes.
#[cw_serde]
#[derive(Default)]
pub struct ServiceState {
    pub total_stake: Uint128,
    /// Cumulative reward per unit of opted stake, per asset.
    pub indexes: Vec<(Asset, Decimal256)>,
}

#[cw_serde]
#[derive(Default)]
pub struct ValidatorState {
    /// Σ bonded tokens of the pools on this validator (the stake earning native rewards).
    pub bonded: Uint128,
    /// Delegated tokens owned by nobody (rounding, surplus).
    pub dust: Uint128,
    /// Delegated tokens waiting in the queued batch (unbonds and slashed stake).
    pub queued: Uint128,
    pub queued_batch: Option<u64>,
    /// Live pools (exposure groups); bounded by `max_pools_per_validator`.
    pub pools: Vec<u64>,
    pub last_send: Option<Timestamp>,
    /// Batches sent to the chain whose return has not been settled yet.
    pub in_flight: u32,
    /// Tokens undelegated in those batches.
    #[serde(default)]
    pub in_flight_tokens: Uint128,
    /// Cumulative native staking reward per bonded token, per denom.
    pub native_index: Vec<(String, Decimal256)>,
    /// Chain slashes detected on the validator, to attribute short unbonding returns.
    #[serde(default)]
    pub chain_slashes: Vec<ChainSlash>,
    /// Last time (seconds) a sync found the delegation whole: a chain slash detected later
    /// happened after it (kept while batches are in flight).
    #[serde(default)]
    pub last_whole: u64,
    /// Chain slashes detected on the validator so far (orders detections and sends that
    /// share a block time).
    #[serde(default)]
    pub chain_slash_count: u64,
    /// Pending slash requests per service on this validator.
    pub pending_slashes: Vec<(u64, u32)>,
}

impl ValidatorState {
    pub fn new() -> Self {
        ValidatorState::default()
    }

    /// What the hub's delegation on the validator should be.
    pub fn books(&self) -> Uint128 {
        self.bonded + self.dust + self.queued
    }

    pub fn is_exposed(&self, service_id: u64) -> bool {
        self.pending_slashes
            .iter()
            .any(|(s, n)| *s == service_id && *n > 0)
    }

    /// The first service of `services` with a pending slash request on this validator.
    pub fn first_exposed(&self, services: &[u64]) -> Option<u64> {
        services.iter().copied().find(|s| self.is_exposed(*s))
    }
}

/// A chain slash the hub detected: the delegation kept `kept` of itself, and the slash
/// happened between `after` (the last sync that found the delegation whole) and
/// `detected` (seconds).
#[cw_serde]
pub struct ChainSlash {
    /// Sequence number on the validator (see `ValidatorState::chain_slash_count`).
    pub seq: u64,
    pub after: u64,
    pub detected: u64,
    pub kept: Decimal256,
}

#[cw_serde]
pub struct Pool {
    pub id: u64,
    pub validator: String,
    pub services: Vec<u64>,
    /// Bonded stake of the positions in the pool (generation always 0: a wiped-out pool
    /// is replaced by a new pool id instead).
    pub bonded: ShareGroup,
    /// Claimable unbondings from settled batches, still slashable until claimed.
    pub matured: ShareGroup,
    /// Unbonding entries merged into `matured` and not yet claimed.
    pub matured_entries: u32,
    /// Unsettled batches holding an unbonding group of this pool.
    pub batches: Vec<u64>,
    /// Cumulative reward per bonded share, per asset.
    pub rps: Vec<(Asset, Decimal256)>,
    /// Service indexes at the last settlement.
    pub service_marks: Vec<(u64, Asset, Decimal256)>,
    /// Validator native indexes at the last settlement.
    pub native_marks: Vec<(String, Decimal256)>,
}

impl Pool {
    /// Something in the pool can still be slashed or is still owed.
    pub fn is_live(&self) -> bool {
        !self.bonded.tokens.is_zero()
            || !self.matured.tokens.is_zero()
            || self.matured_entries > 0
            || !self.batches.is_empty()
    }
}

#[cw_serde]
pub struct Position {
    pub pool_id: u64,
    pub shares: Uint128,
    pub pending_opt_outs: Vec<(u64, Timestamp)>,
    /// Pool reward-per-share at the last settlement.
    pub marks: Vec<(Asset, Decimal256)>,
    /// Rewards earned and not yet claimed (with their fraction).
    pub accrued: Vec<(Asset, Decimal256)>,
}

#[cw_serde]
#[derive(Default)]
pub struct StakerInfo {
    pub positions: u32,
    /// Rewards of closed positions, not yet claimed.
    pub rewards: Vec<(Asset, Decimal256)>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum BatchStatus {
    Queued,
    Sent,
    Settled,
}

#[cw_serde]
pub struct Batch {
    pub id: u64,
    pub validator: String,
    pub status: BatchStatus,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub completion_time: Option<Timestamp>,
    /// Pools with an unbonding group in this batch.
    pub pools: Vec<u64>,
    /// Slashed stake riding along; routed to the slash destination at settlement.
    pub slashed: Uint128,
    /// Tokens undelegated (set when sent).
    pub expected: Uint128,
    /// Tokens returned by the chain (set when settled).
    pub returned: Uint128,
    /// The validator's `chain_slash_count` when the batch was sent: later detections may
    /// have hit it in flight, earlier ones were already synced away.
    #[serde(default)]
    pub chain_slashes_at_send: u64,
    /// The return decided for this batch when its set was settled beyond what one message
    /// settles; its tokens are reserved (`Totals::reserved`) until it is settled.
    #[serde(default)]
    pub decided: Option<Uint128>,
    /// Its validator was synced after the batch came due: any chain slash that hit it in
    /// flight is known.
    #[serde(default)]
    pub checked: bool,
}

/// The unbonding stake of one pool in one batch.
#[cw_serde]
pub struct UnbondingGroup {
    pub group: ShareGroup,
    /// Set when the batch settles: the group's tokens moved into the pool's `matured`
    /// group as `shares` of its generation `generation`.
    pub merged: Option<Merged>,
    /// Entries not yet claimed.
    pub entries: u32,
}

#[cw_serde]
pub struct Merged {
    pub generation: u32,
    /// Matured shares minted for the whole group.
    pub shares: Uint128,
    /// Matured shares not yet handed to claiming entries.
    pub shares_left: Uint128,
    /// Group shares not yet claimed (the last claimant takes `shares_left`).
    pub group_shares_left: Uint128,
}

#[cw_serde]
pub struct Unbonding {
    pub id: u64,
    pub validator: String,
    pub pool_id: u64,
    pub batch_id: u64,
    pub shares: Uint128,
    pub generation: u32,
    pub requested: Uint128,
    pub created_at: Timestamp,
}

#[cw_serde]
pub struct SlashRequest {
    pub id: u64,
    pub service_id: u64,
    pub validator: String,
    pub fraction: Decimal,
    pub evidence: String,
    pub status: SlashStatus,
    pub requested_at: Timestamp,
    pub executable_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub slashed_bonded: Uint128,
    pub slashed_unbonding: Uint128,
}

pub struct SlashIndexes<'a> {
    pub service: MultiIndex<'a, u64, SlashRequest, u64>,
    pub validator: MultiIndex<'a, String, SlashRequest, u64>,
}

impl IndexList<SlashRequest> for SlashIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<SlashRequest>> + '_> {
        let v: Vec<&dyn Index<SlashRequest>> = vec![&self.service, &self.validator];
        Box::new(v.into_iter())
    }
}

pub fn slash_requests<'a>() -> IndexedMap<u64, SlashRequest, SlashIndexes<'a>> {
    IndexedMap::new(
        "slashes",
        SlashIndexes {
            service: MultiIndex::new(|_pk, r| r.service_id, "slashes", "slashes__service"),
            validator: MultiIndex::new(
                |_pk, r| r.validator.clone(),
                "slashes",
                "slashes__validator",
            ),
        },
    )
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const TOTALS: Item<Totals> = Item::new("totals");
pub const SLASH_STATS: Item<SlashStats> = Item::new("slash_stats");
pub const SERVICES: Map<u64, Service> = Map::new("services");
pub const SERVICE_STATES: Map<u64, ServiceState> = Map::new("service_states");
/// Everything a service has paid, per asset.
pub const REWARDS_PAID: Map<u64, Vec<(Asset, Uint128)>> = Map::new("rewards_paid");
/// Bonded stake securing (service, validator).
pub const SERVICE_VALIDATOR_STAKE: Map<(u64, &str), Uint128> = Map::new("svc_val_stake");
pub const VALIDATORS: Map<&str, ValidatorState> = Map::new("validators");
pub const POOLS: Map<u64, Pool> = Map::new("pools");
/// (validator, service-set key) → the pool new members of that set join.
pub const POOL_KEYS: Map<(&str, &str), u64> = Map::new("pool_keys");
pub const POSITIONS: Map<(&Addr, &str), Position> = Map::new("positions");
pub const STAKERS: Map<&Addr, StakerInfo> = Map::new("stakers");
pub const BATCHES: Map<u64, Batch> = Map::new("batches");
/// Sent, unsettled batches by completion time (seconds), for settlement in time order.
pub const BATCH_COMPLETIONS: Map<(u64, u64), ()> = Map::new("batch_completions");
/// Validators with a queued batch.
pub const QUEUED: Map<&str, u64> = Map::new("queued");
pub const UNBONDING_GROUPS: Map<(u64, u64), UnbondingGroup> = Map::new("unbonding_groups");
pub const UNBONDINGS: Map<(&Addr, u64), Unbonding> = Map::new("unbondings");
/// Reply id of the submessages routing slashed tokens (the amount rides in the payload).
pub const ROUTE_REPLY_ID: u64 = 1;
/// Reply id of reward payouts other than the bonded denom (staker, asset and amount ride in the
/// payload).
pub const PAYOUT_REPLY_ID: u64 = 2;

/// Key of a service set: sorted ids joined by dots ("" for no service).
pub fn set_key(services: &[u64]) -> String {
    services
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(".")
}
