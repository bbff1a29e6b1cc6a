//! restake-hub on gaiad v25.1.1: the current artifact (`artifacts/restake_hub.wasm`, built by
//! `scripts/build-wasm.sh`) through one staker's whole journey, with the chain's state
//! checked after each step and every message's real `gas_used` recorded.

use std::time::Duration;

use restake_gaia::hub::fee;
use restake_gaia::*;
use serde_json::json;

use super::ATOM;

#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_smoke_journey() {
    let _time = TestTimer::start("hub_smoke_journey");
    let net = Net::connect().await;
    let c = &net.client;
    let v = net.validator.clone();
    let mut gas = GasTable::default();
    let [owner, alice, admin, slasher, keeper]: [Key; 5] = net
        .fund_new_accounts(5, 1_000 * ATOM)
        .await
        .try_into()
        .expect("5 keys");
    let out = c
        .bank_send(&keeper, &owner.address(), &[net.coin(1)])
        .await
        .expect("bank send");
    gas.record("(baseline) bank MsgSend", "1 transfer", &out);

    // ------------------------------------------------------------------ store, instantiate
    let staking = c.staking_params().await.expect("staking params");
    assert_eq!(staking.bond_denom, net.denom);
    let unbonding = staking.unbonding_seconds as u64;
    assert_eq!(unbonding, net.unbonding_seconds);
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    let config = hub.query(json!({"config": {}})).await;
    assert_eq!(config["bonded_denom"], net.denom.as_str());
    assert_eq!(config["unbonding_period"], unbonding);
    println!("hub {} (code {}), config {config}", hub.addr, hub.code_id);

    // ------------------------------------------------------------------ deposit
    let before = net.balance(&alice.address()).await;
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[net.coin(10 * ATOM)],
        )
        .await;
    gas.record("deposit", "new position, genesis validator", &out);
    assert_eq!(
        net.balance(&alice.address()).await,
        before - 10 * ATOM - fee(&net, &out)
    );
    assert_eq!(net.delegated(&hub.delegator(&v).await, &v).await, 10 * ATOM);
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[net.coin(2 * ATOM)],
        )
        .await;
    gas.record(
        "deposit",
        "existing position (rewards auto-withdrawn)",
        &out,
    );
    assert_eq!(net.delegated(&hub.delegator(&v).await, &v).await, 12 * ATOM);
    let pos = hub
        .query(json!({"position": {"staker": alice.address(), "validator": v}}))
        .await;
    assert_eq!(num(&pos["amount"]), 12 * ATOM);

    // ------------------------------------------------------------------ service, opt in
    let (service, out) = hub.register_oracle(&admin, &slasher, 0, 0).await;
    gas.record("register_service", "one reward denom", &out);
    let out = hub
        .exec(
            &alice,
            json!({"opt_in": {"validator": v, "service_ids": [service]}}),
            &[],
        )
        .await;
    gas.record("opt_in", "one service", &out);
    let stake = hub
        .query(json!({"service_stake": {"service_id": service}}))
        .await;
    assert_eq!(num(&stake["total"]), 12 * ATOM);

    // ------------------------------------------------------------------ rewards
    let out = hub
        .exec(
            &admin,
            json!({"distribute_rewards": {"service_id": service}}),
            &[net.coin(ATOM)],
        )
        .await;
    gas.record("distribute_rewards", "1 ATOM over 1 staker", &out);
    let out = hub
        .exec(&keeper, json!({"harvest": {"validators": [v]}}), &[])
        .await;
    gas.record("harvest", "1 validator, native rewards", &out);
    assert!(
        out.events_of("withdraw_rewards").count() > 0,
        "native rewards accrue every block"
    );
    let pending = hub
        .query(json!({"pending_rewards": {"staker": alice.address()}}))
        .await;
    let pending_atom: u128 = pending["rewards"]
        .as_array()
        .expect("rewards")
        .iter()
        .filter(|r| r["denom"] == net.denom.as_str())
        .map(|r| num(&r["amount"]))
        .sum();
    assert!(
        pending_atom >= ATOM,
        "service rewards plus native: {pending}"
    );
    let before = net.balance(&alice.address()).await;
    let out = hub.exec(&alice, json!({"claim_rewards": {}}), &[]).await;
    gas.record("claim_rewards", "service + native rewards, 1 denom", &out);
    let paid = net.balance(&alice.address()).await + fee(&net, &out) - before;
    assert!(
        paid >= pending_atom,
        "claimed {paid}, pending was {pending_atom}"
    );
    println!("claim_rewards paid {paid} uatom (pending before: {pending_atom})");

    // ------------------------------------------------------------------ unbond, claim
    let out = hub
        .exec(
            &alice,
            json!({"unbond": {"validator": v, "amount": (4 * ATOM).to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "unbond",
        "validator's first batch: undelegated at once",
        &out,
    );
    let mut entries = c
        .unbonding_entries(&hub.delegator(&v).await, &v)
        .await
        .expect("entries");
    if entries.is_empty() {
        // queued for the validator's next epoch: the keeper sends it
        let epoch = hub.query(json!({"config": {}})).await["unbonding_epoch"]
            .as_u64()
            .expect("epoch");
        let now = c.latest_block().await.expect("block").time;
        c.wait_for_time(now + epoch as i64 + 1, Duration::from_secs(epoch + 30))
            .await
            .expect("epoch");
        let out = hub
            .exec(&keeper, json!({"process_unbondings": {}}), &[])
            .await;
        gas.record("process_unbondings", "sends 1 due batch", &out);
        entries = c
            .unbonding_entries(&hub.delegator(&v).await, &v)
            .await
            .expect("entries");
    }
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].balance, 4 * ATOM);
    assert_eq!(net.delegated(&hub.delegator(&v).await, &v).await, 8 * ATOM);
    let unb = hub
        .query(json!({"unbondings": {"staker": alice.address()}}))
        .await;
    assert_eq!(unb["unbondings"][0]["status"], "unbonding", "{unb}");

    // maturity: the chain pays at the end of the first block past completion_time
    let completion = entries[0].completion_time;
    // the returns land in the validator's delegator proxy
    let proxy = hub.delegator(&v).await;
    let hub_before = net.balance(&proxy).await;
    poll(
        "the chain to complete the unbonding",
        Duration::from_secs(unbonding + 60),
        || async {
            let gone = c
                .unbonding_entries(&proxy, &v)
                .await
                .expect("entries")
                .is_empty();
            let t = c.latest_block().await.expect("block").time;
            (gone && t > completion).then_some(())
        },
    )
    .await;
    assert!(net.balance(&proxy).await >= hub_before + 4 * ATOM);
    let before = net.balance(&alice.address()).await;
    let out = hub.exec(&alice, json!({"claim_unbonded": {}}), &[]).await;
    gas.record("claim_unbonded", "settles 1 matured batch", &out);
    assert_eq!(
        net.balance(&alice.address()).await,
        before + 4 * ATOM - fee(&net, &out)
    );
    let unb = hub
        .query(json!({"unbondings": {"staker": alice.address()}}))
        .await;
    assert_eq!(unb["unbondings"], json!([]), "{unb}");

    let out = hub.exec(&alice, json!({"claim_rewards": {}}), &[]).await;
    gas.record("claim_rewards", "native rewards since the last claim", &out);
    let out = hub
        .exec(&keeper, json!({"process_unbondings": {}}), &[])
        .await;
    gas.record("process_unbondings", "nothing due", &out);
    assert_eq!(net.delegated(&hub.delegator(&v).await, &v).await, 8 * ATOM);
    let stats = hub.query(json!({"stats": {}})).await;
    assert_eq!(num(&stats["total_bonded"]), 8 * ATOM, "{stats}");

    gas.save("hub_smoke_journey");
}
