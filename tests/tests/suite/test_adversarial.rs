//! Adversarial inputs and callers: a reward token that calls back into the hub, rewards in
//! the bonded denom while batches mature, 0 and u128::MAX in every amount field, extreme
//! fractions and durations, unknown JSON fields, 10,000 services, malformed addresses in
//! every address field, validators outside the chain or slashed by it, and a migration of a
//! hub full of state. Each test asserts outcomes (error texts, balances, query results).
//!
//! Tests marked `#[ignore = "contract bug: ..."]` assert the behaviour docs/design.md asks for
//! and fail today; run them with `cargo test -p restake-tests test_adversarial -- --ignored`.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, Binary, Decimal, Deps, DepsMut, Env, MessageInfo, Response,
    StdError, StdResult, Uint128, WasmMsg,
};
use cw_multi_test::{ContractWrapper, Executor, IntoBech32};
use restake_multitest::{
    err_text, ServiceSpec, Subject, Suite, SuiteBuilder, ViolationKind, HUB_UNBONDING,
};
use restake_types::{
    Asset, ExecuteMsg, ReceiveMsg, RegisterServiceMsg, ServiceStatus, ServicesResponse,
    SlashRequestsResponse, UpdateServiceMsg,
};
use serde_json::{json, Value};

use cw_ownable::OwnershipError;
use restake_hub::error::{ClaimWait, ConfigProblem};
use restake_hub::ContractError;

use super::helpers::{dump, hub_error, refused, refused_with};

// ---------------------------------------------------------------------------- a hostile token

/// A cw20-like token (balances, `transfer`, `send`, `balance`) whose behaviour a test
/// switches with `{"set_mode":{"mode":M,"service_id":N}}`:
/// - `normal`: a well-behaved token;
/// - `recycle`: a `transfer` (the hub paying a claim) re-enters the hub with a reward payment
///   of the same amount, paid back by the recipient;
/// - `double_notify`: a `send` notifies the hub twice for one transfer (a lying token);
/// - `reenter_claim` / `reenter_distribute`: after notifying the hub, a `send` calls the hub's
///   `claim_rewards` / `distribute_rewards` as the token;
/// - `revert_transfers`: every `transfer` fails (a paused or malicious token).
mod token {
    use super::*;

    fn key(addr: &str) -> Vec<u8> {
        [b"b:".as_slice(), addr.as_bytes()].concat()
    }

    pub fn balance(deps: Deps, addr: &str) -> u128 {
        deps.storage
            .get(&key(addr))
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn set_balance(deps: &mut DepsMut, addr: &str, amount: u128) {
        deps.storage.set(&key(addr), amount.to_string().as_bytes());
    }

    fn get(deps: Deps, k: &str) -> String {
        deps.storage
            .get(k.as_bytes())
            .and_then(|v| String::from_utf8(v).ok())
            .unwrap_or_default()
    }

    fn amount(v: &Value) -> StdResult<u128> {
        v.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| StdError::generic_err("bad amount"))
    }

    fn move_tokens(deps: &mut DepsMut, from: &str, to: &str, amount: u128) -> StdResult<()> {
        let have = balance(deps.as_ref(), from);
        if have < amount {
            return Err(StdError::generic_err(format!(
                "insufficient token balance: {have} < {amount}"
            )));
        }
        set_balance(deps, from, have - amount);
        let to_have = balance(deps.as_ref(), to);
        set_balance(deps, to, to_have + amount);
        Ok(())
    }

    fn hook(contract: &str, sender: &str, amount: u128, msg: Binary) -> StdResult<WasmMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg: to_json_binary(&json!({"receive": {
                "sender": sender, "amount": amount.to_string(), "msg": msg}}))?,
            funds: vec![],
        })
    }

    pub fn instantiate(
        mut deps: DepsMut,
        _: Env,
        _: MessageInfo,
        msg: Value,
    ) -> StdResult<Response> {
        for b in msg["balances"].as_array().cloned().unwrap_or_default() {
            let who = b[0].as_str().unwrap_or_default().to_string();
            set_balance(&mut deps, &who, amount(&b[1])?);
        }
        deps.storage.set(b"mode", b"normal");
        Ok(Response::new())
    }

    pub fn execute(
        mut deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Value,
    ) -> StdResult<Response> {
        let mode = get(deps.as_ref(), "mode");
        let service: u64 = get(deps.as_ref(), "service").parse().unwrap_or(0);
        let sender = info.sender.to_string();
        if let Some(m) = msg.get("set_mode") {
            deps.storage
                .set(b"mode", m["mode"].as_str().unwrap_or("normal").as_bytes());
            deps.storage
                .set(b"service", m["service_id"].to_string().as_bytes());
            return Ok(Response::new());
        }
        if let Some(t) = msg.get("transfer") {
            if mode == "revert_transfers" {
                return Err(StdError::generic_err("token transfers are paused"));
            }
            let to = t["recipient"].as_str().unwrap_or_default().to_string();
            let a = amount(&t["amount"])?;
            move_tokens(&mut deps, &sender, &to, a)?;
            let mut res = Response::new();
            if mode == "recycle" {
                // the recipient pays it straight back as a reward of the service, while the
                // hub's claim is still being executed
                move_tokens(&mut deps, &to, &sender, a)?;
                let hub_msg = to_json_binary(&ReceiveMsg::DistributeRewards {
                    service_id: service,
                })?;
                res = res.add_message(hook(&sender, &to, a, hub_msg)?);
            }
            return Ok(res);
        }
        if let Some(s) = msg.get("send") {
            let contract = s["contract"].as_str().unwrap_or_default().to_string();
            let a = amount(&s["amount"])?;
            let hook_msg: Binary = serde_json::from_value(s["msg"].clone())
                .map_err(|e| StdError::generic_err(e.to_string()))?;
            move_tokens(&mut deps, &sender, &contract, a)?;
            let mut res =
                Response::new().add_message(hook(&contract, &sender, a, hook_msg.clone())?);
            match mode.as_str() {
                "double_notify" => res = res.add_message(hook(&contract, &sender, a, hook_msg)?),
                "reenter_claim" => {
                    res = res.add_message(WasmMsg::Execute {
                        contract_addr: contract,
                        msg: to_json_binary(&ExecuteMsg::ClaimRewards {})?,
                        funds: vec![],
                    })
                }
                "reenter_distribute" => {
                    res = res.add_message(WasmMsg::Execute {
                        contract_addr: contract,
                        msg: to_json_binary(&ExecuteMsg::DistributeRewards {
                            service_id: service,
                        })?,
                        funds: vec![],
                    })
                }
                _ => {}
            }
            let _ = env;
            return Ok(res);
        }
        Err(StdError::generic_err(format!(
            "unknown token message {msg}"
        )))
    }

    pub fn query(deps: Deps, _: Env, msg: Value) -> StdResult<Binary> {
        let who = msg["balance"]["address"].as_str().unwrap_or_default();
        to_json_binary(&json!({"balance": balance(deps, who).to_string()}))
    }
}

/// Stores and instantiates the hostile token with initial balances (account names).
fn hostile_token(s: &mut Suite, balances: &[(&str, u128)]) -> Addr {
    let code = s.store_code(Box::new(ContractWrapper::new(
        token::execute,
        token::instantiate,
        token::query,
    )));
    let b: Vec<Value> = balances
        .iter()
        .map(|(w, a)| json!([s.addr(w).to_string(), a.to_string()]))
        .collect();
    s.instantiate_contract(
        code,
        "token-owner",
        &json!({ "balances": b }),
        &[],
        "hostile",
    )
    .unwrap()
}

