//! docs/design.md rule 6 and SECURITY.md's access-control rows: bad input and strangers are
//! refused with an error that names the problem, and nothing changes (the hub's storage
//! and bank balance are byte-for-byte the same).
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coin, coins, Decimal, Uint128};
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use restake_hub::error::{ClaimWait, ConfigProblem, Guarded, OptOutWait, Role};
use restake_hub::ContractError;
use restake_multitest::{ServiceSpec, Suite, SuiteBuilder};
use restake_types::{ExecuteMsg, ServiceStatus, SlashDestination, SlashStatus, UpdateConfigMsg};
use serde_json::json;

use super::helpers::refused_with;

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
    assert_eq!(
        refused_with(&mut s, |s| deposit(
            s,
            "cosmwasmvaloper1unknown",
            coins(5_000, "uatom")
        )),
        ContractError::ValidatorNotBonded {
            validator: "cosmwasmvaloper1unknown".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| deposit(s, &v0, vec![])),
        ContractError::Payment(PaymentError::NoFunds {})
    );
    assert_eq!(
        refused_with(&mut s, |s| deposit(s, &v0, coins(5_000, "uosmo"))),
        ContractError::Payment(PaymentError::MissingDenom("uatom".into()))
    );
    assert_eq!(
        refused_with(&mut s, |s| deposit(
            s,
            &v0,
            vec![coin(5_000, "uatom"), coin(5, "uosmo")]
        )),
        ContractError::Payment(PaymentError::MultipleDenoms {})
    );
    assert_eq!(
        refused_with(&mut s, |s| deposit(s, &v0, coins(999, "uatom"))),
        ContractError::BelowMinDeposit {
            amount: Uint128::new(999),
            min: Uint128::new(1_000)
        }
    );
    s.pause().unwrap();
    assert_eq!(
        refused_with(&mut s, |s| deposit(s, &v0, coins(5_000, "uatom"))),
        ContractError::Paused
    );
}

#[test]
fn opt_ins_refused() {
    let (mut s, v0, v1) = setup();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[9])),
        ContractError::ServiceNotFound { id: 9 }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[])),
        ContractError::EmptyList {
            field: "service_ids".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[2, 2])),
        ContractError::Duplicate {
            field: "service id".into(),
            id: "2".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[1])),
        ContractError::AlreadyOptedIn {
            service_id: 1,
            validator: v0.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v1, &[1])),
        ContractError::NoPosition {
            validator: v1.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("bob", &v0, &[1])),
        ContractError::NoPosition {
            validator: v0.clone()
        }
    );
    let owner = s.owner.to_string();
    s.set_service_status(&owner, 2, ServiceStatus::Paused)
        .unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[2])),
        ContractError::ServiceNotActive {
            id: 2,
            status: ServiceStatus::Paused,
            what: "opt-ins".into()
        }
    );
    s.set_service_status(&owner, 2, ServiceStatus::Retired)
        .unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[2])),
        ContractError::ServiceNotActive {
            id: 2,
            status: ServiceStatus::Retired,
            what: "opt-ins".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.set_service_status(
            &owner,
            2,
            ServiceStatus::Active
        )),
        ContractError::ServiceRetired { id: 2 }
    );
    s.pause().unwrap();
    for i in 0..3 {
        s.register(ServiceSpec::new(&format!("svc{i}"))).unwrap();
    }
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v0, &[3])),
        ContractError::Paused
    );
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
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v, &[3])),
        ContractError::TooManyServices { count: 3, max: 2 }
    );
}

#[test]
fn opt_outs_and_completions_refused() {
    let (mut s, v0, v1) = setup();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_out("alice", &v0, &[2])),
        ContractError::NotOptedIn {
            service_id: 2,
            validator: v0.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_out("alice", &v0, &[])),
        ContractError::EmptyList {
            field: "service_ids".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_out("alice", &v0, &[1, 1])),
        ContractError::Duplicate {
            field: "service id".into(),
            id: "1".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_out("alice", &v1, &[1])),
        ContractError::NoPosition {
            validator: v1.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.complete_opt_out("alice", &v0)),
        ContractError::NothingToComplete {
            validator: v0.clone(),
            reason: OptOutWait::NonePending
        }
    );
    s.opt_out("alice", &v0, &[1]).unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.opt_out("alice", &v0, &[1])),
        ContractError::OptOutPending {
            service_id: 1,
            validator: v0.clone()
        }
    );
    // service 1's opt_out_delay is a day
    let next = s.now().plus_seconds(86_400);
    assert_eq!(
        refused_with(&mut s, |s| s.complete_opt_out("alice", &v0)),
        ContractError::NothingToComplete {
            validator: v0.clone(),
            reason: OptOutWait::NotYet { next }
        }
    );
}

