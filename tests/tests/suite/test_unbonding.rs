//! Batched unbonding: the hub never holds more than the chain's 7 unbonding entries per
//! validator, and every staker gets exactly its tokens back.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::Decimal;
use restake_hub::error::ClaimWait;
use restake_hub::ContractError;
use restake_multitest::{attr, AppResponse, Suite, SuiteBuilder, HUB_UNBONDING};

use super::helpers::refused_with;

fn unbond_events(res: &AppResponse) -> usize {
    res.events.iter().filter(|e| e.ty == "unbond").count()
}

#[test]
fn ten_unbonds_in_a_few_days_stay_within_seven_chain_entries() {
    let mut suite = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = suite.validator(0);
    let stakers: Vec<String> = (0..10).map(|i| format!("staker{i}")).collect();
    for (i, s) in stakers.iter().enumerate() {
        suite.deposit(s, &v, 1_000_000 + i as u128 * 1_000).unwrap();
    }
    let mut chain_unbonds = 0;
    // One request every 7 hours (about 3 days in all), the crank after each.
    for (i, s) in stakers.iter().enumerate() {
        let amount = 500_000 + i as u128 * 777;
        let res = suite.unbond(s, &v, amount).unwrap();
        chain_unbonds += unbond_events(&res);
        let res = suite.process_unbondings().unwrap();
        chain_unbonds += unbond_events(&res);
        assert!(suite.chain_unbonding_entries().len() <= 7);
        suite.advance(7 * 3600);
    }
    // The first request went out at once; the rest waited for the 3-day epoch.
    suite.advance(3 * 86_400);
    chain_unbonds += unbond_events(&suite.process_unbondings().unwrap());
    assert_eq!(
        chain_unbonds, 2,
        "10 requests in ~3 days take 2 undelegations"
    );
    assert!(suite.chain_unbonding_entries().len() <= 7);
    suite.assert_invariants();

    suite.advance(HUB_UNBONDING);
    for (i, s) in stakers.iter().enumerate() {
        let before = suite.balance(s, "uatom");
        suite.claim_unbonded(s).unwrap();
        assert_eq!(
            suite.balance(s, "uatom") - before,
            500_000 + i as u128 * 777
        );
        assert_eq!(suite.bonded_of(s, &v), 500_000 + i as u128 * 223);
    }
    suite.assert_invariants();
    let stats = suite.stats().unwrap();
    assert_eq!(stats.total_unbonding.u128(), 0);
}

#[test]
fn a_month_of_daily_unbonds_never_exceeds_seven_entries() {
    let mut suite = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = suite.validator(0);
    for i in 0..40 {
        suite.deposit(&format!("s{i}"), &v, 100_000).unwrap();
    }
    let mut requested = vec![];
    for day in 0..40 {
        let s = format!("s{day}");
        suite.unbond(&s, &v, 60_000).unwrap();
        requested.push(s);
        for _ in 0..2 {
            suite.process_unbondings().unwrap();
            assert!(
                suite.chain_unbonding_entries().len() <= 7,
                "day {day}: {} entries",
                suite.chain_unbonding_entries().len()
            );
            suite.advance(12 * 3600);
        }
        // Stakers claim whatever has matured.
        for s in &requested {
            let _ = suite.claim_unbonded(s);
        }
    }
    suite.advance_with_crank(HUB_UNBONDING + 4 * 86_400, 86_400);
    for s in &requested {
        let _ = suite.claim_unbonded(s);
        assert_eq!(suite.balance(s, "uatom"), 60_000, "{s}");
        assert!(suite.unbondings(s).unwrap().is_empty());
    }
    suite.assert_invariants();
}