fn token_balance(s: &Suite, token: &Addr, who: &str) -> u128 {
    let r: cw20::BalanceResponse = s
        .query_contract(
            token,
            &json!({"balance": {"address": s.addr(who).to_string()}}),
        )
        .unwrap();
    r.balance.u128()
}

fn set_mode(s: &mut Suite, token: &Addr, mode: &str, service_id: u64) {
    s.execute_contract(
        "anyone",
        token,
        &json!({"set_mode": {"mode": mode, "service_id": service_id}}),
        &[],
    )
    .unwrap();
}

fn send_token(
    s: &mut Suite,
    token: &Addr,
    from: &str,
    service_id: u64,
    amount: u128,
) -> anyhow::Result<()> {
    s.execute_contract(
        from,
        token,
        &json!({"send": {"contract": s.hub.to_string(), "amount": amount.to_string(),
            "msg": to_json_binary(&ReceiveMsg::DistributeRewards { service_id }).unwrap()}}),
        &[],
    )
    .map(|_| ())
}

/// Alice (1,000,000) and bob (3,000,000) opted into a service paying uosmo and the hostile
/// token on validator 0.
fn hostile_setup() -> (Suite, Addr, u64, String) {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let token = hostile_token(&mut s, &[("payer", 1_000_000_000)]);
    let id = s
        .register(
            ServiceSpec::new("svc")
                .reward_denom("uosmo")
                .reward_token(&token)
                .opt_out_delay(10),
        )
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.deposit("bob", &v, 3_000_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.opt_in("bob", &v, &[id]).unwrap();
    (s, token, id, v)
}

#[test]
fn a_token_re_entering_the_hub_while_it_pays_a_claim_is_booked_once() {
    let (mut s, token, id, _) = hostile_setup();
    send_token(&mut s, &token, "payer", id, 4_000).unwrap();
    assert_eq!(s.pending_cw20("alice", &token), 1_000);
    assert_eq!(s.pending_cw20("bob", &token), 3_000);

    // alice's claim: the hub transfers 1,000 to her, and the token (in the same message
    // tree) pays them back to the hub as a new reward of the service
    set_mode(&mut s, &token, "recycle", id);
    s.claim_rewards("alice").unwrap();
    assert_eq!(token_balance(&s, &token, "alice"), 0);
    assert_eq!(s.pending_cw20("alice", &token), 250);
    assert_eq!(s.pending_cw20("bob", &token), 3_000 + 750);
    let hub = s.hub.to_string();
    assert_eq!(token_balance(&s, &token, &hub), 4_000);
    let paid = s.service(id).unwrap().rewards_paid;
    assert_eq!(paid[0].amount.u128(), 5_000);
    s.assert_invariants();

    // bob's claim recycles 3,750: alice gets a quarter of it
    s.claim_rewards("bob").unwrap();
    assert_eq!(s.pending_cw20("alice", &token), 250 + 937);
    assert_eq!(s.pending_cw20("bob", &token), 2_812);
    s.assert_invariants();
}

#[test]
fn a_token_calling_back_into_the_hub_from_send_is_refused_as_a_whole() {
    let (mut s, token, id, _) = hostile_setup();
    send_token(&mut s, &token, "payer", id, 4_000).unwrap();
    let hub = s.hub.to_string();
    for (mode, error) in [
        ("reenter_claim", ContractError::NoRewards),
        ("reenter_distribute", ContractError::NoFunds),
    ] {
        set_mode(&mut s, &token, mode, id);
        let before = dump(&s);
        let err = send_token(&mut s, &token, "payer", id, 1_000).unwrap_err();
        assert_eq!(*hub_error(&err), error, "{mode}");
        // the payment the hub had accepted inside the failed message is undone with it
        assert!(dump(&s) == before, "{mode}: the hub's storage changed");
        assert_eq!(token_balance(&s, &token, &hub), 4_000);
        assert_eq!(s.pending_cw20("alice", &token), 1_000);
    }
    // a receive claimed by an account, or by a token the service does not list
    let other = hostile_token(&mut s, &[("payer", 1_000)]);
    assert_eq!(
        refused_with(&mut s, |s| send_token(s, &other, "payer", id, 1_000)),
        ContractError::UndeclaredRewardAsset {
            asset: format!("cw20:{other}"),
            service_id: id
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute(
                "payer",
                &ExecuteMsg::Receive(restake_types::Cw20ReceiveMsg {
                    sender: s.addr("payer").to_string(),
                    amount: Uint128::new(1_000),
                    msg: to_json_binary(&ReceiveMsg::DistributeRewards { service_id: id }).unwrap(),
                }),
                &[],
            )
        }),
        ContractError::NotAContract {
            sender: s.addr("payer").to_string()
        }
    );
    s.assert_invariants();
}

/// The hub trusts the tokens a service lists: it books what their `receive` reports. A
/// lying token (two notifications for one transfer) can only over-report its own payments:
/// every other asset, and the bonded denom, keep their books.
#[test]
fn a_lying_token_can_only_misreport_its_own_payments() {
    let (mut s, token, id, _) = hostile_setup();
    s.distribute("svc", id, coins(4_000, "uosmo")).unwrap();
    set_mode(&mut s, &token, "double_notify", id);
    send_token(&mut s, &token, "payer", id, 4_000).unwrap();
    let hub = s.hub.to_string();
    assert_eq!(token_balance(&s, &token, &hub), 4_000);
    assert_eq!(s.pending_cw20("alice", &token), 2_000);
    assert_eq!(s.pending_cw20("bob", &token), 6_000);
    let violations = s.check_invariants();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].kind, ViolationKind::BankBelowPendingRewards);
    assert_eq!(
        violations[0].subject,
        Subject::Asset(Asset::Cw20(token.clone()))
    );
    // uosmo and the bonded stake are untouched
    assert_eq!(s.pending_native("alice", "uosmo"), 1_000);
    assert_eq!(s.pending_native("bob", "uosmo"), 3_000);
    assert_eq!(s.stats().unwrap().total_bonded.u128(), 4_000_000);
}

#[test]
fn a_reverting_reward_token_never_blocks_exits() {
    let (mut s, token, id, v) = hostile_setup();
    s.distribute("svc", id, coins(4_000, "uosmo")).unwrap();
    send_token(&mut s, &token, "payer", id, 4_000).unwrap();
    set_mode(&mut s, &token, "revert_transfers", id);
    s.opt_out("alice", &v, &[id]).unwrap();
    s.advance(10);
    s.complete_opt_out("alice", &v).unwrap();
    s.unbond("alice", &v, 1_000_000).unwrap();
    s.advance(HUB_UNBONDING);
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 1_000_000);
    s.assert_invariants();
}

/// docs/design.md: claims always work, and junk a stranger adds never makes others' messages
/// fail. Anyone can register a service listing a token that later refuses transfers; every
/// staker who earned a unit of it can then claim none of their rewards, in any asset.
#[test]
fn regression_a_reverting_reward_token_blocks_claims_of_every_asset() {
    let (mut s, token, id, _) = hostile_setup();
    s.distribute("svc", id, coins(4_000, "uosmo")).unwrap();
    send_token(&mut s, &token, "payer", id, 4_000).unwrap();
    set_mode(&mut s, &token, "revert_transfers", id);
    let res = s.claim_rewards("alice");
    assert!(
        res.is_ok(),
        "alice cannot claim her uosmo: {}",
        err_text(&res.unwrap_err())
    );
    assert_eq!(s.balance("alice", "uosmo"), 1_000);
}

