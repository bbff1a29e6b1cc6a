//! Issue 18 on cw-multi-test: a delegation enters the hub without unbonding (tokenized shares
//! of Gaia's x/liquid, redeemed by the validator's delegator proxy) and leaves it the same way
//! (`withdraw_shares`), against the Suite's emulation of x/liquid. Every hub step is raw JSON,
//! as a chain CLI sends it; the invariants are checked after each.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coin, coins, Coin, Decimal, Uint128, Validator};
use cw_multi_test::{
    App, AppBuilder, BankSudo, Executor, IntoBech32, StakeKeeper, StakingInfo, StakingSudo,
};
use restake_hub::error::OptOutWait;
use restake_hub::ContractError;
use restake_multitest::internals::{self, Unbonding};
use restake_multitest::{attr, Suite, SuiteBuilder, HUB_UNBONDING};
use serde_json::{json, Value};

use super::helpers::{chain_error, dump, hub_error};

// ---------------------------------------------------------------------------- helpers

fn exec(
    s: &mut Suite,
    who: &str,
    msg: Value,
    funds: &[Coin],
) -> anyhow::Result<cw_multi_test::AppResponse> {
    s.execute_json(who, &msg.to_string(), funds)
}

/// Every bank balance that could move in a refused message: the staker's, the hub's and its
/// proxies', in the bonded denom and in `denom`.
fn balances(s: &Suite, who: &str, denom: &str) -> Vec<u128> {
    let mut out = vec![s.balance(who, "uatom"), s.balance(who, denom)];
    for d in s.delegators() {
        out.push(s.balance(d.as_str(), "uatom"));
        out.push(s.balance(d.as_str(), denom));
    }
    out
}

/// Runs a message that must be refused; checks that the hub's storage, every balance
/// involved, the delegations and the share records are as before. Returns the error.
fn refused(
    s: &mut Suite,
    who: &str,
    denom: &str,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<cw_multi_test::AppResponse>,
) -> anyhow::Error {
    let storage = dump(s);
    let money = balances(s, who, denom);
    let delegations: Vec<u128> = s.validators.iter().map(|v| s.delegation(v)).collect();
    let records = s.share_records();
    let err = f(s).expect_err("the message should have been refused");
    assert!(dump(s) == storage, "a refused message changed the hub");
    assert_eq!(
        balances(s, who, denom),
        money,
        "a refused message moved funds"
    );
    let after: Vec<u128> = s.validators.iter().map(|v| s.delegation(v)).collect();
    assert_eq!(after, delegations);
    assert_eq!(s.share_records(), records);
    s.assert_invariants();
    err
}

fn deposit_shares(
    s: &mut Suite,
    who: &str,
    v: &str,
    shares: &Coin,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    exec(
        s,
        who,
        json!({"deposit": {"validator": v}}),
        std::slice::from_ref(shares),
    )
}

fn withdraw_shares(
    s: &mut Suite,
    who: &str,
    v: &str,
    amount: u128,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    exec(
        s,
        who,
        json!({"withdraw_shares": {"validator": v, "amount": amount.to_string()}}),
        &[],
    )
}

fn deposit(s: &mut Suite, who: &str, v: &str, amount: u128) {
    s.mint(who, coins(amount, "uatom"));
    exec(
        s,
        who,
        json!({"deposit": {"validator": v}}),
        &coins(amount, "uatom"),
    )
    .unwrap();
}

fn register(s: &mut Suite, name: &str, veto_period: u64, opt_out_delay: u64) -> u64 {
    let slasher = s.addr(&format!("{name}-slasher")).to_string();
    let res = exec(
        s,
        name,
        json!({"register_service": {"name": name, "slasher": slasher, "max_slash": "0.1",
            "veto_period": veto_period, "opt_out_delay": opt_out_delay,
            "reward_denoms": ["uosmo"]}}),
        &[],
    )
    .unwrap();
    attr(&res, "service_id").unwrap().parse().unwrap()
}

fn opt_in(s: &mut Suite, who: &str, v: &str, id: u64) {
    exec(
        s,
        who,
        json!({"opt_in": {"validator": v, "service_ids": [id]}}),
        &[],
    )
    .unwrap();
}

fn supply(s: &Suite, denom: &str) -> u128 {
    s.app.wrap().query_supply(denom).unwrap().amount.u128()
}

fn suite(validators: usize) -> Suite {
    SuiteBuilder::new()
        .with_validators(validators)
        .with_apr(Decimal::zero())
        .build()
}

fn no_unbonding_on_the_chain(s: &Suite) {
    let queue = internals::unbonding_queue(s.app.storage()).unwrap();
    assert!(queue.is_empty(), "the staking module unbonds {queue:?}");
}

// ---------------------------------------------------------------------------- the emulation

