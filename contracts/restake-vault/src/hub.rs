//! Talking to the hub through its public interface only (INTERFACE.md), as any third party
//! would: the messages the vault sends, the queries it reads, the attributes it reads back
//! from the hub's events in a reply.

use cosmwasm_std::{
    to_json_binary, Addr, Coin, CosmosMsg, Deps, Event, StdResult, SubMsgResponse, Uint128, WasmMsg,
};
use restake_types::{
    ConfigResponse as HubConfig, ExecuteMsg as HubMsg, PendingRewardsResponse, PositionResponse,
    QueryMsg as HubQuery, ServiceResponse, SlashRequestResponse, SlashRequestsResponse,
    SlashStatus, UnbondingResponse, UnbondingsResponse, ValidatorResponse,
};

use crate::error::ContractError;

/// Most pending slash requests the vault reads per (service, validator); one page of the
/// hub's `slash_requests`. More than this and deposits wait (the vault cannot price them).
pub const MAX_PENDING_READ: u32 = 30;

/// A message to the hub.
pub fn msg(hub: &Addr, msg: &HubMsg, funds: Vec<Coin>) -> StdResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: hub.to_string(),
        msg: to_json_binary(msg)?,
        funds,
    }
    .into())
}

/// Read-only access to the hub and the chain, for the vault's own address.
pub struct HubView<'a> {
    pub deps: Deps<'a>,
    pub hub: &'a Addr,
    pub me: &'a Addr,
}

impl<'a> HubView<'a> {
    pub fn new(deps: Deps<'a>, hub: &'a Addr, me: &'a Addr) -> Self {
        HubView { deps, hub, me }
    }

    fn query<T: serde::de::DeserializeOwned>(&self, q: &HubQuery) -> StdResult<T> {
        self.deps.querier.query_wasm_smart(self.hub, q)
    }

    pub fn config(&self) -> StdResult<HubConfig> {
        self.query(&HubQuery::Config {})
    }

    pub fn service(&self, service_id: u64) -> StdResult<ServiceResponse> {
        self.query(&HubQuery::Service { service_id })
    }

    pub fn position(&self, validator: &str) -> StdResult<PositionResponse> {
        self.query(&HubQuery::Position {
            staker: self.me.to_string(),
            validator: validator.to_string(),
        })
    }

    pub fn validator_books(&self, validator: &str) -> StdResult<ValidatorResponse> {
        self.query(&HubQuery::Validator {
            validator: validator.to_string(),
        })
    }

    /// Every unbonding of the vault at the hub (the hub lists them whole).
    pub fn unbondings(&self) -> StdResult<Vec<UnbondingResponse>> {
        let r: UnbondingsResponse = self.query(&HubQuery::Unbondings {
            staker: self.me.to_string(),
            start_after: None,
            limit: None,
        })?;
        Ok(r.unbondings)
    }

    pub fn pending_rewards(&self) -> StdResult<PendingRewardsResponse> {
        self.query(&HubQuery::PendingRewards {
            staker: self.me.to_string(),
        })
    }

    /// Pending slash requests of `service_id` against `validator` (one page).
    pub fn pending_slashes(
        &self,
        service_id: u64,
        validator: &str,
    ) -> StdResult<Vec<SlashRequestResponse>> {
        let r: SlashRequestsResponse = self.query(&HubQuery::SlashRequests {
            service_id: Some(service_id),
            validator: Some(validator.to_string()),
            status: Some(SlashStatus::Pending),
            start_after: None,
            limit: Some(MAX_PENDING_READ),
        })?;
        Ok(r.slash_requests)
    }

    /// Slash requests of `service_id` after `cursor`, any status (one page).
    pub fn slashes_after(
        &self,
        service_id: u64,
        cursor: u64,
    ) -> StdResult<Vec<SlashRequestResponse>> {
        let r: SlashRequestsResponse = self.query(&HubQuery::SlashRequests {
            service_id: Some(service_id),
            validator: None,
            status: None,
            start_after: Some(cursor),
            limit: Some(MAX_PENDING_READ),
        })?;
        Ok(r.slash_requests)
    }

    pub fn slash_request(&self, slash_id: u64) -> StdResult<SlashRequestResponse> {
        self.query(&HubQuery::SlashRequest { slash_id })
    }

    /// The hub's delegation on `validator` as the chain shows it (after chain slashing).
    /// Since v0.2 the hub holds each validator's delegation in its own delegator proxy, named
    /// by the hub's `validator` query (`delegator`); a v0.1 hub delegated from its own address.
    pub fn chain_delegation(&self, books: &ValidatorResponse) -> StdResult<Uint128> {
        let Some(delegator) = books.delegator.as_ref() else {
            return Ok(Uint128::zero());
        };
        Ok(self
            .deps
            .querier
            .query_delegation(delegator, &books.validator)?
            .map(|d| d.amount.amount)
            .unwrap_or_default())
    }
}

/// Whether the hub would take a deposit for `validator`: the hub's own test since v0.2, the
/// chain's bonded set (`AllValidators` leaves out jailed and unbonded validators), so a
/// deposit the vault routes is never refused for the validator's state.
pub fn is_bonded(deps: Deps, validator: &str) -> bool {
    deps.querier
        .query_all_validators()
        .map(|all| {
            all.iter()
                .any(|v| v.address.eq_ignore_ascii_case(validator))
        })
        .unwrap_or(false)
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

/// Attribute `key` of the hub's event in a successful submessage response.
pub fn required_attribute(
    response: &SubMsgResponse,
    hub: &Addr,
    key: &str,
) -> Result<String, ContractError> {
    hub_attribute(&response.events, hub, key).ok_or_else(|| ContractError::MissingReplyAttribute {
        key: key.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_hubs_attribute_and_ignores_other_contracts() {
        let hub = Addr::unchecked("hub");
        let events = vec![
            Event::new("wasm")
                .add_attribute("_contract_address", "token")
                .add_attribute("unbonding_id", "99"),
            Event::new("wasm")
                .add_attribute("_contract_address", "hub")
                .add_attribute("action", "unbond")
                .add_attribute("unbonding_id", "7"),
        ];
        assert_eq!(
            hub_attribute(&events, &hub, "unbonding_id").as_deref(),
            Some("7")
        );
        assert_eq!(hub_attribute(&events, &hub, "batch_id"), None);
    }
}
