//! Gaia v25's `x/liquid` (the liquid staking module that left the SDK fork in Gaia v24), as a
//! contract sees it, for the Suite's chain. Read from gaia v25.1.1's `x/liquid/keeper/
//! msg_server.go` and checked against what docs/gaia.md measured on gaiad:
//!
//! - `MsgTokenizeShares { delegator_address, validator_address, amount, tokenized_share_owner }`
//!   (signer: the delegator). Withdraws the delegation's rewards (as x/staking does on every
//!   change of a delegation), moves `amount` of it **without unbonding** into a new record's
//!   module account (a fresh address per record; ids from 1, never reused), and mints share
//!   tokens `{valoper}/{record_id}` **to the delegator** — one per delegation share, so a
//!   validator slashed 10 % gives 10/9 share tokens per token. `tokenized_share_owner` owns the
//!   record (its rewards), not the tokens. Response `MsgTokenizeSharesResponse { amount }`.
//!   Both liquid staking caps are checked here, and only here (v25.1.1): global (code 111)
//!   `(liquid + amount) / bonded tokens of the chain`, per validator (code 112)
//!   `(its liquid tokens + amount) / its tokens`.
//! - `MsgRedeemTokensForShares { delegator_address, amount }` (signer: the delegator). Burns the
//!   share tokens and moves `shares × record delegation / record shares` tokens (all of it when
//!   the last shares are redeemed) into a delegation of the sender, again without unbonding;
//!   a redemption into an existing delegation withdraws its rewards first. When the record is
//!   emptied, its rewards go to its owner and the record is deleted. Response
//!   `MsgRedeemTokensForSharesResponse { amount }` in the bonded denom.
//! - `MsgWithdrawTokenizeShareRecordReward { owner_address, record_id }`: the record's rewards
//!   to its owner.
//!
//! Refusals carry x/liquid's codes ([`ChainError`]): 101 not enough balance, 102 unknown record,
//! 104 not the owner, 106 not the bonded denom, 111 / 112 the caps, 119 a redemption worth
//! zero tokens, 22 zero shares; x/staking's 3 (no such validator) and 19 (no delegation); the
//! SDK's 4 (the signer is not the sender) and 18 (invalid amount).
//!
//! Not emulated: tokenization locks (`MsgDisableTokenizeShares`, code 113), the refusal while a
//! redelegation into the validator is in progress (120: cw-multi-test redelegates instantly),
//! `MsgTransferTokenizeShareRecord`, vesting accounts, and the liquid staking providers
//! (32-byte addresses) exemption of redemptions from the totals. The totals behind the caps are
//! read from the records' delegations instead of being kept as counters: they agree with
//! gaiad's counters to within rounding.
//!
//! How a delegation moves without unbonding on cw-multi-test, whose `StakeKeeper` has no such
//! operation: `Undelegate` as the old owner, take back the unbonding entry that pushed (see
//! [`crate::internals`]), send the tokens from the staking module's account to the new owner
//! and `Delegate` them from there. Bank balances and supply end exactly where they started;
//! only the delegations changed.
//!
//! Why one file: the module's messages, queries and records are one state machine, read from
//! one Go file of Gaia; kept whole, it can be compared with its source line by line.