/// The emulation edits cw-multi-test's staking state directly (see `internals`): this pins
/// where that state is and what it looks like, so a cw-multi-test upgrade that moves it
/// fails here first, by name.
#[test]
fn cw_multi_test_internals_are_as_pinned() {
    let mut s = suite(1);
    let v = s.validator(0);
    let alice = s.addr("alice");
    s.delegate_native("alice", &v, 1_000_000).unwrap();
    let info = internals::validator_info(s.app.storage(), &v)
        .unwrap()
        .unwrap();
    assert_eq!(info.stake, Uint128::new(1_000_000));
    assert!(info.stakers.contains(&alice));
    let d = internals::delegation(s.app.storage(), &alice, &v)
        .unwrap()
        .unwrap();
    assert_eq!(d.stake, Decimal::from_ratio(1_000_000u128, 1u128));
    assert_eq!(
        internals::unbonding_time(s.app.storage()).unwrap(),
        HUB_UNBONDING
    );

    s.undelegate_native("alice", &v, 400_000).unwrap();
    let queue = internals::unbonding_queue(s.app.storage()).unwrap();
    let expected = Unbonding {
        delegator: alice.clone(),
        validator: v.clone(),
        amount: Uint128::new(400_000),
        payout_at: s.now().plus_seconds(HUB_UNBONDING),
    };
    assert_eq!(queue.back(), Some(&expected));
    assert_eq!(s.chain_unbonding_entries(), vec![]); // alice is not the hub
                                                     // taking back a pushed entry leaves the queue as before, and the delegation is unchanged
    internals::take_last_unbonding(s.app.storage_mut(), &expected).unwrap();
    assert!(internals::unbonding_queue(s.app.storage())
        .unwrap()
        .is_empty());
    assert_eq!(s.native_delegation("alice", &v), 600_000);
    // an entry that is not the one expected is not taken
    s.undelegate_native("alice", &v, 1).unwrap();
    let wrong = Unbonding {
        amount: Uint128::new(2),
        ..expected
    };
    let err = internals::take_last_unbonding(s.app.storage_mut(), &wrong).unwrap_err();
    assert!(err.to_string().contains("not as restake-multitest expects"));

    // delegated and unbonding tokens sit in the staking module's account: exactly 1,000,000
    let module = cosmwasm_std::Addr::unchecked(internals::STAKING_MODULE);
    let send = |s: &mut Suite, amount: u128| {
        let to = s.addr("bob").to_string();
        s.app.execute(
            module.clone(),
            cosmwasm_std::BankMsg::Send {
                to_address: to,
                amount: coins(amount, "uatom"),
            }
            .into(),
        )
    };
    send(&mut s, 1_000_000).unwrap();
    send(&mut s, 1).unwrap_err();
}

/// cw-multi-test 2.5 on its own: after two slashes the only delegator on a validator cannot
/// undelegate what the chain says it has (the validator's total was rounded down at each
/// slash, the delegation was not). The numbers: 10,000,901 slashed 1 % then 10 %: the
/// delegation is 8,910,802.791 (shown 8,910,802), the validator's total 8,910,801.
#[test]
fn two_slashes_lock_the_last_delegator_in_plain_cw_multi_test_and_not_in_the_suite() {
    let v = "validator1"
        .into_bech32_with_prefix("cosmwasmvaloper")
        .to_string();
    let mut app: App = AppBuilder::new().build(|router, api, storage| {
        router
            .staking
            .setup(
                storage,
                StakingInfo {
                    bonded_denom: "uatom".into(),
                    unbonding_time: 60,
                    apr: Decimal::zero(),
                },
            )
            .unwrap();
        let block = cosmwasm_std::testing::mock_env().block;
        StakeKeeper::new()
            .add_validator(
                api,
                storage,
                &block,
                Validator::create(v.clone(), Decimal::zero(), Decimal::one(), Decimal::one()),
            )
            .unwrap();
    });
    let alice = app.api().addr_make("alice");
    app.sudo(
        BankSudo::Mint {
            to_address: alice.to_string(),
            amount: coins(10_000_901, "uatom"),
        }
        .into(),
    )
    .unwrap();
    let slash = |app: &mut App, p: u64| {
        app.sudo(
            StakingSudo::Slash {
                validator: v.clone(),
                percentage: Decimal::percent(p),
            }
            .into(),
        )
        .unwrap();
    };
    app.execute(
        alice.clone(),
        cosmwasm_std::StakingMsg::Delegate {
            validator: v.clone(),
            amount: coin(10_000_901, "uatom"),
        }
        .into(),
    )
    .unwrap();
    slash(&mut app, 1);
    slash(&mut app, 10);
    let shown = app
        .wrap()
        .query_delegation(&alice, &v)
        .unwrap()
        .unwrap()
        .amount;
    assert_eq!(shown, coin(8_910_802, "uatom"));
    let err = app
        .execute(
            alice.clone(),
            cosmwasm_std::StakingMsg::Undelegate {
                validator: v.clone(),
                amount: shown,
            }
            .into(),
        )
        .unwrap_err();
    assert!(
        err.root_cause().to_string().contains("Cannot Sub"),
        "{err:?}"
    );

    // The Suite's staking module keeps a validator's total at what its delegations are worth.
    let mut s = suite(1);
    let v = s.validator(0);
    s.delegate_native("alice", &v, 10_000_901).unwrap();
    s.chain_slash(&v, Decimal::percent(1));
    s.chain_slash(&v, Decimal::percent(10));
    assert_eq!(s.native_delegation("alice", &v), 8_910_802);
    s.undelegate_native("alice", &v, 8_910_802).unwrap();
    assert_eq!(s.native_delegation("alice", &v), 0);
    s.advance(HUB_UNBONDING);
    assert_eq!(s.balance("alice", "uatom"), 8_910_802);
}

