//! `Books`: the one road from a handler to storage.
//!
//! A message opens its books, reads every record it needs at most once (later reads come
//! from the cache), changes them in memory, and `finish` writes each record whose bytes
//! changed, once. A record read and left as it was is never written. Queries open the same
//! books read-only, so a query computes exactly what a message would.
//!
//! The domain methods built on this access (moving stake between pools, settling rewards,
//! queueing an unbonding, ...) live in the modules they belong to, as `impl Books` blocks;
//! this file only knows records and keys.
//!
//! Indexes that messages range over (due batches, queued validators, pending slash
//! requests, a staker's positions and unbondings) are written through at once, so a range
//! in the same message sees them; a failed message is reverted by the chain as a whole.
//!
//! Why one file: the cache and the typed accessor of every record belong together. Each
//! accessor is a few lines naming a record's key and type, and keeping them side by side is
//! what makes `Books` the one road to storage.

use std::any::Any;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use cosmwasm_std::{Env, Order, StdError, StdResult, Storage, Uint128};
use restake_types::Asset;

use super::codec::{from_bytes, read_uint, to_bytes, Pack};
use super::*;
use crate::error::ContractError;

/// Storage as a message (read-write) or a query (read-only) sees it.
pub enum Store<'a> {
    Read(&'a dyn Storage),
    Write(&'a mut dyn Storage),
}

impl Store<'_> {
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self {
            Store::Read(s) => s.get(key),
            Store::Write(s) => s.get(key),
        }
    }

    pub fn storage(&self) -> &dyn Storage {
        match self {
            Store::Read(s) => *s,
            Store::Write(s) => &**s,
        }
    }

    fn writable(&mut self) -> StdResult<&mut dyn Storage> {
        match self {
            Store::Write(s) => Ok(&mut **s),
            Store::Read(_) => Err(StdError::generic_err("books opened read-only")),
        }
    }
}

/// A stored record of any kind, as the cache keeps it.
trait Record: Any {
    fn encode(&self) -> Vec<u8>;
    fn as_any(&mut self) -> &mut dyn Any;
}

impl<T: Pack + 'static> Record for T {
    fn encode(&self) -> Vec<u8> {
        to_bytes(self)
    }
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

/// One record as loaded (its bytes, to tell whether it changed) and as it is now.
struct Slot {
    original: Option<Vec<u8>>,
    value: Option<Box<dyn Record>>,
}

/// Every record a message has read or written, by storage key. One map for all kinds of
/// record (each key's namespace says its kind), so the wasm carries one map, not one per
/// record type.
#[derive(Default)]
pub struct Cache {
    slots: BTreeMap<Vec<u8>, Slot>,
}

/// Decodes a record of kind `T` (one small function per kind; the cache itself is not
/// generic, so the wasm carries its code once).
fn decode<T: Pack + 'static>(bytes: &[u8]) -> StdResult<Box<dyn Record>> {
    Ok(Box::new(from_bytes::<T>(bytes)?))
}