use cosmwasm_std::{
    from_json, Addr, Api, BankMsg, Binary, BlockInfo, Coin, CosmosMsg, CustomMsg, CustomQuery,
    Decimal, Decimal256, DelegationResponse, DistributionMsg, Event, FullDelegation, MsgResponse,
    QueryRequest, StakingMsg, StakingQuery, Storage, Uint128, Uint256, ValidatorResponse,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, BankSudo, CosmosRouter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::internals::{self, Unbonding};
use crate::proto::{self, Field};
use crate::stargate::refuse;

pub const MSG_TOKENIZE_SHARES: &str = "/gaia.liquid.v1beta1.MsgTokenizeShares";
pub const MSG_TOKENIZE_SHARES_RESPONSE: &str = "/gaia.liquid.v1beta1.MsgTokenizeSharesResponse";
pub const MSG_REDEEM_TOKENS_FOR_SHARES: &str = "/gaia.liquid.v1beta1.MsgRedeemTokensForShares";
pub const MSG_REDEEM_TOKENS_FOR_SHARES_RESPONSE: &str =
    "/gaia.liquid.v1beta1.MsgRedeemTokensForSharesResponse";
pub const MSG_WITHDRAW_TOKENIZE_SHARE_RECORD_REWARD: &str =
    "/gaia.liquid.v1beta1.MsgWithdrawTokenizeShareRecordReward";
pub const MSG_WITHDRAW_TOKENIZE_SHARE_RECORD_REWARD_RESPONSE: &str =
    "/gaia.liquid.v1beta1.MsgWithdrawTokenizeShareRecordRewardResponse";

/// x/liquid's parameters.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LiquidParams {
    /// Largest fraction of the chain's bonded tokens that may be tokenized.
    pub global_liquid_staking_cap: Decimal,
    /// Largest fraction of one validator's tokens that may be tokenized.
    pub validator_liquid_staking_cap: Decimal,
}

impl Default for LiquidParams {
    /// Gaia's defaults: no cap (1.0 and 1.0).
    fn default() -> Self {
        LiquidParams {
            global_liquid_staking_cap: Decimal::one(),
            validator_liquid_staking_cap: Decimal::one(),
        }
    }
}

/// A tokenize-share record: a delegation held by the record's module account, represented by
/// share tokens `{validator}/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ShareRecord {
    pub id: u64,
    /// `tokenized_share_owner`: who may withdraw the record's rewards.
    pub owner: Addr,
    /// The account holding the record's delegation.
    pub module_account: Addr,
    pub validator: String,
    /// Delegation shares of the record still represented by share tokens (what was minted,
    /// less what was redeemed).
    pub shares: Uint128,
}

impl ShareRecord {
    /// The denom of its share tokens.
    pub fn denom(&self) -> String {
        format!("{}/{}", self.validator.to_lowercase(), self.id)
    }
}

const PARAMS_KEY: &[u8] = b"restake-multitest/liquid/params";
const LAST_ID_KEY: &[u8] = b"restake-multitest/liquid/last_record_id";
const RECORD_PREFIX: &[u8] = b"restake-multitest/liquid/record/";

fn record_key(id: u64) -> Vec<u8> {
    [RECORD_PREFIX, &id.to_be_bytes()].concat()
}

/// The module's parameters (Gaia's defaults until set).
pub fn params(storage: &dyn Storage) -> LiquidParams {
    storage
        .get(PARAMS_KEY)
        .and_then(|raw| from_json(&raw).ok())
        .unwrap_or_default()
}

/// Sets the module's parameters (on Gaia: a governance proposal's `MsgUpdateParams`).
pub fn set_params(storage: &mut dyn Storage, p: &LiquidParams) {
    storage.set(
        PARAMS_KEY,
        &cosmwasm_std::to_json_vec(p).expect("serialize params"),
    );
}

/// One record, if it exists.
pub fn record(storage: &dyn Storage, id: u64) -> Option<ShareRecord> {
    storage
        .get(&record_key(id))
        .and_then(|raw| from_json(&raw).ok())
}

pub(crate) fn last_record_id(storage: &dyn Storage) -> u64 {
    storage
        .get(LAST_ID_KEY)
        .and_then(|raw| from_json::<u64>(&raw).ok())
        .unwrap_or(0)
}

/// Every record that still exists, by id.
pub fn records(storage: &dyn Storage) -> Vec<ShareRecord> {
    (1..=last_record_id(storage))
        .filter_map(|id| record(storage, id))
        .collect()
}

fn save_record(storage: &mut dyn Storage, r: &ShareRecord) -> AnyResult<()> {
    storage.set(&record_key(r.id), &cosmwasm_std::to_json_vec(r)?);
    Ok(())
}

/// The record a share denom `{valoper}/{id}` stands for.
fn record_by_denom(storage: &dyn Storage, denom: &str) -> Option<ShareRecord> {
    let (_, id) = denom.rsplit_once('/')?;
    let r = record(storage, id.parse().ok()?)?;
    (r.denom() == denom).then_some(r)
}

