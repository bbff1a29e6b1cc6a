//! Audit of hub-v2 (from v0.1): failing scenarios for findings.
#[allow(unused_imports)]
use super::helpers::*;

use cosmwasm_std::{Decimal, Uint128};
use restake_multitest::{ServiceSpec, Suite, SuiteBuilder};

/// One validator, no staking rewards, `slots` pool slots (shared with `test_audit2`).
pub(super) fn suite_with_slots(slots: u32) -> Suite {
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
        .register(
            ServiceSpec::new("b")
                .slasher("b-slasher")
                .opt_out_delay(14 * 86_400),
        )
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
/// brings" (pools/admission.rs) does not hold.
#[test]

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

/// Puts the hub in the state a v0.1 migration leaves for `validators`: numbered, delegating
/// from the hub's own account (`legacy::migrate_from_v0_1` does exactly this for every v0.1
/// validator), with no stake yet.
fn as_v0_1_validators(s: &mut Suite, validators: &[String]) {
    use restake_hub::state::books::Books;
    use restake_hub::state::Delegator;
    let mut env = cosmwasm_std::testing::mock_env();
    env.block.time = s.now();
    env.contract.address = s.hub.clone();
    let hub = s.hub.clone();
    let mut storage = s.app.contract_storage_mut(&hub);
    let mut books = Books::open(&mut *storage, &env).unwrap();
    for v in validators {
        let vid = books.new_validator(v, Delegator::Hub).unwrap();
        books.shared_account().unwrap().push(vid);
    }
    books.finish().unwrap();
}

/// Finding 3 (medium, governance pass-through). Validators a v0.1 hub delegated to keep
/// delegating from the hub's own account after the migration, and their `ProxyAction::Vote`
/// is sent by the hub itself. The chain keeps one vote per delegator and counts it with all
/// of that delegator's delegations, so every legacy validator's cast overwrites the others':
/// the last staker to vote, on any legacy validator, decides the vote of all legacy stake.
/// Alice (1,000,000 on v0) votes Yes; a stranger with 10 on v1 votes No; the chain then
/// counts the hub's 1,000,010 as No.
#[test]
fn audit_legacy_validators_share_one_chain_vote() {
    use cosmwasm_std::Uint128;
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    as_v0_1_validators(&mut s, &[v0.clone(), v1.clone()]);
    s.deposit("alice", &v0, 1_000_000).unwrap();
    s.deposit("stranger", &v1, 10).unwrap();
    // (the setup holds: the hub itself delegates on both)
    let hub = s.hub.to_string();
    assert_eq!(
        s.app
            .wrap()
            .query_all_delegations(&hub)
            .unwrap()
            .iter()
            .map(|d| d.amount.amount)
            .sum::<Uint128>(),
        Uint128::new(1_000_010)
    );
    let id = s.open_proposal(7 * 86_400);
    s.execute_json(
        "alice",
        &serde_json::json!({"vote": {"proposal_id": id, "option": "yes"}}).to_string(),
        &[],
    )
    .unwrap();
    s.execute_json(
        "stranger",
        &serde_json::json!({"vote": {"proposal_id": id, "option": "no"}}).to_string(),
        &[],
    )
    .unwrap();
    let tally = s.gov_tally(id);
    assert!(
        tally.yes >= Uint128::new(1_000_000) && tally.no <= Uint128::new(10),
        "the chain counts alice's 1,000,000 on v0 as the stranger's choice on v1: {tally:?}"
    );
}

/// After the fix of finding 3, next to a v0.2 validator: the hub's own account votes the
/// stake-weighted mix of the voters of *all* its (v0.1) validators, a stake change on one of
/// them re-casts that shared mix, `proposal_votes` reports the account's weights for each of
/// them, and a proxy-held validator still votes the mix of its own voters.
#[test]
fn legacy_validators_vote_one_shared_mix_beside_proxies() {
    let mut s = SuiteBuilder::new()
        .with_validators(3)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v1, v2) = (s.validator(0), s.validator(1), s.validator(2));
    as_v0_1_validators(&mut s, &[v0.clone(), v1.clone()]);
    s.deposit("alice", &v0, 1_000_000).unwrap();
    s.deposit("bob", &v1, 3_000_000).unwrap();
    s.deposit("carol", &v2, 2_000_000).unwrap();
    let id = s.open_proposal(7 * 86_400);
    let vote = |s: &mut Suite, who: &str, option: &str| {
        s.execute_json(
            who,
            &serde_json::json!({"vote": {"proposal_id": id, "option": option}}).to_string(),
            &[],
        )
        .unwrap();
    };
    vote(&mut s, "alice", "yes");
    vote(&mut s, "bob", "no");
    vote(&mut s, "carol", "abstain");
    let t = s.gov_tally(id);
    assert_eq!(
        (t.yes, t.no, t.abstain),
        (
            Uint128::new(1_000_000),
            Uint128::new(3_000_000),
            Uint128::new(2_000_000)
        ),
        "{t:?}"
    );
    // bob's stake change on v1 re-casts the account's shared mix: 1,000,000 each way
    s.unbond("bob", &v1, 2_000_000).unwrap();
    let t = s.gov_tally(id);
    assert_eq!(
        (t.yes, t.no, t.abstain),
        (
            Uint128::new(1_000_000),
            Uint128::new(1_000_000),
            Uint128::new(2_000_000)
        ),
        "{t:?}"
    );
    let r = s
        .query_json(&serde_json::json!({"proposal_votes": {"proposal_id": id}}).to_string())
        .unwrap();
    let half =
        serde_json::json!([{"option": "yes", "weight": "0.5"}, {"option": "no", "weight": "0.5"}]);
    assert_eq!(r["by_validator"][0]["weights"], half, "{r}");
    assert_eq!(r["by_validator"][1]["weights"], half, "{r}");
    assert_eq!(
        r["by_validator"][2]["weights"],
        serde_json::json!([{"option": "abstain", "weight": "1"}]),
        "{r}"
    );
    assert_eq!(r["by_validator"][0]["voters_stake"], "1000000");
    assert_eq!(r["by_validator"][1]["voters_stake"], "1000000");
    s.assert_invariants();
}

