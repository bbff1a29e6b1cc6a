//! Deposits: delegate the staker's tokens (through the validator's delegator proxy) and add
//! them to its position.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, SubMsg};
use cw_utils::must_pay;
use restake_types::ProxyAction;

use crate::chain::{coin_of, create_proxy, Chain};
use crate::error::ContractError;
use crate::events::service_attrs;
use crate::liquid::{share_deposit_submsgs, share_validator, ShareDeposit};
use crate::state::books::Books;
use crate::state::codec::{packed, payload};
use crate::state::Delegator;
use crate::validate;

/// How long the hub trusts that a validator is bonded after the chain listed it so. The
/// bonded set is one query over the whole active set (the only standard query that tells a
/// bonded validator from a jailed or unbonded one), so it is read at most once an hour per
/// validator: a validator jailed within the hour may still take deposits until the hour is
/// out.
pub const BONDED_CHECK_TTL: u64 = 3600;

impl Books<'_> {
    /// The validator's id, numbering it if the hub has never used it, after checking that it
    /// is bonded (in the active set, not jailed) — from the chain at most once per
    /// [`BONDED_CHECK_TTL`]. `true` when it is new.
    fn bonded_validator(
        &mut self,
        chain: &Chain,
        validator: &str,
    ) -> Result<(u32, bool), ContractError> {
        let now = chain.now();
        let vid = self.vid(validator)?;
        if let Some(vid) = vid {
            if self.validator(vid)?.bonded_seen + BONDED_CHECK_TTL > now {
                return Ok((vid, false));
            }
        }
        if !chain.is_bonded(validator)? {
            return Err(ContractError::ValidatorNotBonded {
                validator: validator.to_string(),
            });
        }
        let (vid, new) = match vid {
            Some(vid) => (vid, false),
            None => (self.new_validator(validator, Delegator::Pending)?, true),
        };
        self.validator(vid)?.bonded_seen = now;
        Ok((vid, new))
    }
}

pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    validator: String,
) -> Result<Response, ContractError> {
    let staker = validate::canonical(deps.api, &info.sender)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    if books.config.paused {
        return Err(ContractError::Paused);
    }
    let validator = validate::validator(&validator)?;
    // Tokenized shares of the validator (x/liquid) are redeemed instead of delegated.
    if let [coin] = info.funds.as_slice() {
        if let Some(of) = share_validator(&coin.denom) {
            if validate::validator(of)? != validator {
                return Err(ContractError::SharesOfAnotherValidator {
                    denom: coin.denom.clone(),
                    validator,
                });
            }
            if coin.amount.is_zero() {
                return Err(ContractError::ZeroAmount {
                    field: "shares".into(),
                });
            }
            return deposit_shares(books, &chain, &info, staker, validator, coin.clone());
        }
    }
    let amount = must_pay(&info, &books.config.bonded_denom)?;
    if amount < books.config.min_deposit {
        return Err(ContractError::BelowMinDeposit {
            amount,
            min: books.config.min_deposit,
        });
    }
    let (vid, new_validator) = books.bonded_validator(&chain, &validator)?;
    // Rewards accrued so far belong to the stake already there; a chain slash that already
    // happened is shared by that stake, not by this deposit.
    let (mut actions, _) = books.harvest_and_sync(&chain, vid)?;
    let (shares, services) = books.credit_deposit(&staker, vid, &validator, amount, chain.now())?;
    let coin = coin_of(&books.config.bonded_denom, amount);
    let mut msgs: Vec<SubMsg> = if new_validator {
        // The validator's delegator proxy is created with the deposit and delegates it.
        let payload = payload(&NewProxy {
            vid,
            shares: None,
            voter: Some(info.sender.clone()),
        });
        vec![create_proxy(
            chain.own_code_id()?,
            chain.hub(),
            &validator,
            payload,
            vec![coin],
        )?]
    } else {
        actions.push(ProxyAction::Delegate {
            amount: coin.clone(),
        });
        books.calls(&chain, vid, actions, vec![coin])?
    };
    // The staker's open governance votes follow its stake.
    msgs.extend(books.follow_votes(&chain, &staker, vid)?);
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("staker", info.sender)
        .add_attribute("validator", validator)
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attributes(service_attrs(&services)))
}

/// What the reply to a new delegator proxy's instantiation needs: the validator it holds,
/// and a share deposit it redeemed while being instantiated.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProxy {
    pub vid: u32,
    pub shares: Option<ShareDeposit>,
    /// The depositor of a plain deposit, whose open votes the new proxy casts.
    pub voter: Option<cosmwasm_std::Addr>,
}
packed!(NewProxy { vid, shares, voter });

/// A deposit of tokenized shares: the validator's delegator redeems them; the reply credits
/// the position with the tokens the redemption produced.
fn deposit_shares(
    mut books: Books,
    chain: &Chain,
    info: &MessageInfo,
    staker: cosmwasm_std::CanonicalAddr,
    validator: String,
    shares: cosmwasm_std::Coin,
) -> Result<Response, ContractError> {
    let (vid, new_validator) = books.bonded_validator(chain, &validator)?;
    let (actions, _) = books.harvest_and_sync(chain, vid)?;
    // A position the deposit would join must not be frozen (checked again on credit).
    if let Some((_, pool)) = books.settled_position(&staker, vid)? {
        if let Some(service_id) = books.exposed(vid, &pool.services)? {
            return Err(ContractError::ExposedStake {
                service_id,
                validator,
            });
        }
    }
    let d = ShareDeposit {
        staker: info.sender.clone(),
        vid,
        before: books.validator(vid)?.expected_delegation(),
        shares: shares.clone(),
    };
    let msgs = if new_validator {
        // (the credit, in the reply, re-casts the staker's open votes)
        let payload = payload(&NewProxy {
            vid,
            shares: Some(d),
            voter: None,
        });
        vec![create_proxy(
            chain.own_code_id()?,
            chain.hub(),
            &validator,
            payload,
            vec![shares.clone()],
        )?]
    } else {
        share_deposit_submsgs(&mut books, chain, vid, actions, &d)?
    };
    books.finish()?;
    Ok(Response::new()
        .add_submessages(msgs)
        .add_attribute("action", "deposit")
        .add_attribute("staker", &info.sender)
        .add_attribute("validator", validator)
        .add_attribute("shares", shares.to_string()))
}
