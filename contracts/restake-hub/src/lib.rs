#![doc = include_str!("../README.md")]

pub mod chain;
pub mod contract;
pub mod deposit;
pub mod error;
pub mod events;
pub mod gov;
pub mod holds;
#[cfg(feature = "migrate-v0_1")]
pub mod legacy;
pub mod liquid;
pub mod migrate;
pub mod opt;
pub mod owner;
pub mod pools;
pub mod proxy;
pub mod query;
pub mod rewards;
pub mod routing;
pub mod services;
pub mod slashing;
pub mod state;
pub mod sync;
pub mod unbonding;
pub mod validate;

pub use crate::error::ContractError;
