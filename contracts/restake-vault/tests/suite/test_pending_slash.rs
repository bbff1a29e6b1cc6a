//! A depositor never pays for a slash request pending when it deposits.

use cosmwasm_std::{Decimal, Uint128};

use super::helpers::*;

/// Alice on both validators; the oracle opens a 5 % request against validator 0.
fn alice_then_request() -> (VaultSuite, u64) {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("alice", 1_000_000).unwrap();
    assert_eq!((s.bonded_on(0), s.bonded_on(1)), (1_000_000, 1_000_000));
    let v0 = s.validator(0);
    let id = s
        .suite
        .slash("oracle-slasher", ORACLE, &v0, Decimal::percent(5))
        .unwrap();
    (s, id)
}

#[test]
fn the_later_depositor_pays_nothing_of_a_pending_request() {
    let (mut s, slash_id) = alice_then_request();
    let st = s.state();
    assert!(st.validators[0].frozen);
    assert_eq!(st.validators[0].pending_slash_loss, Uint128::new(50_001));
    // priced as if the request executes: 2,000,000 − 50,000
    assert_eq!(st.nav_for_deposits, Uint128::new(1_950_000));
    let alice_shares = s.shares("alice");

    s.deposit("bob", 1_000_000).unwrap();
    // validator 0 is frozen: bob's tokens went to validator 1
    assert_eq!((s.bonded_on(0), s.bonded_on(1)), (1_000_000, 2_000_000));
    // bob got more shares per token than alice did
    assert!(s.shares("bob") * 2 > alice_shares);
    let bob = s.value("bob");
    assert!((999_997..=1_000_000).contains(&bob), "bob {bob}");

    s.suite.advance(DAY);
    s.suite.execute_slash("keeper", slash_id).unwrap();
    assert_eq!(s.bonded_on(0), 950_000);
    // the slash took nothing of bob's value; alice bore all of it
    let bob_after = s.value("bob");
    assert!(bob_after >= bob, "bob {bob} -> {bob_after}");
    let alice = s.value("alice");
    assert!((1_949_997..=1_950_000).contains(&alice), "alice {alice}");
    s.suite.assert_invariants();

    // and leaving proves it: bob takes his tokens out whole (less rounding)
    let bob_shares = s.shares("bob");
    let got = s.exit_and_claim("bob", bob_shares);
    assert!((999_996..=1_000_000).contains(&got), "bob got {got}");
    s.suite.assert_invariants();
}

#[test]
fn a_veto_returns_the_loss_to_everyone_who_held_while_it_was_pending() {
    // The price a depositor pays assumes the request executes; if it is vetoed the value it
    // held back is shared by every holder, the later depositor included (documented).
    let (mut s, slash_id) = alice_then_request();
    s.deposit("bob", 1_000_000).unwrap();
    let (alice, bob) = (s.value("alice"), s.value("bob"));
    s.suite.veto_slash("oracle-resolver", slash_id).unwrap();
    assert!(s.value("alice") > alice);
    assert!(s.value("bob") > bob);
    assert_eq!(s.state().nav, Uint128::new(3_000_000));
    s.suite.assert_invariants();
}

#[test]
fn deposits_wait_when_every_validator_is_frozen() {
    let (mut s, _) = alice_then_request();
    let v1 = s.validator(1);
    s.suite
        .slash("oracle-slasher", ORACLE, &v1, Decimal::percent(5))
        .unwrap();
    let err = refusal(s.deposit("bob", 1_000_000).unwrap_err());
    assert!(
        matches!(
            err,
            restake_vault::ContractError::NoValidatorForDeposit { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn an_exit_during_a_pending_request_is_priced_as_if_it_executes() {
    let (mut s, slash_id) = alice_then_request();
    // alice leaves with half: valued at the pessimistic price, from the unexposed validator
    let half = s.shares("alice") / 2;
    let preview = s.preview_exit(half);
    assert!((974_998..=975_000).contains(&preview), "{preview}");
    s.exit("alice", half).unwrap();
    // the batch drew from validator 1, which no request exposes
    assert_eq!(s.bonded_on(0), 1_000_000);
    assert_eq!(s.bonded_on(1), 1_000_000 - preview);
    s.suite.advance(DAY);
    s.suite.execute_slash("keeper", slash_id).unwrap();
    s.days(22);
    s.process_exits().unwrap();
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    assert_eq!(s.uatom("alice") - before, preview);
    // what stays is worth what the pessimistic price said
    let rest = s.value("alice");
    assert!((974_998..=975_002).contains(&rest), "{rest}");
    s.suite.assert_invariants();
}
