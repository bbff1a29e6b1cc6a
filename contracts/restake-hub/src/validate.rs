//! Checks of user input that several handlers share: addresses, validator addresses, id
//! lists, durations and the configuration.

use cosmwasm_std::{Addr, Api, CanonicalAddr};

use crate::error::{ConfigProblem, ContractError};
use crate::state::Config;

/// Longest duration accepted anywhere (100 years): times stay far from overflowing.
pub const MAX_DURATION: u64 = 100 * 365 * 24 * 3600;

/// Default upper bound of a service's veto window: a week. A slash request can hold an exit
/// that became ready just after it was opened for at most this long.
pub const DEFAULT_MAX_VETO_PERIOD: u64 = 7 * 24 * 3600;

/// Validates an address given by a user (refusing upper-case and foreign prefixes).
pub fn addr(api: &dyn Api, field: &str, value: &str) -> Result<Addr, ContractError> {
    api.addr_validate(value)
        .map_err(|e| ContractError::InvalidAddress {
            field: field.to_string(),
            address: value.to_string(),
            reason: e.to_string(),
        })
}

/// The canonical bytes of a validated address (the key of its records).
pub fn canonical(api: &dyn Api, addr: &Addr) -> Result<CanonicalAddr, ContractError> {
    Ok(api.addr_canonicalize(addr.as_str())?)
}

/// The one form of a validator operator address the hub keeps books under.
///
/// Bech32 accepts an address in all upper case as well as in all lower case, and the
/// staking module takes both, so `COSMOSVALOPER1…` and `cosmosvaloper1…` name the same
/// validator: the hub keeps the lower-case form. Mixed case is not bech32 and is refused.
pub fn validator(value: &str) -> Result<String, ContractError> {
    let refuse = |reason: &str| ContractError::InvalidValidator {
        validator: value.to_string(),
        reason: reason.to_string(),
    };
    if value.is_empty() || value.len() > 128 {
        return Err(refuse("expected a validator operator address"));
    }
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    if has_upper && has_lower {
        return Err(refuse("mixed upper and lower case is not a bech32 address"));
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(refuse("expected a validator operator address"));
    }
    Ok(value.to_ascii_lowercase())
}

/// Refuses an empty list or a repeated id.
pub fn ids(field: &str, ids: &[u64]) -> Result<(), ContractError> {
    if ids.is_empty() {
        return Err(ContractError::EmptyList {
            field: field.to_string(),
        });
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(ContractError::Duplicate {
                field: "service id".into(),
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

/// Refuses a duration above [`MAX_DURATION`].
pub fn duration(field: &str, seconds: u64) -> Result<(), ContractError> {
    if seconds > MAX_DURATION {
        return Err(ContractError::DurationTooLong {
            field: field.to_string(),
            seconds,
            max: MAX_DURATION,
        });
    }
    Ok(())
}

/// Refuses settings that would break the hub.
pub fn config(c: &Config) -> Result<(), ContractError> {
    duration("unbonding_period", c.unbonding_period)?;
    duration("unbonding_epoch", c.unbonding_epoch)?;
    duration("max_veto_period", c.max_veto_period)?;
    let invalid = |field: &'static str, problem: ConfigProblem| ContractError::InvalidConfig {
        field,
        problem,
    };
    if c.unbonding_period == 0 {
        return Err(invalid("unbonding_period", ConfigProblem::Zero));
    }
    if c.unbonding_epoch == 0 {
        return Err(invalid("unbonding_epoch", ConfigProblem::Zero));
    }
    // Seven batches per unbonding period at most: the chain's entry limit.
    if c.unbonding_epoch.saturating_mul(7) < c.unbonding_period {
        return Err(invalid(
            "unbonding_epoch",
            ConfigProblem::EpochTooShort {
                min_epoch: c.unbonding_period.div_ceil(7),
            },
        ));
    }
    if c.min_deposit.is_zero() {
        return Err(invalid("min_deposit", ConfigProblem::BelowOne));
    }
    for (field, v, max) in [
        ("max_services_per_position", c.max_services_per_position, 32),
        ("max_reward_assets", c.max_reward_assets, 32),
        ("max_pools_per_validator", c.max_pools_per_validator, 256),
        ("max_open_votes", c.max_open_votes, 64),
    ] {
        if v == 0 {
            return Err(invalid(field, ConfigProblem::BelowOne));
        }
        if v > max {
            return Err(invalid(field, ConfigProblem::AboveMax { max }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_addresses_have_one_form() {
        let lower = "cosmosvaloper1abc2def";
        assert_eq!(validator(lower).unwrap(), lower);
        assert_eq!(validator(&lower.to_ascii_uppercase()).unwrap(), lower);
        assert!(validator("cosmosValoper1abc").is_err());
        assert!(validator("").is_err());
        assert!(validator("cosmos valoper").is_err());
    }
}
