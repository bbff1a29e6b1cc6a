//! Migration with cw2 version checks: the same contract only, never to an older version.
//!
//! A v0.1 hub keeps another storage layout. Its conversion lives in its own small contract,
//! `restake-migrate-v0_1` (this crate's `legacy` module, built with the `migrate-v0_1`
//! feature), so the hub's wasm does not carry code it never runs again: a v0.1 hub migrates
//! to that code, then to this one — two `MsgMigrateContract` in one governance proposal
//! (docs/deploy.md).

use cosmwasm_std::{DepsMut, Env, Response};
use restake_types::version::check_upgrade;
use restake_types::{MigrateMsg, CONTRACT_NAME};

use crate::error::ContractError;

pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn migrate(deps: DepsMut, env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = cw2::get_contract_version(deps.storage)?;
    // A migration applies once: replaying it is refused, like a downgrade.
    check_upgrade(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?;
    if deps.storage.get(b"config").is_some() {
        // The v0.1 layout's config item: not converted yet.
        return Err(ContractError::LayoutNotConverted {
            version: stored.version,
        });
    }
    let _ = env;
    let response = Response::new();
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(response
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", CONTRACT_VERSION))
}
