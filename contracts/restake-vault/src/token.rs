//! The share token: cw20-base as a library, wrapped so the vault sees every balance change
//! and settles the holders' reward indexes before it happens.
//!
//! A `send`'s `receive` hook runs after this message has saved its state (CosmWasm's actor
//! model: no call re-enters a contract mid-execution), so a receiving contract that calls
//! the vault back finds consistent books.

use cosmwasm_std::{Addr, Binary, DepsMut, Env, MessageInfo, Response, Uint128};

use crate::error::{nonpayable, ContractError};
use crate::rewards::{before_balance_change, hub_pending};

fn recipient(deps: &DepsMut, env: &Env, addr: &str) -> Result<Addr, ContractError> {
    let a = deps.api.addr_validate(addr)?;
    if a == env.contract.address {
        return Err(ContractError::TransferToVault);
    }
    Ok(a)
}

fn settle(deps: &mut DepsMut, env: &Env, holders: &[&Addr]) -> Result<(), ContractError> {
    let pending = hub_pending(deps.as_ref(), env)?;
    before_balance_change(deps.storage, &pending, holders)?;
    Ok(())
}

pub fn transfer(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    to: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let to_addr = recipient(&deps, &env, &to)?;
    settle(&mut deps, &env, &[&info.sender, &to_addr])?;
    Ok(cw20_base::contract::execute_transfer(
        deps, env, info, to, amount,
    )?)
}

pub fn send(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let to_addr = recipient(&deps, &env, &contract)?;
    settle(&mut deps, &env, &[&info.sender, &to_addr])?;
    Ok(cw20_base::contract::execute_send(
        deps, env, info, contract, amount, msg,
    )?)
}

pub fn transfer_from(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    to: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let owner_addr = deps.api.addr_validate(&owner)?;
    let to_addr = recipient(&deps, &env, &to)?;
    settle(&mut deps, &env, &[&owner_addr, &to_addr])?;
    Ok(cw20_base::allowances::execute_transfer_from(
        deps, env, info, owner, to, amount,
    )?)
}

pub fn send_from(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    contract: String,
    amount: Uint128,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let owner_addr = deps.api.addr_validate(&owner)?;
    let to_addr = recipient(&deps, &env, &contract)?;
    settle(&mut deps, &env, &[&owner_addr, &to_addr])?;
    Ok(cw20_base::allowances::execute_send_from(
        deps, env, info, owner, contract, amount, msg,
    )?)
}

pub fn increase_allowance(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spender: String,
    amount: Uint128,
    expires: Option<cw_utils::Expiration>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    Ok(cw20_base::allowances::execute_increase_allowance(
        deps, env, info, spender, amount, expires,
    )?)
}

pub fn decrease_allowance(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spender: String,
    amount: Uint128,
    expires: Option<cw_utils::Expiration>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    Ok(cw20_base::allowances::execute_decrease_allowance(
        deps, env, info, spender, amount, expires,
    )?)
}
