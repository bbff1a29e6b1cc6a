//! `restake`: a scenario simulator for restake-hub on an embedded chain (the
//! `restake-multitest` Suite), a message builder derived from the contract's JSON schema,
//! the schema writer, and the keeper that sends the hub's cranks on a real chain.
//!
//! ```text
//! restake simulate scenarios/quickstart.yaml      # dashboard whenever the state changed
//! restake simulate --summary --json FILE           # machine-readable results
//! restake msg opt_in --validator V --service-ids 1,2
//! restake msg query position --staker A --validator V
//! restake schema --out schema
//! restake schema --markdown docs/interface.md
//! restake serve scenarios/reward-split.yaml        # LCD endpoint + staker dashboard
//! restake keeper --rpc http://127.0.0.1:26657 --key-env KEEPER_MNEMONIC --hub cosmos1...
//! ```

pub mod cli;
pub mod dashboard;
mod expect;
pub mod interface;
pub mod keeper;
pub mod msg;
pub mod names;
pub mod plan;
pub mod scenario;
pub mod schema;
pub mod serve;
pub mod sim;
pub mod units;
