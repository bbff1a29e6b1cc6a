//! Pricing a measured execution as wasmd would charge it, in Cosmos SDK gas.
//!
//! ```text
//! sdk_gas = instance cost + vm_gas / gas multiplier + KV gas + event gas
//! ```
//!
//! Constants (wasmd `x/wasm/types/gas_register.go`, CosmWasm 2.x; Cosmos SDK
//! `store/types/gas.go` `KVGasConfig` and `store/gaskv/store.go`):
//! - instance cost 60,000 per call (2,000 when the code is pinned, and for each reply);
//! - gas multiplier 140,000 CosmWasm gas per SDK gas (140,000,000 before CosmWasm 2.0, whose
//!   gas units shrank 1000×);
//! - get: 1,000 + 3 per byte of key and value; set: 2,000 + 30 per byte of key and value;
//!   delete: 1,000; iterator: 30 per step (open and every item) + 3 per byte of each item,
//!   the first item being charged once more on open;
//! - keys as the SDK sees them carry wasmd's contract-store prefix: 0x03 + the 32-byte
//!   contract address = 33 bytes;
//! - events: 10 per attribute + 1 per byte of attribute keys and values beyond 100 free bytes.
//!
//! Not included: the chain queries the contract makes (each runs the module's own metered
//! KV reads, see `queries`), the messages it emits (delegate, bank send, ...: the modules'
//! own gas), the transaction's signature and size costs, and wasmd's reads of the
//! contract's metadata.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::storage::KeyTally;
use crate::vm::Cost;

pub const INSTANCE_COST: u64 = 60_000;
pub const INSTANCE_COST_DISCOUNT: u64 = 2_000;
pub const GAS_MULTIPLIER: u64 = 140_000;
pub const READ_COST_FLAT: u64 = 1_000;
pub const READ_COST_PER_BYTE: u64 = 3;
pub const WRITE_COST_FLAT: u64 = 2_000;
pub const WRITE_COST_PER_BYTE: u64 = 30;
pub const DELETE_COST: u64 = 1_000;
pub const ITER_NEXT_COST_FLAT: u64 = 30;
pub const HAS_COST: u64 = 1_000;
pub const CONTRACT_KEY_PREFIX: u64 = 33;
pub const EVENT_PER_ATTRIBUTE: u64 = 10;
pub const EVENT_PER_BYTE: u64 = 1;
pub const EVENT_FREE_BYTES: u64 = 100;

/// The SDK gas of one execution, by part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SdkGas {
    pub instance: u64,
    pub vm: u64,
    pub kv: u64,
    pub events: u64,
    pub total: u64,
}

pub fn estimate(cost: &Cost) -> SdkGas {
    let s = &cost.storage;
    let p = CONTRACT_KEY_PREFIX;
    let reads =
        READ_COST_FLAT * s.reads + READ_COST_PER_BYTE * (s.bytes_read_by_get() + p * s.reads);
    let writes =
        WRITE_COST_FLAT * s.writes + WRITE_COST_PER_BYTE * (s.bytes_written + p * s.writes);
    let removes = DELETE_COST * s.removes;
    let iteration = ITER_NEXT_COST_FLAT * (s.iterators + s.iterated_items)
        + READ_COST_PER_BYTE
            * (s.bytes_iterated() + p * s.iterated_items + s.seek_bytes + p * s.nonempty_iterators);
    let kv = reads + writes + removes + iteration;
    let attr_bytes: u64 = cost
        .attributes
        .iter()
        .map(|(k, v)| (k.len() + v.len()) as u64)
        .sum();
    let events = EVENT_PER_ATTRIBUTE * cost.attributes.len() as u64
        + EVENT_PER_BYTE * attr_bytes.saturating_sub(EVENT_FREE_BYTES);
    let vm = cost.vm_gas / GAS_MULTIPLIER;
    // Each reply runs the contract again, charged the discounted instance cost.
    let instance = INSTANCE_COST + INSTANCE_COST_DISCOUNT * cost.replies;
    SdkGas {
        instance,
        vm,
        kv,
        events,
        total: instance + vm + kv + events,
    }
}

