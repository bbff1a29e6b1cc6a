//! The storage layout of v0.1 and its conversion to the current one, run once by `migrate`.
//!
//! v0.1 kept JSON records in cw-storage-plus maps, one delegation per validator in the
//! hub's own account. The conversion carries every position, pool, batch, unbonding,
//! service and slash request over unchanged in value; the validators it finds keep the
//! hub's own account as their delegator (a delegation cannot change hands), and share it as
//! the one [`crate::unbonding::settle::Account::Shared`]. Validators first used after the
//! migration get a delegator proxy of their own.
//!
//! The conversion reads and rewrites every record once: its cost grows with the hub's
//! state, which is why it runs in `migrate` (a governance-gated or admin transaction) and
//! never again.
//!
//! Why one file: the v0.1 layout is frozen and only this one-off conversion reads it. It
//! reads as one story, from the old records to the new ones; split, a dead layout would be
//! spread across the tree.

use std::collections::BTreeMap;

use cosmwasm_std::{
    Addr, Api, Decimal, Decimal256, Env, Order, Response, StdResult, Storage, Timestamp, Uint128,
};
use cw_storage_plus::{Item, Map};
use restake_types::math::ShareGroup;
use restake_types::{Asset, ServiceStatus, SlashStatus};
use serde::{Deserialize, Serialize};

use crate::error::ContractError;
use crate::state::books::{save, Books};
use crate::state::{self as st, keys, Delegator};
use crate::unbonding::queue::next_send_time;

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum Destination {
    Burn,
    CommunityPool,
    Address(Addr),
}

#[derive(Deserialize, Serialize)]
struct Config {
    bonded_denom: String,
    unbonding_period: u64,
    unbonding_epoch: u64,
    min_deposit: Uint128,
    max_services_per_position: u32,
    max_veto_period: u64,
    max_reward_assets: u32,
    max_pools_per_validator: u32,
    slash_destination: Destination,
    paused: bool,
}

#[derive(Deserialize, Serialize)]
struct Totals {
    next_service_id: u64,
    next_pool_id: u64,
    next_batch_id: u64,
    next_unbonding_id: u64,
    next_slash_id: u64,
    stakers: u64,
    services: u64,
    liquid_bonded: Uint128,
    #[serde(default)]
    seen_height: u64,
    #[serde(default)]
    seen_time: u64,
    #[serde(default)]
    earlier_time: u64,
    #[serde(default)]
    reserved: Uint128,
}

#[derive(Deserialize, Serialize)]
struct SlashStats {
    total_slashed: Uint128,
    chain_slashed: Uint128,
    pending_routing: Uint128,
    burned: Uint128,
    community_pool: Uint128,
    to_address: Uint128,
    #[serde(default)]
    unrouted: Uint128,
    dust: Vec<(Asset, Uint128)>,
}

#[derive(Deserialize, Serialize)]
struct Service {
    name: String,
    admin: Addr,
    slasher: Addr,
    resolver: Option<Addr>,
    max_slash: Decimal,
    veto_period: u64,
    opt_out_delay: u64,
    reward_assets: Vec<Asset>,
    metadata_uri: Option<String>,
    status: ServiceStatus,
    registered_at: Timestamp,
    total_slashed: Uint128,
    #[serde(default)]
    owner_paused: bool,
}

#[derive(Deserialize, Serialize)]
struct ServiceState {
    total_stake: Uint128,
    indexes: Vec<(Asset, Decimal256)>,
}

#[derive(Deserialize, Serialize)]
struct ChainSlash {
    seq: u64,
    after: u64,
    detected: u64,
    kept: Decimal256,
}

#[derive(Deserialize, Serialize)]
struct ValidatorState {
    bonded: Uint128,
    dust: Uint128,
    queued: Uint128,
    queued_batch: Option<u64>,
    pools: Vec<u64>,
    last_send: Option<Timestamp>,
    #[serde(default)]
    in_flight_tokens: Uint128,
    native_index: Vec<(String, Decimal256)>,
    #[serde(default)]
    chain_slashes: Vec<ChainSlash>,
    #[serde(default)]
    last_whole: u64,
    #[serde(default)]
    chain_slash_count: u64,
}

#[derive(Deserialize, Serialize)]
struct Pool {
    id: u64,
    validator: String,
    services: Vec<u64>,
    bonded: ShareGroup,
    matured: ShareGroup,
    matured_entries: u32,
    batches: Vec<u64>,
    rps: Vec<(Asset, Decimal256)>,
    service_marks: Vec<(u64, Asset, Decimal256)>,
    native_marks: Vec<(String, Decimal256)>,
}

