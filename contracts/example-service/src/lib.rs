#![doc = include_str!("../README.md")]

pub mod committee;
pub mod contract;
pub mod error;
pub mod fees;
pub mod hub;
pub mod migrate;
pub mod msg;
pub mod query;
pub mod state;

pub use crate::error::ContractError;
