//! Issue 20's migration proof on gaiad: a restake-hub v0.1 (commit a1d8858, built by
//! `scripts/build-wasm-v0_1.sh`) is stored, instantiated and used; it is migrated to the
//! layout converter (`restake_migrate_v0_1.wasm`) and on to v0.2 in one transaction; every
//! query answers the same, and the v0.2 hub carries on.
//!
//! Why one file: each test is one journey on a live gaiad node, whose steps depend on the
//! chain's state the step before left; it reads in the order it runs.

use std::path::PathBuf;
use std::time::Duration;

use restake_gaia::hub::{fee, hub_wasm, read_wasm, store_once};
use restake_gaia::*;
use serde_json::{json, Value};

use super::ATOM;

/// The v0.1 wasm: `$RESTAKE_GAIA_V0_1_WASM`, or where `scripts/build-wasm-v0_1.sh` caches it.
fn v0_1_wasm() -> PathBuf {
    if let Ok(p) = std::env::var("RESTAKE_GAIA_V0_1_WASM") {
        return PathBuf::from(p);
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache"));
    cache.join("restake-hub/wasm-v0.1-a1d8858/restake_hub.wasm")
}

/// Every query a user or front-end relies on, answered now: (query, answer).
async fn snapshot(
    hub: &Hub<'_>,
    stakers: &[String],
    validators: &[String],
    services: u64,
) -> Vec<(Value, Value)> {
    let mut qs = vec![
        json!({"config": {}}),
        json!({"stats": {}}),
        json!({"ownership": {}}),
        json!({"services": {"limit": 30}}),
        json!({"slash_requests": {"limit": 30}}),
    ];
    for v in validators {
        qs.push(json!({"validator": {"validator": v}}));
        qs.push(json!({"pools": {"validator": v, "limit": 30}}));
    }
    for id in 1..=services {
        qs.push(json!({"service": {"service_id": id}}));
        qs.push(json!({"service_stake": {"service_id": id}}));
    }
    qs.push(json!({"slash_request": {"slash_id": 1}}));
    for s in stakers {
        qs.push(json!({"positions": {"staker": s}}));
        for v in validators {
            qs.push(json!({"position": {"staker": s, "validator": v}}));
        }
        qs.push(json!({"pending_rewards": {"staker": s}}));
        qs.push(json!({"unbondings": {"staker": s}}));
        qs.push(json!({"staker_overview": {"staker": s}}));
    }
    let mut out = vec![];
    for q in qs {
        let a = hub.query(q.clone()).await;
        out.push((q, a));
    }
    out
}

/// A timestamp in nanoseconds ("1796442835244606943") cut to whole seconds.
fn whole_seconds(nanos: &str) -> Option<String> {
    let n: u128 = nanos.parse().ok()?;
    Some((n / 1_000_000_000 * 1_000_000_000).to_string())
}

/// Where `old` (v0.1's answer) is not contained in `new` (v0.2's): every field v0.1 gave
/// must be in v0.2's answer with the same value (v0.2 may add fields).
fn differences(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => differences(v, w, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: {v} is gone")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                differences(v, w, &format!("{path}[{i}]"), out);
            }
        }
        (a, b) if a == b => {}
        // v0.2 keeps times in whole seconds (packed storage)
        (Value::String(a), Value::String(b))
            if (path.ends_with(".last_undelegation") || path.ends_with("_time"))
                && whole_seconds(a) == Some(b.clone()) => {}
        // native rewards keep accruing while the migration's blocks go by
        (Value::String(a), Value::String(b))
            if (path.starts_with("{\"pending_rewards\"")
                || path.starts_with("{\"staker_overview\""))
                && path.contains("rewards")
                && matches!((a.parse::<u128>(), b.parse::<u128>()), (Ok(x), Ok(y)) if y >= x) => {}
        (a, b) => out.push(format!("{path}: {a} -> {b}")),
    }
}