#[test]
fn unbonds_and_claims_refused() {
    let (mut s, v0, v1) = setup();
    assert_eq!(
        refused_with(&mut s, |s| s.unbond("alice", &v0, 0)),
        ContractError::ZeroAmount {
            field: "amount".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.unbond("alice", &v0, 1_000_001)),
        ContractError::AmountExceedsBonded {
            amount: Uint128::new(1_000_001),
            bonded: Uint128::new(1_000_000),
            validator: v0.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.unbond("alice", &v1, 10)),
        ContractError::NoPosition {
            validator: v1.clone()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.claim_unbonded("alice")),
        ContractError::NothingToClaim {
            reason: ClaimWait::NoUnbondings
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.claim_rewards("alice")),
        ContractError::NoRewards
    );
}

#[test]
fn service_registration_refused() {
    let (mut s, _, _) = setup();
    let reg = |s: &mut Suite, spec: serde_json::Value| {
        s.execute_json("svc", &json!({ "register_service": spec }).to_string(), &[])
    };
    let slasher = s.addr("slasher").to_string();
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0", "veto_period": 0, "opt_out_delay": 0}),
        )),
        ContractError::InvalidMaxSlash {
            max_slash: Decimal::zero()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "1.0000001", "veto_period": 0, "opt_out_delay": 0}),
        )),
        ContractError::InvalidMaxSlash {
            max_slash: "1.0000001".parse().unwrap()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 99999999, "opt_out_delay": 99999999}),
        )),
        ContractError::VetoPeriodTooLong {
            veto_period: 99_999_999,
            max: 7 * 86_400
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 20, "opt_out_delay": 10}),
        )),
        ContractError::OptOutDelayTooShort {
            opt_out_delay: 10,
            veto_period: 20
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": ["u"]}),
        )),
        ContractError::InvalidDenom { denom: "u".into() }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": ["uosmo", "uosmo"]}),
        )),
        ContractError::Duplicate {
            field: "reward asset".into(),
            id: "uosmo".into()
        }
    );
    let many: Vec<String> = (0..9).map(|i| format!("denom{i}")).collect();
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": "x", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0, "reward_denoms": many}),
        )),
        ContractError::TooManyRewardAssets { count: 9, max: 8 }
    );
    assert_eq!(
        refused_with(&mut s, |s| reg(
            s,
            json!({"name": " ", "slasher": slasher, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}),
        )),
        ContractError::InvalidText {
            field: "name".into(),
            max: 64
        }
    );
    // addresses: upper case and a foreign prefix (the reason is cosmwasm's own text)
    let upper = slasher.to_uppercase();
    let foreign = "osmo1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn7hzdtn";
    for bad in [upper.as_str(), foreign] {
        let err = refused_with(&mut s, |s| {
            reg(
                s,
                json!({"name": "x", "slasher": bad, "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0}),
            )
        });
        assert!(
            matches!(&err, ContractError::InvalidAddress { field, address, .. }
                if field == "slasher" && address == bad),
            "{err:?}"
        );
    }
}

#[test]
fn service_updates_refused() {
    let (mut s, _, _) = setup();
    let upd = |s: &mut Suite, who: &str, body: serde_json::Value| {
        s.execute_json(who, &json!({ "update_service": body }).to_string(), &[])
    };
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "mallory",
            json!({"service_id": 1, "max_slash": "0.01"})
        )),
        ContractError::Unauthorized {
            action: Guarded::UpdateService { id: 1 },
            allowed: Role::ServiceAdmin
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 7, "max_slash": "0.01"})
        )),
        ContractError::ServiceNotFound { id: 7 }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 1, "max_slash": "0.2"})
        )),
        ContractError::MaxSlashRaised {
            current: Decimal::percent(10),
            requested: Decimal::percent(20)
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 1, "opt_out_delay": 10})
        )),
        ContractError::OptOutDelayShortened {
            current: 86_400,
            requested: 10
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 1, "add_reward_denoms": ["uosmo"]}),
        )),
        ContractError::Duplicate {
            field: "reward asset".into(),
            id: "uosmo".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 1, "max_slash": "0.05", "add_reward_denoms": []}),
        )),
        ContractError::EmptyList {
            field: "add_reward_denoms".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| upd(
            s,
            "oracle",
            json!({"service_id": 1, "add_reward_tokens": []}),
        )),
        ContractError::EmptyList {
            field: "add_reward_tokens".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.set_service_status(
            "mallory",
            1,
            ServiceStatus::Paused
        )),
        ContractError::Unauthorized {
            action: Guarded::SetServiceStatus { id: 1 },
            allowed: Role::HubOwnerOrServiceAdmin
        }
    );
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
    assert_eq!(
        refused_with(&mut s, |s| pay(s, 1, vec![])),
        ContractError::NoFunds
    );
    let uatom = ContractError::UndeclaredRewardAsset {
        asset: "uatom".into(),
        service_id: 1,
    };
    assert_eq!(
        refused_with(&mut s, |s| pay(s, 1, coins(100, "uatom"))),
        uatom
    );
    assert_eq!(
        refused_with(&mut s, |s| pay(
            s,
            1,
            vec![coin(100, "uatom"), coin(100, "uosmo")]
        )),
        uatom
    );
    assert_eq!(
        refused_with(&mut s, |s| pay(s, 42, coins(100, "uosmo"))),
        ContractError::ServiceNotFound { id: 42 }
    );
    let id = s
        .register(ServiceSpec::new("empty").reward_denom("uosmo"))
        .unwrap();
    assert_eq!(
        refused_with(&mut s, |s| pay(s, id, coins(100, "uosmo"))),
        ContractError::NoStakeInService { service_id: id }
    );
    let owner = s.owner.to_string();
    s.set_service_status(&owner, 1, ServiceStatus::Paused)
        .unwrap();
    assert_eq!(
        refused_with(&mut s, |s| pay(s, 1, coins(100, "uosmo"))),
        ContractError::ServiceNotActive {
            id: 1,
            status: ServiceStatus::Paused,
            what: "reward payments".into()
        }
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
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute_json(
                "payer",
                &json!({"receive": {"sender": payer, "amount": "100", "msg": hook}}).to_string(),
                &[],
            )
        }),
        ContractError::NotAContract {
            sender: payer.clone()
        }
    );
    // A real token the service did not declare.
    assert_eq!(
        refused_with(&mut s, |s| s.distribute_cw20(&fake, "payer", id, 100)),
        ContractError::UndeclaredRewardAsset {
            asset: format!("cw20:{fake}"),
            service_id: id
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.distribute_cw20(&token, "payer", id, 0)),
        ContractError::ZeroAmount {
            field: "reward amount".into()
        }
    );
}

