//! The edges an independent review of v0.1 found (issue 17), each as the scenario that
//! failed, driven by raw JSON through a cw-multi-test chain with real staking, bank and
//! distribution modules. Each would fail on v0.1.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coins, Decimal, Empty, Validator};
use cw_multi_test::{App, AppBuilder, ContractWrapper, Executor, IntoBech32, StakingInfo};
use restake_hub::error::ClaimWait;
use restake_hub::ContractError;
use restake_multitest::{attr, Suite, SuiteBuilder, HUB_UNBONDING};
use serde_json::{json, Value};

use super::helpers::refused_with;

fn exec(
    s: &mut Suite,
    who: &str,
    msg: Value,
    funds: &[cosmwasm_std::Coin],
) -> anyhow::Result<cw_multi_test::AppResponse> {
    s.execute_json(who, &msg.to_string(), funds)
}

fn deposit(s: &mut Suite, who: &str, v: &str, amount: u128) {
    s.mint(who, coins(amount, "uatom"));
    exec(
        s,
        who,
        json!({"deposit": {"validator": v}}),
        &coins(amount, "uatom"),
    )
    .unwrap();
}

fn unbond(s: &mut Suite, who: &str, v: &str, amount: u128) {
    exec(
        s,
        who,
        json!({"unbond": {"validator": v, "amount": amount.to_string()}}),
        &[],
    )
    .unwrap();
}

fn claim(s: &mut Suite, who: &str) -> anyhow::Result<cw_multi_test::AppResponse> {
    exec(s, who, json!({"claim_unbonded": {}}), &[])
}

fn crank(s: &mut Suite) {
    exec(s, "keeper", json!({"process_unbondings": {}}), &[]).unwrap();
}

fn sync(s: &mut Suite, v: &str) {
    exec(
        s,
        "keeper",
        json!({"sync_validator": {"validator": v}}),
        &[],
    )
    .unwrap();
}

fn register(s: &mut Suite, admin: &str, name: &str, opt_out_delay: u64) -> u64 {
    let slasher = s.addr(&format!("{name}-slasher")).to_string();
    let res = exec(
        s,
        admin,
        json!({"register_service": {"name": name, "slasher": slasher, "max_slash": "0.1",
            "veto_period": 0, "opt_out_delay": opt_out_delay}}),
        &[],
    )
    .unwrap();
    attr(&res, "service_id").unwrap().parse().unwrap()
}

fn suite(validators: usize) -> Suite {
    SuiteBuilder::new()
        .with_validators(validators)
        .with_apr(Decimal::zero())
        .build()
}

