//! Migration with cw2 version checks: the same contract only, never to an older version.
//!
//! A v0.1 hub keeps another storage layout. Its conversion lives in its own small contract,
//! `restake-migrate-v0_1` (this crate's `legacy` module, built with the `migrate-v0_1`
//! feature), so the hub's wasm does not carry code it never runs again: a v0.1 hub migrates
//! to that code, then to this one — two `MsgMigrateContract` in one governance proposal
//! (docs/deploy.md).

use cosmwasm_std::{DepsMut, Env, Response};
use restake_types::{MigrateMsg, CONTRACT_NAME};

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
    let from = Version::parse(&stored.version)?;
    let to = Version::parse(CONTRACT_VERSION)?;
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

/// `major.minor.patch[-pre]`, ordered as semver orders them (a pre-release comes before its
/// release). Build metadata is not used by cw2 versions here.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    numbers: (u64, u64, u64),
    /// `None` (a release) sorts after any pre-release of the same numbers.
    release: Option<()>,
    pre: String,
}

impl Version {
    pub fn parse(v: &str) -> Result<Version, ContractError> {
        let bad = || ContractError::invalid("version", format!("{v} is not major.minor.patch"));
        let (core, pre) = match v.split_once('-') {
            Some((c, p)) if !p.is_empty() => (c, Some(p)),
            Some(_) => return Err(bad()),
            None => (v, None),
        };
        let mut parts = core.split('.').map(|p| p.parse::<u64>().map_err(|_| bad()));
        let numbers = (
            parts.next().ok_or_else(bad)??,
            parts.next().ok_or_else(bad)??,
            parts.next().ok_or_else(bad)??,
        );
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Version {
            numbers,
            release: pre.is_none().then_some(()),
            pre: pre.unwrap_or_default().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    #[test]
    fn versions_order_as_semver() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("0.1.0") < v("0.2.0-layout"));
        assert!(v("0.2.0-layout") < v("0.2.0"));
        assert!(v("0.2.0") < v("0.10.0"));
        assert!(v("0.2.0") == v("0.2.0"));
        assert!(Version::parse("0.2").is_err());
        assert!(Version::parse("x.1.2").is_err());
    }
}