// ---------------------------------------------------------------------------- the bonded denom

/// A service paying in the bonded denom while unbonding batches are in flight and mature:
/// the hub tells returned stake from reward payments (and from donations) exactly.
#[test]
fn rewards_in_the_bonded_denom_while_batches_mature() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(ServiceSpec::new("atom-payer").reward_denom("uatom"))
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.deposit("bob", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.opt_in("bob", &v, &[id]).unwrap();
    s.unbond("alice", &v, 300_000).unwrap(); // undelegated at once
    s.unbond("bob", &v, 200_000).unwrap(); // waits for the next epoch
                                           // 700,000 and 800,000 still earn
    s.distribute("atom-payer", id, coins(15_000, "uatom"))
        .unwrap();
    assert_eq!(s.pending_native("alice", "uatom"), 7_000);
    assert_eq!(s.pending_native("bob", "uatom"), 8_000);
    s.advance(HUB_UNBONDING.div_ceil(7));
    s.process_unbondings().unwrap();
    s.distribute("atom-payer", id, coins(1_500, "uatom"))
        .unwrap();
    s.assert_invariants();

    // alice's batch returns; in the same block a payment and a donation arrive
    s.advance(HUB_UNBONDING - HUB_UNBONDING.div_ceil(7));
    s.distribute("atom-payer", id, coins(3_000, "uatom"))
        .unwrap();
    s.mint("donor", coins(5, "uatom"));
    let hub = s.hub.to_string();
    s.app
        .send_tokens(s.addr("donor"), Addr::unchecked(&hub), &coins(5, "uatom"))
        .unwrap();
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 300_000);
    s.claim_rewards("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 300_000 + 7_000 + 700 + 1_400);
    // bob's batch has not returned: nothing to claim yet, and his rewards are exact
    let err = refused_with(&mut s, |s| s.claim_unbonded("bob"));
    assert!(
        matches!(
            err,
            ContractError::NothingToClaim {
                reason: ClaimWait::NotMatured { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(s.pending_native("bob", "uatom"), 8_000 + 800 + 1_600);
    s.assert_invariants();

    s.advance(HUB_UNBONDING.div_ceil(7));
    s.process_unbondings().unwrap();
    s.claim_unbonded("bob").unwrap();
    s.claim_rewards("bob").unwrap();
    assert_eq!(s.balance("bob", "uatom"), 200_000 + 10_400);
    // what the hub holds now is the donation, nobody's: it stays unaccounted (not booked as
    // dust), as the hub cannot tell it from a batch the chain returned early
    let stats = s.stats().unwrap();
    assert_eq!(stats.total_unbonding.u128(), 0);
    assert_eq!(s.hub_balance("uatom"), 5);
    let dust: u128 = stats
        .dust
        .iter()
        .filter(|d| d.denom.as_deref() == Some("uatom"))
        .map(|d| d.amount.u128())
        .sum();
    assert_eq!(dust, 0);
    s.assert_invariants();
}

// ---------------------------------------------------------------------------- 0 and u128::MAX

/// Every amount field refuses zero, with an error that names it, and changes nothing.
#[test]
fn zero_in_every_amount_field_is_refused() {
    let (mut s, token, id, v) = hostile_setup();
    let owner = s.owner.to_string();
    s.mint("alice", coins(10, "uatom"));
    // funds: the chain's bank module refuses a zero coin before the hub sees it, so only
    // its text names the refusal
    refused(&mut s, "Cannot transfer empty coins amount", |s| {
        s.execute(
            "alice",
            &ExecuteMsg::Deposit {
                validator: v.clone(),
            },
            &[coin(0, "uatom")],
        )
    });
    refused(&mut s, "Cannot transfer empty coins amount", |s| {
        s.execute(
            "svc",
            &ExecuteMsg::DistributeRewards { service_id: id },
            &[coin(0, "uosmo")],
        )
    });
    assert_eq!(
        refused_with(&mut s, |s| s.unbond("alice", &v, 0)),
        ContractError::ZeroAmount {
            field: "amount".into()
        }
    );
    let zero_reward = ContractError::ZeroAmount {
        field: "reward amount".into(),
    };
    // a token that reports a zero payment
    assert_eq!(
        refused_with(&mut s, |s| send_token(s, &token, "payer", id, 0)),
        zero_reward
    );
    // cw20-base passes a zero `send` on: the hub refuses it
    let cw20 = s.create_cw20("REAL", &[("payer", 1_000)]);
    let add = json!({"update_service": {"service_id": id, "add_reward_tokens": [cw20]}});
    s.execute_json("svc", &add.to_string(), &[]).unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.distribute_cw20(&cw20, "payer", id, 0)),
        zero_reward
    );
    assert_eq!(
        refused_with(&mut s, |s| s.slash("svc-slasher", id, &v, Decimal::zero())),
        ContractError::FractionZero
    );
    assert_eq!(
        refused_with(&mut s, |s| s
            .register(ServiceSpec::new("zero").max_slash(Decimal::zero()))),
        ContractError::InvalidMaxSlash {
            max_slash: Decimal::zero()
        }
    );
    for (field, value, problem) in [
        ("min_deposit", json!("0"), ConfigProblem::BelowOne),
        ("unbonding_epoch", json!(0), ConfigProblem::Zero),
        ("unbonding_period", json!(0), ConfigProblem::Zero),
        (
            "max_services_per_position",
            json!(0),
            ConfigProblem::BelowOne,
        ),
        ("max_reward_assets", json!(0), ConfigProblem::BelowOne),
        ("max_pools_per_validator", json!(0), ConfigProblem::BelowOne),
    ] {
        let msg = json!({"update_config": {field: value}}).to_string();
        assert_eq!(
            refused_with(&mut s, |s| s.execute_json(&owner, &msg, &[])),
            ContractError::InvalidConfig { field, problem }
        );
    }
    assert_eq!(
        refused_with(&mut s, |s| s.harvest(Some(vec![]))),
        ContractError::EmptyList {
            field: "validators".into()
        }
    );
    s.assert_invariants();
}

/// u128::MAX (and sums beyond it) in amount fields: refused with a clean error or booked,
/// never a panic. cw-multi-test's staking module itself overflows (panics) for delegations
/// above ~3.4·10^20 (its `Decimal` stake), so deposits are tested up to 10^20 here.
#[test]
fn u128_max_in_amount_fields_never_panics() {
    let (mut s, token, id, v) = hostile_setup();
    let owner = s.owner.to_string();
    let outcome = |s: &mut Suite, what: &str, f: &dyn Fn(&mut Suite) -> anyhow::Result<()>| {
        match catch_unwind(AssertUnwindSafe(|| f(s))) {
            Ok(r) => r,
            Err(_) => panic!("{what}: the contract panicked"),
        }
    };
    // unbond more than anyone holds
    let r = outcome(&mut s, "unbond MAX", &|s| {
        s.unbond("alice", &v, u128::MAX).map(|_| ())
    });
    assert_eq!(
        *hub_error(&r.unwrap_err()),
        ContractError::AmountExceedsBonded {
            amount: Uint128::MAX,
            bonded: Uint128::new(1_000_000),
            validator: v.clone()
        }
    );
    // a payment of u128::MAX over 4,000,000 staked
    s.mint("whale", coins(u128::MAX, "untrn"));
    let r = outcome(&mut s, "pay MAX of an undeclared denom", &|s| {
        s.execute(
            "whale",
            &ExecuteMsg::DistributeRewards { service_id: id },
            &coins(u128::MAX, "untrn"),
        )
        .map(|_| ())
    });
    assert_eq!(
        *hub_error(&r.unwrap_err()),
        ContractError::UndeclaredRewardAsset {
            asset: "untrn".into(),
            service_id: 1
        }
    );
    s.mint("whale", coins(u128::MAX, "uosmo"));
    outcome(&mut s, "pay MAX", &|s| {
        s.execute(
            "whale",
            &ExecuteMsg::DistributeRewards { service_id: id },
            &coins(u128::MAX, "uosmo"),
        )
        .map(|_| ())
    })
    .unwrap();
    let alice = s.pending_native("alice", "uosmo");
    let bob = s.pending_native("bob", "uosmo");
    assert!(u128::MAX - (alice + bob) <= 2, "{alice} + {bob}");
    assert!(alice.abs_diff(u128::MAX / 4) <= 1, "{alice}");
    s.assert_invariants();
    // a token reporting u128::MAX
    let big = hostile_token(&mut s, &[("payer", u128::MAX)]);
    s.execute(
        "svc",
        &ExecuteMsg::UpdateService(UpdateServiceMsg {
            service_id: id,
            max_slash: None,
            opt_out_delay: None,
            resolver: None,
            metadata_uri: None,
            add_reward_denoms: None,
            add_reward_tokens: Some(vec![big.to_string()]),
            admin: None,
            slasher: None,
            clear_resolver: None,
        }),
        &[],
    )
    .unwrap();
    outcome(&mut s, "token pays MAX", &|s| {
        send_token(s, &big, "payer", id, u128::MAX)
    })
    .unwrap();
    assert!(s.pending_cw20("bob", &big).abs_diff(u128::MAX / 4 * 3) <= 2);
    // the largest deposit cw-multi-test can delegate, then a deposit on top of it
    s.mint("whale", coins(100_000_000_000_000_000_000, "uatom"));
    outcome(&mut s, "deposit 1e20", &|s| {
        s.execute(
            "whale",
            &ExecuteMsg::Deposit {
                validator: v.clone(),
            },
            &coins(100_000_000_000_000_000_000, "uatom"),
        )
        .map(|_| ())
    })
    .unwrap();
    outcome(&mut s, "opt in 1e20", &|s| {
        s.opt_in("whale", &v, &[id]).map(|_| ())
    })
    .unwrap();
    // min_deposit u128::MAX: every deposit is below it
    let msg = json!({"update_config": {"min_deposit": u128::MAX.to_string()}}).to_string();
    outcome(&mut s, "min_deposit MAX", &|s| {
        s.execute_json(&owner, &msg, &[]).map(|_| ())
    })
    .unwrap();
    let r = outcome(&mut s, "deposit below MAX", &|s| {
        s.deposit("alice", &v, 1_000).map(|_| ())
    });
    assert_eq!(
        *hub_error(&r.unwrap_err()),
        ContractError::BelowMinDeposit {
            amount: Uint128::new(1_000),
            min: Uint128::MAX
        }
    );
    // ids and amounts beyond their JSON types are refused when parsed, before the hub's code
    // runs: only the parser's text names the refusal
    for json in [
        r#"{"unbond":{"validator":"v","amount":"340282366920938463463374607431768211456"}}"#,
        r#"{"opt_in":{"validator":"v","service_ids":[18446744073709551616]}}"#,
        r#"{"unbond":{"validator":"v","amount":"-1"}}"#,
        r#"{"unbond":{"validator":"v","amount":1e3}}"#,
    ] {
        let r = outcome(&mut s, json, &|s| {
            s.execute_json("alice", json, &[]).map(|_| ())
        });
        let e = err_text(&r.unwrap_err());
        assert!(e.contains("Error parsing into type"), "{json}: {e}");
    }
    // queries with u32::MAX limits stay bounded
    let services: ServicesResponse = s
        .query_contract(&s.hub, &json!({"services": {"limit": u32::MAX}}))
        .unwrap();
    assert_eq!(services.services.len(), 1);
    let _ = token;
}

/// Cumulative `rewards_paid` must not overflow into a panic: once a service's payments in
/// an asset add up beyond u128::MAX (a high-supply token, paid, claimed and paid again),
/// every further payment in it panics (a panicking `+` on the running total).
#[test]
fn regression_cumulative_reward_payments_beyond_u128_max_panic() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(ServiceSpec::new("a").reward_denom("uosmo"))
        .unwrap();
    s.deposit("alice", &v, 1_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.mint("payer", coins(u128::MAX, "uosmo"));
    s.execute(
        "payer",
        &ExecuteMsg::DistributeRewards { service_id: id },
        &coins(u128::MAX, "uosmo"),
    )
    .unwrap();
    s.claim_rewards("alice").unwrap();
    // alice pays one unit back to the service
    let r = catch_unwind(AssertUnwindSafe(|| {
        s.execute(
            "alice",
            &ExecuteMsg::DistributeRewards { service_id: id },
            &coins(1, "uosmo"),
        )
    }));
    assert!(r.is_ok(), "distribute_rewards panicked");
}

// ---------------------------------------------------------------------------- durations

/// Durations are u64 seconds: anything above 100 years is refused with a clear error (near
/// u64::MAX, `Timestamp::plus_seconds` would overflow), and the longest allowed durations
/// work without a panic in opt_out, slash and unbond.
#[test]
fn huge_durations_are_refused_and_the_longest_allowed_work() {
    const CENTURY: u64 = 100 * 365 * 24 * 3600;
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let owner = s.owner.to_string();
    assert_eq!(
        refused_with(&mut s, |s| s
            .register(ServiceSpec::new("lock").opt_out_delay(u64::MAX))),
        ContractError::DurationTooLong {
            field: "opt_out_delay".into(),
            seconds: u64::MAX,
            max: CENTURY
        }
    );
    let id = s
        .register(ServiceSpec::new("lock").opt_out_delay(CENTURY))
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| s.opt_out("alice", &v, &[id])));
    assert!(matches!(r, Ok(Ok(_))), "opt_out with a century's delay");
    let too_long = |field| ContractError::DurationTooLong {
        field,
        seconds: u64::MAX,
        max: CENTURY,
    };
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute_json(
                "lock",
                &json!({"update_service": {"service_id": id, "opt_out_delay": u64::MAX}})
                    .to_string(),
                &[],
            )
        }),
        too_long("opt_out_delay".into())
    );

    for field in ["max_veto_period", "unbonding_period"] {
        let msg = json!({"update_config": {field: u64::MAX}}).to_string();
        assert_eq!(
            refused_with(&mut s, |s| s.execute_json(&owner, &msg, &[])),
            too_long(field.into())
        );
    }
    let msg = json!({"update_config": {"max_veto_period": CENTURY}}).to_string();
    s.execute_json(&owner, &msg, &[]).unwrap();
    let slow = s
        .register(
            ServiceSpec::new("slow")
                .veto_period(CENTURY)
                .opt_out_delay(CENTURY),
        )
        .unwrap();
    s.opt_in("alice", &v, &[slow]).unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        s.slash("slow-slasher", slow, &v, Decimal::percent(1))
    }));
    assert!(matches!(r, Ok(Ok(_))), "slash with a century's veto window");

    let msg = json!({"update_config": {"unbonding_period": CENTURY, "unbonding_epoch": CENTURY}})
        .to_string();
    s.execute_json(&owner, &msg, &[]).unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| s.unbond("alice", &v, 1_000)));
    assert!(
        matches!(r, Ok(Ok(_))),
        "unbond with a century's unbonding period"
    );
}