/// The same through the hub, where the validator's delegator proxy is the only delegator:
/// the whole position unbonds and is paid after two chain slashes.
#[test]
fn the_hub_unbonds_everything_after_two_chain_slashes() {
    let mut s = suite(1);
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 10_000_901);
    s.chain_slash(&v, Decimal::percent(1));
    s.chain_slash(&v, Decimal::percent(10));
    exec(
        &mut s,
        "keeper",
        json!({"sync_validator": {"validator": v}}),
        &[],
    )
    .unwrap();
    s.assert_invariants();
    let bonded = s.bonded_of("alice", &v);
    assert_eq!(bonded, 8_910_802);
    exec(
        &mut s,
        "alice",
        json!({"unbond": {"validator": v, "amount": bonded.to_string()}}),
        &[],
    )
    .unwrap();
    s.assert_invariants();
    s.advance(HUB_UNBONDING + 5);
    exec(&mut s, "keeper", json!({"process_unbondings": {}}), &[]).unwrap();
    exec(&mut s, "alice", json!({"claim_unbonded": {}}), &[]).unwrap();
    assert_eq!(s.balance("alice", "uatom"), 8_910_802);
    assert_eq!(s.delegation(&v), 0);
    s.assert_invariants();
}

/// The emulated x/liquid on its own, as a staker uses it with gaiad's CLI: records, share
/// tokens to the delegator, no unbonding, nothing minted or burned in the bonded denom.
#[test]
fn tokenize_and_redeem_move_delegations_without_unbonding() {
    let mut s = suite(2);
    let (v0, v1) = (s.validator(0), s.validator(1));
    s.delegate_native("alice", &v0, 3_000_000).unwrap();
    s.delegate_native("alice", &v1, 1_000_000).unwrap();
    let uatom = supply(&s, "uatom");

    // the shares go to the delegator; the record (its rewards) to the owner named
    let first = s.tokenize_shares("alice", &v0, 1_200_000, "bob").unwrap();
    assert_eq!(first, coin(1_200_000, format!("{v0}/1")));
    let second = s.tokenize_shares("alice", &v1, 400_000, "alice").unwrap();
    assert_eq!(second, coin(400_000, format!("{v1}/2")));
    assert_eq!(s.balance("alice", &first.denom), 1_200_000);
    assert_eq!(s.balance("bob", &first.denom), 0);
    let r1 = s.share_record(1).unwrap();
    assert_eq!(
        (r1.owner.clone(), r1.validator.as_str(), r1.shares),
        (s.addr("bob"), v0.as_str(), Uint128::new(1_200_000))
    );
    let r2 = s.share_record(2).unwrap();
    assert_ne!(r1.module_account, r2.module_account);
    assert_eq!(s.native_delegation("alice", &v0), 1_800_000);
    assert_eq!(
        s.native_delegation(r1.module_account.as_str(), &v0),
        1_200_000
    );
    assert_eq!(s.total_liquid_staked(), 1_600_000);
    no_unbonding_on_the_chain(&s);
    assert_eq!(supply(&s, "uatom"), uatom);

    // whoever holds share tokens redeems them into a delegation of its own
    s.app
        .send_tokens(
            s.addr("alice"),
            s.addr("carol"),
            &coins(200_000, &first.denom),
        )
        .unwrap();
    let got = s
        .redeem_shares("carol", coin(200_000, &first.denom))
        .unwrap();
    assert_eq!(got, coin(200_000, "uatom"));
    assert_eq!(s.native_delegation("carol", &v0), 200_000);
    assert_eq!(s.share_record(1).unwrap().shares, Uint128::new(1_000_000));
    assert_eq!(supply(&s, &first.denom), 1_000_000);
    // the last shares empty and delete the record
    let got = s
        .redeem_shares("alice", coin(1_000_000, &first.denom))
        .unwrap();
    assert_eq!(got, coin(1_000_000, "uatom"));
    assert_eq!(s.native_delegation("alice", &v0), 2_800_000);
    assert_eq!(s.share_record(1), None);
    assert_eq!(supply(&s, &first.denom), 0);
    // record ids are never reused
    let third = s.tokenize_shares("alice", &v0, 1, "alice").unwrap();
    assert_eq!(third, coin(1, format!("{v0}/3")));
    no_unbonding_on_the_chain(&s);
    assert_eq!(supply(&s, "uatom"), uatom);
    assert_eq!(s.balance("alice", "uatom"), 0);
}

