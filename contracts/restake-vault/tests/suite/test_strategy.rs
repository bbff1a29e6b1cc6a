//! The curator's strategy: validation, the timelock holders can see, and holders leaving
//! inside it at the old risk.

use cosmwasm_std::Decimal;
use restake_vault::ContractError;
use serde_json::{json, Value};

use super::helpers::*;

/// Both validators secure the oracle and the bridge: 5 % + 10 % = 15 % exposure.
fn riskier(s: &VaultSuite) -> Value {
    json!({
        "validators": [
            {"validator": s.validator(0), "weight": 1, "services": [ORACLE, BRIDGE]},
            {"validator": s.validator(1), "weight": 1, "services": [ORACLE, BRIDGE]}
        ],
        "services": [{"service_id": ORACLE, "max_share": "1"}, {"service_id": BRIDGE, "max_share": "1"}],
        "risk_budget": "0.15",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    })
}

#[test]
fn holders_leave_inside_the_timelock_at_the_old_risk() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    s.deposit("carol", 10_000).unwrap();
    // carol's exit sends the first batch: the next one waits for the epoch
    let carol = s.shares("carol");
    s.exit("carol", carol).unwrap();
    assert!(s.batch(1).sent_at.is_some());

    s.propose(riskier(&s)).unwrap();
    let pending = s.strategy().pending.expect("visible to holders");
    assert_eq!(pending.effective_at, s.suite.now().plus_seconds(TIMELOCK));
    assert_eq!(pending.strategy.risk_budget, Decimal::percent(15));
    let err = refusal(
        s.vx("keeper", json!({"apply_strategy": {}}), &[])
            .unwrap_err(),
    );
    assert!(
        matches!(err, ContractError::TimelockNotPassed { .. }),
        "{err:?}"
    );

    // bob dislikes it and leaves during the timelock; his batch is not due yet
    s.suite.advance(DAY);
    let bob = s.shares("bob");
    s.exit("bob", bob).unwrap();
    assert!(s.batch(2).sent_at.is_none());

    s.suite.advance(TIMELOCK - DAY);
    let res = s.vx("anyone", json!({"apply_strategy": {}}), &[]).unwrap();
    assert_eq!(vattr(&res, "strategy_applied").as_deref(), Some("true"));
    // bob's batch went out first, from positions securing only the oracle
    let batch = s.batch(2);
    assert!(batch.sent_at.is_some());
    let bob_owed = batch.owed.u128();
    let hub_entries = s.suite.unbondings(s.vault.as_str()).unwrap();
    let bobs = hub_entries
        .iter()
        .find(|u| batch.hub_unbonding_ids.contains(&u.id))
        .expect("bob's unbonding");
    assert_eq!(bobs.service_ids, vec![ORACLE]);
    // the positions now secure the bridge too
    let p = s.suite.position(s.vault.as_str(), &s.validator(0)).unwrap();
    assert_eq!(p.service_ids, vec![ORACLE, BRIDGE]);
    assert!(s.strategy().pending.is_none());

    // the bridge slashes validator 0 by 10 %: alice bears it, bob's exit does not
    let v0 = s.validator(0);
    let id = s
        .suite
        .slash("bridge-slasher", BRIDGE, &v0, Decimal::percent(10))
        .unwrap();
    s.suite.advance(DAY);
    s.suite.execute_slash("keeper", id).unwrap();
    s.days(22);
    s.process_exits().unwrap();
    let before = s.uatom("bob");
    s.claim("bob").unwrap();
    assert_eq!(s.uatom("bob") - before, bob_owed);
    assert!(bob_owed >= 999_990, "{bob_owed}");
    let alice = s.value("alice");
    assert!(alice < 1_000_000 - 40_000, "alice {alice}");
    s.suite.assert_invariants();
}

#[test]
fn only_the_curator_proposes_and_cancels() {
    let mut s = setup();
    let strategy = riskier(&s);
    let err = refusal(
        s.vx(
            "mallory",
            json!({"propose_strategy": {"strategy": strategy}}),
            &[],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Ownership(_)), "{err:?}");
    let err = refusal(
        s.vx("mallory", json!({"cancel_strategy": {}}), &[])
            .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Ownership(_)));
    let err = refusal(
        s.vx(
            "mallory",
            json!({"leave_service": {"service_id": ORACLE}}),
            &[],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Ownership(_)));
    let err = refusal(
        s.vx(CURATOR, json!({"cancel_strategy": {}}), &[])
            .unwrap_err(),
    );
    assert_eq!(err, ContractError::NoPendingStrategy);
    s.propose(riskier(&s)).unwrap();
    s.vx(CURATOR, json!({"cancel_strategy": {}}), &[]).unwrap();
    assert!(s.strategy().pending.is_none());
    // nothing applies after the timelock
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    assert_eq!(s.strategy().active.risk_budget, Decimal::percent(10));
}

