//! Storage layout: every record the hub keeps, its key, and its compact binary form.
//!
//! Stake is grouped into pools keyed by (validator, set of services); positions hold shares
//! of a pool, so a slash or a chain slash touches pools, never positions. Every record a
//! message touches is read by key; nothing a stranger can grow is iterated in a message
//! except the sender's own records. Records are split by how often they change: a message
//! writes the small hot record it changed (a validator's stake, a service's reward index),
//! not the cold one beside it (the validator's address and delegator, the service's
//! terms). Handlers reach all of it through [`books::Books`].
//!
//! Validators and reward assets are numbered on first use (`vid`, asset id) so that keys
//! and lists carry a few bytes instead of a 50-byte address or a 68-byte denom.
//!
//! Why one file: this is the storage layout. Every record the hub stores sits here with its
//! packed form, so the whole layout (what a `migrate` must carry over) reads in one place;
//! keys are in [`keys`], the encoding in [`codec`], and the way handlers reach them in
//! [`books`].

pub mod books;
pub mod codec;
pub mod keys;

use cosmwasm_std::{Addr, Decimal, Decimal256, StdResult, Timestamp, Uint128};
use restake_types::math::ShareGroup;
use restake_types::{Asset, ServiceStatus, SlashStatus};

use codec::{corrupt, packed, Pack};

// ---------------------------------------------------------------------------- namespaces

/// One byte per kind of record. All below 0x20, so no key can meet the string keys of cw2
/// (`contract_info`) and cw-ownable (`ownership`), nor the length-prefixed maps of v0.1.
pub mod ns {
    pub const CONFIG: u8 = 0x01;
    pub const TOTALS: u8 = 0x02;
    pub const STATS: u8 = 0x03;
    pub const DUST: u8 = 0x04;
    pub const ASSET: u8 = 0x05;
    pub const ASSET_ID: u8 = 0x06;
    pub const SERVICE: u8 = 0x07;
    pub const SERVICE_STATE: u8 = 0x08;
    pub const SERVICE_STAKE: u8 = 0x09;
    pub const VALIDATOR: u8 = 0x0a;
    pub const VALIDATOR_INFO: u8 = 0x0b;
    pub const VALIDATOR_ID: u8 = 0x0c;
    pub const VALIDATOR_POOLS: u8 = 0x0d;
    pub const CHAIN_SLASHES: u8 = 0x0e;
    pub const POOL: u8 = 0x0f;
    pub const POOL_KEY: u8 = 0x10;
    pub const POSITION: u8 = 0x11;
    pub const STAKER: u8 = 0x12;
    pub const BATCH: u8 = 0x13;
    pub const GROUP: u8 = 0x14;
    pub const DUE: u8 = 0x15;
    pub const QUEUED: u8 = 0x16;
    pub const UNBONDING: u8 = 0x17;
    pub const SHARED_ACCOUNT: u8 = 0x18;
    pub const SLASH: u8 = 0x19;
    pub const SLASH_BY_SERVICE: u8 = 0x1a;
    pub const SLASH_BY_VALIDATOR: u8 = 0x1b;
    pub const PENDING: u8 = 0x1c;
    pub const PROXY: u8 = 0x1d;
    pub const BALLOT: u8 = 0x1e;
    pub const TALLY: u8 = 0x1f;
    pub const STAKER_VOTES: u8 = 0x20;
    pub const HUB_POINT: u8 = 0x21;
    pub const SERVICE_POINT: u8 = 0x22;
}

/// Reply ids.
pub const ROUTE_REPLY_ID: u64 = 1;
pub const PAYOUT_REPLY_ID: u64 = 2;
pub const PROXY_CREATED_REPLY_ID: u64 = 3;
pub const SHARES_DEPOSITED_REPLY_ID: u64 = 4;
pub const TOKENIZED_REPLY_ID: u64 = 5;
pub const VOTE_RECAST_REPLY_ID: u64 = 6;
/// A vote's check of a staker's open votes at `max_open_votes` (see `gov::probe`).
pub const VOTE_PROBE_REPLY_ID: u64 = 19;

/// Seconds in a day: history points are per UTC day (`time / DAY`).
pub const DAY: u64 = 86_400;

/// The bonded denom is reward asset 0.
pub const BONDED_ASSET: u32 = 0;

// ---------------------------------------------------------------------------- records

#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    Burn,
    CommunityPool,
    Address(Addr),
}

