//! Contract storage with counters: every `get`, `set`, `remove`, iterator open and `next`
//! the contract makes is counted with its bytes, so that the Cosmos SDK's KV gas can be
//! priced afterwards exactly as wasmd's gas-metered store would charge it.
//!
//! The storage reports no gas to the VM (`GasInfo::free()`): on wasmd, storage is paid in
//! SDK gas by the KV store, not in CosmWasm gas, so the VM gas we read stays the pure
//! execution cost that wasmd divides by its gas multiplier.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use cosmwasm_std::{Order, Record};
use cosmwasm_vm::testing::MockStorage;
use cosmwasm_vm::{BackendResult, GasInfo, Storage};
use serde::Serialize;

/// What one message did to storage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StorageStats {
    /// `get` calls (hits and misses).
    pub reads: u64,
    /// `set` calls.
    pub writes: u64,
    /// `remove` calls.
    pub removes: u64,
    /// Iterators opened (`scan`).
    pub iterators: u64,
    /// Items returned by iterators.
    pub iterated_items: u64,
    /// Keys + values returned by `get` and by iterators.
    pub bytes_read: u64,
    /// Keys + values returned by iterators (part of `bytes_read`).
    pub iterated_bytes: u64,
    /// Keys + values passed to `set`.
    pub bytes_written: u64,
    /// Keys + values of the first item of each iterator (charged once more by the SDK on open).
    pub seek_bytes: u64,
    /// Iterator opens whose range held at least one item.
    pub nonempty_iterators: u64,
    /// `get` of a key already read (or written) earlier in the same message.
    pub repeated_reads: u64,
    /// `set` of a value equal to the one already stored.
    pub unchanged_writes: u64,
    /// `get`s of keys that do not exist.
    pub missed_reads: u64,
}

impl StorageStats {
    /// Iterator steps as the brief counts them: opens + items returned.
    pub fn iterations(&self) -> u64 {
        self.iterators + self.iterated_items
    }

    /// Keys + values returned by `get`.
    pub fn bytes_read_by_get(&self) -> u64 {
        self.bytes_read - self.iterated_bytes
    }

    /// Keys + values returned by iterators.
    pub fn bytes_iterated(&self) -> u64 {
        self.iterated_bytes
    }
}

impl std::ops::AddAssign for StorageStats {
    fn add_assign(&mut self, o: Self) {
        self.reads += o.reads;
        self.writes += o.writes;
        self.removes += o.removes;
        self.iterators += o.iterators;
        self.iterated_items += o.iterated_items;
        self.bytes_read += o.bytes_read;
        self.iterated_bytes += o.iterated_bytes;
        self.bytes_written += o.bytes_written;
        self.seek_bytes += o.seek_bytes;
        self.nonempty_iterators += o.nonempty_iterators;
        self.repeated_reads += o.repeated_reads;
        self.unchanged_writes += o.unchanged_writes;
        self.missed_reads += o.missed_reads;
    }
}

impl std::ops::AddAssign for KeyTally {
    fn add_assign(&mut self, o: Self) {
        self.reads += o.reads;
        self.bytes_read += o.bytes_read;
        self.bytes_written += o.bytes_written;
        self.writes += o.writes;
        self.removes += o.removes;
        self.iterated += o.iterated;
        self.repeated_reads += o.repeated_reads;
        self.unchanged_writes += o.unchanged_writes;
    }
}

/// Per-namespace tally of one message's storage operations (for the "keys touched" report).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyTally {
    pub reads: u64,
    /// Keys + values read (by `get` and iterators) and written.
    pub bytes_read: u64,
    pub bytes_written: u64,
    pub writes: u64,
    pub removes: u64,
    pub iterated: u64,
    pub repeated_reads: u64,
    pub unchanged_writes: u64,
}

#[derive(Default)]
struct Counters {
    stats: StorageStats,
    keys: BTreeMap<String, KeyTally>,
    touched: HashSet<Vec<u8>>,
    first_pending: HashMap<u32, bool>,
}

impl Counters {
    fn tally(&mut self, key: &[u8]) -> &mut KeyTally {
        self.keys.entry(namespace(key)).or_default()
    }
}

/// `MockStorage` with counters (in a `RefCell`, because the VM reads through `&self`).
#[derive(Default)]
pub struct CountingStorage {
    inner: MockStorage,
    counters: RefCell<Counters>,
}

impl CountingStorage {
    /// Returns the counters of the message that just ran and starts a new message.
    pub fn take(&mut self) -> (StorageStats, BTreeMap<String, KeyTally>) {
        let c = self.counters.get_mut();
        c.touched.clear();
        c.first_pending.clear();
        (std::mem::take(&mut c.stats), std::mem::take(&mut c.keys))
    }
}

impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let (result, _) = self.inner.get(key);
        let value_len = match &result {
            Ok(Some(v)) => Some(v.len()),
            _ => None,
        };
        let mut c = self.counters.borrow_mut();
        c.stats.reads += 1;
        c.stats.bytes_read += (key.len() + value_len.unwrap_or(0)) as u64;
        if value_len.is_none() {
            c.stats.missed_reads += 1;
        }
        let repeated = !c.touched.insert(key.to_vec());
        if repeated {
            c.stats.repeated_reads += 1;
        }
        let t = c.tally(key);
        t.reads += 1;
        t.bytes_read += (key.len() + value_len.unwrap_or(0)) as u64;
        if repeated {
            t.repeated_reads += 1;
        }
        (result, GasInfo::free())
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let (result, _) = self.inner.scan(start, end, order);
        if let Ok(id) = result {
            let c = self.counters.get_mut();
            c.stats.iterators += 1;
            c.first_pending.insert(id, true);
        }
        (result, GasInfo::free())
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let (result, _) = self.inner.next(iterator_id);
        if let Ok(Some((k, v))) = &result {
            let bytes = (k.len() + v.len()) as u64;
            let c = self.counters.get_mut();
            c.stats.iterated_items += 1;
            c.stats.bytes_read += bytes;
            c.stats.iterated_bytes += bytes;
            if c.first_pending.insert(iterator_id, false) == Some(true) {
                c.stats.seek_bytes += bytes;
                c.stats.nonempty_iterators += 1;
            }
            let t = c.tally(k);
            t.iterated += 1;
            t.bytes_read += bytes;
        }
        (result, GasInfo::free())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let (before, _) = self.inner.get(key);
        let unchanged = matches!(before, Ok(Some(ref v)) if v.as_slice() == value);
        let c = self.counters.get_mut();
        c.stats.writes += 1;
        c.stats.bytes_written += (key.len() + value.len()) as u64;
        if unchanged {
            c.stats.unchanged_writes += 1;
        }
        c.touched.insert(key.to_vec());
        let t = c.tally(key);
        t.writes += 1;
        t.bytes_written += (key.len() + value.len()) as u64;
        if unchanged {
            t.unchanged_writes += 1;
        }
        let (result, _) = self.inner.set(key, value);
        (result, GasInfo::free())
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        let c = self.counters.get_mut();
        c.stats.removes += 1;
        c.touched.insert(key.to_vec());
        c.tally(key).removes += 1;
        let (result, _) = self.inner.remove(key);
        (result, GasInfo::free())
    }
}

/// The cw-storage-plus namespace of a raw key: `Map` keys start with a two-byte length and
/// the namespace; `Item` keys are the bare name.
pub fn namespace(key: &[u8]) -> String {
    if key.len() >= 2 {
        let len = u16::from_be_bytes([key[0], key[1]]) as usize;
        if len > 0 && key.len() >= 2 + len {
            if let Ok(ns) = std::str::from_utf8(&key[2..2 + len]) {
                if ns.bytes().all(|b| b.is_ascii_graphic()) {
                    return ns.to_string();
                }
            }
        }
    }
    match std::str::from_utf8(key) {
        Ok(s) if s.bytes().all(|b| b.is_ascii_graphic()) => s.to_string(),
        _ => format!("0x{}", hex(&key[..key.len().min(8)])),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces() {
        assert_eq!(namespace(b"config"), "config");
        let mut k = vec![0u8, 5];
        k.extend_from_slice(b"pools");
        k.extend_from_slice(&7u64.to_be_bytes());
        assert_eq!(namespace(&k), "pools");
    }

    #[test]
    fn counts() {
        let mut s = CountingStorage::default();
        s.set(b"a", b"xyz").0.unwrap();
        s.set(b"a", b"xyz").0.unwrap();
        assert_eq!(s.get(b"a").0.unwrap(), Some(b"xyz".to_vec()));
        assert_eq!(s.get(b"b").0.unwrap(), None);
        let id = s.scan(None, None, Order::Ascending).0.unwrap();
        assert!(s.next(id).0.unwrap().is_some());
        assert!(s.next(id).0.unwrap().is_none());
        s.remove(b"a").0.unwrap();
        let (stats, keys) = s.take();
        assert_eq!(stats.writes, 2);
        assert_eq!(stats.unchanged_writes, 1);
        assert_eq!(stats.reads, 2);
        assert_eq!(stats.missed_reads, 1);
        assert_eq!(stats.repeated_reads, 1);
        assert_eq!(stats.bytes_written, 8);
        assert_eq!(stats.bytes_read, 4 + 1 + 4);
        assert_eq!(stats.iterators, 1);
        assert_eq!(stats.iterated_items, 1);
        assert_eq!(stats.seek_bytes, 4);
        assert_eq!(stats.removes, 1);
        assert_eq!(keys["a"].reads, 1);
    }
}
