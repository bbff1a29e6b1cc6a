//! A cw-multi-test harness for restake-hub.
//!
//! `SuiteBuilder` sets up a chain with the staking, distribution and bank modules,
//! validators, balances and the hub; `Suite` offers typed helpers for every message and
//! query of the hub's interface, raw-JSON execution (as a chain CLI would send it), time
//! travel that runs the staking module's unbonding queue, chain slashing, cw20 tokens and
//! invariant checks a test can call after every step.
//!
//! ```
//! use restake_multitest::SuiteBuilder;
//! use cosmwasm_std::Decimal;
//!
//! let mut suite = SuiteBuilder::new().with_validators(2).build();
//! let val = suite.validator(0);
//! let id = suite.register_service("oracle", "oracle-slasher", Decimal::percent(10)).unwrap();
//! suite.deposit("alice", &val, 1_000_000).unwrap();
//! suite.opt_in("alice", &val, &[id]).unwrap();
//! assert_eq!(suite.service(id).unwrap().total_stake.u128(), 1_000_000);
//! suite.assert_invariants();
//! ```

mod contracts;
mod distribution;
mod invariants;
mod suite;

/// The cw-multi-test version the Suite runs, for `ContractWrapper` and friends.
pub use cw_multi_test;
pub use cw_multi_test::{AppResponse, Contract, ContractWrapper, Executor};
pub use distribution::{CommunityPoolDistribution, CommunityPoolStargate};
pub use invariants::InvariantReport;
pub use suite::*;
