//! Registration, configuration and the refusals: each names the problem and changes
//! nothing.

use cosmwasm_std::{coin, Decimal};
use example_service::msg::{ExecuteMsg, MigrateMsg, ReceiveMsg};
use restake_multitest::err_text;
use restake_types::ServiceStatus;

use super::helpers::*;

#[test]
fn instantiation_registers_the_contract_as_admin_and_slasher() {
    let t = setup();
    assert_eq!(t.id, 1);
    let config = t.config();
    assert_eq!(config.hub, t.hub);
    assert_eq!(config.admin, t.addr(ADMIN));
    assert_eq!(config.threshold, 2);
    assert_eq!(config.members.len(), 3);
    assert_eq!(config.fee_denoms, vec![FEE_DENOM.to_string()]);
    assert_eq!(config.fee_tokens, vec![t.token.clone()]);
    let s = t.service(t.id).unwrap();
    assert_eq!(s.name, "price-oracle");
    assert_eq!(s.admin, t.service);
    assert_eq!(s.slasher, t.service);
    assert_eq!(s.resolver, Some(t.addr(RESOLVER)));
    assert_eq!(s.max_slash, Decimal::percent(10));
    assert_eq!(s.veto_period, VETO_PERIOD);
    assert_eq!(s.opt_out_delay, OPT_OUT_DELAY);
    assert_eq!(s.reward_denoms, vec![FEE_DENOM.to_string()]);
    assert_eq!(s.reward_tokens, vec![t.token.clone()]);
    assert_eq!(s.status, ServiceStatus::Active);

    // a second instance gets the next id
    let mut t = t;
    let code = t.code_id;
    let msg = instantiate_msg(&t, &t.token.clone());
    let second = t
        .instantiate_contract(code, "someone", &msg, &[], "second")
        .unwrap();
    let c: example_service::msg::ConfigResponse = t
        .query_contract(&second, &example_service::msg::QueryMsg::Config {})
        .unwrap();
    assert_eq!(c.service_id, 2);
    assert_eq!(c.admin, t.addr("someone"));
}

type Edit = Box<dyn FnOnce(&mut example_service::msg::InstantiateMsg)>;

#[test]
fn bad_instantiations_are_refused_with_a_reason() {
    let cases: Vec<(&str, Edit)> = vec![
        (
            "threshold 0 must be between 1 and the 3",
            Box::new(|m| m.threshold = 0),
        ),
        (
            "threshold 4 must be between 1 and the 3",
            Box::new(|m| m.threshold = 4),
        ),
        ("invalid members", Box::new(|m| m.members.clear())),
        (
            "duplicate member",
            Box::new(|m| m.members[1] = m.members[0].clone()),
        ),
        ("invalid epoch", Box::new(|m| m.epoch = 0)),
        ("invalid voting_period", Box::new(|m| m.voting_period = 0)),
        (
            "duplicate fee asset uosmo",
            Box::new(|m| m.fee_denoms.push("uosmo".into())),
        ),
        ("invalid hub", Box::new(|m| m.hub = "not-an-address".into())),
        // the hub's own refusals fail the instantiation, with the hub's words
        (
            "opt_out_delay 10 must be at least the veto_period",
            Box::new(|m| m.opt_out_delay = 10),
        ),
        (
            "max_slash 0 must be greater than 0",
            Box::new(|m| m.max_slash = Decimal::zero()),
        ),
        (
            "invalid denom",
            Box::new(|m| m.fee_denoms = vec!["u".into()]),
        ),
    ];
    for (needle, edit) in cases {
        let (suite, res, _, _) = try_setup(edit);
        let err = res.expect_err(needle);
        assert!(
            err_text(&err).contains(needle),
            "{needle:?} not in {:?}",
            err_text(&err)
        );
        assert!(suite.services(None, None).unwrap().is_empty());
    }
}

