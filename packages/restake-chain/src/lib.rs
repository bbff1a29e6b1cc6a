//! A small signing and query client for Cosmos SDK 0.50+ chains, built on cosmrs and
//! tendermint-rpc's HTTP client.
//!
//! - [`Key`]: a secp256k1 account key from a BIP-39 mnemonic (`m/44'/118'/0'/0/0`) or random.
//! - [`Client`]: account number and sequence, simulation, sign and broadcast (sync, then wait
//!   for inclusion: code, raw log, `gas_used`, events), CosmWasm store/instantiate/execute and
//!   smart queries, bank, staking, distribution, slashing and gov queries, block height and
//!   time, waiting for blocks.
//! - [`msgs`]: the messages as protobuf `Any`, including what cosmrs has no types for: Gaia's
//!   `x/liquid` (`MsgTokenizeShares`, `MsgRedeemTokensForShares`), gov v1 and
//!   `MsgCreateValidator` with a fresh consensus key.
//!
//! Every query goes through CometBFT's `abci_query` with the SDK's gRPC method paths, so one
//! RPC URL is all a client needs. Nothing here is specific to one chain: give it the RPC
//! URL, chain id, bech32 prefix, fee denom and gas price ([`ChainConfig`]).

mod client;
mod error;
mod key;
pub mod msgs;
mod outcome;
mod types;

pub use client::{ChainConfig, Client, Gas};
pub use error::{Error, Result};
pub use key::{Key, COSMOS_HD_PATH};
pub use outcome::{Event, TxOutcome};
pub use types::{
    format_atto, BlockInfo, Coin, DecCoin, Delegation, LiquidParams, ProposalInfo, SigningInfo,
    StakingParams, Tally, UnbondingEntry, ValidatorInfo, VoteOption,
};

/// Re-exports so callers can build their own messages without naming the crates.
pub use cosmrs::proto;
pub use cosmrs::Any;