/// SDK gas spent on re-reading keys already read or written in the same message and on
/// writing values that did not change (at the namespace's average record size).
pub fn avoidable(keys: &BTreeMap<String, KeyTally>) -> u64 {
    keys.values()
        .map(|t| {
            let read = t.bytes_read.checked_div(t.reads + t.iterated).unwrap_or(0);
            let written = t.bytes_written.checked_div(t.writes).unwrap_or(0);
            t.repeated_reads * (READ_COST_FLAT + READ_COST_PER_BYTE * (CONTRACT_KEY_PREFIX + read))
                + t.unchanged_writes
                    * (WRITE_COST_FLAT + WRITE_COST_PER_BYTE * (CONTRACT_KEY_PREFIX + written))
        })
        .sum()
}

/// The fewest storage reads and writes (sets + deletes) a message needs under the design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Minimal {
    pub reads: u64,
    pub writes: u64,
}

/// What a slash or a chain sync must touch on its validator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Shape {
    /// Live pools on the validator.
    pub pools: u64,
    /// Pools that secure the slashed service (all pools for a chain sync).
    pub hit: u64,
    /// Distinct services of the hit pools (their stake totals change).
    pub services: u64,
    /// Unbonding batches and groups of the hit pools that lose stake.
    pub batches: u64,
    pub groups: u64,
}

