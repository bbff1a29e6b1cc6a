//! Delegator proxies: one small instance of this same code per validator, instantiated by
//! the hub, holding the hub's delegation on that validator.
//!
//! Why: the tokens a validator's undelegations return land in its proxy's account, where no
//! other validator's returns arrive, so each validator's batches settle from what that
//! validator returned (see `unbonding::settle`). The proxy's reward withdrawal address is
//! the hub, so native staking rewards still arrive in the hub's account directly.
//!
//! A proxy runs only [`ProxyAction`]s sent by its hub; it refuses everything else.

use cosmwasm_std::{
    Coin, DepsMut, DistributionMsg, Env, MessageInfo, Reply, Response, StakingMsg, Storage,
    SubMsgResult,
};
use restake_types::ProxyAction;

use crate::chain::{action_msgs, Chain};
use crate::deposit::NewProxy;
use crate::error::{ContractError, Guarded, Role};
use crate::state::books::{load, save, Books, Store};
use crate::state::codec::from_bytes;
use crate::state::{keys, Delegator, ProxyState};

/// The proxy's state, if this instance is a proxy.
pub fn state(store: &dyn Storage) -> Result<Option<ProxyState>, ContractError> {
    Ok(load(&Store::Read(store), &keys::proxy())?)
}

/// Instantiates a proxy for `validator`: the sender is its hub; the funds it comes with are
/// delegated (or, tokenized shares, redeemed).
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    save(
        deps.storage,
        &keys::proxy(),
        &ProxyState {
            hub: info.sender.clone(),
            validator: validator.clone(),
        },
    );
    let mut response = Response::new()
        .add_message(DistributionMsg::SetWithdrawAddress {
            address: info.sender.to_string(),
        })
        .add_attribute("action", "instantiate_proxy")
        .add_attribute("hub", &info.sender)
        .add_attribute("validator", &validator);
    let bonded_denom = deps.querier.query_bonded_denom()?;
    let me = env.contract.address;
    for amount in info
        .funds
        .into_iter()
        .filter(|c: &Coin| !c.amount.is_zero())
    {
        if amount.denom == bonded_denom {
            response = response.add_message(StakingMsg::Delegate {
                validator: validator.clone(),
                amount,
            });
        } else {
            // Tokenized shares of its validator, deposited with the hub's first deposit on it.
            let redeem = ProxyAction::RedeemShares { amount };
            let hub = info.sender.clone();
            response = response.add_submessages(action_msgs(&me, &validator, &hub, vec![redeem]));
        }
    }
    Ok(response)
}

/// Runs the hub's actions.
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    actions: Vec<ProxyAction>,
) -> Result<Response, ContractError> {
    let state = state(deps.storage)?.ok_or(ContractError::NotAProxy)?;
    if info.sender != state.hub {
        return Err(ContractError::unauthorized(
            Guarded::RunProxy,
            Role::ProxyHub,
        ));
    }
    Ok(Response::new()
        .add_submessages(action_msgs(
            &env.contract.address,
            &state.validator,
            &state.hub,
            actions,
        ))
        .add_attribute("action", "proxy")
        .add_attribute("validator", state.validator))
}

/// The reply to the hub when a proxy was instantiated: records its address (and credits a
/// share deposit the proxy redeemed while being instantiated).
pub fn created(deps: DepsMut, env: Env, reply: &Reply) -> Result<Response, ContractError> {
    let bad = |missing: &str| ContractError::BadReply {
        what: "a delegator proxy's instantiation".into(),
        missing: missing.into(),
    };
    let SubMsgResult::Ok(result) = &reply.result else {
        // Only asked for on success; a failure fails the message.
        return Err(bad("its result"));
    };
    let new: NewProxy = from_bytes(&reply.payload).map_err(|_| bad("its payload"))?;
    let vid = new.vid;
    // wasmd 0.50+ answers with the message's response (no events); older chains in `data`.
    #[allow(deprecated)]
    let from_response = result
        .msg_responses
        .iter()
        .filter(|r| r.type_url.ends_with("MsgInstantiateContractResponse"))
        .map(|r| r.value.clone())
        .chain(result.data.clone())
        .find_map(|bytes| cw_utils::parse_instantiate_response_data(&bytes).ok())
        .map(|r| r.contract_address);
    let address = from_response
        .or_else(|| {
            result
                .events
                .iter()
                .filter(|e| e.ty == "instantiate")
                .flat_map(|e| e.attributes.iter())
                .find(|a| a.key == "_contract_address")
                .map(|a| a.value.clone())
        })
        .ok_or_else(|| bad("the new contract's address"))?;
    let proxy = deps.api.addr_validate(&address)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    books.validator_info(vid)?.delegator = Delegator::Proxy(proxy.clone());
    // The depositor's open votes were counted on this validator with the deposit, before the
    // proxy existed to cast them.
    let votes = match &new.voter {
        Some(voter) => {
            let voter = crate::validate::canonical(deps.api, voter)?;
            books.cast_open_votes(&chain, &voter, vid)?
        }
        None => vec![],
    };
    books.finish()?;
    let response = match new.shares {
        Some(d) => crate::liquid::finish_share_deposit(deps, &env, d)?,
        None => Response::new().add_submessages(votes),
    };
    Ok(response
        .add_attribute("action", "proxy_created")
        .add_attribute("proxy", proxy))
}
