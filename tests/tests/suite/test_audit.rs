//! Audit of hub-v2 (from v0.1): failing scenarios for findings.
#[allow(unused_imports)]
use super::helpers::*;

use cosmwasm_std::{Decimal, Uint128};
use restake_multitest::{ServiceSpec, Suite, SuiteBuilder};

fn suite_with_slots(slots: u32) -> Suite {
    SuiteBuilder::new()
        .with_validators(1)
        .with_apr(Decimal::zero())
        .with_hub(|m| m.max_pools_per_validator = Some(slots))
        .build()
}

/// Finding 1 (high, escape from slashing). Eviction moves a pool's stake out of its
/// services at once, without the services' opt-out delay. Alice secures service A (opt-out
/// delay 14 days, so she cannot leave A for 14 days). Her validator's only pool slot is hers.
/// Right after an infraction on A, her accomplice mallory opts a slightly larger position
/// into service B: alice's pool is evicted, her stake is plain, and she unbonds it at once.
/// A's slash request, opened a moment later, takes nothing from her.
#[test]
#[ignore = "audit: eviction lets a pool's stakers leave their services without the opt-out delay (escape from slashing)"]
fn audit_eviction_skips_opt_out_delay_and_escapes_a_slash() {
    let mut s = suite_with_slots(1);
    let v = s.validator(0);
    let a = s
        .register(
            ServiceSpec::new("a")
                .slasher("a-slasher")
                .max_slash(Decimal::percent(10))
                .veto_period(86_400)
                .opt_out_delay(14 * 86_400),
        )
        .unwrap();
    let b = s
        .register(ServiceSpec::new("b").slasher("b-slasher").opt_out_delay(14 * 86_400))
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    assert_eq!(s.position("alice", &v).unwrap().service_ids, vec![a]);

    // the infraction on A happens; before A's slasher acts, the accomplice evicts alice's pool
    s.deposit("mallory", &v, 1_000_001).unwrap();
    s.opt_in("mallory", &v, &[b]).unwrap();

    // Rule: stake securing A may stop securing it only after A's opt-out delay.
    let after = s.position("alice", &v).unwrap();
    let exits_now = s.unbond("alice", &v, 1_000_000).is_ok();
    // (on hub-v2 the request is even refused: "no stake ... secures service a")
    let slashed = match s.slash("a-slasher", a, &v, Decimal::percent(10)) {
        Ok(id) => {
            s.advance(86_400 + 1);
            s.execute_slash("keeper", id).unwrap();
            s.slash_request(id).unwrap().slashed_amount
        }
        Err(_) => Uint128::zero(),
    };
    assert!(
        after.service_ids.contains(&a) && slashed >= Uint128::new(100_000),
        "alice left service A without its 14-day opt-out delay (services now {:?}, unbond at once: {exits_now}); A's 10% slash took {slashed} instead of 100,000",
        after.service_ids
    );
}

/// Finding 2 (medium, lock-out by strangers with dust). A pool with any unbonding in flight
/// cannot be evicted, so a stranger pins every pool slot of a validator for a few units:
/// each dust position (min_deposit 1 by default) opts into its own service set and unbonds
/// one unit, which keeps its pool's batch unsettled for the unbonding period (renewable).
/// An honest staker bringing 1,000,000 can then opt into no new service set on that
/// validator: "holding a slot against a newcomer costs more stake than the newcomer
/// brings" (pools.rs) does not hold.
#[test]
#[ignore = "audit: dust pools with a 1-unit unbonding in flight pin every pool slot; opt-ins into new sets are refused"]
fn audit_dust_unbonding_pins_pool_slots_against_large_newcomers() {
    let mut s = suite_with_slots(2);
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("a")).unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    // the stranger: two addresses, 2 units each, one per slot
    for (who, set) in [("dust0", vec![a]), ("dust1", vec![b])] {
        s.deposit(who, &v, 2).unwrap();
        s.opt_in(who, &v, &set).unwrap();
        s.unbond(who, &v, 1).unwrap();
    }
    s.process_unbondings().unwrap();
    // an honest staker with half a million times the stake
    s.deposit("alice", &v, 1_000_000).unwrap();
    let res = s.opt_in("alice", &v, &[c]);
    assert!(
        res.is_ok(),
        "alice (1,000,000) cannot opt into service c: {}",
        restake_multitest::err_text(&res.unwrap_err())
    );
}