/// Defect 1: A chain slash above one third of an in-flight batch: alice unbonds 1,000,000, her batch
/// goes out at once, the chain slashes the validator 50 %, a sync records it; when the chain
/// has returned 500,000, alice gets 500,000 (v0.1: nothing, for ever).
#[test]
fn a_fifty_percent_slash_in_flight_settles_at_half() {
    let mut s = suite(1);
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 2_000_000);
    unbond(&mut s, "alice", &v, 1_000_000);
    s.chain_slash(&v, Decimal::percent(50));
    sync(&mut s, &v);
    s.advance(40 * 86_400);
    crank(&mut s);
    claim(&mut s, "alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 500_000);
    assert_eq!(s.bonded_of("alice", &v), 500_000);
    s.assert_invariants();

    // the same with everything unbonded: no delegation is left to show the slash, the
    // return alone does
    let mut s = suite(1);
    deposit(&mut s, "alice", &v, 1_000_000);
    unbond(&mut s, "alice", &v, 1_000_000);
    s.chain_slash(&v, Decimal::percent(50));
    s.advance(40 * 86_400);
    // nothing explains the shortfall, so it is booked only once a strictly earlier block
    // the hub saw was past completion (the chain pays at the end of the block)
    crank(&mut s);
    assert_eq!(
        refused_with(&mut s, |s| claim(s, "alice")),
        ContractError::NothingToClaim {
            reason: ClaimWait::NotSettled
        }
    );
    s.advance(5);
    claim(&mut s, "alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 500_000);
    s.assert_invariants();
}

/// Defect 2: That batch does not hold anyone else's: bob unbonds 100,000 on a healthy validator and
/// is paid in full, and sends on the slashed validator go on.
#[test]
fn a_slashed_batch_holds_no_other_validator_and_its_own_sends_go_on() {
    let mut s = suite(2);
    let (v0, v1) = (s.validator(0), s.validator(1));
    deposit(&mut s, "alice", &v0, 2_000_000);
    deposit(&mut s, "bob", &v1, 1_000_000);
    unbond(&mut s, "alice", &v0, 1_000_000);
    s.chain_slash(&v0, Decimal::percent(50));
    sync(&mut s, &v0);
    unbond(&mut s, "bob", &v1, 100_000);
    // later unbonds on the slashed validator keep going out, one batch per epoch
    for _ in 0..3 {
        s.advance(HUB_UNBONDING.div_ceil(7) + 1);
        unbond(&mut s, "alice", &v0, 10_000);
    }
    s.advance(60 * 86_400);
    crank(&mut s);
    crank(&mut s);
    claim(&mut s, "bob").unwrap();
    assert_eq!(s.balance("bob", "uatom"), 100_000);
    claim(&mut s, "alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 500_000 + 30_000);
    assert!(s.chain_unbonding() == 0);
    s.assert_invariants();
}

/// Defect 3: A chain slash nobody could detect (the hub keeps no delegation on validator 0 when it
/// happens) is charged to the batch it hit, not shared with another validator's.
#[test]
fn an_undetected_slash_is_charged_to_its_own_validator() {
    let mut s = suite(2);
    let (v0, v1) = (s.validator(0), s.validator(1));
    deposit(&mut s, "alice", &v0, 1_000_000);
    deposit(&mut s, "bob", &v1, 1_000_000);
    unbond(&mut s, "alice", &v0, 1_000_000);
    unbond(&mut s, "bob", &v1, 1_000_000);
    s.chain_slash(&v0, Decimal::percent(10));
    s.advance(HUB_UNBONDING + 60);
    crank(&mut s);
    s.advance(5);
    crank(&mut s);
    claim(&mut s, "alice").unwrap();
    claim(&mut s, "bob").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 900_000);
    assert_eq!(s.balance("bob", "uatom"), 1_000_000);
    s.assert_invariants();
}

/// Defect 4: Strangers fill every pool slot of a validator for a few uatom: 32 throwaway accounts
/// each deposit, opt into a junk service of their own and unbond all but 1 uatom. A plain
/// deposit still works (the plain pool is never capped) and a due opt-out still completes,
/// keeping the services its staker keeps (exits may open pools beyond the slots); a newcomer
/// with more stake than a junk pool takes its slot at once (a forced opt-out of the junk pool).
#[test]
fn strangers_filling_pool_slots_lock_nobody_out() {
    let mut s = suite(1);
    let v = s.validator(0);
    let keep = register(&mut s, "svc-keep", "keep", 86_400);
    let leave = register(&mut s, "svc-leave", "leave", 86_400);
    deposit(&mut s, "bob", &v, 1_000_000);
    exec(
        &mut s,
        "bob",
        json!({"opt_in": {"validator": v, "service_ids": [keep, leave]}}),
        &[],
    )
    .unwrap();
    exec(
        &mut s,
        "bob",
        json!({"opt_out": {"validator": v, "service_ids": [leave]}}),
        &[],
    )
    .unwrap();
    let cap = s.config().unwrap().max_pools_per_validator;
    // bob's pool holds one slot; the strangers take the rest
    for i in 0..cap - 1 {
        let who = format!("stranger{i}");
        let junk = register(&mut s, &who, &format!("junk{i}"), 0);
        deposit(&mut s, &who, &v, 1_000);
        exec(
            &mut s,
            &who,
            json!({"opt_in": {"validator": v, "service_ids": [junk]}}),
            &[],
        )
        .unwrap();
        unbond(&mut s, &who, &v, 999);
    }
    assert_eq!(
        s.pools(&v)
            .unwrap()
            .iter()
            .filter(|p| !p.service_ids.is_empty())
            .count() as u32,
        cap
    );

    // alice's plain deposit
    deposit(&mut s, "alice", &v, 5_000);
    assert_eq!(s.bonded_of("alice", &v), 5_000);
    // bob's due opt-out completes, and he keeps securing `keep`
    s.advance(86_400);
    exec(
        &mut s,
        "bob",
        json!({"complete_opt_out": {"validator": v}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.position("bob", &v).unwrap().service_ids, vec![keep]);

    // a newcomer into a new set displaces a junk pool at once if she brings more than it
    // holds (its unbonding in flight does not protect it: eviction is a forced opt-out, so
    // the junk pool keeps securing its service, and stays slashable, until its delay ends)
    let fresh = register(&mut s, "svc-fresh", "fresh", 0);
    exec(
        &mut s,
        "alice",
        json!({"opt_in": {"validator": v, "service_ids": [fresh]}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.position("alice", &v).unwrap().service_ids, vec![fresh]);
    // the displaced stranger's 1 uatom is opted out of its junk service (ready now: junk's
    // delay is 0); the next touch moves it to the plain pool
    let displaced: Vec<_> = (0..64)
        .map(|i| format!("stranger{i}"))
        .filter(|w| {
            s.position(w, &v)
                .map(|p| !p.pending_opt_outs.is_empty() && !p.amount.is_zero())
                .unwrap_or(false)
        })
        .collect();
    assert_eq!(displaced.len(), 1, "{displaced:?}");
    exec(
        &mut s,
        &displaced[0],
        json!({"complete_opt_out": {"validator": v}}),
        &[],
    )
    .unwrap();
    assert!(s
        .position(&displaced[0], &v)
        .unwrap()
        .service_ids
        .is_empty());
    s.assert_invariants();
}

/// Defect 5: A slash rounds once per pool: bonded stake and three unbonding groups (1,000,001 in all)
/// slashed 0.1 lose ceil(100,000.1) = 100,001, not 100,003.
#[test]
fn a_slash_rounds_once_per_pool() {
    let mut s = suite(1);
    let v = s.validator(0);
    let svc = register(&mut s, "svc", "svc", 0);
    deposit(&mut s, "alice", &v, 1_000_001);
    exec(
        &mut s,
        "alice",
        json!({"opt_in": {"validator": v, "service_ids": [svc]}}),
        &[],
    )
    .unwrap();
    unbond(&mut s, "alice", &v, 100_003); // sent at once
    s.advance(HUB_UNBONDING.div_ceil(7) + 1);
    unbond(&mut s, "alice", &v, 100_003); // sent: the epoch passed
    unbond(&mut s, "alice", &v, 100_003); // queued
    let slasher = s.addr("svc-slasher").to_string();
    let res = exec(
        &mut s,
        &slasher,
        json!({"slash": {"service_id": svc, "validator": v, "fraction": "0.1", "evidence": "e"}}),
        &[],
    )
    .unwrap();
    assert_eq!(attr(&res, "slashed_amount").as_deref(), Some("100001"));
    assert_eq!(attr(&res, "pools_slashed").as_deref(), Some("1"));
    s.assert_invariants();
}

/// Defect 6: Any cw-multi-test `App` runs the hub: the default App (no Stargate querier, no
/// restake-multitest modules) takes deposits and unbonds, because the hub asks only the
/// standard staking, bank and wasm queries.
#[test]
fn a_default_app_runs_the_hub() {
    let valoper = "validator1"
        .into_bech32_with_prefix("cosmwasmvaloper")
        .to_string();
    let v = valoper.clone();
    let mut app: App = AppBuilder::new().build(|router, api, storage| {
        router
            .staking
            .setup(
                storage,
                StakingInfo {
                    bonded_denom: "uatom".into(),
                    unbonding_time: 60,
                    apr: Decimal::percent(10),
                },
            )
            .unwrap();
        let block = cosmwasm_std::testing::mock_env().block;
        router
            .staking
            .add_validator(
                api,
                storage,
                &block,
                Validator::create(v.clone(), Decimal::zero(), Decimal::one(), Decimal::one()),
            )
            .unwrap();
        let alice = api.addr_make("alice");
        router
            .bank
            .init_balance(storage, &alice, coins(1_000_000, "uatom"))
            .unwrap();
    });
    let code = app.store_code(Box::new(
        ContractWrapper::new(
            restake_hub::contract::execute,
            restake_hub::contract::instantiate,
            restake_hub::contract::query,
        )
        .with_reply(restake_hub::contract::reply),
    ));
    let owner = app.api().addr_make("owner");
    let hub = app
        .instantiate_contract(
            code,
            owner,
            &json!({"unbonding_period": 60}),
            &[],
            "hub",
            None,
        )
        .unwrap();
    let alice = app.api().addr_make("alice");
    let msg = |m: Value| cosmwasm_std::Binary::new(m.to_string().into_bytes());
    app.execute(
        alice.clone(),
        cosmwasm_std::WasmMsg::Execute {
            contract_addr: hub.to_string(),
            msg: msg(json!({"deposit": {"validator": valoper}})),
            funds: coins(1_000_000, "uatom"),
        }
        .into(),
    )
    .unwrap();
    let position: restake_types::PositionResponse = app
        .wrap()
        .query_wasm_smart(
            &hub,
            &json!({"position": {"staker": alice, "validator": valoper}}),
        )
        .unwrap();
    assert_eq!(position.amount.u128(), 1_000_000);
    app.execute(
        alice.clone(),
        cosmwasm_std::WasmMsg::Execute {
            contract_addr: hub.to_string(),
            msg: msg(json!({"unbond": {"validator": valoper, "amount": "1000000"}})),
            funds: vec![],
        }
        .into(),
    )
    .unwrap();
    app.update_block(|b| {
        b.time = b.time.plus_seconds(61);
        b.height += 12;
    });
    app.update_block(|b| b.height += 1);
    app.execute(
        alice.clone(),
        cosmwasm_std::WasmMsg::Execute {
            contract_addr: hub.to_string(),
            msg: msg(json!({"claim_unbonded": {}})),
            funds: vec![],
        }
        .into(),
    )
    .unwrap();
    assert_eq!(
        app.wrap()
            .query_balance(&alice, "uatom")
            .unwrap()
            .amount
            .u128(),
        1_000_000
    );
    let _: Empty = Empty {};
}

/// Audit (a slash finds its pools through the service's pool index): a pool evicted and then
/// converted keeps its unbonding in flight slashable; the slash reaches it through the index
/// (and only it: bob's pool of another service is not read).
#[test]
fn audit_a_converted_pools_unbonding_in_flight_stays_slashable_through_the_index() {
    let mut s = SuiteBuilder::new()
        .with_validators(1)
        .with_apr(Decimal::zero())
        .with_hub(|m| m.max_pools_per_validator = Some(1))
        .build();
    let v = s.validator(0);
    let a = register(&mut s, "svc-a", "a", 0);
    let b = register(&mut s, "svc-b", "b", 0);
    deposit(&mut s, "alice", &v, 1_000_000);
    exec(
        &mut s,
        "alice",
        json!({"opt_in": {"validator": v, "service_ids": [a]}}),
        &[],
    )
    .unwrap();
    // sent at once: in flight
    unbond(&mut s, "alice", &v, 400_000);
    // bob brings more than alice's pool holds: it is evicted (a's delay is 0)
    deposit(&mut s, "bob", &v, 2_000_000);
    exec(
        &mut s,
        "bob",
        json!({"opt_in": {"validator": v, "service_ids": [b]}}),
        &[],
    )
    .unwrap();
    s.advance(1);
    // alice's next touch converts her pool: its bonded stake moves to the plain pool, its
    // unbonding in flight stays with it (and listed)
    deposit(&mut s, "alice", &v, 10);
    assert!(s.position("alice", &v).unwrap().service_ids.is_empty());
    s.assert_invariants();
    let slasher = s.addr("a-slasher").to_string();
    let res = exec(
        &mut s,
        &slasher,
        json!({"slash": {"service_id": a, "validator": v, "fraction": "0.1", "evidence": "e"}}),
        &[],
    )
    .unwrap();
    assert_eq!(attr(&res, "pools_slashed").as_deref(), Some("1"));
    assert_eq!(attr(&res, "slashed_bonded").as_deref(), Some("0"));
    assert_eq!(attr(&res, "slashed_unbonding").as_deref(), Some("40000"));
    s.assert_invariants();
}