impl Cache {
    fn slot<T: Pack + 'static>(&mut self, store: &Store, key: Vec<u8>) -> StdResult<&mut Slot> {
        self.slot_with(store, key, decode::<T>)
    }

    fn slot_with(
        &mut self,
        store: &Store,
        key: Vec<u8>,
        decode: fn(&[u8]) -> StdResult<Box<dyn Record>>,
    ) -> StdResult<&mut Slot> {
        Ok(match self.slots.entry(key) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let original = store.get(v.key());
                let value = match original.as_deref() {
                    Some(bytes) => Some(decode(bytes)?),
                    None => None,
                };
                v.insert(Slot { original, value })
            }
        })
    }

    /// The record under `key`, if any.
    fn get<T: Pack + 'static>(&mut self, store: &Store, key: Vec<u8>) -> StdResult<Option<&mut T>> {
        Ok(self
            .slot::<T>(store, key)?
            .value
            .as_mut()
            .and_then(|v| v.as_any().downcast_mut::<T>()))
    }

    /// The record under `key`, created with `default` if there is none.
    fn get_or<T: Pack + 'static>(
        &mut self,
        store: &Store,
        key: Vec<u8>,
        default: impl FnOnce() -> T,
    ) -> StdResult<&mut T> {
        let slot = self.slot::<T>(store, key)?;
        let value = slot
            .value
            .get_or_insert_with(|| Box::new(default()) as Box<dyn Record>);
        value
            .as_any()
            .downcast_mut::<T>()
            .ok_or_else(|| StdError::generic_err("a record read as two kinds"))
    }

    fn set<T: Pack + 'static>(
        &mut self,
        store: &Store,
        key: Vec<u8>,
        v: Option<T>,
    ) -> StdResult<()> {
        self.slot::<T>(store, key)?.value = v.map(|v| Box::new(v) as Box<dyn Record>);
        Ok(())
    }

    /// A record under a key that has never held one (a new id from a counter): stored
    /// without reading the key first.
    fn create<T: Pack + 'static>(&mut self, key: Vec<u8>, v: T) {
        let value = Some(Box::new(v) as Box<dyn Record>);
        match self.slots.entry(key) {
            Entry::Occupied(o) => o.into_mut().value = value,
            Entry::Vacant(e) => {
                e.insert(Slot {
                    original: None,
                    value,
                });
            }
        }
    }

    /// Drops the record under `key` if `empty` says it holds nothing.
    fn tidy<T: Pack + 'static>(
        &mut self,
        store: &Store,
        key: Vec<u8>,
        empty: impl FnOnce(&T) -> bool,
    ) -> StdResult<()> {
        let slot = self.slot::<T>(store, key)?;
        let drop = slot
            .value
            .as_mut()
            .and_then(|v| v.as_any().downcast_mut::<T>())
            .is_some_and(|v| empty(v));
        if drop {
            slot.value = None;
        }
        Ok(())
    }

    fn flush(&self, store: &mut dyn Storage) {
        for (key, slot) in &self.slots {
            let now = slot.value.as_ref().map(|v| v.encode());
            if now != slot.original {
                match now {
                    Some(bytes) => store.set(key, &bytes),
                    None => store.remove(key),
                }
            }
        }
    }
}

fn missing(what: &str) -> StdError {
    StdError::not_found(what)
}

/// A record changed in this message (see [`Books::changed`]): its key, its bytes as loaded
/// (if it existed) and the record now.
pub type Changed<'a, T> = (Vec<u8>, Option<Vec<u8>>, &'a mut T);

/// Every record a message can touch, cached.
pub struct Books<'a> {
    store: Store<'a>,
    pub config: Config,
    config_at_load: Config,
    cache: Cache,
    /// Validators harvested and synced in this message (a second withdrawal would credit
    /// the same rewards twice).
    pub harvested: Vec<u32>,
    /// Bonded-denom tokens that proxies send to the hub in this message (after it).
    pub incoming: Uint128,
    /// Today (UTC days since 1970): the day the history records a change under.
    pub today: u64,
    /// The block time in seconds (0 in queries: nothing falls due while reading).
    pub now: u64,
    /// The queued-index key of a batch this message opened to send at once, not listed yet
    /// (`Books::queued_batch_to_send`): sent, it never is; still queued at `finish`, it is.
    pub(crate) unlisted: Option<Vec<u8>>,
}

