//! Contract bugs the extended model test found, each as the smallest hand-written scenario
//! that shows it (the shrunk random sequences are the `regression_replay_*` tests of
//! `test_model.rs`). Each asserts the behaviour the v0.2 rules ask for; a new one is
//! `#[ignore]`d while the contract fails it (none is now).

use cosmwasm_std::Decimal;
use restake_multitest::{ServiceSpec, SuiteBuilder, HUB_UNBONDING};

const EPOCH: u64 = HUB_UNBONDING.div_ceil(7);

/// Settlement per delegator account (v0.2 rule 1): "a batch gets exactly what the chain
/// returned for it (chain slash of entries in flight included, even when the hub had no
/// delegation left on the validator to detect it)". Alice's batch met a 50 % chain slash in
/// flight on a validator the hub had left; carol's batch, sent later, was whole. The first
/// crank after alice's batch came due waits a block (nothing explains the shortfall); the
/// next crank comes after carol's batch is due too. The hub then judges alice's batch alone,
/// presuming carol's not paid out yet, finds enough tokens in the proxy for it and settles it
/// in full: alice received 1,000,000 and carol 500,000 — carol paid for alice's loss.
/// (Settled together, pro rata gives each 750,000; apart, 500,000 and 1,000,000.) Now a set
/// whose latest batches may or may not be paid out waits a block and is judged together.
#[test]

fn regression_a_short_batch_judged_alone_is_paid_in_full_by_the_next() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.unbond("alice", &v, 1_000_000).unwrap(); // sent at once; nothing left delegated
    s.advance(5);
    s.chain_slash(&v, Decimal::percent(50)); // only alice's entry in flight
    s.advance(EPOCH);
    s.deposit("carol", &v, 1_000_000).unwrap();
    s.unbond("carol", &v, 1_000_000).unwrap(); // the next epoch: sent at once, whole
    s.advance(HUB_UNBONDING - EPOCH); // alice's batch is due
    s.process_unbondings().unwrap(); // first look: waits a block
    s.advance(EPOCH + 10); // carol's is due as well
    s.process_unbondings().unwrap();
    let _ = s.claim_unbonded("alice");
    s.advance(5);
    s.process_unbondings().unwrap();
    let _ = s.claim_unbonded("carol");
    let _ = s.claim_unbonded("alice");
    // The hub cannot tell which batch the chain slashed (it had nothing delegated there to
    // see the slash), so the batches judged together share the shortfall pro rata; carol no
    // longer pays for all of alice's loss.
    assert_eq!(
        (s.balance("alice", "uatom"), s.balance("carol", "uatom")),
        (750_000, 750_000)
    );
}

/// INTERFACE: `staker_overview` answers for any staker. Bob's opt-in evicts alice's pool
/// (the cap is one pool; a forced opt-out, ready at once as service a has no opt-out delay),
/// carol's converts it; alice's position becomes a plain position when next touched. The
/// overview reads her position twice on the same read-only books (for her bonded stake, then
/// for her pending rewards): once the first read converted it and, alice being the evicted
/// pool's last member, deleted that pool, the second read failed with "pool not found".
#[test]
fn regression_staker_overview_of_a_position_in_an_evicted_pool() {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_hub(|m| m.max_pools_per_validator = Some(1))
        .build();
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("a")).unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.deposit("bob", &v, 2_000).unwrap();
    s.opt_in("bob", &v, &[b]).unwrap(); // evicts alice's pool: 1,000 < 2,000
    s.advance(1);
    s.deposit("carol", &v, 3_000).unwrap();
    s.opt_in("carol", &v, &[c]).unwrap(); // converts alice's pool, evicts bob's
    let alice = s.addr("alice").to_string();
    assert!(s.position(&alice, &v).unwrap().service_ids.is_empty());
    let overview = s.staker_overview(&alice);
    assert!(overview.is_ok(), "{}", overview.unwrap_err());
    assert_eq!(overview.unwrap().bonded.u128(), 1_000);
}
