//! Owner messages: configuration, pause, ownership.

use crate::error::nonpayable;
use cosmwasm_std::{Api, DepsMut, Env, MessageInfo, Response, Uint128};
use restake_types::{OwnershipAction, SlashDestination};

use crate::error::ContractError;
use crate::services::addr;
use crate::state::*;

pub fn destination(api: &dyn Api, d: SlashDestination) -> Result<Destination, ContractError> {
    Ok(match d {
        SlashDestination::Burn {} => Destination::Burn,
        SlashDestination::CommunityPool {} => Destination::CommunityPool,
        SlashDestination::Address { address } => {
            Destination::Address(addr(api, "slash_destination", &address)?)
        }
    })
}

/// Longest duration accepted anywhere (100 years): times stay far from overflowing.
pub const MAX_DURATION: u64 = 100 * 365 * 24 * 3600;

/// Refuses a duration above `MAX_DURATION`.
pub fn check_duration(field: &str, seconds: u64) -> Result<(), ContractError> {
    if seconds > MAX_DURATION {
        return Err(ContractError::invalid(
            field,
            format!("{seconds} seconds is longer than the {MAX_DURATION} (100 years) allowed"),
        ));
    }
    Ok(())
}

/// Refuses settings that would break the hub.
pub fn check_config(c: &Config) -> Result<(), ContractError> {
    check_duration("unbonding_period", c.unbonding_period)?;
    check_duration("unbonding_epoch", c.unbonding_epoch)?;
    check_duration("max_veto_period", c.max_veto_period)?;
    if c.unbonding_period == 0 {
        return Err(ContractError::invalid(
            "unbonding_period",
            "must be greater than 0",
        ));
    }
    if c.unbonding_epoch == 0 {
        return Err(ContractError::invalid(
            "unbonding_epoch",
            "must be greater than 0",
        ));
    }
    // Seven batches per unbonding period at most: the chain's entry limit.
    if c.unbonding_epoch.saturating_mul(7) < c.unbonding_period {
        return Err(ContractError::invalid(
            "unbonding_epoch",
            format!(
                "must be at least unbonding_period / 7 ({}s) so the hub never exceeds 7 unbonding entries per validator",
                c.unbonding_period.div_ceil(7)
            ),
        ));
    }
    if c.min_deposit.is_zero() {
        return Err(ContractError::invalid("min_deposit", "must be at least 1"));
    }
    for (field, v) in [
        ("max_services_per_position", c.max_services_per_position),
        ("max_reward_assets", c.max_reward_assets),
        ("max_pools_per_validator", c.max_pools_per_validator),
    ] {
        if v == 0 {
            return Err(ContractError::invalid(field, "must be at least 1"));
        }
    }
    if c.max_services_per_position > 32 {
        return Err(ContractError::invalid(
            "max_services_per_position",
            "at most 32",
        ));
    }
    if c.max_reward_assets > 32 {
        return Err(ContractError::invalid("max_reward_assets", "at most 32"));
    }
    if c.max_pools_per_validator > 256 {
        return Err(ContractError::invalid(
            "max_pools_per_validator",
            "at most 256",
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    unbonding_period: Option<u64>,
    unbonding_epoch: Option<u64>,
    min_deposit: Option<Uint128>,
    max_services_per_position: Option<u32>,
    max_veto_period: Option<u64>,
    max_reward_assets: Option<u32>,
    max_pools_per_validator: Option<u32>,
    slash_destination: Option<SlashDestination>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut c = CONFIG.load(deps.storage)?;
    let mut changed = vec![];
    macro_rules! set {
        ($field:ident) => {
            if let Some(v) = $field {
                c.$field = v;
                changed.push(stringify!($field));
            }
        };
    }
    set!(unbonding_period);
    set!(unbonding_epoch);
    set!(min_deposit);
    set!(max_services_per_position);
    set!(max_veto_period);
    set!(max_reward_assets);
    set!(max_pools_per_validator);
    if let Some(d) = slash_destination {
        c.slash_destination = destination(deps.api, d)?;
        changed.push("slash_destination");
    }
    if changed.is_empty() {
        return Err(ContractError::invalid(
            "update_config",
            "no field to update",
        ));
    }
    check_config(&c)?;
    CONFIG.save(deps.storage, &c)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("updated", changed.join(",")))
}

pub fn set_paused(
    deps: DepsMut,
    info: MessageInfo,
    paused: bool,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    CONFIG.update(deps.storage, |mut c| -> Result<_, ContractError> {
        c.paused = paused;
        Ok(c)
    })?;
    Ok(Response::new().add_attribute("action", if paused { "pause" } else { "unpause" }))
}

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: OwnershipAction,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action.into())?;
    Ok(Response::new()
        .add_attribute("action", "update_ownership")
        .add_attributes(ownership.into_attributes()))
}
