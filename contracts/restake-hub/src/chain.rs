//! Talking to the chain: the messages the hub sends (through the delegator of each
//! validator) and the standard queries it reads. No accounting happens here.
//!
//! Only CosmWasm's standard queries are used — bank balance, bonded denom, the bonded
//! validator set, a delegation with its accumulated rewards, contract info — because the
//! Cosmos Hub refuses every Stargate and gRPC query from contracts.

use cosmwasm_std::{
    coin, to_json_binary, Addr, BankMsg, Binary, Coin, CosmosMsg, DistributionMsg, Env, GovMsg,
    QuerierWrapper, StakingMsg, SubMsg, Uint128, WasmMsg,
};
use restake_types::{InstantiateMsg, ProxyAction, VoteOption, WeightedVote};

use crate::error::ContractError;
use crate::state::{Delegator, Destination, PROXY_CREATED_REPLY_ID, TOKENIZED_REPLY_ID};

/// `{"proxy":{"actions":[...]}}`, the one `ExecuteMsg` the hub sends (serialized on its own
/// so the wasm does not carry the serializer of every message).
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum ProxyCall<'a> {
    Proxy { actions: &'a [ProxyAction] },
}

/// The chain as a handler sees it: its queries and the block.
pub struct Chain<'a> {
    pub querier: QuerierWrapper<'a>,
    pub env: &'a Env,
}

impl Chain<'_> {
    pub fn hub(&self) -> &Addr {
        &self.env.contract.address
    }

    pub fn now(&self) -> u64 {
        self.env.block.time.seconds()
    }

    /// A delegation of `delegator` on `validator`: (tokens, non-zero accumulated rewards).
    pub fn delegation(
        &self,
        delegator: &Addr,
        validator: &str,
    ) -> Result<(Uint128, Vec<Coin>), ContractError> {
        Ok(match self.querier.query_delegation(delegator, validator)? {
            Some(d) => (
                d.amount.amount,
                d.accumulated_rewards
                    .into_iter()
                    .filter(|c| !c.amount.is_zero())
                    .collect(),
            ),
            None => (Uint128::zero(), vec![]),
        })
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> Result<Uint128, ContractError> {
        Ok(self.querier.query_balance(who, denom)?.amount)
    }

    /// Whether the chain lists `validator` among its bonded validators (the active set,
    /// which leaves out jailed and unbonded validators).
    pub fn is_bonded(&self, validator: &str) -> Result<bool, ContractError> {
        Ok(self
            .querier
            .query_all_validators()?
            .iter()
            .any(|v| v.address.eq_ignore_ascii_case(validator)))
    }

    /// The code id of this contract (a delegator proxy is another instance of it).
    pub fn own_code_id(&self) -> Result<u64, ContractError> {
        Ok(self.querier.query_wasm_contract_info(self.hub())?.code_id)
    }
}

/// The chain messages that carry out `actions` on `validator` for `delegator` (the
/// account running them): sent by the hub itself when it delegates from its own account, or
/// run by the validator's proxy.
pub fn action_msgs(
    delegator: &Addr,
    validator: &str,
    hub: &Addr,
    actions: Vec<ProxyAction>,
) -> Vec<SubMsg> {
    actions
        .into_iter()
        .map(|a| {
            if let Some(sub) = liquid_submsg(delegator, validator, &a) {
                return sub;
            }
            SubMsg::new(plain_msg(validator, hub, a))
        })
        .collect()
}

fn plain_msg(validator: &str, hub: &Addr, a: ProxyAction) -> CosmosMsg {
    match a {
        ProxyAction::WithdrawRewards {} => DistributionMsg::WithdrawDelegatorReward {
            validator: validator.to_string(),
        }
        .into(),
        ProxyAction::Delegate { amount } => StakingMsg::Delegate {
            validator: validator.to_string(),
            amount,
        }
        .into(),
        ProxyAction::Undelegate { amount } => StakingMsg::Undelegate {
            validator: validator.to_string(),
            amount,
        }
        .into(),
        ProxyAction::SendToHub { amount } => BankMsg::Send {
            to_address: hub.to_string(),
            amount,
        }
        .into(),
        // (sent as submessages by `action_msgs`)
        ProxyAction::RedeemShares { amount } => redeem_msg(hub, &amount),
        ProxyAction::TokenizeShares { amount, owner } => {
            tokenize_msg(hub, validator, &amount, &owner)
        }
        ProxyAction::Vote {
            proposal_id,
            options,
        } => vote_msg(proposal_id, &options).into(),
    }
}