/// x/staking withdraws a delegation's rewards whenever it changes: tokenizing withdraws the
/// delegator's, a redemption into an existing delegation the redeemer's, and the record's go
/// to its owner when the record is emptied or when the owner asks.
#[test]
fn rewards_follow_the_sdk_through_tokenize_and_redeem() {
    const YEAR: u64 = 365 * 24 * 3600;
    let mut s = SuiteBuilder::new().with_apr(Decimal::percent(10)).build();
    let v = s.validator(0);
    s.delegate_native("alice", &v, 1_000_000).unwrap();
    s.advance(YEAR);
    let shares = s.tokenize_shares("alice", &v, 400_000, "alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 100_000);
    s.advance(YEAR);
    // a redemption of part of the record: bob's new delegation; the record keeps its rewards
    s.app
        .send_tokens(
            s.addr("alice"),
            s.addr("bob"),
            &coins(100_000, &shares.denom),
        )
        .unwrap();
    s.redeem_shares("bob", coin(100_000, &shares.denom))
        .unwrap();
    assert_eq!(s.balance("bob", "uatom"), 0);
    // the owner withdraws the record's rewards of the year: 10 % of 400,000
    s.withdraw_share_record_reward("alice", 1).unwrap();
    assert_eq!(s.balance("alice", "uatom"), 140_000);
    let err = s.withdraw_share_record_reward("bob", 1).unwrap_err();
    assert_eq!(
        (chain_error(&err).codespace, chain_error(&err).code),
        ("liquid", 104)
    );
    s.advance(YEAR);
    // alice redeems the rest into her delegation: her own rewards (2 years of 600,000) are
    // withdrawn, and the emptied record's (a year of 300,000) go to her as its owner
    s.redeem_shares("alice", coin(300_000, &shares.denom))
        .unwrap();
    assert_eq!(s.balance("alice", "uatom"), 140_000 + 120_000 + 30_000);
    assert_eq!(s.native_delegation("alice", &v), 900_000);
    assert_eq!(s.share_record(1), None);
}

/// Each refusal with gaiad's codes.
#[test]
fn the_emulated_chain_refuses_as_gaia_does() {
    let mut s = suite(1);
    let v = s.validator(0);
    s.delegate_native("alice", &v, 1_000_000).unwrap();
    let code = |e: anyhow::Error| {
        let c = chain_error(&e);
        (c.codespace, c.code)
    };
    // the signer must be the delegator
    let alice = s.addr("alice").to_string();
    let mut v_msg = vec![];
    let put = |out: &mut Vec<u8>, n: u8, b: &[u8]| {
        out.push((n << 3) | 2);
        out.push(b.len() as u8);
        out.extend_from_slice(b);
    };
    put(&mut v_msg, 1, alice.as_bytes());
    put(&mut v_msg, 2, v.as_bytes());
    let mut c = vec![];
    put(&mut c, 1, b"uatom");
    put(&mut c, 2, b"1000");
    put(&mut v_msg, 3, &c);
    put(&mut v_msg, 4, alice.as_bytes());
    let bob = s.addr("bob");
    let err = s
        .send_proto(bob, restake_multitest::liquid::MSG_TOKENIZE_SHARES, v_msg)
        .unwrap_err();
    assert_eq!(code(err), ("sdk", 4));
    let other = "validator9"
        .into_bech32_with_prefix("cosmwasmvaloper")
        .to_string();
    let err = s.tokenize_shares("alice", &other, 1, "alice").unwrap_err();
    assert_eq!(code(err), ("staking", 3));
    let err = s.tokenize_shares("bob", &v, 1, "bob").unwrap_err();
    assert_eq!(code(err), ("staking", 19));
    let err = s
        .tokenize_shares("alice", &v, 1_000_001, "alice")
        .unwrap_err();
    assert_eq!(code(err), ("sdk", 18));
    let err = s.tokenize_shares("alice", &v, 0, "alice").unwrap_err();
    assert_eq!(code(err), ("sdk", 18));
    // a record that does not exist, share tokens one does not hold, zero tokens
    let fake = coin(10, format!("{v}/7"));
    s.mint("bob", vec![fake.clone()]);
    let err = s.redeem_shares("bob", fake).unwrap_err();
    assert_eq!(code(err), ("liquid", 102));
    let shares = s.tokenize_shares("alice", &v, 1_000, "alice").unwrap();
    let err = s
        .redeem_shares("alice", coin(1_001, &shares.denom))
        .unwrap_err();
    assert_eq!(code(err), ("liquid", 101));
    // the redacted form a contract's reply gets is in the text
    let err = s.tokenize_shares("alice", &v, 0, "alice").unwrap_err();
    assert!(err
        .to_string()
        .ends_with("invalid shares amount: invalid request (codespace: sdk, code: 18)"));

    // a chain without x/liquid does not know the messages
    let mut s = SuiteBuilder::new().without_liquid().build();
    let v = s.validator(0);
    s.delegate_native("alice", &v, 1_000_000).unwrap();
    let err = s.tokenize_shares("alice", &v, 1_000, "alice").unwrap_err();
    assert_eq!(code(err), ("wasm", 10));
}

// ---------------------------------------------------------------------------- the hub

/// Issue 18's journey: delegate natively → tokenize → deposit the shares (no unbonding) →
/// opt in → a service pays → claim → a service slash → a chain slash → unbond → claim. The
/// shares are the first deposit on the validator, so they create its delegator proxy.
#[test]
fn a_native_delegation_enters_the_hub_without_unbonding_and_lives_there() {
    let mut s = suite(2);
    let v = s.validator(0);
    s.delegate_native("alice", &v, 5_000_000).unwrap();
    let uatom = supply(&s, "uatom");
    let shares = s.tokenize_shares("alice", &v, 3_000_000, "alice").unwrap();
    assert_eq!(shares, coin(3_000_000, format!("{v}/1")));
    assert_eq!(s.native_delegation("alice", &v), 2_000_000);
    no_unbonding_on_the_chain(&s);

    assert_eq!(s.delegator(&v), None);
    let res = deposit_shares(&mut s, "alice", &v, &shares).unwrap();
    let proxy = s.delegator(&v).expect("the shares created v's proxy");
    assert!(res.events.iter().any(|e| e.ty == "redeem_shares"
        && e.attributes
            .iter()
            .any(|a| a.key == "delegator" && a.value == proxy.as_str())));
    // credited exactly what the redemption produced; nothing unbonds, nothing is left over
    assert_eq!(s.bonded_of("alice", &v), 3_000_000);
    assert_eq!(s.delegation(&v), 3_000_000);
    no_unbonding_on_the_chain(&s);
    assert_eq!(s.balance("alice", &shares.denom), 0);
    assert_eq!(s.balance(proxy.as_str(), &shares.denom), 0);
    assert_eq!(supply(&s, &shares.denom), 0);
    assert_eq!(s.share_records(), vec![]);
    assert_eq!(supply(&s, "uatom"), uatom);
    assert_eq!(s.native_delegation("alice", &v), 2_000_000);
    let withdraw_to = s
        .app
        .wrap()
        .query_delegator_withdraw_address(&proxy)
        .unwrap();
    assert_eq!(withdraw_to, s.hub);
    s.assert_invariants();

    let id = register(&mut s, "oracle", 0, 0);
    opt_in(&mut s, "alice", &v, id);
    s.assert_invariants();
    s.mint("oracle", coins(1_000, "uosmo"));
    exec(
        &mut s,
        "oracle",
        json!({"distribute_rewards": {"service_id": id}}),
        &coins(1_000, "uosmo"),
    )
    .unwrap();
    s.assert_invariants();
    exec(&mut s, "alice", json!({"claim_rewards": {}}), &[]).unwrap();
    // the reward index per unit of stake rounds down: at most 1 unit per payment stays
    assert_eq!(s.balance("alice", "uosmo"), 999);
    s.assert_invariants();

    exec(
        &mut s,
        "oracle-slasher",
        json!({"slash": {"service_id": id, "validator": v, "fraction": "0.1",
            "evidence": "signed two oracle reports"}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.bonded_of("alice", &v), 2_700_000);
    s.assert_invariants();

    s.chain_slash(&v, Decimal::percent(5));
    exec(
        &mut s,
        "keeper",
        json!({"sync_validator": {"validator": v}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.bonded_of("alice", &v), 2_565_000);
    s.assert_invariants();

    exec(
        &mut s,
        "alice",
        json!({"unbond": {"validator": v, "amount": "2565000"}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.bonded_of("alice", &v), 0);
    s.assert_invariants();
    s.advance(HUB_UNBONDING + 5);
    exec(&mut s, "keeper", json!({"process_unbondings": {}}), &[]).unwrap();
    s.assert_invariants();
    exec(&mut s, "alice", json!({"claim_unbonded": {}}), &[]).unwrap();
    assert_eq!(s.balance("alice", "uatom"), 2_565_000);
    s.assert_invariants();
}

/// Shares of a slashed validator are worth less than one token each: the position is
/// credited what they redeem for, whether they were tokenized before the slash or after it
/// (after, the chain gives 10/9 share tokens per token, docs/gaia.md e).
#[test]
fn shares_of_a_slashed_validator_credit_what_they_redeem_for() {
    let mut s = suite(1);
    let v = s.validator(0);
    deposit(&mut s, "dave", &v, 1_000_000); // the proxy exists: the redemptions go through it
    s.delegate_native("bob", &v, 1_000_000).unwrap();
    let before = s.tokenize_shares("bob", &v, 1_000_000, "bob").unwrap();
    s.delegate_native("carol", &v, 5_000_000).unwrap();
    s.chain_slash(&v, Decimal::percent(10));
    assert_eq!(s.native_delegation("carol", &v), 4_500_000);
    let after = s.tokenize_shares("carol", &v, 4_500_000, "carol").unwrap();
    assert_eq!(after, coin(5_000_000, format!("{v}/2")));

    let res = deposit_shares(&mut s, "bob", &v, &before).unwrap();
    assert_eq!(attr(&res, "redeemed"), Some(before.to_string()));
    assert_eq!(s.bonded_of("bob", &v), 900_000);
    // the deposit shared dave's part of the slash with dave only
    assert_eq!(s.bonded_of("dave", &v), 900_000);
    s.assert_invariants();
    // half of carol's shares, then the rest
    deposit_shares(&mut s, "carol", &v, &coin(2_500_000, &after.denom)).unwrap();
    assert_eq!(s.bonded_of("carol", &v), 2_250_000);
    deposit_shares(&mut s, "carol", &v, &coin(2_500_000, &after.denom)).unwrap();
    assert_eq!(s.bonded_of("carol", &v), 4_500_000);
    assert_eq!(s.delegation(&v), 900_000 + 900_000 + 4_500_000);
    assert_eq!(s.share_records(), vec![]);
    no_unbonding_on_the_chain(&s);
    s.assert_invariants();
}

/// Each refusal of a share deposit names its reason, and nothing is lost: the staker keeps
/// its shares, the hub and the chain are as before.
#[test]
fn share_deposits_are_refused_with_a_reason_and_nothing_lost() {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .with_hub(|m| m.min_deposit = Some(Uint128::new(1_000)))
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    s.delegate_native("alice", &v0, 2_000_000).unwrap();
    s.delegate_native("alice", &v1, 2_000_000).unwrap();
    let of_v1 = s.tokenize_shares("alice", &v1, 1_000_000, "alice").unwrap();
    let small = s.tokenize_shares("alice", &v0, 999, "alice").unwrap();

    // on a validator without a proxy yet, then with one: the same answers
    for round in 0..2 {
        // shares of another validator than the message's
        let err = refused(&mut s, "alice", &of_v1.denom, |s| {
            deposit_shares(s, "alice", &v0, &of_v1)
        });
        assert!(matches!(
            hub_error(&err),
            ContractError::SharesOfAnotherValidator { denom, validator }
                if *denom == of_v1.denom && *validator == v0
        ));
        // worth less than min_deposit
        let err = refused(&mut s, "alice", &small.denom, |s| {
            deposit_shares(s, "alice", &v0, &small)
        });
        assert!(
            matches!(
                hub_error(&err),
                ContractError::BelowMinDeposit { amount, min }
                    if amount.u128() == 999 && min.u128() == 1_000
            ),
            "{err:?}"
        );
        // share-like tokens of no record: the chain refuses the redemption (x/liquid 102)
        let fake = coin(5_000, format!("{v0}/77"));
        s.mint("alice", vec![fake.clone()]);
        let err = refused(&mut s, "alice", &fake.denom, |s| {
            deposit_shares(s, "alice", &v0, &fake)
        });
        match hub_error(&err) {
            ContractError::LiquidRefused { error } => {
                assert!(error.contains("codespace: liquid, code: 102"), "{error}")
            }
            other => panic!("expected LiquidRefused, got {other:?}"),
        }
        // foreign denoms, and two denoms in one message
        for denom in [
            "uosmo",
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            &format!("{v0}/x"),
        ] {
            s.mint("alice", coins(5_000, denom));
            let err = refused(&mut s, "alice", denom, |s| {
                deposit_shares(s, "alice", &v0, &coin(5_000, denom))
            });
            assert!(
                matches!(
                    hub_error(&err),
                    ContractError::Payment(cw_utils::PaymentError::MissingDenom(d)) if d == "uatom"
                ),
                "{denom}: {err:?}"
            );
        }
        s.mint("alice", coins(5_000, "uatom"));
        let both = [small.clone(), coin(5_000, "uatom")];
        let err = refused(&mut s, "alice", &small.denom, |s| {
            exec(s, "alice", json!({"deposit": {"validator": v0}}), &both)
        });
        assert!(matches!(
            hub_error(&err),
            ContractError::Payment(cw_utils::PaymentError::MultipleDenoms {})
        ));
        if round == 0 {
            assert_eq!(s.delegator(&v0), None, "no refusal left a proxy behind");
            deposit(&mut s, "bob", &v0, 1_000_000);
        }
    }
}

/// On a chain without x/liquid, shares (here: tokens with a share-like denom that came from
/// elsewhere) are refused with the chain's answer, and nothing is lost.
#[test]
fn shares_are_refused_on_a_chain_without_x_liquid() {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .without_liquid()
        .build();
    let v = s.validator(0);
    let shares = coin(1_000_000, format!("{v}/1"));
    s.mint("alice", vec![shares.clone()]);
    for round in 0..2 {
        let err = refused(&mut s, "alice", &shares.denom, |s| {
            deposit_shares(s, "alice", &v, &shares)
        });
        match hub_error(&err) {
            ContractError::LiquidRefused { error } => {
                assert!(error.contains("codespace: wasm, code: 10"), "{error}")
            }
            other => panic!("expected LiquidRefused, got {other:?}"),
        }
        if round == 0 {
            deposit(&mut s, "bob", &v, 1_000_000);
        }
    }
    // and withdraw_shares: the chain cannot tokenize
    let err = refused(&mut s, "bob", "uatom", |s| {
        withdraw_shares(s, "bob", &v, 1_000)
    });
    assert!(matches!(
        hub_error(&err),
        ContractError::LiquidRefused { .. }
    ));
}

/// `withdraw_shares`: the staker leaves at once with shares worth the amount, which it can
/// redeem into its own delegation (or deposit again); nothing unbonds.
#[test]
fn withdraw_shares_leaves_without_unbonding() {
    let mut s = suite(1);
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 2_000_000);
    deposit(&mut s, "bob", &v, 1_000_000);
    let uatom = supply(&s, "uatom");
    withdraw_shares(&mut s, "alice", &v, 500_000).unwrap();
    let denom = format!("{v}/1");
    let proxy = s.delegator(&v).unwrap();
    assert_eq!(s.balance("alice", &denom), 500_000);
    assert_eq!(s.balance(proxy.as_str(), &denom), 0);
    let record = s.share_record(1).unwrap();
    assert_eq!(record.owner, s.addr("alice"));
    assert_eq!(s.bonded_of("alice", &v), 1_500_000);
    assert_eq!(s.bonded_of("bob", &v), 1_000_000);
    assert_eq!(s.delegation(&v), 2_500_000);
    assert_eq!(s.total_liquid_staked(), 500_000);
    no_unbonding_on_the_chain(&s);
    assert_eq!(supply(&s, "uatom"), uatom);
    s.assert_invariants();
    // worth the amount
    let got = s.redeem_shares("alice", coin(500_000, &denom)).unwrap();
    assert_eq!(got, coin(500_000, "uatom"));
    assert_eq!(s.native_delegation("alice", &v), 500_000);
    assert_eq!(s.total_liquid_staked(), 0);

    // after a chain slash the shares are more than the tokens, and worth the tokens
    s.chain_slash(&v, Decimal::percent(10));
    withdraw_shares(&mut s, "bob", &v, 900_000).unwrap();
    assert_eq!(s.bonded_of("bob", &v), 0);
    let denom = format!("{v}/2");
    assert_eq!(s.balance("bob", &denom), 1_000_000);
    assert_eq!(s.bonded_of("alice", &v), 1_350_000);
    s.assert_invariants();
    // bob changes his mind: back in, credited the 900,000 they are worth
    deposit_shares(&mut s, "bob", &v, &coin(1_000_000, &denom)).unwrap();
    assert_eq!(s.bonded_of("bob", &v), 900_000);
    no_unbonding_on_the_chain(&s);
    s.assert_invariants();
}

/// `withdraw_shares` is for plain stake only: securing a service, with a pending opt-out,
/// held by a slash request, more than bonded, or no position: refused, nothing moves.
#[test]
fn withdraw_shares_is_refused_for_stake_that_is_not_free() {
    let mut s = suite(1);
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 2_000_000);
    let oracle = register(&mut s, "oracle", 1_000, 1_000);
    let refuse = |s: &mut Suite, who: &str, amount: u128| {
        refused(s, who, "uatom", |s| withdraw_shares(s, who, &v, amount))
    };

    // more than bonded, no position, zero
    assert!(matches!(
        hub_error(&refuse(&mut s, "alice", 2_000_001)),
        ContractError::AmountExceedsBonded { amount, bonded, validator }
            if amount.u128() == 2_000_001 && bonded.u128() == 2_000_000 && *validator == v
    ));
    assert!(matches!(
        hub_error(&refuse(&mut s, "carol", 1)),
        ContractError::NoPosition { .. }
    ));
    assert!(matches!(
        hub_error(&refuse(&mut s, "alice", 0)),
        ContractError::ZeroAmount { .. }
    ));

    // securing a service
    opt_in(&mut s, "alice", &v, oracle);
    assert!(matches!(
        hub_error(&refuse(&mut s, "alice", 1_000)),
        ContractError::SharesNeedPlainStake { service_ids, .. } if *service_ids == "1"
    ));
    // with its opt-out pending
    exec(
        &mut s,
        "alice",
        json!({"opt_out": {"validator": v, "service_ids": [oracle]}}),
        &[],
    )
    .unwrap();
    assert!(matches!(
        hub_error(&refuse(&mut s, "alice", 1_000)),
        ContractError::SharesNeedPlainStake { .. }
    ));
    // held by a slash request opened during the opt-out: the opt-out cannot complete
    let slasher = "oracle-slasher";
    exec(
        &mut s,
        slasher,
        json!({"slash": {"service_id": oracle, "validator": v, "fraction": "0.05",
            "evidence": "equivocation"}}),
        &[],
    )
    .unwrap();
    s.advance(1_000);
    let held = refused(&mut s, "alice", "uatom", |s| {
        exec(
            s,
            "alice",
            json!({"complete_opt_out": {"validator": v}}),
            &[],
        )
    });
    assert_eq!(
        *hub_error(&held),
        ContractError::NothingToComplete {
            validator: v.clone(),
            reason: OptOutWait::Frozen {
                service_ids: vec![oracle]
            },
        }
    );
    assert_eq!(s.position("alice", &v).unwrap().service_ids, vec![oracle]);
    assert!(matches!(
        hub_error(&refuse(&mut s, "alice", 1_000)),
        ContractError::SharesNeedPlainStake { .. }
    ));
    // once the request is executed and the opt-out completed, the stake is plain again
    exec(
        &mut s,
        "keeper",
        json!({"execute_slash": {"slash_id": 1}}),
        &[],
    )
    .unwrap();
    exec(
        &mut s,
        "alice",
        json!({"complete_opt_out": {"validator": v}}),
        &[],
    )
    .unwrap();
    assert_eq!(s.bonded_of("alice", &v), 1_900_000);
    withdraw_shares(&mut s, "alice", &v, 1_900_000).unwrap();
    assert_eq!(s.balance("alice", &format!("{v}/1")), 1_900_000);
    assert_eq!(s.bonded_of("alice", &v), 0);
    s.assert_invariants();
}

/// The liquid staking caps bind the hub's tokenization (and only tokenization: its plain
/// delegations are not liquid). The refusal names the cap, and nothing is lost.
#[test]
fn withdraw_shares_hits_the_liquid_staking_caps() {
    // global: 10 % of the chain's bonded tokens
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .with_liquid_caps(Decimal::percent(10), Decimal::one())
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    deposit(&mut s, "alice", &v0, 1_000_000);
    s.delegate_native("carol", &v1, 1_000_000).unwrap();
    assert_eq!(
        s.total_liquid_staked(),
        0,
        "plain delegations are not liquid"
    );
    let err = refused(&mut s, "alice", "uatom", |s| {
        withdraw_shares(s, "alice", &v0, 200_001)
    });
    match hub_error(&err) {
        ContractError::LiquidStakingCap { cap, error } => {
            assert_eq!(cap, "global_liquid_staking_cap");
            assert!(error.contains("codespace: liquid, code: 111"), "{error}");
        }
        other => panic!("expected LiquidStakingCap, got {other:?}"),
    }
    assert!(err
        .root_cause()
        .to_string()
        .contains("global_liquid_staking_cap is reached"));
    // exactly at the cap is allowed; one more token is not
    withdraw_shares(&mut s, "alice", &v0, 200_000).unwrap();
    let err = refused(&mut s, "alice", "uatom", |s| {
        withdraw_shares(s, "alice", &v0, 1)
    });
    assert!(matches!(
        hub_error(&err),
        ContractError::LiquidStakingCap { cap, .. } if cap == "global_liquid_staking_cap"
    ));
    // the cap is not enforced on redemption: the shares come back in
    let shares = coin(200_000, format!("{v0}/1"));
    deposit_shares(&mut s, "alice", &v0, &shares).unwrap();
    assert_eq!(s.bonded_of("alice", &v0), 1_000_000);
    s.assert_invariants();

    // per validator: 30 % of v0's tokens
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .with_liquid_caps(Decimal::one(), Decimal::percent(30))
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    deposit(&mut s, "alice", &v0, 1_000_000);
    deposit(&mut s, "bob", &v1, 1_000_000);
    let err = refused(&mut s, "alice", "uatom", |s| {
        withdraw_shares(s, "alice", &v0, 300_001)
    });
    match hub_error(&err) {
        ContractError::LiquidStakingCap { cap, error } => {
            assert_eq!(cap, "validator_liquid_staking_cap");
            assert!(error.contains("codespace: liquid, code: 112"), "{error}");
        }
        other => panic!("expected LiquidStakingCap, got {other:?}"),
    }
    // another validator's room is its own
    withdraw_shares(&mut s, "bob", &v1, 300_000).unwrap();
    withdraw_shares(&mut s, "alice", &v0, 300_000).unwrap();
    assert_eq!(s.total_liquid_staked(), 600_000);
    s.assert_invariants();
}

/// Native staking rewards stay exact around share deposits: the proxy's rewards are
/// harvested before the redemption would withdraw them, and shared by the stake that earned
/// them.
#[test]
fn native_rewards_stay_exact_around_share_deposits() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::percent(10)).build();
    let v = s.validator(0);
    deposit(&mut s, "bob", &v, 1_000_000);
    s.delegate_native("alice", &v, 1_000_000).unwrap();
    s.advance(365 * 24 * 3600);
    let shares = s.tokenize_shares("alice", &v, 1_000_000, "alice").unwrap();
    // tokenizing withdrew alice's own rewards to her
    assert_eq!(s.balance("alice", "uatom"), 100_000);
    s.assert_invariants();
    deposit_shares(&mut s, "alice", &v, &shares).unwrap();
    s.assert_invariants();
    assert_eq!(s.bonded_of("alice", &v), 1_000_000);
    // the year's rewards of the proxy's delegation are bob's, none is alice's
    assert_eq!(s.pending_native("bob", "uatom"), 100_000);
    assert_eq!(s.pending_native("alice", "uatom"), 0);
    s.advance(365 * 24 * 3600);
    exec(&mut s, "keeper", json!({"harvest": {}}), &[]).unwrap();
    assert_eq!(s.pending_native("bob", "uatom"), 200_000);
    assert_eq!(s.pending_native("alice", "uatom"), 100_000);
    s.assert_invariants();
}