/// The minimum of each benchmarked (message, scenario), from the records the design needs
/// (see `docs/gas.md`, "Minimal storage operations"). Iterators are not counted here.
/// `points` are the history points the message wrote: one per series (the hub's totals, a
/// service) it was the first to change that day, which the design requires (`history.rs`).
pub fn minimal(
    message: &str,
    scenario: &str,
    shape: Option<Shape>,
    points: u64,
) -> Option<Minimal> {
    let m = |reads: u64, writes: u64| {
        Some(Minimal {
            reads,
            writes: writes + points,
        })
    };
    // `k` services or `d` denoms, from a scenario name such as `4_services_3_denoms`.
    let nth = |i: usize| -> Option<u64> { scenario.split('_').nth(i)?.parse().ok() };
    match (message, scenario) {
        // config, totals, validator id, validator, validator info (the hourly bonded
        // check), position (absent), the validator's plain pool, open votes (absent);
        // writes totals, validator, pool, position.
        ("deposit", "new_position") => m(8, 4),
        // as above with the position present and its 4 services' states (their stake
        // grows); writes the same and the 4 states.
        ("deposit", "existing_position_4_services") => m(12, 8),
        // as a new position's reads with the position present, and the ballot and the
        // two tallies it is counted in (hub, validator); writes totals, validator, pool,
        // position, ballot, 2 tallies.
        ("deposit", "existing_position_1_open_vote") => m(11, 7),
        // config, totals, validator id, validator, position, old pool, new pool key, new
        // pool, 4 states; writes totals, validator, position, both pools, 4 states.
        ("opt_in", "4_services") => m(12, 9),
        // config, the service (its delay), validator id, validator, position, pool, its 4
        // services' states (the pool settles before it changes); writes position, pool.
        ("opt_out", "1_service") => m(10, 2),
        // config, totals, validator id, validator, position, old pool, new pool key, new
        // pool, 4 states (settlement); writes totals, validator, position, both pools,
        // the state of the service left.
        ("complete_opt_out", "1_service") => m(12, 6),
        // config, totals, validator id, validator, validator info, position, pool, k
        // states, open votes (the batch, its group and the entry are new: nothing to
        // read); writes totals, validator, position, pool, k states, batch, group, entry
        // and the queued index (queued) or the completion index (sent at once).
        ("unbond", "queued") => m(8 + 3, 8 + 3),
        ("unbond", "sends_batch") => m(8 + 4, 8 + 4),
        // config, totals, stats (slashed tokens to route again), validator, validator
        // info, batch; writes totals, validator, batch, completion index, queued index
        // (delete).
        ("process_unbondings", "send") => m(6, 5),
        // config, totals, stats, dust, validator, validator info, pool, batch, group;
        // writes totals, stats, validator, pool, batch, group, completion index (delete).
        ("process_unbondings", "settle") => m(9, 7),
        // config, totals, validator (exposure), pool, batch, group, entry; writes totals,
        // validator, pool, and deletes group and entry.
        ("claim_unbonded", "1_entry") => m(7, 5),
        // config, the asset id of each denom paid, the service state; writes the state.
        ("distribute_rewards", _) => m(2 + nth(1)?, 1),
        ("receive", _) => m(3, 1),
        // config, totals, validator id, validator, validator info; writes totals,
        // validator.
        ("harvest", "1_validator") => m(5, 2),
        // config, totals, the bonded asset and the d reward assets, validator, validator
        // info, pool, position (with the iteration over the staker's positions), the
        // staker's pending rewards, k states; writes totals, validator, pool, position.
        ("claim_rewards", _) => m(8 + nth(0)? + nth(2)?, 4),
        // config, validator, validator info, position (with the iteration), pool (its
        // stake), ballot, hub tally, validator tally, open votes; writes ballot, both
        // tallies, and the open votes when the proposal is new to the staker.
        ("vote", "option") => m(9, 4),
        ("vote", "weighted_change") => m(9, 3),
        // config, totals, service, validator id, one exposed pool (the service's pool
        // index names it); writes totals, the request and its three index entries (by
        // service, by validator, the pending hold).
        ("slash", _) => m(5, 5),
        // config, totals, stats, service, request, validator, validator info, the h pools
        // hit (the service's pool index names them), their D services' states, b batches,
        // g groups; writes all of them but config and validator info, and deletes the
        // pending hold.
        ("execute_slash", _) => shape.and_then(|s| {
            let touched = s.hit + s.services + s.batches + s.groups;
            m(7 + touched, 6 + touched)
        }),
        // config, totals, stats, validator id, validator, validator info, pool list, every
        // pool, their D services' states, the queued batch's b batches and g groups;
        // writes totals, stats, validator and all the rest but the ids and lists.
        ("sync_validator", _) => shape.and_then(|s| {
            let touched = s.pools + s.services + s.batches + s.groups;
            m(7 + touched, 3 + touched)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::QueryStats;
    use crate::storage::StorageStats;

    #[test]
    fn prices_storage_as_the_sdk_does() {
        let cost = Cost {
            vm_gas: 280_000,
            storage: StorageStats {
                reads: 1,
                writes: 1,
                removes: 1,
                iterators: 1,
                iterated_items: 1,
                bytes_read: 15,
                iterated_bytes: 5,
                bytes_written: 20,
                seek_bytes: 5,
                nonempty_iterators: 1,
                ..Default::default()
            },
            queries: QueryStats::default(),
            msg_len: 0,
            attributes: vec![("action".into(), "x".into())],
            messages: 0,
            replies: 1,
            proxy_calls: 0,
            proxy_vm_gas: 0,
            keys: BTreeMap::new(),
        };
        let gas = estimate(&cost);
        // get 1,000 + 3 × (10 + 33); set 2,000 + 30 × (20 + 33); delete 1,000;
        // iterator 30 × 2 + 3 × (5 + 33) × 2 (the first item again on open).
        assert_eq!(gas.kv, 1_129 + 3_590 + 1_000 + 288);
        assert_eq!(gas.vm, 2);
        assert_eq!(gas.events, 10);
        assert_eq!(gas.instance, 62_000);
        assert_eq!(gas.total, 62_000 + 2 + 6_007 + 10);
    }

    #[test]
    fn minimal_counts_follow_the_shape() {
        let shape = Shape {
            pools: 8,
            hit: 5,
            services: 10,
            batches: 2,
            groups: 2,
        };
        assert_eq!(
            minimal("execute_slash", "service_slash", Some(shape), 11),
            Some(Minimal {
                reads: 7 + 5 + 10 + 4,
                writes: 6 + 5 + 10 + 4 + 11
            })
        );
        assert_eq!(minimal("execute_slash", "service_slash", None, 0), None);
        assert_eq!(
            minimal("claim_rewards", "8_services_3_denoms", None, 0),
            Some(Minimal {
                reads: 8 + 8 + 3,
                writes: 4
            })
        );
        assert_eq!(
            minimal("distribute_rewards", "native_3_denoms", None, 1),
            Some(Minimal {
                reads: 5,
                writes: 2
            })
        );
    }
}
