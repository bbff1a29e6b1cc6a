//! Messages as protobuf `Any`, ready for [`crate::Client::broadcast`].
//!
//! Types cosmrs lacks are defined here by hand from the chains' `.proto` files: Gaia's
//! `x/liquid` (gaia/liquid/v1beta1/tx.proto of gaia v25.1.1) and its queries.
//!
//! Why one file: each message is a few lines of protobuf plumbing, and the hand-written types
//! cosmrs lacks sit beside the messages that use them.

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::distribution::v1beta1::{
    MsgSetWithdrawAddress, MsgWithdrawDelegatorReward,
};
use cosmrs::proto::cosmos::gov::v1 as gov;
use cosmrs::proto::cosmos::staking::v1beta1 as staking;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use prost::Message;

use crate::error::{Error, Result};
use crate::types::{Coin, VoteOption};

/// Any message, encoded.
pub fn any<M: Message>(type_url: &str, msg: &M) -> Any {
    Any {
        type_url: type_url.to_string(),
        value: msg.encode_to_vec(),
    }
}

fn coins(c: &[Coin]) -> Vec<ProtoCoin> {
    c.iter().map(Coin::to_proto).collect()
}

/// A decimal string ("0.05", "1", "0.333") as `LegacyDec`'s protobuf form (× 10^18, no point).
pub fn legacy_dec(s: &str) -> Result<String> {
    Ok(decimal_atto(s)?.to_string())
}

/// A decimal string as an integer × 10^18.
pub fn decimal_atto(s: &str) -> Result<u128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 18 || int.is_empty() && frac.is_empty() {
        return Err(Error::invalid("decimal", s));
    }
    let digits = |d: &str| d.is_empty() || d.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return Err(Error::invalid("decimal", s));
    }
    let int: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|e| Error::invalid("decimal", e))?
    };
    let frac_padded = format!("{frac:0<18}");
    let frac: u128 = frac_padded
        .parse()
        .map_err(|e| Error::invalid("decimal", e))?;
    int.checked_mul(crate::types::DEC_ONE)
        .and_then(|v| v.checked_add(frac))
        .ok_or_else(|| Error::invalid("decimal", format!("{s} overflows")))
}

// ------------------------------------------------------------------------- bank, staking

pub fn bank_send(from: &str, to: &str, amount: &[Coin]) -> Any {
    any(
        "/cosmos.bank.v1beta1.MsgSend",
        &MsgSend {
            from_address: from.to_string(),
            to_address: to.to_string(),
            amount: coins(amount),
        },
    )
}

pub fn delegate(delegator: &str, validator: &str, amount: &Coin) -> Any {
    any(
        "/cosmos.staking.v1beta1.MsgDelegate",
        &staking::MsgDelegate {
            delegator_address: delegator.to_string(),
            validator_address: validator.to_string(),
            amount: Some(amount.to_proto()),
        },
    )
}

pub fn undelegate(delegator: &str, validator: &str, amount: &Coin) -> Any {
    any(
        "/cosmos.staking.v1beta1.MsgUndelegate",
        &staking::MsgUndelegate {
            delegator_address: delegator.to_string(),
            validator_address: validator.to_string(),
            amount: Some(amount.to_proto()),
        },
    )
}

pub fn redelegate(delegator: &str, from: &str, to: &str, amount: &Coin) -> Any {
    any(
        "/cosmos.staking.v1beta1.MsgBeginRedelegate",
        &staking::MsgBeginRedelegate {
            delegator_address: delegator.to_string(),
            validator_src_address: from.to_string(),
            validator_dst_address: to.to_string(),
            amount: Some(amount.to_proto()),
        },
    )
}

pub fn withdraw_rewards(delegator: &str, validator: &str) -> Any {
    any(
        "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
        &MsgWithdrawDelegatorReward {
            delegator_address: delegator.to_string(),
            validator_address: validator.to_string(),
        },
    )
}

