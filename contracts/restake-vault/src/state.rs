//! Storage. Everything a message touches is bounded by configuration (validators, services,
//! reward assets, exit batches in flight); holders are only ever read by key.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Timestamp, Uint128, Uint256};
use cw_storage_plus::{Item, Map};
use restake_types::Asset;

use crate::msg::{PendingStrategy, Strategy};

#[cw_serde]
pub struct Config {
    pub hub: Addr,
    pub bonded_denom: String,
    pub min_deposit: Uint128,
    pub exit_epoch: u64,
    pub min_timelock: u64,
    pub max_validators: u32,
    pub max_services: u32,
    pub max_reward_assets: u32,
    pub unbonding_period: u64,
}

#[cw_serde]
pub struct Active {
    pub strategy: Strategy,
    pub applied_at: Timestamp,
}

/// The terms of a service the vault accepted when its strategy applied.
#[cw_serde]
pub struct Terms {
    pub max_slash: Decimal,
    pub opt_out_delay: u64,
    pub veto_period: u64,
    pub slasher: Addr,
    pub resolver: Option<Addr>,
}

/// A slash request of a watched service, opened inside the rule's window.
#[cw_serde]
pub struct RecentSlash {
    pub id: u64,
    /// Seconds.
    pub at: u64,
    pub fraction: Decimal,
    /// Still pending when last read (it may be vetoed later).
    pub pending: bool,
}

#[cw_serde]
pub struct Left {
    pub reason: String,
    pub at: Timestamp,
}

/// What the vault watches of a service of its active strategy.
#[cw_serde]
pub struct Watch {
    pub terms: Terms,
    /// Last slash request id of the service the vault has read.
    pub cursor: u64,
    pub recent: Vec<RecentSlash>,
    pub left: Option<Left>,
}

#[cw_serde]
#[derive(Default)]
pub struct Totals {
    /// Bonded-denom tokens in the vault owned by shareholders, waiting to be re-deposited
    /// (harvested rewards, returned drains). Tokens anyone sends the vault unasked are not
    /// counted: they cannot move the share price.
    pub idle: Uint128,
    /// Bonded-denom tokens in the vault that belong to exit batches (arrived, not paid).
    pub exit_reserved: Uint128,
    /// The batch collecting exits now.
    pub open_batch: u64,
    pub last_sent: Option<Timestamp>,
    /// Sent batches still owed tokens beyond their unbondings, in batch order: paid from
    /// idle tokens as they arrive.
    pub top_ups: Vec<(u64, Uint128)>,
}

impl Totals {
    pub fn top_up_total(&self) -> Uint128 {
        self.top_ups.iter().map(|(_, a)| *a).sum()
    }

    /// Bonded-denom tokens the vault's books say are in its bank.
    pub fn booked(&self) -> Uint128 {
        self.idle + self.exit_reserved
    }
}

/// Bonded-denom tokens in the vault's bank beyond its books: the most a reply may credit
/// for tokens the hub says it sent (so the books never exceed the bank, whatever else moved
/// in the same message).
pub fn unbooked(
    querier: &cosmwasm_std::QuerierWrapper,
    me: &Addr,
    denom: &str,
    totals: &Totals,
) -> cosmwasm_std::StdResult<Uint128> {
    let bank = querier.query_balance(me, denom)?.amount;
    Ok(bank.saturating_sub(totals.booked()))
}

