//! Service slashing: exactly the stake that secures the service, bonded and unbonding,
//! no escape while a request is pending, nobody else loses a unit.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coin, Decimal, Uint128};
use restake_hub::error::{ClaimWait, OptOutWait};
use restake_hub::ContractError;
use restake_multitest::{attr, ServiceSpec, Suite, SuiteBuilder, HUB_UNBONDING};
use restake_types::{SlashDestination, SlashStatus};

use super::helpers::refused_with;

/// alice in {A}, bob in {A, B}, carol in {B}; 1_000_000 each on validator 0.
fn three_stakers(veto: u64) -> (Suite, String, u64, u64) {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let v = s.validator(0);
    let a = s
        .register(
            ServiceSpec::new("A")
                .max_slash(Decimal::percent(20))
                .resolver("A-resolver")
                .veto_period(veto)
                .opt_out_delay(veto.max(100))
                .reward_denom("uosmo"),
        )
        .unwrap();
    let b = s
        .register(ServiceSpec::new("B").reward_denom("uosmo"))
        .unwrap();
    for (who, set) in [("alice", vec![a]), ("bob", vec![a, b]), ("carol", vec![b])] {
        s.deposit(who, &v, 1_000_000).unwrap();
        s.opt_in(who, &v, &set).unwrap();
    }
    (s, v, a, b)
}

#[test]
fn a_slash_takes_exactly_the_exposed_stake_bonded_and_unbonding() {
    let (mut s, v, a, b) = three_stakers(0);
    // part of alice's and carol's stake is unbonding when the slash lands
    s.unbond("alice", &v, 200_000).unwrap();
    s.unbond("carol", &v, 300_000).unwrap();
    let other = s.validator(1);
    s.deposit("dave", &other, 1_000_000).unwrap();
    s.opt_in("dave", &other, &[a]).unwrap();

    let id = s.slash("A-slasher", a, &v, Decimal::percent(10)).unwrap();
    let r = s.slash_request(id).unwrap();
    assert_eq!(r.status, SlashStatus::Executed);
    assert_eq!(r.slashed_bonded.u128(), 80_000 + 100_000);
    assert_eq!(r.slashed_unbonding.u128(), 20_000);
    assert_eq!(r.slashed_amount.u128(), 200_000);

    assert_eq!(s.bonded_of("alice", &v), 720_000);
    assert_eq!(s.bonded_of("bob", &v), 900_000);
    assert_eq!(s.bonded_of("carol", &v), 700_000);
    assert_eq!(s.bonded_of("dave", &other), 1_000_000);
    assert_eq!(s.unbondings("alice").unwrap()[0].amount.u128(), 180_000);
    assert_eq!(s.unbondings("carol").unwrap()[0].amount.u128(), 300_000);
    assert_eq!(
        s.service(a).unwrap().total_stake.u128(),
        720_000 + 900_000 + 1_000_000
    );
    assert_eq!(s.service(b).unwrap().total_stake.u128(), 900_000 + 700_000);
    assert_eq!(s.service(a).unwrap().total_slashed.u128(), 200_000);
    let stats = s.stats().unwrap();
    assert_eq!(stats.total_slashed.u128(), 200_000);
    assert_eq!(stats.slashed_pending_routing.u128(), 200_000);
    s.assert_invariants();

    // later rewards use the reduced stake
    s.distribute("A", a, vec![coin(2_620, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("alice", "uosmo"), 720);
    assert_eq!(s.pending_native("bob", "uosmo"), 900);
    assert_eq!(s.pending_native("dave", "uosmo"), 1_000);

    // Batch 1 (alice's 200_000, sent at once) carries 20_000 slashed; batch 2 (carol's
    // 300_000 and the 180_000 slashed bonded stake) waits for the 3-day epoch.
    let epoch = HUB_UNBONDING.div_ceil(7);
    s.advance(epoch);
    let res = s.process_unbondings().unwrap();
    assert_eq!(attr(&res, "batches_sent").as_deref(), Some("1"));
    s.advance(HUB_UNBONDING - epoch);
    let supply = |s: &Suite| s.app.wrap().query_supply("uatom").unwrap().amount.u128();
    let before = supply(&s);
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 180_000);
    assert_eq!(before - supply(&s), 20_000);
    s.advance(epoch);
    let before = supply(&s);
    s.claim_unbonded("carol").unwrap();
    assert_eq!(s.balance("carol", "uatom"), 300_000);
    assert_eq!(before - supply(&s), 180_000);
    let stats = s.stats().unwrap();
    assert_eq!(stats.slashed_burned.u128(), 200_000);
    assert_eq!(stats.slashed_pending_routing.u128(), 0);
    s.assert_invariants();
}

#[test]
fn slashing_claimable_unbondings_routes_at_once() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let treasury = s.addr("treasury").to_string();
    let owner = s.owner.to_string();
    s.execute_json(
        &owner,
        &serde_json::json!({"update_config": {"slash_destination": {"address": {"address": treasury}}}})
            .to_string(),
        &[],
    )
    .unwrap();
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("A")).unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.unbond("alice", &v, 1_000).unwrap();
    s.advance(HUB_UNBONDING);
    // matured, returned by the chain, settled by the crank, not claimed yet: still slashable
    s.process_unbondings().unwrap();
    let u = s.unbondings("alice").unwrap();
    assert!(u[0].matured);
    s.slash("A-slasher", a, &v, Decimal::percent(10)).unwrap();
    assert_eq!(s.balance("treasury", "uatom"), 100);
    assert_eq!(s.stats().unwrap().slashed_to_address.u128(), 100);
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 900);
    s.assert_invariants();
}