pub fn set_withdraw_address(delegator: &str, withdraw_address: &str) -> Any {
    any(
        "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress",
        &MsgSetWithdrawAddress {
            delegator_address: delegator.to_string(),
            withdraw_address: withdraw_address.to_string(),
        },
    )
}

/// `MsgUnjail` for the validator operated by `valoper`.
pub fn unjail(valoper: &str) -> Any {
    #[derive(Clone, PartialEq, Message)]
    struct MsgUnjail {
        #[prost(string, tag = "1")]
        validator_addr: String,
    }
    any(
        "/cosmos.slashing.v1beta1.MsgUnjail",
        &MsgUnjail {
            validator_addr: valoper.to_string(),
        },
    )
}

/// `MsgCreateValidator` with an ed25519 consensus key given by its 32 public bytes.
/// Commission rates are decimal strings ("0.1").
#[allow(clippy::too_many_arguments)]
pub fn create_validator(
    valoper: &str,
    consensus_pubkey: [u8; 32],
    moniker: &str,
    self_bond: &Coin,
    rate: &str,
    max_rate: &str,
    max_change_rate: &str,
    min_self_delegation: u128,
) -> Result<Any> {
    let pubkey = any(
        "/cosmos.crypto.ed25519.PubKey",
        &cosmrs::proto::cosmos::crypto::ed25519::PubKey {
            key: consensus_pubkey.to_vec(),
        },
    );
    #[allow(deprecated)] // delegator_address: empty, as SDK 0.50 wants it
    let msg = staking::MsgCreateValidator {
        description: Some(staking::Description {
            moniker: moniker.to_string(),
            ..Default::default()
        }),
        commission: Some(staking::CommissionRates {
            rate: legacy_dec(rate)?,
            max_rate: legacy_dec(max_rate)?,
            max_change_rate: legacy_dec(max_change_rate)?,
        }),
        min_self_delegation: min_self_delegation.to_string(),
        delegator_address: String::new(),
        validator_address: valoper.to_string(),
        pubkey: Some(pubkey),
        value: Some(self_bond.to_proto()),
    };
    Ok(any("/cosmos.staking.v1beta1.MsgCreateValidator", &msg))
}

/// x/slashing `MsgUpdateParams` (for a governance proposal; `authority` = the gov module).
pub fn update_slashing_params(authority: &str, params: &crate::types::SlashingParams) -> Any {
    any(
        "/cosmos.slashing.v1beta1.MsgUpdateParams",
        &cosmrs::proto::cosmos::slashing::v1beta1::MsgUpdateParams {
            authority: authority.to_string(),
            params: Some(params.to_proto()),
        },
    )
}

// ------------------------------------------------------------------------- CosmWasm

/// `MsgStoreCode`, gzipped as `wasmd tx wasm store` sends it (wasmd unzips; a 700 kB wasm
/// becomes ~250 kB, under CometBFT's 1 MB `max_tx_bytes` and RPC body limits).
pub fn store_code(sender: &str, wasm_byte_code: &[u8]) -> Result<Any> {
    Ok(any(
        "/cosmwasm.wasm.v1.MsgStoreCode",
        &wasm::MsgStoreCode {
            sender: sender.to_string(),
            wasm_byte_code: gzip(wasm_byte_code)?,
            instantiate_permission: None,
        },
    ))
}

