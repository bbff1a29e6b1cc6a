//! The `cranks` query: what `rebalance`, `harvest` and `process_exits` would do now. A
//! keeper sends a crank only when its list is not empty, so every list must be empty on an
//! idle vault, name the work when there is some, and be empty again once the crank ran.

use cosmwasm_std::coin;
use restake_types::ServiceStatus;
use restake_vault::msg::CranksResponse;
use serde_json::json;

use super::helpers::*;

fn cranks(s: &VaultSuite) -> CranksResponse {
    s.vq(json!({"cranks": {}}))
}

fn idle(c: &CranksResponse) -> bool {
    c.rebalance.is_empty() && c.harvest.is_empty() && c.process_exits.is_empty()
}

#[test]
fn each_crank_is_listed_only_while_it_has_work() {
    let mut s = setup();
    assert!(idle(&cranks(&s)), "{:?}", cranks(&s));
    // a deposit opens the position and opts it in by itself: nothing left for the cranks
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    assert!(idle(&cranks(&s)), "{:?}", cranks(&s));

    // harvest: a service pays in uosmo; the vault's share waits at the hub
    s.suite
        .distribute("oracle", ORACLE, vec![coin(1_000, "uosmo")])
        .unwrap();
    let c = cranks(&s);
    assert_eq!(c.harvest.len(), 1, "{c:?}");
    assert!(c.harvest[0].contains("uosmo"), "{c:?}");
    assert!(c.pending_bonded_rewards.is_zero());
    assert!(
        c.rebalance.is_empty() && c.process_exits.is_empty(),
        "{c:?}"
    );
    s.harvest().unwrap();
    assert!(idle(&cranks(&s)), "{:?}", cranks(&s));

    // process_exits: the first exit goes out at once; the second waits for the epoch
    s.exit("alice", 1_000).unwrap();
    assert!(idle(&cranks(&s)), "{:?}", cranks(&s));
    s.exit("alice", 1_000).unwrap();
    assert!(
        idle(&cranks(&s)),
        "not due before the epoch: {:?}",
        cranks(&s)
    );
    s.days(EXIT_EPOCH / DAY);
    let c = cranks(&s);
    assert_eq!(c.process_exits.len(), 1, "{c:?}");
    assert!(c.process_exits[0].contains("exit batch 2"), "{c:?}");
    s.process_exits().unwrap();
    assert!(cranks(&s).process_exits.is_empty(), "{:?}", cranks(&s));
    // the first batch's hub unbonding matures: collect it
    s.days(22 - EXIT_EPOCH / DAY);
    let c = cranks(&s);
    assert!(
        c.process_exits.iter().any(|l| l.contains("matured")),
        "{c:?}"
    );
    s.process_exits().unwrap();
    let c = cranks(&s);
    assert!(
        !c.process_exits.iter().any(|l| l.contains("matured")),
        "{c:?}"
    );

    // rebalance: a paused service is left by rule ...
    s.suite
        .set_service_status("oracle", ORACLE, ServiceStatus::Paused)
        .unwrap();
    let c = cranks(&s);
    assert_eq!(
        c.rebalance,
        vec!["leave service 1: the service is paused".to_string()],
        "{c:?}"
    );
    s.rebalance().unwrap();
    assert!(cranks(&s).rebalance.is_empty(), "{:?}", cranks(&s));

    // ... and a strategy whose timelock has passed is applied, with its opt-ins
    let mut strategy = default_strategy(&s);
    strategy["validators"][0]["services"] = json!([BRIDGE]);
    strategy["validators"][1]["services"] = json!([BRIDGE]);
    strategy["services"] = json!([{"service_id": BRIDGE, "max_share": "1"}]);
    s.propose(strategy).unwrap();
    assert!(cranks(&s).rebalance.is_empty(), "timelock not passed");
    s.suite.advance(TIMELOCK);
    let c = cranks(&s);
    assert!(c.rebalance[0].contains("may apply"), "{c:?}");
    s.rebalance().unwrap();
    // that rebalance completed the oracle's ready opt-outs; the bridge fits the risk budget
    // only now, so the next pass has the opt-ins to send
    let c = cranks(&s);
    assert_eq!(c.rebalance.len(), 2, "{c:?}");
    assert!(
        c.rebalance.iter().all(|l| l.contains("into services [2]")),
        "{c:?}"
    );
    s.rebalance().unwrap();
    assert!(cranks(&s).rebalance.is_empty(), "{:?}", cranks(&s));
    for i in 0..2 {
        let p = s.suite.position(s.vault.as_str(), &s.validator(i)).unwrap();
        assert!(p.service_ids.contains(&BRIDGE), "{p:?}");
    }
    s.suite.assert_invariants();
}

/// Native rewards make `harvest` worth sending: the query says how much waits, so a keeper
/// can hold off until it covers the fee.
#[test]
fn native_rewards_are_reported_for_compounding() {
    let mut s = setup_with(Setup {
        apr: cosmwasm_std::Decimal::percent(10),
        ..Setup::default()
    });
    s.deposit("alice", 10_000_000).unwrap();
    s.suite.advance(30 * DAY);
    s.suite.harvest(None).unwrap();
    let c = cranks(&s);
    assert!(c.pending_bonded_rewards.u128() > 0, "{c:?}");
    assert!(c.harvest[0].contains("to compound"), "{c:?}");
    let nav = s.state().nav;
    s.harvest().unwrap();
    let c = cranks(&s);
    assert!(
        c.harvest.is_empty() && c.pending_bonded_rewards.is_zero(),
        "{c:?}"
    );
    assert!(c.rebalance.is_empty(), "re-deposited by the harvest: {c:?}");
    assert_eq!(s.state().nav, nav, "compounding moves no value");
}