impl Pack for Destination {
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            Destination::Burn => out.push(0),
            Destination::CommunityPool => out.push(1),
            Destination::Address(a) => {
                out.push(2);
                a.pack(out);
            }
        }
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => Destination::Burn,
            1 => Destination::CommunityPool,
            2 => Destination::Address(Addr::unpack(input)?),
            _ => return Err(corrupt()),
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
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
    pub max_open_votes: u32,
}
packed!(Config {
    bonded_denom,
    unbonding_period,
    unbonding_epoch,
    min_deposit,
    max_services_per_position,
    max_veto_period,
    max_reward_assets,
    max_pools_per_validator,
    slash_destination,
    paused,
    max_open_votes
});

/// Counters and the hub's own liquid balance: small, because many messages write it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub next_service: u64,
    pub next_pool: u64,
    pub next_batch: u64,
    pub next_unbonding: u64,
    pub next_slash: u64,
    pub next_validator: u32,
    pub next_asset: u32,
    pub stakers: u64,
    pub services: u64,
    /// The bonded-denom balance of the hub's own account that the books account for
    /// (claimable unbondings, unpaid rewards in the bonded denom, slashed tokens waiting to
    /// be routed, dust).
    pub liquid_bonded: Uint128,
    /// Bonded-denom tokens in the hub's balance set aside for batches whose return is
    /// decided but which are not settled yet (`Batch::decided`).
    pub reserved: Uint128,
    /// Height and time (seconds) of the last block in which the hub settled batches, and
    /// the latest time of a strictly earlier block it saw: every unbonding completing at or
    /// before `earlier_time` has certainly been paid out by the chain.
    pub seen_height: u64,
    pub seen_time: u64,
    pub earlier_time: u64,
    /// Σ over validators of `Validator::bonded`, and of `Validator::restaked` (what
    /// `hub_history` records), and the UTC day they last changed.
    pub bonded: Uint128,
    pub restaked: Uint128,
    pub flow_day: u64,
}
packed!(Totals {
    next_service,
    next_pool,
    next_batch,
    next_unbonding,
    next_slash,
    next_validator,
    next_asset,
    stakers,
    services,
    liquid_bonded,
    reserved,
    seen_height,
    seen_time,
    earlier_time,
    bonded,
    restaked,
    flow_day
});

/// Cold statistics of slashing and routing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub total_slashed: Uint128,
    pub chain_slashed: Uint128,
    pub pending_routing: Uint128,
    pub burned: Uint128,
    pub community_pool: Uint128,
    pub to_address: Uint128,
    /// Slashed tokens in the hub's bank whose routing the destination refused; retried by
    /// `process_unbondings`.
    pub unrouted: Uint128,
}
packed!(Stats {
    total_slashed,
    chain_slashed,
    pending_routing,
    burned,
    community_pool,
    to_address,
    unrouted
});

impl Pack for Asset {
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            Asset::Native(d) => {
                out.push(0);
                d.pack(out);
            }
            Asset::Cw20(a) => {
                out.push(1);
                a.pack(out);
            }
        }
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => Asset::Native(String::unpack(input)?),
            1 => Asset::Cw20(Addr::unpack(input)?),
            _ => return Err(corrupt()),
        })
    }
}

impl Pack for ServiceStatus {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(match self {
            ServiceStatus::Active => 0,
            ServiceStatus::Paused => 1,
            ServiceStatus::Retired => 2,
        });
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => ServiceStatus::Active,
            1 => ServiceStatus::Paused,
            2 => ServiceStatus::Retired,
            _ => return Err(corrupt()),
        })
    }
}

impl Pack for SlashStatus {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(match self {
            SlashStatus::Pending => 0,
            SlashStatus::Vetoed => 1,
            SlashStatus::Executed => 2,
        });
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => SlashStatus::Pending,
            1 => SlashStatus::Vetoed,
            2 => SlashStatus::Executed,
            _ => return Err(corrupt()),
        })
    }
}

packed!(ShareGroup {
    tokens,
    shares,
    generation
});

/// A service's terms: read by opt-ins, slashes and queries, written by its admin.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: String,
    pub admin: Addr,
    pub slasher: Addr,
    pub resolver: Option<Addr>,
    pub max_slash: Decimal,
    pub veto_period: u64,
    pub opt_out_delay: u64,
    pub metadata_uri: Option<String>,
    pub registered_at: Timestamp,
    pub total_slashed: Uint128,
    /// Paused by the hub owner: only the owner may make it active again.
    pub owner_paused: bool,
}
packed!(Service {
    name,
    admin,
    slasher,
    resolver,
    max_slash,
    veto_period,
    opt_out_delay,
    metadata_uri,
    registered_at,
    total_slashed,
    owner_paused
});

