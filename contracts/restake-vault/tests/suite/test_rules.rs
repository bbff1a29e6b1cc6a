//! Rules that act without the curator: a paused or retired service, one that slashes too
//! much, one that raised its terms.

use cosmwasm_std::Decimal;
use restake_types::{ExecuteMsg as HubMsg, ServiceStatus, UpdateServiceMsg};
use restake_vault::ContractError;
use serde_json::json;

use super::helpers::*;

fn funded() -> VaultSuite {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    s
}

fn services_on(s: &VaultSuite, i: usize) -> (Vec<u64>, Vec<u64>) {
    let p = s.suite.position(s.vault.as_str(), &s.validator(i)).unwrap();
    (
        p.service_ids,
        p.pending_opt_outs.iter().map(|o| o.service_id).collect(),
    )
}

fn update_service(
    s: &mut VaultSuite,
    admin: &str,
    id: u64,
    edit: impl FnOnce(&mut UpdateServiceMsg),
) {
    let mut msg = UpdateServiceMsg {
        service_id: id,
        max_slash: None,
        opt_out_delay: None,
        resolver: None,
        metadata_uri: None,
        add_reward_denoms: None,
        add_reward_tokens: None,
        admin: None,
        slasher: None,
        clear_resolver: None,
    };
    edit(&mut msg);
    s.suite
        .execute(admin, &HubMsg::UpdateService(msg), &[])
        .unwrap();
}

#[test]
fn a_paused_service_is_left_by_rule() {
    let mut s = funded();
    s.suite
        .set_service_status("oracle", ORACLE, ServiceStatus::Paused)
        .unwrap();
    let res = s.rebalance().unwrap();
    assert_eq!(
        vattr(&res, "left_service").as_deref(),
        Some("1: the service is paused")
    );
    let left = s.strategy().left;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].service_id, ORACLE);
    // opting out takes the service's delay; the stake secures it until then
    assert_eq!(services_on(&s, 0), (vec![ORACLE], vec![ORACLE]));
    assert_eq!(services_on(&s, 1), (vec![ORACLE], vec![ORACLE]));
    s.suite.advance(2 * DAY);
    s.rebalance().unwrap();
    assert_eq!(services_on(&s, 0), (vec![], vec![]));
    assert_eq!(services_on(&s, 1), (vec![], vec![]));
    // reactivated, it stays left until a strategy lists it again
    s.suite
        .set_service_status("oracle", ORACLE, ServiceStatus::Active)
        .unwrap();
    s.rebalance().unwrap();
    assert_eq!(services_on(&s, 0).0, Vec::<u64>::new());
    // new deposits do not secure it either
    s.deposit("carol", 500_000).unwrap();
    assert_eq!(services_on(&s, 0).0, Vec::<u64>::new());
    // the curator brings it back through the timelock
    let st = default_strategy(&s);
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    assert_eq!(services_on(&s, 0).0, vec![ORACLE]);
    assert!(s.strategy().left.is_empty());
    s.suite.assert_invariants();
}

#[test]
fn a_retired_service_is_left_too() {
    let mut s = funded();
    s.suite
        .set_service_status("oracle", ORACLE, ServiceStatus::Retired)
        .unwrap();
    let res = s.rebalance().unwrap();
    assert_eq!(
        vattr(&res, "left_service").as_deref(),
        Some("1: the service is retired")
    );
}

#[test]
fn a_longer_opt_out_delay_is_raised_terms_a_lower_max_slash_is_not() {
    let mut s = funded();
    update_service(&mut s, "oracle", ORACLE, |m| {
        m.max_slash = Some(Decimal::percent(2));
    });
    let res = s.rebalance().unwrap();
    assert_eq!(vattr(&res, "left_service"), None);
    update_service(&mut s, "oracle", ORACLE, |m| {
        m.opt_out_delay = Some(30 * DAY);
    });
    let res = s.rebalance().unwrap();
    assert_eq!(
        vattr(&res, "left_service").as_deref(),
        Some("1: the service raised its opt_out_delay from 172800 to 2592000 seconds")
    );
    assert_eq!(services_on(&s, 0).1, vec![ORACLE]);
}

#[test]
fn a_new_slasher_or_a_removed_resolver_is_raised_terms() {
    let mut s = funded();
    update_service(&mut s, "oracle", ORACLE, |m| {
        m.clear_resolver = Some(true);
    });
    let res = s.rebalance().unwrap();
    assert_eq!(
        vattr(&res, "left_service").as_deref(),
        Some("1: the service removed its resolver")
    );
}

