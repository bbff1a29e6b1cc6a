//! Deposit, allocation, exit and claim: the whole road of a holder.

use cosmwasm_std::Uint128;

use super::helpers::*;

#[test]
fn deposit_mints_at_the_price_and_exit_returns_the_tokens() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    // 1 unit of hub rounding, 1000 share units per token
    assert_eq!(s.shares("alice"), 999_999_000);
    let v0 = s.bonded_on(0);
    assert_eq!(v0, 1_000_000);
    // the first position secures the oracle
    let p = s
        .suite
        .position(s.vault.as_str(), &s.suite.validator(0))
        .unwrap();
    assert_eq!(p.service_ids, vec![ORACLE]);
    let preview = s.preview_deposit(1_000_000);
    s.deposit("bob", 1_000_000).unwrap();
    assert_eq!(s.shares("bob"), preview);
    // deposits go to the most underweight validator
    assert_eq!(s.bonded_on(1), 1_000_000);
    let st = s.state();
    assert_eq!(st.nav, Uint128::new(2_000_000));
    s.suite.assert_invariants();

    let got = s.exit_and_claim("alice", 999_999_000);
    assert!((999_997..=1_000_000).contains(&got), "alice got {got}");
    s.suite.assert_invariants();
    assert_eq!(s.shares("alice"), 0);
}