// ---------------------------------------------------------------------------- fractions

#[test]
fn fractions_zero_one_and_just_above_one() {
    let mut s = SuiteBuilder::new()
        .with_validators(1)
        .with_apr(Decimal::zero())
        .build();
    let v = s.validator(0);
    let slasher = s.addr("all-slasher").to_string();
    let register = |max: &str| {
        json!({"register_service": {"name": "all", "slasher": slasher, "max_slash": max,
            "veto_period": 0, "opt_out_delay": 0}})
        .to_string()
    };
    let invalid_max = |max_slash: &str| ContractError::InvalidMaxSlash {
        max_slash: max_slash.parse().unwrap(),
    };
    assert_eq!(
        refused_with(&mut s, |s| s.execute_json("all", &register("0"), &[])),
        invalid_max("0")
    );
    assert_eq!(
        refused_with(&mut s, |s| s.execute_json(
            "all",
            &register("1.0000001"),
            &[]
        )),
        invalid_max("1.0000001")
    );
    // more decimals than a Decimal holds: refused while parsing the message, before the
    // hub's code runs, so only the parser's text names it
    refused(&mut s, "Error parsing into type", |s| {
        s.execute_json("all", &register("0.0000000000000000001"), &[])
    });
    s.execute_json("all", &register("1"), &[]).unwrap();
    let id = 1;
    for max in ["1.0000001", "0"] {
        assert_eq!(
            refused_with(&mut s, |s| {
                s.execute_json(
                    "all",
                    &json!({"update_service": {"service_id": id, "max_slash": max}}).to_string(),
                    &[],
                )
            }),
            invalid_max(max)
        );
    }
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.deposit("bob", &v, 500_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.unbond("alice", &v, 100_000).unwrap();
    let slash = |f: &str| {
        json!({"slash": {"service_id": id, "validator": v, "fraction": f, "evidence": "x"}})
            .to_string()
    };
    assert_eq!(
        refused_with(&mut s, |s| s.execute_json("all-slasher", &slash("0"), &[])),
        ContractError::FractionZero
    );
    assert_eq!(
        refused_with(&mut s, |s| s.execute_json(
            "all-slasher",
            &slash("1.0000001"),
            &[]
        )),
        ContractError::FractionAboveMax {
            fraction: "1.0000001".parse().unwrap(),
            max: Decimal::one()
        }
    );
    // a full slash takes the whole exposed stake, bonded and unbonding, and nothing else
    s.execute_json("all-slasher", &slash("1"), &[]).unwrap();
    let r = s.slash_request(1).unwrap();
    assert_eq!(r.slashed_bonded.u128(), 900_000);
    assert_eq!(r.slashed_unbonding.u128(), 100_000);
    assert_eq!(s.bonded_of("alice", &v), 0);
    assert_eq!(s.bonded_of("bob", &v), 500_000);
    assert_eq!(s.unbondings("alice").unwrap()[0].amount.u128(), 0);
    assert_eq!(s.service(id).unwrap().total_stake.u128(), 0);
    s.assert_invariants();
    // alice's wiped-out position cannot opt in; a new deposit starts a fresh pool
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v, &[id])),
        ContractError::NoPosition {
            validator: v.clone()
        }
    );
    s.deposit("alice", &v, 2_000).unwrap();
    assert_eq!(s.bonded_of("alice", &v), 2_000);
    assert_eq!(s.position("alice", &v).unwrap().service_ids, vec![id]);
    // everybody can leave; the slashed stake is burned when its batch returns
    s.unbond("alice", &v, 2_000).unwrap();
    s.unbond("bob", &v, 500_000).unwrap();
    s.advance_with_crank(HUB_UNBONDING + HUB_UNBONDING.div_ceil(7) + 1, 3 * 86_400);
    s.claim_unbonded("alice").unwrap();
    s.claim_unbonded("bob").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 2_000);
    assert_eq!(s.balance("bob", "uatom"), 500_000);
    let stats = s.stats().unwrap();
    assert_eq!(stats.slashed_burned.u128(), 1_000_000);
    assert_eq!(stats.slashed_pending_routing.u128(), 0);
    s.assert_invariants();
}

