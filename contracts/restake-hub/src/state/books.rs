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

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use cosmwasm_std::{Order, StdError, StdResult, Storage, Uint128};
use restake_types::Asset;

use super::codec::{from_bytes, to_bytes, Pack};
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

/// One record as loaded (its bytes, to tell whether it changed) and as it is now.
struct Slot<V> {
    key: Vec<u8>,
    value: Option<V>,
    original: Option<Vec<u8>>,
}

/// A cache of records of one kind.
pub struct Cache<K, V> {
    slots: BTreeMap<K, Slot<V>>,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache {
            slots: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone, V: Pack> Cache<K, V> {
    fn slot(
        &mut self,
        store: &Store,
        k: &K,
        key: impl FnOnce() -> Vec<u8>,
    ) -> StdResult<&mut Slot<V>> {
        Ok(match self.slots.entry(k.clone()) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let key = key();
                let original = store.get(&key);
                let value = original.as_deref().map(from_bytes).transpose()?;
                v.insert(Slot {
                    key,
                    value,
                    original,
                })
            }
        })
    }

    fn get(
        &mut self,
        store: &Store,
        k: &K,
        key: impl FnOnce() -> Vec<u8>,
    ) -> StdResult<Option<&mut V>> {
        Ok(self.slot(store, k, key)?.value.as_mut())
    }

    fn set(
        &mut self,
        store: &Store,
        k: &K,
        key: impl FnOnce() -> Vec<u8>,
        v: Option<V>,
    ) -> StdResult<()> {
        self.slot(store, k, key)?.value = v;
        Ok(())
    }

    fn flush(&self, store: &mut dyn Storage) {
        for slot in self.slots.values() {
            let now = slot.value.as_ref().map(to_bytes);
            if now != slot.original {
                match now {
                    Some(bytes) => store.set(&slot.key, &bytes),
                    None => store.remove(&slot.key),
                }
            }
        }
    }
}

fn missing(what: &str) -> StdError {
    StdError::not_found(what)
}

/// Every record a message can touch, cached.
pub struct Books<'a> {
    store: Store<'a>,
    pub config: Config,
    pub totals: Totals,
    totals_at_load: Totals,
    config_at_load: Config,
    stats: Cache<(), Stats>,
    dust: Cache<u32, Uint128>,
    assets: Cache<u32, Asset>,
    asset_ids: Cache<Vec<u8>, u32>,
    services: Cache<u64, Service>,
    service_states: Cache<u64, ServiceState>,
    service_stake: Cache<(u64, u32), Uint128>,
    validators: Cache<u32, Validator>,
    validator_infos: Cache<u32, ValidatorInfo>,
    validator_ids: Cache<String, u32>,
    validator_pools: Cache<u32, Vec<u64>>,
    chain_slashes: Cache<u32, ChainSlashes>,
    pools: Cache<u64, Pool>,
    pool_keys: Cache<(u32, Vec<u64>), u64>,
    positions: Cache<(Vec<u8>, u32), Position>,
    stakers: Cache<Vec<u8>, StakerRewards>,
    batches: Cache<u64, Batch>,
    groups: Cache<(u64, u64), UnbondingGroup>,
    unbondings: Cache<(Vec<u8>, u64), Unbonding>,
    slashes: Cache<u64, SlashRequest>,
    shared: Cache<(), Vec<u32>>,
    /// Validators harvested and synced in this message (a second withdrawal would credit
    /// the same rewards twice).
    pub harvested: Vec<u32>,
    /// Bonded-denom tokens that proxies send to the hub in this message (after it).
    pub incoming: Uint128,
}