#[test]
fn instantiate_refuses_an_invalid_slash_address() {
    let err = std::panic::catch_unwind(|| {
        SuiteBuilder::new()
            .with_hub(|m| {
                m.slash_destination = Some(SlashDestination::Address {
                    address: "not-an-address".into(),
                })
            })
            .build()
    });
    assert!(err.is_err());
}

#[test]
fn community_pool_destination() {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_hub(|m| m.slash_destination = Some(SlashDestination::CommunityPool {}))
        .build();
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("A")).unwrap();
    s.deposit("alice", &v, 10_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    let res = s.execute_json(
        "A-slasher",
        &serde_json::json!({"slash": {"service_id": a, "validator": v, "fraction": "0.1", "evidence": "e"}})
            .to_string(),
        &[],
    )
    .unwrap();
    assert_eq!(attr(&res, "destination").as_deref(), Some("community_pool"));
    assert_eq!(attr(&res, "slashed_amount").as_deref(), Some("1000"));
    s.process_unbondings().unwrap();
    s.advance(HUB_UNBONDING);
    s.process_unbondings().unwrap();
    let pool = s.community_pool.to_string();
    assert_eq!(s.balance(&pool, "uatom"), 1_000);
    assert_eq!(s.stats().unwrap().slashed_to_community_pool.u128(), 1_000);
    s.assert_invariants();
}

