//! restake-vault on gaiad v25.1.1 (issue 24): the vault as a third party on the hub's public
//! interface, both optimized wasm files of `scripts/build-wasm.sh all` stored on the chain.
//! Deposit → allocate (`rebalance`) → a service pays (`harvest` compounds it) → a slash
//! (request, a deposit refused while it is pending, executed after the veto window) → redeem
//! (`burn` sends the exit batch to the hub, which unbonds it) → claim once the chain's short
//! unbonding has matured. The chain's own delegations and balances are checked at each step.

use std::time::Duration;

use restake_gaia::hub::{fee, new_vault};
use restake_gaia::*;
use serde_json::{json, Value};

use super::ATOM;

/// A share unit starts at 0.001 token: the vault's token has three more decimals.
const SHARE_UNITS: u128 = 1_000;

async fn cw20_balance(vault: &Hub<'_>, who: &str) -> u128 {
    num(&vault.query(json!({"balance": {"address": who}})).await["balance"])
}

async fn state(vault: &Hub<'_>) -> Value {
    vault.query(json!({"state": {}})).await
}

#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn vault_gaiad_journey() {
    let _time = TestTimer::start("vault_gaiad_journey");
    let net = Net::connect().await;
    let c = &net.client;
    let v = net.validator.clone();
    let mut gas = GasTable::default();
    let [owner, curator, alice, bob, admin, slasher, keeper]: [Key; 7] = net
        .fund_new_accounts(7, 1_000 * ATOM)
        .await
        .try_into()
        .expect("7 keys");

    // ------------------------------------------------------------------ hub, service, vault
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    let (service, _) = hub.register_oracle(&admin, &slasher, 6, 6).await;
    let vault = new_vault(
        &net,
        &owner,
        &hub.addr,
        &curator.address(),
        &v,
        service,
        &mut gas,
    )
    .await;
    let config = vault.query(json!({"config": {}})).await;
    assert_eq!(config["hub"], hub.addr.as_str());
    assert_eq!(config["bonded_denom"], net.denom.as_str());
    println!(
        "hub {}, vault {} (code {})",
        hub.addr, vault.addr, vault.code_id
    );

    // ------------------------------------------------------------------ deposit
    let before = net.balance(&alice.address()).await;
    let out = vault
        .exec(&alice, json!({"deposit": {}}), &[net.coin(10 * ATOM)])
        .await;
    gas.record("vault deposit", "first: new hub position + opt-in", &out);
    assert_eq!(
        net.balance(&alice.address()).await,
        before - 10 * ATOM - fee(&net, &out)
    );
    let minted: u128 = wasm_attrs(&out)["shares"].parse().expect("shares");
    // the hub's one unit of rounding is the depositor's, never the other holders'
    assert_eq!(minted, (10 * ATOM - 1) * SHARE_UNITS);
    assert_eq!(cw20_balance(&vault, &alice.address()).await, minted);
    assert_eq!(hub.bonded(&vault.addr, &v).await, 10 * ATOM);
    assert_eq!(net.delegated(&hub.delegator(&v).await, &v).await, 10 * ATOM);

    // ------------------------------------------------------------------ allocate
    let out = vault.exec(&keeper, json!({"rebalance": {}}), &[]).await;
    gas.record("vault rebalance", "1 validator, 1 service", &out);
    let s = state(&vault).await;
    let alloc = &s["validators"][0];
    assert_eq!(alloc["validator"], v.as_str(), "{s}");
    assert_eq!(alloc["services"], json!([service]), "{s}");
    assert_eq!(alloc["target_services"], json!([service]), "{s}");
    assert_eq!(num(&alloc["bonded"]), 10 * ATOM);
    let pos = hub
        .query(json!({"position": {"staker": vault.addr, "validator": v}}))
        .await;
    assert_eq!(pos["service_ids"], json!([service]), "{pos}");
    let stake = hub
        .query(json!({"service_stake": {"service_id": service}}))
        .await;
    assert_eq!(num(&stake["total"]), 10 * ATOM, "{stake}");

    let out = vault
        .exec(&bob, json!({"deposit": {}}), &[net.coin(5 * ATOM)])
        .await;
    gas.record("vault deposit", "existing hub position", &out);
    let bob_shares = cw20_balance(&vault, &bob.address()).await;
    assert!(bob_shares > 0);

    // ------------------------------------------------------------------ a service pays
    let s = state(&vault).await;
    let price_before: f64 = s["price"]
        .as_str()
        .expect("price")
        .parse()
        .expect("decimal");
    let nav_before = num(&s["nav"]);
    hub.exec(
        &admin,
        json!({"distribute_rewards": {"service_id": service}}),
        &[net.coin(ATOM)],
    )
    .await;
    // the share price counts rewards waiting at the hub already
    let s = state(&vault).await;
    let pending = num(&s["pending_rewards"]);
    assert!(pending >= ATOM - 1, "service rewards and native: {pending}");
    assert!(
        num(&s["nav"]) >= nav_before + ATOM - 1,
        "{nav_before} -> {s}"
    );
    let out = vault.exec(&keeper, json!({"harvest": {}}), &[]).await;
    gas.record("vault harvest", "compounds service + native rewards", &out);
    let s = state(&vault).await;
    // compounded: re-deposited into the hub, nothing left waiting
    assert_eq!(num(&s["pending_rewards"]), 0, "{s}");
    assert_eq!(num(&s["idle"]), 0, "{s}");
    assert!(
        num(&s["nav"]) >= nav_before + ATOM - 1,
        "{nav_before} -> {s}"
    );
    assert!(hub.bonded(&vault.addr, &v).await >= 16 * ATOM - 1, "{s}");
    let price_after: f64 = s["price"]
        .as_str()
        .expect("price")
        .parse()
        .expect("decimal");
    assert!(
        price_after > price_before,
        "{price_before} -> {price_after}"
    );

    // ------------------------------------------------------------------ a slash
    let bonded = hub.bonded(&vault.addr, &v).await;
    let out = hub
        .exec(
            &slasher,
            json!({"slash": {"service_id": service, "validator": v, "fraction": "0.1",
                   "evidence": "two oracle reports signed for one round"}}),
            &[],
        )
        .await;
    let slash_id: u64 = wasm_attrs(&out)["slash_id"].parse().expect("slash id");
    let s = state(&vault).await;
    assert_eq!(s["validators"][0]["frozen"], true, "{s}");
    let expected_loss = num(&s["expected_losses"]);
    // priced pessimistically: rounded up, a unit or two above a tenth
    assert!(
        (bonded / 10..=bonded / 10 + 3).contains(&expected_loss),
        "{expected_loss} vs {bonded}"
    );
    // a newcomer would share a loss it did not secure: the vault refuses the deposit
    let log = vault
        .refused(&keeper, json!({"deposit": {}}), &[net.coin(ATOM)])
        .await;
    assert!(log.contains("frozen"), "{log}");

    let request = hub
        .query(json!({"slash_request": {"slash_id": slash_id}}))
        .await;
    let executable_at: i64 = request["executable_at"]
        .as_str()
        .expect("timestamp")
        .parse::<i64>()
        .expect("nanos")
        / 1_000_000_000;
    c.wait_for_time(executable_at + 1, Duration::from_secs(60))
        .await
        .expect("the veto window");
    let out = hub
        .exec(
            &keeper,
            json!({"execute_slash": {"slash_id": slash_id}}),
            &[],
        )
        .await;
    gas.record("(hub) execute_slash", "the vault's position", &out);
    let after = hub.bonded(&vault.addr, &v).await;
    assert!(
        (bonded - bonded / 10).abs_diff(after) <= 2,
        "{bonded} -> {after}"
    );
    let s = state(&vault).await;
    assert_eq!(s["validators"][0]["frozen"], false, "{s}");
    assert_eq!(num(&s["expected_losses"]), 0, "{s}");

    // ------------------------------------------------------------------ redeem
    let alice_shares = cw20_balance(&vault, &alice.address()).await;
    let value: u128 = num(&vault
        .query(json!({"preview_exit": {"shares": alice_shares.to_string()}}))
        .await["amount"]);
    // 10 of ~16 ATOM, a tenth slashed: about 9 ATOM plus her part of the rewards
    assert!(value > 9 * ATOM && value < 10 * ATOM, "{value}");
    let out = vault
        .exec(
            &alice,
            json!({"burn": {"amount": alice_shares.to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "vault burn",
        "first exit batch: sent to the hub at once",
        &out,
    );
    assert_eq!(cw20_balance(&vault, &alice.address()).await, 0);
    let batch_id: u64 = wasm_attrs(&out)["batch_id"].parse().expect("batch id");
    let batch = vault.query(json!({"batch": {"id": batch_id}})).await;
    assert_eq!(batch["status"], "unbonding", "{batch}");
    let owed = num(&batch["owed"]);
    // native rewards keep accruing between the preview and the burn's block
    assert!(
        owed >= value && owed < value + value / 1_000,
        "owed {owed}, previewed {value}"
    );

    // ------------------------------------------------------------------ claim
    // The hub sends its batch on its epoch and settles it once the chain has paid; the vault
    // collects it; a keeper cranks both until the batch is complete.
    let deadline = Duration::from_secs(net.unbonding_seconds * 3 + 120);
    let start = std::time::Instant::now();
    loop {
        let batch = vault.query(json!({"batch": {"id": batch_id}})).await;
        if batch["status"] == "complete" {
            break;
        }
        assert!(
            start.elapsed() < deadline,
            "the exit batch did not complete: {batch}"
        );
        // a fixed gas limit: a crank simulated while there is nothing to settle may land in
        // the block where there is, and cost more than the simulation said
        for (contract, msg) in [
            (&hub.addr, json!({"process_unbondings": {}})),
            (&vault.addr, json!({"process_exits": {}})),
        ] {
            c.execute(
                &keeper,
                contract,
                &msg.to_string(),
                &[],
                Gas::Fixed(FIXED_GAS),
            )
            .await
            .unwrap_or_else(|e| panic!("{msg}: {e}"));
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let exits = vault
        .query(json!({"exits": {"holder": alice.address()}}))
        .await;
    let claimable = num(&exits["exits"][0]["claimable"]);
    assert!(claimable.abs_diff(owed) <= 2, "{claimable} vs {owed}");
    let before = net.balance(&alice.address()).await;
    let out = vault.exec(&alice, json!({"claim": {}}), &[]).await;
    gas.record("vault claim", "1 complete batch", &out);
    assert_eq!(
        net.balance(&alice.address()).await,
        before + claimable - fee(&net, &out)
    );
    let exits = vault
        .query(json!({"exits": {"holder": alice.address()}}))
        .await;
    assert_eq!(exits["exits"], json!([]), "{exits}");

    // bob stays, whole: the vault still holds at least what his shares are worth, and the
    // hub holds at least what it owes the vault
    let s = state(&vault).await;
    assert_eq!(num(&s["supply"]), bob_shares, "{s}");
    let bob_value = num(&vault
        .query(json!({"preview_exit": {"shares": bob_shares.to_string()}}))
        .await["amount"]);
    assert!(bob_value <= num(&s["nav"]), "{bob_value} {s}");
    assert!(bob_value > 4 * ATOM, "{bob_value}");
    let cons = hub
        .conservation(std::slice::from_ref(&vault.addr), std::slice::from_ref(&v))
        .await;
    assert!(cons.surplus() >= 0, "{cons:?}");

    gas.save("vault_gaiad_journey");
}
