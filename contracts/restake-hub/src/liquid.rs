//! Entering and leaving without unbonding, on chains with Gaia's `x/liquid` module.
//!
//! A staker with a delegation on the Cosmos Hub tokenizes it (`MsgTokenizeShares`) and
//! deposits the share tokens (`{valoper}/{record_id}`): the validator's delegator proxy
//! redeems them into its own delegation (`MsgRedeemTokensForShares`) and the position is
//! credited with the tokens the redemption produced — read from the chain afterwards, never
//! assumed 1:1 (a slashed validator's shares are worth less). `withdraw_shares` goes the other
//! way for stake that secures no service: the proxy tokenizes part of its delegation and sends
//! the shares to the staker.
//!
//! Both messages go to the chain as `Stargate` (protobuf) messages; the chain's answer is
//! read in a reply, so a refusal (no `x/liquid`, a liquid staking cap) reaches the staker in
//! words, and nothing is lost (the transaction is reverted).

use cosmwasm_std::{
    Addr, BankMsg, Binary, Coin, DepsMut, Env, MessageInfo, Reply, Response, SubMsg, SubMsgResult,
    Uint128,
};
use restake_types::ProxyAction;

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError};
use crate::pools::Move;
use crate::state::books::Books;
use crate::state::codec::{from_bytes, packed, payload};
use crate::state::{Delegator, SHARES_DEPOSITED_REPLY_ID};
use crate::validate;

/// The validator a tokenized-share denom (`{valoper}/{record_id}`) belongs to, if it is one.
pub fn share_validator(denom: &str) -> Option<&str> {
    let (valoper, record) = denom.rsplit_once('/')?;
    let is_record = !record.is_empty() && record.bytes().all(|b| b.is_ascii_digit());
    (is_record && valoper.contains("valoper1")).then_some(valoper)
}

// ------------------------------------------------------------------- reading replies

/// Reads a varint.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (first, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(first & 0x7f) << shift;
        if first & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The length-delimited fields of a protobuf message: (number, bytes).
fn fields(mut b: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = vec![];
    while !b.is_empty() {
        let tag = varint(&mut b)?;
        match tag & 7 {
            2 => {
                let len = usize::try_from(varint(&mut b)?).ok()?;
                if b.len() < len {
                    return None;
                }
                out.push((tag >> 3, &b[..len]));
                b = &b[len..];
            }
            0 => {
                varint(&mut b)?;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The coin in field 1 of `MsgTokenizeSharesResponse` / `MsgRedeemTokensForSharesResponse`.
fn response_coin(bytes: &[u8]) -> Option<Coin> {
    let (_, coin) = fields(bytes)?.into_iter().find(|(n, _)| *n == 1)?;
    let mut denom = None;
    let mut amount = None;
    for (n, v) in fields(coin)? {
        match n {
            1 => denom = String::from_utf8(v.to_vec()).ok(),
            2 => amount = std::str::from_utf8(v).ok()?.parse::<u128>().ok(),
            _ => {}
        }
    }
    Some(Coin::new(amount?, denom?))
}

/// The chain's response to the message a successful submessage ran (wasmd 0.50+: the
/// message response; older: `data`).
fn message_response(reply: &Reply) -> Option<Binary> {
    let SubMsgResult::Ok(r) = &reply.result else {
        return None;
    };
    #[allow(deprecated)]
    r.msg_responses
        .first()
        .map(|m| m.value.clone())
        .or_else(|| r.data.clone())
}

/// A chain's refusal of an x/liquid message, in words.
pub fn refusal(error: &str) -> ContractError {
    // Replies see "codespace: liquid, code: N"; codes from Gaia v25's x/liquid.
    if error.contains("liquid") && error.contains("code: 111") {
        return ContractError::LiquidStakingCap {
            cap: "global_liquid_staking_cap".into(),
            error: error.to_string(),
        };
    }
    if error.contains("liquid") && error.contains("code: 112") {
        return ContractError::LiquidStakingCap {
            cap: "validator_liquid_staking_cap".into(),
            error: error.to_string(),
        };
    }
    ContractError::LiquidRefused {
        error: error.to_string(),
    }
}

// ---------------------------------------------------------------------------- proxy side

/// The reply to an x/liquid message a delegator sent: a refusal fails the message in words;
/// tokenized shares go on to their owner (the chain gives them to the delegator).
pub fn liquid_reply(reply: &Reply) -> Result<Response, ContractError> {
    if let SubMsgResult::Err(error) = &reply.result {
        return Err(refusal(error));
    }
    if reply.payload.is_empty() {
        return Ok(Response::new());
    }
    let owner = String::from_utf8(reply.payload.to_vec()).map_err(|_| ContractError::BadReply {
        what: "a tokenization".into(),
        missing: "its owner".into(),
    })?;
    let shares = message_response(reply)
        .and_then(|b| response_coin(&b))
        .ok_or_else(|| ContractError::BadReply {
            what: "a tokenization".into(),
            missing: "the shares it minted".into(),
        })?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: owner.clone(),
            amount: vec![shares.clone()],
        })
        .add_attribute("action", "shares_sent")
        .add_attribute("owner", owner)
        .add_attribute("shares", shares.to_string()))
}

// ---------------------------------------------------------------------------- hub side

/// A share deposit waiting for its redemption's result.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareDeposit {
    pub staker: Addr,
    pub vid: u32,
    /// The delegation the books expected before the redemption.
    pub before: Uint128,
    pub shares: Coin,
}
packed!(ShareDeposit {
    staker,
    vid,
    before,
    shares
});