impl<'a> Books<'a> {
    /// Books for a message.
    pub fn open(storage: &'a mut dyn Storage) -> Result<Books<'a>, ContractError> {
        Books::new(Store::Write(storage))
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
        let totals: Totals = load(&store, &keys::totals())?.unwrap_or_default();
        Ok(Books {
            store,
            config_at_load: config.clone(),
            config,
            totals_at_load: totals.clone(),
            totals,
            stats: Cache::default(),
            dust: Cache::default(),
            assets: Cache::default(),
            asset_ids: Cache::default(),
            services: Cache::default(),
            service_states: Cache::default(),
            service_stake: Cache::default(),
            validators: Cache::default(),
            validator_infos: Cache::default(),
            validator_ids: Cache::default(),
            validator_pools: Cache::default(),
            chain_slashes: Cache::default(),
            pools: Cache::default(),
            pool_keys: Cache::default(),
            positions: Cache::default(),
            stakers: Cache::default(),
            batches: Cache::default(),
            groups: Cache::default(),
            unbondings: Cache::default(),
            slashes: Cache::default(),
            shared: Cache::default(),
            harvested: vec![],
            incoming: Uint128::zero(),
        })
    }

    /// Writes every record that changed. The one closing step of every message.
    pub fn finish(mut self) -> StdResult<()> {
        let store = self.store.writable()?;
        if self.config != self.config_at_load {
            store.set(&keys::config(), &to_bytes(&self.config));
        }
        if self.totals != self.totals_at_load {
            store.set(&keys::totals(), &to_bytes(&self.totals));
        }
        self.stats.flush(store);
        self.dust.flush(store);
        self.assets.flush(store);
        self.asset_ids.flush(store);
        self.services.flush(store);
        self.service_states.flush(store);
        self.service_stake.flush(store);
        self.validators.flush(store);
        self.validator_infos.flush(store);
        self.validator_ids.flush(store);
        self.validator_pools.flush(store);
        self.chain_slashes.flush(store);
        self.pools.flush(store);
        self.pool_keys.flush(store);
        self.positions.flush(store);
        self.stakers.flush(store);
        self.batches.flush(store);
        self.groups.flush(store);
        self.unbondings.flush(store);
        self.slashes.flush(store);
        self.shared.flush(store);
        Ok(())
    }

    /// The raw storage, for the few crates that keep their own records (cw2, cw-ownable).
    pub fn storage(&self) -> &dyn Storage {
        self.store.storage()
    }

    // ------------------------------------------------------------------ indexes

    /// Sets or clears an index entry at once (see the module docs).
    pub fn mark(&mut self, key: Vec<u8>, present: bool) -> StdResult<()> {
        let store = self.store.writable()?;
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

    pub fn stats(&mut self) -> StdResult<&mut Stats> {
        let slot = self.stats.slot(&self.store, &(), keys::stats)?;
        Ok(slot.value.get_or_insert_with(Stats::default))
    }

    pub fn dust(&mut self, asset: u32) -> StdResult<&mut Uint128> {
        let slot = self.dust.slot(&self.store, &asset, || keys::dust(asset))?;
        Ok(slot.value.get_or_insert_with(Uint128::zero))
    }

    // ------------------------------------------------------------------ assets

    pub fn asset(&mut self, id: u32) -> StdResult<Asset> {
        self.assets
            .get(&self.store, &id, || keys::asset(id))?
            .cloned()
            .ok_or_else(|| missing("asset"))
    }

    /// The id of an asset the hub has seen, if any.
    pub fn asset_id(&mut self, asset: &Asset) -> StdResult<Option<u32>> {
        let bytes = asset_bytes(asset);
        Ok(self
            .asset_ids
            .get(&self.store, &bytes, || keys::asset_id(&bytes))?
            .copied())
    }

    /// The id of an asset, numbered now if it is new.
    pub fn asset_id_or_new(&mut self, asset: &Asset) -> StdResult<u32> {
        if let Some(id) = self.asset_id(asset)? {
            return Ok(id);
        }
        let id = self.totals.next_asset;
        self.totals.next_asset += 1;
        let bytes = asset_bytes(asset);
        self.asset_ids
            .set(&self.store, &bytes, || keys::asset_id(&bytes), Some(id))?;
        self.assets
            .set(&self.store, &id, || keys::asset(id), Some(asset.clone()))?;
        Ok(id)
    }

    // ------------------------------------------------------------------ services

    pub fn service(&mut self, id: u64) -> StdResult<Option<&mut Service>> {
        self.services.get(&self.store, &id, || keys::service(id))
    }

    pub fn put_service(&mut self, id: u64, service: Service) -> StdResult<()> {
        self.services
            .set(&self.store, &id, || keys::service(id), Some(service))
    }

    pub fn service_state(&mut self, id: u64) -> StdResult<Option<&mut ServiceState>> {
        self.service_states
            .get(&self.store, &id, || keys::service_state(id))
    }

    pub fn put_service_state(&mut self, id: u64, state: ServiceState) -> StdResult<()> {
        self.service_states
            .set(&self.store, &id, || keys::service_state(id), Some(state))
    }

    /// Bonded stake on the validator securing the service.
    pub fn service_stake(&mut self, service: u64, vid: u32) -> StdResult<&mut Uint128> {
        let slot = self.service_stake.slot(&self.store, &(service, vid), || {
            keys::service_stake(service, vid)
        })?;
        Ok(slot.value.get_or_insert_with(Uint128::zero))
    }

    /// Drops a zero service stake record instead of writing it.
    pub fn tidy_service_stake(&mut self, service: u64, vid: u32) -> StdResult<()> {
        let slot = self.service_stake.slot(&self.store, &(service, vid), || {
            keys::service_stake(service, vid)
        })?;
        if slot.value.is_some_and(|v| v.is_zero()) {
            slot.value = None;
        }
        Ok(())
    }

    // ------------------------------------------------------------------ validators

    /// The id of a validator the hub has used.
    pub fn vid(&mut self, valoper: &str) -> StdResult<Option<u32>> {
        let k = valoper.to_string();
        Ok(self
            .validator_ids
            .get(&self.store, &k, || keys::validator_id(valoper))?
            .copied())
    }

    /// Numbers a new validator.
    pub fn new_validator(&mut self, valoper: &str, delegator: Delegator) -> StdResult<u32> {
        let vid = self.totals.next_validator;
        self.totals.next_validator += 1;
        let k = valoper.to_string();
        self.validator_ids
            .set(&self.store, &k, || keys::validator_id(valoper), Some(vid))?;
        self.validator_infos.set(
            &self.store,
            &vid,
            || keys::validator_info(vid),
            Some(ValidatorInfo {
                valoper: valoper.to_string(),
                delegator,
            }),
        )?;
        self.validators.set(
            &self.store,
            &vid,
            || keys::validator(vid),
            Some(Validator::default()),
        )?;
        Ok(vid)
    }

    pub fn validator(&mut self, vid: u32) -> StdResult<&mut Validator> {
        self.validators
            .get(&self.store, &vid, || keys::validator(vid))?
            .ok_or_else(|| missing("validator"))
    }

    pub fn validator_info(&mut self, vid: u32) -> StdResult<&mut ValidatorInfo> {
        self.validator_infos
            .get(&self.store, &vid, || keys::validator_info(vid))?
            .ok_or_else(|| missing("validator info"))
    }

    pub fn valoper(&mut self, vid: u32) -> StdResult<String> {
        Ok(self.validator_info(vid)?.valoper.clone())
    }

    /// The validator's live pools that secure services (each holds one of its slots).
    pub fn validator_pools(&mut self, vid: u32) -> StdResult<&mut Vec<u64>> {
        let slot = self
            .validator_pools
            .slot(&self.store, &vid, || keys::validator_pools(vid))?;
        Ok(slot.value.get_or_insert_with(Vec::new))
    }

    pub fn chain_slashes(&mut self, vid: u32) -> StdResult<&mut ChainSlashes> {
        let slot = self
            .chain_slashes
            .slot(&self.store, &vid, || keys::chain_slashes(vid))?;
        Ok(slot.value.get_or_insert_with(ChainSlashes::default))
    }

    /// Validators whose delegation is the hub's own account (from a v0.1 hub).
    pub fn shared_account(&mut self) -> StdResult<&mut Vec<u32>> {
        let slot = self.shared.slot(&self.store, &(), keys::shared_account)?;
        Ok(slot.value.get_or_insert_with(Vec::new))
    }

    // ------------------------------------------------------------------ pools

    pub fn pool(&mut self, id: u64) -> StdResult<&mut Pool> {
        self.pools
            .get(&self.store, &id, || keys::pool(id))?
            .ok_or_else(|| missing("pool"))
    }

    pub fn put_pool(&mut self, id: u64, pool: Option<Pool>) -> StdResult<()> {
        self.pools.set(&self.store, &id, || keys::pool(id), pool)
    }

    pub fn pool_key(&mut self, vid: u32, services: &[u64]) -> StdResult<Option<u64>> {
        let k = (vid, services.to_vec());
        Ok(self
            .pool_keys
            .get(&self.store, &k, || keys::pool_key(vid, services))?
            .copied())
    }

    pub fn set_pool_key(&mut self, vid: u32, services: &[u64], id: Option<u64>) -> StdResult<()> {
        let k = (vid, services.to_vec());
        self.pool_keys
            .set(&self.store, &k, || keys::pool_key(vid, services), id)
    }

    // ------------------------------------------------------------------ positions

    pub fn position(&mut self, staker: &[u8], vid: u32) -> StdResult<Option<&mut Position>> {
        let k = (staker.to_vec(), vid);
        self.positions
            .get(&self.store, &k, || keys::position(staker, vid))
    }

    pub fn put_position(&mut self, staker: &[u8], vid: u32, p: Option<Position>) -> StdResult<()> {
        let k = (staker.to_vec(), vid);
        self.positions
            .set(&self.store, &k, || keys::position(staker, vid), p)
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
        let k = staker.to_vec();
        let slot = self
            .stakers
            .slot(&self.store, &k, || keys::staker(staker))?;
        Ok(slot.value.get_or_insert_with(StakerRewards::default))
    }

    /// Drops an empty rewards record instead of writing it.
    pub fn tidy_staker(&mut self, staker: &[u8]) -> StdResult<()> {
        let k = staker.to_vec();
        let slot = self
            .stakers
            .slot(&self.store, &k, || keys::staker(staker))?;
        if slot.value.as_ref().is_some_and(|s| s.rewards.is_empty()) {
            slot.value = None;
        }
        Ok(())
    }

    // ------------------------------------------------------------------ unbonding

    pub fn batch(&mut self, id: u64) -> StdResult<&mut Batch> {
        self.batches
            .get(&self.store, &id, || keys::batch(id))?
            .ok_or_else(|| missing("batch"))
    }

    pub fn put_batch(&mut self, id: u64, batch: Batch) -> StdResult<()> {
        self.batches
            .set(&self.store, &id, || keys::batch(id), Some(batch))
    }

    pub fn group(&mut self, batch: u64, pool: u64) -> StdResult<Option<&mut UnbondingGroup>> {
        self.groups
            .get(&self.store, &(batch, pool), || keys::group(batch, pool))
    }

    pub fn put_group(&mut self, batch: u64, pool: u64, g: Option<UnbondingGroup>) -> StdResult<()> {
        self.groups
            .set(&self.store, &(batch, pool), || keys::group(batch, pool), g)
    }

    pub fn unbonding(&mut self, staker: &[u8], id: u64) -> StdResult<Option<&mut Unbonding>> {
        let k = (staker.to_vec(), id);
        self.unbondings
            .get(&self.store, &k, || keys::unbonding(staker, id))
    }

    pub fn put_unbonding(&mut self, staker: &[u8], id: u64, u: Option<Unbonding>) -> StdResult<()> {
        let k = (staker.to_vec(), id);
        self.unbondings
            .set(&self.store, &k, || keys::unbonding(staker, id), u)
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

    // ------------------------------------------------------------------ slash requests

    pub fn slash_request(&mut self, id: u64) -> StdResult<Option<&mut SlashRequest>> {
        self.slashes.get(&self.store, &id, || keys::slash(id))
    }

    pub fn put_slash_request(&mut self, id: u64, r: SlashRequest) -> StdResult<()> {
        self.slashes
            .set(&self.store, &id, || keys::slash(id), Some(r))
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
