//! DESIGN.md rule 6 and SECURITY.md's access-control rows: bad input and strangers are
//! refused with an error that names the problem, and nothing changes (the hub's storage
//! and bank balance are byte-for-byte the same).

use cosmwasm_std::{coin, coins, Decimal, Uint128};
use restake_multitest::{ServiceSpec, Suite, SuiteBuilder};
use restake_types::{ExecuteMsg, ServiceStatus, SlashDestination, UpdateConfigMsg};
use serde_json::json;

use super::helpers::refused;

/// Two validators, services 1 (oracle, 10% max slash, 1 h veto, 1 day opt-out delay,
/// pays uosmo) and 2 (bridge, 5%), alice opted into 1 on validator 0.
fn setup() -> (Suite, String, String) {
    let mut suite = SuiteBuilder::new()
        .with_validators(2)
        .with_hub(|m| {
            m.min_deposit = Some(Uint128::new(1_000));
            m.max_veto_period = Some(7 * 86_400);
        })
        .build();
    let (v0, v1) = (suite.validator(0), suite.validator(1));
    suite
        .register(
            ServiceSpec::new("oracle")
                .resolver("oracle-resolver")
                .veto_period(3600)
                .opt_out_delay(86_400)
                .reward_denom("uosmo"),
        )
        .unwrap();
    suite
        .register(ServiceSpec::new("bridge").max_slash(Decimal::percent(5)))
        .unwrap();
    suite.deposit("alice", &v0, 1_000_000).unwrap();
    suite.opt_in("alice", &v0, &[1]).unwrap();
    suite.mint("alice", coins(1_000_000, "uatom"));
    suite.mint("alice", coins(1_000_000, "uosmo"));
    (suite, v0, v1)
}

fn deposit(s: &mut Suite, v: &str, funds: Vec<cosmwasm_std::Coin>) -> anyhow::Result<()> {
    s.execute(
        "alice",
        &ExecuteMsg::Deposit {
            validator: v.to_string(),
        },
        &funds,
    )
    .map(|_| ())
}

#[test]
fn deposits_refused() {
    let (mut s, v0, _) = setup();
    refused(&mut s, "is not a bonded validator", |s| {
        deposit(s, "cosmwasmvaloper1unknown", coins(5_000, "uatom"))
    });
    refused(&mut s, "No funds sent", |s| deposit(s, &v0, vec![]));
    refused(&mut s, "Must send reserve token 'uatom'", |s| {
        deposit(s, &v0, coins(5_000, "uosmo"))
    });
    refused(&mut s, "Sent more than one denomination", |s| {
        deposit(s, &v0, vec![coin(5_000, "uatom"), coin(5, "uosmo")])
    });
    refused(&mut s, "below the minimum deposit 1000", |s| {
        deposit(s, &v0, coins(999, "uatom"))
    });
    s.pause().unwrap();
    refused(&mut s, "paused", |s| deposit(s, &v0, coins(5_000, "uatom")));
}

#[test]
fn opt_ins_refused() {
    let (mut s, v0, v1) = setup();
    refused(&mut s, "service 9 not found", |s| {
        s.opt_in("alice", &v0, &[9])
    });
    refused(&mut s, "service_ids must not be empty", |s| {
        s.opt_in("alice", &v0, &[])
    });
    refused(&mut s, "duplicate service id 2", |s| {
        s.opt_in("alice", &v0, &[2, 2])
    });
    refused(&mut s, "already secures service 1", |s| {
        s.opt_in("alice", &v0, &[1])
    });
    refused(&mut s, "no position on validator", |s| {
        s.opt_in("alice", &v1, &[1])
    });
    refused(&mut s, "no position on validator", |s| {
        s.opt_in("bob", &v0, &[1])
    });
    let owner = s.owner.to_string();
    s.set_service_status(&owner, 2, ServiceStatus::Paused)
        .unwrap();
    refused(&mut s, "service 2 is paused", |s| {
        s.opt_in("alice", &v0, &[2])
    });
    s.set_service_status(&owner, 2, ServiceStatus::Retired)
        .unwrap();
    refused(&mut s, "service 2 is retired", |s| {
        s.opt_in("alice", &v0, &[2])
    });
    refused(&mut s, "retired", |s| {
        s.set_service_status(&owner, 2, ServiceStatus::Active)
    });
    s.pause().unwrap();
    for i in 0..3 {
        s.register(ServiceSpec::new(&format!("svc{i}"))).unwrap();
    }
    refused(&mut s, "paused", |s| s.opt_in("alice", &v0, &[3]));
}