/// What the module needs from the rest of the chain.
struct Chain<'a, ExecC, QueryC> {
    api: &'a dyn Api,
    router: &'a dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &'a BlockInfo,
}

impl<ExecC, QueryC> Chain<'_, ExecC, QueryC>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    fn query<T: DeserializeOwned>(&self, storage: &dyn Storage, q: StakingQuery) -> AnyResult<T> {
        let raw = self
            .router
            .query(self.api, storage, self.block, QueryRequest::Staking(q))?;
        Ok(from_json(raw)?)
    }

    fn bonded_denom(&self, storage: &dyn Storage) -> AnyResult<String> {
        let r: cosmwasm_std::BondedDenomResponse =
            self.query(storage, StakingQuery::BondedDenom {})?;
        Ok(r.denom)
    }

    fn validator_exists(&self, storage: &dyn Storage, validator: &str) -> AnyResult<bool> {
        let r: ValidatorResponse = self.query(
            storage,
            StakingQuery::Validator {
                address: validator.to_string(),
            },
        )?;
        Ok(r.validator.is_some())
    }

    fn delegation(
        &self,
        storage: &dyn Storage,
        delegator: &Addr,
        validator: &str,
    ) -> AnyResult<Option<FullDelegation>> {
        let r: DelegationResponse = self.query(
            storage,
            StakingQuery::Delegation {
                delegator: delegator.to_string(),
                validator: validator.to_string(),
            },
        )?;
        Ok(r.delegation)
    }

    fn delegated(&self, storage: &dyn Storage, who: &Addr, validator: &str) -> AnyResult<Uint128> {
        Ok(self
            .delegation(storage, who, validator)?
            .map(|d| d.amount.amount)
            .unwrap_or_default())
    }

    /// Tokens of the validators in the bonded set (x/staking's `TotalBondedTokens`).
    fn total_bonded(&self, storage: &dyn Storage) -> AnyResult<Uint128> {
        let r: cosmwasm_std::AllValidatorsResponse =
            self.query(storage, StakingQuery::AllValidators {})?;
        let mut total = Uint128::zero();
        for v in r.validators {
            total += validator_tokens(storage, &v.address)?;
        }
        Ok(total)
    }

    fn balance(&self, storage: &dyn Storage, who: &Addr, denom: &str) -> AnyResult<Uint128> {
        let raw = self.router.query(
            self.api,
            storage,
            self.block,
            QueryRequest::Bank(cosmwasm_std::BankQuery::Balance {
                address: who.to_string(),
                denom: denom.to_string(),
            }),
        )?;
        Ok(from_json::<cosmwasm_std::BalanceResponse>(raw)?
            .amount
            .amount)
    }

    fn exec(
        &self,
        storage: &mut dyn Storage,
        sender: &Addr,
        msg: impl Into<CosmosMsg<ExecC>>,
    ) -> AnyResult<AppResponse> {
        self.router
            .execute(self.api, storage, self.block, sender.clone(), msg.into())
    }

    /// What x/distribution does before a delegation changes: its rewards go to the
    /// delegator's withdraw address.
    fn withdraw_rewards(
        &self,
        storage: &mut dyn Storage,
        delegator: &Addr,
        validator: &str,
    ) -> AnyResult<()> {
        let pending = self
            .delegation(storage, delegator, validator)?
            .is_some_and(|d| d.accumulated_rewards.iter().any(|c| !c.amount.is_zero()));
        if pending {
            self.exec(
                storage,
                delegator,
                DistributionMsg::WithdrawDelegatorReward {
                    validator: validator.to_string(),
                },
            )?;
        }
        Ok(())
    }

    /// Moves `amount` of `from`'s delegation on `validator` to `to` without unbonding it.
    fn move_delegation(
        &self,
        storage: &mut dyn Storage,
        from: &Addr,
        to: &Addr,
        validator: &str,
        amount: Coin,
    ) -> AnyResult<()> {
        self.withdraw_rewards(storage, from, validator)?;
        self.exec(
            storage,
            from,
            StakingMsg::Undelegate {
                validator: validator.to_string(),
                amount: amount.clone(),
            },
        )?;
        let unbonding_time = internals::unbonding_time(storage)?;
        internals::take_last_unbonding(
            storage,
            &Unbonding {
                delegator: from.clone(),
                validator: validator.to_string(),
                amount: amount.amount,
                payout_at: self.block.time.plus_seconds(unbonding_time),
            },
        )?;
        // The undelegated tokens never left the staking module's account.
        self.exec(
            storage,
            &Addr::unchecked(internals::STAKING_MODULE),
            BankMsg::Send {
                to_address: to.to_string(),
                amount: vec![amount.clone()],
            },
        )?;
        self.withdraw_rewards(storage, to, validator)?;
        self.exec(
            storage,
            to,
            StakingMsg::Delegate {
                validator: validator.to_string(),
                amount,
            },
        )?;
        Ok(())
    }
}