#[test]
fn a_service_that_slashes_more_than_the_limit_in_the_window_is_left() {
    let mut s = funded();
    let mut st = default_strategy(&s);
    st["slash_limit"] = json!({"max_fraction": "0.06", "window": 10 * DAY});
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    let (v0, v1) = (s.validator(0), s.validator(1));
    // 5 %: within the limit
    let a = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    s.rebalance().unwrap();
    assert!(s.strategy().left.is_empty());
    s.suite.advance(DAY);
    s.suite.execute_slash("keeper", a).unwrap();
    // another 5 %, still pending, makes 10 % in the window: the vault leaves at once,
    // without waiting for the second to execute
    s.suite
        .slash("oracle-slasher", ORACLE, &v1, Decimal::percent(5))
        .unwrap();
    let res = s.rebalance().unwrap();
    let reason = vattr(&res, "left_service").expect("left");
    assert_eq!(
        reason,
        "1: its slash requests of the last 864000 seconds add up to 0.1, above 0.06"
    );
    assert_eq!(services_on(&s, 0).1, vec![ORACLE]);
    assert_eq!(services_on(&s, 1).1, vec![ORACLE]);
    s.suite.assert_invariants();
}

#[test]
fn vetoed_requests_do_not_count_and_old_ones_leave_the_window() {
    let mut s = funded();
    let mut st = default_strategy(&s);
    st["slash_limit"] = json!({"max_fraction": "0.06", "window": 10 * DAY});
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    let (v0, v1) = (s.validator(0), s.validator(1));
    let a = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    s.rebalance().unwrap();
    s.suite.veto_slash("oracle-resolver", a).unwrap();
    // 5 % executed after a vetoed 5 %: within 6 %
    let b = s
        .suite
        .slash("oracle-slasher", ORACLE, &v1, Decimal::percent(5))
        .unwrap();
    s.rebalance().unwrap();
    assert!(s.strategy().left.is_empty());
    s.suite.advance(DAY);
    s.suite.execute_slash("keeper", b).unwrap();
    // eleven days later the executed one is outside the window
    s.suite.advance(11 * DAY);
    s.rebalance().unwrap();
    let c = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    s.rebalance().unwrap();
    assert!(s.strategy().left.is_empty());
    // one more inside the window: 10 % > 6 %
    s.suite
        .slash("oracle-slasher", ORACLE, &v1, Decimal::percent(5))
        .unwrap();
    let res = s.rebalance().unwrap();
    let reason = vattr(&res, "left_service").expect("left");
    assert!(
        reason.starts_with("1: its slash requests of the last 864000 seconds add up to 0.1"),
        "{reason}"
    );
    let _ = c;
    s.suite.assert_invariants();
}

#[test]
fn the_curator_leaves_a_service_at_once() {
    let mut s = funded();
    let res = s
        .vx(
            CURATOR,
            json!({"leave_service": {"service_id": ORACLE}}),
            &[],
        )
        .unwrap();
    assert_eq!(vattr(&res, "action").as_deref(), Some("leave_service"));
    assert_eq!(services_on(&s, 0).1, vec![ORACLE]);
    let err = refusal(
        s.vx(
            CURATOR,
            json!({"leave_service": {"service_id": ORACLE}}),
            &[],
        )
        .unwrap_err(),
    );
    assert_eq!(err, ContractError::AlreadyLeft { service_id: ORACLE });
    let err = refusal(
        s.vx(CURATOR, json!({"leave_service": {"service_id": 9}}), &[])
            .unwrap_err(),
    );
    assert_eq!(err, ContractError::NotInStrategy { service_id: 9 });
}

#[test]
fn an_opt_out_frozen_by_a_pending_request_completes_after_it() {
    let mut s = funded();
    let v0 = s.validator(0);
    let id = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    s.vx(
        CURATOR,
        json!({"leave_service": {"service_id": ORACLE}}),
        &[],
    )
    .unwrap();
    s.suite.advance(2 * DAY);
    // validator 1 completes; validator 0 waits for the request (a tolerant refusal)
    let res = s.rebalance().unwrap();
    assert!(attrs(&res, "action").contains(&"hub_refused".to_string()));
    assert_eq!(services_on(&s, 1).0, Vec::<u64>::new());
    assert_eq!(services_on(&s, 0).0, vec![ORACLE]);
    s.suite.execute_slash("keeper", id).unwrap();
    s.rebalance().unwrap();
    assert_eq!(services_on(&s, 0).0, Vec::<u64>::new());
    s.suite.assert_invariants();
}
