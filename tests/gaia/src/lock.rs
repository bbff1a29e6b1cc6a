//! What tests running side by side on one node must not do at the same time.
//!
//! `scripts/gaia-e2e.sh` runs the tests in one process with several threads, each test in
//! its own runtime: these locks are runtime-agnostic (tokio's).

use tokio::sync::{Mutex, RwLock};

/// The faucet's sequence number: one funding transaction at a time.
pub static FAUCET: Mutex<()> = Mutex::const_new(());

/// x/slashing's parameters: a test that waits for a downtime slash reads them (read guard)
/// while one that changes them by governance (write guard) waits.
pub static SLASHING_PARAMS: RwLock<()> = RwLock::const_new(());

/// x/liquid's global cap: a test that brings the chain to the cap on purpose (its
/// arithmetic needs the bonded and liquid totals to hold still for a few blocks).
pub static GLOBAL_LIQUID_CAP: Mutex<()> = Mutex::const_new(());