// ---------------------------------------------------------------------------- unknown fields

#[test]
fn unknown_fields_are_refused_in_every_message() {
    let (mut s, _token, id, v) = hostile_setup();
    let owner = s.owner.to_string();
    let slasher = s.addr("svc-slasher").to_string();
    s.mint("alice", coins(5_000, "uatom"));
    s.mint("svc", coins(5_000, "uosmo"));
    let cases: Vec<(&str, Value, Vec<cosmwasm_std::Coin>)> = vec![
        (
            "alice",
            json!({"deposit": {"validator": v, "memo": "x"}}),
            coins(5_000, "uatom"),
        ),
        (
            "alice",
            json!({"opt_in": {"validator": v, "service_id": [id]}}),
            vec![],
        ),
        (
            "alice",
            json!({"opt_out": {"validator": v, "service_ids": [id], "now": true}}),
            vec![],
        ),
        (
            "alice",
            json!({"complete_opt_out": {"validator": v, "all": true}}),
            vec![],
        ),
        (
            "alice",
            json!({"unbond": {"validator": v, "amount": "1", "to": "x"}}),
            vec![],
        ),
        ("alice", json!({"claim_unbonded": {"ids": [1]}}), vec![]),
        (
            "alice",
            json!({"claim_rewards": {"denom": "uosmo"}}),
            vec![],
        ),
        (
            "svc",
            json!({"register_service": {"name": "x", "slasher": slasher, "max_slashh": "0.1",
            "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}}),
            vec![],
        ),
        (
            "svc",
            json!({"update_service": {"service_id": id, "max_slash": "0.05", "fee": "1"}}),
            vec![],
        ),
        (
            "svc",
            json!({"set_service_status": {"service_id": id, "status": "paused", "why": ""}}),
            vec![],
        ),
        (
            "svc",
            json!({"distribute_rewards": {"service_id": id, "split": "even"}}),
            coins(5_000, "uosmo"),
        ),
        (
            "svc-slasher",
            json!({"slash": {"service_id": id, "validator": v, "fraction": "0.01",
            "evidence": "x", "height": 5}}),
            vec![],
        ),
        (
            "svc",
            json!({"veto_slash": {"slash_id": 1, "reason": "x"}}),
            vec![],
        ),
        (
            "svc",
            json!({"execute_slash": {"slash_id": 1, "force": true}}),
            vec![],
        ),
        (
            "keeper",
            json!({"harvest": {"validators": [v], "all": true}}),
            vec![],
        ),
        (
            "keeper",
            json!({"sync_validator": {"validator": v, "x": 1}}),
            vec![],
        ),
        (
            "keeper",
            json!({"process_unbondings": {"limit": 5}}),
            vec![],
        ),
        (
            &owner,
            json!({"update_config": {"min_deposti": "1000"}}),
            vec![],
        ),
        (&owner, json!({"pause": {"until": 5}}), vec![]),
        (&owner, json!({"unpause": {"x": 1}}), vec![]),
        (
            &owner,
            json!({"update_config": {"slash_destination": {"burn": {"all": true}}}}),
            vec![],
        ),
        (
            &owner,
            json!({"update_ownership": {"transfer_ownership": {"new_owner": slasher, "expire": 5}}}),
            vec![],
        ),
        (
            "svc",
            json!({"receive": {"sender": slasher, "amount": "1", "msg": "e30=", "memo": "x"}}),
            vec![],
        ),
        (
            "alice",
            json!({"deposit": {"validator": v}, "opt_in": {"validator": v, "service_ids": [id]}}),
            coins(5_000, "uatom"),
        ),
        (
            "alice",
            json!({"stake": {"validator": v}}),
            coins(5_000, "uatom"),
        ),
    ];
    let n = cases.len();
    for (i, (sender, msg, funds)) in cases.into_iter().enumerate() {
        // refused while parsing the message, before the hub's code runs: only the parser's
        // text names the refusal
        let text = refused(&mut s, "", |s| {
            s.execute_json(sender, &msg.to_string(), &funds)
        });
        // two messages in one, or a message that does not exist
        let needle = if i + 2 >= n {
            "Error parsing into type"
        } else {
            "unknown field"
        };
        assert!(text.contains(needle), "{msg}: {text}");
    }
    // the cw20 hook message too
    let cw20 = s.create_cw20("REAL", &[("payer", 1_000)]);
    let add = json!({"update_service": {"service_id": id, "add_reward_tokens": [cw20]}});
    s.execute_json("svc", &add.to_string(), &[]).unwrap();
    let err = refused_with(&mut s, |s| {
        s.send_cw20(
            &cw20,
            "payer",
            &s.hub.clone(),
            1_000,
            &json!({"distribute_rewards": {"service_id": id, "x": 1}}),
        )
    });
    // the reason is serde's own text
    assert!(
        matches!(&err, ContractError::InvalidHook { reason } if reason.contains("unknown field")),
        "{err:?}"
    );
    // and queries
    // (a query's error reaches the caller as text, wrapped by the querier)
    for q in [
        json!({"position": {"staker": s.addr("alice"), "validator": v, "x": 1}}),
        json!({"stats": {"verbose": true}}),
        json!({"services": {"start_after": 0, "limit": 5, "order": "desc"}}),
    ] {
        let err = s.query_json(&q.to_string()).unwrap_err().to_string();
        assert!(err.contains("unknown field"), "{q}: {err}");
    }
}

// ---------------------------------------------------------------------------- 10,000 services

/// Times a message (debug build).
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

/// Staker messages in a hub with `n` services, the last of which the staker uses. Returns
/// the time of each.
fn staker_round(s: &mut Suite, who: &str, last: u64) -> Vec<(&'static str, Duration)> {
    let v = s.validator(0);
    let slasher = format!("svc{last}-slasher");
    let t = vec![
        (
            "deposit",
            timed(|| s.deposit(who, &v, 1_000_000).unwrap()).1,
        ),
        ("opt_in", timed(|| s.opt_in(who, &v, &[1, last]).unwrap()).1),
        (
            "distribute_rewards",
            timed(|| s.distribute("payer", last, coins(1_000, "uosmo")).unwrap()).1,
        ),
        ("claim_rewards", timed(|| s.claim_rewards(who).unwrap()).1),
        (
            "pending_rewards",
            timed(|| s.pending_rewards(who).unwrap()).1,
        ),
        (
            "staker_overview",
            timed(|| s.staker_overview(who).unwrap()).1,
        ),
        ("service_stake", timed(|| s.service_stake(last).unwrap()).1),
        (
            "slash",
            timed(|| s.slash(&slasher, last, &v, Decimal::percent(1)).unwrap()).1,
        ),
        ("opt_out", timed(|| s.opt_out(who, &v, &[1]).unwrap()).1),
        ("unbond", timed(|| s.unbond(who, &v, 1_000).unwrap()).1),
        ("stats", timed(|| s.stats().unwrap()).1),
    ];
    // the staker is alone in the last service: it is paid all of it
    assert_eq!(s.balance(who, "uosmo"), 1_000, "{who} is paid its share");
    t
}

fn register_n(s: &mut Suite, n: u64) {
    let first = s.stats().unwrap().services + 1;
    for i in first..first + n {
        let msg = ExecuteMsg::RegisterService(RegisterServiceMsg {
            name: format!("svc{i}"),
            slasher: s.addr(&format!("svc{i}-slasher")).to_string(),
            resolver: None,
            max_slash: Decimal::percent(10),
            veto_period: 0,
            opt_out_delay: 0,
            reward_denoms: Some(vec!["uosmo".into()]),
            reward_tokens: None,
            metadata_uri: None,
        });
        s.execute(&format!("svc{i}"), &msg, &[]).unwrap();
    }
}

#[test]
fn ten_thousand_services_stay_paginated_and_cheap() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    register_n(&mut s, 2);
    // one other staker in service 1 (so the payment is split)
    let v = s.validator(0);
    s.deposit("bob", &v, 1_000).unwrap();
    s.opt_in("bob", &v, &[1]).unwrap();
    let small = staker_round(&mut s, "alice", 2);

    let (_, registration) = timed(|| register_n(&mut s, 9_998));
    assert_eq!(s.stats().unwrap().services, 10_000);
    // pages never exceed 30, and walk to the end
    assert_eq!(s.services(None, None).unwrap().len(), 10);
    assert_eq!(s.services(None, Some(1_000)).unwrap().len(), 30);
    assert_eq!(s.services(None, Some(u32::MAX)).unwrap().len(), 30);
    let tail = s.services(Some(9_990), Some(30)).unwrap();
    assert_eq!(
        tail.iter().map(|x| x.id).collect::<Vec<_>>(),
        (9_991..=10_000).collect::<Vec<_>>()
    );
    assert!(s.services(Some(10_000), None).unwrap().is_empty());
    assert_eq!(s.service(10_000).unwrap().name, "svc10000");
    // (a query's error reaches the caller as text, wrapped by the querier)
    assert!(s
        .service(10_001)
        .unwrap_err()
        .to_string()
        .contains(&ContractError::ServiceNotFound { id: 10_001 }.to_string()));
    let requests: SlashRequestsResponse = s
        .query_contract(&s.hub, &json!({"slash_requests": {"limit": 1000}}))
        .unwrap();
    assert!(requests.slash_requests.len() <= 30);

    let big = staker_round(&mut s, "carol", 10_000);
    println!("10,000 registrations in {registration:?}");
    for ((name, a), (_, b)) in small.iter().zip(&big) {
        println!("  {name:<20} with 2 services {a:>10.2?}   with 10,000 {b:>10.2?}");
        // generous bounds (debug build, shared machine): no message grows with the number
        // of services (a scan of 10,000 records takes far longer than this)
        assert!(
            *b < *a * 20 + Duration::from_millis(100),
            "{name} took {b:?} with 10,000 services, {a:?} with 2"
        );
    }
    let (a, b): (Duration, Duration) = (
        small.iter().map(|(_, d)| *d).sum(),
        big.iter().map(|(_, d)| *d).sum(),
    );
    assert!(
        b < a * 3 + Duration::from_millis(100),
        "the round took {b:?} with 10,000 services, {a:?} with 2"
    );
    let stats = s.stats().unwrap();
    assert_eq!(stats.stakers, 3);
    // 1% of alice's and of carol's 1,000,000
    assert_eq!(stats.total_slashed.u128(), 2 * 10_000);
}

// ---------------------------------------------------------------------------- addresses

/// A refusal of `address` in `field`; the reason is cosmwasm's own text.
fn assert_invalid_address(err: &ContractError, field: &str, address: &str) {
    assert!(
        matches!(err, ContractError::InvalidAddress { field: f, address: a, .. }
            if f == field && a == address),
        "{field}: {err:?}"
    );
}

/// Upper-case, foreign-prefix and garbage addresses in every address field are refused,
/// with an error that names the field (except cw-ownable's `new_owner`, see the end), and
/// nothing changes.
#[test]
fn malformed_addresses_are_refused_in_every_address_field() {
    let (mut s, _token, id, v) = hostile_setup();
    let owner = s.owner.to_string();
    let good = s.addr("good").to_string();
    let bad_addresses = [
        good.to_uppercase(),
        "good".into_bech32_with_prefix("cosmos").to_string(),
        "cosmwasm1notbech32".to_string(),
        String::new(),
    ];
    for bad in &bad_addresses {
        let register = |field: &str, value: Value| {
            let mut m = json!({"name": "x", "slasher": good, "max_slash": "0.1",
                "veto_period": 0, "opt_out_delay": 0});
            m[field] = value;
            json!({ "register_service": m }).to_string()
        };
        for (field, value) in [
            ("slasher", json!(bad)),
            ("resolver", json!(bad)),
            ("reward_tokens", json!([bad])),
        ] {
            let msg = register(field, value);
            let err = refused_with(&mut s, |s| s.execute_json("svc", &msg, &[]));
            assert_invalid_address(&err, field, bad);
        }
        for (field, value) in [
            ("resolver", json!(bad)),
            ("admin", json!(bad)),
            ("slasher", json!(bad)),
            ("add_reward_tokens", json!([bad])),
        ] {
            let msg = json!({"update_service": {"service_id": id, field: value}}).to_string();
            let name = if field == "add_reward_tokens" {
                "reward_tokens"
            } else {
                field
            };
            let err = refused_with(&mut s, |s| s.execute_json("svc", &msg, &[]));
            assert_invalid_address(&err, name, bad);
        }
        let msg = json!({"update_config": {"slash_destination": {"address": {"address": bad}}}})
            .to_string();
        let err = refused_with(&mut s, |s| s.execute_json(&owner, &msg, &[]));
        assert_invalid_address(&err, "slash_destination", bad);
        for q in [
            json!({"position": {"staker": bad, "validator": v}}),
            json!({"positions": {"staker": bad}}),
            json!({"pending_rewards": {"staker": bad}}),
            json!({"unbondings": {"staker": bad}}),
            json!({"staker_overview": {"staker": bad}}),
        ] {
            // (a query's error reaches the caller as text, wrapped by the querier)
            let err = s.query_json(&q.to_string()).unwrap_err().to_string();
            assert!(err.contains("invalid staker"), "{q}: {err}");
        }
        // instantiate: owner and slash destination
        for field in ["owner", "slash_destination"] {
            let mut m = json!({"unbonding_period": HUB_UNBONDING});
            m[field] = if field == "owner" {
                json!(bad)
            } else {
                json!({"address": {"address": bad}})
            };
            let err = s
                .app
                .execute(
                    s.addr("deployer"),
                    WasmMsg::Instantiate {
                        admin: None,
                        code_id: s.hub_code,
                        msg: Binary::new(serde_json::to_vec(&m).unwrap()),
                        funds: vec![],
                        label: "hub2".into(),
                    }
                    .into(),
                )
                .unwrap_err();
            assert_invalid_address(hub_error(&err), field, bad);
        }
        // cw-ownable validates new_owner itself: refused, but the error does not name it;
        // its reason is cosmwasm's text
        let msg =
            json!({"update_ownership": {"transfer_ownership": {"new_owner": bad}}}).to_string();
        let text = match refused_with(&mut s, |s| s.execute_json(&owner, &msg, &[])) {
            ContractError::Ownership(OwnershipError::Std(e)) => e.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(
            [
                "not normalized",
                "Wrong bech32 prefix",
                "Error decoding bech32",
                "Invalid input"
            ]
            .iter()
            .any(|t| text.contains(t)),
            "{text}"
        );
    }
    // an upper-case validator is the same validator (bech32 accepts both cases, and so does
    // the chain): one book, under the lower-case form; mixed case is not bech32
    let before = s.bonded_of("alice", &v);
    s.mint("alice", coins(10_000, "uatom"));
    s.execute(
        "alice",
        &ExecuteMsg::Deposit {
            validator: v.to_uppercase(),
        },
        &coins(5_000, "uatom"),
    )
    .unwrap();
    assert_eq!(s.bonded_of("alice", &v), before + 5_000);
    let q = json!({"position": {"staker": s.addr("alice"), "validator": v.to_uppercase()}});
    assert_eq!(
        s.query_json(&q.to_string()).unwrap()["amount"],
        json!((before + 5_000).to_string())
    );
    let mut mixed = v.clone();
    mixed.replace_range(0..1, &mixed[0..1].to_uppercase());
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute(
                "alice",
                &ExecuteMsg::Deposit {
                    validator: mixed.clone(),
                },
                &coins(5_000, "uatom"),
            )
        }),
        ContractError::InvalidValidator {
            validator: mixed.clone(),
            reason: "mixed upper and lower case is not a bech32 address".into()
        }
    );
    // the service still answers to its real addresses
    assert_eq!(s.service(id).unwrap().admin, s.addr("svc"));
    s.assert_invariants();
}

