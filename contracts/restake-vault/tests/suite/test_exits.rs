//! The exit queue: batches, fairness, claims, frozen unbondings, top-ups.

use cosmwasm_std::{Decimal, Uint128};
use restake_vault::msg::BatchStatus;
use restake_vault::ContractError;
use serde_json::json;

use super::helpers::*;

#[test]
fn exits_of_one_epoch_share_one_batch_and_one_price() {
    let mut s = setup();
    for who in ["alice", "bob", "carol", "dave"] {
        s.deposit(who, 1_000_000).unwrap();
    }
    // carol's exit sends batch 1 at once (no batch was sent before)
    let c = s.shares("carol");
    s.exit("carol", c).unwrap();
    assert_eq!(s.batch(1).status, BatchStatus::Unbonding);
    // alice and bob exit in the same epoch: batch 2, open
    let (a, b) = (s.shares("alice"), s.shares("bob"));
    s.exit("alice", a).unwrap();
    s.suite.advance(DAY);
    s.exit("bob", b).unwrap();
    let b2 = s.batch(2);
    assert_eq!(b2.status, BatchStatus::Open);
    assert_eq!(b2.shares.u128(), a + b);
    assert_eq!(
        b2.send_after,
        Some(s.batch(1).sent_at.unwrap().plus_seconds(EXIT_EPOCH))
    );
    // nobody can claim before the batch is back
    let err = refusal(s.claim("alice").unwrap_err());
    assert!(
        matches!(err, ContractError::NothingToClaim { .. }),
        "{err:?}"
    );
    // an open batch waits for its epoch; anyone may send it then
    s.process_exits().unwrap();
    assert_eq!(s.batch(2).status, BatchStatus::Open);
    s.suite.advance(2 * DAY);
    s.process_exits().unwrap();
    assert_eq!(s.batch(2).status, BatchStatus::Unbonding);
    // dave exits later: batch 3
    let d = s.shares("dave");
    s.exit("dave", d).unwrap();
    assert_eq!(s.batch(3).shares.u128(), d);

    s.days(22);
    // claim collects what the hub returned and pays: no keeper needed
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    let alice = s.uatom("alice") - before;
    let before = s.uatom("bob");
    s.claim("bob").unwrap();
    let bob = s.uatom("bob") - before;
    // same batch, same price per share (to a unit of rounding)
    let (pa, pb) = (alice * b, bob * a);
    assert!(pa.abs_diff(pb) <= a.max(b), "{alice}/{a} vs {bob}/{b}");
    assert!((999_997..=1_000_002).contains(&alice), "{alice}");
    assert_eq!(s.batch(2).status, BatchStatus::Complete);
    // carol's batch completed too
    s.claim("carol").unwrap();
    let err = refusal(s.claim("carol").unwrap_err());
    assert_eq!(
        err,
        ContractError::NothingToClaim {
            reason: "you have no exits".into()
        }
    );
    s.suite.assert_invariants();
}

