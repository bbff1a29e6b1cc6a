//! An integrator's first script, on cw-orch's `MockBech32` (cw-multi-test with bech32
//! addresses and its staking and distribution modules): upload and instantiate the hub,
//! register a service, deposit, opt in, pay and claim a reward, all through the typed methods
//! cw-orch derives from the hub's messages; then the vault as a staker of the hub.

use cosmwasm_std::{coin, coins, from_json, Decimal, Uint128, Validator};
use cw_orch::mock::cw_multi_test::{MockApiBech32, StakingInfo};
use cw_orch::prelude::*;
use restake_hub_interface::vault::InstantiateMsg as VaultInstantiateMsg;
use restake_hub_interface::{
    ExecuteMsgFns, QueryMsgFns, RestakeHub, RestakeVault, VaultExecuteMsgFns as _,
    VaultQueryMsgFns as _,
};
use restake_types::{InstantiateMsg, RegisterServiceMsg, RegisterServiceResponse, RewardAmount};
use restake_vault::msg::{ServiceLimit, SlashLimit, Strategy, ValidatorTarget};

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

fn hub_config() -> InstantiateMsg {
    InstantiateMsg {
        min_deposit: Some(Uint128::new(1_000)),
        ..InstantiateMsg::new(UNBONDING)
    }
}

fn oracle_service(slasher: &Addr) -> RegisterServiceMsg {
    RegisterServiceMsg {
        name: "oracle".into(),
        slasher: slasher.to_string(),
        resolver: None,
        max_slash: Decimal::percent(10),
        veto_period: 3600,
        opt_out_delay: 7 * 24 * 3600,
        reward_denoms: Some(vec!["uusdc".into()]),
        reward_tokens: None,
        metadata_uri: None,
    }
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
    hub.instantiate(&hub_config(), Some(&owner), &[])?;
    let config = hub.config()?;
    assert_eq!(config.bonded_denom, DENOM);
    assert_eq!(hub.ownership()?.owner, Some(owner.to_string()));

    // a service registers; its id comes back in the response data
    let res = hub
        .call_as(&service_admin)
        .register_service(oracle_service(&slasher))?;
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

/// The vault on the hub through the same interface crate: its deposit goes to the hub as the
/// vault's own position, opted into the strategy's service.
#[test]
fn vault_deposits_through_the_hub() -> anyhow::Result<()> {
    let (mock, valoper) = chain_with_validator()?;
    let owner = mock.sender_addr();
    let curator = mock.addr_make("curator");
    let holder = mock.addr_make_with_balance("holder", coins(5_000_000, DENOM))?;

    let hub = RestakeHub::new(mock.clone());
    hub.upload()?;
    hub.instantiate(&hub_config(), Some(&owner), &[])?;
    hub.register_service(oracle_service(&mock.addr_make("slasher")))?;

    let vault = RestakeVault::new(mock.clone());
    vault.upload()?;
    vault.instantiate(
        &VaultInstantiateMsg {
            hub: hub.address()?.to_string(),
            curator: Some(curator.to_string()),
            name: "Restaked ATOM".into(),
            symbol: "rstATOM".into(),
            strategy: Strategy {
                validators: vec![ValidatorTarget {
                    validator: valoper.clone(),
                    weight: 1,
                    services: vec![1],
                }],
                services: vec![ServiceLimit {
                    service_id: 1,
                    max_share: Decimal::one(),
                }],
                risk_budget: Decimal::percent(10),
                slash_limit: SlashLimit {
                    max_fraction: Decimal::percent(50),
                    window: 24 * 3600,
                },
                timelock: 24 * 3600,
            },
            min_timelock: None,
            exit_epoch: None,
            min_deposit: None,
            max_validators: None,
            max_services: None,
            max_reward_assets: None,
        },
        Some(&owner),
        &[],
    )?;

    // the vault's deposit is payable and takes no other argument
    vault.call_as(&holder).deposit(&coins(2_000_000, DENOM))?;
    let held = vault.holder(holder.to_string())?;
    // about 1,000 shares per uatom (the vault's 1,000 virtual shares on 1 virtual uatom),
    // every rounding against the holder
    assert_eq!(held.shares, Uint128::new(1_999_999_000));
    assert_eq!(held.value, Uint128::new(1_999_999));

    let position = hub.position(vault.address()?.to_string(), valoper)?;
    assert_eq!(position.amount, Uint128::new(2_000_000));
    assert_eq!(position.service_ids, vec![1]);
    Ok(())
}
