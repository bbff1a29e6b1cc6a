//! One-off migration code for restake-hub v0.1 → v0.2.
//!
//! A v0.1 hub keeps JSON records in cw-storage-plus maps and delegates from its own account;
//! v0.2 keeps compact records and a delegator proxy per validator. This contract's only
//! entry point that does anything is `migrate`: it converts the storage (see
//! `restake_hub::legacy`), records the version `0.2.0-layout`, and refuses every other
//! message. Migrate the hub to this code, then at once to the restake-hub v0.2 code (both
//! `MsgMigrateContract` in one governance proposal, so no block runs in between).

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response};
use restake_hub::ContractError;
use restake_types::version;
use restake_types::{MigrateMsg, CONTRACT_NAME};

/// The version this code leaves behind: a pre-release of 0.2.0, so the v0.2 hub's own
/// migration (from an older version) accepts it.
pub const LAYOUT_VERSION: &str = "0.2.0-layout";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    _deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    _msg: Empty,
) -> Result<Response, ContractError> {
    Err(ContractError::MigratorOnly)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    _deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    _msg: Empty,
) -> Result<Response, ContractError> {
    Err(ContractError::MigratorOnly)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(_deps: Deps, _env: Env, _msg: Empty) -> Result<Binary, ContractError> {
    Err(ContractError::MigratorOnly)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME {
        return Err(ContractError::WrongContract {
            expected: CONTRACT_NAME.to_string(),
            found: stored.contract,
        });
    }
    if version::parse(&stored.version)? >= version::parse("0.2.0")? {
        return Err(ContractError::AlreadyMigrated {
            version: stored.version,
        });
    }
    let response = restake_hub::legacy::migrate_from_v0_1(deps.storage, deps.api, &env)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, LAYOUT_VERSION)?;
    Ok(response
        .add_attribute("action", "migrate_layout")
        .add_attribute("from_version", &stored.version)
        .add_attribute("to_version", LAYOUT_VERSION))
}
