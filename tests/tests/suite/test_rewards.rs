//! docs/design.md rule 3: a staker's reward = its stake × the service's payments per unit of
//! stake while it was opted in, to within 1 unit per payment.

use cosmwasm_std::{coin, Decimal};
use restake_multitest::{ServiceSpec, Suite, SuiteBuilder};

/// floor(a × b / c)
fn share(a: u128, b: u128, c: u128) -> u128 {
    a * b / c
}

fn assert_close(actual: u128, expected: u128, payments: u128, what: &str) {
    assert!(
        actual <= expected + 1 && actual + payments + 1 >= expected,
        "{what}: got {actual}, expected {expected} (±{payments})"
    );
}

#[test]
fn two_services_three_stakers_two_denoms_and_a_cw20() {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    let token = s.create_cw20("BRG", &[("bridge", 10_000_000)]);
    let oracle = s
        .register(
            ServiceSpec::new("oracle")
                .reward_denom("uosmo")
                .reward_denom("untrn"),
        )
        .unwrap();
    let bridge = s
        .register(
            ServiceSpec::new("bridge")
                .reward_denom("uosmo")
                .reward_token(&token),
        )
        .unwrap();

    // alice: 3_000 on v0 in oracle+bridge; bob: 1_000 on v1 in oracle; carol: 2_000 on v0 in bridge
    s.deposit("alice", &v0, 3_000).unwrap();
    s.opt_in("alice", &v0, &[oracle, bridge]).unwrap();
    s.deposit("bob", &v1, 1_000).unwrap();
    s.opt_in("bob", &v1, &[oracle]).unwrap();
    s.deposit("carol", &v0, 2_000).unwrap();
    s.opt_in("carol", &v0, &[bridge]).unwrap();

    // payment 1: oracle 1_000 uosmo (stake 4_000) and 777 untrn
    s.distribute(
        "oracle",
        oracle,
        vec![coin(1_000, "uosmo"), coin(777, "untrn")],
    )
    .unwrap();
    // payment 2: bridge 5_000 uosmo (stake 5_000) and 999 cw20
    s.distribute("bridge", bridge, vec![coin(5_000, "uosmo")])
        .unwrap();
    s.distribute_cw20(&token, "bridge", bridge, 999).unwrap();

    // dave joins oracle right after: earns nothing of the payments before
    s.deposit("dave", &v1, 4_000).unwrap();
    s.opt_in("dave", &v1, &[oracle]).unwrap();
    assert!(s.pending_rewards("dave").unwrap().is_empty());

    // bob leaves: unbonds everything (stops earning at once)
    s.unbond("bob", &v1, 1_000).unwrap();
    // carol opts out of bridge: still earning until completed (delay 0, not completed yet)
    s.opt_out("carol", &v0, &[bridge]).unwrap();

    // payment 3: oracle 2_000 uosmo over alice 3_000 + dave 4_000
    s.distribute("oracle", oracle, vec![coin(2_000, "uosmo")])
        .unwrap();
    // payment 4: bridge 1_000 uosmo over alice 3_000 + carol 2_000 (opt-out pending)
    s.distribute("bridge", bridge, vec![coin(1_000, "uosmo")])
        .unwrap();
    s.complete_opt_out("carol", &v0).unwrap();
    // payment 5: bridge 3_000 cw20 over alice only
    s.distribute_cw20(&token, "bridge", bridge, 3_000).unwrap();
    s.assert_invariants();

    let alice_osmo = share(1_000, 3_000, 4_000)
        + share(5_000, 3_000, 5_000)
        + share(2_000, 3_000, 7_000)
        + share(1_000, 3_000, 5_000);
    let bob_osmo = share(1_000, 1_000, 4_000);
    let carol_osmo = share(5_000, 2_000, 5_000) + share(1_000, 2_000, 5_000);
    let dave_osmo = share(2_000, 4_000, 7_000);
    assert_close(
        s.pending_native("alice", "uosmo"),
        alice_osmo,
        4,
        "alice uosmo",
    );
    assert_close(s.pending_native("bob", "uosmo"), bob_osmo, 1, "bob uosmo");
    assert_close(
        s.pending_native("carol", "uosmo"),
        carol_osmo,
        2,
        "carol uosmo",
    );
    assert_close(
        s.pending_native("dave", "uosmo"),
        dave_osmo,
        1,
        "dave uosmo",
    );
    assert_close(
        s.pending_native("alice", "untrn"),
        share(777, 3_000, 4_000),
        1,
        "alice untrn",
    );
    assert_close(
        s.pending_native("bob", "untrn"),
        share(777, 1_000, 4_000),
        1,
        "bob untrn",
    );
    assert_close(
        s.pending_cw20("alice", &token),
        share(999, 3_000, 5_000) + 3_000,
        2,
        "alice cw20",
    );
    assert_close(
        s.pending_cw20("carol", &token),
        share(999, 2_000, 5_000),
        1,
        "carol cw20",
    );

    // claims pay exactly what pending_rewards showed, and never more than was paid in
    let mut paid_osmo = 0;
    for who in ["alice", "bob", "carol", "dave"] {
        let pending = s.pending_rewards(who).unwrap();
        let osmo_before = s.balance(who, "uosmo");
        let ntrn_before = s.balance(who, "untrn");
        let cw_before = s.cw20_balance(&token, who);
        s.claim_rewards(who).unwrap();
        for r in pending {
            let got = match (&r.denom, &r.cw20) {
                (Some(d), _) if d == "uosmo" => s.balance(who, "uosmo") - osmo_before,
                (Some(_), _) => s.balance(who, "untrn") - ntrn_before,
                _ => s.cw20_balance(&token, who) - cw_before,
            };
            assert_eq!(got, r.amount.u128(), "{who} {:?}", r);
        }
        paid_osmo += s.balance(who, "uosmo");
        assert!(s.pending_rewards(who).unwrap().is_empty());
    }
    assert!(paid_osmo <= 9_000);
    assert!(9_000 - paid_osmo <= 4, "dust {}", 9_000 - paid_osmo);
    s.assert_invariants();
}