#[test]
fn too_many_services_refused() {
    let mut s = SuiteBuilder::new()
        .with_hub(|m| m.max_services_per_position = Some(2))
        .build();
    let v = s.validator(0);
    for i in 0..3 {
        s.register(ServiceSpec::new(&format!("svc{i}"))).unwrap();
    }
    s.deposit("alice", &v, 10_000).unwrap();
    s.opt_in("alice", &v, &[1, 2]).unwrap();
    refused(&mut s, "at most 2 services; this would make 3", |s| {
        s.opt_in("alice", &v, &[3])
    });
}

#[test]
fn opt_outs_and_completions_refused() {
    let (mut s, v0, v1) = setup();
    refused(&mut s, "does not secure service 2", |s| {
        s.opt_out("alice", &v0, &[2])
    });
    refused(&mut s, "service_ids must not be empty", |s| {
        s.opt_out("alice", &v0, &[])
    });
    refused(&mut s, "duplicate service id 1", |s| {
        s.opt_out("alice", &v0, &[1, 1])
    });
    refused(&mut s, "no position on validator", |s| {
        s.opt_out("alice", &v1, &[1])
    });
    refused(&mut s, "no opt-out is pending", |s| {
        s.complete_opt_out("alice", &v0)
    });
    s.opt_out("alice", &v0, &[1]).unwrap();
    refused(&mut s, "already pending", |s| s.opt_out("alice", &v0, &[1]));
    refused(&mut s, "the next opt-out completes at", |s| {
        s.complete_opt_out("alice", &v0)
    });
}

#[test]
fn unbonds_and_claims_refused() {
    let (mut s, v0, v1) = setup();
    refused(&mut s, "amount must be greater than zero", |s| {
        s.unbond("alice", &v0, 0)
    });
    refused(&mut s, "amount 1000001 exceeds your bonded 1000000", |s| {
        s.unbond("alice", &v0, 1_000_001)
    });
    refused(&mut s, "no position on validator", |s| {
        s.unbond("alice", &v1, 10)
    });
    refused(&mut s, "you have no unbondings", |s| {
        s.claim_unbonded("alice")
    });
    refused(&mut s, "no rewards to claim", |s| s.claim_rewards("alice"));
}

