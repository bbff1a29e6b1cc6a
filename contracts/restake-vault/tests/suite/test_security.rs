//! The auditor's list (SECURITY.md and the vault's own review): share inflation, rounding,
//! dust and junk, re-entry through hooks and tokens, access control, funds validation,
//! migration.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{
    coin, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError,
    StdResult, Uint128, WasmMsg,
};
use cw20::{BalanceResponse, Cw20ReceiveMsg};
use restake_multitest::{ContractWrapper, Executor, ServiceSpec};
use restake_vault::ContractError;
use serde_json::json;

use super::helpers::*;

#[test]
fn a_donation_cannot_inflate_the_share_price() {
    let mut s = setup();
    // the attacker is first, with the smallest deposit that mints
    let err = refusal(s.deposit("attacker", 1).unwrap_err());
    assert_eq!(
        err,
        ContractError::DepositTooSmall {
            amount: Uint128::one()
        }
    );
    s.deposit("attacker", 2).unwrap();
    assert_eq!(s.shares("attacker"), 1_000);
    // ... and donates to the vault: tokens it was not asked to hold are nobody's
    let vault = s.vault.to_string();
    s.suite.mint("attacker", vec![coin(1_000_000_000, "uatom")]);
    s.suite
        .app
        .send_tokens(
            s.suite.addr("attacker"),
            Addr::unchecked(&vault),
            &[coin(1_000_000_000, "uatom")],
        )
        .unwrap();
    let st = s.state();
    assert_eq!(st.nav.u128(), 2);
    // the victim gets a fair price
    s.deposit("victim", 1_000_000).unwrap();
    let victim = s.value("victim");
    assert!((999_997..=1_000_000).contains(&victim), "{victim}");
    assert!(s.value("attacker") <= 2);
}

#[test]
fn virtual_shares_make_inflation_cost_a_thousand_times_what_it_takes() {
    use restake_vault::math::{assets_for, shares_for};
    let u = Uint128::new;
    // Suppose an attacker could add X to the vault's value right after a 1-unit deposit
    // (through rewards to the vault's validator, say).
    let attacker_shares = shares_for(u(1), u(0), u(0)).unwrap();
    for donation in [1_000u128, 1_000_000, 1_000_000_000] {
        let nav = 1 + donation;
        let victim_deposit = 1_000_000u128;
        let minted = shares_for(u(victim_deposit), u(nav), attacker_shares).unwrap();
        let supply = attacker_shares + minted;
        let victim_value = assets_for(minted, u(nav + victim_deposit), supply)
            .unwrap()
            .u128();
        let attacker_value = assets_for(attacker_shares, u(nav + victim_deposit), supply)
            .unwrap()
            .u128();
        // beyond the unit any deposit may lose to rounding
        let victim_loss = (victim_deposit - victim_value).saturating_sub(1);
        let attacker_cost = (1 + donation).saturating_sub(attacker_value);
        assert!(
            attacker_cost >= victim_loss * 999,
            "donation {donation}: attacker pays {attacker_cost} for the victim's {victim_loss}"
        );
    }
}

#[test]
fn dust_deposits_and_exits_never_lower_the_price() {
    let mut s = setup();
    s.deposit("alice", 1_000_003).unwrap();
    let mut last = s.price();
    for i in 0..12 {
        s.deposit("dust", 2 + i % 3).unwrap();
        let p = s.price();
        assert!(p >= last, "deposit {i}: {last} -> {p}");
        last = p;
    }
    for _ in 0..6 {
        s.exit("dust", 1_001).unwrap();
        let p = s.price();
        assert!(p >= last, "{last} -> {p}");
        last = p;
    }
    s.suite.advance(EXIT_EPOCH);
    s.process_exits().unwrap();
    assert!(s.price() >= last);
}

