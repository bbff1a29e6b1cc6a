//! restake-hub on a real Cosmos SDK chain (osmosis-test-tube 26.0.1: Osmosis v26, SDK 0.50,
//! wasmd 0.53, wasmvm 2.1). The optimized artifact is stored as built; every message is the
//! interface's raw JSON in a signed transaction; balances, delegations and unbonding entries
//! are read from the chain's own bank, staking and distribution queries.
//!
//! `cargo test -p restake-e2e -- --nocapture` prints the gas table; with
//! `RESTAKE_E2E_GAS_JSON=docs/gas-chain.json` the journey also writes it (scripts/e2e.sh does).
//!
//! Why one file: it is essentially one journey, whose steps run in order on one chain and one
//! hub and depend on what the step before left (beside it, one short check of the chain's
//! capabilities).

use std::collections::BTreeMap;

use cosmwasm_std::Coin;
use osmosis_test_tube::Account;
use restake_e2e::*;
use serde_json::{json, Value};

const M: u128 = 1_000_000;

fn coin(amount: u128, denom: &str) -> Coin {
    Coin::new(amount, denom)
}

// Responses are read by the field names of docs/interface.md, as a CLI user reads them, so a
// field added to a response never breaks this test against an older artifact.

/// A `Uint128` (string) or integer field.
fn num(v: &Value) -> u128 {
    match v {
        Value::String(s) => s.parse().unwrap_or_else(|_| panic!("not an amount: {v}")),
        Value::Number(n) => n.as_u64().expect("integer") as u128,
        _ => panic!("not an amount: {v}"),
    }
}

/// A `Timestamp` (nanosecond string) in seconds.
fn secs(v: &Value) -> u64 {
    (num(v) / 1_000_000_000) as u64
}

fn pending(hub: &Hub, staker: &str) -> BTreeMap<String, u128> {
    let res: Value = hub.query(json!({"pending_rewards": {"staker": staker}}));
    res["rewards"]
        .as_array()
        .expect("rewards")
        .iter()
        .map(|r| {
            (
                r["denom"].as_str().expect("native").to_string(),
                num(&r["amount"]),
            )
        })
        .collect()
}

fn position(hub: &Hub, staker: &str, validator: &str) -> Value {
    hub.query(json!({"position": {"staker": staker, "validator": validator}}))
}

fn bonded(hub: &Hub, staker: &str, validator: &str) -> u128 {
    num(&position(hub, staker, validator)["amount"])
}

/// The hub's books for one validator (`validator` query).
fn books(hub: &Hub, validator: &str) -> Value {
    hub.query(json!({"validator": {"validator": validator}}))
}

fn stats(hub: &Hub) -> Value {
    hub.query(json!({"stats": {}}))
}

fn slash_request(hub: &Hub, id: &str) -> Value {
    hub.query(json!({"slash_request": {"slash_id": id.parse::<u64>().unwrap()}}))
}

fn unbondings(hub: &Hub, staker: &str) -> Vec<Value> {
    let res: Value = hub.query(json!({"unbondings": {"staker": staker}}));
    res["unbondings"].as_array().expect("unbondings").clone()
}

/// Rounding favours the hub by at most one unit (DESIGN rule 3: "to within 1 unit per
/// payment").
fn assert_rounded_down(actual: u128, exact: u128, what: &str) {
    assert!(
        actual <= exact && exact - actual <= 1,
        "{what}: {actual}, expected {exact} rounded down by at most 1"
    );
}

/// The hub's books for each validator equal the chain's delegation of the hub.
fn assert_books_match_chain(chain: &Osmosis, hub: &Hub, validators: &[&str]) {
    for v in validators {
        let books = num(&books(hub, v)["books"]);
        let delegated = chain.delegation(&hub.delegator(v), v);
        assert_eq!(books, delegated, "hub books vs chain delegation on {v}");
    }
}

fn balances(chain: &Osmosis, addr: &str, denoms: &[&str]) -> Vec<u128> {
    denoms.iter().map(|d| chain.balance(addr, d)).collect()
}

/// The chain offers every capability the artifact requires, and stores the artifact as
/// built. The chain does not list its capabilities in a query, so each candidate is
/// asked the only way the chain answers: by storing a minimal module that requires it.
#[test]
fn chain_offers_every_capability_the_artifact_requires() {
    let chain = Osmosis::new();
    let uploader = chain.account(&[]);
    let code = read_artifact();
    let required = required_capabilities(&code);
    println!("artifact requires: {required:?}");

    let wasm = chain.wasm();
    wasm.store_code(&capability_probe(&[]), None, &uploader)
        .expect("a probe that requires nothing must be stored; the probe module is broken");
    let candidates = [
        "iterator",
        "staking",
        "stargate",
        "cosmwasm_1_1",
        "cosmwasm_1_2",
        "cosmwasm_1_3",
        "cosmwasm_1_4",
        "cosmwasm_2_0",
        "cosmwasm_2_1",
        "cosmwasm_2_2",
    ];
    let mut offered = vec![];
    for cap in candidates {
        match wasm.store_code(&capability_probe(&[cap]), None, &uploader) {
            Ok(_) => offered.push(cap.to_string()),
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains("unavailable capabilities"),
                    "probe for {cap} refused for another reason: {e}"
                );
                println!("chain refuses {cap}: {e}");
            }
        }
    }
    println!("chain offers: {offered:?}");
    for cap in &required {
        assert!(
            offered.contains(cap),
            "the artifact requires {cap}, which this chain does not offer (it offers {offered:?})"
        );
    }
    let stored = wasm
        .store_code(&code, None, &uploader)
        .unwrap_or_else(|e| panic!("the chain refused artifacts/restake_hub.wasm: {e}"));
    println!(
        "artifact ({} bytes) stored as code {} for {} gas",
        code.len(),
        stored.data.code_id,
        stored.gas_info.gas_used
    );
}

