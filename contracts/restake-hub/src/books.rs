//! A unit of work over the shared records of one message: each record is read at most
//! once and written at most once, when the message succeeds.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{StdResult, Storage, Uint128};
use restake_types::Asset;

use crate::error::ContractError;
use crate::state::*;

pub struct Books {
    pub config: Config,
    pub totals: Totals,
    /// `totals` as loaded: written back only if changed.
    totals_at_load: Totals,
    validators: BTreeMap<String, ValidatorState>,
    dirty_validators: BTreeSet<String>,
    services: BTreeMap<u64, ServiceState>,
    dirty_services: BTreeSet<u64>,
    /// Loaded pools; `true` when changed (None: deleted).
    pools: BTreeMap<u64, (Option<Pool>, bool)>,
    pool_keys: BTreeMap<(String, String), (Option<u64>, bool)>,
    batches: BTreeMap<u64, Batch>,
    dirty_batches: BTreeSet<u64>,
    groups: BTreeMap<(u64, u64), Option<UnbondingGroup>>,
    service_validator: BTreeMap<(u64, String), Uint128>,
    queued: BTreeMap<String, Option<u64>>,
    completions: BTreeMap<(u64, u64), bool>,
    stats: Option<SlashStats>,
    stats_at_load: Option<SlashStats>,
    /// Validators already harvested and synced in this message.
    pub harvested: BTreeSet<String>,
}

impl Books {
    pub fn load(store: &dyn Storage) -> StdResult<Books> {
        let totals = TOTALS.load(store)?;
        Ok(Books {
            config: CONFIG.load(store)?,
            totals_at_load: totals.clone(),
            totals,
            validators: BTreeMap::new(),
            dirty_validators: BTreeSet::new(),
            services: BTreeMap::new(),
            dirty_services: BTreeSet::new(),
            pools: BTreeMap::new(),
            pool_keys: BTreeMap::new(),
            batches: BTreeMap::new(),
            dirty_batches: BTreeSet::new(),
            groups: BTreeMap::new(),
            service_validator: BTreeMap::new(),
            queued: BTreeMap::new(),
            completions: BTreeMap::new(),
            stats: None,
            stats_at_load: None,
            harvested: BTreeSet::new(),
        })
    }

    // ------------------------------------------------------------------ validators

    fn ensure_validator(&mut self, store: &dyn Storage, validator: &str) -> StdResult<()> {
        if !self.validators.contains_key(validator) {
            let state = VALIDATORS
                .may_load(store, validator)?
                .unwrap_or_else(ValidatorState::new);
            self.validators.insert(validator.to_string(), state);
        }
        Ok(())
    }

