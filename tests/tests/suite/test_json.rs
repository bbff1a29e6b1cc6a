//! The public interface as users type it: every message of docs/interface.md sent as raw JSON,
//! every query answered with the fields docs/interface.md promises.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coin, coins, to_json_binary, Binary, Decimal, WasmMsg};
use cw_multi_test::Executor;
use cw_ownable::OwnershipError;
use restake_hub::ContractError;
use restake_multitest::{attr, err_text, ServiceSpec, SuiteBuilder};
use serde_json::{json, Value};

use super::helpers::{hub_error, refused, refused_with};

fn has_fields(v: &Value, fields: &[&str]) {
    for f in fields {
        assert!(v.get(f).is_some(), "field {f:?} missing in {v}");
    }
}

#[test]
fn instantiate_from_raw_json_reads_the_bonded_denom() {
    let mut suite = SuiteBuilder::new().with_bonded_denom("uatom").build();
    let owner = suite.addr("owner2");
    let treasury = suite.addr("treasury");
    let json = json!({
        "owner": owner,
        "unbonding_period": 1814400,
        "min_deposit": "1000",
        "max_services_per_position": 8,
        "max_veto_period": 604800,
        "max_reward_assets": 8,
        "slash_destination": {"address": {"address": treasury}}
    });
    let sender = suite.addr("deployer");
    let res = suite
        .app
        .execute(
            sender.clone(),
            WasmMsg::Instantiate {
                admin: None,
                code_id: suite.hub_code,
                msg: Binary::new(serde_json::to_vec(&json).unwrap()),
                funds: vec![],
                label: "hub2".into(),
            }
            .into(),
        )
        .unwrap();
    let addr = res
        .events
        .iter()
        .find(|e| e.ty == "instantiate")
        .and_then(|e| e.attributes.iter().find(|a| a.key == "_contract_address"))
        .map(|a| a.value.clone())
        .unwrap();
    let config: Value = suite
        .app
        .wrap()
        .query_wasm_smart(&addr, &json!({"config": {}}))
        .unwrap();
    has_fields(
        &config,
        &[
            "owner",
            "bonded_denom",
            "unbonding_period",
            "min_deposit",
            "max_services_per_position",
            "paused",
        ],
    );
    assert_eq!(config["bonded_denom"], "uatom");
    assert_eq!(config["owner"], owner.as_str());
    assert_eq!(config["min_deposit"], "1000");
    assert_eq!(config["unbonding_period"], 1814400);
    assert_eq!(config["paused"], false);
    assert_eq!(
        config["slash_destination"]["address"]["address"],
        treasury.as_str()
    );

    // A typo in an optional field is refused, not ignored.
    let typo = json!({"unbonding_period": 1814400, "min_deposti": "1000"});
    let err = suite
        .app
        .execute(
            sender,
            WasmMsg::Instantiate {
                admin: None,
                code_id: suite.hub_code,
                msg: Binary::new(serde_json::to_vec(&typo).unwrap()),
                funds: vec![],
                label: "hub3".into(),
            }
            .into(),
        )
        .unwrap_err();
    // (refused while parsing the message, before the hub's code runs: only the parser's text
    // names it)
    assert!(err_text(&err).contains("min_deposti"), "{}", err_text(&err));
}