#[test]
fn slashing_refused() {
    let (mut s, v0, v1) = setup();
    assert_eq!(
        refused_with(&mut s, |s| s.slash("oracle", 1, &v0, Decimal::percent(1))),
        ContractError::Unauthorized {
            action: Guarded::OpenSlashRequests { service_id: 1 },
            allowed: Role::ServiceSlasher
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.slash(
            "oracle-slasher",
            1,
            &v0,
            Decimal::zero()
        )),
        ContractError::FractionZero
    );
    assert_eq!(
        refused_with(&mut s, |s| s.slash(
            "oracle-slasher",
            1,
            &v0,
            Decimal::percent(20)
        )),
        ContractError::FractionAboveMax {
            fraction: Decimal::percent(20),
            max: Decimal::percent(10)
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.slash(
            "oracle-slasher",
            5,
            &v0,
            Decimal::percent(1)
        )),
        ContractError::ServiceNotFound { id: 5 }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.slash(
            "oracle-slasher",
            1,
            &v1,
            Decimal::percent(1)
        )),
        ContractError::NothingToSlash {
            service_id: 1,
            validator: v1.clone()
        }
    );
    let id = s
        .slash("oracle-slasher", 1, &v0, Decimal::percent(10))
        .unwrap();
    // service 1's veto_period is an hour
    let executable_at = s.now().plus_seconds(3600);
    assert_eq!(
        refused_with(&mut s, |s| s.execute_slash("anyone", id)),
        ContractError::VetoWindowOpen { id, executable_at }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.veto_slash("mallory", id)),
        ContractError::Unauthorized {
            action: Guarded::VetoSlash { id },
            allowed: Role::ServiceResolverOrHubOwner
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.veto_slash("oracle-resolver", 99)),
        ContractError::SlashNotFound { id: 99 }
    );
    s.advance(3600);
    assert_eq!(
        refused_with(&mut s, |s| s.veto_slash("oracle-resolver", id)),
        ContractError::VetoWindowClosed { id, executable_at }
    );
    s.execute_slash("anyone", id).unwrap();
    // replaying the execution changes nothing
    assert_eq!(
        refused_with(&mut s, |s| s.execute_slash("anyone", id)),
        ContractError::SlashNotPending {
            id,
            status: SlashStatus::Executed
        }
    );
}

