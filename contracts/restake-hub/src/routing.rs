//! Routing slashed tokens to the slash destination (burn, community pool or an address),
//! and what happens when the destination refuses them.

use cosmwasm_std::{Addr, Env, Reply, Response, Storage, SubMsg, SubMsgResult, Uint128};

use crate::chain::{coin_of, route_msg};
use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::codec::{from_bytes, payload, Pack};
use crate::state::{Destination, Stats, ROUTE_REPLY_ID};

pub fn destination_name(destination: &Destination) -> String {
    match destination {
        Destination::Burn => "burn".to_string(),
        Destination::CommunityPool => "community_pool".to_string(),
        Destination::Address(a) => a.to_string(),
    }
}

/// Adds (or, when a routing failed, removes) an amount to the per-destination statistics.
pub fn record_routed(stats: &mut Stats, destination: &Destination, amount: Uint128, add: bool) {
    let field = match destination {
        Destination::Burn => &mut stats.burned,
        Destination::CommunityPool => &mut stats.community_pool,
        Destination::Address(_) => &mut stats.to_address,
    };
    *field = if add {
        *field + amount
    } else {
        field.saturating_sub(amount)
    };
}

impl Books<'_> {
    /// Routes slashed tokens the hub holds to the slash destination, as a submessage whose
    /// failure (a destination the chain refuses) does not fail the message: the reply, which
    /// only comes on failure, keeps the tokens as unrouted for `process_unbondings` to retry.
    /// The amount rides in the submessage's payload.
    pub fn route(&mut self, hub: &Addr, amount: Uint128) -> Result<Option<SubMsg>, ContractError> {
        if amount.is_zero() {
            return Ok(None);
        }
        let destination = self.config.slash_destination.clone();
        self.totals()?.liquid_bonded = self.totals()?.liquid_bonded.checked_sub(amount)?;
        record_routed(self.stats()?, &destination, amount, true);
        let msg = route_msg(
            hub,
            &destination,
            coin_of(&self.config.bonded_denom, amount),
        );
        Ok(Some(
            SubMsg::reply_on_error(msg, ROUTE_REPLY_ID).with_payload(payload(&amount)),
        ))
    }
}

/// The error of a refused submessage and the payload the hub attached to it; `None` when
/// the submessage succeeded.
pub fn refused<T: Pack>(reply: &Reply, what: &str) -> Result<Option<(String, T)>, ContractError> {
    let SubMsgResult::Err(error) = &reply.result else {
        return Ok(None);
    };
    let payload = from_bytes::<T>(&reply.payload).map_err(|_| ContractError::BadReply {
        what: format!("{what} (refused: {error})"),
        missing: "its payload".to_string(),
    })?;
    Ok(Some((error.clone(), payload)))
}

/// The reply of a refused routing: the tokens stay in the hub as unrouted.
pub fn route_reply(
    store: &mut dyn Storage,
    env: &Env,
    reply: &Reply,
) -> Result<Response, ContractError> {
    let Some((error, amount)) = refused::<Uint128>(reply, "routing slashed tokens")? else {
        return Ok(Response::new());
    };
    let mut books = Books::open(store, env)?;
    let destination = books.config.slash_destination.clone();
    books.totals()?.liquid_bonded += amount;
    let stats = books.stats()?;
    record_routed(stats, &destination, amount, false);
    stats.unrouted += amount;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "route_slashed")
        .add_attribute("routing_failed", amount)
        .add_attribute("error", error))
}
