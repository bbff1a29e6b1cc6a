//! Migration with cw2 version checks: the same contract only, never to an older version.
//! From 0.1 the storage layout is rewritten (see [`crate::legacy`]).

use cosmwasm_std::{DepsMut, Env, Response};
use restake_types::{MigrateMsg, CONTRACT_NAME};
use semver::Version;

use crate::error::ContractError;

pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn migrate(deps: DepsMut, env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
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
        // A migration applies once: replaying it is refused.
        return Err(ContractError::AlreadyMigrated {
            version: stored.version,
        });
    }
    let mut response = Response::new();
    if from < Version::new(0, 2, 0) {
        response = crate::legacy::migrate_from_v0_1(deps.storage, deps.api, &env)?;
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(response
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", to.to_string()))
}