#[test]
fn cranks_refused() {
    let (mut s, v0, v1) = setup();
    assert_eq!(
        refused_with(&mut s, |s| s.harvest(Some(vec![]))),
        ContractError::EmptyList {
            field: "validators".into()
        }
    );
    assert_eq!(
        refused_with(&mut s, |s| s.harvest(Some(vec![v0.clone(), v0.clone()]))),
        ContractError::Duplicate {
            field: "validator".into(),
            id: v0.clone()
        }
    );
    let unknown = ContractError::UnknownValidator {
        validator: v1.clone(),
    };
    assert_eq!(
        refused_with(&mut s, |s| s.harvest(Some(vec![v1.clone()]))),
        unknown
    );
    assert_eq!(refused_with(&mut s, |s| s.sync_validator(&v1)), unknown);
}

#[test]
fn owner_messages_refused_to_strangers_and_funds_refused_on_nonpayable() {
    let (mut s, v0, _) = setup();
    fn refused_owner(
        s: &mut Suite,
        f: impl FnOnce(&mut Suite) -> anyhow::Result<cw_multi_test::AppResponse>,
    ) {
        assert_eq!(
            refused_with(s, f),
            ContractError::Ownership(OwnershipError::NotOwner)
        );
    }
    refused_owner(&mut s, |s| s.execute("mallory", &ExecuteMsg::Pause {}, &[]));
    refused_owner(&mut s, |s| {
        s.execute("mallory", &ExecuteMsg::Unpause {}, &[])
    });
    refused_owner(&mut s, |s| {
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
    refused_owner(&mut s, |s| {
        s.execute_json(
            "mallory",
            r#"{"update_ownership":{"transfer_ownership":{"new_owner":"cosmwasm1mallory"}}}"#,
            &[],
        )
    });
    let owner = s.owner.to_string();
    let err = refused_with(&mut s, |s| {
        s.execute_json(&owner, r#"{"update_config":{"unbonding_epoch":1}}"#, &[])
    });
    assert!(
        matches!(
            err,
            ContractError::InvalidConfig {
                field: "unbonding_epoch",
                problem: ConfigProblem::EpochTooShort { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute(
                "alice",
                &ExecuteMsg::OptOut {
                    validator: v0.clone(),
                    service_ids: vec![1],
                },
                &coins(1, "uatom"),
            )
        }),
        ContractError::NonPayable
    );
    assert_eq!(
        refused_with(&mut s, |s| {
            s.execute("alice", &ExecuteMsg::ClaimRewards {}, &coins(1, "uatom"))
        }),
        ContractError::NonPayable
    );
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
    assert_eq!(
        refused_with(&mut s, |s| s.set_service_status(
            "oracle",
            1,
            ServiceStatus::Active
        )),
        ContractError::SameStatus {
            id: 1,
            status: ServiceStatus::Active
        }
    );
    // an emergency pause by the owner: only the owner lifts it
    s.set_service_status(&owner, 1, ServiceStatus::Paused)
        .unwrap();
    assert_eq!(
        refused_with(&mut s, |s| s.set_service_status(
            "oracle",
            1,
            ServiceStatus::Active
        )),
        ContractError::Unauthorized {
            action: Guarded::ReactivateOwnerPaused { id: 1 },
            allowed: Role::HubOwner
        }
    );
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