/// A record's module account: 32 bytes, like gaia's `address.Module("lsm",
/// "tokenizeshare_{id}")` (a hash there; here the readable bytes `lsm/tokenizeshare/`, the id
/// and zeros), in the chain's address format.
pub fn record_account(api: &dyn Api, id: u64) -> AnyResult<Addr> {
    let mut raw = [0u8; 32];
    let tag = b"lsm/tokenizeshare/";
    raw[..tag.len()].copy_from_slice(tag);
    raw[tag.len()..tag.len() + 8].copy_from_slice(&id.to_be_bytes());
    Ok(api.addr_humanize(&cosmwasm_std::CanonicalAddr::from(raw.to_vec()))?)
}

fn validator_tokens(storage: &dyn Storage, validator: &str) -> AnyResult<Uint128> {
    Ok(internals::validator_info(storage, validator)?
        .map(|i| i.stake)
        .unwrap_or_default())
}

fn ratio_exceeds(part: Uint128, whole: Uint128, cap: Decimal) -> bool {
    // part / whole > cap, without division
    Uint256::from(part) * Uint256::from(10u128.pow(18))
        > Uint256::from(whole) * Uint256::from(cap.atomics())
}

fn signer(sender: &Addr, signer: &str) -> AnyResult<()> {
    if sender.as_str() != signer {
        return refuse("sdk", 4, "contract doesn't have permission: unauthorized");
    }
    Ok(())
}

fn positive(amount: &Coin) -> AnyResult<()> {
    if amount.amount.is_zero() || amount.denom.is_empty() {
        return refuse("sdk", 18, "invalid shares amount: invalid request");
    }
    Ok(())
}

fn event_response(event: Event, type_url: &str, value: Vec<u8>) -> AppResponse {
    AppResponse {
        events: vec![event],
        data: Some(Binary::new(value.clone())),
        msg_responses: vec![MsgResponse {
            type_url: type_url.to_string(),
            value: Binary::new(value),
        }],
    }
}

/// The Suite's x/liquid. Its state (parameters, records) lives in the chain's storage under
/// `restake-multitest/liquid/`.
#[derive(Default)]
pub struct Liquid;

impl Liquid {
    /// Whether `type_url` is one of the messages emulated here.
    pub fn handles(&self, type_url: &str) -> bool {
        [
            MSG_TOKENIZE_SHARES,
            MSG_REDEEM_TOKENS_FOR_SHARES,
            MSG_WITHDRAW_TOKENIZE_SHARE_RECORD_REWARD,
        ]
        .contains(&type_url)
    }