// ---------------------------------------------------------------------------- validators

/// cw-multi-test 2.5 has no jailing, tombstoning or active set (its staking sudo offers
/// `Slash` only); the Suite's `jail` makes the staking query the hub asks report a
/// validator jailed. Tested: a validator the chain does not know, a jailed validator (no
/// deposits; its stakers still leave, and deposits resume when it is unjailed), a
/// validator the hub never used, and a validator slashed like a tombstoning (5%) while a
/// service slash is pending, whose stakers can still leave. Not testable here: the chain's
/// own behaviour for a jailed validator (cw-multi-test keeps undelegating and paying
/// rewards as usual), a validator dropping out of the active set without jailing,
/// redelegation, the 7-entry limit (not enforced by cw-multi-test: see test_unbonding).
#[test]
fn validators_outside_the_chain_and_a_tombstoned_validator() {
    let mut s = SuiteBuilder::new()
        .with_validators(3)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v2) = (s.validator(0), s.validator(2));
    let id = s
        .register(
            ServiceSpec::new("svc")
                .resolver("svc-resolver")
                .veto_period(86_400)
                .opt_out_delay(2 * 86_400),
        )
        .unwrap();
    s.mint("alice", coins(10_000_000, "uatom"));
    assert_eq!(
        refused_with(&mut s, |s| s.deposit("alice", "", 1_000_000)),
        ContractError::InvalidValidator {
            validator: String::new(),
            reason: "expected a validator operator address".into()
        }
    );
    for validator in [
        "cosmwasmvaloper1notonthischain".to_string(),
        s.addr("alice").to_string(),
    ] {
        assert_eq!(
            refused_with(&mut s, |s| s.deposit("alice", &validator, 1_000_000)),
            ContractError::ValidatorNotBonded {
                validator: validator.clone()
            }
        );
    }
    s.deposit("alice", &v0, 1_000_000).unwrap();
    s.deposit("bob", &v0, 1_000_000).unwrap();
    s.opt_in("alice", &v0, &[id]).unwrap();
    // a validator of the chain the hub never used
    let unknown = ContractError::UnknownValidator {
        validator: v2.clone(),
    };
    assert_eq!(
        refused_with(&mut s, |s| s.harvest(Some(vec![v2.clone()]))),
        unknown
    );
    assert_eq!(refused_with(&mut s, |s| s.sync_validator(&v2)), unknown);

    // a jailed validator takes no deposits once the hub's hourly look at the bonded set
    // has seen it; its stakers can still leave
    let v1 = s.validator(1);
    s.deposit("carol", &v1, 1_000_000).unwrap();
    s.jail(&v1);
    s.advance(3_600);
    assert_eq!(
        refused_with(&mut s, |s| s.deposit("alice", &v1, 1_000_000)),
        ContractError::ValidatorNotBonded {
            validator: v1.clone()
        }
    );
    s.unbond("carol", &v1, 400_000).unwrap();
    s.unjail(&v1);
    s.deposit("carol", &v1, 1_000).unwrap();
    assert_eq!(s.bonded_of("carol", &v1), 601_000);

    // a service slash request is pending when the chain tombstones v0 (5%)
    let slash_id = s
        .slash("svc-slasher", id, &v0, Decimal::percent(10))
        .unwrap();
    s.chain_slash(&v0, Decimal::percent(5));
    // nobody has touched v0 since: the books still show the stake before the slash
    assert_eq!(s.bonded_of("alice", &v0), 1_000_000);
    assert_eq!(
        refused_with(&mut s, |s| s.unbond("alice", &v0, 1_000_000)),
        ContractError::AmountExceedsBonded {
            amount: Uint128::new(1_000_000),
            bonded: Uint128::new(950_000),
            validator: v0.clone()
        }
    );
    // both can leave; alice's exit stays exposed to the request
    s.unbond("alice", &v0, 950_000).unwrap();
    assert_eq!(s.bonded_of("alice", &v0), 0);
    s.unbond("bob", &v0, 950_000).unwrap();
    s.advance_with_crank(HUB_UNBONDING + HUB_UNBONDING.div_ceil(7) + 1, 3 * 86_400);
    s.claim_unbonded("bob").unwrap();
    assert_eq!(s.balance("bob", "uatom"), 950_000);
    s.claim_unbonded("carol").unwrap();
    assert_eq!(s.balance("carol", "uatom"), 400_000);
    // alice's unbonding is frozen until the request is resolved (its veto window is over)
    let err = refused_with(&mut s, |s| s.claim_unbonded("alice"));
    assert!(
        matches!(&err, ContractError::NothingToClaim { reason: ClaimWait::Frozen { held } }
            if held.iter().all(|(_, service)| *service == id)),
        "{err:?}"
    );
    s.execute_slash("keeper", slash_id).unwrap();
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 9_000_000 + 855_000);
    s.assert_invariants();
}

