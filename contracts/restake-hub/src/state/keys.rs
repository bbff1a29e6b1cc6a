//! Storage keys: one namespace byte (`ns`) and the record's id, in the compact encoding
//! of [`super::codec::Key`] so keys sort as their ids do.

use super::codec::Key;
use super::ns;

pub fn config() -> Vec<u8> {
    vec![ns::CONFIG]
}
pub fn totals() -> Vec<u8> {
    vec![ns::TOTALS]
}
pub fn stats() -> Vec<u8> {
    vec![ns::STATS]
}
pub fn dust(asset: u32) -> Vec<u8> {
    Key::new(ns::DUST).uint(asset.into()).0
}
pub fn asset(id: u32) -> Vec<u8> {
    Key::new(ns::ASSET).uint(id.into()).0
}
pub fn asset_id(asset_bytes: &[u8]) -> Vec<u8> {
    Key::new(ns::ASSET_ID).tail(asset_bytes).0
}
pub fn service(id: u64) -> Vec<u8> {
    Key::new(ns::SERVICE).uint(id).0
}
pub fn service_state(id: u64) -> Vec<u8> {
    Key::new(ns::SERVICE_STATE).uint(id).0
}
/// The hub's history point in ring slot `slot` (see `history`).
pub fn hub_point(slot: u64) -> Vec<u8> {
    Key::new(ns::HUB_POINT).uint(slot).0
}
pub fn service_points(service: u64) -> Vec<u8> {
    Key::new(ns::SERVICE_POINT).uint(service).0
}
/// A service's history point in ring slot `slot` (see `history`).
pub fn service_point(service: u64, slot: u64) -> Vec<u8> {
    Key::new(ns::SERVICE_POINT).uint(service).uint(slot).0
}
/// Index: a pool in the validator's slots secures the service.
pub fn service_pool(service: u64, vid: u32, pool: u64) -> Vec<u8> {
    Key::new(ns::SERVICE_STAKE)
        .uint(service)
        .uint(vid.into())
        .uint(pool)
        .0
}
/// The index entries of a service's pools in one validator's slots.
pub fn service_pools_on(service: u64, vid: u32) -> Vec<u8> {
    Key::new(ns::SERVICE_STAKE).uint(service).uint(vid.into()).0
}
pub fn service_stake_prefix(service: u64) -> Vec<u8> {
    Key::new(ns::SERVICE_STAKE).uint(service).0
}
pub fn validator(vid: u32) -> Vec<u8> {
    Key::new(ns::VALIDATOR).uint(vid.into()).0
}
pub fn validator_info(vid: u32) -> Vec<u8> {
    Key::new(ns::VALIDATOR_INFO).uint(vid.into()).0
}
pub fn validator_id(valoper: &str) -> Vec<u8> {
    Key::new(ns::VALIDATOR_ID).tail(valoper.as_bytes()).0
}
pub fn validator_pools(vid: u32) -> Vec<u8> {
    Key::new(ns::VALIDATOR_POOLS).uint(vid.into()).0
}
pub fn chain_slashes(vid: u32) -> Vec<u8> {
    Key::new(ns::CHAIN_SLASHES).uint(vid.into()).0
}
pub fn pool(id: u64) -> Vec<u8> {
    Key::new(ns::POOL).uint(id).0
}
pub fn pool_key(vid: u32, services: &[u64]) -> Vec<u8> {
    let mut k = Key::new(ns::POOL_KEY).uint(vid.into());
    for s in services {
        k = k.uint(*s);
    }
    k.0
}
pub fn position(staker: &[u8], vid: u32) -> Vec<u8> {
    Key::new(ns::POSITION).bytes(staker).uint(vid.into()).0
}
pub fn positions_of(staker: &[u8]) -> Vec<u8> {
    Key::new(ns::POSITION).bytes(staker).0
}
pub fn staker(staker: &[u8]) -> Vec<u8> {
    Key::new(ns::STAKER).tail(staker).0
}
pub fn batch(id: u64) -> Vec<u8> {
    Key::new(ns::BATCH).uint(id).0
}
pub fn group(batch: u64, pool: u64) -> Vec<u8> {
    Key::new(ns::GROUP).uint(batch).uint(pool).0
}
pub fn due(completion: u64, batch: u64) -> Vec<u8> {
    Key::new(ns::DUE).uint(completion).uint(batch).0
}
pub fn due_prefix() -> Vec<u8> {
    vec![ns::DUE]
}
/// Queued batches by the earliest time they may be sent.
pub fn queued(send_after: u64, vid: u32) -> Vec<u8> {
    Key::new(ns::QUEUED).uint(send_after).uint(vid.into()).0
}
pub fn queued_prefix() -> Vec<u8> {
    vec![ns::QUEUED]
}
pub fn unbonding(staker: &[u8], id: u64) -> Vec<u8> {
    Key::new(ns::UNBONDING).bytes(staker).uint(id).0
}
pub fn unbondings_of(staker: &[u8]) -> Vec<u8> {
    Key::new(ns::UNBONDING).bytes(staker).0
}
pub fn shared_account() -> Vec<u8> {
    vec![ns::SHARED_ACCOUNT]
}
pub fn slash(id: u64) -> Vec<u8> {
    Key::new(ns::SLASH).uint(id).0
}
pub fn slash_prefix() -> Vec<u8> {
    vec![ns::SLASH]
}
pub fn slash_by_service(service: u64, id: u64) -> Vec<u8> {
    Key::new(ns::SLASH_BY_SERVICE).uint(service).uint(id).0
}
pub fn slash_by_service_prefix(service: u64) -> Vec<u8> {
    Key::new(ns::SLASH_BY_SERVICE).uint(service).0
}
pub fn slash_by_validator(vid: u32, id: u64) -> Vec<u8> {
    Key::new(ns::SLASH_BY_VALIDATOR).uint(vid.into()).uint(id).0
}
pub fn slash_by_validator_prefix(vid: u32) -> Vec<u8> {
    Key::new(ns::SLASH_BY_VALIDATOR).uint(vid.into()).0
}
/// Pending slash requests of (validator, service), by the time they were opened.
pub fn pending(vid: u32, service: u64, opened: u64, id: u64) -> Vec<u8> {
    Key::new(ns::PENDING)
        .uint(vid.into())
        .uint(service)
        .uint(opened)
        .uint(id)
        .0
}
pub fn pending_prefix(vid: u32, service: u64) -> Vec<u8> {
    Key::new(ns::PENDING).uint(vid.into()).uint(service).0
}
pub fn proxy() -> Vec<u8> {
    vec![ns::PROXY]
}
/// A staker's vote on a proposal.
pub fn ballot(proposal: u64, staker: &[u8]) -> Vec<u8> {
    Key::new(ns::BALLOT).uint(proposal).tail(staker).0
}
/// The voters' stake on a proposal per option: hub-wide (`vid` None) or per validator.
pub fn tally(proposal: u64, vid: Option<u32>) -> Vec<u8> {
    let k = Key::new(ns::TALLY).uint(proposal);
    match vid {
        None => k.0,
        Some(v) => k.uint(u64::from(v) + 1).0,
    }
}
/// The voters' stake on a proposal over every validator the hub's own account delegates
/// to (v0.1 validators, `Delegator::Hub`): that account casts one vote for all of them.
/// Under the tally prefix, after every validator's key (no `vid + 1` reaches it).
pub fn account_tally(proposal: u64) -> Vec<u8> {
    Key::new(ns::TALLY).uint(proposal).uint(u64::MAX).0
}
pub fn tally_prefix(proposal: u64) -> Vec<u8> {
    Key::new(ns::TALLY).uint(proposal).0
}
/// The proposals a staker has an open vote on.
pub fn staker_votes(staker: &[u8]) -> Vec<u8> {
    Key::new(ns::STAKER_VOTES).tail(staker).0
}