/// A reward asset of a service: the cumulative reward per unit of opted stake, and all the
/// service has paid in it.
#[derive(Clone, Debug, PartialEq)]
pub struct RewardIndex {
    pub asset: u32,
    pub index: Decimal256,
    pub paid: Uint128,
}
packed!(RewardIndex { asset, index, paid });

/// What reward payments and pool settlements read of a service. A declared reward asset is
/// one with an index here.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceState {
    pub total_stake: Uint128,
    pub status: ServiceStatus,
    pub indexes: Vec<RewardIndex>,
    /// The UTC day (`time / 86400`) of the last change (see `history`).
    pub day: u64,
}
packed!(ServiceState {
    total_stake,
    status,
    indexes,
    day
});

/// A service's end-of-day values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServicePointRecord {
    pub stake: Uint128,
    pub indexes: Vec<(u32, Decimal256)>,
}
packed!(ServicePointRecord { stake, indexes });

impl ServiceState {
    pub fn index(&self, asset: u32) -> Option<&RewardIndex> {
        self.indexes.iter().find(|i| i.asset == asset)
    }
}

/// Who holds the hub's delegation on a validator.
#[derive(Clone, Debug, PartialEq)]
pub enum Delegator {
    /// The hub's own account (validators a v0.1 hub already delegated to).
    Hub,
    /// The validator's proxy contract, one per validator.
    Proxy(Addr),
    /// The proxy is being instantiated in this message (its address arrives in the reply).
    Pending,
}

impl Pack for Delegator {
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            Delegator::Hub => out.push(0),
            Delegator::Proxy(a) => {
                out.push(1);
                a.pack(out);
            }
            Delegator::Pending => out.push(2),
        }
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => Delegator::Hub,
            1 => Delegator::Proxy(Addr::unpack(input)?),
            2 => Delegator::Pending,
            _ => return Err(corrupt()),
        })
    }
}

/// A validator's operator address and the account that delegates to it: written once.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatorInfo {
    pub valoper: String,
    pub delegator: Delegator,
}
packed!(ValidatorInfo { valoper, delegator });

/// The hot part of a validator's books.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validator {
    /// Σ bonded tokens of the pools on this validator (the stake earning native rewards).
    pub bonded: Uint128,
    /// Delegated tokens owned by nobody (rounding, surplus).
    pub dust: Uint128,
    /// Delegated tokens waiting in the queued batch (unbonds and slashed stake).
    pub queued: Uint128,
    /// Tokens owed to stakers from unbondings on this validator (queued, in flight,
    /// claimable).
    pub unbonding: Uint128,
    /// Σ over services of the bonded stake on this validator securing them.
    pub restaked: Uint128,
    /// Tokens undelegated in batches not settled yet.
    pub in_flight: Uint128,
    pub queued_batch: Option<u64>,
    /// Time (seconds) of the last undelegation.
    pub last_send: Option<u64>,
    /// Sent batches not settled yet: (batch id, completion seconds), oldest first (≤ 7).
    pub unsettled: Vec<(u64, u64)>,
    /// Cumulative native staking reward per bonded token, per asset.
    pub native: Vec<(u32, Decimal256)>,
    /// The pool of stake securing no service (never counted against the pool cap).
    pub plain_pool: u64,
    /// Last time (seconds) the chain listed the validator among its bonded validators.
    pub bonded_seen: u64,
    /// Last time (seconds) a sync found the delegation whole: a chain slash detected later
    /// happened after it (kept while batches are in flight).
    pub last_whole: u64,
    /// Chain slashes detected on the validator so far (orders detections and sends that
    /// share a block time).
    pub slash_count: u64,
}
packed!(Validator {
    bonded,
    dust,
    queued,
    unbonding,
    restaked,
    in_flight,
    queued_batch,
    last_send,
    unsettled,
    native,
    plain_pool,
    bonded_seen,
    last_whole,
    slash_count
});

impl Validator {
    /// What the delegation on the validator should be.
    pub fn expected_delegation(&self) -> Uint128 {
        self.bonded + self.dust + self.queued
    }
}

