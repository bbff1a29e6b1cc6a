//! Talking to the hub: the messages a service sends, the query it reads, and the typed
//! response data it reads back in a reply (new ids, as `cw_utils` unwraps them).

use cosmwasm_std::{
    from_json, to_json_binary, Addr, Coin, CosmosMsg, Deps, DepsMut, Env, Reply, Response,
    StdResult, WasmMsg,
};
use cw_utils::parse_execute_response_data;
use restake_types::{
    ExecuteMsg as HubExecuteMsg, QueryMsg as HubQueryMsg, RegisterServiceResponse, ServiceResponse,
};
use serde::de::DeserializeOwned;

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

/// The hub's typed response data (`RegisterServiceResponse`, `SlashResponse`) in a
/// successful reply: the `MsgExecuteContractResponse` the chain wraps it in (in
/// `msg_responses` on CosmWasm 2 chains, in the deprecated `data` before), unwrapped with
/// cw-utils. `what` names the message in the error.
pub fn reply_data<T: DeserializeOwned>(reply: Reply, what: &str) -> Result<T, ContractError> {
    let missing = || ContractError::MissingReplyData {
        what: what.to_string(),
    };
    // reply_on_success: an error never reaches the reply entry point.
    let response = reply.result.into_result().map_err(|_| missing())?;
    #[allow(deprecated)]
    let wrapped = match response.msg_responses.first() {
        Some(r) => r.value.clone(),
        None => response.data.ok_or_else(missing)?,
    };
    let data = parse_execute_response_data(&wrapped)
        .map_err(|_| missing())?
        .data
        .ok_or_else(missing)?;
    from_json(&data).map_err(|_| missing())
}

/// Registration reply: stores the hub's new `service_id`.
pub fn on_register(deps: DepsMut, _env: Env, reply: Reply) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let RegisterServiceResponse { service_id } = reply_data(reply, "register_service")?;
    SERVICE_ID.save(deps.storage, &service_id)?;
    Ok(Response::new()
        .add_attribute("action", "registered")
        .add_attribute("hub", config.hub)
        .add_attribute("service_id", service_id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{to_json_binary, Binary, MsgResponse, SubMsgResponse, SubMsgResult};

    /// `MsgExecuteContractResponse { data }` as protobuf (field 1, bytes).
    fn wrap(data: &[u8]) -> Binary {
        let mut out = vec![0x0a, data.len() as u8];
        out.extend_from_slice(data);
        Binary::from(out)
    }

    #[allow(deprecated)]
    fn reply(data: Option<Binary>, msg_responses: Vec<MsgResponse>) -> Reply {
        Reply {
            id: REGISTER_REPLY,
            payload: Binary::default(),
            gas_used: 0,
            result: SubMsgResult::Ok(SubMsgResponse {
                events: vec![],
                data,
                msg_responses,
            }),
        }
    }

    #[test]
    fn reads_the_hubs_typed_data_on_cosmwasm_1_and_2_chains() {
        let data = to_json_binary(&RegisterServiceResponse { service_id: 7 }).unwrap();
        // CosmWasm 2: the wrapped response in msg_responses
        let v2 = reply(
            None,
            vec![MsgResponse {
                type_url: "/cosmwasm.wasm.v1.MsgExecuteContractResponse".into(),
                value: wrap(&data),
            }],
        );
        let got: RegisterServiceResponse = reply_data(v2, "register_service").unwrap();
        assert_eq!(got.service_id, 7);
        // before: the deprecated data field
        let v1 = reply(Some(wrap(&data)), vec![]);
        let got: RegisterServiceResponse = reply_data(v1, "register_service").unwrap();
        assert_eq!(got.service_id, 7);
        // no data: a clear error
        assert_eq!(
            reply_data::<RegisterServiceResponse>(reply(None, vec![]), "slash"),
            Err(ContractError::MissingReplyData {
                what: "slash".into()
            })
        );
    }
}
