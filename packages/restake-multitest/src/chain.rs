//! What an account does directly on the Suite's chain, without the hub: delegate, tokenize
//! and redeem shares (x/liquid), open proposals and vote (x/gov); and what the chain's own
//! queries would show (share records, a proposal's tally).

use anyhow::Result as AnyResult;
use cosmwasm_std::{
    Addr, Binary, Coin, CosmosMsg, Decimal, Decimal256, StakingMsg, Uint128, WeightedVoteOption,
};
use cw_multi_test::{AppResponse, Executor};

use crate::gov::{self, Proposal};
use crate::liquid::{self, LiquidParams, ShareRecord};
use crate::proto;
use crate::step::{opened_proposal, Step};
use crate::suite::Suite;

/// The chain's tally of a proposal (delegators' votes only, see [`crate::gov`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GovTally {
    pub yes: Uint128,
    pub no: Uint128,
    pub abstain: Uint128,
    pub no_with_veto: Uint128,
    /// Voting power of the voters (their delegations on bonded validators).
    pub total: Uint128,
}

impl Suite {
    // ------------------------------------------------------------------ native staking

    /// `who` delegates `amount` of the bonded denom to `validator` itself (minting what it
    /// lacks): a staker's own delegation, outside the hub.
    pub fn delegate_native(
        &mut self,
        who: &str,
        validator: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let c = self.bonded(amount);
        self.apply(&Step::top_up(who, vec![c]))?;
        self.apply(&Step::DelegateNative {
            who: who.to_string(),
            validator: validator.to_string(),
            amount,
        })
    }