/// A chain slash the hub detected: the delegation kept `kept` of itself, and the slash
/// happened between `after` (the last sync that found the delegation whole) and `detected`
/// (seconds).
#[derive(Clone, Debug, PartialEq)]
pub struct ChainSlash {
    pub seq: u64,
    pub after: u64,
    pub detected: u64,
    pub kept: Decimal256,
}
packed!(ChainSlash {
    seq,
    after,
    detected,
    kept
});

/// The chain slashes detected on a validator, kept while batches are in flight: they tell
/// which batches a short return may be charged to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChainSlashes {
    pub recent: Vec<ChainSlash>,
}
packed!(ChainSlashes { recent });

/// Where a pool's positions went when the pool was evicted (see `pools::evict`).
#[derive(Clone, Debug, PartialEq)]
pub struct Redirect {
    /// The validator's plain pool, which took the evicted pool's bonded tokens.
    pub pool: u64,
    /// Plain-pool shares minted for the evicted tokens and not yet handed to positions.
    pub shares_left: Uint128,
    /// The evicted pool's shares not yet converted.
    pub from_left: Uint128,
    /// The plain pool's reward per share at the eviction: converted positions earn from it.
    pub marks: Vec<(u32, Decimal256)>,
}
packed!(Redirect {
    pool,
    shares_left,
    from_left,
    marks
});

#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    pub id: u64,
    pub vid: u32,
    pub services: Vec<u64>,
    /// Bonded stake of the positions in the pool (generation always 0: a wiped-out pool is
    /// replaced by a new pool id instead).
    pub bonded: ShareGroup,
    /// Claimable unbondings from settled batches, still slashable until claimed.
    pub matured: ShareGroup,
    /// Unbonding entries merged into `matured` and not yet claimed.
    pub matured_entries: u32,
    /// Unsettled batches holding an unbonding group of this pool.
    pub batches: Vec<u64>,
    /// Cumulative reward per bonded share, per asset.
    pub rps: Vec<(u32, Decimal256)>,
    /// Service indexes at the last settlement: (service, asset, index).
    pub service_marks: Vec<(u64, u32, Decimal256)>,
    /// Validator native indexes at the last settlement.
    pub native_marks: Vec<(u32, Decimal256)>,
    /// Set when the pool's stake left its services: its positions move to the plain pool
    /// when touched.
    pub redirect: Option<Redirect>,
    /// Set when the pool was evicted (a forced opt-out of all its services): when it becomes
    /// ready (seconds). Until then, and until no request opened before then holds it, the
    /// pool keeps securing its services.
    pub leaving: Option<u64>,
}
packed!(Pool {
    id,
    vid,
    services,
    bonded,
    matured,
    matured_entries,
    batches,
    rps,
    service_marks,
    native_marks,
    redirect,
    leaving
});

impl Pool {
    pub fn new(id: u64, vid: u32, services: Vec<u64>) -> Pool {
        Pool {
            id,
            vid,
            services,
            bonded: ShareGroup::default(),
            matured: ShareGroup::default(),
            matured_entries: 0,
            batches: vec![],
            rps: vec![],
            service_marks: vec![],
            native_marks: vec![],
            redirect: None,
            leaving: None,
        }
    }

    /// Something in the pool can still be slashed or is still owed.
    pub fn is_live(&self) -> bool {
        !self.bonded.tokens.is_zero()
            || !self.matured.tokens.is_zero()
            || self.matured_entries > 0
            || !self.batches.is_empty()
    }

    pub fn is_plain(&self) -> bool {
        self.services.is_empty()
    }

    /// Holds one of its validator's slots: a pool of services neither evicted nor converted.
    pub fn is_slotted(&self) -> bool {
        !self.is_plain() && self.leaving.is_none() && self.redirect.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub pool: u64,
    pub shares: Uint128,
    /// (service, ready at).
    pub opt_outs: Vec<(u64, Timestamp)>,
    /// Pool reward-per-share at the last settlement.
    pub marks: Vec<(u32, Decimal256)>,
    /// Rewards earned and not yet claimed (with their fraction).
    pub accrued: Vec<(u32, Decimal256)>,
}
packed!(Position {
    pool,
    shares,
    opt_outs,
    marks,
    accrued
});

/// Rewards of a staker's closed positions, not yet claimed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StakerRewards {
    pub rewards: Vec<(u32, Decimal256)>,
}
packed!(StakerRewards { rewards });

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchStatus {
    Queued,
    Sent,
    Settled,
}