#[test]
fn joining_after_a_payment_and_leaving_before_one() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(
            ServiceSpec::new("svc")
                .reward_denom("uosmo")
                .opt_out_delay(1000),
        )
        .unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.distribute("svc", id, vec![coin(600, "uosmo")]).unwrap();
    // bob joins just after the payment
    s.deposit("bob", &v, 1_000).unwrap();
    s.opt_in("bob", &v, &[id]).unwrap();
    assert_eq!(s.pending_native("bob", "uosmo"), 0);
    assert_eq!(s.pending_native("alice", "uosmo"), 600);
    // alice starts an opt-out: keeps earning until completed
    s.opt_out("alice", &v, &[id]).unwrap();
    s.distribute("svc", id, vec![coin(400, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("alice", "uosmo"), 800);
    assert_eq!(s.pending_native("bob", "uosmo"), 200);
    s.advance(1000);
    s.complete_opt_out("alice", &v).unwrap();
    s.distribute("svc", id, vec![coin(100, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("alice", "uosmo"), 800);
    assert_eq!(s.pending_native("bob", "uosmo"), 300);
    // bob unbonds half: the half stops earning at once
    s.unbond("bob", &v, 500).unwrap();
    s.distribute("svc", id, vec![coin(50, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("bob", "uosmo"), 350);
    // re-opting in after a completed opt-out earns again
    s.opt_in("alice", &v, &[id]).unwrap();
    s.distribute("svc", id, vec![coin(150, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("alice", "uosmo"), 900);
    assert_eq!(s.pending_native("bob", "uosmo"), 400);
    s.assert_invariants();
}

#[test]
fn precision_one_unit_over_a_huge_stake_and_huge_payments() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(ServiceSpec::new("svc").reward_denom("uosmo"))
        .unwrap();
    s.deposit("whale", &v, 1_000_000_000_000_000).unwrap();
    s.opt_in("whale", &v, &[id]).unwrap();
    s.distribute("svc", id, vec![coin(1, "uosmo")]).unwrap();
    assert_eq!(s.pending_native("whale", "uosmo"), 1);
    // 10^30 units over the same stake: no overflow, exact
    s.distribute("svc", id, vec![coin(10u128.pow(30), "uosmo")])
        .unwrap();
    assert_eq!(s.pending_native("whale", "uosmo"), 10u128.pow(30) + 1);
    s.claim_rewards("whale").unwrap();
    assert_eq!(s.balance("whale", "uosmo"), 10u128.pow(30) + 1);
    s.assert_invariants();
}

#[test]
fn rewards_in_the_bonded_denom_do_not_disturb_unbonding_settlement() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(ServiceSpec::new("svc").reward_denom("uatom"))
        .unwrap();
    s.deposit("alice", &v, 10_000).unwrap();
    s.deposit("bob", &v, 10_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.unbond("bob", &v, 4_000).unwrap();
    s.distribute("svc", id, vec![coin(5_000, "uatom")]).unwrap();
    s.advance(21 * 86_400);
    // the matured batch and the rewards are both uatom in the hub's bank
    s.claim_unbonded("bob").unwrap();
    assert_eq!(s.balance("bob", "uatom"), 4_000);
    s.claim_rewards("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 5_000);
    assert_eq!(s.stats().unwrap().chain_slashed.u128(), 0);
    s.assert_invariants();
}

/// Chain's own figures: the rewards accrued on the hub's delegation between two
/// delegation changes go to the stake present in that interval.
#[test]
fn native_staking_rewards_follow_stake_time() {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::percent(10))
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    let day = 86_400;
    let mut expected = std::collections::BTreeMap::<&'static str, u128>::new();
    let mut stakes: Vec<(&'static str, u128)> = vec![];
    // Credits the chain's rewards of the interval to the stake that earned them.
    let credit = |s: &Suite,
                  stakes: &[(&'static str, u128)],
                  expected: &mut std::collections::BTreeMap<&'static str, u128>| {
        let r = s.chain_rewards(&v0);
        let total: u128 = stakes.iter().map(|(_, a)| a).sum();
        for (who, a) in stakes {
            *expected.entry(who).or_default() += r * a / total.max(1);
        }
        r
    };
    s.deposit("alice", &v0, 1_000_000_000).unwrap();
    stakes.push(("alice", 1_000_000_000));
    s.advance(10 * day);
    let mut chain_total = credit(&s, &stakes, &mut expected);
    s.deposit("bob", &v0, 3_000_000_000).unwrap();
    stakes.push(("bob", 3_000_000_000));
    s.advance(10 * day);
    chain_total += credit(&s, &stakes, &mut expected);
    s.unbond("alice", &v0, 500_000_000).unwrap();
    stakes[0].1 = 500_000_000;
    s.advance(5 * day);
    chain_total += credit(&s, &stakes, &mut expected);
    s.harvest(None).unwrap();
    // rewards on another validator stay there
    s.deposit("carol", &v1, 1_000_000_000).unwrap();
    s.advance(day);
    // not harvested yet: pending_rewards counts it, as claim_rewards would harvest it
    chain_total += credit(&s, &stakes, &mut expected);
    for who in ["alice", "bob"] {
        assert_close(
            s.pending_native(who, "uatom"),
            expected[who],
            3,
            &format!("{who} native"),
        );
    }
    assert!(chain_total > 0);
    let paid: u128 = ["alice", "bob"]
        .iter()
        .map(|w| s.pending_native(w, "uatom"))
        .sum();
    assert!(paid <= chain_total && chain_total - paid <= 3);
    // carol's pending includes what the chain accrued for v1 since her deposit
    let carol = s.pending_native("carol", "uatom");
    assert_eq!(carol, s.chain_rewards(&v1));
    // claim pays the same as pending, harvesting what was not harvested yet
    for who in ["alice", "bob", "carol"] {
        let p = s.pending_native(who, "uatom");
        let before = s.balance(who, "uatom");
        s.claim_rewards(who).unwrap();
        assert_eq!(s.balance(who, "uatom") - before, p, "{who}");
    }
    s.assert_invariants();
}
