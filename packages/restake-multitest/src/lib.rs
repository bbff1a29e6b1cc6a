#![doc = include_str!("../README.md")]

mod chain;
mod contracts;
mod distribution;
pub mod gov;
pub mod internals;
mod invariants;
pub mod liquid;
mod proto;
mod staking;
mod stargate;
mod step;
mod suite;

pub use chain::GovTally;
/// The cw-multi-test version the Suite runs, for `ContractWrapper` and friends.
pub use cw_multi_test;
pub use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
pub use distribution::{CommunityPoolDistribution, CommunityPoolStargate};
pub use gov::SuiteGov;
pub use invariants::{Subject, Violation, ViolationKind};
pub use liquid::{Liquid, LiquidParams, ShareRecord};
pub use staking::{jailed_key, tokens_per_share, JailingStaking};
pub use stargate::{ChainError, SuiteStargate};
pub use step::{opened_proposal, Step, OPEN_PROPOSAL_EVENT};
pub use suite::*;
