//! Chain slashing (double sign, downtime) of the vault's validators: priced before the
//! hub syncs it, shared by the stake that was there, and borne by the exit batches whose
//! unbondings it hit.

use cosmwasm_std::{Decimal, Uint128};

use super::helpers::*;

#[test]
fn a_depositor_after_a_chain_slash_pays_nothing_of_it_even_before_the_sync() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("alice", 1_000_000).unwrap();
    let v0 = s.validator(0);
    s.suite.chain_slash(&v0, Decimal::percent(10));
    // the hub has not synced yet; the vault sees the chain's delegation below the books
    let st = s.state();
    assert_eq!(st.validators[0].unsynced_chain_loss, Uint128::new(100_000));
    assert_eq!(st.nav, Uint128::new(1_900_000));
    assert_eq!(st.nav_for_deposits, Uint128::new(1_900_000));

    s.deposit("bob", 1_000_000).unwrap();
    let bob = s.value("bob");
    assert!((999_997..=1_000_000).contains(&bob), "bob {bob}");
    // the keeper's sync changes nobody's value
    s.suite.sync_validator(&v0).unwrap();
    assert!(s.value("bob") >= bob);
    let alice = s.value("alice");
    assert!((1_899_997..=1_900_000).contains(&alice), "alice {alice}");
    s.suite.assert_invariants();
}

#[test]
fn a_chain_slash_of_unbonding_stake_is_borne_by_the_exit_batch_it_hit() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    let shares = s.shares("alice");
    s.exit("alice", shares).unwrap();
    let owed = s.batch(1).owed.u128();
    // the batch drew half from each validator (both were 500,000 above target)
    assert!(s.bonded_on(0).abs_diff(500_000) <= 1 && s.bonded_on(1).abs_diff(500_000) <= 1);
    let v0 = s.validator(0);
    s.suite.advance(DAY);
    s.suite.chain_slash(&v0, Decimal::percent(10));
    s.suite.sync_validator(&v0).unwrap();
    // bob's stake on validator 0 lost 10 % too: he was there
    let bob = s.value("bob");
    assert!((949_995..=950_001).contains(&bob), "bob {bob}");
    s.days(22);
    s.process_exits().unwrap();
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    let got = s.uatom("alice") - before;
    // alice's unbonding from validator 0 came back 10 % short, the rest whole
    let expect = owed - owed / 2 / 10;
    assert!(
        got <= expect + 2 && got + 3 >= expect,
        "alice {got}, expected about {expect}"
    );
    // bob's value did not move when alice's batch came back short
    assert!(s.value("bob") >= bob);
    s.suite.assert_invariants();
}
