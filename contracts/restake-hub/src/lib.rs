#![doc = include_str!("../README.md")]

pub mod books;
pub mod chain;
pub mod contract;
pub mod deposit;
pub mod error;
pub mod events;
pub mod migrate;
pub mod opt;
pub mod owner;
pub mod pools;
pub mod query;
pub mod rewards;
pub mod services;
pub mod slashing;
pub mod state;
pub mod unbonding;

pub use crate::error::ContractError;
