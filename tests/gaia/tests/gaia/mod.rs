mod chain;
mod edges;
mod gov;
mod hub;
mod keeper;
mod liquid;
mod migrate;
mod vault;

/// 1 ATOM in uatom.
pub const ATOM: u128 = 1_000_000;