#[test]
fn veto_leaves_everything_untouched_and_the_window_is_enforced() {
    let (mut s, v, a, _) = three_stakers(3600);
    let before: Vec<u128> = ["alice", "bob", "carol"]
        .iter()
        .map(|w| s.bonded_of(w, &v))
        .collect();
    let id = s.slash("A-slasher", a, &v, Decimal::percent(20)).unwrap();
    assert_eq!(s.slash_request(id).unwrap().status, SlashStatus::Pending);
    let executable_at = s.slash_request(id).unwrap().executable_at;
    assert_eq!(
        refused_with(&mut s, |s| s.execute_slash("anyone", id)),
        ContractError::VetoWindowOpen { id, executable_at }
    );
    s.advance(1800);
    s.veto_slash("A-resolver", id).unwrap();
    assert_eq!(s.slash_request(id).unwrap().status, SlashStatus::Vetoed);
    let after: Vec<u128> = ["alice", "bob", "carol"]
        .iter()
        .map(|w| s.bonded_of(w, &v))
        .collect();
    assert_eq!(before, after);
    assert_eq!(s.stats().unwrap().total_slashed, Uint128::zero());
    // the owner can veto too; after the window anyone executes
    let id2 = s.slash("A-slasher", a, &v, Decimal::percent(5)).unwrap();
    let owner = s.owner.to_string();
    s.veto_slash(&owner, id2).unwrap();
    let id3 = s.slash("A-slasher", a, &v, Decimal::percent(5)).unwrap();
    s.advance(3600);
    s.execute_slash("anyone", id3).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 950_000);
    assert_eq!(s.bonded_of("carol", &v), 1_000_000);
    // listing and filters
    let all: restake_types::SlashRequestsResponse = s
        .query(&restake_types::QueryMsg::SlashRequests {
            service_id: Some(a),
            validator: Some(v.clone()),
            status: Some(SlashStatus::Vetoed),
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(
        all.slash_requests.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![id, id2]
    );
    s.assert_invariants();
}

/// `who`'s claim finds every matured unbonding held by a pending request of `service`.
fn assert_frozen_claim(s: &mut Suite, who: &str, service: u64) {
    let err = refused_with(s, |s| s.claim_unbonded(who));
    assert!(
        matches!(&err, ContractError::NothingToClaim { reason: ClaimWait::Frozen { held } }
            if !held.is_empty() && held.iter().all(|(_, by)| *by == service)),
        "{err:?}"
    );
}

#[test]
fn no_escape_while_a_request_is_pending() {
    let (mut s, v, a, b) = three_stakers(3600);
    // alice's unbonding is still in flight and bob is still leaving A when the request is
    // opened: both exits become ready after it, so it holds them
    s.unbond("alice", &v, 100_000).unwrap();
    s.advance(HUB_UNBONDING - 2 * 3600);
    s.opt_out("bob", &v, &[a]).unwrap();
    s.advance(1800);
    let id = s.slash("A-slasher", a, &v, Decimal::percent(10)).unwrap();
    s.advance(3 * 3600);

    // exits that would take exposed stake out wait
    assert_eq!(
        refused_with(&mut s, |s| s.complete_opt_out("bob", &v)),
        ContractError::NothingToComplete {
            validator: v.clone(),
            reason: OptOutWait::Frozen {
                service_ids: vec![a]
            }
        }
    );
    assert_frozen_claim(&mut s, "alice", a);
    // newcomers cannot join exposed stake
    let exposed = ContractError::ExposedStake {
        service_id: a,
        validator: v.clone(),
    };
    assert_eq!(
        refused_with(&mut s, |s| s.deposit("alice", &v, 10)),
        exposed
    );
    s.deposit("erin", &v, 500_000).unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("erin", &v, &[a])),
        exposed
    );
    // carol (B only) moving into A's pools is refused as well
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("carol", &v, &[a])),
        exposed
    );
    // unbonding is still allowed and stays slashable
    s.unbond("bob", &v, 500_000).unwrap();
    // unexposed stake moves freely
    s.deposit("carol", &v, 1_000).unwrap();
    s.opt_in("erin", &v, &[b]).unwrap();

    s.execute_slash("anyone", id).unwrap();
    // bob: 500_000 bonded and 500_000 unbonding, both lost 10%
    assert_eq!(s.bonded_of("bob", &v), 450_000);
    assert_eq!(s.unbondings("bob").unwrap()[0].amount.u128(), 450_000);
    s.complete_opt_out("bob", &v).unwrap();
    assert_eq!(s.position("bob", &v).unwrap().service_ids, vec![b]);
    let before = s.balance("alice", "uatom");
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom") - before, 90_000);
    assert_eq!(s.bonded_of("carol", &v), 1_001_000);
    assert_eq!(s.bonded_of("erin", &v), 500_000);
    s.deposit("alice", &v, 10).unwrap();
    s.assert_invariants();
}

/// Rule 7: a request holds only the exits that became ready after it was opened, so no
/// sequence of requests holds anyone for longer than one veto window past readiness.
#[test]
fn requests_hold_only_exits_that_became_ready_after_them() {
    let (mut s, v, a, _) = three_stakers(3600);
    // alice's unbonding matures and bob's opt-out delay ends before any request
    s.unbond("alice", &v, 100_000).unwrap();
    s.opt_out("bob", &v, &[a]).unwrap();
    s.advance(HUB_UNBONDING);
    s.process_unbondings().unwrap();
    s.advance(10);
    // a slasher opens request after request: none of them holds those exits
    for _ in 0..3 {
        s.slash("A-slasher", a, &v, Decimal::percent(1)).unwrap();
        s.advance(60);
    }
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 100_000);
    s.complete_opt_out("bob", &v).unwrap();
    assert!(!s.position("bob", &v).unwrap().service_ids.contains(&a));

    // alice's next unbonding becomes ready while the requests are pending: held, but only
    // until a request can be executed — one veto window — and anyone may execute it
    s.unbond("alice", &v, 100_000).unwrap();
    let late = s.slash("A-slasher", a, &v, Decimal::percent(1)).unwrap();
    s.advance(HUB_UNBONDING + 3 * 86_400 + 1);
    s.process_unbondings().unwrap();
    s.advance(10);
    assert_frozen_claim(&mut s, "alice", a);
    for id in 1..=late {
        s.execute_slash("alice", id).unwrap();
    }
    s.claim_unbonded("alice").unwrap();
    s.assert_invariants();
}