    /// Runs one of x/liquid's messages sent by `sender`.
    #[allow(clippy::too_many_arguments)]
    pub fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        type_url: &str,
        value: &[u8],
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let chain = Chain { api, router, block };
        let fields = proto::fields(value)?;
        let text = |n: u64| -> AnyResult<String> {
            match fields.iter().find(|(f, _)| *f == n) {
                Some((_, v)) => proto::string(v),
                None => Ok(String::new()),
            }
        };
        let coin = |n: u64| -> AnyResult<Coin> {
            match fields.iter().find(|(f, _)| *f == n) {
                Some((_, v)) => proto::coin(v),
                None => Ok(Coin::new(0u128, "")),
            }
        };
        match type_url {
            MSG_TOKENIZE_SHARES => tokenize(
                &chain,
                storage,
                &sender,
                &text(1)?,
                &text(2)?,
                coin(3)?,
                &text(4)?,
            ),
            MSG_REDEEM_TOKENS_FOR_SHARES => redeem(&chain, storage, &sender, &text(1)?, coin(2)?),
            _ => {
                let id = fields
                    .iter()
                    .find_map(|(f, v)| match (f, v) {
                        (2, Field::Varint(id)) => Some(*id),
                        _ => None,
                    })
                    .unwrap_or(0);
                withdraw_record_reward(&chain, storage, &sender, &text(1)?, id)
            }
        }
    }
}

fn tokenize<ExecC, QueryC>(
    chain: &Chain<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    delegator: &str,
    validator: &str,
    amount: Coin,
    owner: &str,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    signer(sender, delegator)?;
    if !chain.validator_exists(storage, validator)? {
        return refuse("staking", 3, "validator does not exist");
    }
    let owner = match chain.api.addr_validate(owner) {
        Ok(a) => a,
        Err(e) => return refuse("undefined", 1, format!("decoding bech32 failed: {e}")),
    };
    positive(&amount)?;
    let denom = chain.bonded_denom(storage)?;
    if amount.denom != denom {
        return refuse("liquid", 106, "only bond denom is allowed for tokenize");
    }
    let Some(delegation) = chain.delegation(storage, sender, validator)? else {
        return refuse(
            "staking",
            19,
            "no delegation for (address, validator) tuple",
        );
    };
    if amount.amount > delegation.amount.amount {
        return refuse("sdk", 18, "invalid shares amount: invalid request");
    }
    let rate = crate::staking::tokens_per_share(storage, validator);
    let shares = if rate.is_zero() {
        Uint128::zero()
    } else {
        Uint128::try_from((Decimal256::from_atomics(amount.amount, 0)? / rate).to_uint_floor())?
    };
    if shares.is_zero() {
        return refuse(
            "liquid",
            22,
            "cannot tokenize zero shares: insufficient delegation shares",
        );
    }

    // The caps (gaia v25.1.1: checked on tokenization only).
    let p = params(storage);
    let all = records(storage);
    let mut liquid = Uint128::zero();
    let mut liquid_here = Uint128::zero();
    for r in &all {
        let d = chain.delegated(storage, &r.module_account, &r.validator)?;
        liquid += d;
        if r.validator == validator {
            liquid_here += d;
        }
    }
    if ratio_exceeds(
        liquid + amount.amount,
        chain.total_bonded(storage)?,
        p.global_liquid_staking_cap,
    ) {
        return refuse(
            "liquid",
            111,
            "delegation or tokenization exceeds the global cap",
        );
    }
    if ratio_exceeds(
        liquid_here + amount.amount,
        validator_tokens(storage, validator)?,
        p.validator_liquid_staking_cap,
    ) {
        return refuse(
            "liquid",
            112,
            "delegation or tokenization exceeds the validator cap",
        );
    }

    let id = last_record_id(storage) + 1;
    storage.set(LAST_ID_KEY, &cosmwasm_std::to_json_vec(&id)?);
    let module_account = record_account(chain.api, id)?;
    let record = ShareRecord {
        id,
        owner: owner.clone(),
        module_account: module_account.clone(),
        validator: validator.to_string(),
        shares,
    };
    save_record(storage, &record)?;
    chain.move_delegation(storage, sender, &module_account, validator, amount.clone())?;
    let share_coin = Coin::new(shares, record.denom());
    chain.router.sudo(
        chain.api,
        storage,
        chain.block,
        BankSudo::Mint {
            to_address: sender.to_string(),
            amount: vec![share_coin.clone()],
        }
        .into(),
    )?;
    Ok(event_response(
        Event::new("tokenize_shares")
            .add_attribute("delegator", sender)
            .add_attribute("validator", validator)
            .add_attribute("share_owner", owner)
            .add_attribute("share_record_id", id.to_string())
            .add_attribute("amount", amount.to_string())
            .add_attribute("tokenized_shares", share_coin.to_string()),
        MSG_TOKENIZE_SHARES_RESPONSE,
        proto::coin_response(&share_coin),
    ))
}