    /// Whether the hub has books for the validator (loading them if so).
    pub fn validator_known(&mut self, store: &dyn Storage, validator: &str) -> StdResult<bool> {
        if self.validators.contains_key(validator) {
            return Ok(true);
        }
        match VALIDATORS.may_load(store, validator)? {
            Some(state) => {
                self.validators.insert(validator.to_string(), state);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The validator's books (a fresh record if the hub has never used it).
    pub fn validator(
        &mut self,
        store: &dyn Storage,
        validator: &str,
    ) -> StdResult<&ValidatorState> {
        self.ensure_validator(store, validator)?;
        Ok(&self.validators[validator])
    }

    pub fn validator_mut(
        &mut self,
        store: &dyn Storage,
        validator: &str,
    ) -> StdResult<&mut ValidatorState> {
        self.ensure_validator(store, validator)?;
        self.dirty_validators.insert(validator.to_string());
        Ok(self.validators.get_mut(validator).expect("loaded above"))
    }

    // ------------------------------------------------------------------ services

    fn ensure_service(&mut self, store: &dyn Storage, id: u64) -> Result<(), ContractError> {
        if let std::collections::btree_map::Entry::Vacant(e) = self.services.entry(id) {
            let state = SERVICE_STATES
                .may_load(store, id)?
                .ok_or(ContractError::ServiceNotFound { id })?;
            e.insert(state);
        }
        Ok(())
    }

    pub fn service_state(
        &mut self,
        store: &dyn Storage,
        id: u64,
    ) -> Result<&ServiceState, ContractError> {
        self.ensure_service(store, id)?;
        Ok(&self.services[&id])
    }

    pub fn service_state_mut(
        &mut self,
        store: &dyn Storage,
        id: u64,
    ) -> Result<&mut ServiceState, ContractError> {
        self.ensure_service(store, id)?;
        self.dirty_services.insert(id);
        Ok(self.services.get_mut(&id).expect("loaded above"))
    }

    pub fn insert_service_state(&mut self, id: u64, state: ServiceState) {
        self.services.insert(id, state);
        self.dirty_services.insert(id);
    }

    /// Adds `delta` (may be negative through `add = false`) to the stake securing
    /// (service, validator).
    pub fn shift_service_validator(
        &mut self,
        store: &dyn Storage,
        service: u64,
        validator: &str,
        amount: Uint128,
        add: bool,
    ) -> Result<(), ContractError> {
        let key = (service, validator.to_string());
        let current = match self.service_validator.get(&key) {
            Some(v) => *v,
            None => SERVICE_VALIDATOR_STAKE
                .may_load(store, (service, validator))?
                .unwrap_or_default(),
        };
        let next = if add {
            current.checked_add(amount)?
        } else {
            current.checked_sub(amount)?
        };
        self.service_validator.insert(key, next);
        Ok(())
    }

    // ------------------------------------------------------------------ pools

    /// A copy of a pool for reading; changes to it are not kept (use `take_pool`).
    pub fn pool(&mut self, store: &dyn Storage, id: u64) -> StdResult<Pool> {
        match self.pools.get(&id) {
            Some((Some(pool), _)) => Ok(pool.clone()),
            Some((None, _)) => Err(cosmwasm_std::StdError::not_found(format!("pool {id}"))),
            None => {
                let pool = POOLS.load(store, id)?;
                self.pools.insert(id, (Some(pool.clone()), false));
                Ok(pool)
            }
        }
    }

    /// Takes a pool out of the unit of work; `put_pool` gives it back.
    pub fn take_pool(&mut self, store: &dyn Storage, id: u64) -> StdResult<Pool> {
        match self.pools.remove(&id) {
            Some((Some(pool), _)) => Ok(pool),
            Some((None, _)) => Err(cosmwasm_std::StdError::not_found(format!("pool {id}"))),
            None => POOLS.load(store, id),
        }
    }

    /// Stores a pool back. A pool with nothing left to slash or owe leaves its validator's
    /// live list (and is deleted when no position holds shares of it); a wiped-out pool
    /// stops taking new members, who get a fresh pool for the same service set.
    pub fn put_pool(&mut self, store: &dyn Storage, pool: Pool) -> StdResult<()> {
        let joinable = pool.bonded.is_joinable();
        let live = pool.is_live();
        if joinable && live {
            self.pools.insert(pool.id, (Some(pool), true));
            return Ok(());
        }
        let key = (pool.validator.clone(), set_key(&pool.services));
        let keyed_here = self.pool_key(store, &key.0, &key.1)? == Some(pool.id);
        if keyed_here && !joinable {
            self.pool_keys.insert(key.clone(), (None, true));
        }
        if !live {
            let validator = self.validator_mut(store, &pool.validator)?;
            if let Some(i) = validator.pools.iter().position(|p| *p == pool.id) {
                validator.pools.remove(i);
                self.totals.pools = self.totals.pools.saturating_sub(1);
            }
            if pool.bonded.shares.is_zero() {
                if keyed_here {
                    self.pool_keys.insert(key, (None, true));
                }
                self.pools.insert(pool.id, (None, true));
                return Ok(());
            }
        }
        self.pools.insert(pool.id, (Some(pool), true));
        Ok(())
    }

    pub fn pool_key(
        &mut self,
        store: &dyn Storage,
        validator: &str,
        key: &str,
    ) -> StdResult<Option<u64>> {
        let k = (validator.to_string(), key.to_string());
        if let Some((v, _)) = self.pool_keys.get(&k) {
            return Ok(*v);
        }
        let v = POOL_KEYS.may_load(store, (validator, key))?;
        self.pool_keys.insert(k, (v, false));
        Ok(v)
    }

    pub fn set_pool_key(&mut self, validator: &str, key: &str, id: u64) {
        self.pool_keys
            .insert((validator.to_string(), key.to_string()), (Some(id), true));
    }

    // ------------------------------------------------------------------ batches

    pub fn batch(&mut self, store: &dyn Storage, id: u64) -> StdResult<&Batch> {
        if let std::collections::btree_map::Entry::Vacant(e) = self.batches.entry(id) {
            e.insert(BATCHES.load(store, id)?);
        }
        Ok(&self.batches[&id])
    }

    pub fn batch_mut(&mut self, store: &dyn Storage, id: u64) -> StdResult<&mut Batch> {
        self.batch(store, id)?;
        self.dirty_batches.insert(id);
        Ok(self.batches.get_mut(&id).expect("loaded above"))
    }

    pub fn insert_batch(&mut self, batch: Batch) {
        self.dirty_batches.insert(batch.id);
        self.batches.insert(batch.id, batch);
    }

    pub fn group(
        &mut self,
        store: &dyn Storage,
        batch: u64,
        pool: u64,
    ) -> StdResult<Option<UnbondingGroup>> {
        match self.groups.get(&(batch, pool)) {
            Some(g) => Ok(g.clone()),
            None => UNBONDING_GROUPS.may_load(store, (batch, pool)),
        }
    }

    pub fn put_group(&mut self, batch: u64, pool: u64, group: Option<UnbondingGroup>) {
        self.groups.insert((batch, pool), group);
    }

    /// Records (or clears) the validator's queued batch in the crank's index.
    pub fn set_queued(&mut self, validator: &str, batch: Option<u64>) {
        self.queued.insert(validator.to_string(), batch);
    }

    /// Adds (or removes) a sent batch in the completion-time index.
    pub fn set_completion(&mut self, completion_secs: u64, batch: u64, present: bool) {
        self.completions.insert((completion_secs, batch), present);
    }

    // ------------------------------------------------------------------ stats

    pub fn stats(&mut self, store: &dyn Storage) -> StdResult<&mut SlashStats> {
        if self.stats.is_none() {
            let stats = SLASH_STATS.may_load(store)?.unwrap_or_default();
            self.stats_at_load = Some(stats.clone());
            self.stats = Some(stats);
        }
        Ok(self.stats.as_mut().expect("loaded above"))
    }

    /// Records tokens the hub keeps that nobody is owed.
    pub fn add_dust(
        &mut self,
        store: &dyn Storage,
        asset: Asset,
        amount: Uint128,
    ) -> StdResult<()> {
        if amount.is_zero() {
            return Ok(());
        }
        let stats = self.stats(store)?;
        match stats.dust.iter_mut().find(|(a, _)| *a == asset) {
            Some((_, v)) => *v += amount,
            None => stats.dust.push((asset, amount)),
        }
        Ok(())
    }

    // ------------------------------------------------------------------ save

    pub fn save(&self, store: &mut dyn Storage) -> StdResult<()> {
        if self.totals != self.totals_at_load {
            TOTALS.save(store, &self.totals)?;
        }
        for name in &self.dirty_validators {
            VALIDATORS.save(store, name, &self.validators[name])?;
        }
        for id in &self.dirty_services {
            SERVICE_STATES.save(store, *id, &self.services[id])?;
        }
        for (id, (pool, dirty)) in &self.pools {
            match (pool, dirty) {
                (_, false) => {}
                (Some(p), true) => POOLS.save(store, *id, p)?,
                (None, true) => POOLS.remove(store, *id),
            }
        }
        for ((validator, key), (id, dirty)) in &self.pool_keys {
            match (id, dirty) {
                (_, false) => {}
                (Some(id), true) => POOL_KEYS.save(store, (validator, key), id)?,
                (None, true) => POOL_KEYS.remove(store, (validator, key)),
            }
        }
        for id in &self.dirty_batches {
            BATCHES.save(store, *id, &self.batches[id])?;
        }
        for ((batch, pool), group) in &self.groups {
            match group {
                Some(g) => UNBONDING_GROUPS.save(store, (*batch, *pool), g)?,
                None => UNBONDING_GROUPS.remove(store, (*batch, *pool)),
            }
        }
        for ((service, validator), amount) in &self.service_validator {
            if amount.is_zero() {
                SERVICE_VALIDATOR_STAKE.remove(store, (*service, validator));
            } else {
                SERVICE_VALIDATOR_STAKE.save(store, (*service, validator), amount)?;
            }
        }
        for (validator, batch) in &self.queued {
            match batch {
                Some(b) => QUEUED.save(store, validator, b)?,
                None => QUEUED.remove(store, validator),
            }
        }
        for ((secs, batch), present) in &self.completions {
            if *present {
                BATCH_COMPLETIONS.save(store, (*secs, *batch), &())?;
            } else {
                BATCH_COMPLETIONS.remove(store, (*secs, *batch));
            }
        }
        if let Some(stats) = &self.stats {
            if Some(stats) != self.stats_at_load.as_ref() {
                SLASH_STATS.save(store, stats)?;
            }
        }
        Ok(())
    }
}