impl Books<'_> {
    /// Adds `amount` freshly delegated tokens to the staker's position (opened in the plain
    /// pool if new). Returns the shares minted and the position's services.
    pub fn credit_deposit(
        &mut self,
        staker: &[u8],
        vid: u32,
        validator: &str,
        amount: Uint128,
        now: u64,
    ) -> Result<(Uint128, Vec<u64>), ContractError> {
        let (mut position, mut pool) = match self.settled_position(staker, vid)? {
            Some(found) => found,
            None => {
                let pool = self.pool_for(vid, &[], amount, Move::Join, now)?;
                (self.open_position(staker, &pool)?, pool)
            }
        };
        let mut carried = Uint128::zero();
        if !pool.bonded.is_joinable() {
            // The position's pool was slashed to (almost) nothing: what is left of the
            // position moves with the deposit into a fresh pool of the same services.
            carried = pool.bonded.leave(std::mem::take(&mut position.shares), 0)?;
            // (a position left in a converted pool secures nothing any more)
            let services = match pool.redirect {
                Some(_) => vec![],
                None => pool.services.clone(),
            };
            self.store_pool(pool)?;
            pool = match self.pool_for(vid, &services, amount + carried, Move::Exit, now) {
                // A deposit never waits for room: with none, the deposit (and the dust left
                // of the wiped-out position) starts in the plain pool.
                Err(ContractError::ExitWaitsForRoom { .. }) => {
                    self.pool_for(vid, &[], amount + carried, Move::Join, now)?
                }
                found => found?,
            };
            let kept = pool.services.clone();
            position.opt_outs.retain(|(s, _)| kept.contains(s));
            self.shift_services(vid, &services, &pool.services, carried)?;
            position.pool = pool.id;
            position.marks = pool.rps.clone();
        }
        if let Some(service_id) = self.exposed(vid, &pool.services)? {
            return Err(ContractError::ExposedStake {
                service_id,
                validator: validator.to_string(),
            });
        }
        let shares = pool.bonded.join(amount + carried)?;
        position.shares += shares;
        self.bonded_added(&pool, amount)?;
        let services = pool.services.clone();
        self.save_position(staker, vid, position, pool)?;
        Ok((shares, services))
    }
}

/// The reply of a share deposit's redemption: on success the tokens it produced (the
/// delegation now, less what the books expected before) are credited like a deposit.
pub fn deposited_reply(deps: DepsMut, env: Env, reply: &Reply) -> Result<Response, ContractError> {
    if let SubMsgResult::Err(error) = &reply.result {
        return Err(refusal(error));
    }
    let d: ShareDeposit = from_bytes(&reply.payload).map_err(|_| ContractError::BadReply {
        what: "a share deposit".into(),
        missing: "its payload".into(),
    })?;
    finish_share_deposit(deps, &env, d)
}