#[cw_serde]
pub struct Batch {
    pub id: u64,
    /// Shares burned into it.
    pub shares: Uint128,
    /// Tokens it was worth when sent.
    pub owed: Uint128,
    /// Tokens arrived for it (from idle, from its hub unbondings).
    pub received: Uint128,
    pub paid: Uint128,
    /// Shares of exits not claimed yet.
    pub shares_left: Uint128,
    /// Hub unbonding ids it still waits for.
    pub entries: Vec<u64>,
    /// Tokens still owed from idle (see `Totals::top_ups`).
    pub top_up: Uint128,
    pub opened_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

impl Batch {
    pub fn new(id: u64, now: Timestamp) -> Self {
        Batch {
            id,
            shares: Uint128::zero(),
            owed: Uint128::zero(),
            received: Uint128::zero(),
            paid: Uint128::zero(),
            shares_left: Uint128::zero(),
            entries: vec![],
            top_up: Uint128::zero(),
            opened_at: now,
            sent_at: None,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.sent_at.is_some() && self.entries.is_empty() && self.top_up.is_zero()
    }
}

/// Who owns a hub unbonding of the vault.
#[cw_serde]
pub enum EntryOwner {
    /// An exit batch: its holders get what it returns.
    Exit(u64),
    /// The vault itself (a validator being drained): it returns to idle.
    Vault,
}

#[cw_serde]
pub struct HubEntry {
    pub owner: EntryOwner,
    pub validator: String,
    pub requested: Uint128,
}

/// A reward asset credited to holders by index.
#[cw_serde]
pub struct AssetBook {
    pub asset: Asset,
    /// Cumulative reward per share, scaled by `INDEX_SCALE`.
    pub index: Uint256,
    /// Scaled reward not in the index yet (less than one scaled unit per share).
    pub carry: Uint256,
    /// Received from the hub so far.
    pub received: Uint128,
    /// Accrued at the hub so far (received + pending there when last read): everything
    /// credited to holders or waiting in `carry` / `undistributed`.
    pub accrued: Uint128,
    /// Accrued while no share was held by anyone: credited to the next holders.
    pub undistributed: Uint128,
    pub paid: Uint128,
}

/// A holder's standing in one reward asset.
#[cw_serde]
pub struct HolderAsset {
    pub asset: Asset,
    pub mark: Uint256,
    /// Scaled by `INDEX_SCALE`.
    pub owed: Uint256,
}

/// Scale of reward indexes: 18 decimals.
pub const INDEX_SCALE: u128 = 1_000_000_000_000_000_000;

/// A reward payout in flight: restored to the holder if the transfer is refused.
#[cw_serde]
pub struct Payout {
    pub holder: Addr,
    pub asset: Asset,
    pub amount: Uint128,
}

/// A hub `claim_unbonded` in flight: what the vault expects per unbonding id.
#[cw_serde]
pub struct ClaimContext {
    pub predicted: Vec<(u64, Uint128)>,
    /// A holder's `claim` that needed the collection first: paid in the reply.
    pub holder: Option<Addr>,
}

/// A hub `claim_rewards` in flight: the vault's balances before, and the holder to pay
/// after (for a holder's `claim_rewards`).
#[cw_serde]
pub struct HarvestContext {
    pub before: Vec<(Asset, Uint128)>,
    pub holder: Option<Addr>,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const ACTIVE: Item<Active> = Item::new("active");
pub const PENDING: Item<PendingStrategy> = Item::new("pending");
pub const WATCH: Map<u64, Watch> = Map::new("watch");
/// Validators where the vault may hold a position: the strategy's, and those it drains.
pub const VALIDATORS: Item<Vec<String>> = Item::new("validators");
pub const TOTALS: Item<Totals> = Item::new("totals");
pub const BATCHES: Map<u64, Batch> = Map::new("batches");
/// (holder, batch) → shares of the holder's exit in that batch.
pub const TICKETS: Map<(&Addr, u64), Uint128> = Map::new("tickets");
/// Hub unbonding id → its owner.
pub const ENTRIES: Map<u64, HubEntry> = Map::new("entries");
pub const ASSETS: Item<Vec<AssetBook>> = Item::new("assets");
pub const HOLDER_REWARDS: Map<&Addr, Vec<HolderAsset>> = Map::new("holder_rewards");
/// Submessages in flight whose replies read balance changes: while any is, the vault
/// refuses every message (a token's hook or a payout calling back finds no half-updated
/// books).
pub const LOCK: Item<u32> = Item::new("lock");

pub fn lock(store: &mut dyn cosmwasm_std::Storage) -> cosmwasm_std::StdResult<()> {
    let n = LOCK.may_load(store)?.unwrap_or(0);
    LOCK.save(store, &(n + 1))
}

pub fn unlock(store: &mut dyn cosmwasm_std::Storage) -> cosmwasm_std::StdResult<()> {
    match LOCK.may_load(store)?.unwrap_or(0) {
        0 | 1 => {
            LOCK.remove(store);
            Ok(())
        }
        n => LOCK.save(store, &(n - 1)),
    }
}

pub fn is_locked(store: &dyn cosmwasm_std::Storage) -> cosmwasm_std::StdResult<bool> {
    Ok(LOCK.may_load(store)?.unwrap_or(0) > 0)
}
pub const CLAIM_CONTEXT: Item<ClaimContext> = Item::new("claim_ctx");
pub const HARVEST_CONTEXT: Item<HarvestContext> = Item::new("harvest_ctx");

/// A deposit of tokenized shares between the vault's message and the hub's reply.
#[cw_serde]
pub struct ShareDeposit {
    pub depositor: Addr,
    pub validator: String,
    pub denom: String,
    /// The vault's position on the validator before the hub redeemed the shares.
    pub before: Uint128,
    /// The price read before the deposit: nav and every share (held and exiting).
    pub nav: Uint128,
    pub all_shares: Uint128,
}
pub const SHARE_DEPOSIT: Item<ShareDeposit> = Item::new("share_deposit");
