//! Second audit of hub-v2: eviction as a forced opt-out (d9b1e1e..ea3f367). Each scenario
//! failed before its fix; they now pass and guard the fixes.
#[allow(unused_imports)]
use super::helpers::*;

use cosmwasm_std::{coin, Decimal};
use restake_multitest::{err_text, ServiceSpec, Suite};

use super::test_audit::suite_with_slots;

/// The stranger's part of findings 1-3: six addresses with 2 units each join one pool of
/// {a, b, c} (an existing pool: no admission), then five of them complete opt-outs into five
/// new subsets. Exits open pools beyond the slots while the list is below 3 × the cap, so
/// with `max_pools_per_validator = 2` the validator lists 6 pools, all "slotted", none leaving:
/// nothing ever frees them, and none can be evicted (see the findings).
fn fill_list_with_exits(s: &mut Suite, v: &str, a: u64, b: u64, c: u64) {
    let outs: [&[u64]; 6] = [&[], &[a], &[b], &[c], &[a, b], &[a, c]];
    for (i, _) in outs.iter().enumerate() {
        let who = format!("stranger{i}");
        s.deposit(&who, v, 2).unwrap();
        s.opt_in(&who, v, &[a, b, c]).unwrap();
    }
    for (i, out) in outs.iter().enumerate().skip(1) {
        let who = format!("stranger{i}");
        s.opt_out(&who, v, out).unwrap();
        // (since the fix, exits past 2 × the cap must evict a smaller pool: the stranger's
        // last ones wait)
        let _ = s.complete_opt_out(&who, v);
    }
}

/// Finding 1 (medium, lock-out by strangers): a join is refused outright once the validator
/// lists 2 × `max_pools_per_validator` pools, whatever stake it brings, before any eviction is
/// considered. Exits may open pools up to 3 × the cap, and those pools are ordinary slotted
/// pools that stay for as long as their owners like: a stranger with 12 units (six addresses,
/// min_deposit 1) fills a validator's list for good, and from then on nobody — not even a
/// staker bringing 1,000,000 — can opt into a new service set there. Before ea3f367 the
/// newcomer evicted the smallest pool; now "holding a slot against a newcomer costs more
/// stake than the newcomer brings" (pools/admission.rs) does not hold. SECURITY.md's known limit only
/// covers lists filled by repeated evictions, which need ever more stake and last at most
/// twice the unbonding period; this fill needs no eviction, costs min_deposit per pool and
/// never ends.
#[test]

fn audit2_exit_opened_dust_pools_lock_out_opt_ins_of_any_size() {
    let mut s = suite_with_slots(2);
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("a")).unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    let d = s.register(ServiceSpec::new("d")).unwrap();
    fill_list_with_exits(&mut s, &v, a, b, c);
    let sets = s
        .pools(&v)
        .unwrap()
        .iter()
        .filter(|p| !p.service_ids.is_empty())
        .count();
    assert!(
        sets >= 4,
        "setup: the slots and the exits' room are full ({sets} pools)"
    );
    // an honest staker bringing 83,333 times the stranger's whole stake
    s.deposit("whale", &v, 1_000_000).unwrap();
    let res = s.opt_in("whale", &v, &[d]);
    assert!(
        res.is_ok(),
        "a 1,000,000 newcomer cannot opt into service d because 12 units of dust fill the list: {}",
        err_text(&res.unwrap_err())
    );
}

/// Finding 2 (medium, exits paused by strangers; rule 8 "exits need no capacity at all").
/// Same fill: bob, in the {a, b, c} pool, opts out of b and c (both delays served) and cannot
/// complete: `ExitWaitsForRoom`. He keeps securing (and being slashable by, and held by
/// requests of) b and c, which he left, for as long as the stranger keeps 12 units there. No
/// eviction can free room (joins are refused, see finding 1) and the forced opt-out never
/// starts (nothing is evicted). His only way out of b and c is to unbond everything and lose
/// a.
#[test]

fn audit2_exit_opened_dust_pools_hold_honest_opt_out_completion() {
    let mut s = suite_with_slots(2);
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("a")).unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    fill_list_with_exits(&mut s, &v, a, b, c);
    s.deposit("bob", &v, 1_000_000).unwrap();
    s.opt_in("bob", &v, &[a, b, c]).unwrap(); // the stranger's pool: no admission
    s.opt_out("bob", &v, &[b, c]).unwrap();
    s.advance(30 * 86_400);
    let res = s.complete_opt_out("bob", &v);
    assert!(
        res.is_ok(),
        "bob's opt-out of b and c (delays served) waits for the stranger: {}",
        err_text(&res.unwrap_err())
    );
    assert_eq!(s.position("bob", &v).unwrap().service_ids, vec![a]);
}