/// Runs `actions` on `validator` through its delegator, with `funds` for a delegation.
pub fn run(
    delegator: &Delegator,
    validator: &str,
    hub: &Addr,
    actions: Vec<ProxyAction>,
    funds: Vec<Coin>,
) -> Result<Vec<SubMsg>, ContractError> {
    if actions.is_empty() {
        return Ok(vec![]);
    }
    Ok(match delegator {
        Delegator::Hub => action_msgs(hub, validator, hub, actions),
        Delegator::Proxy(proxy) => vec![SubMsg::new(WasmMsg::Execute {
            contract_addr: proxy.to_string(),
            msg: to_json_binary(&ProxyCall::Proxy { actions: &actions })?,
            funds,
        })],
        // The proxy is instantiated in this message and delegates what it is given; it has
        // nothing else to do yet.
        Delegator::Pending => vec![],
    })
}

/// Instantiates the delegator proxy of `validator` (another instance of this code, with
/// the hub as its admin), handing it `funds` to delegate; the reply records its address.
pub fn create_proxy(
    code_id: u64,
    hub: &Addr,
    validator: &str,
    payload: Binary,
    funds: Vec<Coin>,
) -> Result<SubMsg, ContractError> {
    let msg = InstantiateMsg {
        delegator_for: Some(validator.to_string()),
        ..InstantiateMsg::new(0)
    };
    Ok(SubMsg::reply_on_success(
        WasmMsg::Instantiate {
            admin: Some(hub.to_string()),
            code_id,
            msg: to_json_binary(&msg)?,
            funds,
            label: format!("restake-hub delegator for {validator}"),
        },
        PROXY_CREATED_REPLY_ID,
    )
    .with_payload(payload))
}

/// Protobuf type of the Cosmos SDK's community-pool deposit.
pub const FUND_COMMUNITY_POOL: &str = "/cosmos.distribution.v1beta1.MsgFundCommunityPool";

/// Sends slashed tokens to the configured destination.
pub fn route_msg(hub: &Addr, destination: &Destination, amount: Coin) -> CosmosMsg {
    match destination {
        Destination::Burn => BankMsg::Burn {
            amount: vec![amount],
        }
        .into(),
        // Sent as the SDK message itself rather than `DistributionMsg::FundCommunityPool`,
        // which would make the contract require the cosmwasm_1_3 capability.
        #[allow(deprecated)]
        Destination::CommunityPool => CosmosMsg::Stargate {
            type_url: FUND_COMMUNITY_POOL.to_string(),
            value: fund_community_pool_proto(hub, &amount).into(),
        },
        Destination::Address(addr) => BankMsg::Send {
            to_address: addr.to_string(),
            amount: vec![amount],
        }
        .into(),
    }
}

pub fn coin_of(denom: &str, amount: Uint128) -> Coin {
    coin(amount.u128(), denom)
}

/// `MsgFundCommunityPool { amount: [coin], depositor }` in protobuf encoding.
pub fn fund_community_pool_proto(depositor: &Addr, coin: &Coin) -> Vec<u8> {
    let mut msg = vec![];
    proto_field(&mut msg, 1, &coin_proto(coin));
    proto_field(&mut msg, 2, depositor.as_bytes());
    msg
}