    /// `who` undelegates `amount` from `validator` itself.
    pub fn undelegate_native(
        &mut self,
        who: &str,
        validator: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::UndelegateNative {
            who: who.to_string(),
            validator: validator.to_string(),
            amount,
        })
    }

    /// The staking message of [`Step::DelegateNative`] (`delegate`) or
    /// [`Step::UndelegateNative`].
    pub(crate) fn send_staking(
        &mut self,
        who: &str,
        validator: &str,
        amount: u128,
        delegate: bool,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(who);
        let validator = validator.to_string();
        let amount = self.bonded(amount);
        let msg = if delegate {
            StakingMsg::Delegate { validator, amount }
        } else {
            StakingMsg::Undelegate { validator, amount }
        };
        self.app.execute(sender, msg.into())
    }

    /// `who`'s own delegation on `validator`, as the chain reports it (0 when none).
    pub fn native_delegation(&self, who: &str, validator: &str) -> u128 {
        self.app
            .wrap()
            .query_delegation(self.addr(who), validator)
            .ok()
            .flatten()
            .map(|d| d.amount.amount.u128())
            .unwrap_or_default()
    }

    // ------------------------------------------------------------------ x/liquid

    /// `who` tokenizes `amount` of its delegation on `validator` (`MsgTokenizeShares`, the
    /// record owned by `owner`); returns the share tokens the chain gave it.
    pub fn tokenize_shares(
        &mut self,
        who: &str,
        validator: &str,
        amount: u128,
        owner: &str,
    ) -> AnyResult<Coin> {
        let res = self.apply(&Step::TokenizeShares {
            who: who.to_string(),
            validator: validator.to_string(),
            amount,
            owner: owner.to_string(),
        })?;
        response_coin(&res)
    }

    /// The x/liquid message of [`Step::TokenizeShares`].
    pub(crate) fn send_tokenize_shares(
        &mut self,
        who: &str,
        validator: &str,
        amount: u128,
        owner: &str,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(who);
        let mut v = vec![];
        proto::put_bytes(&mut v, 1, sender.as_bytes());
        proto::put_bytes(&mut v, 2, validator.as_bytes());
        proto::put_bytes(&mut v, 3, &proto::encode_coin(&self.bonded(amount)));
        proto::put_bytes(&mut v, 4, self.addr(owner).as_bytes());
        self.send_proto(sender, liquid::MSG_TOKENIZE_SHARES, v)
    }

    /// `who` redeems share tokens into its own delegation (`MsgRedeemTokensForShares`);
    /// returns the tokens the chain delegated for it.
    pub fn redeem_shares(&mut self, who: &str, shares: Coin) -> AnyResult<Coin> {
        let res = self.apply(&Step::RedeemShares {
            who: who.to_string(),
            shares,
        })?;
        response_coin(&res)
    }

    /// The x/liquid message of [`Step::RedeemShares`].
    pub(crate) fn send_redeem_shares(
        &mut self,
        who: &str,
        shares: &Coin,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(who);
        let mut v = vec![];
        proto::put_bytes(&mut v, 1, sender.as_bytes());
        proto::put_bytes(&mut v, 2, &proto::encode_coin(shares));
        self.send_proto(sender, liquid::MSG_REDEEM_TOKENS_FOR_SHARES, v)
    }

    /// The record's owner withdraws its rewards (`MsgWithdrawTokenizeShareRecordReward`).
    pub fn withdraw_share_record_reward(
        &mut self,
        owner: &str,
        record_id: u64,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::WithdrawShareRecordReward {
            owner: owner.to_string(),
            record_id,
        })
    }

    /// The x/liquid message of [`Step::WithdrawShareRecordReward`].
    pub(crate) fn send_withdraw_share_record_reward(
        &mut self,
        owner: &str,
        record_id: u64,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(owner);
        let mut v = vec![];
        proto::put_bytes(&mut v, 1, sender.as_bytes());
        proto::put_uint(&mut v, 2, record_id);
        self.send_proto(sender, liquid::MSG_WITHDRAW_TOKENIZE_SHARE_RECORD_REWARD, v)
    }

    /// Sends a protobuf message as `sender`, as `CosmosMsg::Any` (what a signed transaction
    /// or a contract's `CosmosMsg::Any` / `Stargate` carries).
    pub fn send_proto(
        &mut self,
        sender: Addr,
        type_url: &str,
        value: Vec<u8>,
    ) -> AnyResult<AppResponse> {
        self.app.execute(
            sender,
            CosmosMsg::Any(cosmwasm_std::AnyMsg {
                type_url: type_url.to_string(),
                value: Binary::new(value),
            }),
        )
    }

    /// Every tokenize-share record that exists, by id.
    pub fn share_records(&self) -> Vec<ShareRecord> {
        liquid::records(self.app.storage())
    }

    /// The id x/liquid gives the next record, so a harness can name the share tokens
    /// (`{valoper}/{id}`) of a tokenization it has not applied yet.
    pub fn next_share_record_id(&self) -> u64 {
        liquid::last_record_id(self.app.storage()) + 1
    }

    /// One tokenize-share record.
    pub fn share_record(&self, id: u64) -> Option<ShareRecord> {
        liquid::record(self.app.storage(), id)
    }

    /// Tokens held by tokenize-share records (x/liquid's `total_liquid_staked_tokens`).
    pub fn total_liquid_staked(&self) -> u128 {
        self.share_records()
            .iter()
            .map(|r| {
                self.app
                    .wrap()
                    .query_delegation(&r.module_account, &r.validator)
                    .ok()
                    .flatten()
                    .map(|d| d.amount.amount.u128())
                    .unwrap_or_default()
            })
            .sum()
    }

    /// x/liquid's parameters.
    pub fn liquid_params(&self) -> LiquidParams {
        liquid::params(self.app.storage())
    }

    /// Changes x/liquid's caps (on Gaia: a governance proposal).
    pub fn set_liquid_caps(&mut self, global: Decimal, validator: Decimal) {
        self.apply(&Step::SetLiquidCaps { global, validator })
            .expect("set x/liquid caps");
    }

    // ------------------------------------------------------------------ x/gov

    /// Opens a proposal whose voting period starts now and lasts `voting_period` seconds;
    /// returns its id (from 1).
    pub fn open_proposal(&mut self, voting_period: u64) -> u64 {
        let res = self
            .apply(&Step::OpenProposal { voting_period })
            .expect("open proposal");
        opened_proposal(&res).expect("proposal_id of the opened proposal")
    }

    /// A proposal with every vote cast on it.
    pub fn proposal(&self, id: u64) -> Option<Proposal> {
        gov::proposal(self.app.storage(), id)
    }

    /// The options `voter` (a name or an address) last cast on the proposal; `None` if it has
    /// not voted.
    pub fn gov_vote(&self, id: u64, voter: &str) -> Option<Vec<WeightedVoteOption>> {
        self.proposal(id)?
            .votes
            .get(self.addr(voter).as_str())
            .cloned()
    }

    /// `voter` votes directly on the chain (a weighted vote; one option of weight 1 is a
    /// plain vote).
    pub fn vote_native(
        &mut self,
        voter: &str,
        proposal_id: u64,
        options: Vec<WeightedVoteOption>,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::VoteNative {
            voter: voter.to_string(),
            proposal_id,
            options,
        })
    }

    /// The tally x/gov would compute if the proposal's voting period ended now: each voter's
    /// delegations on bonded validators × its weights, per option, truncated per option.
    pub fn gov_tally(&self, id: u64) -> GovTally {
        let Some(p) = self.proposal(id) else {
            return GovTally::default();
        };
        let bonded: Vec<String> = self
            .app
            .wrap()
            .query_all_validators()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.address)
            .collect();
        let mut per = [Decimal256::zero(); 4];
        let mut total = Uint128::zero();
        for (voter, options) in &p.votes {
            for d in self
                .app
                .wrap()
                .query_all_delegations(voter)
                .unwrap_or_default()
            {
                if !bonded.contains(&d.validator) {
                    continue;
                }
                total += d.amount.amount;
                let power = Decimal256::from_atomics(d.amount.amount, 0).expect("power");
                for o in options {
                    let i = match o.option {
                        cosmwasm_std::VoteOption::Yes => 0,
                        cosmwasm_std::VoteOption::No => 1,
                        cosmwasm_std::VoteOption::Abstain => 2,
                        cosmwasm_std::VoteOption::NoWithVeto => 3,
                    };
                    per[i] += power * Decimal256::from(o.weight);
                }
            }
        }
        let int = |d: Decimal256| Uint128::try_from(d.to_uint_floor()).expect("tally fits");
        GovTally {
            yes: int(per[0]),
            no: int(per[1]),
            abstain: int(per[2]),
            no_with_veto: int(per[3]),
            total,
        }
    }
}

/// The coin of x/liquid's responses (`msg_responses[0]`, else `data`).
fn response_coin(res: &AppResponse) -> AnyResult<Coin> {
    let bytes = res
        .msg_responses
        .first()
        .map(|m| m.value.clone())
        .or_else(|| res.data.clone())
        .ok_or_else(|| anyhow::anyhow!("x/liquid answered without a response"))?;
    let fields = proto::fields(&bytes)?;
    let (_, coin) = fields
        .iter()
        .find(|(n, _)| *n == 1)
        .ok_or_else(|| anyhow::anyhow!("x/liquid's response has no amount"))?;
    proto::coin(coin)
}