fn redeem<ExecC, QueryC>(
    chain: &Chain<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    delegator: &str,
    shares: Coin,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    signer(sender, delegator)?;
    positive(&shares)?;
    if chain.balance(storage, sender, &shares.denom)? < shares.amount {
        return refuse("liquid", 101, "not enough balance");
    }
    let Some(mut record) = record_by_denom(storage, &shares.denom) else {
        return refuse("liquid", 102, "tokenize share record not exists");
    };
    let Some(held) = chain.delegation(storage, &record.module_account, &record.validator)? else {
        return refuse(
            "staking",
            19,
            "no delegation for (address, validator) tuple",
        );
    };
    if shares.amount > record.shares {
        return refuse("staking", 24, "not enough delegation shares");
    }
    let held = held.amount;
    let tokens = if shares.amount == record.shares {
        held.amount
    } else {
        held.amount.multiply_ratio(shares.amount, record.shares)
    };
    if tokens.is_zero() {
        return refuse(
            "liquid",
            119,
            "too few tokens to redeem (truncates to zero tokens)",
        );
    }
    let validator = record.validator.clone();
    let returned = Coin::new(tokens, held.denom.clone());
    chain.move_delegation(
        storage,
        &record.module_account,
        sender,
        &validator,
        returned.clone(),
    )?;
    chain.exec(
        storage,
        sender,
        BankMsg::Burn {
            amount: vec![shares.clone()],
        },
    )?;
    record.shares -= shares.amount;
    let emptied = record.shares.is_zero()
        || chain
            .delegation(storage, &record.module_account, &validator)?
            .is_none();
    if emptied {
        // the record's rewards (withdrawn into its account as its delegation changed) go to
        // its owner, and the record is deleted
        pay_record_rewards(chain, storage, &record, &held.denom)?;
        storage.remove(&record_key(record.id));
    } else {
        save_record(storage, &record)?;
    }
    Ok(event_response(
        Event::new("redeem_shares")
            .add_attribute("delegator", sender)
            .add_attribute("validator", validator)
            .add_attribute("amount", shares.to_string()),
        MSG_REDEEM_TOKENS_FOR_SHARES_RESPONSE,
        proto::coin_response(&returned),
    ))
}

/// Sends the record's rewards (withdrawn now, and any withdrawn earlier into its account) to
/// its owner.
fn pay_record_rewards<ExecC, QueryC>(
    chain: &Chain<ExecC, QueryC>,
    storage: &mut dyn Storage,
    record: &ShareRecord,
    denom: &str,
) -> AnyResult<Uint128>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    chain.withdraw_rewards(storage, &record.module_account, &record.validator)?;
    let rewards = chain.balance(storage, &record.module_account, denom)?;
    if !rewards.is_zero() {
        chain.exec(
            storage,
            &record.module_account,
            BankMsg::Send {
                to_address: record.owner.to_string(),
                amount: vec![Coin::new(rewards, denom)],
            },
        )?;
    }
    Ok(rewards)
}

fn withdraw_record_reward<ExecC, QueryC>(
    chain: &Chain<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    owner: &str,
    id: u64,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    signer(sender, owner)?;
    let Some(record) = record(storage, id) else {
        return refuse("liquid", 102, "tokenize share record not exists");
    };
    if record.owner != *sender {
        return refuse("liquid", 104, "not tokenize share record owner");
    }
    let denom = chain.bonded_denom(storage)?;
    let paid = pay_record_rewards(chain, storage, &record, &denom)?;
    Ok(AppResponse {
        events: vec![Event::new("withdraw_tokenize_share_reward")
            .add_attribute("withdraw_address", sender)
            .add_attribute("amount", Coin::new(paid, denom).to_string())],
        data: None,
        msg_responses: vec![MsgResponse {
            type_url: MSG_WITHDRAW_TOKENIZE_SHARE_RECORD_REWARD_RESPONSE.to_string(),
            value: Binary::default(),
        }],
    })
}
