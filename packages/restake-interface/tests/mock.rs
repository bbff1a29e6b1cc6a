//! An integrator's first script, on cw-orch's `MockBech32` (cw-multi-test with bech32
//! addresses and its staking and distribution modules): upload and instantiate the hub,
//! register a service, deposit, opt in, pay and claim a reward, all through the typed methods
//! cw-orch derives from the hub's messages.

use cosmwasm_std::{coin, coins, from_json, Decimal, Uint128, Validator};
use cw_orch::mock::cw_multi_test::{MockApiBech32, StakingInfo};
use cw_orch::prelude::*;
use restake_hub_interface::{ExecuteMsgFns, QueryMsgFns, RestakeHub};
use restake_types::{InstantiateMsg, RegisterServiceMsg, RegisterServiceResponse, RewardAmount};

const DENOM: &str = "uatom";
const UNBONDING: u64 = 21 * 24 * 3600;

/// The mock chain with one validator and `uatom` as the bonded denom (cw-orch's `Mock` has
/// staking, but no validator and a `TOKEN` denom).
fn chain_with_validator() -> anyhow::Result<(MockBech32, String)> {
    let mock = MockBech32::new("cosmwasm");
    let valoper = MockApiBech32::new("cosmwasmvaloper")
        .addr_make("validator1")
        .to_string();
    let block = mock.app.borrow().block_info();
    mock.app
        .borrow_mut()
        .init_modules(|router, api, storage| -> anyhow::Result<()> {
            router.staking.setup(
                storage,
                StakingInfo {
                    bonded_denom: DENOM.to_string(),
                    unbonding_time: UNBONDING,
                    apr: Decimal::zero(),
                },
            )?;
            router.staking.add_validator(
                api,
                storage,
                &block,
                Validator::create(
                    valoper.clone(),
                    Decimal::percent(5),
                    Decimal::percent(100),
                    Decimal::percent(1),
                ),
            )
        })?;
    Ok((mock, valoper))
}

#[test]
fn deploy_register_deposit_reward_and_claim() -> anyhow::Result<()> {
    let (mock, valoper) = chain_with_validator()?;
    let owner = mock.sender_addr();
    let service_admin = mock.addr_make("oracle-service");
    let slasher = mock.addr_make("oracle-slasher");
    let staker = mock.addr_make_with_balance("staker", coins(5_000_000, DENOM))?;
    mock.add_balance(&service_admin, coins(10_000, "uusdc"))?;

    // deploy
    let hub = RestakeHub::new(mock.clone());
    hub.upload()?;
    hub.instantiate(
        &InstantiateMsg {
            owner: None,
            unbonding_period: UNBONDING,
            min_deposit: Some(Uint128::new(1_000)),
            max_services_per_position: None,
            max_veto_period: None,
            max_reward_assets: None,
            slash_destination: None,
            max_pools_per_validator: None,
            unbonding_epoch: None,
            max_open_votes: None,
            delegator_for: None,
        },
        Some(&owner),
        &[],
    )?;
    let config = hub.config()?;
    assert_eq!(config.bonded_denom, DENOM);
    assert_eq!(hub.ownership()?.owner, Some(owner.to_string()));

    // a service registers; its id comes back in the response data
    let res = hub
        .call_as(&service_admin)
        .register_service(RegisterServiceMsg {
            name: "oracle".into(),
            slasher: slasher.to_string(),
            resolver: None,
            max_slash: Decimal::percent(10),
            veto_period: 3600,
            opt_out_delay: 7 * 24 * 3600,
            reward_denoms: Some(vec!["uusdc".into()]),
            reward_tokens: None,
            metadata_uri: None,
        })?;
    let RegisterServiceResponse { service_id } =
        from_json(res.data.expect("register_service answers with data"))?;
    assert_eq!(service_id, 1);
    let service = hub.service(service_id)?;
    assert_eq!(
        (service.admin, service.slasher),
        (service_admin.clone(), slasher)
    );

    // a staker deposits (payable: the funds are the last argument) and opts in
    hub.call_as(&staker)
        .deposit(valoper.clone(), &coins(2_000_000, DENOM))?;
    hub.call_as(&staker)
        .opt_in(vec![service_id], valoper.clone())?;

    let position = hub.position(staker.to_string(), valoper.clone())?;
    assert_eq!(position.amount, Uint128::new(2_000_000));
    assert_eq!(position.service_ids, vec![service_id]);
    assert_eq!(
        hub.service_stake(service_id, None, None)?.total,
        Uint128::new(2_000_000)
    );
    assert_eq!(mock.query_balance(&staker, DENOM)?, Uint128::new(3_000_000));

    // the chain's staking module holds the delegation, on the hub's delegator proxy
    let proxy = hub
        .validator(valoper.clone())?
        .delegator
        .expect("the first deposit creates the validator's delegator proxy");
    let delegation = mock
        .app
        .borrow()
        .wrap()
        .query_delegation(&proxy, &valoper)?
        .expect("the proxy delegates");
    assert_eq!(delegation.amount, coin(2_000_000, DENOM));

    // the service pays a reward; the only staker securing it may claim all of it
    hub.call_as(&service_admin)
        .distribute_rewards(service_id, &coins(1_000, "uusdc"))?;
    assert_eq!(
        hub.pending_rewards(staker.to_string())?.rewards,
        vec![RewardAmount {
            denom: Some("uusdc".into()),
            cw20: None,
            amount: Uint128::new(1_000),
        }]
    );
    hub.call_as(&staker).claim_rewards()?;
    assert_eq!(mock.query_balance(&staker, "uusdc")?, Uint128::new(1_000));
    assert!(hub.pending_rewards(staker.to_string())?.rewards.is_empty());
    Ok(())
}