#[test]
fn a_wiped_out_pool_is_replaced_for_newcomers() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let a = s
        .register(ServiceSpec::new("A").max_slash(Decimal::one()))
        .unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.slash("A-slasher", a, &v, Decimal::one()).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 0);
    assert_eq!(s.service(a).unwrap().total_stake.u128(), 0);
    // bob joins the same service set: a fresh pool, not alice's worthless shares
    s.deposit("bob", &v, 500).unwrap();
    s.opt_in("bob", &v, &[a]).unwrap();
    assert_eq!(s.bonded_of("bob", &v), 500);
    // alice deposits again: her position restarts in a fresh pool too
    s.deposit("alice", &v, 300).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 300);
    assert_eq!(s.position("alice", &v).unwrap().service_ids, vec![a]);
    assert_eq!(s.service(a).unwrap().total_stake.u128(), 800);
    s.assert_invariants();
}

#[test]
fn worst_case_pools_at_the_cap_are_slashed_in_one_message() {
    let cap = 16u32;
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_hub(|m| m.max_pools_per_validator = Some(cap))
        .build();
    let v = s.validator(0);
    let target = s.register(ServiceSpec::new("target")).unwrap();
    let others: Vec<u64> = (0..4)
        .map(|i| s.register(ServiceSpec::new(&format!("svc{i}"))).unwrap())
        .collect();
    // the plain pool (late's position, never counted against the cap) and `cap` distinct
    // sets all containing `target`
    s.deposit("late", &v, 5_000).unwrap();
    s.deposit("late2", &v, 10_000).unwrap();
    let mut made = 0;
    'outer: for mask in 0u32..16 {
        let mut set = vec![target];
        for (i, id) in others.iter().enumerate() {
            if mask & (1 << i) != 0 {
                set.push(*id);
            }
        }
        let who = format!("staker{mask}");
        s.deposit(&who, &v, 10_000).unwrap();
        s.opt_in(&who, &v, &set).unwrap();
        s.unbond(&who, &v, 1_000).unwrap();
        made += 1;
        if made == cap {
            break 'outer;
        }
    }
    assert_eq!(s.pools(&v).unwrap().len() as u32, cap + 1);
    // one more distinct set is refused by the cap: `late` brings less than any pool holds,
    // so none may be evicted
    s.register(ServiceSpec::new("svc4")).unwrap();
    let set = [
        target,
        others[0],
        others[1],
        others[2],
        others[3],
        target + 5,
    ];
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("late", &v, &set)),
        ContractError::PoolCapReached {
            validator: v.clone(),
            max: cap
        }
    );
    let res = s.execute_json(
        "target-slasher",
        &serde_json::json!({"slash": {"service_id": target, "validator": v, "fraction": "0.1", "evidence": "e"}})
            .to_string(),
        &[],
    )
    .unwrap();
    assert_eq!(
        attr(&res, "pools_slashed").as_deref(),
        Some(&*cap.to_string())
    );
    assert_eq!(
        attr(&res, "slashed_amount").as_deref(),
        Some(&*(cap * 1_000).to_string())
    );
    s.assert_invariants();
}

#[test]
fn a_pending_opt_out_stays_slashable_until_completed() {
    let (mut s, v, a, _) = three_stakers(0);
    s.opt_out("alice", &v, &[a]).unwrap();
    s.slash("A-slasher", a, &v, Decimal::percent(10)).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 900_000);
    s.advance(100);
    s.complete_opt_out("alice", &v).unwrap();
    s.slash("A-slasher", a, &v, Decimal::percent(10)).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 900_000);
    assert_eq!(s.bonded_of("bob", &v), 810_000);
    s.assert_invariants();
}

#[test]
fn a_refused_destination_never_blocks_claims_and_is_retried() {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_refusing_community_pool()
        .with_hub(|m| m.slash_destination = Some(SlashDestination::CommunityPool {}))
        .build();
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("A")).unwrap();
    s.deposit("alice", &v, 10_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.unbond("alice", &v, 5_000).unwrap();
    s.advance(HUB_UNBONDING);
    s.process_unbondings().unwrap();
    // alice's claimable 5_000 and bonded 5_000 are both slashed 10%
    let res = s.slash("A-slasher", a, &v, Decimal::percent(10));
    assert!(res.is_ok(), "a refused routing must not fail the slash");
    let stats = s.stats().unwrap();
    assert_eq!(stats.slashed_unrouted.u128(), 500);
    assert_eq!(stats.slashed_to_community_pool.u128(), 0);
    s.assert_invariants();
    // claims still work
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 4_500);
    // the owner points slashing somewhere that accepts; the crank retries
    let owner = s.owner.to_string();
    s.execute_json(
        &owner,
        r#"{"update_config":{"slash_destination":{"burn":{}}}}"#,
        &[],
    )
    .unwrap();
    s.process_unbondings().unwrap();
    let stats = s.stats().unwrap();
    assert_eq!(stats.slashed_unrouted.u128(), 0);
    assert_eq!(stats.slashed_burned.u128(), 500);
    s.assert_invariants();
}