#[test]
fn message_refusals_name_the_problem() {
    let mut t = setup();
    let v0 = t.validator(0);
    t.stake("alice", &v0, 1_000_000);

    // fees: only the declared assets, never zero, never nothing
    let err = t.pay_fees("dapp", 10, "ujunk").unwrap_err();
    assert_eq!(err_text(&err), "ujunk is not a fee asset of this service");
    assert!(
        err_text(&t.exec("dapp", &ExecuteMsg::PayFees {}, &[]).unwrap_err())
            .contains("no fees sent")
    );
    let other = t.create_cw20("JUNK", &[("payer", 1_000)]);
    let service = t.service.clone();
    let err = t
        .send_cw20(&other, "payer", &service, 10, &ReceiveMsg::PayFees {})
        .unwrap_err();
    assert!(err_text(&err).contains("is not a fee asset of this service"));
    let token = t.token.clone();
    let err = t
        .send_cw20(
            &token,
            "payer",
            &service,
            10,
            &serde_json::json!({"distribute": {}}),
        )
        .unwrap_err();
    assert!(err_text(&err).contains("expected {\"pay_fees\":{}}"));
    t.mint("dapp", vec![coin(5, FEE_DENOM)]);
    let err = t
        .exec("dapp", &ExecuteMsg::Distribute {}, &[coin(5, FEE_DENOM)])
        .unwrap_err();
    assert_eq!(err_text(&err), "this message does not accept funds");
    assert!(err_text(&t.distribute().unwrap_err()).contains("no fees are pending"));

    // proposals
    let propose = |validator: &str, fraction| ExecuteMsg::ProposeSlash {
        validator: validator.to_string(),
        fraction,
        evidence: "e".into(),
    };
    let err = t
        .exec("mallory", &propose(&v0, Decimal::percent(1)), &[])
        .unwrap_err();
    assert!(err_text(&err).ends_with("is not a committee member"));
    let err = t
        .exec("oracle-1", &propose(&v0, Decimal::percent(11)), &[])
        .unwrap_err();
    assert_eq!(
        err_text(&err),
        "fraction 0.11 exceeds the service's max_slash 0.1"
    );
    let err = t
        .exec("oracle-1", &propose(&v0, Decimal::zero()), &[])
        .unwrap_err();
    assert_eq!(err_text(&err), "fraction must be greater than 0");
    let err = t
        .exec(
            "oracle-1",
            &propose("cosmwasmvaloper1nobody", Decimal::percent(1)),
            &[],
        )
        .unwrap_err();
    assert!(err_text(&err).contains("is not a validator of this chain"));
    let err = t.vote("oracle-1", 99).unwrap_err();
    assert_eq!(err_text(&err), "proposal 99 not found");
    // the hub's refusal surfaces on the deciding vote and the proposal stays open
    let v1 = t.validator(1);
    let p = t.propose("oracle-1", &v1, Decimal::percent(1)).unwrap();
    let err = t.vote("oracle-2", p).unwrap_err();
    assert!(
        err_text(&err).contains("nothing to slash"),
        "{}",
        err_text(&err)
    );
    assert_eq!(
        t.proposal(p).status,
        example_service::msg::ProposalStatus::Open
    );

    // admin messages
    let members = vec![t.addr("oracle-1").to_string()];
    let update = ExecuteMsg::UpdateCommittee {
        members: members.clone(),
        threshold: 1,
    };
    let err = t.exec("oracle-1", &update, &[]).unwrap_err();
    assert_eq!(
        err_text(&err),
        "unauthorized: only the admin may update the committee"
    );
    let err = t
        .exec(
            ADMIN,
            &ExecuteMsg::UpdateCommittee {
                members,
                threshold: 2,
            },
            &[],
        )
        .unwrap_err();
    assert!(err_text(&err).contains("threshold 2 must be between 1 and the 1"));
    t.exec(ADMIN, &update, &[]).unwrap();
    assert_eq!(t.config().members, vec![t.addr("oracle-1")]);
    assert!(t.vote("oracle-2", p).is_err());
    t.assert_invariants();
}

#[test]
fn unknown_fields_are_refused() {
    let mut t = setup();
    let service = t.service.clone();
    let err = t
        .execute_contract(
            "dapp",
            &service,
            &serde_json::json!({"distribute": {"now": true}}),
            &[],
        )
        .unwrap_err();
    assert!(
        err_text(&err).contains("unknown field"),
        "{}",
        err_text(&err)
    );
}

#[test]
fn migration_checks_the_contract_and_the_version() {
    let mut t = setup();
    let (service, code) = (t.service.clone(), t.code_id);
    let err = t
        .migrate_contract(ADMIN, &service, &MigrateMsg {}, code)
        .unwrap_err();
    assert!(err_text(&err).contains("already at version"));
    // another contract's state is refused
    let cw20_code = t.cw20_code;
    let token = t
        .instantiate_contract(
            cw20_code,
            ADMIN,
            &cw20_base::msg::InstantiateMsg {
                name: "other".into(),
                symbol: "OTHER".into(),
                decimals: 6,
                initial_balances: vec![],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
        )
        .unwrap();
    let err = t
        .migrate_contract(ADMIN, &token, &MigrateMsg {}, code)
        .unwrap_err();
    assert!(err_text(&err).contains("cannot migrate from contract crates.io:cw20-base"));
}