impl Pack for BatchStatus {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(match u8::unpack(input)? {
            0 => BatchStatus::Queued,
            1 => BatchStatus::Sent,
            2 => BatchStatus::Settled,
            _ => return Err(corrupt()),
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub id: u64,
    pub vid: u32,
    pub status: BatchStatus,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub completion: Option<Timestamp>,
    /// Pools with an unbonding group in this batch.
    pub pools: Vec<u64>,
    /// Slashed stake riding along; routed to the slash destination at settlement.
    pub slashed: Uint128,
    /// Tokens undelegated (set when sent).
    pub expected: Uint128,
    /// Tokens returned by the chain (set when settled).
    pub returned: Uint128,
    /// The validator's chain-slash count when the batch was sent: later detections may
    /// have hit it in flight, earlier ones were already synced away.
    pub slashes_at_send: u64,
    /// The return decided for this batch when its set was settled beyond what one message
    /// settles; its tokens are reserved (`Totals::reserved`) until it is settled.
    pub decided: Option<Uint128>,
    /// Its validator was synced after the batch came due: any chain slash that hit it in
    /// flight is known.
    pub checked: bool,
    /// While queued: the earliest time (seconds) it may be sent (its key in the crank's
    /// index of queued batches).
    pub send_after: u64,
}
packed!(Batch {
    id,
    vid,
    status,
    created_at,
    sent_at,
    completion,
    pools,
    slashed,
    expected,
    returned,
    slashes_at_send,
    decided,
    checked,
    send_after
});

#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub generation: u32,
    /// Matured shares minted for the whole group.
    pub shares: Uint128,
    /// Matured shares not yet handed to claiming entries.
    pub shares_left: Uint128,
    /// Group shares not yet claimed (the last claimant takes `shares_left`).
    pub group_shares_left: Uint128,
}
packed!(Merged {
    generation,
    shares,
    shares_left,
    group_shares_left
});

/// The unbonding stake of one pool in one batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnbondingGroup {
    pub group: ShareGroup,
    /// Set when the batch settles: the group's tokens moved into the pool's `matured`
    /// group.
    pub merged: Option<Merged>,
    /// Entries not yet claimed.
    pub entries: u32,
}
packed!(UnbondingGroup {
    group,
    merged,
    entries
});

#[derive(Clone, Debug, PartialEq)]
pub struct Unbonding {
    pub vid: u32,
    pub pool: u64,
    pub batch: u64,
    pub shares: Uint128,
    pub generation: u32,
    pub requested: Uint128,
    pub created_at: Timestamp,
}
packed!(Unbonding {
    vid,
    pool,
    batch,
    shares,
    generation,
    requested,
    created_at
});

#[derive(Clone, Debug, PartialEq)]
pub struct SlashRequest {
    pub service: u64,
    pub vid: u32,
    pub fraction: Decimal,
    pub evidence: String,
    pub status: SlashStatus,
    pub requested_at: Timestamp,
    pub executable_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub slashed_bonded: Uint128,
    pub slashed_unbonding: Uint128,
}
packed!(SlashRequest {
    service,
    vid,
    fraction,
    evidence,
    status,
    requested_at,
    executable_at,
    resolved_at,
    slashed_bonded,
    slashed_unbonding
});

/// The state of a delegator proxy (an instance of this code that holds one validator's
/// delegation for the hub).
#[derive(Clone, Debug, PartialEq)]
pub struct ProxyState {
    pub hub: Addr,
    pub validator: String,
}
packed!(ProxyState { hub, validator });

/// A staker's vote: its weights (option index in `VoteOption::ALL`, weight) and the stake it
/// brought on each validator when last counted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ballot {
    pub weights: Vec<(u8, Decimal)>,
    /// Whether it was cast as one option (for `staker_vote`).
    pub single: bool,
    pub counted: Vec<(u32, Uint128)>,
}
packed!(Ballot {
    weights,
    single,
    counted
});

/// Voters' stake per option (indexes of `VoteOption::ALL`), hub-wide or on one validator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub options: Vec<Uint128>,
    pub voters: Uint128,
    /// Hub-wide: the chain refused a vote on the proposal (its voting period is over).
    /// Per validator: the weights last cast for the validator's delegation.
    pub closed: bool,
    pub cast: Vec<(u8, Decimal)>,
}
packed!(Tally {
    options,
    voters,
    closed,
    cast
});

/// The storage form of an asset (the key of its id).
pub fn asset_bytes(asset: &Asset) -> Vec<u8> {
    codec::to_bytes(asset)
}