impl<'a> Books<'a> {
    /// Books for a message run in the block `env` describes.
    pub fn open(storage: &'a mut dyn Storage, env: &Env) -> Result<Books<'a>, ContractError> {
        let mut books = Books::new(Store::Write(storage))?;
        books.today = env.block.time.seconds() / DAY;
        books.now = env.block.time.seconds();
        Ok(books)
    }

    /// Books for a query: never written.
    pub fn read(storage: &'a dyn Storage) -> Result<Books<'a>, ContractError> {
        Books::new(Store::Read(storage))
    }

    fn new(store: Store<'a>) -> Result<Books<'a>, ContractError> {
        let Some(config) = load::<Config>(&store, &keys::config())? else {
            // A delegator proxy has no books: it only runs its hub's actions.
            return Err(match load::<ProxyState>(&store, &keys::proxy())? {
                Some(p) => ContractError::ProxyOnly {
                    hub: p.hub.to_string(),
                },
                None => ContractError::Std(missing("config")),
            });
        };
        Ok(Books {
            store,
            config_at_load: config.clone(),
            config,
            cache: Cache::default(),
            harvested: vec![],
            incoming: Uint128::zero(),
            today: 0,
            now: 0,
            unlisted: None,
        })
    }

    /// Writes every record that changed. The one closing step of every message.
    pub fn finish(mut self) -> StdResult<()> {
        if let Some(key) = self.unlisted.take() {
            self.mark(key, true)?;
        }
        self.record_history()?;
        let store = self.store.writable()?;
        if self.config != self.config_at_load {
            store.set(&keys::config(), &to_bytes(&self.config));
        }
        self.cache.flush(store);
        Ok(())
    }

    /// The raw storage, for the few crates that keep their own records (cw2, cw-ownable).
    pub fn storage(&self) -> &dyn Storage {
        self.store.storage()
    }

    // ------------------------------------------------------------------ indexes

    /// Sets or clears an index entry at once (see the module docs).
    pub fn mark(&mut self, key: Vec<u8>, present: bool) -> StdResult<()> {
        // A query settles what the chain changed as a message would (a detected chain slash
        // unlists a wiped pool) but keeps nothing: its index changes go nowhere.
        let Store::Write(store) = &mut self.store else {
            return Ok(());
        };
        if present {
            // Storage refuses empty values.
            store.set(&key, &[1]);
        } else {
            store.remove(&key);
        }
        Ok(())
    }

    /// Keys (without `prefix`) and values under `prefix`, after `start_after` (also without
    /// the prefix), at most `limit`, in key order.
    pub fn range(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
        order: Order,
    ) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut end = prefix.to_vec();
        // The smallest key above every key starting with `prefix`.
        let mut end_ok = false;
        while let Some(last) = end.pop() {
            if last < u8::MAX {
                end.push(last + 1);
                end_ok = true;
                break;
            }
        }
        let mut start = prefix.to_vec();
        let mut upper = if end_ok { Some(end) } else { None };
        match (start_after, order) {
            (Some(after), Order::Ascending) => {
                start.extend_from_slice(after);
                start.push(0);
            }
            (Some(after), Order::Descending) => {
                let mut u = prefix.to_vec();
                u.extend_from_slice(after);
                upper = Some(u);
            }
            (None, _) => {}
        }
        self.store
            .storage()
            .range(Some(&start), upper.as_deref(), order)
            .take(limit)
            .map(|(k, v)| (k[prefix.len()..].to_vec(), v))
            .collect()
    }

    // ------------------------------------------------------------------ cold statistics

    /// Counters and running totals (read when a message first needs them).
    pub fn totals(&mut self) -> StdResult<&mut Totals> {
        self.cache
            .get_or(&self.store, keys::totals(), Totals::default)
    }

    /// Each cached record under `namespace` whose bytes changed in this message: its key,
    /// its bytes as loaded (if it existed) and the record now.
    pub fn changed<T: Pack + 'static>(&mut self, namespace: u8) -> Vec<Changed<'_, T>> {
        let mut out = vec![];
        for (key, slot) in self.cache.slots.iter_mut() {
            if key.first() != Some(&namespace) {
                continue;
            }
            let original = slot.original.clone();
            if let Some(v) = slot.value.as_mut() {
                if Some(v.encode()) != original {
                    if let Some(t) = v.as_any().downcast_mut::<T>() {
                        out.push((key.clone(), original, t));
                    }
                }
            }
        }
        out
    }

    /// Writes `value` under `key` at once, or removes it.
    pub fn put_now(&mut self, key: &[u8], value: Option<&[u8]>) -> StdResult<()> {
        let store = self.store.writable()?;
        match value {
            Some(v) => store.set(key, v),
            None => store.remove(key),
        }
        Ok(())
    }

    pub fn stats(&mut self) -> StdResult<&mut Stats> {
        self.cache
            .get_or(&self.store, keys::stats(), Stats::default)
    }

    pub fn dust(&mut self, asset: u32) -> StdResult<&mut Uint128> {
        self.cache
            .get_or(&self.store, keys::dust(asset), Uint128::zero)
    }

    // ------------------------------------------------------------------ assets

    pub fn asset(&mut self, id: u32) -> StdResult<Asset> {
        self.cache
            .get::<Asset>(&self.store, keys::asset(id))?
            .cloned()
            .ok_or_else(|| missing("asset"))
    }

    /// The id of an asset the hub has seen, if any.
    pub fn asset_id(&mut self, asset: &Asset) -> StdResult<Option<u32>> {
        let key = keys::asset_id(&asset_bytes(asset));
        Ok(self.cache.get::<u32>(&self.store, key)?.copied())
    }

    /// The id of an asset, numbered now if it is new.
    pub fn asset_id_or_new(&mut self, asset: &Asset) -> StdResult<u32> {
        if let Some(id) = self.asset_id(asset)? {
            return Ok(id);
        }
        let id = self.totals()?.next_asset;
        self.totals()?.next_asset += 1;
        let key = keys::asset_id(&asset_bytes(asset));
        self.cache.set(&self.store, key, Some(id))?;
        self.cache
            .set(&self.store, keys::asset(id), Some(asset.clone()))?;
        Ok(id)
    }

    // ------------------------------------------------------------------ services

    pub fn service(&mut self, id: u64) -> StdResult<Option<&mut Service>> {
        self.cache.get(&self.store, keys::service(id))
    }

    pub fn put_service(&mut self, id: u64, service: Service) -> StdResult<()> {
        self.cache
            .set(&self.store, keys::service(id), Some(service))
    }

    pub fn service_state(&mut self, id: u64) -> StdResult<Option<&mut ServiceState>> {
        self.cache.get(&self.store, keys::service_state(id))
    }

    pub fn put_service_state(&mut self, id: u64, state: ServiceState) -> StdResult<()> {
        self.cache
            .set(&self.store, keys::service_state(id), Some(state))
    }

    /// The pools in the validator's slots that secure the service, in id order (as the
    /// slots list them): the entries `index_pool` keeps, at most one per slot.
    pub fn service_pools_on(&self, service: u64, vid: u32) -> StdResult<Vec<u64>> {
        let prefix = keys::service_pools_on(service, vid);
        self.range(&prefix, None, usize::MAX, Order::Ascending)
            .into_iter()
            .map(|(k, _)| read_uint(&mut k.as_slice()))
            .collect()
    }

    /// Marks (or unmarks) the pools of a validator's slots under each of their services, so
    /// `service_stake` finds a service's stake without a record per service and validator
    /// to keep up to date on every stake change.
    pub fn index_pool(&mut self, pool: &Pool, present: bool) -> StdResult<()> {
        for service in &pool.services {
            self.mark(keys::service_pool(*service, pool.vid, pool.id), present)?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------ validators

    /// The id of a validator the hub has used.
    pub fn vid(&mut self, valoper: &str) -> StdResult<Option<u32>> {
        Ok(self
            .cache
            .get::<u32>(&self.store, keys::validator_id(valoper))?
            .copied())
    }

    /// Numbers a new validator.
    pub fn new_validator(&mut self, valoper: &str, delegator: Delegator) -> StdResult<u32> {
        let vid = self.totals()?.next_validator;
        self.totals()?.next_validator += 1;
        self.cache
            .set(&self.store, keys::validator_id(valoper), Some(vid))?;
        self.cache.set(
            &self.store,
            keys::validator_info(vid),
            Some(ValidatorInfo {
                valoper: valoper.to_string(),
                delegator,
            }),
        )?;
        self.cache.set(
            &self.store,
            keys::validator(vid),
            Some(Validator::default()),
        )?;
        Ok(vid)
    }

    pub fn validator(&mut self, vid: u32) -> StdResult<&mut Validator> {
        self.cache
            .get(&self.store, keys::validator(vid))?
            .ok_or_else(|| missing("validator"))
    }

    pub fn validator_info(&mut self, vid: u32) -> StdResult<&mut ValidatorInfo> {
        self.cache
            .get(&self.store, keys::validator_info(vid))?
            .ok_or_else(|| missing("validator info"))
    }

    pub fn valoper(&mut self, vid: u32) -> StdResult<String> {
        Ok(self.validator_info(vid)?.valoper.clone())
    }

    /// The validator's live pools that secure services (each holds one of its slots).
    pub fn validator_pools(&mut self, vid: u32) -> StdResult<&mut Vec<u64>> {
        self.cache
            .get_or(&self.store, keys::validator_pools(vid), Vec::new)
    }

    pub fn chain_slashes(&mut self, vid: u32) -> StdResult<&mut ChainSlashes> {
        self.cache
            .get_or(&self.store, keys::chain_slashes(vid), ChainSlashes::default)
    }

    /// Validators whose delegation is the hub's own account (from a v0.1 hub).
    pub fn shared_account(&mut self) -> StdResult<&mut Vec<u32>> {
        self.cache
            .get_or(&self.store, keys::shared_account(), Vec::new)
    }

    // ------------------------------------------------------------------ pools

    pub fn pool(&mut self, id: u64) -> StdResult<&mut Pool> {
        self.cache
            .get(&self.store, keys::pool(id))?
            .ok_or_else(|| missing("pool"))
    }

    pub fn put_pool(&mut self, id: u64, pool: Option<Pool>) -> StdResult<()> {
        self.cache.set(&self.store, keys::pool(id), pool)
    }

    pub fn pool_key(&mut self, vid: u32, services: &[u64]) -> StdResult<Option<u64>> {
        Ok(self
            .cache
            .get::<u64>(&self.store, keys::pool_key(vid, services))?
            .copied())
    }

    pub fn set_pool_key(&mut self, vid: u32, services: &[u64], id: Option<u64>) -> StdResult<()> {
        self.cache
            .set(&self.store, keys::pool_key(vid, services), id)
    }

    // ------------------------------------------------------------------ positions

    pub fn position(&mut self, staker: &[u8], vid: u32) -> StdResult<Option<&mut Position>> {
        self.cache.get(&self.store, keys::position(staker, vid))
    }

    pub fn put_position(&mut self, staker: &[u8], vid: u32, p: Option<Position>) -> StdResult<()> {
        self.cache.set(&self.store, keys::position(staker, vid), p)
    }

    /// The vids of the staker's positions (from storage: positions opened in this message
    /// are not listed).
    pub fn position_vids(&self, staker: &[u8]) -> StdResult<Vec<u32>> {
        self.range(
            &keys::positions_of(staker),
            None,
            usize::MAX,
            Order::Ascending,
        )
        .into_iter()
        .map(|(k, _)| {
            let mut rest = k.as_slice();
            u32::try_from(super::codec::read_uint(&mut rest)?).map_err(|_| super::codec::corrupt())
        })
        .collect()
    }

    pub fn staker_rewards(&mut self, staker: &[u8]) -> StdResult<&mut StakerRewards> {
        self.cache
            .get_or(&self.store, keys::staker(staker), StakerRewards::default)
    }

    /// Drops an empty rewards record instead of writing it.
    pub fn tidy_staker(&mut self, staker: &[u8]) -> StdResult<()> {
        self.cache
            .tidy::<StakerRewards>(&self.store, keys::staker(staker), |s| s.rewards.is_empty())
    }

    // ------------------------------------------------------------------ unbonding

    pub fn batch(&mut self, id: u64) -> StdResult<&mut Batch> {
        self.cache
            .get(&self.store, keys::batch(id))?
            .ok_or_else(|| missing("batch"))
    }

    /// A new batch (`id` fresh from `next_batch`).
    pub fn create_batch(&mut self, id: u64, batch: Batch) {
        self.cache.create(keys::batch(id), batch)
    }

    pub fn group(&mut self, batch: u64, pool: u64) -> StdResult<Option<&mut UnbondingGroup>> {
        self.cache.get(&self.store, keys::group(batch, pool))
    }

    /// A pool's first group in a batch (the batch does not list the pool yet, so it has no
    /// group there): stored without reading its key first.
    pub fn create_group(&mut self, batch: u64, pool: u64, g: UnbondingGroup) {
        self.cache.create(keys::group(batch, pool), g)
    }

    pub fn put_group(&mut self, batch: u64, pool: u64, g: Option<UnbondingGroup>) -> StdResult<()> {
        self.cache.set(&self.store, keys::group(batch, pool), g)
    }

    pub fn unbonding(&mut self, staker: &[u8], id: u64) -> StdResult<Option<&mut Unbonding>> {
        self.cache.get(&self.store, keys::unbonding(staker, id))
    }

    /// A new unbonding entry (`id` fresh from `next_unbonding`).
    pub fn create_unbonding(&mut self, staker: &[u8], id: u64, u: Unbonding) {
        self.cache.create(keys::unbonding(staker, id), u)
    }

    pub fn put_unbonding(&mut self, staker: &[u8], id: u64, u: Option<Unbonding>) -> StdResult<()> {
        self.cache.set(&self.store, keys::unbonding(staker, id), u)
    }

    /// The staker's unbonding ids after `start_after`, at most `limit` (from storage).
    pub fn unbonding_ids(
        &self,
        staker: &[u8],
        start_after: Option<u64>,
        limit: usize,
    ) -> StdResult<Vec<u64>> {
        let after = start_after.map(|s| {
            let mut b = vec![];
            super::codec::push_uint(&mut b, s);
            b
        });
        self.range(
            &keys::unbondings_of(staker),
            after.as_deref(),
            limit,
            Order::Ascending,
        )
        .into_iter()
        .map(|(k, _)| super::codec::read_uint(&mut k.as_slice()))
        .collect()
    }

    // ------------------------------------------------------------------ any record

    /// The record under `key`, created from its default if there is none (records with no
    /// accessor of their own: governance tallies and ballots).
    pub fn record<T: Pack + Default + 'static>(&mut self, key: Vec<u8>) -> StdResult<&mut T> {
        self.cache.get_or(&self.store, key, T::default)
    }

    /// Stores `value` under `key`, or removes the record (`None`).
    pub fn put_record<T: Pack + 'static>(
        &mut self,
        key: Vec<u8>,
        value: Option<T>,
    ) -> StdResult<()> {
        self.cache.set(&self.store, key, value)
    }

    /// The record under `key`, if there is one.
    pub fn existing<T: Pack + 'static>(&mut self, key: Vec<u8>) -> StdResult<Option<&mut T>> {
        self.cache.get(&self.store, key)
    }

    // ------------------------------------------------------------------ slash requests

    pub fn slash_request(&mut self, id: u64) -> StdResult<Option<&mut SlashRequest>> {
        self.cache.get(&self.store, keys::slash(id))
    }

    /// A new slash request (`id` fresh from the request counter).
    pub fn create_slash_request(&mut self, id: u64, r: SlashRequest) {
        self.cache.create(keys::slash(id), r)
    }

    pub fn put_slash_request(&mut self, id: u64, r: SlashRequest) -> StdResult<()> {
        self.cache.set(&self.store, keys::slash(id), Some(r))
    }
}

/// Reads one record straight from storage.
pub fn load<T: Pack>(store: &Store, key: &[u8]) -> StdResult<Option<T>> {
    store.get(key).as_deref().map(from_bytes).transpose()
}

/// Writes one record straight to storage (instantiate and migration only).
pub fn save<T: Pack>(store: &mut dyn Storage, key: &[u8], value: &T) {
    store.set(key, &to_bytes(value));
}