#[test]
fn positions_on_several_validators_and_two_stakers_add_up() {
    let mut suite = SuiteBuilder::new()
        .with_validators(3)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v1, v2) = (suite.validator(0), suite.validator(1), suite.validator(2));
    let oracle = suite
        .register_service("oracle", "oracle-slasher", Decimal::percent(10))
        .unwrap();
    let bridge = suite
        .register_service("bridge", "bridge-slasher", Decimal::percent(20))
        .unwrap();
    suite.deposit("alice", &v0, 300).unwrap();
    suite.deposit("alice", &v1, 500).unwrap();
    suite.deposit("bob", &v1, 700).unwrap();
    suite.deposit("bob", &v2, 1_100).unwrap();
    suite.opt_in("alice", &v0, &[oracle]).unwrap();
    suite.opt_in("alice", &v1, &[oracle, bridge]).unwrap();
    suite.opt_in("bob", &v1, &[bridge]).unwrap();
    suite.opt_in("bob", &v2, &[oracle]).unwrap();
    // a second deposit keeps the position's services
    suite.deposit("alice", &v0, 200).unwrap();
    assert_eq!(
        suite.position("alice", &v0).unwrap().service_ids,
        vec![oracle]
    );

    let o = suite.service_stake(oracle).unwrap();
    assert_eq!(o.total.u128(), 500 + 500 + 1_100);
    assert_eq!(
        o.validators
            .iter()
            .map(|v| (v.validator.clone(), v.amount.u128()))
            .collect::<Vec<_>>(),
        {
            let mut e = vec![(v0.clone(), 500), (v1.clone(), 500), (v2.clone(), 1_100)];
            e.sort();
            e
        }
    );
    assert_eq!(suite.service(bridge).unwrap().total_stake.u128(), 500 + 700);
    let stats = suite.stats().unwrap();
    assert_eq!(stats.total_bonded.u128(), 500 + 500 + 700 + 1_100);
    assert_eq!(stats.total_restaked.u128(), 2_100 + 1_200);
    assert_eq!(stats.stakers, 2);
    assert_eq!(stats.services, 2);
    assert_eq!(suite.delegation(&v1), 1_200);
    let overview = suite.staker_overview("alice").unwrap();
    assert_eq!(overview.bonded.u128(), 1_000);
    assert_eq!(overview.positions, 2);
    // 500 × 0.1 on v0, 500 × (0.1 + 0.2) on v1
    assert_eq!(overview.max_slash_exposure.u128(), 50 + 150);
    assert_eq!(
        overview
            .restaked
            .iter()
            .map(|r| (r.service_id, r.amount.u128()))
            .collect::<Vec<_>>(),
        vec![(oracle, 1_000), (bridge, 500)]
    );
    suite.assert_invariants();

    // Unbonding everything on a validator closes the position.
    suite.unbond("bob", &v2, 1_100).unwrap();
    assert_eq!(suite.positions("bob").unwrap().len(), 1);
    assert_eq!(suite.service(oracle).unwrap().total_stake.u128(), 1_000);
    let overview = suite.staker_overview("bob").unwrap();
    assert_eq!(overview.unbonding.u128(), 1_100);
    // unbonding stays exposed to the services it secured
    assert_eq!(overview.max_slash_exposure.u128(), 140 + 110);
    suite.assert_invariants();
    suite.advance(HUB_UNBONDING);
    suite.claim_unbonded("bob").unwrap();
    assert_eq!(suite.balance("bob", "uatom"), 1_100);
    assert_eq!(suite.stats().unwrap().stakers, 2);
    suite.unbond("bob", &v1, 700).unwrap();
    assert_eq!(suite.stats().unwrap().stakers, 1);
    suite.assert_invariants();
}

#[test]
fn unbonding_status_and_completion_times() {
    let mut suite = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = suite.validator(0);
    suite.deposit("alice", &v, 1_000).unwrap();
    let t0 = suite.now();
    let res = suite.unbond("alice", &v, 100).unwrap();
    assert_eq!(attr(&res, "unbonding_id").as_deref(), Some("1"));
    suite.advance(3600);
    suite.unbond("alice", &v, 200).unwrap();
    let u = suite.unbondings("alice").unwrap();
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].completion_time, t0.plus_seconds(HUB_UNBONDING));
    assert_eq!(format!("{:?}", u[0].status), "Unbonding");
    // queued behind the 3-day epoch
    assert_eq!(format!("{:?}", u[1].status), "Queued");
    assert_eq!(
        u[1].completion_time,
        t0.plus_seconds(HUB_UNBONDING.div_ceil(7) + HUB_UNBONDING)
    );
    suite.advance(HUB_UNBONDING);
    let u = suite.unbondings("alice").unwrap();
    assert!(u[0].matured);
    assert!(!u[1].matured);
    let res = suite.claim_unbonded("alice").unwrap();
    assert_eq!(attr(&res, "amount").as_deref(), Some("100"));
    // the second was never sent (nobody cranked): still queued
    assert_eq!(
        refused_with(&mut suite, |s| s.claim_unbonded("alice")),
        ContractError::NothingToClaim {
            reason: ClaimWait::NotMatured {
                next: u[1].completion_time
            }
        }
    );
    suite.process_unbondings().unwrap();
    suite.advance(HUB_UNBONDING);
    suite.claim_unbonded("alice").unwrap();
    assert_eq!(suite.balance("alice", "uatom"), 300);
    suite.assert_invariants();
}