/// Credits a redeemed share deposit (from its reply, or from the reply that recorded a new
/// validator's proxy, which redeemed it when instantiated).
pub fn finish_share_deposit(
    deps: DepsMut,
    env: &Env,
    d: ShareDeposit,
) -> Result<Response, ContractError> {
    let staker = validate::canonical(deps.api, &d.staker)?;
    let chain = Chain {
        querier: deps.querier,
        env,
    };
    let mut books = Books::open(deps.storage, env)?;
    let (validator, delegator) = books.delegator(d.vid)?;
    let account = match delegator {
        Delegator::Hub => chain.hub().clone(),
        Delegator::Proxy(a) => a,
        Delegator::Pending => {
            return Err(ContractError::BadReply {
                what: "a share deposit".into(),
                missing: "the validator's proxy".into(),
            })
        }
    };
    let (delegated, _) = chain.delegation(&account, &validator)?;
    let produced = delegated.saturating_sub(d.before);
    if produced < books.config.min_deposit {
        return Err(ContractError::BelowMinDeposit {
            amount: produced,
            min: books.config.min_deposit,
        });
    }
    let (shares, services) =
        books.credit_deposit(&staker, d.vid, &validator, produced, chain.now())?;
    let votes = books.follow_votes(&chain, &staker, d.vid)?;
    books.finish()?;
    Ok(Response::new()
        .add_submessages(votes)
        .add_attribute("action", "deposit_shares")
        .add_attribute("staker", d.staker)
        .add_attribute("validator", validator)
        .add_attribute("redeemed", d.shares.to_string())
        .add_attribute("amount", produced)
        .add_attribute("shares", shares)
        .add_attributes(crate::events::service_attrs(&services)))
}

/// The submessage of a share deposit on a validator whose delegator exists: harvest first
/// (a redemption auto-withdraws the delegation's rewards), redeem, and have the reply credit
/// what it produced.
pub fn share_deposit_submsgs(
    books: &mut Books,
    chain: &Chain,
    vid: u32,
    mut actions: Vec<ProxyAction>,
    d: &ShareDeposit,
) -> Result<Vec<SubMsg>, ContractError> {
    actions.push(ProxyAction::RedeemShares {
        amount: d.shares.clone(),
    });
    let calls = books.calls(chain, vid, actions, vec![d.shares.clone()])?;
    let payload = payload(d);
    let n = calls.len();
    Ok(calls
        .into_iter()
        .enumerate()
        .map(|(i, sub)| {
            if i + 1 == n {
                // the call that redeems: its reply credits what the redemption produced
                SubMsg::reply_always(sub.msg, SHARES_DEPOSITED_REPLY_ID)
                    .with_payload(payload.clone())
            } else {
                sub
            }
        })
        .collect())
}

/// `withdraw_shares`: tokenizes `amount` of the staker's plain (no-service) stake on the
/// validator; the shares go to the staker.
pub fn withdraw_shares(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {
            field: "amount".into(),
        });
    }
    let validator = validate::validator(&validator)?;
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let (vid, mut actions, mut position, mut pool) =
        books.position_to_take_from(&chain, &staker, &validator, amount, true, |pool| {
            if pool.services.is_empty() {
                return Ok(());
            }
            Err(ContractError::SharesNeedPlainStake {
                validator: validator.clone(),
                service_ids: crate::events::join_ids(&pool.services),
            })
        })?;
    let burned = pool.bonded.leave_tokens(amount, position.shares, 0)?;
    position.shares -= burned;
    books.bonded_removed(&pool, amount)?;
    books.save_position(&staker, vid, position, pool)?;
    actions.push(ProxyAction::TokenizeShares {
        amount: crate::chain::coin_of(&books.config.bonded_denom, amount),
        owner: info.sender.to_string(),
    });
    let mut msgs = books.calls(&chain, vid, actions, vec![])?;
    msgs.extend(books.follow_votes(&chain, &staker, vid)?);
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "withdraw_shares")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{coin_proto, proto_field};

    #[test]
    fn share_denoms() {
        assert_eq!(
            share_validator("cosmosvaloper1abc/12"),
            Some("cosmosvaloper1abc")
        );
        assert_eq!(share_validator("cosmosvaloper1abc/"), None);
        assert_eq!(share_validator("ibc/27394FB0"), None);
        assert_eq!(share_validator("factory/osmo1x/y"), None);
        assert_eq!(share_validator("uatom"), None);
    }

    #[test]
    fn response_coins_decode() {
        let mut r = vec![];
        proto_field(
            &mut r,
            1,
            &coin_proto(&Coin::new(4_500_000u128, "cosmosvaloper1x/3")),
        );
        assert_eq!(
            response_coin(&r),
            Some(Coin::new(4_500_000u128, "cosmosvaloper1x/3"))
        );
        assert_eq!(response_coin(&[0xff]), None);
    }

    #[test]
    fn cap_refusals_are_named() {
        assert!(matches!(
            refusal("codespace: liquid, code: 111"),
            ContractError::LiquidStakingCap { cap, .. } if cap == "global_liquid_staking_cap"
        ));
        assert!(matches!(
            refusal("codespace: liquid, code: 112"),
            ContractError::LiquidStakingCap { cap, .. } if cap == "validator_liquid_staking_cap"
        ));
        assert!(matches!(
            refusal("codespace: sdk, code: 12"),
            ContractError::LiquidRefused { .. }
        ));
    }
}