// ---------------------------------------------------------------------------- upgrade safety

/// Every query answer of a hub full of state (positions in several service sets, queued,
/// in-flight and claimable unbondings, a pending slash request, rewards in three assets, a
/// paused service) as JSON.
fn snapshot(s: &Suite, stakers: &[&str], services: u64) -> Vec<Value> {
    let mut out = vec![];
    let q = |j: Value| s.query_json(&j.to_string()).unwrap();
    out.push(q(json!({"config": {}})));
    out.push(q(json!({"stats": {}})));
    out.push(q(json!({"ownership": {}})));
    out.push(q(json!({"services": {"limit": 30}})));
    out.push(q(json!({"slash_requests": {"limit": 30}})));
    for v in &s.validators {
        out.push(q(json!({"validator": {"validator": v}})));
        out.push(q(json!({"pools": {"validator": v, "limit": 30}})));
    }
    for id in 1..=services {
        out.push(q(json!({"service_stake": {"service_id": id}})));
    }
    for who in stakers {
        let a = s.addr(who).to_string();
        out.push(q(json!({"positions": {"staker": a}})));
        out.push(q(json!({"pending_rewards": {"staker": a}})));
        out.push(q(json!({"unbondings": {"staker": a}})));
        out.push(q(json!({"staker_overview": {"staker": a}})));
    }
    out
}

