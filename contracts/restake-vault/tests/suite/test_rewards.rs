//! Rewards: other assets reach holders by index, across transfers; native rewards compound.

use cosmwasm_std::{coin, Decimal};
use restake_vault::ContractError;
use serde_json::json;

use super::helpers::*;

/// Both validators secure the oracle (uosmo) and the bridge (untrn and its cw20).
fn setup_both() -> VaultSuite {
    let (mut suite, token) = chain(2, Decimal::zero());
    let code_id = store_vault(&mut suite);
    let strategy = json!({
        "validators": [
            {"validator": suite.validator(0), "weight": 1, "services": [ORACLE, BRIDGE]},
            {"validator": suite.validator(1), "weight": 1, "services": [ORACLE, BRIDGE]}
        ],
        "services": [{"service_id": ORACLE, "max_share": "1"}, {"service_id": BRIDGE, "max_share": "1"}],
        "risk_budget": "0.15",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    let msg = instantiate_msg(&suite, strategy, &json!({}));
    let vault = instantiate_json(&mut suite, code_id, &msg).unwrap();
    suite.known.insert(vault.clone());
    VaultSuite {
        suite,
        vault,
        code_id,
        token,
    }
}

fn pay(s: &mut VaultSuite, osmo: u128, ntrn: u128, tokens: u128) {
    s.suite
        .distribute("oracle", ORACLE, vec![coin(osmo, "uosmo")])
        .unwrap();
    s.suite
        .distribute("bridge", BRIDGE, vec![coin(ntrn, "untrn")])
        .unwrap();
    let token = s.token.clone();
    s.suite
        .distribute_cw20(&token, "bridge", BRIDGE, tokens)
        .unwrap();
}

/// Each within 3 units below the exact share, never above.
fn close(got: (u128, u128, u128), want: (u128, u128, u128)) {
    for (g, w) in [(got.0, want.0), (got.1, want.1), (got.2, want.2)] {
        assert!(g <= w && g + 3 >= w, "{got:?} vs {want:?}");
    }
}

fn pending(s: &VaultSuite, who: &str) -> (u128, u128, u128) {
    let h = s.holder(who);
    let get = |denom: Option<&str>, cw20: bool| {
        h.pending_rewards
            .iter()
            .find(|r| match denom {
                Some(d) => r.denom.as_deref() == Some(d),
                None => cw20 && r.cw20.is_some(),
            })
            .map(|r| r.amount.u128())
            .unwrap_or_default()
    };
    (
        get(Some("uosmo"), false),
        get(Some("untrn"), false),
        get(None, true),
    )
}

#[test]
fn rewards_in_two_denoms_and_a_token_follow_shares_across_a_transfer() {
    let mut s = setup_both();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("carol", 1_000_000).unwrap();
    pay(&mut s, 10_000, 20_000, 30_000);
    // nobody harvested: the vault reads what accrued at the hub
    assert_eq!(pending(&s, "alice"), (5_000, 10_000, 15_000));
    // alice gives bob half her shares midway
    let half = s.shares("alice") / 2;
    s.transfer("alice", "bob", half).unwrap();
    pay(&mut s, 10_000, 20_000, 30_000);
    let (a, b, c) = (
        pending(&s, "alice"),
        pending(&s, "bob"),
        pending(&s, "carol"),
    );
    // exact shares, rounded down: the hub may keep a unit per payment and position, the
    // vault a unit per holder and settlement
    close(a, (7_500, 15_000, 22_500));
    close(b, (2_500, 5_000, 7_500));
    close(c, (10_000, 20_000, 30_000));
    assert!(a.0 + b.0 + c.0 <= 20_000 && a.2 + b.2 + c.2 <= 60_000);

    // each claims exactly that: native denoms and the cw20
    let token = s.token.clone();
    for (who, (osmo, ntrn, tok)) in [("alice", a), ("bob", b), ("carol", c)] {
        s.claim_rewards(who).unwrap();
        assert_eq!(s.suite.balance(who, "uosmo"), osmo, "{who}");
        assert_eq!(s.suite.balance(who, "untrn"), ntrn, "{who}");
        assert_eq!(s.suite.cw20_balance(&token, who), tok, "{who}");
    }
    // nothing left to claim, and nothing double-counted
    let err = refusal(s.claim_rewards("alice").unwrap_err());
    assert_eq!(err, ContractError::NoRewards);
    // what stays in the vault is rounding dust: a unit or two per asset
    assert!(s.suite.balance(s.vault.as_str(), "uosmo") <= 3);
    let assets: restake_vault::msg::RewardAssetsResponse = s.vq(json!({"reward_assets": {}}));
    assert_eq!(assets.assets.len(), 3);
    for asset in assets.assets {
        assert!(
            asset.paid <= asset.received && asset.paid.u128() + 3 >= asset.received.u128(),
            "{asset:?}"
        );
        assert_eq!(asset.credited, asset.received);
    }
    s.suite.assert_invariants();
}

#[test]
fn a_harvest_in_between_changes_nobodys_share() {
    let mut s = setup_both();
    s.deposit("alice", 1_000_000).unwrap();
    pay(&mut s, 9_000, 1, 3);
    s.harvest().unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    pay(&mut s, 9_000, 1, 3);
    s.harvest().unwrap();
    close(
        pending(&s, "alice"),
        (13_500, pending(&s, "alice").1, pending(&s, "alice").2),
    );
    close(
        pending(&s, "bob"),
        (4_500, pending(&s, "bob").1, pending(&s, "bob").2),
    );
    // 3 token units over two equal holders: nobody gets more than was paid
    let (a, b) = (pending(&s, "alice").2, pending(&s, "bob").2);
    assert!(a + b <= 6, "{a} + {b}");
}

#[test]
fn exiting_shares_stop_earning_at_once() {
    let mut s = setup_both();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    pay(&mut s, 10_000, 2, 2);
    let shares = s.shares("alice");
    s.exit("alice", shares).unwrap();
    pay(&mut s, 10_000, 2, 2);
    let (alice, bob) = (pending(&s, "alice").0, pending(&s, "bob").0);
    assert!((4_998..=5_000).contains(&alice), "{alice}");
    assert!((14_997..=15_000).contains(&bob), "{bob}");
    // alice still claims what she earned while holding
    s.claim_rewards("alice").unwrap();
    assert_eq!(s.suite.balance("alice", "uosmo"), alice);
}

#[test]
fn native_rewards_compound_into_the_price() {
    let mut s = setup_with(Setup {
        apr: Decimal::percent(10),
        ..Setup::default()
    });
    s.deposit("alice", 10_000_000).unwrap();
    let p0 = s.price();
    s.suite.advance(365 * DAY / 10);
    // accrued at the hub counts at once: a depositor now pays for it
    let p1 = s.price();
    assert!(p1 > p0, "{p0} -> {p1}");
    let nav = s.state().nav.u128();
    assert!(nav > 10_090_000, "{nav}");
    let res = s.harvest().unwrap();
    let redeposited: u128 = vattr(&res, "redeposited").unwrap().parse().unwrap();
    assert!(redeposited > 90_000, "{redeposited}");
    // re-deposited into the validators: the price did not move
    assert_eq!(s.price(), p1);
    assert_eq!(s.state().idle.u128(), 0);
    // bob, depositing now, does not share the rewards earned before him
    s.deposit("bob", 10_000_000).unwrap();
    let bob = s.value("bob");
    assert!((9_999_998..=10_000_000).contains(&bob), "{bob}");
    s.suite.assert_invariants();
}

#[test]
fn rewards_accrued_while_nobody_holds_go_to_the_next_holders() {
    let mut s = setup_both();
    s.deposit("alice", 1_000_000).unwrap();
    let shares = s.shares("alice");
    s.exit("alice", shares).unwrap();
    // the rounding unit alice left in the vault's position still secures the oracle and
    // earns its payments; no share is held, so they wait for the next holders
    assert_eq!(s.bonded_on(0), 1);
    s.suite
        .distribute("oracle", ORACLE, vec![coin(100, "uosmo")])
        .unwrap();
    s.harvest().unwrap();
    assert_eq!(pending(&s, "alice").0, 0);
    s.deposit("dave", 1_000_000).unwrap();
    s.harvest().unwrap();
    let dave = pending(&s, "dave").0;
    assert!((99..=100).contains(&dave), "{dave}");
    s.claim_rewards("dave").unwrap();
    assert_eq!(s.suite.balance("dave", "uosmo"), dave);
}