/// Gzips a wasm (a gzipped one is returned as is).
pub fn gzip(wasm: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    if wasm.starts_with(&[0x1f, 0x8b]) {
        return Ok(wasm.to_vec());
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(wasm).map_err(|e| Error::invalid("wasm", e))?;
    enc.finish().map_err(|e| Error::invalid("wasm", e))
}

pub fn instantiate(
    sender: &str,
    code_id: u64,
    msg_json: &str,
    label: &str,
    admin: Option<&str>,
    funds: &[Coin],
) -> Any {
    any(
        "/cosmwasm.wasm.v1.MsgInstantiateContract",
        &wasm::MsgInstantiateContract {
            sender: sender.to_string(),
            admin: admin.unwrap_or_default().to_string(),
            code_id,
            label: label.to_string(),
            msg: msg_json.as_bytes().to_vec(),
            funds: coins(funds),
        },
    )
}

pub fn execute(sender: &str, contract: &str, msg_json: &str, funds: &[Coin]) -> Any {
    any(
        "/cosmwasm.wasm.v1.MsgExecuteContract",
        &wasm::MsgExecuteContract {
            sender: sender.to_string(),
            contract: contract.to_string(),
            msg: msg_json.as_bytes().to_vec(),
            funds: coins(funds),
        },
    )
}

/// `MsgMigrateContract`: the contract's admin moves it to `code_id`, which runs `migrate`.
pub fn migrate(sender: &str, contract: &str, code_id: u64, msg_json: &str) -> Any {
    any(
        "/cosmwasm.wasm.v1.MsgMigrateContract",
        &wasm::MsgMigrateContract {
            sender: sender.to_string(),
            contract: contract.to_string(),
            code_id,
            msg: msg_json.as_bytes().to_vec(),
        },
    )
}

/// `MsgPinCodes`, for a governance proposal (`authority` = the gov module's address).
pub fn pin_codes(authority: &str, code_ids: &[u64]) -> Any {
    any(
        "/cosmwasm.wasm.v1.MsgPinCodes",
        &wasm::MsgPinCodes {
            authority: authority.to_string(),
            code_ids: code_ids.to_vec(),
        },
    )
}

// ------------------------------------------------------------------------- gov v1

pub fn submit_proposal(
    proposer: &str,
    messages: Vec<Any>,
    deposit: &[Coin],
    title: &str,
    summary: &str,
    expedited: bool,
) -> Any {
    any(
        "/cosmos.gov.v1.MsgSubmitProposal",
        &gov::MsgSubmitProposal {
            messages,
            initial_deposit: coins(deposit),
            proposer: proposer.to_string(),
            metadata: String::new(),
            title: title.to_string(),
            summary: summary.to_string(),
            expedited,
        },
    )
}

/// A proposal without messages (a "text" proposal): gov v1 then requires metadata.
pub fn text_proposal(
    proposer: &str,
    deposit: &[Coin],
    title: &str,
    summary: &str,
    metadata: &str,
) -> Any {
    any(
        "/cosmos.gov.v1.MsgSubmitProposal",
        &gov::MsgSubmitProposal {
            messages: vec![],
            initial_deposit: coins(deposit),
            proposer: proposer.to_string(),
            metadata: metadata.to_string(),
            title: title.to_string(),
            summary: summary.to_string(),
            expedited: false,
        },
    )
}

pub fn vote(voter: &str, proposal_id: u64, option: VoteOption) -> Any {
    any(
        "/cosmos.gov.v1.MsgVote",
        &gov::MsgVote {
            proposal_id,
            voter: voter.to_string(),
            option: option as i32,
            metadata: String::new(),
        },
    )
}

/// Weights are decimal strings summing to 1 ("0.7", "0.3").
pub fn vote_weighted(voter: &str, proposal_id: u64, options: &[(VoteOption, &str)]) -> Any {
    any(
        "/cosmos.gov.v1.MsgVoteWeighted",
        &gov::MsgVoteWeighted {
            proposal_id,
            voter: voter.to_string(),
            options: options
                .iter()
                .map(|(o, w)| gov::WeightedVoteOption {
                    option: *o as i32,
                    weight: w.to_string(),
                })
                .collect(),
            metadata: String::new(),
        },
    )
}

// ------------------------------------------------------------------------- Gaia x/liquid

/// gaia.liquid.v1beta1 protobuf types (gaia v25.1.1).
pub mod liquid {
    use super::ProtoCoin;
    use prost::Message;

    #[derive(Clone, PartialEq, Message)]
    pub struct MsgTokenizeShares {
        #[prost(string, tag = "1")]
        pub delegator_address: String,
        #[prost(string, tag = "2")]
        pub validator_address: String,
        #[prost(message, optional, tag = "3")]
        pub amount: Option<ProtoCoin>,
        #[prost(string, tag = "4")]
        pub tokenized_share_owner: String,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct MsgTokenizeSharesResponse {
        #[prost(message, optional, tag = "1")]
        pub amount: Option<ProtoCoin>,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct MsgRedeemTokensForShares {
        #[prost(string, tag = "1")]
        pub delegator_address: String,
        #[prost(message, optional, tag = "2")]
        pub amount: Option<ProtoCoin>,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct MsgRedeemTokensForSharesResponse {
        #[prost(message, optional, tag = "1")]
        pub amount: Option<ProtoCoin>,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct MsgWithdrawTokenizeShareRecordReward {
        #[prost(string, tag = "1")]
        pub owner_address: String,
        #[prost(uint64, tag = "2")]
        pub record_id: u64,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct QueryParamsRequest {}

    #[derive(Clone, PartialEq, Message)]
    pub struct Params {
        #[prost(string, tag = "8")]
        pub global_liquid_staking_cap: String,
        #[prost(string, tag = "9")]
        pub validator_liquid_staking_cap: String,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct QueryParamsResponse {
        #[prost(message, optional, tag = "1")]
        pub params: Option<Params>,
    }

    #[derive(Clone, PartialEq, Message)]
    pub struct QueryTotalLiquidStaked {}

    #[derive(Clone, PartialEq, Message)]
    pub struct QueryTotalLiquidStakedResponse {
        #[prost(string, tag = "1")]
        pub tokens: String,
    }

    /// Encodes a message (for callers that need the bytes, e.g. a contract's `CosmosMsg::Any`).
    pub fn encode<M: Message>(m: &M) -> Vec<u8> {
        m.encode_to_vec()
    }
}

pub const TOKENIZE_SHARES: &str = "/gaia.liquid.v1beta1.MsgTokenizeShares";
pub const REDEEM_TOKENS_FOR_SHARES: &str = "/gaia.liquid.v1beta1.MsgRedeemTokensForShares";

/// Tokenize `amount` of `delegator`'s delegation to `validator`. The share tokens
/// (`{valoper}/{record_id}`) go to the delegator; `tokenized_share_owner` owns the record
/// (its rewards).
pub fn tokenize_shares(
    delegator: &str,
    validator: &str,
    amount: &Coin,
    tokenized_share_owner: &str,
) -> Any {
    any(
        TOKENIZE_SHARES,
        &liquid::MsgTokenizeShares {
            delegator_address: delegator.to_string(),
            validator_address: validator.to_string(),
            amount: Some(amount.to_proto()),
            tokenized_share_owner: tokenized_share_owner.to_string(),
        },
    )
}

/// Redeem share tokens (`amount.denom` = `{valoper}/{record_id}`) into a delegation of
/// `delegator`.
pub fn redeem_tokens_for_shares(delegator: &str, amount: &Coin) -> Any {
    any(
        REDEEM_TOKENS_FOR_SHARES,
        &liquid::MsgRedeemTokensForShares {
            delegator_address: delegator.to_string(),
            amount: Some(amount.to_proto()),
        },
    )
}

/// Withdraw the rewards of a tokenize-share record to its owner.
pub fn withdraw_tokenize_share_record_reward(owner: &str, record_id: u64) -> Any {
    any(
        "/gaia.liquid.v1beta1.MsgWithdrawTokenizeShareRecordReward",
        &liquid::MsgWithdrawTokenizeShareRecordReward {
            owner_address: owner.to_string(),
            record_id,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(legacy_dec("0.1").unwrap(), "100000000000000000");
        assert_eq!(legacy_dec("1").unwrap(), "1000000000000000000");
        assert_eq!(decimal_atto(".5").unwrap(), 500_000_000_000_000_000);
        assert!(decimal_atto("1.0000000000000000001").is_err());
        assert!(decimal_atto("x").is_err());
        assert!(decimal_atto("").is_err());
        assert_eq!(
            crate::types::format_atto(1_500_000_000_000_000_000),
            "1.500000000000000000"
        );
    }
}