#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_migration_from_v0_1() {
    let _time = TestTimer::start("hub_migration_from_v0_1");
    let net = Net::connect().await;
    let c = &net.client;
    let mut gas = GasTable::default();
    let g = net.validator.clone();
    let [owner, alice, bob, carol, admin, slasher, keeper, uploader]: [Key; 8] = net
        .fund_new_accounts(8, 1_000 * ATOM)
        .await
        .try_into()
        .expect("8 keys");

    // a second validator, jailed (and slashed) by the chain before the hub uses it: the v0.1
    // hub checks only that a validator exists, and its delegation then holds still
    let ((_, w, _, _), old_code, migrator_code, new_code) = tokio::join!(
        net.add_silent_validator(2 * ATOM),
        async {
            let wasm = read_wasm(&v0_1_wasm());
            let (id, out) = c
                .store_code(&uploader, &wasm, Gas::Simulate)
                .await
                .expect("store v0.1");
            (id, out, wasm.len())
        },
        async {
            let path = restake_gaia::workspace_root().join("artifacts/restake_migrate_v0_1.wasm");
            let wasm = read_wasm(&path);
            let (id, out) = c
                .store_code(&owner, &wasm, Gas::Simulate)
                .await
                .expect("store migrator");
            (id, out, wasm.len())
        },
        async {
            let mut g2 = GasTable::default();
            let id = store_once(&net, &hub_wasm(), &mut g2).await;
            (id, g2)
        },
    );
    let (old_code, out, size) = old_code;
    gas.record(
        "store_code",
        &format!("restake-hub v0.1 (a1d8858), {size} bytes"),
        &out,
    );
    let (migrator_code, out, size) = migrator_code;
    gas.record(
        "store_code",
        &format!("restake_migrate_v0_1.wasm, {size} bytes"),
        &out,
    );
    let (new_code, stored) = new_code;
    for (m, n, g) in stored.rows() {
        println!("{m} ({n}): {g} gas");
    }

    let init = json!({"unbonding_period": net.unbonding_seconds, "min_deposit": "1000",
                      "unbonding_epoch": 3600, "slash_destination": {"community_pool": {}}});
    let hub = Hub::instantiate(&net, &owner, old_code, init, &mut gas).await;
    println!("v0.1 hub {} (code {old_code})", hub.addr);

    // ------------------------------------------------------------------ use v0.1
    let register = |name: &str, veto: u64, denoms: Value| {
        json!({"register_service": {"name": name, "slasher": slasher.address(),
               "max_slash": "0.1", "veto_period": veto, "opt_out_delay": veto,
               "reward_denoms": denoms}})
    };
    hub.exec(&admin, register("oracle", 20, json!([net.denom])), &[])
        .await;
    hub.exec(&admin, register("bridge", 0, json!([net.denom])), &[])
        .await;
    let (ten, six) = ([net.coin(10 * ATOM)], [net.coin(6 * ATOM)]);
    tokio::join!(
        hub.exec(&alice, json!({"deposit": {"validator": g}}), &ten),
        hub.exec(&bob, json!({"deposit": {"validator": g}}), &six),
    );
    tokio::join!(
        hub.exec(
            &alice,
            json!({"opt_in": {"validator": g, "service_ids": [1, 2]}}),
            &[]
        ),
        hub.exec(
            &bob,
            json!({"opt_in": {"validator": g, "service_ids": [1]}}),
            &[]
        ),
    );
    hub.exec(
        &admin,
        json!({"distribute_rewards": {"service_id": 1}}),
        &[net.coin(ATOM)],
    )
    .await;
    hub.exec(
        &admin,
        json!({"distribute_rewards": {"service_id": 2}}),
        &[net.coin(ATOM / 2)],
    )
    .await;
    poll("w to be jailed", Duration::from_secs(90), || async {
        c.validator(&w)
            .await
            .expect("validator")
            .jailed
            .then_some(())
    })
    .await;
    hub.exec(
        &carol,
        json!({"deposit": {"validator": w}}),
        &[net.coin(4 * ATOM)],
    )
    .await;
    hub.exec(
        &carol,
        json!({"opt_in": {"validator": w, "service_ids": [2]}}),
        &[],
    )
    .await;
    // a sent batch (the validator's first: undelegated at once) and a queued one (the
    // epoch is an hour)
    let sent = hub
        .exec(
            &bob,
            json!({"unbond": {"validator": g, "amount": (2 * ATOM).to_string()}}),
            &[],
        )
        .await;
    assert!(sent.events_of("unbond").count() > 0, "bob's batch is sent");
    let queued = hub
        .exec(
            &alice,
            json!({"unbond": {"validator": g, "amount": ATOM.to_string()}}),
            &[],
        )
        .await;
    assert_eq!(
        queued.events_of("unbond").count(),
        0,
        "alice's waits for the epoch"
    );
    hub.exec(
        &carol,
        json!({"unbond": {"validator": w, "amount": ATOM.to_string()}}),
        &[],
    )
    .await;
    let out = hub
        .exec(
            &slasher,
            json!({"slash": {"service_id": 1, "validator": g, "fraction": "0.05",
                   "evidence": "oracle downtime"}}),
            &[],
        )
        .await;
    assert_eq!(wasm_attrs(&out)["slash_id"], "1");
    let stakers = [alice.address(), bob.address(), carol.address()];
    let validators = [g.clone(), w.clone()];
    let before = snapshot(&hub, &stakers, &validators, 2).await;
    let held = hub.conservation(&stakers, &validators).await;
    println!("v0.1 hub before the migration: {held:?}");

    // ------------------------------------------------------------------ migrate
    // straight to v0.2: refused, the layout is not converted
    let msg = msgs::migrate(&owner.address(), &hub.addr, new_code, "{}");
    let out = c
        .broadcast(&owner, &[msg], Gas::Fixed(FIXED_GAS))
        .await
        .expect("broadcast");
    assert_ne!(out.code, 0);
    println!("v0.1 -> v0.2 directly: {}", out.raw_log);
    assert!(
        out.raw_log.contains("still keeps the v0.1 storage layout"),
        "{}",
        out.raw_log
    );
    // the converter, then v0.2, in one transaction (as a governance proposal would)
    let out = net
        .send(
            &owner,
            &[
                msgs::migrate(&owner.address(), &hub.addr, migrator_code, "{}"),
                msgs::migrate(&owner.address(), &hub.addr, new_code, "{}"),
            ],
        )
        .await;
    gas.record(
        "migrate",
        "v0.1 -> restake_migrate_v0_1 -> v0.2 in one transaction (3 stakers, 2 validators, 2 services)",
        &out,
    );
    let info = c
        .query_smart(&hub.addr, &json!({"config": {}}).to_string())
        .await
        .expect("config");
    println!("v0.2 config: {info}");
    let after = snapshot(&hub, &stakers, &validators, 2).await;
    let mut diffs = vec![];
    for ((q, old), (_, new)) in before.iter().zip(&after) {
        differences(old, new, &q.to_string(), &mut diffs);
    }
    assert!(
        diffs.is_empty(),
        "answers changed by the migration:\n{}",
        diffs.join("\n")
    );
    // the same surplus (native rewards keep accruing to both sides while blocks go by)
    let now = hub.conservation(&stakers, &validators).await;
    println!("v0.2 hub after the migration: {now:?}");
    assert_eq!(now.surplus(), held.surplus(), "{held:?} -> {now:?}");
    assert!(
        now.owed >= held.owed && now.dust == held.dust,
        "{held:?} -> {now:?}"
    );
    // the delegations stay with the hub's own account
    assert_eq!(hub.delegator(&g).await, hub.addr);
    assert_eq!(hub.delegator(&w).await, hub.addr);

    // ------------------------------------------------------------------ v0.2 carries on
    let request = hub.query(json!({"slash_request": {"slash_id": 1}})).await;
    let executable = num(&request["executable_at"]) / 1_000_000_000;
    c.wait_for_time(executable as i64 + 1, Duration::from_secs(60))
        .await
        .expect("veto window");
    let out = hub
        .exec(&keeper, json!({"execute_slash": {"slash_id": 1}}), &[])
        .await;
    gas.record(
        "execute_slash",
        "a request opened under v0.1, after its veto window",
        &out,
    );
    let request = hub.query(json!({"slash_request": {"slash_id": 1}})).await;
    assert_eq!(request["status"], "executed", "{request}");
    // 5 % of the stake securing service 1 on g: alice's 9 bonded + 1 queued, bob's 4
    // bonded + 2 unbonding
    let taken = num(&request["slashed_amount"]);
    assert!(taken.abs_diff(16 * ATOM / 20) <= 4, "{request}");
    let bob_unbonding = hub.unbondings(&bob.address()).await;
    let owed = num(&bob_unbonding[0]["amount"]);
    assert!(owed.abs_diff(2 * ATOM * 95 / 100) <= 1, "{bob_unbonding:?}");

    // bob's batch, sent by v0.1, returns to the hub's own account; v0.2 settles and pays it
    let completion = num(&bob_unbonding[0]["completion_time"]) / 1_000_000_000;
    poll(
        "bob's batch to return",
        Duration::from_secs(net.unbonding_seconds + 60),
        || async {
            let t = c.latest_block().await.expect("block").time;
            let left = c
                .unbonding_entries(&hub.addr, &g)
                .await
                .expect("entries")
                .iter()
                .any(|e| e.completion_time as u128 <= completion);
            (!left && t as u128 > completion).then_some(())
        },
    )
    .await;
    // The hub's own account also holds other due batches it has not seen paid yet: a crank
    // in a block after their completion makes their payout certain, so the claim in a later
    // block settles the whole set from the account (judging bob's batch alone could let it
    // take another batch's tokens). The claim's simulation runs on the app's last committed
    // block: one must be committed after the crank's, or the simulation sees the crank's.
    hub.exec(&bob, json!({"process_unbondings": {}}), &[]).await;
    let crank_block = c.height().await.expect("height");
    c.wait_for_app_height(crank_block + 1, Duration::from_secs(30))
        .await
        .expect("a block committed after the crank's");
    let before = net.balance(&bob.address()).await;
    let out = hub.exec(&bob, json!({"claim_unbonded": {}}), &[]).await;
    gas.record(
        "claim_unbonded",
        "a batch v0.1 sent, settled from the hub's own account",
        &out,
    );
    assert_eq!(
        net.balance(&bob.address()).await + fee(&net, &out) - before,
        owed
    );
    let out = hub.exec(&alice, json!({"claim_rewards": {}}), &[]).await;
    gas.record(
        "claim_rewards",
        "after the migration: 2 services + native rewards",
        &out,
    );
    let out = hub
        .exec(
            &alice,
            json!({"unbond": {"validator": g, "amount": ATOM.to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "unbond",
        "after the migration: joins the batch v0.1 queued",
        &out,
    );
    let out = hub
        .exec(
            &bob,
            json!({"deposit": {"validator": g}}),
            &[net.coin(ATOM)],
        )
        .await;
    gas.record(
        "deposit",
        "after the migration: existing position, the hub's own delegation",
        &out,
    );
    assert!(hub.bonded(&bob.address(), &g).await > 4 * ATOM);
    let end = hub.conservation(&stakers, &validators).await;
    println!("at the end: {end:?}");
    assert!(end.surplus() >= 0, "{end:?}");
    gas.save("hub_migration_from_v0_1");
}