/// The main journeys as real transactions: deposits on the genesis validator and on one
/// created in the test, two services, service rewards in three denoms (one tokenfactory),
/// native rewards credited by the real distribution module (harvested, auto-withdrawn,
/// claimed), a vetoed slash, one executed at once and one after its window, slashed stake
/// routed to the community pool, batched unbonding through the real staking module (the
/// completion-block edge, the 7-entry limit on a second hub), opt-out, and a jailed
/// validator. Records the gas of every hub transaction.
#[test]
fn journey() {
    let chain = Osmosis::new();

    // ------------------------------------------------------------------ the chain
    // Unbonding time 21 days → 600 s through governance (before anyone else delegates, so
    // the genesis validator's vote carries the quorum).
    let genesis_unbonding = chain.staking_params().unbonding_time.unwrap().seconds;
    chain.set_unbonding_time(600);
    println!("chain unbonding time: {genesis_unbonding} s → 600 s (governance)");
    let bond_denom = chain.staking_params().bond_denom;
    assert_eq!(bond_denom, DENOM);

    let val0 = chain.app.get_first_validator_address().unwrap();
    // A second validator: 2 uosmo-M self-bond, min self-delegation 1 M, commission 5 %.
    let (op1, val1, create_gas) = chain.create_validator("second", 2 * M, M, 50, 7);
    chain.advance(5);
    assert_eq!(chain.validator(&val1).status, BONDED);
    println!("second validator {val1} (MsgCreateValidator: {create_gas} gas)");
    let vals = [val0.as_str(), val1.as_str()];

    // ------------------------------------------------------------------ accounts
    let owner = chain.account(&[]);
    let alice = chain.account(&[coin(M, "uion")]);
    let bob = chain.account(&[]);
    let carol = chain.account(&[]);
    let oracle_admin = chain.account(&[coin(100 * M, "uion")]);
    let oracle_slasher = chain.account(&[]);
    let oracle_resolver = chain.account(&[]);
    let bridge_admin = chain.account(&[]);
    let bridge_slasher = chain.account(&[]);
    let keeper = chain.account(&[]);
    let funder = chain.account(&[]);
    let (a, b, c) = (alice.address(), bob.address(), carol.address());

    chain.record_baseline(&funder, &keeper.address());

    // ------------------------------------------------------------------ store, instantiate
    let code = read_artifact();
    let wasm = chain.wasm();
    let stored = wasm
        .store_code(&code, None, &owner)
        .unwrap_or_else(|e| panic!("the chain refused artifacts/restake_hub.wasm: {e}"));
    chain.record(
        "store_code",
        &format!("restake_hub.wasm, {} bytes", code.len()),
        stored.gas_info.gas_used,
    );
    let inst = wasm
        .instantiate(
            stored.data.code_id,
            &json!({"unbonding_period": 600, "min_deposit": "1000", "max_veto_period": 3600,
                    "slash_destination": {"community_pool": {}}}),
            Some(&owner.address()),
            Some("restake-hub"),
            &[],
            &owner,
        )
        .expect("instantiate");
    chain.record(
        "instantiate",
        "bonded denom read from the chain",
        inst.gas_info.gas_used,
    );
    let hub = Hub {
        chain: &chain,
        addr: inst.data.address,
    };
    let config: Value = hub.query(json!({"config": {}}));
    assert_eq!(
        config["bonded_denom"], bond_denom,
        "bonded denom from the chain"
    );
    assert_eq!(config["unbonding_period"], 600);
    assert_eq!(config["unbonding_epoch"], 86, "600 / 7 rounded up");
    assert_eq!(config["owner"], owner.address());

    // ------------------------------------------------------------------ deposits
    let before = chain.balance(&a, DENOM);
    hub.exec(
        &alice,
        json!({"deposit": {"validator": val0}}),
        &[coin(10 * M, DENOM)],
        "new position, genesis validator",
    );
    assert_eq!(chain.balance(&a, DENOM), before - 10 * M - FEE);
    hub.exec(
        &bob,
        json!({"deposit": {"validator": val0}}),
        &[coin(30 * M, DENOM)],
        "new position, second staker on the validator",
    );
    hub.exec(
        &alice,
        json!({"deposit": {"validator": val1}}),
        &[coin(20 * M, DENOM)],
        "new position, validator created in the test",
    );
    hub.exec(
        &bob,
        json!({"deposit": {"validator": val1}}),
        &[coin(5 * M, DENOM)],
        "new position, second staker on the validator",
    );
    assert_eq!(chain.delegation(&hub.delegator(&val0), &val0), 40 * M);
    assert_eq!(chain.delegation(&hub.delegator(&val1), &val1), 25 * M);
    assert_books_match_chain(&chain, &hub, &vals);
    let s = stats(&hub);
    assert_eq!((num(&s["total_bonded"]), num(&s["stakers"])), (65 * M, 2));

    // Refusals on the real chain: the funds come back, nothing changes.
    let before = balances(&chain, &a, &[DENOM, "uion"]);
    let err = hub.exec_err(
        &alice,
        json!({"deposit": {"validator": val0}}),
        &[coin(1000, "uion")],
    );
    println!("deposit in uion refused: {err}");
    assert_eq!(
        balances(&chain, &a, &[DENOM, "uion"]),
        vec![before[0] - FEE, before[1]],
        "a refused deposit only costs the fee"
    );
    let not_a_validator = valoper_of(&carol);
    let err = hub.exec_err(
        &alice,
        json!({"deposit": {"validator": not_a_validator}}),
        &[coin(M, DENOM)],
    );
    println!("deposit to a non-validator refused: {err}");
    assert!(err.contains("is not a bonded validator"), "{err}");

    // ------------------------------------------------------------------ services
    let bridge_denom = chain.create_token(&bridge_admin, "ubridge", 100 * M);
    let res = hub.exec(
        &oracle_admin,
        json!({"register_service": {"name": "oracle", "slasher": oracle_slasher.address(),
               "resolver": oracle_resolver.address(), "max_slash": "0.1", "veto_period": 3600,
               "opt_out_delay": 3600, "reward_denoms": ["uosmo", "uion"],
               "metadata_uri": "https://oracle.example/restake"}}),
        &[],
        "with resolver, two reward denoms",
    );
    let oracle = wasm_attr(&res, "service_id").unwrap();
    assert_eq!(oracle, "1");
    let res = hub.exec(
        &bridge_admin,
        json!({"register_service": {"name": "bridge", "slasher": bridge_slasher.address(),
               "max_slash": "0.05", "veto_period": 0, "opt_out_delay": 0,
               "reward_denoms": [bridge_denom]}}),
        &[],
        "no resolver, no veto window, tokenfactory reward denom",
    );
    assert_eq!(wasm_attr(&res, "service_id").unwrap(), "2");

    hub.exec(
        &alice,
        json!({"opt_in": {"validator": val0, "service_ids": [1, 2]}}),
        &[],
        "two services",
    );
    hub.exec(
        &bob,
        json!({"opt_in": {"validator": val0, "service_ids": [1]}}),
        &[],
        "one service",
    );
    hub.exec(
        &alice,
        json!({"opt_in": {"validator": val1, "service_ids": [1, 2]}}),
        &[],
        "two services",
    );
    hub.exec(
        &bob,
        json!({"opt_in": {"validator": val1, "service_ids": [2]}}),
        &[],
        "one service",
    );
    let s1: Value = hub.query(json!({"service_stake": {"service_id": 1}}));
    let s2: Value = hub.query(json!({"service_stake": {"service_id": 2}}));
    assert_eq!((num(&s1["total"]), num(&s2["total"])), (60 * M, 35 * M));
    assert_eq!(num(&stats(&hub)["total_restaked"]), 95 * M);

    // ------------------------------------------------------------------ service rewards
    // Oracle: 6 M uosmo + 1.2 M uion over 60 M opted → 0.1 uosmo and 0.02 uion per token.
    hub.exec(
        &oracle_admin,
        json!({"distribute_rewards": {"service_id": 1}}),
        &[coin(6 * M, DENOM), coin(1_200_000, "uion")],
        "two denoms in one payment",
    );
    // Bridge: 700 k of its tokenfactory denom over 35 M → 0.02 per token.
    hub.exec(
        &bridge_admin,
        json!({"distribute_rewards": {"service_id": 2}}),
        &[coin(700_000, &bridge_denom)],
        "tokenfactory denom",
    );
    for v in vals {
        assert_eq!(
            chain.delegation_rewards(&hub.delegator(v), v, DENOM),
            0,
            "no native rewards accrue by themselves"
        );
    }
    let expect = |pairs: &[(&str, u128)]| -> BTreeMap<String, u128> {
        pairs.iter().map(|(d, v)| (d.to_string(), *v)).collect()
    };
    assert_eq!(
        pending(&hub, &a),
        expect(&[(DENOM, 3 * M), ("uion", 600_000), (&bridge_denom, 600_000)])
    );
    assert_eq!(
        pending(&hub, &b),
        expect(&[(DENOM, 3 * M), ("uion", 600_000), (&bridge_denom, 100_000)])
    );

    // ------------------------------------------------------------------ native rewards
    // 4.1 M into val0's pool: commission 0, the hub holds 40 of 41 M → 4 M to the hub.
    chain.deposit_validator_rewards(&funder, &val0, 4_100_000);
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val0), &val0, DENOM),
        4 * M
    );
    // pending_rewards includes rewards nobody harvested yet: 0.1 per token on val0.
    assert_eq!(pending(&hub, &a)[DENOM], 3 * M + M);
    assert_eq!(pending(&hub, &b)[DENOM], 3 * M + 3 * M);
    let hub_before = chain.balance(&hub.addr, DENOM);
    let res = hub.exec(
        &keeper,
        json!({"harvest": {"validators": [val0]}}),
        &[],
        "one validator with rewards",
    );
    assert_eq!(chain.balance(&hub.addr, DENOM), hub_before + 4 * M);
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val0), &val0, DENOM),
        0
    );
    assert!(!events_of(&res, "withdraw_rewards").is_empty());
    assert_eq!(pending(&hub, &a)[DENOM], 4 * M, "harvest changes no claim");

    // 2.7 M into val1's pool: 5 % commission, the hub holds 25 of 27 M → 2.375 M.
    chain.deposit_validator_rewards(&funder, &val1, 2_700_000);
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val1), &val1, DENOM),
        2_375_000
    );
    assert_eq!(pending(&hub, &a)[DENOM], 4 * M + 1_900_000);
    assert_eq!(pending(&hub, &b)[DENOM], 6 * M + 475_000);

    let denoms = [DENOM, "uion", bridge_denom.as_str()];
    let before = balances(&chain, &a, &denoms);
    let res = hub.exec(
        &alice,
        json!({"claim_rewards": {}}),
        &[],
        "3 denoms, 2 positions, harvests an unharvested validator",
    );
    assert_eq!(
        balances(&chain, &a, &denoms),
        vec![
            before[0] + 5_900_000 - FEE,
            before[1] + 600_000,
            before[2] + 600_000
        ]
    );
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val1), &val1, DENOM),
        0,
        "claim_rewards withdrew val1's rewards"
    );
    assert!(!events_of(&res, "withdraw_rewards").is_empty());
    assert!(pending(&hub, &a).is_empty());

    // ------------------------------------------------------------------ slash, vetoed
    let res = hub.exec(
        &oracle_slasher,
        json!({"slash": {"service_id": 1, "validator": val1, "fraction": "0.1",
               "evidence": "oracle price deviation at height 1234"}}),
        &[],
        "opens a request (veto window 3600 s)",
    );
    let vetoed_id = wasm_attr(&res, "slash_id").unwrap();
    let request = slash_request(&hub, &vetoed_id);
    assert_eq!(request["status"], "pending");
    assert_eq!(
        secs(&request["executable_at"]),
        secs(&request["requested_at"]) + 3600
    );
    // Rule 2: no new stake into the exposed pool while the request is pending.
    let before = chain.balance(&a, DENOM);
    let err = hub.exec_err(
        &alice,
        json!({"deposit": {"validator": val1}}),
        &[coin(M, DENOM)],
    );
    println!("deposit into stake frozen by a pending slash refused: {err}");
    assert!(err.contains("frozen by a pending slash request"), "{err}");
    assert_eq!(chain.balance(&a, DENOM), before - FEE, "funds returned");
    let err = hub.exec_err(&keeper, json!({"execute_slash": {"slash_id": 1}}), &[]);
    assert!(err.contains("inside its veto window"), "{err}");
    hub.exec(
        &oracle_resolver,
        json!({"veto_slash": {"slash_id": 1}}),
        &[],
        "by the service's resolver",
    );
    let request = slash_request(&hub, &vetoed_id);
    assert_eq!(request["status"], "vetoed");
    assert_eq!(num(&request["slashed_amount"]), 0);
    assert_eq!(bonded(&hub, &a, &val1), 20 * M);

    // ------------------------------------------------------------------ slash, at once
    let res = hub.exec(
        &bridge_slasher,
        json!({"slash": {"service_id": 2, "validator": val0, "fraction": "0.05",
               "evidence": "bridge signed a forged withdrawal"}}),
        &[],
        "veto_period 0: executes at once, 1 pool hit",
    );
    let executed_id = wasm_attr(&res, "slash_id").unwrap();
    let request = slash_request(&hub, &executed_id);
    assert_eq!(request["status"], "executed");
    assert_eq!(
        num(&request["slashed_amount"]),
        500_000,
        "5 % of alice's 10 M"
    );
    assert_eq!(num(&request["slashed_bonded"]), 500_000);
    assert_eq!(bonded(&hub, &a, &val0), 9_500_000);
    assert_eq!(
        bonded(&hub, &b, &val0),
        30 * M,
        "bob does not secure service 2 on val0"
    );
    let s = stats(&hub);
    assert_eq!(
        (num(&s["total_slashed"]), num(&s["slashed_pending_routing"])),
        (500_000, 500_000)
    );
    // The slashed stake waits, still delegated, for val0's next undelegation.
    let v0 = books(&hub, &val0);
    assert_eq!(
        (num(&v0["bonded"]), num(&v0["queued"])),
        (39_500_000, 500_000)
    );
    assert_books_match_chain(&chain, &hub, &vals);

    // ------------------------------------------------------------------ unbonding
    // val0's first unbond leaves at once, together with the slashed 0.5 M.
    let res = hub.exec(
        &alice,
        json!({"unbond": {"validator": val0, "amount": "4000000"}}),
        &[],
        "validator's first batch: undelegated at once (with slashed stake)",
    );
    assert_eq!(events_of(&res, "unbond").len(), 1);
    let entries = chain.unbonding_entries(&hub.delegator(&val0), &val0);
    assert_eq!(entries.len(), 1);
    let (amount, alice_completion) = entries[0];
    assert_eq!(amount, 4_500_000);
    assert_eq!(alice_completion, chain.now() + 600);
    assert_eq!(chain.delegation(&hub.delegator(&val0), &val0), 35_500_000);
    let u = unbondings(&hub, &a);
    assert_eq!(u.len(), 1);
    assert_eq!(num(&u[0]["amount"]), 4 * M);
    assert_eq!(u[0]["status"], "unbonding");
    assert_eq!(secs(&u[0]["completion_time"]), alice_completion);
    assert_books_match_chain(&chain, &hub, &vals);

    // A second unbond within the epoch (86 s) waits in the queued batch.
    let res = hub.exec(
        &bob,
        json!({"unbond": {"validator": val0, "amount": "6000000"}}),
        &[],
        "queued: waits for the validator's next epoch",
    );
    assert!(events_of(&res, "unbond").is_empty());
    assert_eq!(
        chain.unbonding_entries(&hub.delegator(&val0), &val0).len(),
        1
    );
    assert_eq!(unbondings(&hub, &b)[0]["status"], "queued");
    assert_books_match_chain(&chain, &hub, &vals);
    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "nothing due",
    );
    assert_eq!(wasm_attr(&res, "batches_sent").unwrap(), "0");
    // bob starts leaving service 1 on val0 (ready in 3600 s)
    hub.exec(
        &bob,
        json!({"opt_out": {"validator": val0, "service_ids": [1]}}),
        &[],
        "one service",
    );

    chain.advance(90);
    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "sends 1 due batch",
    );
    assert_eq!(wasm_attr(&res, "batches_sent").unwrap(), "1");
    let entries = chain.unbonding_entries(&hub.delegator(&val0), &val0);
    assert_eq!(entries.len(), 2);
    let (amount, bob_completion) = entries[1];
    assert_eq!(amount, 6 * M);
    assert_eq!(chain.delegation(&hub.delegator(&val0), &val0), 29_500_000);
    assert_books_match_chain(&chain, &hub, &vals);

    // The block right after the chain's completion time: the staking module pays at the
    // END of that block, so the hub must wait rather than book a missing return as a loss.
    chain.advance_to(alice_completion - 1);
    assert_eq!(
        chain.unbonding_entries(&hub.delegator(&val0), &val0).len(),
        2
    );
    // (the returns land in the validator's delegator proxy)
    let proxy0 = hub.delegator(&val0);
    let hub_before = chain.balance(&proxy0, DENOM);
    let err = hub.exec_err(&alice, json!({"claim_unbonded": {}}), &[]);
    println!(
        "claim_unbonded in the completion block (t = {}, completion {alice_completion}): {err}",
        chain.now()
    );
    assert!(chain.now() >= alice_completion);
    assert!(
        err.contains("are due but their tokens are not settled yet"),
        "{err}"
    );
    assert_eq!(
        chain.balance(&proxy0, DENOM),
        hub_before + 4_500_000,
        "the chain paid at the end of that block, into the proxy"
    );
    assert_eq!(num(&stats(&hub)["chain_slashed"]), 0);

    let before = chain.balance(&a, DENOM);
    let res = hub.exec(
        &alice,
        json!({"claim_unbonded": {}}),
        &[],
        "settles the batch, routes 0.5 M slashed stake to the community pool",
    );
    assert_eq!(chain.balance(&a, DENOM), before + 4 * M - FEE);
    let distribution = chain.module_address("distribution");
    let routed = events_of(&res, "transfer").into_iter().any(|attrs| {
        attrs.contains(&("recipient".into(), distribution.clone()))
            && attrs.contains(&("sender".into(), hub.addr.clone()))
            && attrs.contains(&("amount".into(), format!("500000{DENOM}")))
    });
    assert!(
        routed,
        "MsgFundCommunityPool from the hub: {:?}",
        res.events
    );
    let s = stats(&hub);
    assert_eq!(
        (
            num(&s["slashed_to_community_pool"]),
            num(&s["slashed_pending_routing"]),
            num(&s["chain_slashed"])
        ),
        (500_000, 0, 0)
    );
    assert!(unbondings(&hub, &a).is_empty());

    chain.advance_to(bob_completion + 1);
    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "settles 1 matured batch",
    );
    assert_eq!(wasm_attr(&res, "batches_settled").unwrap(), "1");
    let u = unbondings(&hub, &b);
    assert_eq!(
        (u[0]["status"].as_str(), num(&u[0]["amount"])),
        (Some("claimable"), 6 * M)
    );
    let before = chain.balance(&b, DENOM);
    hub.exec(
        &bob,
        json!({"claim_unbonded": {}}),
        &[],
        "batch already settled",
    );
    assert_eq!(chain.balance(&b, DENOM), before + 6 * M - FEE);
    assert!(chain
        .unbonding_entries(&hub.delegator(&val0), &val0)
        .is_empty());
    assert_eq!(num(&stats(&hub)["total_unbonding"]), 0);

    // ------------------------------------------------------------------ auto-withdraw
    // Rewards pending on val0, then a deposit there: the hub withdraws them explicitly
    // first and credits them to the stake that earned them (0.1 per token).
    chain.deposit_validator_rewards(&funder, &val0, 3_050_000);
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val0), &val0, DENOM),
        2_950_000
    );
    let res = hub.exec(
        &bob,
        json!({"deposit": {"validator": val0}}),
        &[coin(M, DENOM)],
        "existing position, pending rewards withdrawn first",
    );
    assert!(!events_of(&res, "withdraw_rewards").is_empty());
    assert_eq!(
        chain.delegation_rewards(&hub.delegator(&val0), &val0, DENOM),
        0
    );
    assert_eq!(bonded(&hub, &b, &val0), 25 * M);
    // alice's 5.5 M on val0 is what is left of a slashed pool: her share rounds down.
    println!(
        "alice on val0 after slash and unbond: {}",
        bonded(&hub, &a, &val0)
    );
    assert_rounded_down(pending(&hub, &a)[DENOM], 550_000, "alice's share of 2.95 M");
    let before = balances(&chain, &b, &denoms);
    hub.exec(
        &bob,
        json!({"claim_rewards": {}}),
        &[],
        "3 denoms, 2 positions",
    );
    let after = balances(&chain, &b, &denoms);
    assert_rounded_down(
        after[0] + FEE - before[0],
        3 * M + 3 * M + 475_000 + 2_400_000,
        "bob's uosmo rewards",
    );
    assert_eq!(
        (after[1] - before[1], after[2] - before[2]),
        (600_000, 100_000)
    );

    // ------------------------------------------------------------------ opt-out completes
    let ready = secs(&position(&hub, &b, &val0)["pending_opt_outs"][0]["ready_at"]);
    chain.advance_to(ready + 1);
    hub.exec(
        &bob,
        json!({"complete_opt_out": {"validator": val0}}),
        &[],
        "one service, moves the position to another pool",
    );
    let p = position(&hub, &b, &val0);
    assert_eq!(
        (&p["service_ids"], &p["pending_opt_outs"]),
        (&json!([]), &json!([]))
    );
    assert_eq!(num(&p["amount"]), 25 * M);

    // ------------------------------------------------------------------ jailing
    // The operator undelegates below its min self-delegation: the chain jails val1.
    chain
        .undelegate(&op1, &val1, 1_500_000)
        .expect("self-undelegation");
    chain.advance(5);
    let v = chain.validator(&val1);
    assert!(v.jailed, "val1 is jailed");
    assert_ne!(v.status, BONDED);
    println!("val1 jailed: status {} tokens {}", v.status, v.tokens);
    assert_books_match_chain(&chain, &hub, &vals);
    let res = hub.exec(
        &keeper,
        json!({"sync_validator": {"validator": val1}}),
        &[],
        "jailed validator, no shortfall",
    );
    assert_eq!(wasm_attr(&res, "shortfall").unwrap(), "0");

    // DESIGN rule 6: a validator that is not bonded is refused. wasmd's Validator query
    // answers for jailed validators too; the hub reads the bonded set (AllValidators), at
    // most once an hour per validator.
    chain.advance(3_600);
    let err = hub
        .chain
        .wasm()
        .execute(
            &hub.addr,
            &json!({"deposit": {"validator": val1}}),
            &[coin(2 * M, DENOM)],
            &carol,
        )
        .expect_err("a deposit to a jailed validator is refused");
    assert!(
        err.to_string().contains("is not a bonded validator"),
        "unexpected error: {err}"
    );
    let carol_deposit = 0;
    assert_eq!(
        chain.delegation(&hub.delegator(&val1), &val1),
        25 * M + carol_deposit
    );
    assert_books_match_chain(&chain, &hub, &vals);

    // Stakers can leave a jailed validator: val1's first batch leaves at once.
    let res = hub.exec(
        &bob,
        json!({"unbond": {"validator": val1, "amount": "5000000"}}),
        &[],
        "jailed validator, first batch: undelegated at once",
    );
    assert_eq!(events_of(&res, "unbond").len(), 1);
    let entries = chain.unbonding_entries(&hub.delegator(&val1), &val1);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, 5 * M);
    let jailed_completion = entries[0].1;
    if carol_deposit > 0 {
        hub.exec(
            &carol,
            json!({"unbond": {"validator": val1, "amount": "2000000"}}),
            &[],
            "jailed validator, queued",
        );
        chain.advance(90);
        let res = hub.exec(
            &keeper,
            json!({"process_unbondings": {}}),
            &[],
            "sends 1 due batch (jailed validator)",
        );
        assert_eq!(wasm_attr(&res, "batches_sent").unwrap(), "1");
        assert_eq!(
            chain.unbonding_entries(&hub.delegator(&val1), &val1).len(),
            2
        );
    }
    assert_books_match_chain(&chain, &hub, &vals);
    let res = hub.exec(
        &keeper,
        json!({"harvest": {}}),
        &[],
        "every validator, nothing to withdraw",
    );
    assert_eq!(wasm_attr(&res, "validators").unwrap(), "");

    chain.advance_to(jailed_completion + 1);
    let before = chain.balance(&b, DENOM);
    hub.exec(
        &bob,
        json!({"claim_unbonded": {}}),
        &[],
        "settles the jailed validator's batch itself",
    );
    assert_eq!(chain.balance(&b, DENOM), before + 5 * M - FEE);
    if carol_deposit > 0 {
        let last = chain.unbonding_entries(&hub.delegator(&val1), &val1)[0].1;
        chain.advance_to(last + 1);
        let before = chain.balance(&c, DENOM);
        hub.exec(
            &carol,
            json!({"claim_unbonded": {}}),
            &[],
            "settles the jailed validator's batch itself",
        );
        assert_eq!(chain.balance(&c, DENOM), before + 2 * M - FEE);
    }
    assert!(chain
        .unbonding_entries(&hub.delegator(&val1), &val1)
        .is_empty());

    // ------------------------------------------------------------------ slash, after window
    // A request that nobody vetoes is executed by anyone once its window has passed. bob
    // completed his opt-out of service 1 on val0: only alice's 5.5 M there is exposed.
    let res = hub.exec(
        &oracle_slasher,
        json!({"slash": {"service_id": 1, "validator": val0, "fraction": "0.1",
               "evidence": "stale prices"}}),
        &[],
        "opens a request (veto window 3600 s)",
    );
    let late_id = wasm_attr(&res, "slash_id").unwrap();
    let executable_at = secs(&slash_request(&hub, &late_id)["executable_at"]);
    chain.advance_to(executable_at);
    hub.exec(
        &keeper,
        json!({"execute_slash": {"slash_id": late_id.parse::<u64>().unwrap()}}),
        &[],
        "after the veto window, by anyone, 1 pool hit",
    );
    let request = slash_request(&hub, &late_id);
    assert_eq!(request["status"], "executed");
    assert_rounded_down(
        5_500_000 - num(&request["slashed_amount"]),
        4_950_000,
        "alice's val0 stake after a 10 % slash",
    );
    let slashed = num(&request["slashed_amount"]);
    assert_eq!(bonded(&hub, &a, &val0), 5_500_000 - slashed);
    assert_eq!(
        bonded(&hub, &b, &val0),
        25 * M,
        "bob left service 1 in time"
    );
    assert_books_match_chain(&chain, &hub, &vals);
    // The slashed stake alone leaves with the crank, and is routed once returned.
    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "sends a batch of slashed stake only",
    );
    assert_eq!(wasm_attr(&res, "batches_sent").unwrap(), "1");
    let entries = chain.unbonding_entries(&hub.delegator(&val0), &val0);
    assert_eq!(
        entries.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![slashed]
    );
    chain.advance_to(entries[0].1 + 1);
    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "settles 1 batch, routes its slashed stake to the community pool",
    );
    assert_eq!(wasm_attr(&res, "batches_settled").unwrap(), "1");
    let s = stats(&hub);
    assert_eq!(
        (
            num(&s["slashed_to_community_pool"]),
            num(&s["slashed_pending_routing"]),
            num(&s["total_slashed"])
        ),
        (500_000 + slashed, 0, 500_000 + slashed)
    );

    // ------------------------------------------------------------------ 7 chain entries
    seven_entry_cap(&chain, stored.data.code_id, &owner, &val0);

    // ------------------------------------------------------------------ final checks
    assert_books_match_chain(&chain, &hub, &vals);
    assert_eq!(
        chain.delegation(&hub.delegator(&val0), &val0),
        5_500_000 - slashed + 25 * M
    );
    assert_eq!(chain.delegation(&hub.delegator(&val1), &val1), 20 * M);
    let s = stats(&hub);
    assert_eq!(
        num(&s["total_bonded"]),
        5_500_000 - slashed + 25 * M + 20 * M
    );
    assert_eq!(num(&s["total_unbonding"]), 0);
    // Conservation: the hub holds at least what it owes in every denom.
    for denom in denoms {
        let owed: u128 = [&a, &b, &c]
            .iter()
            .map(|s| pending(&hub, s).get(denom).copied().unwrap_or(0))
            .sum();
        let held = chain.balance(&hub.addr, denom);
        assert!(held >= owed, "{denom}: hub holds {held}, owes {owed}");
        println!("{denom}: hub holds {held}, owes {owed}");
    }

    // ------------------------------------------------------------------ gas
    let steps = chain.gas_steps();
    println!("\nreal gas_used per transaction:\n{}", gas_table(&steps));
    if let Ok(path) = std::env::var("RESTAKE_E2E_GAS_JSON") {
        // Relative to the workspace root (tests run in the crate's folder).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap();
        let path = root.join(path);
        let text = gas_json(&steps);
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed["steps"].as_array().unwrap().len(), steps.len());
        std::fs::write(&path, text).expect("write the gas file");
        println!("wrote {}", path.display());
    }
}

