//! Owner messages: configuration, pause, ownership.

use cosmwasm_std::{Api, DepsMut, Env, MessageInfo, Response};
use restake_types::{OwnershipAction, SlashDestination, UpdateConfigMsg};

use crate::error::{nonpayable, ContractError};
use crate::state::books::Books;
use crate::state::Destination;
use crate::validate;

pub fn destination(api: &dyn Api, d: SlashDestination) -> Result<Destination, ContractError> {
    Ok(match d {
        SlashDestination::Burn {} => Destination::Burn,
        SlashDestination::CommunityPool {} => Destination::CommunityPool,
        SlashDestination::Address { address } => {
            Destination::Address(validate::addr(api, "slash_destination", &address)?)
        }
    })
}

pub fn destination_msg(d: &Destination) -> SlashDestination {
    match d {
        Destination::Burn => SlashDestination::Burn {},
        Destination::CommunityPool => SlashDestination::CommunityPool {},
        Destination::Address(a) => SlashDestination::Address {
            address: a.to_string(),
        },
    }
}

pub fn update_config(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    msg: UpdateConfigMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let slash_destination = msg
        .slash_destination
        .map(|d| destination(deps.api, d))
        .transpose()?;
    let mut books = Books::open(deps.storage, env)?;
    let c = &mut books.config;
    let mut changed = vec![];
    macro_rules! set {
        ($field:ident) => {
            if let Some(v) = msg.$field {
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
    set!(max_open_votes);
    if let Some(d) = slash_destination {
        c.slash_destination = d;
        changed.push("slash_destination");
    }
    if changed.is_empty() {
        return Err(ContractError::NothingToUpdate {
            message: "update_config".into(),
        });
    }
    validate::config(&books.config)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("updated", changed.join(",")))
}

pub fn set_paused(
    deps: DepsMut,
    env: &Env,
    info: MessageInfo,
    paused: bool,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut books = Books::open(deps.storage, env)?;
    books.config.paused = paused;
    books.finish()?;
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
