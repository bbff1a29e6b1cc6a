//! Storage. Everything is bounded: the committee by `MAX_MEMBERS`, the fee book by the
//! assets declared at instantiation (the hub caps them too), proposals are read by key.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Timestamp, Uint128};
use cw_storage_plus::{Item, Map};
use restake_types::Asset;

use crate::msg::ProposalStatus;

#[cw_serde]
pub struct Config {
    pub hub: Addr,
    pub admin: Addr,
    pub members: Vec<Addr>,
    pub threshold: u32,
    pub voting_period: u64,
    pub epoch: u64,
    /// The reward assets declared to the hub, in declaration order (denoms, then tokens).
    pub fee_assets: Vec<Asset>,
}

/// Fees per declared asset, in the order of `Config::fee_assets`.
#[cw_serde]
pub struct FeeBook {
    pub pending: Vec<(Asset, Uint128)>,
    pub distributed: Vec<(Asset, Uint128)>,
    pub last_distribution: Option<Timestamp>,
}

#[cw_serde]
pub struct Proposal {
    pub id: u64,
    pub proposer: Addr,
    pub validator: String,
    pub fraction: Decimal,
    pub evidence: String,
    pub votes: Vec<Addr>,
    pub threshold: u32,
    /// `Open` or `Submitted`; `Expired` is derived from `expires_at` when read.
    pub status: ProposalStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub slash_id: Option<u64>,
}

pub const CONFIG: Item<Config> = Item::new("config");
/// Set by the registration reply; present after a successful instantiation.
pub const SERVICE_ID: Item<u64> = Item::new("service_id");
pub const FEES: Item<FeeBook> = Item::new("fees");
pub const LAST_PROPOSAL_ID: Item<u64> = Item::new("last_proposal_id");
pub const PROPOSALS: Map<u64, Proposal> = Map::new("proposals");