/// `unbondings` and `service_stake` take no paging in the interface: they answer every entry
/// unless a `limit` is given. `slash_requests` (a paged list) answers `[]` to `limit: 0`.
#[test]
fn unbondings_and_service_stake_answer_every_entry() {
    let mut suite = SuiteBuilder::new()
        .with_validators(12)
        .with_hub(|m| m.max_veto_period = Some(30 * 86_400))
        .build();
    let id = suite
        .register(
            restake_multitest::ServiceSpec::new("oracle")
                .veto_period(30 * 86_400)
                .opt_out_delay(30 * 86_400),
        )
        .unwrap();
    let alice = suite.addr("alice").to_string();
    for i in 0..12 {
        let v = suite.validator(i);
        suite.deposit("alice", &v, 1_000_000).unwrap();
        suite.opt_in("alice", &v, &[id]).unwrap();
    }
    let v = suite.validator(0);
    for i in 0..12u128 {
        suite.unbond("alice", &v, 1_000 + i).unwrap();
        suite.advance(3600);
    }
    let all = suite
        .query_json(&format!(r#"{{"unbondings":{{"staker":"{alice}"}}}}"#))
        .unwrap();
    let all = all["unbondings"].as_array().unwrap();
    assert_eq!(all.len(), 12);
    let total: u128 = all
        .iter()
        .map(|u| u["amount"].as_str().unwrap().parse::<u128>().unwrap())
        .sum();
    assert_eq!(total, (0..12).map(|i| 1_000 + i).sum::<u128>());
    let page = suite
        .query_json(&format!(
            r#"{{"unbondings":{{"staker":"{alice}","start_after":3,"limit":5}}}}"#
        ))
        .unwrap();
    let ids: Vec<u64> = page["unbondings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![4, 5, 6, 7, 8]);

    let stake = suite
        .query_json(&format!(r#"{{"service_stake":{{"service_id":{id}}}}}"#))
        .unwrap();
    let validators = stake["validators"].as_array().unwrap();
    assert_eq!(validators.len(), 12);
    let per_validator: u128 = validators
        .iter()
        .map(|x| x["amount"].as_str().unwrap().parse::<u128>().unwrap())
        .sum();
    assert_eq!(stake["total"].as_str().unwrap(), per_validator.to_string());

    // a 30-day window was accepted above (max_veto_period set to 30 days)
    for i in 1..=3 {
        let val = suite.validator(i);
        suite
            .slash("oracle-slasher", id, &val, Decimal::percent(1))
            .unwrap();
    }
    let q = |limit: &str| {
        suite
            .query_json(&format!(
                r#"{{"slash_requests":{{"service_id":{id}{limit}}}}}"#
            ))
            .unwrap()["slash_requests"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(q(""), 3);
    assert_eq!(q(r#","limit":2"#), 2);
    assert_eq!(q(r#","limit":0"#), 0);
    suite.assert_invariants();
}

/// `n` validators with one staker each (`staker{i}` on validator i), who deposits `deposit`
/// and unbonds `unbond` at once (a validator's first unbond is sent at once, so the `n`
/// batches fall due together).
fn one_staker_per_validator(n: usize, deposit: u128, unbond: u128) -> (Suite, Vec<String>) {
    let mut suite = SuiteBuilder::new()
        .with_validators(n)
        .with_apr(Decimal::zero())
        .build();
    let stakers: Vec<String> = (0..n).map(|i| format!("staker{i}")).collect();
    for (i, s) in stakers.iter().enumerate() {
        let v = suite.validator(i);
        suite.deposit(s, &v, deposit).unwrap();
        suite.unbond(s, &v, unbond).unwrap();
    }
    (suite, stakers)
}

fn settled(res: &AppResponse) -> String {
    attr(res, "batches_settled").unwrap()
}

/// Batches of many validators falling due together are settled (and queued ones sent) at
/// most `MAX_BATCHES_PER_MESSAGE` (10) per message, earliest first, so neither a claim nor
/// the crank grows with the number of validators; the rest follow with the next call.
#[test]
fn batches_of_many_validators_are_settled_and_sent_ten_per_message() {
    let n = 12;
    // the first unbond on a validator goes out at once: 12 batches due together
    let (mut suite, stakers) = one_staker_per_validator(n, 1_000_000, 1_000);
    for (i, s) in stakers.iter().enumerate() {
        let v = suite.validator(i);
        suite.unbond(s, &v, 2_000).unwrap(); // queued for the next epoch
    }
    let sent = |res: &AppResponse| attr(res, "batches_sent").unwrap();
    suite.advance(HUB_UNBONDING.div_ceil(7) + 1);
    let res = suite.process_unbondings().unwrap();
    assert_eq!(unbond_events(&res), 10);
    assert_eq!(sent(&res), "10");
    let res = suite.process_unbondings().unwrap();
    assert_eq!((sent(&res).as_str(), unbond_events(&res)), ("2", 2));
    assert_eq!(sent(&suite.process_unbondings().unwrap()), "0");
    suite.assert_invariants();

    // the first 12 batches are due together: 10, then 2, are settled
    suite.advance(HUB_UNBONDING - HUB_UNBONDING.div_ceil(7));
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "10");
    let last = stakers.last().unwrap();
    assert!(suite.unbondings(last).unwrap().len() == 2);
    let before = suite.balance(last, "uatom");
    suite.claim_unbonded(last).unwrap(); // the claim settles the remaining 2
    assert_eq!(suite.balance(last, "uatom") - before, 1_000);
    for s in &stakers[..n - 1] {
        suite.claim_unbonded(s).unwrap();
    }
    suite.assert_invariants();
    // the second batches, with no crank: a claim settles the claimer's own batches first,
    // so the staker of the latest batch is paid by the first claim of this block
    suite.advance(HUB_UNBONDING.div_ceil(7) + 1);
    for s in stakers.iter().rev() {
        let before = suite.balance(s, "uatom");
        suite.claim_unbonded(s).unwrap();
        assert_eq!(suite.balance(s, "uatom") - before, 2_000, "{s}");
    }
    assert_eq!(suite.stats().unwrap().total_unbonding.u128(), 0);
    suite.assert_invariants();
}

/// Twelve validators' batches due together, one of them hit by a chain slash in flight
/// that nobody synced: each validator's returns land in its own delegator proxy, so each
/// batch settles from what its own validator returned — ten per message — and the slash is
/// charged to that validator's batch alone.
#[test]
fn a_slash_on_the_eleventh_validator_is_charged_to_its_batch_alone() {
    let n = 12;
    let (mut suite, stakers) = one_staker_per_validator(n, 1_000_000, 100_000);
    let last = suite.validator(n - 1);
    suite.advance(86_400);
    suite.chain_slash(&last, Decimal::percent(5));
    suite.advance(HUB_UNBONDING);
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "10");
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "2");
    for (i, s) in stakers.iter().enumerate() {
        suite.claim_unbonded(s).unwrap();
        let want = if i == n - 1 { 95_000 } else { 100_000 };
        assert_eq!(suite.balance(s, "uatom"), want, "{s}");
    }
    assert_eq!(suite.bonded_of(&stakers[n - 1], &last), 855_000);
    suite.assert_invariants();
}

/// A chain slash nobody could detect (the hub keeps no bonded stake on the validator, so
/// only the entry in flight shows it) is charged to that validator's batch alone: the
/// others, due together or later, arrive and are paid in full.
#[test]
fn an_undetectable_slash_stays_with_its_validator() {
    let n = 12;
    let (mut suite, stakers) = one_staker_per_validator(n, 100_000, 100_000); // none bonded
    let first = suite.validator(0);
    let last = suite.validator(n - 1);
    suite.advance(86_400);
    suite.chain_slash(&last, Decimal::percent(5)); // only the entry in flight shows it
                                                   // a later batch on the first validator, due a few days after the twelve
    suite.deposit("late", &first, 50_000).unwrap();
    suite.unbond("late", &first, 50_000).unwrap(); // queued: the epoch has not passed
    suite.advance(3 * 86_400);
    suite.process_unbondings().unwrap(); // sends it
    suite.advance(HUB_UNBONDING - 4 * 86_400 + 60);
    // the full returns settle at once; the short one waits until the chain has certainly
    // paid it out (a later block)
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "10");
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "1");
    suite.advance(5);
    assert_eq!(settled(&suite.process_unbondings().unwrap()), "1");
    suite.advance(4 * 86_400);
    suite.process_unbondings().unwrap();
    suite.claim_unbonded("late").unwrap();
    assert_eq!(suite.balance("late", "uatom"), 50_000);
    for (i, s) in stakers.iter().enumerate() {
        suite.claim_unbonded(s).unwrap();
        let want = if i == n - 1 { 95_000 } else { 100_000 };
        assert_eq!(suite.balance(s, "uatom"), want, "{s}");
    }
    suite.assert_invariants();
}