#[test]
fn funds_are_checked() {
    let mut s = setup();
    s.suite
        .mint("alice", vec![coin(10, "uatom"), coin(10, "junk")]);
    let err = refusal(
        s.vx("alice", json!({"deposit": {}}), &[coin(10, "junk")])
            .unwrap_err(),
    );
    assert!(matches!(err, ContractError::WrongDenom { .. }), "{err:?}");
    let err = refusal(
        s.vx(
            "alice",
            json!({"deposit": {}}),
            &[coin(5, "uatom"), coin(5, "junk")],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Payment(_)), "{err:?}");
    let err = refusal(s.vx("alice", json!({"deposit": {}}), &[]).unwrap_err());
    assert!(matches!(err, ContractError::Payment(_)), "{err:?}");
    for msg in [
        json!({"rebalance": {}}),
        json!({"harvest": {}}),
        json!({"process_exits": {}}),
        json!({"claim": {}}),
        json!({"claim_rewards": {}}),
    ] {
        let err = refusal(s.vx("alice", msg.clone(), &[coin(1, "uatom")]).unwrap_err());
        assert_eq!(err, ContractError::NonPayable, "{msg}");
    }
    // a minimum above the hub's
    let (mut suite, _) = chain(2, cosmwasm_std::Decimal::zero());
    let code = store_vault(&mut suite);
    let msg = instantiate_msg(
        &suite,
        default_strategy(&suite),
        &json!({"min_deposit": "1000"}),
    );
    let vault = instantiate_json(&mut suite, code, &msg).unwrap();
    suite.mint("bob", vec![coin(999, "uatom")]);
    let err = suite
        .app
        .execute_contract(
            suite.addr("bob"),
            vault,
            &RawJson(json!({"deposit": {}})),
            &[coin(999, "uatom")],
        )
        .unwrap_err();
    assert_eq!(
        refusal(err),
        ContractError::BelowMinDeposit {
            amount: Uint128::new(999),
            min: Uint128::new(1000)
        }
    );
}

#[test]
fn unknown_fields_and_typos_are_refused() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    assert!(s
        .vx(
            "alice",
            json!({"exit": {"shares": "10", "recipent": "x"}}),
            &[]
        )
        .is_err());
    assert!(s
        .vx("alice", json!({"rebalance": {"now": true}}), &[])
        .is_err());
    assert!(s.try_vq::<Value>(json!({"state": {"x": 1}})).is_err());
    let (mut suite, _) = chain(2, cosmwasm_std::Decimal::zero());
    let code = store_vault(&mut suite);
    let mut msg = instantiate_msg(&suite, default_strategy(&suite), &json!({}));
    msg["max_validator"] = json!(3);
    assert!(instantiate_json(&mut suite, code, &msg).is_err());
}

use serde_json::Value;

#[test]
fn shares_cannot_be_sent_to_the_vault_itself() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    let vault = s.vault.to_string();
    let err = refusal(
        s.vx(
            "alice",
            json!({"transfer": {"recipient": vault, "amount": "1"}}),
            &[],
        )
        .unwrap_err(),
    );
    assert_eq!(err, ContractError::TransferToVault);
    let err = refusal(
        s.vx(
            "alice",
            json!({"send": {"contract": vault, "amount": "1", "msg": ""}}),
            &[],
        )
        .unwrap_err(),
    );
    assert_eq!(err, ContractError::TransferToVault);
    // and the vault takes no cw20 (it has no `receive`): junk tokens bounce
    let junk = s.suite.create_cw20("JUNK", &[("mallory", 1_000)]);
    assert!(s
        .suite
        .app
        .execute_contract(
            s.suite.addr("mallory"),
            junk,
            &cw20::Cw20ExecuteMsg::Send {
                contract: vault,
                amount: Uint128::new(10),
                msg: Binary::default()
            },
            &[]
        )
        .is_err());
}

#[test]
fn the_curator_changes_hands_in_two_steps() {
    let mut s = setup();
    let dao = s.suite.addr("dao").to_string();
    let err = refusal(
        s.vx(
            "mallory",
            json!({"update_ownership": {"transfer_ownership": {"new_owner": dao}}}),
            &[],
        )
        .unwrap_err(),
    );
    assert!(matches!(err, ContractError::Ownership(_)));
    s.vx(
        CURATOR,
        json!({"update_ownership": {"transfer_ownership": {"new_owner": dao}}}),
        &[],
    )
    .unwrap();
    s.vx("dao", json!({"update_ownership": "accept_ownership"}), &[])
        .unwrap();
    let o: cw_ownable::Ownership<String> = s.vq(json!({"ownership": {}}));
    assert_eq!(o.owner.as_deref(), Some(dao.as_str()));
    let st = default_strategy(&s);
    assert!(s.propose(st.clone()).is_err());
    s.vx("dao", json!({"propose_strategy": {"strategy": st}}), &[])
        .unwrap();
}

