//! Migration with cw2 version checks: the same contract only, never to an older version.

use cosmwasm_std::{DepsMut, Env, Response};
use restake_types::version::check_upgrade;

use crate::error::ContractError;
use crate::msg::MigrateMsg;

/// Name stored by cw2 and checked on migration.
pub const CONTRACT_NAME: &str = "crates.io:example-service";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = cw2::get_contract_version(deps.storage)?;
    check_upgrade(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", CONTRACT_VERSION))
}
