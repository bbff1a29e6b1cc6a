//! Talking to the hub: the messages a service sends, the query it reads, and the
//! attributes it reads back from the hub's events in a reply.

use cosmwasm_std::{
    to_json_binary, Addr, Coin, CosmosMsg, Deps, DepsMut, Env, Event, Reply, Response, StdResult,
    WasmMsg,
};
use restake_types::{ExecuteMsg as HubExecuteMsg, QueryMsg as HubQueryMsg, ServiceResponse};

use crate::error::ContractError;
use crate::state::{CONFIG, SERVICE_ID};

/// Reply id of the hub's `register_service` sent at instantiation. A `slash` sent for a
/// proposal uses the proposal's id (from 1) as its reply id, so the reply needs no state and
/// no `payload` (which chains before CosmWasm 2.0 drop).
pub const REGISTER_REPLY: u64 = 0;

/// A message to the hub, with funds (only `distribute_rewards` takes any).
pub fn hub_msg(hub: &Addr, msg: &HubExecuteMsg, funds: Vec<Coin>) -> StdResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: hub.to_string(),
        msg: to_json_binary(msg)?,
        funds,
    }
    .into())
}

/// The hub's record of this service (status, `max_slash`, `total_stake`, ...).
pub fn service(deps: Deps, hub: &Addr, service_id: u64) -> StdResult<ServiceResponse> {
    deps.querier
        .query_wasm_smart(hub, &HubQueryMsg::Service { service_id })
}

/// The value of attribute `key` in the hub's own `wasm` event among a submessage's events
/// (the submessage may have produced events of other contracts and modules too).
pub fn hub_attribute(events: &[Event], hub: &Addr, key: &str) -> Option<String> {
    events
        .iter()
        .filter(|e| {
            e.ty == "wasm"
                && e.attributes
                    .iter()
                    .any(|a| a.key == "_contract_address" && a.value == hub.as_str())
        })
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// Reads `key` as a u64 from the hub's event in a successful reply.
pub fn reply_id(reply: Reply, hub: &Addr, key: &str) -> Result<u64, ContractError> {
    let missing = || ContractError::MissingReplyAttribute {
        key: key.to_string(),
    };
    // reply_on_success: an error never reaches the reply entry point.
    let response = reply.result.into_result().map_err(|_| missing())?;
    hub_attribute(&response.events, hub, key)
        .and_then(|v| v.parse().ok())
        .ok_or_else(missing)
}

/// Registration reply: stores the hub's new `service_id`.
pub fn on_register(deps: DepsMut, _env: Env, reply: Reply) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let service_id = reply_id(reply, &config.hub, "service_id")?;
    SERVICE_ID.save(deps.storage, &service_id)?;
    Ok(Response::new()
        .add_attribute("action", "registered")
        .add_attribute("hub", config.hub)
        .add_attribute("service_id", service_id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Binary, SubMsgResponse, SubMsgResult};

    fn wasm_event(contract: &str, attrs: &[(&str, &str)]) -> Event {
        Event::new("wasm")
            .add_attribute("_contract_address", contract)
            .add_attributes(attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[allow(deprecated)]
    fn reply(events: Vec<Event>) -> Reply {
        Reply {
            id: REGISTER_REPLY,
            payload: Binary::default(),
            gas_used: 0,
            result: SubMsgResult::Ok(SubMsgResponse {
                events,
                data: None,
                msg_responses: vec![],
            }),
        }
    }

    #[test]
    fn reads_the_hubs_attribute_and_ignores_other_contracts() {
        let hub = Addr::unchecked("hub");
        let events = vec![
            Event::new("execute").add_attribute("_contract_address", "hub"),
            // a contract the hub called, with an attribute of the same name
            wasm_event("token", &[("service_id", "99")]),
            wasm_event(
                "hub",
                &[("action", "register_service"), ("service_id", "7")],
            ),
        ];
        assert_eq!(
            hub_attribute(&events, &hub, "service_id").as_deref(),
            Some("7")
        );
        assert_eq!(reply_id(reply(events.clone()), &hub, "service_id"), Ok(7));
        assert_eq!(
            reply_id(reply(events), &hub, "slash_id"),
            Err(ContractError::MissingReplyAttribute {
                key: "slash_id".into()
            })
        );
        let not_a_number = vec![wasm_event("hub", &[("service_id", "x")])];
        assert!(reply_id(reply(not_a_number), &hub, "service_id").is_err());
    }
}
