#![doc = include_str!("../README.md")]

pub mod contract;
pub mod cranks;
pub mod deposit;
pub mod error;
pub mod exit;
pub mod hub;
pub mod math;
pub mod migrate;
pub mod msg;
pub mod query;
pub mod rewards;
pub mod state;
pub mod strategy;
pub mod token;
pub mod view;

pub use crate::error::ContractError;
