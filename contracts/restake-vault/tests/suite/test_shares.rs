//! v0.2 of the hub: tokenized shares (Gaia's `x/liquid`) and typed response data.

use cosmwasm_std::{coin, from_json, Uint128};
use restake_vault::msg::{DepositData, ExitData, PaidData};
use restake_vault::ContractError;
use serde_json::json;

use super::helpers::*;

/// The vault's response data (the chain wraps it in `MsgExecuteContractResponse`).
fn data_of<T: serde::de::DeserializeOwned>(res: &restake_multitest::AppResponse) -> T {
    let raw = res.data.clone().expect("response data");
    let inner = cw_utils::parse_execute_response_data(raw.as_slice())
        .expect("MsgExecuteContractResponse")
        .data
        .expect("the vault's data");
    from_json(inner).unwrap()
}

#[test]
fn tokenized_shares_go_to_the_hub_only_for_a_validator_the_strategy_weights() {
    let mut s = setup_with(Setup {
        validators: 3,
        ..Setup::default()
    });
    s.deposit("bob", 1_000_000).unwrap();
    // shares of a validator the strategy does not list: the vault refuses them itself
    let other = format!("{}/7", s.validator(2));
    s.suite.mint("alice", vec![coin(10_000, &other)]);
    let err = refusal(
        s.vx("alice", json!({"deposit": {}}), &[coin(10_000, &other)])
            .unwrap_err(),
    );
    assert_eq!(
        err,
        ContractError::SharesNotTaken {
            denom: other.clone(),
            reason: "the strategy does not list their validator".into()
        }
    );
    // shares of a strategy validator go to the hub's deposit for it; this chain (the Suite)
    // has no x/liquid, so the hub refuses in words and nothing moves
    let share = format!("{}/8", s.validator(0));
    s.suite.mint("alice", vec![coin(10_000, &share)]);
    let before = s.state();
    let err = s
        .vx("alice", json!({"deposit": {}}), &[coin(10_000, &share)])
        .unwrap_err();
    let words = format!("{err:#}");
    assert!(words.contains("x/liquid"), "{words}");
    assert_eq!(s.shares("alice"), 0);
    assert_eq!(s.suite.balance("alice", &share), 10_000);
    assert_eq!(s.state().nav, before.nav);
    s.suite.assert_invariants();
}

#[test]
fn deposit_exit_claim_and_claim_rewards_return_typed_data() {
    let mut s = setup();
    let res = s.deposit("alice", 1_000_000).unwrap();
    let data: DepositData = data_of(&res);
    assert_eq!(data.shares, Uint128::new(999_999_000));
    assert_eq!(data.amount, Uint128::new(1_000_000));
    assert_eq!(data.validator, s.validator(0));
    assert_eq!(s.shares("alice"), data.shares.u128());

    let res = s.exit("alice", 500_000_000).unwrap();
    let data: ExitData = data_of(&res);
    assert_eq!(data.shares, Uint128::new(500_000_000));
    let exits = s.exits("alice");
    assert_eq!(exits.exits[0].batch_id, data.batch_id);

    s.days(EXIT_EPOCH / DAY);
    s.process_exits().unwrap();
    s.days(22);
    s.process_exits().unwrap();
    let balance = s.suite.balance("alice", "uatom");
    let res = s.claim("alice").unwrap();
    let data: PaidData = data_of(&res);
    let got = s.suite.balance("alice", "uatom") - balance;
    assert!(got > 0);
    assert_eq!(data.paid.len(), 1);
    assert_eq!(data.paid[0].denom.as_deref(), Some("uatom"));
    assert_eq!(data.paid[0].amount.u128(), got);

    // service rewards in uosmo reach the holder; claim_rewards says what it paid
    s.suite
        .distribute("oracle", ORACLE, vec![coin(1_000, "uosmo")])
        .unwrap();
    let res = s.claim_rewards("alice").unwrap();
    let data: PaidData = data_of(&res);
    let uosmo = data
        .paid
        .iter()
        .find(|p| p.denom.as_deref() == Some("uosmo"))
        .expect("uosmo paid");
    assert_eq!(uosmo.amount.u128(), s.suite.balance("alice", "uosmo"));
}