/// Finding 4 (medium, escape from slashing / lock-out by a stranger). When no slot can be had
/// an exit (completed opt-out) moves the position to the plain pool: it leaves *every*
/// service, including those it never opted out of, without their opt-out delay and without
/// their holds. A stranger with 5 units fills the exit overflow (2 × max_pools_per_validator)
/// with pools pinned by 1-unit unbondings; alice (A + B, B with a 30-day delay) completes her
/// opt-out of A and finds herself out of B at once. The same path lets a staker who controls
/// the dust leave B without B's delay.
#[test]

fn audit_exit_without_a_slot_drops_services_never_opted_out_of() {
    let mut s = suite_with_slots(2);
    let v = s.validator(0);
    let day = 86_400;
    let a = s
        .register(ServiceSpec::new("a").opt_out_delay(day))
        .unwrap();
    let b = s
        .register(ServiceSpec::new("b").opt_out_delay(30 * day))
        .unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    let d = s.register(ServiceSpec::new("d")).unwrap();
    let e = s.register(ServiceSpec::new("e")).unwrap();
    // slot 1: the stranger's {c,d,e}, pinned by an unbonding of 1
    s.deposit("dust", &v, 3).unwrap();
    s.opt_in("dust", &v, &[c, d, e]).unwrap();
    s.unbond("dust", &v, 1).unwrap();
    // slot 2: alice
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[a, b]).unwrap();
    s.opt_out("alice", &v, &[a]).unwrap();
    // the stranger also keeps alice's pool live (and pinned) after she leaves it
    s.deposit("dust2", &v, 2).unwrap();
    s.opt_in("dust2", &v, &[a, b]).unwrap();
    s.unbond("dust2", &v, 1).unwrap();
    // the stranger's exits open pools beyond the cap ({c,d}, then {c}), each pinned
    s.opt_out("dust", &v, &[e]).unwrap();
    s.complete_opt_out("dust", &v).unwrap();
    s.unbond("dust", &v, 1).unwrap();
    s.opt_out("dust", &v, &[d]).unwrap();
    s.complete_opt_out("dust", &v).unwrap();
    s.unbond("dust", &v, 1).unwrap();
    assert!(
        s.pools(&v).unwrap().len() >= 4,
        "setup: the exit overflow is full"
    );
    s.advance(day + 1);
    s.complete_opt_out("alice", &v).unwrap();
    let p = s.position("alice", &v).unwrap();
    assert_eq!(
        p.service_ids,
        vec![b],
        "alice opted out of a only, yet her stake left b (30-day opt-out delay) at once"
    );
}
