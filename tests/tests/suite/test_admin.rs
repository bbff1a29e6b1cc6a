//! Pause (exits never pause), migration with cw2 checks.

use cosmwasm_std::{
    coin, Binary, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult,
};
use cw_multi_test::{ContractWrapper, Executor};
use restake_hub::ContractError;
use restake_multitest::{err_text, ServiceSpec, SuiteBuilder, HUB_UNBONDING};
use restake_types::MigrateMsg;

use super::helpers::{hub_error, refused_with};

#[test]
fn pause_stops_deposits_and_opt_ins_but_never_exits() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::percent(5)).build();
    let v = s.validator(0);
    let a = s
        .register(
            ServiceSpec::new("A")
                .reward_denom("uosmo")
                .veto_period(10)
                .opt_out_delay(10),
        )
        .unwrap();
    let b = s.register(ServiceSpec::new("B")).unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[a]).unwrap();
    s.distribute("A", a, vec![coin(100, "uosmo")]).unwrap();
    s.unbond("alice", &v, 100_000).unwrap();
    s.pause().unwrap();
    assert!(s.config().unwrap().paused);

    assert_eq!(
        refused_with(&mut s, |s| s.deposit("alice", &v, 1)),
        ContractError::Paused
    );
    assert_eq!(
        refused_with(&mut s, |s| s.opt_in("alice", &v, &[b])),
        ContractError::Paused
    );
    // every exit works
    s.opt_out("alice", &v, &[a]).unwrap();
    s.advance(10);
    s.complete_opt_out("alice", &v).unwrap();
    s.claim_rewards("alice").unwrap();
    assert_eq!(s.balance("alice", "uosmo"), 100);
    s.unbond("alice", &v, 100_000).unwrap();
    s.advance(HUB_UNBONDING);
    s.claim_unbonded("alice").unwrap();
    s.process_unbondings().unwrap();
    s.harvest(None).unwrap();
    s.sync_validator(&v).unwrap();
    // slashing keeps working too
    s.deposit("bob", &v, 0).unwrap_err();
    s.unpause().unwrap();
    s.deposit("bob", &v, 10).unwrap();
    s.assert_invariants();
}

macro_rules! fake_instantiate {
    ($fn_name:ident, $name:expr, $version:expr) => {
        fn $fn_name(deps: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
            cw2::set_contract_version(deps.storage, $name, $version)?;
            Ok(Response::new())
        }
    };
}
fake_instantiate!(old_hub, "crates.io:restake-hub", "0.0.1");
fake_instantiate!(newer_hub, "crates.io:restake-hub", "99.0.0");
fake_instantiate!(other_contract, "crates.io:cw20-base", "0.0.1");

type InstantiateFn = fn(DepsMut, Env, MessageInfo, Empty) -> StdResult<Response>;

fn noop_execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn noop_query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
    Ok(Binary::default())
}

#[test]
fn migration_checks_contract_name_and_version() {
    let mut s = SuiteBuilder::new().build();
    let owner = s.owner.clone();
    let hub_code = s.hub_code;
    let deploy = |s: &mut restake_multitest::Suite, instantiate: InstantiateFn| {
        let code = s.app.store_code(Box::new(ContractWrapper::new(
            noop_execute,
            instantiate,
            noop_query,
        )));
        let owner = s.owner.clone();
        s.app
            .instantiate_contract(
                code,
                owner.clone(),
                &Empty {},
                &[],
                "old",
                Some(owner.to_string()),
            )
            .unwrap()
    };

    // an older restake-hub migrates once; replaying the migration is refused
    let old = deploy(&mut s, old_hub);
    s.app
        .migrate_contract(owner.clone(), old.clone(), &MigrateMsg {}, hub_code)
        .unwrap();
    let v = cw2::query_contract_info(&s.app.wrap(), old.to_string()).unwrap();
    assert_eq!(v.version, env!("CARGO_PKG_VERSION"));
    let err = s
        .app
        .migrate_contract(owner.clone(), old, &MigrateMsg {}, hub_code)
        .unwrap_err();
    let replay = ContractError::AlreadyMigrated {
        version: env!("CARGO_PKG_VERSION").into(),
    };
    assert_eq!(*hub_error(&err), replay);

    // a newer version is never downgraded
    let newer = deploy(&mut s, newer_hub);
    let err = s
        .app
        .migrate_contract(owner.clone(), newer, &MigrateMsg {}, hub_code)
        .unwrap_err();
    assert_eq!(
        *hub_error(&err),
        ContractError::Downgrade {
            from: "99.0.0".into(),
            to: env!("CARGO_PKG_VERSION").into()
        }
    );

    // another contract is refused
    let other = deploy(&mut s, other_contract);
    let err = s
        .app
        .migrate_contract(owner.clone(), other, &MigrateMsg {}, hub_code)
        .unwrap_err();
    assert_eq!(
        *hub_error(&err),
        ContractError::WrongContract {
            expected: "crates.io:restake-hub".into(),
            found: "crates.io:cw20-base".into()
        }
    );

    // the deployed hub itself is at the current version: migrating it to the same code is a replay
    let hub = s.hub.clone();
    let err = s
        .app
        .migrate_contract(owner, hub, &MigrateMsg {}, hub_code)
        .unwrap_err();
    assert_eq!(*hub_error(&err), replay);
    // unknown fields in the migrate message are refused too, by the message parser before
    // the hub's code runs: only its text names the refusal
    let bad = s.app.execute(
        s.owner.clone(),
        cosmwasm_std::WasmMsg::Migrate {
            contract_addr: s.hub.to_string(),
            new_code_id: hub_code,
            msg: Binary::new(br#"{"force":true}"#.to_vec()),
        }
        .into(),
    );
    assert!(err_text(&bad.unwrap_err()).contains("unknown field"));
}