#[test]
fn service_registration_refused() {
    let (mut s, _, _) = setup();
    let reg = |s: &mut Suite, spec: serde_json::Value| {
        s.execute_json("svc", &json!({ "register_service": spec }).to_string(), &[])
    };
    let slasher = s.addr("slasher").to_string();
    refused(&mut s, "max_slash 0 must be greater than 0", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0", "veto_period": 0, "opt_out_delay": 0}),
        )
    });
    refused(
        &mut s,
        "max_slash 1.0000001 must be greater than 0 and at most 1",
        |s| {
            reg(
                s,
                json!({"name": "x", "slasher": slasher, "max_slash": "1.0000001", "veto_period": 0, "opt_out_delay": 0}),
            )
        },
    );
    refused(&mut s, "exceeds the hub's max_veto_period", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 99999999, "opt_out_delay": 99999999}),
        )
    });
    refused(
        &mut s,
        "opt_out_delay 10 must be at least the veto_period 20",
        |s| {
            reg(
                s,
                json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 20, "opt_out_delay": 10}),
            )
        },
    );
    refused(&mut s, "invalid denom \"u\"", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": ["u"]}),
        )
    });
    refused(&mut s, "duplicate reward asset uosmo", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": ["uosmo", "uosmo"]}),
        )
    });
    let many: Vec<String> = (0..9).map(|i| format!("denom{i}")).collect();
    refused(&mut s, "at most 8 reward assets; this would make 9", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": many}),
        )
    });
    refused(&mut s, "invalid name", |s| {
        reg(
            s,
            json!({"name": " ", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}),
        )
    });
    // addresses: upper case and a foreign prefix
    let upper = slasher.to_uppercase();
    refused(&mut s, "invalid slasher", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": upper, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}),
        )
    });
    refused(&mut s, "invalid slasher", |s| {
        reg(
            s,
            json!({"name": "x", "slasher": "osmo1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn7hzdtn", "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}),
        )
    });
}

#[test]
fn service_updates_refused() {
    let (mut s, _, _) = setup();
    let upd = |s: &mut Suite, who: &str, body: serde_json::Value| {
        s.execute_json(who, &json!({ "update_service": body }).to_string(), &[])
    };
    refused(
        &mut s,
        "only the service's admin may update service 1",
        |s| upd(s, "mallory", json!({"service_id": 1, "max_slash": "0.01"})),
    );
    refused(&mut s, "service 7 not found", |s| {
        upd(s, "oracle", json!({"service_id": 7, "max_slash": "0.01"}))
    });
    refused(&mut s, "max_slash can only be lowered", |s| {
        upd(s, "oracle", json!({"service_id": 1, "max_slash": "0.2"}))
    });
    refused(&mut s, "opt_out_delay can only be lengthened", |s| {
        upd(s, "oracle", json!({"service_id": 1, "opt_out_delay": 10}))
    });
    refused(&mut s, "duplicate reward asset uosmo", |s| {
        upd(
            s,
            "oracle",
            json!({"service_id": 1, "add_reward_denoms": ["uosmo"]}),
        )
    });
    refused(&mut s, "add_reward_denoms must not be empty", |s| {
        upd(
            s,
            "oracle",
            json!({"service_id": 1, "max_slash": "0.05", "add_reward_denoms": []}),
        )
    });
    refused(&mut s, "add_reward_tokens must not be empty", |s| {
        upd(
            s,
            "oracle",
            json!({"service_id": 1, "add_reward_tokens": []}),
        )
    });
    refused(&mut s, "only the hub owner or the service's admin", |s| {
        s.set_service_status("mallory", 1, ServiceStatus::Paused)
    });
}

#[test]
fn reward_payments_refused() {
    let (mut s, _, _) = setup();
    let pay = |s: &mut Suite, id: u64, funds: Vec<cosmwasm_std::Coin>| {
        s.execute(
            "alice",
            &ExecuteMsg::DistributeRewards { service_id: id },
            &funds,
        )
    };
    refused(&mut s, "no funds sent", |s| pay(s, 1, vec![]));
    refused(&mut s, "uatom is not a reward asset of service 1", |s| {
        pay(s, 1, coins(100, "uatom"))
    });
    refused(&mut s, "uatom is not a reward asset of service 1", |s| {
        pay(s, 1, vec![coin(100, "uatom"), coin(100, "uosmo")])
    });
    refused(&mut s, "service 42 not found", |s| {
        pay(s, 42, coins(100, "uosmo"))
    });
    let id = s
        .register(ServiceSpec::new("empty").reward_denom("uosmo"))
        .unwrap();
    refused(
        &mut s,
        &format!("no stake is opted into service {id}"),
        |s| pay(s, id, coins(100, "uosmo")),
    );
    let owner = s.owner.to_string();
    s.set_service_status(&owner, 1, ServiceStatus::Paused)
        .unwrap();
    refused(
        &mut s,
        "service 1 is paused: it accepts no reward payments",
        |s| pay(s, 1, coins(100, "uosmo")),
    );
}

#[test]
fn cw20_receive_spoofing_refused() {
    let (mut s, v0, _) = setup();
    let token = s.create_cw20("GOOD", &[("payer", 1_000)]);
    let fake = s.create_cw20("FAKE", &[("payer", 1_000)]);
    let id = s
        .register(ServiceSpec::new("tok").reward_token(&token))
        .unwrap();
    s.opt_in("alice", &v0, &[id]).unwrap();
    // A plain account calling `receive` directly.
    let payer = s.addr("payer").to_string();
    let hook =
        cosmwasm_std::to_json_binary(&json!({"distribute_rewards": {"service_id": id}})).unwrap();
    refused(&mut s, "is not a contract", |s| {
        s.execute_json(
            "payer",
            &json!({"receive": {"sender": payer, "amount": "100", "msg": hook}}).to_string(),
            &[],
        )
    });
    // A real token the service did not declare.
    refused(&mut s, "is not a reward asset of service", |s| {
        s.distribute_cw20(&fake, "payer", id, 100)
    });
    refused(&mut s, "reward amount must be greater than zero", |s| {
        s.distribute_cw20(&token, "payer", id, 0)
    });
}

#[test]
fn slashing_refused() {
    let (mut s, v0, v1) = setup();
    refused(
        &mut s,
        "only the service's slasher may open slash requests for service 1",
        |s| s.slash("oracle", 1, &v0, Decimal::percent(1)),
    );
    refused(&mut s, "fraction must be greater than 0", |s| {
        s.slash("oracle-slasher", 1, &v0, Decimal::zero())
    });
    refused(
        &mut s,
        "fraction 0.2 exceeds the service's max_slash 0.1",
        |s| s.slash("oracle-slasher", 1, &v0, Decimal::percent(20)),
    );
    refused(&mut s, "service 5 not found", |s| {
        s.slash("oracle-slasher", 5, &v0, Decimal::percent(1))
    });
    refused(&mut s, "nothing to slash", |s| {
        s.slash("oracle-slasher", 1, &v1, Decimal::percent(1))
    });
    let id = s
        .slash("oracle-slasher", 1, &v0, Decimal::percent(10))
        .unwrap();
    refused(&mut s, "inside its veto window", |s| {
        s.execute_slash("anyone", id)
    });
    refused(
        &mut s,
        "only the service's resolver or the hub owner may veto",
        |s| s.veto_slash("mallory", id),
    );
    refused(&mut s, "slash request 99 not found", |s| {
        s.veto_slash("oracle-resolver", 99)
    });
    s.advance(3600);
    refused(&mut s, "veto window of slash request 1 closed", |s| {
        s.veto_slash("oracle-resolver", id)
    });
    s.execute_slash("anyone", id).unwrap();
    // replaying the execution changes nothing
    refused(&mut s, "slash request 1 is executed, not pending", |s| {
        s.execute_slash("anyone", id)
    });
}

#[test]
fn cranks_refused() {
    let (mut s, v0, v1) = setup();
    refused(&mut s, "validators must not be empty", |s| {
        s.harvest(Some(vec![]))
    });
    refused(&mut s, "duplicate validator", |s| {
        s.harvest(Some(vec![v0.clone(), v0.clone()]))
    });
    refused(&mut s, "the hub has no stake on validator", |s| {
        s.harvest(Some(vec![v1.clone()]))
    });
    refused(&mut s, "the hub has no stake on validator", |s| {
        s.sync_validator(&v1)
    });
}

#[test]
fn owner_messages_refused_to_strangers_and_funds_refused_on_nonpayable() {
    let (mut s, v0, _) = setup();
    refused(&mut s, "Caller is not the contract's current owner", |s| {
        s.execute("mallory", &ExecuteMsg::Pause {}, &[])
    });
    refused(&mut s, "Caller is not the contract's current owner", |s| {
        s.execute("mallory", &ExecuteMsg::Unpause {}, &[])
    });
    refused(&mut s, "Caller is not the contract's current owner", |s| {
        s.execute(
            "mallory",
            &ExecuteMsg::UpdateConfig(UpdateConfigMsg {
                unbonding_period: None,
                unbonding_epoch: None,
                min_deposit: Some(Uint128::one()),
                max_services_per_position: None,
                max_veto_period: None,
                max_reward_assets: None,
                max_pools_per_validator: None,
                slash_destination: Some(SlashDestination::Burn {}),
                max_open_votes: None,
            }),
            &[],
        )
    });
    refused(&mut s, "Caller is not the contract's current owner", |s| {
        s.execute_json(
            "mallory",
            r#"{"update_ownership":{"transfer_ownership":{"new_owner":"cosmwasm1mallory"}}}"#,
            &[],
        )
    });
    let owner = s.owner.to_string();
    refused(&mut s, "unbonding_epoch", |s| {
        s.execute_json(&owner, r#"{"update_config":{"unbonding_epoch":1}}"#, &[])
    });
    refused(&mut s, "does not accept funds", |s| {
        s.execute(
            "alice",
            &ExecuteMsg::OptOut {
                validator: v0.clone(),
                service_ids: vec![1],
            },
            &coins(1, "uatom"),
        )
    });
    refused(&mut s, "does not accept funds", |s| {
        s.execute("alice", &ExecuteMsg::ClaimRewards {}, &coins(1, "uatom"))
    });
}

#[test]
fn an_owner_pause_sticks_and_status_changes_must_change_something() {
    let (mut s, v0, _) = setup();
    let owner = s.owner.to_string();
    // the admin may pause and reactivate its own service
    s.set_service_status("oracle", 1, ServiceStatus::Paused)
        .unwrap();
    s.set_service_status("oracle", 1, ServiceStatus::Active)
        .unwrap();
    refused(&mut s, "service 1 is already active", |s| {
        s.set_service_status("oracle", 1, ServiceStatus::Active)
    });
    // an emergency pause by the owner: only the owner lifts it
    s.set_service_status(&owner, 1, ServiceStatus::Paused)
        .unwrap();
    refused(&mut s, "only the hub owner may reactivate service 1", |s| {
        s.set_service_status("oracle", 1, ServiceStatus::Active)
    });
    // the admin may still retire it
    s.set_service_status(&owner, 1, ServiceStatus::Active)
        .unwrap();
    s.set_service_status("oracle", 1, ServiceStatus::Retired)
        .unwrap();
    // staker events carry one service_id attribute per service
    let res = s.opt_in("alice", &v0, &[2]).unwrap();
    let ids: Vec<String> = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key == "service_id")
        .map(|a| a.value.clone())
        .collect();
    assert_eq!(ids, vec!["2"]);
}