/// The chain allows at most 7 unbonding entries per (delegator, validator). A second hub
/// (default epoch: 600 s / 7 → 86 s) gets an unbond every epoch: each leaves at once until
/// 7 batches are in flight; the 8th is held in the queued batch even though the chain has
/// already paid the first (only a settlement frees the slot), and the crank then settles
/// the first and sends it. An 8th entry would have failed the staker's transaction.
fn seven_entry_cap(
    chain: &Osmosis,
    code_id: u64,
    owner: &osmosis_test_tube::SigningAccount,
    val: &str,
) {
    assert_eq!(chain.staking_params().max_entries, 7);
    // The chain's own limit, shown by a plain delegator.
    let plain = chain.account(&[]);
    chain.delegate(&plain, val, M);
    for _ in 0..7 {
        chain.undelegate(&plain, val, 1000).expect("undelegate");
    }
    let err = chain.undelegate(&plain, val, 1000).unwrap_err();
    println!("8th MsgUndelegate of one delegator on one validator: {err}");
    assert!(
        err.contains("too many unbonding delegation entries"),
        "{err}"
    );

    let inst = chain
        .wasm()
        .instantiate(
            code_id,
            &json!({"unbonding_period": 600}),
            None,
            Some("restake-hub 2"),
            &[],
            owner,
        )
        .expect("instantiate");
    let hub = Hub {
        chain,
        addr: inst.data.address,
    };
    let (dave, keeper) = (chain.account(&[]), chain.account(&[]));
    let d = dave.address();
    hub.exec(
        &dave,
        json!({"deposit": {"validator": val}}),
        &[coin(10 * M, DENOM)],
        "2nd hub: new position",
    );
    for i in 1..=8usize {
        if i > 1 {
            chain.advance(86);
        }
        let unbond = json!({"unbond": {"validator": val, "amount": "100000"}});
        let res = match i {
            7 => hub.exec(
                &dave,
                unbond,
                &[],
                "2nd hub: 7th batch in flight, undelegated at once",
            ),
            8 => hub.exec(
                &dave,
                unbond,
                &[],
                "2nd hub: held, 7 batches in flight (1st paid, not settled)",
            ),
            _ => chain
                .wasm()
                .execute(&hub.addr, &unbond, &[], &dave)
                .expect("unbond"),
        };
        let sent = !events_of(&res, "unbond").is_empty();
        assert_eq!(sent, i <= 7, "unbond {i}: undelegated = {sent}");
        // The 8th comes after the 1st matured: the chain has paid it out.
        let expected = if i <= 7 { i } else { 6 };
        assert_eq!(
            chain.unbonding_entries(&hub.delegator(val), val).len(),
            expected
        );
    }
    let statuses: Vec<String> = unbondings(&hub, &d)
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses[0], "claimable");
    assert_eq!(statuses[7], "queued");
    assert_eq!(num(&books(&hub, val)["batches_in_flight"]), 7);

    let res = hub.exec(
        &keeper,
        json!({"process_unbondings": {}}),
        &[],
        "2nd hub: settles 1 batch, sends the held one",
    );
    assert_eq!(wasm_attr(&res, "batches_settled").unwrap(), "1");
    assert_eq!(wasm_attr(&res, "batches_sent").unwrap(), "1");
    let entries = chain.unbonding_entries(&hub.delegator(val), val);
    assert_eq!(entries.len(), 7);
    let before = chain.balance(&d, DENOM);
    hub.exec(
        &dave,
        json!({"claim_unbonded": {}}),
        &[],
        "2nd hub: 1 settled entry",
    );
    assert_eq!(chain.balance(&d, DENOM), before + 100_000 - FEE);

    // Every entry matured: one claim settles the 7 batches itself and pays them.
    chain.advance_to(entries[6].1 + 1);
    let before = chain.balance(&d, DENOM);
    let res = hub.exec(
        &dave,
        json!({"claim_unbonded": {}}),
        &[],
        "2nd hub: settles 7 matured batches itself, pays 7 entries",
    );
    assert_eq!(
        wasm_attr(&res, "unbonding_ids").unwrap().split(',').count(),
        7
    );
    assert_eq!(chain.balance(&d, DENOM), before + 700_000 - FEE);
    assert!(chain.unbonding_entries(&hub.delegator(val), val).is_empty());
    assert_eq!(bonded(&hub, &d, val), 10 * M - 800_000);
    assert_books_match_chain(chain, &hub, &[val]);
}
