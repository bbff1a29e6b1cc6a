//! Migration with cw2 version checks: the same contract only, never to an older version,
//! never twice to the same one.

use cosmwasm_std::{DepsMut, Env, Response};
use semver::Version;

use crate::error::ContractError;
use crate::msg::MigrateMsg;

/// Name stored by cw2 and checked on migration.
pub const CONTRACT_NAME: &str = "crates.io:restake-vault";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME {
        return Err(ContractError::WrongContract {
            expected: CONTRACT_NAME.to_string(),
            found: stored.contract,
        });
    }
    let parse = |v: &str| {
        Version::parse(v).map_err(|e| ContractError::invalid("version", format!("{v}: {e}")))
    };
    let from = parse(&stored.version)?;
    let to = parse(CONTRACT_VERSION)?;
    if from > to {
        return Err(ContractError::Downgrade {
            from: stored.version,
            to: CONTRACT_VERSION.to_string(),
        });
    }
    if from == to {
        return Err(ContractError::AlreadyMigrated {
            version: stored.version,
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", to.to_string()))
}
