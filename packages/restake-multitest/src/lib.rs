#![doc = include_str!("../README.md")]

mod contracts;
mod distribution;
mod invariants;
mod staking;
mod suite;

/// The cw-multi-test version the Suite runs, for `ContractWrapper` and friends.
pub use cw_multi_test;
pub use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
pub use distribution::{CommunityPoolDistribution, CommunityPoolStargate};
pub use invariants::InvariantReport;
pub use staking::{jailed_key, JailingStaking};
pub use suite::*;