#[test]
fn migration_refuses_other_contracts_downgrades_and_replays() {
    let mut s = setup();
    let vault = s.vault.clone();
    let code = s.code_id;
    let err = s
        .suite
        .migrate_contract("admin", &vault, &json!({}), code)
        .unwrap_err();
    assert_eq!(
        refusal(err),
        ContractError::AlreadyMigrated {
            version: env!("CARGO_PKG_VERSION").into()
        }
    );
    let set = |s: &mut VaultSuite, name: &str, version: &str| {
        let mut store = s.suite.app.contract_storage_mut(&vault);
        cw2::set_contract_version(store.as_mut(), name, version).unwrap();
    };
    set(&mut s, "crates.io:restake-vault", "9.0.0");
    let err = s
        .suite
        .migrate_contract("admin", &vault, &json!({}), code)
        .unwrap_err();
    assert!(matches!(refusal(err), ContractError::Downgrade { .. }));
    set(&mut s, "crates.io:cw20-base", "0.1.0");
    let err = s
        .suite
        .migrate_contract("admin", &vault, &json!({}), code)
        .unwrap_err();
    assert!(matches!(refusal(err), ContractError::WrongContract { .. }));
    set(&mut s, "crates.io:restake-vault", "0.0.1");
    s.suite
        .migrate_contract("admin", &vault, &json!({}), code)
        .unwrap();
}

// ---------------------------------------------------------------- re-entry

/// A contract that, on receiving shares through `send`, exits with half of them and sends
/// the other half straight back to whoever sent them (two calls back into the vault).
fn reentrant_receiver() -> Box<dyn restake_multitest::Contract<Empty>> {
    fn execute(_: DepsMut, env: Env, info: MessageInfo, v: Value) -> StdResult<Response> {
        let r: Cw20ReceiveMsg = serde_json::from_value(v["receive"].clone())
            .map_err(|e| StdError::generic_err(e.to_string()))?;
        let half = r.amount.u128() / 2;
        let exit = WasmMsg::Execute {
            contract_addr: info.sender.to_string(),
            msg: to_json_binary(&json!({"exit": {"shares": half.to_string()}}))?,
            funds: vec![],
        };
        let back = WasmMsg::Execute {
            contract_addr: info.sender.to_string(),
            msg: to_json_binary(
                &json!({"transfer": {"recipient": r.sender, "amount": (r.amount.u128() - half).to_string()}}),
            )?,
            funds: vec![],
        };
        let _ = env;
        Ok(Response::new().add_message(exit).add_message(back))
    }
    fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }
    fn query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
        to_json_binary(&())
    }
    Box::new(ContractWrapper::new(execute, instantiate, query))
}

#[test]
fn a_send_hook_that_calls_back_finds_consistent_books() {
    let mut s = setup();
    s.deposit("alice", 1_000_000).unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    let code = s.suite.store_code(reentrant_receiver());
    let receiver = s
        .suite
        .instantiate_contract(code, "deployer", &Empty {}, &[], "receiver")
        .unwrap();
    let before = s.price();
    s.vx(
        "alice",
        json!({"send": {"contract": receiver, "amount": "1000000", "msg": ""}}),
        &[],
    )
    .unwrap();
    // the receiver exited with 500,000 shares and sent 500,000 back
    let alice = s.suite.addr("alice").to_string();
    assert_eq!(s.shares(&alice), s.shares("alice"));
    assert_eq!(s.shares(receiver.as_str()), 0);
    assert_eq!(s.exits(receiver.as_str()).exits[0].shares.u128(), 500_000);
    assert!(s.price() >= before);
    s.suite.assert_invariants();
}