#[derive(Deserialize, Serialize)]
struct Position {
    pool_id: u64,
    shares: Uint128,
    pending_opt_outs: Vec<(u64, Timestamp)>,
    marks: Vec<(Asset, Decimal256)>,
    accrued: Vec<(Asset, Decimal256)>,
}

#[derive(Deserialize, Serialize)]
struct StakerInfo {
    rewards: Vec<(Asset, Decimal256)>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum BatchStatus {
    Queued,
    Sent,
    Settled,
}

#[derive(Deserialize, Serialize)]
struct Batch {
    id: u64,
    validator: String,
    status: BatchStatus,
    created_at: Timestamp,
    sent_at: Option<Timestamp>,
    completion_time: Option<Timestamp>,
    pools: Vec<u64>,
    slashed: Uint128,
    expected: Uint128,
    returned: Uint128,
    #[serde(default)]
    chain_slashes_at_send: u64,
    #[serde(default)]
    decided: Option<Uint128>,
    #[serde(default)]
    checked: bool,
}

#[derive(Deserialize, Serialize)]
struct Merged {
    generation: u32,
    shares: Uint128,
    shares_left: Uint128,
    group_shares_left: Uint128,
}

#[derive(Deserialize, Serialize)]
struct UnbondingGroup {
    group: ShareGroup,
    merged: Option<Merged>,
    entries: u32,
}

#[derive(Deserialize, Serialize)]
struct Unbonding {
    id: u64,
    validator: String,
    pool_id: u64,
    batch_id: u64,
    shares: Uint128,
    generation: u32,
    requested: Uint128,
    created_at: Timestamp,
}

#[derive(Deserialize, Serialize)]
struct SlashRequest {
    id: u64,
    service_id: u64,
    validator: String,
    fraction: Decimal,
    evidence: String,
    status: SlashStatus,
    requested_at: Timestamp,
    executable_at: Timestamp,
    resolved_at: Option<Timestamp>,
    slashed_bonded: Uint128,
    slashed_unbonding: Uint128,
}

const CONFIG: Item<Config> = Item::new("config");
const TOTALS: Item<Totals> = Item::new("totals");
const SLASH_STATS: Item<SlashStats> = Item::new("slash_stats");
const SERVICES: Map<u64, Service> = Map::new("services");
const SERVICE_STATES: Map<u64, ServiceState> = Map::new("service_states");
const REWARDS_PAID: Map<u64, Vec<(Asset, Uint128)>> = Map::new("rewards_paid");
const SERVICE_VALIDATOR_STAKE: Map<(u64, &str), Uint128> = Map::new("svc_val_stake");
const VALIDATORS: Map<&str, ValidatorState> = Map::new("validators");
const POOLS: Map<u64, Pool> = Map::new("pools");
const POSITIONS: Map<(&Addr, &str), Position> = Map::new("positions");
const STAKERS: Map<&Addr, StakerInfo> = Map::new("stakers");
const BATCHES: Map<u64, Batch> = Map::new("batches");
const UNBONDING_GROUPS: Map<(u64, u64), UnbondingGroup> = Map::new("unbonding_groups");
const UNBONDINGS: Map<(&Addr, u64), Unbonding> = Map::new("unbondings");
const SLASHES: Map<u64, SlashRequest> = Map::new("slashes");

/// Namespaces of every v0.1 record, removed after the conversion.
const ITEMS: [&str; 3] = ["config", "totals", "slash_stats"];
const MAPS: [&str; 18] = [
    "services",
    "service_states",
    "rewards_paid",
    "svc_val_stake",
    "validators",
    "pools",
    "pool_keys",
    "positions",
    "stakers",
    "batches",
    "batch_completions",
    "queued",
    "unbonding_groups",
    "unbondings",
    "slashes",
    "slashes__service",
    "slashes__validator",
    "dust",
];

/// Converts a v0.1 hub's storage to the current layout.
pub fn migrate_from_v0_1(
    store: &mut dyn Storage,
    api: &dyn Api,
    env: &Env,
) -> Result<Response, ContractError> {
    // A hub that says it is older but keeps the current layout has nothing to convert.
    let Some(old_config) = CONFIG.may_load(store)? else {
        return Ok(Response::new());
    };
    let old_totals = TOTALS.load(store)?;
    let old_stats = SLASH_STATS.may_load(store)?;
    let services = SERVICES
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let service_states: BTreeMap<u64, ServiceState> = SERVICE_STATES
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?
        .into_iter()
        .collect();
    let paid: BTreeMap<u64, Vec<(Asset, Uint128)>> = REWARDS_PAID
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?
        .into_iter()
        .collect();
    let service_stake = SERVICE_VALIDATOR_STAKE
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let validators = VALIDATORS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let pools = POOLS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let positions = POSITIONS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let stakers = STAKERS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let batches = BATCHES
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let groups = UNBONDING_GROUPS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let unbondings = UNBONDINGS
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let slashes = SLASHES
        .range(store, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;

    for ns in ITEMS {
        store.remove(ns.as_bytes());
    }
    for ns in MAPS {
        // cw-storage-plus keys: the namespace's 2-byte length, the namespace, the key.
        let mut prefix = (ns.len() as u16).to_be_bytes().to_vec();
        prefix.extend_from_slice(ns.as_bytes());
        let stale: Vec<Vec<u8>> = store
            .range_keys(Some(&prefix), Some(&end_of(&prefix)), Order::Ascending)
            .collect();
        for k in stale {
            store.remove(&k);
        }
    }

    let config = st::Config {
        bonded_denom: old_config.bonded_denom.clone(),
        unbonding_period: old_config.unbonding_period,
        unbonding_epoch: old_config.unbonding_epoch,
        min_deposit: old_config.min_deposit,
        max_services_per_position: old_config.max_services_per_position,
        max_veto_period: old_config.max_veto_period,
        max_reward_assets: old_config.max_reward_assets,
        max_pools_per_validator: old_config.max_pools_per_validator,
        slash_destination: match old_config.slash_destination {
            Destination::Burn => st::Destination::Burn,
            Destination::CommunityPool => st::Destination::CommunityPool,
            Destination::Address(a) => st::Destination::Address(a),
        },
        paused: old_config.paused,
        max_open_votes: crate::contract::DEFAULT_MAX_OPEN_VOTES,
    };
    save(store, &keys::config(), &config);
    save(
        store,
        &keys::totals(),
        &st::Totals {
            next_service: old_totals.next_service_id,
            next_pool: old_totals.next_pool_id,
            next_batch: old_totals.next_batch_id,
            next_unbonding: old_totals.next_unbonding_id,
            next_slash: old_totals.next_slash_id,
            next_validator: 0,
            next_asset: 0,
            stakers: old_totals.stakers,
            services: old_totals.services,
            liquid_bonded: old_totals.liquid_bonded,
            reserved: old_totals.reserved,
            seen_height: old_totals.seen_height,
            seen_time: old_totals.seen_time,
            earlier_time: old_totals.earlier_time,
            ..Default::default()
        },
    );
    let mut books = Books::open(store, env)?;
    let bonded = Asset::Native(config.bonded_denom.clone());
    books.asset_id_or_new(&bonded)?;
    let native =
        |books: &mut Books, denom: &str| books.asset_id_or_new(&Asset::Native(denom.to_string()));
    let listed =
        |books: &mut Books, list: Vec<(Asset, Decimal256)>| -> StdResult<Vec<(u32, Decimal256)>> {
            list.into_iter()
                .map(|(a, v)| Ok((books.asset_id_or_new(&a)?, v)))
                .collect()
        };

    // Services.
    for (id, s) in services {
        let old = service_states.get(&id);
        let mut indexes = vec![];
        for asset in &s.reward_assets {
            let index = old
                .and_then(|o| o.indexes.iter().find(|(a, _)| a == asset))
                .map(|(_, v)| *v)
                .unwrap_or_default();
            let paid = paid
                .get(&id)
                .and_then(|p| p.iter().find(|(a, _)| a == asset))
                .map(|(_, v)| *v)
                .unwrap_or_default();
            indexes.push(st::RewardIndex {
                asset: books.asset_id_or_new(asset)?,
                index,
                paid,
            });
        }
        books.put_service_state(
            id,
            st::ServiceState {
                total_stake: old.map(|o| o.total_stake).unwrap_or_default(),
                status: s.status,
                indexes,
                day: books.today,
            },
        )?;
        books.put_service(
            id,
            st::Service {
                name: s.name,
                admin: s.admin,
                slasher: s.slasher,
                resolver: s.resolver,
                max_slash: s.max_slash,
                veto_period: s.veto_period,
                opt_out_delay: s.opt_out_delay,
                metadata_uri: s.metadata_uri,
                registered_at: s.registered_at,
                total_slashed: s.total_slashed,
                owner_paused: s.owner_paused,
            },
        )?;
    }

    // Validators: numbered in address order, delegating from the hub's own account.
    let mut vids: BTreeMap<String, u32> = BTreeMap::new();
    for (valoper, _) in &validators {
        let vid = books.new_validator(valoper, Delegator::Hub)?;
        books.shared_account()?.push(vid);
        vids.insert(valoper.clone(), vid);
    }
    let vid_of = |v: &str| -> Result<u32, ContractError> {
        vids.get(v)
            .copied()
            .ok_or_else(|| ContractError::invalid("migration", format!("unknown validator {v}")))
    };
    for ((_, valoper), amount) in service_stake {
        let vid = vid_of(&valoper)?;
        let v = books.validator(vid)?;
        v.restaked += amount;
    }
    let pool_by_id: BTreeMap<u64, &Pool> = pools.iter().map(|(id, p)| (*id, p)).collect();
    let group_by_key: BTreeMap<(u64, u64), &UnbondingGroup> =
        groups.iter().map(|(k, g)| (*k, g)).collect();
    for (valoper, old) in &validators {
        let vid = vid_of(valoper)?;
        let mut unbonding = Uint128::zero();
        let mut plain = 0;
        let mut slots = vec![];
        for id in &old.pools {
            let Some(pool) = pool_by_id.get(id) else {
                continue;
            };
            unbonding += pool.matured.tokens;
            for b in &pool.batches {
                if let Some(g) = group_by_key.get(&(*b, *id)) {
                    unbonding += g.group.tokens;
                }
            }
            if pool.services.is_empty() {
                plain = *id;
            } else {
                slots.push(*id);
            }
        }
        let mut native_list = vec![];
        for (denom, index) in &old.native_index {
            native_list.push((native(&mut books, denom)?, *index));
        }
        let mut unsettled: Vec<(u64, u64)> = batches
            .iter()
            .filter(|(_, b)| b.validator == *valoper && matches!(b.status, BatchStatus::Sent))
            .map(|(id, b)| {
                (
                    *id,
                    b.completion_time.map(|t| t.seconds()).unwrap_or_default(),
                )
            })
            .collect();
        unsettled.sort_by_key(|(id, secs)| (*secs, *id));
        let v = books.validator(vid)?;
        v.bonded = old.bonded;
        v.dust = old.dust;
        v.queued = old.queued;
        v.unbonding = unbonding;
        v.in_flight = old.in_flight_tokens;
        v.queued_batch = old.queued_batch;
        v.last_send = old.last_send.map(|t| t.seconds());
        v.unsettled = unsettled;
        v.native = native_list;
        v.plain_pool = plain;
        v.last_whole = old.last_whole;
        v.slash_count = old.chain_slash_count;
        *books.validator_pools(vid)? = slots;
        books.chain_slashes(vid)?.recent = old
            .chain_slashes
            .iter()
            .map(|c| st::ChainSlash {
                seq: c.seq,
                after: c.after,
                detected: c.detected,
                kept: c.kept,
            })
            .collect();
    }

    // Pools, and the keys new members of a service set find them by.
    for (id, p) in &pools {
        let vid = vid_of(&p.validator)?;
        let rps = listed(&mut books, p.rps.clone())?;
        let mut service_marks = vec![];
        for (s, a, v) in &p.service_marks {
            service_marks.push((*s, books.asset_id_or_new(a)?, *v));
        }
        let mut native_marks = vec![];
        for (d, v) in &p.native_marks {
            native_marks.push((native(&mut books, d)?, *v));
        }
        let pool = st::Pool {
            id: *id,
            vid,
            services: p.services.clone(),
            bonded: p.bonded.clone(),
            matured: p.matured.clone(),
            matured_entries: p.matured_entries,
            batches: p.batches.clone(),
            rps,
            service_marks,
            native_marks,
            redirect: None,
            leaving: None,
        };
        let slotted = !p.services.is_empty() && books.validator_pools(vid)?.contains(id);
        if slotted {
            books.index_pool(&pool, true)?;
            if p.bonded.is_joinable() {
                books.set_pool_key(vid, &p.services, Some(*id))?;
            }
        }
        books.put_pool(*id, Some(pool))?;
    }

    // Positions and closed positions' rewards.
    for ((staker, valoper), p) in positions {
        let key = api.addr_canonicalize(staker.as_str())?;
        let vid = vid_of(&valoper)?;
        let marks = listed(&mut books, p.marks)?;
        let accrued = listed(&mut books, p.accrued)?;
        books.put_position(
            &key,
            vid,
            Some(st::Position {
                pool: p.pool_id,
                shares: p.shares,
                opt_outs: p.pending_opt_outs,
                marks,
                accrued,
            }),
        )?;
    }
    for (staker, info) in stakers {
        if info.rewards.is_empty() {
            continue;
        }
        let key = api.addr_canonicalize(staker.as_str())?;
        let rewards = listed(&mut books, info.rewards)?;
        books.staker_rewards(&key)?.rewards = rewards;
    }

    // Batches, their groups and indexes; unbonding entries.
    for (id, b) in batches {
        let vid = vid_of(&b.validator)?;
        let status = match b.status {
            BatchStatus::Queued => st::BatchStatus::Queued,
            BatchStatus::Sent => st::BatchStatus::Sent,
            BatchStatus::Settled => st::BatchStatus::Settled,
        };
        let send_after = if status == st::BatchStatus::Queued {
            let v = books.validator(vid)?.clone();
            let after = next_send_time(&books.config, &v, b.created_at).seconds();
            books.mark(keys::queued(after, vid), true)?;
            after
        } else {
            0
        };
        if status == st::BatchStatus::Sent {
            if let Some(t) = b.completion_time {
                books.mark(keys::due(t.seconds(), id), true)?;
            }
        }
        books.create_batch(
            id,
            st::Batch {
                id: b.id,
                vid,
                status,
                created_at: b.created_at,
                sent_at: b.sent_at,
                completion: b.completion_time,
                pools: b.pools,
                slashed: b.slashed,
                expected: b.expected,
                returned: b.returned,
                slashes_at_send: b.chain_slashes_at_send,
                decided: b.decided,
                checked: b.checked,
                send_after,
            },
        );
    }
    for ((batch, pool), g) in groups {
        books.put_group(
            batch,
            pool,
            Some(st::UnbondingGroup {
                group: g.group,
                merged: g.merged.map(|m| st::Merged {
                    generation: m.generation,
                    shares: m.shares,
                    shares_left: m.shares_left,
                    group_shares_left: m.group_shares_left,
                }),
                entries: g.entries,
            }),
        )?;
    }
    for ((staker, id), u) in unbondings {
        let key = api.addr_canonicalize(staker.as_str())?;
        books.put_unbonding(
            &key,
            id,
            Some(st::Unbonding {
                vid: vid_of(&u.validator)?,
                pool: u.pool_id,
                batch: u.batch_id,
                shares: u.shares,
                generation: u.generation,
                requested: u.requested,
                created_at: u.created_at,
            }),
        )?;
        let _ = u.id;
    }

    // Slash requests and their indexes.
    for (id, r) in slashes {
        let vid = vid_of(&r.validator)?;
        books.mark(keys::slash_by_service(r.service_id, id), true)?;
        books.mark(keys::slash_by_validator(vid, id), true)?;
        if r.status == SlashStatus::Pending {
            books.set_pending(vid, r.service_id, r.requested_at.seconds(), id, true)?;
        }
        books.put_slash_request(
            id,
            st::SlashRequest {
                service: r.service_id,
                vid,
                fraction: r.fraction,
                evidence: r.evidence,
                status: r.status,
                requested_at: r.requested_at,
                executable_at: r.executable_at,
                resolved_at: r.resolved_at,
                slashed_bonded: r.slashed_bonded,
                slashed_unbonding: r.slashed_unbonding,
            },
        )?;
        let _ = r.id;
    }

    // Statistics and dust.
    if let Some(s) = old_stats {
        let stats = books.stats()?;
        *stats = st::Stats {
            total_slashed: s.total_slashed,
            chain_slashed: s.chain_slashed,
            pending_routing: s.pending_routing,
            burned: s.burned,
            community_pool: s.community_pool,
            to_address: s.to_address,
            unrouted: s.unrouted,
        };
        for (asset, amount) in s.dust {
            let id = books.asset_id_or_new(&asset)?;
            *books.dust(id)? = amount;
        }
    }
    let validators_moved = vids.len();
    // The running totals the history records.
    let (mut bonded, mut restaked) = (Uint128::zero(), Uint128::zero());
    for vid in 0..books.totals()?.next_validator {
        let v = books.validator(vid)?;
        bonded += v.bonded;
        restaked += v.restaked;
    }
    let today = books.today;
    let totals = books.totals()?;
    totals.bonded = bonded;
    totals.restaked = restaked;
    totals.flow_day = today;
    books.finish()?;
    Ok(Response::new().add_attribute("validators_on_shared_account", validators_moved.to_string()))
}

/// The smallest key above every key starting with `prefix`.
fn end_of(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return end;
        }
    }
    vec![u8::MAX; prefix.len() + 1]
}