#[test]
fn burning_is_exiting_and_burn_from_gives_the_exit_to_the_spender() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    let shares = s.shares("alice");
    s.vx(
        "alice",
        json!({"burn": {"amount": (shares / 2).to_string()}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.exits("alice").exits.len(), 1);
    let router = s.suite.addr("router").to_string();
    s.vx(
        "alice",
        json!({"increase_allowance": {"spender": router, "amount": "1000"}}),
        &[],
    )
    .unwrap();
    s.vx(
        "router",
        json!({"burn_from": {"owner": s.suite.addr("alice").to_string(), "amount": "1000"}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.exits("router").exits[0].shares.u128(), 1000);
    let err = refusal(
        s.vx(
            "router",
            json!({"burn_from": {"owner": s.suite.addr("alice").to_string(), "amount": "1"}}),
            &[],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Cw20(_)), "{err:?}");
    // an exit to another recipient
    let bob = s.suite.addr("bob").to_string();
    s.vx(
        "alice",
        json!({"exit": {"shares": "5000", "recipient": bob}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.exits("bob").exits[0].shares.u128(), 5000);
}

#[test]
fn exits_are_refused_with_the_reason() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    let err = refusal(s.exit("alice", 0).unwrap_err());
    assert_eq!(
        err,
        ContractError::ZeroAmount {
            field: "shares".into()
        }
    );
    let shares = s.shares("alice");
    let err = refusal(s.exit("alice", shares + 1).unwrap_err());
    assert!(matches!(err, ContractError::InsufficientShares { .. }));
    let err = refusal(s.exit("mallory", 1).unwrap_err());
    assert!(matches!(err, ContractError::InsufficientShares { .. }));
    s.suite.mint("alice", vec![cosmwasm_std::coin(1, "uatom")]);
    let err = refusal(
        s.vx(
            "alice",
            json!({"exit": {"shares": "1"}}),
            &[cosmwasm_std::coin(1, "uatom")],
        )
        .unwrap_err(),
    );
    assert_eq!(err, ContractError::NonPayable);
}

#[test]
fn an_exit_from_an_exposed_position_waits_for_the_request_and_bears_only_its_price() {
    let (suite, _) = chain(1, Decimal::zero());
    let strategy = json!({
        "validators": [{"validator": suite.validator(0), "weight": 1, "services": [ORACLE]}],
        "services": [{"service_id": ORACLE, "max_share": "1"}],
        "risk_budget": "0.1",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    let mut s = setup_with(Setup {
        validators: 1,
        strategy: Some(strategy),
        ..Setup::default()
    });
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    let v0 = s.validator(0);
    let id = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    let a = s.shares("alice");
    let value = s.preview_exit(a);
    assert!((949_998..=950_000).contains(&value), "{value}");
    s.exit("alice", a).unwrap();
    // the only position is exposed: the batch unbonds enough that what survives the
    // request is alice's value
    let b = s.batch(1);
    let hub = s.suite.unbondings(s.vault.as_str()).unwrap();
    assert!(hub[0].frozen);
    assert!(hub[0].amount.u128() >= value && hub[0].amount.u128() <= value * 100 / 95 + 1);
    s.days(22);
    s.process_exits().unwrap();
    // matured, but the pending request holds it
    assert_eq!(s.batch(1).status, BatchStatus::Unbonding);
    let err = refusal(s.claim("alice").unwrap_err());
    assert!(
        matches!(err, ContractError::NothingToClaim { .. }),
        "{err:?}"
    );
    s.suite.execute_slash("keeper", id).unwrap();
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    let got = s.uatom("alice") - before;
    assert!(
        got <= value + 1 && got + 2 >= value,
        "{got} vs {value} (owed {})",
        b.owed
    );
    // bob bore his half of the slash, no more
    let bob = s.value("bob");
    assert!((949_996..=950_002).contains(&bob), "{bob}");
    s.suite.assert_invariants();
}

#[test]
fn an_exit_needing_more_than_the_positions_hold_is_topped_up_from_returning_tokens() {
    let mut s = setup_with(Setup {
        validators: 3,
        ..Setup::default()
    });
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    // the curator moves everything to validator 2: both positions drain
    let st = json!({
        "validators": [{"validator": s.validator(2), "weight": 1, "services": []}],
        "services": [],
        "risk_budget": "0",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    assert_eq!((s.bonded_on(0), s.bonded_on(1)), (0, 0));
    // alice exits while all value is unbonding: her batch is owed from the drain's return
    let a = s.shares("alice");
    s.exit("alice", a).unwrap();
    let b = s.batch(1);
    assert_eq!(b.status, BatchStatus::Unbonding);
    assert_eq!(s.state().exit_top_ups, b.owed);
    s.days(22);
    s.process_exits().unwrap();
    assert_eq!(s.batch(1).status, BatchStatus::Complete);
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    let got = s.uatom("alice") - before;
    assert!((999_997..=1_000_000).contains(&got), "{got}");
    // the rest went back to work for bob
    s.rebalance().unwrap();
    let bob = s.value("bob");
    assert!((999_997..=1_000_001).contains(&bob), "{bob}");
    assert_eq!(s.state().exit_top_ups, Uint128::zero());
    s.suite.assert_invariants();
    let _ = Decimal::zero();
}
