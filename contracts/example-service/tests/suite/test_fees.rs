//! Fee income: paid to the service, forwarded to the hub once per epoch, claimed by the
//! stakers securing the service in proportion to their stake.

use restake_multitest::{attr, err_text};

use super::helpers::*;

#[test]
fn fees_reach_the_stakers_in_proportion_to_their_stake() {
    let mut t = setup();
    let (v0, v1) = (t.validator(0), t.validator(1));

    // Phase 1: fees arrive before anyone secures the service: the hub would refuse them,
    // so `distribute` keeps them and does not use up the epoch.
    t.pay_fees("dapp", 8_000, FEE_DENOM).unwrap();
    t.pay_cw20(800).unwrap();
    assert_eq!(t.pending_fees(), (8_000, 800));
    let res = t.distribute().unwrap();
    assert_eq!(attr(&res, "deferred").as_deref(), Some("no stake opted in"));
    assert_eq!(t.pending_fees(), (8_000, 800));
    assert_eq!(t.fees().last_distribution, None);
    assert_eq!(t.balance(t.service.as_str(), FEE_DENOM), 8_000);
    t.assert_invariants();

    // Phase 2: alice (1M on v0) and bob (3M on v1) secure the service; carol stakes on v0
    // without opting in.
    t.stake("alice", &v0, 1_000_000);
    t.stake("bob", &v1, 3_000_000);
    t.deposit("carol", &v0, 2_000_000).unwrap();
    t.assert_invariants();

    // Phase 3: the keeper distributes; the stakers' claims are their exact shares.
    let res = t.distribute().unwrap();
    assert_eq!(attr(&res, "total_stake").as_deref(), Some("4000000"));
    assert_eq!(t.pending_fees(), (0, 0));
    let fees = t.fees();
    assert_eq!(fees.distributed[0].amount.u128(), 8_000);
    assert_eq!(fees.distributed[1].amount.u128(), 800);
    assert_eq!(fees.last_distribution, Some(t.now()));
    assert_eq!(t.balance(t.service.as_str(), FEE_DENOM), 0);
    let token = t.token.clone();
    assert_eq!(t.cw20_balance(&token, t.service.as_str()), 0);
    let paid = t.service(t.id).unwrap().rewards_paid;
    assert_eq!(paid.len(), 2);
    assert_eq!(t.pending_native("alice", FEE_DENOM), 2_000);
    assert_eq!(t.pending_native("bob", FEE_DENOM), 6_000);
    assert_eq!(t.pending_native("carol", FEE_DENOM), 0);
    assert_eq!(t.pending_cw20("alice", &token), 200);
    assert_eq!(t.pending_cw20("bob", &token), 600);
    t.assert_invariants();

    t.claim_rewards("alice").unwrap();
    t.claim_rewards("bob").unwrap();
    assert_eq!(t.balance("alice", FEE_DENOM), 2_000);
    assert_eq!(t.balance("bob", FEE_DENOM), 6_000);
    assert_eq!(t.cw20_balance(&token, "alice"), 200);
    assert_eq!(t.cw20_balance(&token, "bob"), 600);
    assert!(err_text(&t.claim_rewards("carol").unwrap_err()).contains("no rewards"));
    t.assert_invariants();

    // Phase 4: once per epoch. New fees wait for the next epoch, then go out again; an
    // uneven payment leaves each staker its share rounded down (at most 1 unit).
    t.pay_fees("dapp", 1_001, FEE_DENOM).unwrap();
    let err = t.distribute().unwrap_err();
    assert!(err_text(&err).contains("the next distribution may run at"));
    assert_eq!(t.fees().next_distribution_at, t.now().plus_seconds(EPOCH));
    t.advance(EPOCH - 1);
    assert!(t.distribute().is_err());
    t.advance(1);
    t.distribute().unwrap();
    assert_eq!(t.pending_native("alice", FEE_DENOM), 250); // 250.25
    assert_eq!(t.pending_native("bob", FEE_DENOM), 750); // 750.75
    t.claim_rewards("alice").unwrap();
    t.claim_rewards("bob").unwrap();
    assert_eq!(t.balance("alice", FEE_DENOM), 2_250);
    assert_eq!(t.balance("bob", FEE_DENOM), 6_750);
    // nothing left to distribute
    t.advance(EPOCH);
    assert!(err_text(&t.distribute().unwrap_err()).contains("no fees are pending"));
    t.assert_invariants();
}

#[test]
fn joining_after_a_distribution_earns_nothing_of_it() {
    let mut t = setup();
    let v0 = t.validator(0);
    t.stake("alice", &v0, 1_000_000);
    t.pay_fees("dapp", 5_000, FEE_DENOM).unwrap();
    t.distribute().unwrap();
    t.stake("bob", &v0, 1_000_000);
    assert_eq!(t.pending_native("alice", FEE_DENOM), 5_000);
    assert_eq!(t.pending_native("bob", FEE_DENOM), 0);
    t.advance(EPOCH);
    t.pay_fees("dapp", 5_000, FEE_DENOM).unwrap();
    t.distribute().unwrap();
    assert_eq!(t.pending_native("alice", FEE_DENOM), 7_500);
    assert_eq!(t.pending_native("bob", FEE_DENOM), 2_500);
    t.assert_invariants();
}

#[test]
fn a_paused_service_keeps_its_fees_until_it_is_active_again() {
    let mut t = setup();
    let v0 = t.validator(0);
    t.stake("alice", &v0, 1_000_000);
    t.pay_fees("dapp", 3_000, FEE_DENOM).unwrap();
    let owner = t.owner.to_string();
    let id = t.id;
    t.set_service_status(&owner, id, restake_types::ServiceStatus::Paused)
        .unwrap();
    let res = t.distribute().unwrap();
    assert_eq!(
        attr(&res, "deferred").as_deref(),
        Some("service not active")
    );
    assert_eq!(t.pending_fees(), (3_000, 0));
    t.set_service_status(&owner, id, restake_types::ServiceStatus::Active)
        .unwrap();
    t.distribute().unwrap();
    assert_eq!(t.pending_native("alice", FEE_DENOM), 3_000);
    t.assert_invariants();
}