#[test]
fn every_staker_and_service_message_as_raw_json() {
    let mut suite = SuiteBuilder::new().with_validators(2).build();
    let v = suite.validator(0);
    let slasher = suite.addr("slasher");
    let resolver = suite.addr("resolver");
    let token = suite.create_cw20("BRG", &[("bridge", 1_000_000)]);

    // register_service with every field.
    let res = suite
        .execute_json(
            "oracle",
            &json!({"register_service": {
                "name": "oracle", "slasher": slasher, "resolver": resolver,
                "max_slash": "0.1", "veto_period": 3600, "opt_out_delay": 86400,
                "reward_denoms": ["uosmo"], "reward_tokens": [token],
                "metadata_uri": "https://oracle.example/meta.json"}})
            .to_string(),
            &[],
        )
        .unwrap();
    assert_eq!(attr(&res, "service_id").as_deref(), Some("1"));
    assert_eq!(attr(&res, "action").as_deref(), Some("register_service"));
    // the minimal form
    let res = suite
        .execute_json(
            "bridge",
            &json!({"register_service": {"name": "bridge", "slasher": slasher,
                "max_slash": "0.05", "veto_period": 0, "opt_out_delay": 0}})
            .to_string(),
            &[],
        )
        .unwrap();
    assert_eq!(attr(&res, "service_id").as_deref(), Some("2"));

    suite.mint("alice", vec![coin(2_000_000, "uatom")]);
    let res = suite
        .execute_json(
            "alice",
            &json!({"deposit": {"validator": v}}).to_string(),
            &coins(1_000_000, "uatom"),
        )
        .unwrap();
    for key in ["action", "staker", "validator", "amount"] {
        assert!(attr(&res, key).is_some(), "deposit event lacks {key}");
    }
    suite
        .execute_json(
            "alice",
            &json!({"opt_in": {"validator": v, "service_ids": [1, 2]}}).to_string(),
            &[],
        )
        .unwrap();

    // service queries
    let s = suite.query_json(r#"{"service":{"service_id":1}}"#).unwrap();
    has_fields(
        &s,
        &[
            "id",
            "name",
            "admin",
            "slasher",
            "resolver",
            "max_slash",
            "veto_period",
            "opt_out_delay",
            "reward_denoms",
            "reward_tokens",
            "status",
            "total_stake",
        ],
    );
    assert_eq!(s["total_stake"], "1000000");
    assert_eq!(s["status"], "active");
    assert_eq!(s["max_slash"], "0.1");
    assert_eq!(s["reward_denoms"], json!(["uosmo"]));
    let list = suite
        .query_json(r#"{"services":{"start_after":1,"limit":5}}"#)
        .unwrap();
    assert_eq!(list["services"].as_array().unwrap().len(), 1);
    assert_eq!(list["services"][0]["id"], 2);

    // rewards: native and cw20
    suite.mint("oracle", vec![coin(500, "uosmo")]);
    suite
        .execute_json(
            "oracle",
            &json!({"distribute_rewards": {"service_id": 1}}).to_string(),
            &coins(500, "uosmo"),
        )
        .unwrap();
    suite.distribute_cw20(&token, "bridge", 1, 300).unwrap();
    let alice = suite.addr("alice");
    let r = suite
        .query_json(&json!({"pending_rewards": {"staker": alice}}).to_string())
        .unwrap();
    let rewards = r["rewards"].as_array().unwrap();
    assert!(
        rewards.contains(&json!({"denom": "uosmo", "amount": "500"})),
        "{r}"
    );
    assert!(
        rewards.contains(&json!({"cw20": token, "amount": "300"})),
        "{r}"
    );
    suite
        .execute_json("alice", r#"{"claim_rewards":{}}"#, &[])
        .unwrap();
    assert_eq!(suite.balance("alice", "uosmo"), 500);
    assert_eq!(suite.cw20_balance(&token, "alice"), 300);

    // position queries
    let p = suite
        .query_json(&json!({"position": {"staker": alice, "validator": v}}).to_string())
        .unwrap();
    has_fields(
        &p,
        &[
            "staker",
            "validator",
            "amount",
            "service_ids",
            "pending_opt_outs",
        ],
    );
    assert_eq!(p["amount"], "1000000");
    assert_eq!(p["service_ids"], json!([1, 2]));
    let ps = suite
        .query_json(&json!({"positions": {"staker": alice}}).to_string())
        .unwrap();
    assert_eq!(ps["positions"].as_array().unwrap().len(), 1);

    // opt-out and completion
    suite
        .execute_json(
            "alice",
            &json!({"opt_out": {"validator": v, "service_ids": [1]}}).to_string(),
            &[],
        )
        .unwrap();
    let p = suite
        .query_json(&json!({"position": {"staker": alice, "validator": v}}).to_string())
        .unwrap();
    assert_eq!(p["pending_opt_outs"][0]["service_id"], 1);
    suite.advance(86_401);
    suite
        .execute_json(
            "alice",
            &json!({"complete_opt_out": {"validator": v}}).to_string(),
            &[],
        )
        .unwrap();

    // service stake
    let st = suite
        .query_json(r#"{"service_stake":{"service_id":2}}"#)
        .unwrap();
    assert_eq!(
        st,
        json!({"service_id": 2, "total": "1000000", "validators": [{"validator": v, "amount": "1000000"}]})
    );

    // slashing: open (veto window), veto, open again, execute
    let res = suite
        .execute_json(
            slasher.as_str(),
            &json!({"slash": {"service_id": 2, "validator": v, "fraction": "0.05",
                "evidence": "double-signed block 123 on the bridge"}})
            .to_string(),
            &[],
        )
        .unwrap();
    // veto_period 0: executed at once
    let id: u64 = attr(&res, "slash_id").unwrap().parse().unwrap();
    let r = suite
        .query_json(&json!({"slash_request": {"slash_id": id}}).to_string())
        .unwrap();
    has_fields(
        &r,
        &[
            "id",
            "service_id",
            "validator",
            "fraction",
            "status",
            "executable_at",
            "slashed_amount",
        ],
    );
    assert_eq!(r["status"], "executed");
    assert_eq!(r["slashed_amount"], "50000");
    let rs = suite
        .query_json(r#"{"slash_requests":{"service_id":2,"status":"executed"}}"#)
        .unwrap();
    assert_eq!(rs["slash_requests"].as_array().unwrap().len(), 1);

    // unbond, the cranks, claims
    suite
        .execute_json(
            "alice",
            &json!({"unbond": {"validator": v, "amount": "100000"}}).to_string(),
            &[],
        )
        .unwrap();
    let u = suite
        .query_json(&json!({"unbondings": {"staker": alice}}).to_string())
        .unwrap();
    has_fields(
        &u["unbondings"][0],
        &["id", "validator", "amount", "completion_time", "matured"],
    );
    assert_eq!(u["unbondings"][0]["amount"], "100000");
    assert_eq!(u["unbondings"][0]["matured"], false);
    suite
        .execute_json("keeper", r#"{"process_unbondings":{}}"#, &[])
        .unwrap();
    suite
        .execute_json(
            "keeper",
            &json!({"harvest": {"validators": [v]}}).to_string(),
            &[],
        )
        .unwrap();
    suite
        .execute_json("keeper", r#"{"harvest":{}}"#, &[])
        .unwrap();
    suite
        .execute_json(
            "keeper",
            &json!({"sync_validator": {"validator": v}}).to_string(),
            &[],
        )
        .unwrap();
    suite.advance(21 * 86_400 + 1);
    suite
        .execute_json("alice", r#"{"claim_unbonded":{}}"#, &[])
        .unwrap();

    let o = suite
        .query_json(&json!({"staker_overview": {"staker": alice}}).to_string())
        .unwrap();
    has_fields(
        &o,
        &[
            "bonded",
            "unbonding",
            "pending_rewards",
            "restaked",
            "max_slash_exposure",
        ],
    );
    let stats = suite.query_json(r#"{"stats":{}}"#).unwrap();
    has_fields(
        &stats,
        &[
            "total_bonded",
            "total_unbonding",
            "stakers",
            "services",
            "total_restaked",
        ],
    );
    assert_eq!(stats["services"], 2);
    assert_eq!(stats["stakers"], 1);
}

#[test]
fn owner_messages_as_raw_json() {
    let mut suite = SuiteBuilder::new().build();
    let owner = suite.owner.to_string();
    let new_owner = suite.addr("new-owner");
    suite.execute_json(&owner, r#"{"pause":{}}"#, &[]).unwrap();
    assert_eq!(
        suite.query_json(r#"{"config":{}}"#).unwrap()["paused"],
        true
    );
    suite
        .execute_json(&owner, r#"{"unpause":{}}"#, &[])
        .unwrap();
    suite
        .execute_json(
            &owner,
            r#"{"update_config":{"min_deposit":"5000","max_pools_per_validator":16,"slash_destination":{"community_pool":{}}}}"#,
            &[],
        )
        .unwrap();
    let c = suite.query_json(r#"{"config":{}}"#).unwrap();
    assert_eq!(c["min_deposit"], "5000");
    assert_eq!(c["max_pools_per_validator"], 16);
    assert_eq!(c["slash_destination"], json!({"community_pool": {}}));
    let id = suite.register(ServiceSpec::new("oracle")).unwrap();
    suite
        .execute_json(
            &owner,
            &json!({"set_service_status": {"service_id": id, "status": "paused"}}).to_string(),
            &[],
        )
        .unwrap();
    assert_eq!(suite.service(id).unwrap().status.to_string(), "paused");
    suite
        .execute_json(
            "oracle",
            &json!({"update_service": {"service_id": id, "max_slash": "0.05",
                "opt_out_delay": 100, "add_reward_denoms": ["uosmo"], "metadata_uri": "ipfs://x"}})
            .to_string(),
            &[],
        )
        .unwrap();
    assert_eq!(suite.service(id).unwrap().max_slash, Decimal::percent(5));

    // two-step ownership through cw-ownable
    suite
        .execute_json(
            &owner,
            &json!({"update_ownership": {"transfer_ownership": {"new_owner": new_owner}}})
                .to_string(),
            &[],
        )
        .unwrap();
    let o = suite.query_json(r#"{"ownership":{}}"#).unwrap();
    assert_eq!(o["owner"], owner.as_str());
    assert_eq!(o["pending_owner"], new_owner.as_str());
    assert!(o.get("pending_expiry").is_some());
    suite
        .execute_json(
            new_owner.as_str(),
            r#"{"update_ownership":"accept_ownership"}"#,
            &[],
        )
        .unwrap();
    let o = suite.query_json(r#"{"ownership":{}}"#).unwrap();
    assert_eq!(o["owner"], new_owner.as_str());
    // the old owner is now a stranger
    assert_eq!(
        refused_with(&mut suite, |s| s.execute_json(
            &owner,
            r#"{"pause":{}}"#,
            &[]
        )),
        ContractError::Ownership(OwnershipError::NotOwner)
    );
}

#[test]
fn unknown_fields_and_messages_are_refused() {
    let mut suite = SuiteBuilder::new().build();
    let v = suite.validator(0);
    suite.mint("alice", coins(10, "uatom"));
    for bad in [
        json!({"deposit": {"validator": v, "memo": "hi"}}).to_string(),
        json!({"deposit": {"validatr": v}}).to_string(),
        r#"{"claim_rewards":{"all":true}}"#.to_string(),
        r#"{"withdraw_everything":{}}"#.to_string(),
        r#"{"process_unbondings":{"limit":3}}"#.to_string(),
    ] {
        // refused while parsing the message, before the hub's code runs: only the parser's
        // text names the refusal
        let text = refused(&mut suite, "", |s| s.execute_json("alice", &bad, &[]));
        assert!(
            text.contains("unknown") || text.contains("Error parsing"),
            "{bad}: {text}"
        );
    }
    let err = suite
        .query_json(r#"{"config":{"verbose":true}}"#)
        .unwrap_err();
    // (a query's error reaches the caller as text, wrapped by the querier)
    assert!(err.to_string().contains("unknown field"), "{err}");
    // cw20 hook messages refuse unknown fields too
    let token = suite.create_cw20("TKN", &[("payer", 100)]);
    let payer = suite.addr("payer");
    let err = suite
        .app
        .execute_contract(
            payer,
            token,
            &cw20::Cw20ExecuteMsg::Send {
                contract: suite.hub.to_string(),
                amount: 10u128.into(),
                msg: to_json_binary(&json!({"distribute_rewards": {"service_id": 1, "x": 1}}))
                    .unwrap(),
            },
            &[],
        )
        .unwrap_err();
    assert!(
        matches!(hub_error(&err), ContractError::InvalidHook { reason } if reason.contains("unknown field")),
        "{err:?}"
    );
}
