//! Native staking rewards in denoms other than the bonded one, which cw-multi-test's staking
//! module never pays: anyone can pay a validator's delegators in any denom
//! (`MsgDepositValidatorRewardsPool`, Cosmos SDK 0.50), so the hub books at most
//! `max_reward_assets` of them per validator, and pays each of them in a transfer of its own
//! that may fail without blocking the staker's other rewards.

use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage, StakingQuerier,
};
use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, BankMsg, Coin, ContractInfoResponse,
    ContractResult, CosmosMsg, Decimal, Event, FullDelegation, OwnedDeps, Reply, ReplyOn,
    SubMsgResponse, SubMsgResult, SystemResult, Validator, WasmQuery,
};
use restake_hub::contract::{execute, instantiate, query, reply};
use restake_types::{ExecuteMsg, InstantiateMsg, PendingRewardsResponse, QueryMsg, RewardAmount};

const VAL: &str = "cosmwasmvaloper1validator";
type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

/// The validator's delegator proxy (the hub instantiates it with the first deposit).
fn proxy() -> Addr {
    MockApi::default().addr_make("proxy")
}

fn set_delegation(deps: &mut Deps, amount: u128, rewards: Vec<Coin>) {
    let delegator = proxy();
    let v = Validator::create(
        VAL.into(),
        Decimal::percent(5),
        Decimal::percent(20),
        Decimal::percent(1),
    );
    let d = FullDelegation::create(
        delegator,
        VAL.into(),
        coin(amount, "uatom"),
        coin(amount, "uatom"),
        rewards,
    );
    deps.querier.staking = StakingQuerier::new("uatom", &[v], &[d]);
}

fn setup() -> (Deps, Addr) {
    let mut deps = mock_dependencies();
    set_delegation(&mut deps, 0, vec![]);
    deps.querier.update_wasm(|q| match q {
        WasmQuery::ContractInfo { .. } => SystemResult::Ok(ContractResult::Ok(
            to_json_binary(&ContractInfoResponse::new(
                1,
                MockApi::default().addr_make("deployer"),
                None,
                false,
                None,
            ))
            .unwrap(),
        )),
        _ => panic!("unexpected wasm query {q:?}"),
    });
    let owner = deps.api.addr_make("owner");
    let msg = InstantiateMsg {
        owner: None,
        unbonding_period: 1_814_400,
        min_deposit: None,
        max_services_per_position: None,
        max_veto_period: None,
        max_reward_assets: Some(3),
        slash_destination: None,
        max_pools_per_validator: None,
        unbonding_epoch: None,
        max_open_votes: None,
        delegator_for: None,
    };
    instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    let alice = deps.api.addr_make("alice");
    let deposit = ExecuteMsg::Deposit {
        validator: VAL.into(),
    };
    let info = message_info(&alice, &coins(1_000_000, "uatom"));
    let res = execute(deps.as_mut(), mock_env(), info, deposit).unwrap();
    // The first deposit on the validator instantiates its delegator proxy; the reply
    // records it.
    let created = &res.messages[0];
    #[allow(deprecated)]
    let done = Reply {
        id: created.id,
        payload: created.payload.clone(),
        gas_used: 0,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![
                Event::new("instantiate").add_attribute("_contract_address", proxy().to_string())
            ],
            data: None,
            msg_responses: vec![],
        }),
    };
    reply(deps.as_mut(), mock_env(), done).unwrap();
    (deps, alice)
}

fn pending(deps: &Deps, staker: &Addr) -> Vec<RewardAmount> {
    let q = QueryMsg::PendingRewards {
        staker: staker.to_string(),
    };
    let r: PendingRewardsResponse =
        from_json(query(deps.as_ref(), mock_env(), q).unwrap()).unwrap();
    r.rewards
}

fn native(r: &RewardAmount) -> Option<(String, u128)> {
    r.denom.clone().map(|d| (d, r.amount.u128()))
}

#[test]
fn junk_reward_denoms_beyond_the_cap_stay_unbooked_and_payouts_are_isolated() {
    let (mut deps, alice) = setup();
    // the delegation earned uatom and 20 other denoms (a stranger paid the validator's
    // delegators in junk)
    let mut rewards = vec![coin(500, "uatom")];
    rewards.extend((0..20).map(|i| coin(100 + i, format!("ujunk{i:02}"))));
    set_delegation(&mut deps, 1_000_000, rewards);
    let keeper = deps.api.addr_make("keeper");
    let harvest = ExecuteMsg::Harvest { validators: None };
    execute(
        deps.as_mut(),
        mock_env(),
        message_info(&keeper, &[]),
        harvest,
    )
    .unwrap();
    set_delegation(&mut deps, 1_000_000, vec![]);

    // booked: the bonded denom and the first 3 others (max_reward_assets)
    let mut owed: Vec<(String, u128)> = pending(&deps, &alice).iter().filter_map(native).collect();
    owed.sort();
    assert_eq!(
        owed,
        vec![
            ("uatom".to_string(), 500),
            ("ujunk00".to_string(), 100),
            ("ujunk01".to_string(), 101),
            ("ujunk02".to_string(), 102),
        ]
    );

    // a claim pays the bonded denom plainly and every other denom in a transfer of its own
    let claim = ExecuteMsg::ClaimRewards {};
    let res = execute(deps.as_mut(), mock_env(), message_info(&alice, &[]), claim).unwrap();
    let sends: Vec<(Vec<Coin>, ReplyOn)> = res
        .messages
        .iter()
        .filter_map(|m| match &m.msg {
            CosmosMsg::Bank(BankMsg::Send { amount, .. }) => {
                Some((amount.clone(), m.reply_on.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(sends.len(), 4, "{sends:?}");
    for (amount, reply_on) in &sends {
        assert_eq!(amount.len(), 1);
        let expected = if amount[0].denom == "uatom" {
            ReplyOn::Never
        } else {
            ReplyOn::Error
        };
        assert_eq!(*reply_on, expected, "{amount:?}");
    }
    // every payout that may run foreign code has a gas limit: running out of gas is an
    // error the reply catches, not a failed claim
    for m in &res.messages {
        if m.reply_on == ReplyOn::Error {
            assert_eq!(m.gas_limit, Some(restake_hub::rewards::PAYOUT_GAS_LIMIT));
        }
    }
    assert!(pending(&deps, &alice).is_empty());

    // the chain refuses one denom's transfer (sends disabled, a send hook): that amount is
    // owed again, the rest was paid
    let refused = res
        .messages
        .iter()
        .find(|m| matches!(&m.msg, CosmosMsg::Bank(BankMsg::Send { amount, .. }) if amount[0].denom == "ujunk01"))
        .unwrap();
    #[allow(deprecated)]
    let failed = Reply {
        id: refused.id,
        payload: refused.payload.clone(),
        gas_used: 0,
        result: SubMsgResult::Err("send disabled for ujunk01".into()),
    };
    let res = reply(deps.as_mut(), mock_env(), failed).unwrap();
    assert!(res
        .attributes
        .iter()
        .any(|a| a.key == "action" && a.value == "native_payout_failed"));
    let owed: Vec<(String, u128)> = pending(&deps, &alice).iter().filter_map(native).collect();
    assert_eq!(owed, vec![("ujunk01".to_string(), 101)]);
}