/// Appends a length-delimited protobuf field.
pub fn proto_field(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    out.push((field << 3) | 2);
    let mut len = bytes.len();
    while len >= 0x80 {
        out.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(bytes);
}

// ------------------------------------------------------------------ x/liquid and x/gov

/// Gaia's `x/liquid` messages (sent as protobuf: CosmWasm has no type for them).
pub const MSG_TOKENIZE_SHARES: &str = "/gaia.liquid.v1beta1.MsgTokenizeShares";
pub const MSG_REDEEM_TOKENS_FOR_SHARES: &str = "/gaia.liquid.v1beta1.MsgRedeemTokensForShares";

/// What a delegator proxy (or the hub, for validators it delegates from its own account)
/// sends for an x/liquid action, as a submessage whose reply `liquid::liquid_reply` reads
/// (tokenizing asks for one that forwards the shares); `None` for the other actions.
fn liquid_submsg(delegator: &Addr, validator: &str, action: &ProxyAction) -> Option<SubMsg> {
    match action {
        ProxyAction::RedeemShares { amount } => Some(
            SubMsg::reply_on_error(redeem_msg(delegator, amount), TOKENIZED_REPLY_ID)
                .with_payload(Binary::default()),
        ),
        ProxyAction::TokenizeShares { amount, owner } => Some(
            SubMsg::reply_always(
                tokenize_msg(delegator, validator, amount, owner),
                TOKENIZED_REPLY_ID,
            )
            .with_payload(Binary::new(owner.as_bytes().to_vec())),
        ),
        _ => None,
    }
}

/// `Coin { denom, amount }` in protobuf encoding.
pub fn coin_proto(c: &Coin) -> Vec<u8> {
    let mut out = vec![];
    proto_field(&mut out, 1, c.denom.as_bytes());
    proto_field(&mut out, 2, c.amount.to_string().as_bytes());
    out
}

/// `MsgTokenizeShares { delegator_address, validator_address, amount, tokenized_share_owner }`.
fn tokenize_msg(delegator: &Addr, validator: &str, amount: &Coin, owner: &str) -> CosmosMsg {
    let mut v = vec![];
    proto_field(&mut v, 1, delegator.as_bytes());
    proto_field(&mut v, 2, validator.as_bytes());
    proto_field(&mut v, 3, &coin_proto(amount));
    proto_field(&mut v, 4, owner.as_bytes());
    #[allow(deprecated)]
    CosmosMsg::Stargate {
        type_url: MSG_TOKENIZE_SHARES.into(),
        value: v.into(),
    }
}

/// `MsgRedeemTokensForShares { delegator_address, amount }`.
fn redeem_msg(delegator: &Addr, amount: &Coin) -> CosmosMsg {
    let mut v = vec![];
    proto_field(&mut v, 1, delegator.as_bytes());
    proto_field(&mut v, 2, &coin_proto(amount));
    #[allow(deprecated)]
    CosmosMsg::Stargate {
        type_url: MSG_REDEEM_TOKENS_FOR_SHARES.into(),
        value: v.into(),
    }
}

/// The chain's message for a weighted vote.
fn vote_msg(proposal_id: u64, options: &[WeightedVote]) -> GovMsg {
    GovMsg::VoteWeighted {
        proposal_id,
        options: options
            .iter()
            .map(|w| cosmwasm_std::WeightedVoteOption {
                option: match w.option {
                    VoteOption::Yes => cosmwasm_std::VoteOption::Yes,
                    VoteOption::No => cosmwasm_std::VoteOption::No,
                    VoteOption::Abstain => cosmwasm_std::VoteOption::Abstain,
                    VoteOption::NoWithVeto => cosmwasm_std::VoteOption::NoWithVeto,
                },
                weight: w.weight,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_pool_proto_matches_the_sdk_encoding() {
        // Encoded with cosmos-sdk-proto: MsgFundCommunityPool{amount:[{uatom,1000}],depositor:"cosmos1hub"}
        let bytes = fund_community_pool_proto(
            &Addr::unchecked("cosmos1hub"),
            &Coin::new(1000u128, "uatom"),
        );
        assert_eq!(
            bytes,
            [
                &[0x0a, 0x0d, 0x0a, 0x05][..],
                b"uatom",
                &[0x12, 0x04],
                b"1000",
                &[0x12, 0x0a],
                b"cosmos1hub",
            ]
            .concat()
        );
    }
}