#[test]
fn the_timelock_of_the_next_change_is_the_current_strategys() {
    let mut s = setup();
    let mut short = riskier(&s);
    short["timelock"] = json!(DAY);
    s.propose(short).unwrap();
    // this change still waits the current 3 days
    s.suite.advance(DAY);
    s.rebalance().unwrap();
    assert_eq!(s.strategy().active.timelock, TIMELOCK);
    s.suite.advance(2 * DAY);
    s.rebalance().unwrap();
    assert_eq!(s.strategy().active.timelock, DAY);
    // a timelock below the vault's floor is refused
    let mut zero = riskier(&s);
    zero["timelock"] = json!(0);
    let err = refusal(s.propose(zero).unwrap_err());
    assert!(
        matches!(err, ContractError::InvalidStrategy { .. }),
        "{err:?}"
    );
}

#[test]
fn strategies_that_break_the_rules_are_refused_with_the_reason() {
    let mut s = setup();
    let base = riskier(&s);
    let check =
        |s: &mut VaultSuite, edit: &dyn Fn(&mut Value), want: &dyn Fn(&ContractError) -> bool| {
            let mut st = base.clone();
            edit(&mut st);
            let err = refusal(s.propose(st).unwrap_err());
            assert!(want(&err), "{err:?}");
        };
    // Σ max_slash 15 % above a 10 % budget
    check(&mut s, &|st| st["risk_budget"] = json!("0.1"), &|e| {
        matches!(e, ContractError::RiskBudgetExceeded { .. })
    });
    // the bridge may secure at most half the stake, both validators give it all
    check(
        &mut s,
        &|st| st["services"][1]["max_share"] = json!("0.5"),
        &|e| matches!(e, ContractError::ServiceCapExceeded { service_id: 2, .. }),
    );
    // a service the strategy does not list
    check(
        &mut s,
        &|st| st["validators"][0]["services"] = json!([ORACLE, 7]),
        &|e| matches!(e, ContractError::InvalidStrategy { .. }),
    );
    // an unknown service
    check(
        &mut s,
        &|st| st["services"][1]["service_id"] = json!(9),
        &|e| matches!(e, ContractError::InvalidStrategy { .. }),
    );
    // a duplicate validator
    let v0 = s.validator(0);
    check(
        &mut s,
        &|st| st["validators"][1]["validator"] = json!(v0.clone()),
        &|e| matches!(e, ContractError::Duplicate { .. }),
    );
    // weight zero, no validator, not a validator
    check(
        &mut s,
        &|st| st["validators"][0]["weight"] = json!(0),
        &|e| matches!(e, ContractError::InvalidStrategy { .. }),
    );
    check(&mut s, &|st| st["validators"] = json!([]), &|e| {
        matches!(e, ContractError::InvalidStrategy { .. })
    });
    check(
        &mut s,
        &|st| st["validators"][0]["validator"] = json!("cosmwasmvaloper1nobody"),
        &|e| matches!(e, ContractError::InvalidStrategy { .. }),
    );
    // a paused service
    s.suite
        .set_service_status("bridge", BRIDGE, restake_types::ServiceStatus::Paused)
        .unwrap();
    check(&mut s, &|_| {}, &|e| {
        matches!(e, ContractError::ServiceNotActive { service_id: 2, .. })
    });
    // a typo in a field
    let mut typo = base.clone();
    typo["risk_budjet"] = json!("0.1");
    assert!(s.propose(typo).is_err());
}

#[test]
fn a_dropped_validator_is_drained_into_the_new_one() {
    let mut s = setup_with(Setup {
        validators: 3,
        ..Setup::default()
    });
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("alice", 1_000_000).unwrap();
    assert_eq!((s.bonded_on(0), s.bonded_on(1)), (1_000_000, 1_000_000));
    // move validator 1's weight to validator 2
    let st = json!({
        "validators": [
            {"validator": s.validator(0), "weight": 1, "services": [ORACLE]},
            {"validator": s.validator(2), "weight": 1, "services": [ORACLE]}
        ],
        "services": [{"service_id": ORACLE, "max_share": "1"}],
        "risk_budget": "0.1",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    let res = s.rebalance().unwrap();
    assert!(vattr(&res, "drain").is_some());
    assert_eq!(s.bonded_on(1), 0);
    // the drained tokens still count in the price while they unbond
    assert_eq!(s.state().nav.u128(), 2_000_000);
    assert_eq!(s.state().unbonding.u128(), 1_000_000);
    s.days(22);
    s.process_exits().unwrap();
    assert_eq!(s.state().idle.u128(), 1_000_000);
    // back to work on the new validator
    s.rebalance().unwrap();
    assert_eq!(s.bonded_on(2), 1_000_000);
    let p = s.suite.position(s.vault.as_str(), &s.validator(2)).unwrap();
    assert_eq!(p.service_ids, vec![ORACLE]);
    assert_eq!(s.state().nav.u128(), 2_000_000);
    // validator 1 left the vault's list
    assert_eq!(s.state().validators.len(), 2);
    s.suite.assert_invariants();
}