/// A reward token whose `transfer` calls the recipient back (`rebalance` on the vault):
/// its `send` pays the hub like a cw20, its balance query answers what it holds.
fn calling_back_token() -> Box<dyn restake_multitest::Contract<Empty>> {
    use cw_storage_plus::Map;
    const BAL: Map<&str, u128> = Map::new("b");
    fn execute(deps: DepsMut, _: Env, info: MessageInfo, v: Value) -> StdResult<Response> {
        if let Some(send) = v.get("send") {
            let amount: u128 = send["amount"].as_str().unwrap_or("0").parse().unwrap_or(0);
            let contract = send["contract"].as_str().unwrap_or_default().to_string();
            let have = BAL
                .may_load(deps.storage, info.sender.as_str())?
                .unwrap_or(0);
            BAL.save(deps.storage, info.sender.as_str(), &(have - amount))?;
            let to = BAL.may_load(deps.storage, &contract)?.unwrap_or(0);
            BAL.save(deps.storage, &contract, &(to + amount))?;
            let hook = Cw20ReceiveMsg {
                sender: info.sender.to_string(),
                amount: Uint128::new(amount),
                msg: Binary::from_base64(send["msg"].as_str().unwrap_or_default())?,
            };
            return Ok(Response::new().add_message(hook.into_cosmos_msg(contract)?));
        }
        if let Some(t) = v.get("transfer") {
            let recipient = t["recipient"].as_str().unwrap_or_default().to_string();
            let callback = WasmMsg::Execute {
                contract_addr: recipient,
                msg: to_json_binary(&json!({"rebalance": {}}))?,
                funds: vec![],
            };
            return Ok(Response::new().add_message(callback));
        }
        if let Some(m) = v.get("mint") {
            let who = m["recipient"].as_str().unwrap_or_default().to_string();
            let amount: u128 = m["amount"].as_str().unwrap_or("0").parse().unwrap_or(0);
            BAL.save(deps.storage, &who, &amount)?;
            return Ok(Response::new());
        }
        Err(StdError::generic_err("unsupported"))
    }
    fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }
    fn query(deps: Deps, _: Env, v: Value) -> StdResult<Binary> {
        let who = v["balance"]["address"].as_str().unwrap_or_default();
        let balance = BAL.may_load(deps.storage, who)?.unwrap_or(0);
        to_json_binary(&BalanceResponse {
            balance: Uint128::new(balance),
        })
    }
    Box::new(ContractWrapper::new(execute, instantiate, query))
}

#[test]
fn a_reward_token_that_calls_back_during_a_harvest_is_refused_and_nothing_breaks() {
    let (mut suite, _) = chain(2, cosmwasm_std::Decimal::zero());
    let code = suite.store_code(calling_back_token());
    let token = suite
        .instantiate_contract(code, "deployer", &Empty {}, &[], "evil")
        .unwrap();
    let evil = suite
        .register(
            ServiceSpec::new("evil")
                .reward_token(&token)
                .reward_denom("uosmo"),
        )
        .unwrap();
    let vault_code = store_vault(&mut suite);
    let strategy = json!({
        "validators": [{"validator": suite.validator(0), "weight": 1, "services": [evil]}],
        "services": [{"service_id": evil, "max_share": "1"}],
        "risk_budget": "0.1",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    let msg = instantiate_msg(&suite, strategy, &json!({}));
    let vault = instantiate_json(&mut suite, vault_code, &msg).unwrap();
    suite.known.insert(vault.clone());
    let mut s = VaultSuite {
        suite,
        vault,
        code_id: vault_code,
        token: token.clone(),
    };
    s.deposit("alice", 1_000_000).unwrap();
    let payer = s.suite.addr("payer").to_string();
    s.suite
        .app
        .execute_contract(
            s.suite.addr("deployer"),
            token.clone(),
            &RawJson(json!({"mint": {"recipient": payer, "amount": "1000"}})),
            &[],
        )
        .unwrap();
    s.suite
        .distribute_cw20(&token, "payer", evil, 1_000)
        .unwrap();
    s.suite
        .distribute("evil", evil, vec![coin(500, "uosmo")])
        .unwrap();
    // the hub's transfer of the evil token calls the vault while its reply is pending:
    // refused, so that transfer fails and the hub keeps it; the uosmo arrives
    let res = s.harvest().unwrap();
    assert_eq!(vattr(&res, "arrived").as_deref(), Some("500uosmo"));
    let refused = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.value.contains("re-entry refused"));
    assert!(refused, "{:?}", res.events);
    let pending = s.suite.pending_rewards(s.vault.as_str()).unwrap();
    assert!(pending
        .iter()
        .any(|r| r.cw20.as_ref() == Some(&token) && r.amount.u128() == 1_000));
    // alice is credited both (the token still at the hub), is paid the uosmo, and the
    // token's refused payout stays hers
    s.claim_rewards("alice").unwrap();
    assert!((499..=500).contains(&s.suite.balance("alice", "uosmo")));
    let h = s.holder("alice");
    assert!(h
        .pending_rewards
        .iter()
        .any(|r| r.cw20.is_some() && (999..=1_000).contains(&r.amount.u128())));
    // the vault is not locked afterwards
    s.rebalance().unwrap();
    s.deposit("bob", 1_000_000).unwrap();
    s.suite.assert_invariants();
}