#[test]
fn migration_keeps_a_busy_hub_intact() {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::percent(10))
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    let token = s.create_cw20("RWD", &[("svc2", 1_000_000)]);
    let a = s
        .register(
            ServiceSpec::new("svc1")
                .reward_denom("uosmo")
                .opt_out_delay(600),
        )
        .unwrap();
    let b = s
        .register(
            ServiceSpec::new("svc2")
                .reward_token(&token)
                .reward_denom("uatom")
                .resolver("svc2-resolver")
                .veto_period(86_400)
                .opt_out_delay(86_400),
        )
        .unwrap();
    s.deposit("alice", &v0, 1_000_000).unwrap();
    s.deposit("bob", &v0, 2_000_000).unwrap();
    s.deposit("carol", &v1, 3_000_000).unwrap();
    s.opt_in("alice", &v0, &[a, b]).unwrap();
    s.opt_in("bob", &v0, &[b]).unwrap();
    s.opt_in("carol", &v1, &[a]).unwrap();
    s.distribute("svc1", a, coins(40_000, "uosmo")).unwrap();
    s.distribute_cw20(&token, "svc2", b, 30_000).unwrap();
    s.distribute("svc2", b, coins(3_000, "uatom")).unwrap();
    s.unbond("carol", &v1, 1_000_000).unwrap();
    s.advance(HUB_UNBONDING);
    s.unbond("bob", &v0, 500_000).unwrap();
    s.unbond("alice", &v0, 100_000).unwrap();
    s.opt_out("alice", &v0, &[a]).unwrap();
    s.slash("svc2-slasher", b, &v0, Decimal::percent(5))
        .unwrap();
    s.set_service_status("svc1", a, ServiceStatus::Paused)
        .unwrap();
    s.advance(3_600);
    s.assert_invariants();
    let stakers = ["alice", "bob", "carol"];
    let before = snapshot(&s, &stakers, 2);
    let storage_before = dump(&s);

    // a new code id of the hub; the stored version says an older release deployed it
    let new_code = s.store_code(Box::new(
        ContractWrapper::new(
            restake_hub::contract::execute,
            restake_hub::contract::instantiate,
            restake_hub::contract::query,
        )
        .with_reply(restake_hub::contract::reply)
        .with_migrate(restake_hub::contract::migrate),
    ));
    let hub = s.hub.clone();
    s.app.contract_storage_mut(&hub).set(
        b"contract_info",
        &serde_json::to_vec(&json!({"contract": restake_types::CONTRACT_NAME, "version": "0.0.1"}))
            .unwrap(),
    );
    let owner = s.owner.to_string();
    let res = s
        .migrate_contract(&owner, &hub, &json!({}), new_code)
        .unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|a| a.key == "from_version" && a.value == "0.0.1")));
    // every answer and every stored record is the same (the version is the current one
    // again)
    assert_eq!(snapshot(&s, &stakers, 2), before);
    let after = dump(&s);
    assert!(
        after == storage_before,
        "the migration changed stored records"
    );
    // replaying the migration is refused; nothing changes
    let err = s
        .migrate_contract(&owner, &hub, &json!({}), new_code)
        .unwrap_err();
    assert_eq!(
        *hub_error(&err),
        ContractError::AlreadyMigrated {
            version: env!("CARGO_PKG_VERSION").into()
        }
    );
    assert!(dump(&s) == after);

    // and the hub carries on: the request resolves, everybody leaves with what they own
    s.veto_slash("svc2-resolver", 1).unwrap();
    for who in stakers {
        for p in s.positions(who).unwrap() {
            s.unbond(who, &p.validator, p.amount.u128()).unwrap();
        }
    }
    s.advance_with_crank(HUB_UNBONDING + HUB_UNBONDING.div_ceil(7) + 1, 3 * 86_400);
    for who in stakers {
        s.claim_unbonded(who).unwrap();
        s.claim_rewards(who).unwrap();
    }
    assert_eq!(s.balance("carol", "uosmo"), 30_000);
    assert_eq!(s.cw20_balance(&token, "bob"), 20_000);
    let stats = s.stats().unwrap();
    assert_eq!(stats.total_bonded.u128() + stats.total_unbonding.u128(), 0);
    s.assert_invariants();
}
