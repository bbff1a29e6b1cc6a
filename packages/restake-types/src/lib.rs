//! Messages, query responses and the pure accounting math of restake-hub.
//!
//! Contracts and tools import this crate to talk to the hub without depending on the
//! contract itself.

pub mod asset;
pub mod math;
pub mod msg;
pub mod responses;
pub mod version;

pub use asset::Asset;
pub use msg::*;
pub use responses::*;

/// Name stored by cw2 and checked on migration.
pub const CONTRACT_NAME: &str = "crates.io:restake-hub";