/// Finding 3 (medium, deposits refused because strangers filled a capacity; rule 8 "depositing
/// never fails because others filled a capacity"). Carol's pool of service x is slashed to
/// nothing (x's max_slash is 100%). A deposit on that validator carries her position into a
/// fresh pool of x through `pool_for(.., Move::Exit)`, which now refuses with
/// `ExitWaitsForRoom` when the list is full (before ea3f367 it fell back to the plain pool).
/// With the stranger's 12-unit fill, carol can deposit nothing on this validator, and her
/// position (worth 0) can neither unbond nor opt out: she is locked out of it.
#[test]

fn audit2_deposit_after_a_full_slash_is_refused_when_the_list_is_full() {
    let mut s = suite_with_slots(2);
    let v = s.validator(0);
    let a = s.register(ServiceSpec::new("a")).unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    let c = s.register(ServiceSpec::new("c")).unwrap();
    let x = s
        .register(ServiceSpec::new("x").max_slash(Decimal::one()))
        .unwrap();
    s.deposit("carol", &v, 1_000).unwrap();
    s.opt_in("carol", &v, &[x]).unwrap();
    // x slashes the validator fully (no veto window: executed at once)
    s.slash("x-slasher", x, &v, Decimal::one()).unwrap();
    assert_eq!(
        s.bonded_of("carol", &v),
        0,
        "setup: carol's pool is wiped out"
    );
    fill_list_with_exits(&mut s, &v, a, b, c);
    let res = s.deposit("carol", &v, 1_000);
    assert!(
        res.is_ok(),
        "carol cannot deposit on the validator because strangers filled its list: {}",
        err_text(&res.unwrap_err())
    );
}

/// Finding 4 (low, accounting drift / storage never freed). `settled_position` no longer books
/// a converted position's leaving of the redirect; `save_position` does (`leave_redirect`).
/// `claim_rewards` stores the positions `collect` settled with `put_position` directly, so a
/// position converted by a rewards claim never leaves its converted pool's `Redirect`:
/// `from_left` / `shares_left` keep its shares for ever, the converted pool is never deleted
/// (`store_pool` deletes it once `from_left` is zero), and the plain-pool shares the redirect
/// still counts are owned by nobody's conversion ("the last one takes the rest" never runs).
/// Alice and bob hold an evicted pool of service a; after its forced opt-out alice claims her
/// a-rewards, then both leave entirely: the converted pool should be gone.
#[test]

fn audit2_claim_rewards_on_a_converted_pool_skips_leave_redirect() {
    use restake_hub::state::books::Books;
    let mut s = suite_with_slots(1);
    let v = s.validator(0);
    let a = s
        .register(
            ServiceSpec::new("a")
                .opt_out_delay(86_400)
                .reward_denom("uusdc"),
        )
        .unwrap();
    let b = s.register(ServiceSpec::new("b")).unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.deposit("bob", &v, 1_000).unwrap();
    s.opt_in("bob", &v, &[a]).unwrap();
    let evicted = s.position("alice", &v).unwrap().pool_id;
    // mallory brings more than the pool: it is evicted (forced opt-out of a, 1 day)
    s.deposit("mallory", &v, 3_000).unwrap();
    s.opt_in("mallory", &v, &[b]).unwrap();
    // the evicted pool still earns from a until its forced opt-out completes
    s.distribute("a", a, vec![coin(1_000, "uusdc")]).unwrap();
    s.advance(86_400 + 1);
    // alice's rewards claim completes the forced opt-out and moves her to the plain pool
    s.claim_rewards("alice").unwrap();
    assert_ne!(s.position("alice", &v).unwrap().pool_id, evicted);
    // both leave entirely
    let bob = s.bonded_of("bob", &v);
    s.unbond("bob", &v, bob).unwrap();
    let alice = s.bonded_of("alice", &v);
    s.unbond("alice", &v, alice).unwrap();
    let hub = s.hub.clone();
    let storage = s.app.contract_storage(&hub);
    let mut books = Books::read(&*storage).unwrap();
    let left = books.pool(evicted).ok().cloned();
    assert!(
        left.is_none(),
        "no position is left in the converted pool {evicted}, yet it is kept with redirect {:?}",
        left.and_then(|p| p.redirect)
    );
}
