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
    // shares of a strategy validator go to the hub's deposit for it; x/liquid (emulated by
    // the Suite) has no record 8 behind this denom, so the redemption is refused in words and
    // nothing moves
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

/// Gaia's x/liquid end to end on the Suite's emulation: a staker's native delegation enters
/// the vault without unbonding. The shares are redeemed into the hub's delegation, and the
/// holder is minted exactly what a deposit of the same tokens would mint (the price read
/// before the redemption); the other holders' value does not move.
#[test]
fn tokenized_shares_mint_what_the_same_tokens_would() {
    let mut s = setup();
    let v1 = s.validator(1);
    s.deposit("bob", 1_000_000).unwrap();
    assert_eq!(s.bonded_on(0), 1_000_000);
    // rewards on bob's side make the price differ from the first deposit's
    s.suite
        .distribute("oracle", ORACLE, vec![coin(1_000, "uosmo")])
        .unwrap();

    // alice delegates natively to v1, where the vault has no position yet, and tokenizes
    s.suite.delegate_native("alice", &v1, 700_000).unwrap();
    let shares = s
        .suite
        .tokenize_shares("alice", &v1, 400_000, "alice")
        .unwrap();
    assert_eq!(shares.amount.u128(), 400_000);
    let expected = s.preview_deposit(400_000);
    let bob_value = s.value("bob");
    let nav = s.state().nav;
    let uatom_supply = s.app.wrap().query_supply("uatom").unwrap().amount.u128();

    let res = s
        .vx(
            "alice",
            json!({"deposit": {}}),
            std::slice::from_ref(&shares),
        )
        .unwrap();
    let data: DepositData = data_of(&res);
    assert_eq!(data.amount, Uint128::new(400_000));
    assert_eq!(data.validator, v1);
    assert_eq!(data.shares.u128(), expected);
    assert_eq!(s.shares("alice"), expected);

    // the delegation moved without unbonding: no tokens minted or burned, no share left
    assert_eq!(s.bonded_on(1), 400_000);
    assert_eq!(s.bonded_on(0), 1_000_000);
    assert_eq!(s.suite.native_delegation("alice", &v1), 300_000);
    assert_eq!(s.suite.balance("alice", &shares.denom), 0);
    assert_eq!(s.suite.share_records(), vec![]);
    assert_eq!(s.suite.chain_unbonding(), 0);
    assert_eq!(
        s.app.wrap().query_supply("uatom").unwrap().amount.u128(),
        uatom_supply
    );
    // the new position secures what the strategy wants there (the opt-in follows)
    let pos = s.suite.position(s.vault.as_str(), &v1).unwrap();
    assert_eq!(pos.service_ids, vec![ORACLE]);

    // the other holders lost nothing (the unit of rounding the depositor leaves behind may
    // round their value up by one); the vault grew by the redemption's tokens
    let bob_now = s.value("bob");
    assert!(
        (bob_value..=bob_value + 1).contains(&bob_now),
        "{bob_value} -> {bob_now}"
    );
    assert_eq!(s.state().nav.u128(), nav.u128() + 400_000);
    // alice's shares are worth what she brought, less the hub's one unit of rounding
    let value = s.value("alice");
    assert!((399_998..=400_000).contains(&value), "{value}");
    // service rewards before her deposit stay with bob
    assert!(s.holder("alice").pending_rewards.is_empty());
    s.suite.assert_invariants();

    // and a token deposit of the same size now mints the same shares (price unmoved)
    let res = s.deposit("carol", 400_000).unwrap();
    let carol: DepositData = data_of(&res);
    let diff = carol.shares.u128().abs_diff(expected);
    assert!(diff <= 1_000, "carol {} vs alice {expected}", carol.shares);

    // the shares leave like any others: exit, the batch unbonds, alice claims her tokens
    s.exit("alice", expected).unwrap();
    s.days(EXIT_EPOCH / DAY);
    s.process_exits().unwrap();
    s.days(22);
    s.process_exits().unwrap();
    let before = s.uatom("alice");
    s.claim("alice").unwrap();
    let got = s.uatom("alice") - before;
    assert!(got + 2 >= 400_000 && got <= 400_000, "{got}");
    s.suite.assert_invariants();
}
