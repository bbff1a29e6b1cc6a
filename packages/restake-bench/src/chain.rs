//! A small mock chain behind the VM: the bank, staking and distribution state the hub
//! queries, and the effects of the messages the hub emits.
//!
//! It behaves like the Cosmos SDK where the hub can tell the difference: a delegation
//! change auto-withdraws pending rewards to the delegator's withdraw address (so a hub that
//! forgets to withdraw first is caught), withdrawing without a delegation or with zero
//! rewards fails, at most 7 unbonding entries may be in flight per (delegator, validator),
//! undelegated tokens arrive in the delegator's bank balance when the entry matures, and a
//! chain slash shrinks the delegations and the entries still unbonding. Delegators are the
//! hub and its per-validator proxies (see `vm.rs`, which runs the proxies in the VM).
//!
//! Why one file: the mock chain is one state (bank, staking, distribution, unbonding
//! entries) that every message the hub emits changes in more than one place; split by
//! module, each part would reach into the others' maps.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{
    from_json, to_json_binary, Addr, BalanceResponse, BankMsg, BankQuery, Binary,
    BondedDenomResponse, Coin, ContractInfoResponse, ContractResult, CosmosMsg, Decimal,
    DelegationResponse, DistributionMsg, Empty, FullDelegation, QueryRequest, StakingMsg,
    StakingQuery, SystemError, SystemResult, Timestamp, Validator, ValidatorResponse, WasmMsg,
    WasmQuery,
};
use cosmwasm_vm::{BackendResult, GasInfo, Querier};
use cw20::Cw20ExecuteMsg;
use serde::Serialize;

/// The Cosmos SDK's limit on unbonding entries per (delegator, validator).
pub const MAX_UNBONDING_ENTRIES: usize = 7;

/// Chain queries one message made, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QueryStats {
    pub bonded_denom: u64,
    pub validator: u64,
    pub delegation: u64,
    pub balance: u64,
    pub contract_info: u64,
    pub other: u64,
}

impl std::ops::AddAssign for QueryStats {
    fn add_assign(&mut self, o: Self) {
        self.bonded_denom += o.bonded_denom;
        self.validator += o.validator;
        self.delegation += o.delegation;
        self.balance += o.balance;
        self.contract_info += o.contract_info;
        self.other += o.other;
    }
}

impl QueryStats {
    pub fn total(&self) -> u64 {
        self.bonded_denom
            + self.validator
            + self.delegation
            + self.balance
            + self.contract_info
            + self.other
    }
}

#[derive(Clone, Debug)]
struct Entry {
    delegator: String,
    validator: String,
    completion: Timestamp,
    amount: u128,
}

/// Everything the hub can observe of the chain. The hub and its proxies delegate here.
#[derive(Clone)]
pub struct MockChain {
    pub bonded_denom: String,
    pub hub: String,
    pub time: Timestamp,
    pub height: u64,
    pub unbonding_period: u64,
    validators: BTreeSet<String>,
    balances: BTreeMap<(String, String), u128>,
    /// (delegator, validator) → tokens.
    delegations: BTreeMap<(String, String), u128>,
    /// (delegator, validator) → pending rewards per denom.
    rewards: BTreeMap<(String, String), BTreeMap<String, u128>>,
    withdraw_addr: BTreeMap<String, String>,
    entries: Vec<Entry>,
    /// Contracts whose code is the hub's (the hub and its proxies): their contract info.
    pub hub_code: BTreeSet<String>,
    contracts: BTreeSet<String>,
    cw20: BTreeMap<(String, String), u128>,
    /// Tokens burned by the hub (the bench's slash destination).
    pub burned: u128,
    /// Rewards the chain withdrew on a delegation change because the hub had not (a bug
    /// in the hub if ever non-zero: those rewards would be nobody's on its books).
    pub silently_withdrawn: u128,
    pub queries: QueryStats,
    /// x/gov: each proposal's voting end, and each voter's last vote (as weights).
    proposals: BTreeMap<u64, Timestamp>,
    pub votes: BTreeMap<(u64, String), Vec<cosmwasm_std::WeightedVoteOption>>,
}

impl MockChain {
    pub fn new(bonded_denom: &str, hub: &str, unbonding_period: u64) -> Self {
        MockChain {
            bonded_denom: bonded_denom.to_string(),
            hub: hub.to_string(),
            time: Timestamp::from_seconds(1_700_000_000),
            height: 1,
            unbonding_period,
            validators: BTreeSet::new(),
            balances: BTreeMap::new(),
            delegations: BTreeMap::new(),
            rewards: BTreeMap::new(),
            withdraw_addr: BTreeMap::new(),
            entries: vec![],
            hub_code: [hub.to_string()].into_iter().collect(),
            contracts: BTreeSet::new(),
            cw20: BTreeMap::new(),
            burned: 0,
            silently_withdrawn: 0,
            queries: QueryStats::default(),
            proposals: BTreeMap::new(),
            votes: BTreeMap::new(),
        }
    }

    /// Opens a proposal in its voting period for `voting_period` seconds from now; returns
    /// its id (from 1).
    pub fn open_proposal(&mut self, voting_period: u64) -> u64 {
        let id = self.proposals.len() as u64 + 1;
        self.proposals
            .insert(id, self.time.plus_seconds(voting_period));
        id
    }

    /// x/gov's `AddVote`: only a proposal in its voting period takes a vote; a voter's later
    /// vote replaces its earlier one.
    fn vote(
        &mut self,
        voter: &str,
        proposal_id: u64,
        options: Vec<cosmwasm_std::WeightedVoteOption>,
    ) -> Result<(), String> {
        match self.proposals.get(&proposal_id) {
            Some(end) if self.time < *end => {
                self.votes.insert((proposal_id, voter.to_string()), options);
                Ok(())
            }
            _ => Err(format!("{proposal_id}: inactive proposal")),
        }
    }

    pub fn add_validator(&mut self, validator: &str) {
        self.validators.insert(validator.to_string());
    }

    /// Registers a cw20 token contract (answers `contract_info`).
    pub fn add_contract(&mut self, addr: &str) {
        self.contracts.insert(addr.to_string());
    }

    pub fn balance(&self, addr: &str, denom: &str) -> u128 {
        self.balances
            .get(&(addr.to_string(), denom.to_string()))
            .copied()
            .unwrap_or(0)
    }

    pub fn cw20_balance(&self, token: &str, addr: &str) -> u128 {
        self.cw20
            .get(&(token.to_string(), addr.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every delegation on the validator (the hub's and its proxy's).
    pub fn delegation(&self, validator: &str) -> u128 {
        self.delegations
            .iter()
            .filter(|((_, v), _)| v == validator)
            .map(|(_, a)| *a)
            .sum()
    }

    fn delegation_of(&self, delegator: &str, validator: &str) -> u128 {
        self.delegations
            .get(&(delegator.to_string(), validator.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The account delegating to the validator (the first found), if any.
    fn delegator_of(&self, validator: &str) -> Option<String> {
        self.delegations
            .keys()
            .find(|(_, v)| v == validator)
            .map(|(d, _)| d.clone())
    }

    pub fn entries_in_flight(&self, validator: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.validator == validator)
            .count()
    }

    /// Moves tokens between accounts (funds attached to a contract call).
    pub fn transfer(&mut self, from: &str, to: &str, coins: &[Coin]) -> Result<(), String> {
        for c in coins {
            self.debit(from, &c.denom, c.amount.u128())?;
            self.credit(to, &c.denom, c.amount.u128());
        }
        Ok(())
    }

    fn credit(&mut self, addr: &str, denom: &str, amount: u128) {
        *self
            .balances
            .entry((addr.to_string(), denom.to_string()))
            .or_default() += amount;
    }

    fn debit(&mut self, addr: &str, denom: &str, amount: u128) -> Result<(), String> {
        let b = self
            .balances
            .entry((addr.to_string(), denom.to_string()))
            .or_default();
        if *b < amount {
            return Err(format!(
                "insufficient funds: {addr} has {b}{denom}, needs {amount}{denom}"
            ));
        }
        *b -= amount;
        Ok(())
    }

    /// Funds attached to a message move from the sender to the hub before it runs (the
    /// bench's senders are funded on demand).
    pub fn attach_funds(&mut self, funds: &[Coin]) {
        for c in funds {
            self.credit(&self.hub.clone(), &c.denom, c.amount.u128());
        }
    }

    /// A cw20 `send` to the hub: the token moves the balance, then calls `receive`.
    pub fn cw20_send_to_hub(&mut self, token: &str, amount: u128) {
        *self
            .cw20
            .entry((token.to_string(), self.hub.clone()))
            .or_default() += amount;
    }

    /// Staking rewards accrue on the delegation on the validator.
    pub fn accrue_rewards(&mut self, validator: &str, coins: &[Coin]) {
        let delegator = self
            .delegator_of(validator)
            .expect("rewards accrue only on a delegation");
        let r = self
            .rewards
            .entry((delegator, validator.to_string()))
            .or_default();
        for c in coins {
            *r.entry(c.denom.clone()).or_default() += c.amount.u128();
        }
    }

    /// Chain slashing (double sign, downtime): the delegation and the entries still
    /// unbonding from the validator lose `fraction`.
    pub fn slash_validator(&mut self, validator: &str, fraction: Decimal) {
        for ((_, v), d) in self.delegations.iter_mut() {
            if v == validator {
                *d -= (Decimal::from_atomics(*d, 0).unwrap() * fraction)
                    .to_uint_floor()
                    .u128();
            }
        }
        for e in self.entries.iter_mut().filter(|e| e.validator == validator) {
            e.amount -= (Decimal::from_atomics(e.amount, 0).unwrap() * fraction)
                .to_uint_floor()
                .u128();
        }
    }

    /// Time passes; unbonding entries that complete are paid into the hub's balance (the
    /// staking end-blocker).
    pub fn advance(&mut self, seconds: u64) {
        self.time = self.time.plus_seconds(seconds);
        self.height += seconds.div_ceil(6).max(1);
        let now = self.time;
        let (done, left): (Vec<Entry>, Vec<Entry>) =
            self.entries.drain(..).partition(|e| e.completion <= now);
        self.entries = left;
        for e in done {
            let denom = self.bonded_denom.clone();
            self.credit(&e.delegator, &denom, e.amount);
        }
    }

    fn withdraw(&mut self, delegator: &str, validator: &str) -> u128 {
        let rewards = self
            .rewards
            .remove(&(delegator.to_string(), validator.to_string()))
            .unwrap_or_default();
        let to = self
            .withdraw_addr
            .get(delegator)
            .cloned()
            .unwrap_or_else(|| delegator.to_string());
        let mut total = 0;
        for (denom, amount) in rewards {
            self.credit(&to, &denom, amount);
            total += amount;
        }
        total
    }

    /// Applies one message a contract emitted (`hub`: the sender, the hub or a proxy).
    pub fn apply(&mut self, hub: &str, msg: &CosmosMsg) -> Result<(), String> {
        let hub = hub.to_string();
        match msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                for c in amount {
                    self.debit(&hub, &c.denom, c.amount.u128())?;
                    self.credit(to_address, &c.denom, c.amount.u128());
                }
            }
            CosmosMsg::Bank(BankMsg::Burn { amount }) => {
                for c in amount {
                    self.debit(&hub, &c.denom, c.amount.u128())?;
                    self.burned += c.amount.u128();
                }
            }
            CosmosMsg::Staking(StakingMsg::Delegate { validator, amount }) => {
                self.check_denom_and_validator(validator, amount)?;
                self.silently_withdrawn += self.withdraw(&hub, validator);
                self.debit(&hub, &amount.denom, amount.amount.u128())?;
                *self
                    .delegations
                    .entry((hub.clone(), validator.clone()))
                    .or_default() += amount.amount.u128();
            }
            CosmosMsg::Staking(StakingMsg::Undelegate { validator, amount }) => {
                self.check_denom_and_validator(validator, amount)?;
                let delegated = self.delegation_of(&hub, validator);
                if amount.amount.u128() > delegated {
                    return Err(format!(
                        "undelegate {amount} from {validator}: only {delegated} delegated"
                    ));
                }
                let in_flight = self
                    .entries
                    .iter()
                    .filter(|e| e.validator == *validator && e.delegator == hub)
                    .count();
                if in_flight >= MAX_UNBONDING_ENTRIES {
                    return Err(format!(
                        "too many unbonding entries for ({hub}, {validator}): the SDK allows {MAX_UNBONDING_ENTRIES}"
                    ));
                }
                self.silently_withdrawn += self.withdraw(&hub, validator);
                let left = delegated - amount.amount.u128();
                let key = (hub.clone(), validator.clone());
                if left == 0 {
                    self.delegations.remove(&key);
                } else {
                    self.delegations.insert(key, left);
                }
                self.entries.push(Entry {
                    delegator: hub.clone(),
                    validator: validator.clone(),
                    completion: self.time.plus_seconds(self.unbonding_period),
                    amount: amount.amount.u128(),
                });
            }
            CosmosMsg::Distribution(DistributionMsg::WithdrawDelegatorReward { validator }) => {
                if self.delegation_of(&hub, validator) == 0 {
                    return Err(format!("withdraw from {validator}: no delegation"));
                }
                if self.withdraw(&hub, validator) == 0 {
                    return Err(format!("withdraw from {validator}: no rewards"));
                }
            }
            CosmosMsg::Distribution(DistributionMsg::SetWithdrawAddress { address }) => {
                self.withdraw_addr.insert(hub.clone(), address.clone());
            }
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) if self.contracts.contains(contract_addr) && funds.is_empty() => {
                match from_json::<Cw20ExecuteMsg>(msg).map_err(|e| e.to_string())? {
                    Cw20ExecuteMsg::Transfer { recipient, amount } => {
                        let from = (contract_addr.clone(), hub);
                        let b = self.cw20.entry(from).or_default();
                        if *b < amount.u128() {
                            return Err(format!("cw20 {contract_addr}: hub holds {b} < {amount}"));
                        }
                        *b -= amount.u128();
                        *self
                            .cw20
                            .entry((contract_addr.clone(), recipient))
                            .or_default() += amount.u128();
                    }
                    other => return Err(format!("unsupported cw20 message {other:?}")),
                }
            }
            CosmosMsg::Gov(cosmwasm_std::GovMsg::Vote {
                proposal_id,
                option,
            }) => self.vote(
                &hub,
                *proposal_id,
                vec![cosmwasm_std::WeightedVoteOption {
                    option: option.clone(),
                    weight: cosmwasm_std::Decimal::one(),
                }],
            )?,
            CosmosMsg::Gov(cosmwasm_std::GovMsg::VoteWeighted {
                proposal_id,
                options,
            }) => self.vote(&hub, *proposal_id, options.clone())?,
            other => return Err(format!("the mock chain does not handle {other:?}")),
        }
        Ok(())
    }

    fn check_denom_and_validator(&self, validator: &str, amount: &Coin) -> Result<(), String> {
        if amount.denom != self.bonded_denom || amount.amount.is_zero() {
            return Err(format!("invalid staking amount {amount}"));
        }
        if !self.validators.contains(validator) {
            return Err(format!("unknown validator {validator}"));
        }
        Ok(())
    }

    fn answer(&mut self, request: QueryRequest<Empty>) -> Result<Binary, String> {
        let json = match request {
            QueryRequest::Bank(BankQuery::Balance { address, denom }) => {
                self.queries.balance += 1;
                let amount = self.balance(&address, &denom);
                to_json_binary(&BalanceResponse::new(Coin::new(amount, denom)))
            }
            QueryRequest::Staking(StakingQuery::BondedDenom {}) => {
                self.queries.bonded_denom += 1;
                to_json_binary(&BondedDenomResponse::new(self.bonded_denom.clone()))
            }
            QueryRequest::Staking(StakingQuery::AllValidators {}) => {
                self.queries.validator += 1;
                let all: Vec<Validator> = self
                    .validators
                    .iter()
                    .map(|address| {
                        Validator::create(
                            address.clone(),
                            Decimal::percent(5),
                            Decimal::percent(20),
                            Decimal::percent(1),
                        )
                    })
                    .collect();
                to_json_binary(&cosmwasm_std::AllValidatorsResponse::new(all))
            }
            QueryRequest::Staking(StakingQuery::Validator { address }) => {
                self.queries.validator += 1;
                let v = self.validators.contains(&address).then(|| {
                    Validator::create(
                        address,
                        Decimal::percent(5),
                        Decimal::percent(20),
                        Decimal::percent(1),
                    )
                });
                to_json_binary(&ValidatorResponse::new(v))
            }
            QueryRequest::Staking(StakingQuery::Delegation {
                delegator,
                validator,
            }) => {
                self.queries.delegation += 1;
                let amount = self.delegation_of(&delegator, &validator);
                let d = (amount > 0).then(|| {
                    let rewards = self
                        .rewards
                        .get(&(delegator.clone(), validator.clone()))
                        .map(|r| {
                            r.iter()
                                .filter(|(_, a)| **a > 0)
                                .map(|(d, a)| Coin::new(*a, d.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    FullDelegation::create(
                        Addr::unchecked(delegator),
                        validator,
                        Coin::new(amount, self.bonded_denom.clone()),
                        Coin::new(amount, self.bonded_denom.clone()),
                        rewards,
                    )
                });
                to_json_binary(&DelegationResponse::new(d))
            }
            QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
                self.queries.contract_info += 1;
                let code_id = if self.hub_code.contains(&contract_addr) {
                    crate::vm::HUB_CODE_ID
                } else if self.contracts.contains(&contract_addr) {
                    2
                } else {
                    return Err(format!("no such contract: {contract_addr}"));
                };
                to_json_binary(&ContractInfoResponse::new(
                    code_id,
                    Addr::unchecked(self.hub.clone()),
                    None,
                    false,
                    None,
                ))
            }
            other => {
                self.queries.other += 1;
                return Err(format!("the mock chain does not answer {other:?}"));
            }
        };
        json.map_err(|e| e.to_string())
    }
}

/// The VM's querier: answers from the mock chain. Queries report no CosmWasm gas (wasmd
/// charges them in SDK gas); the bench counts them instead.
pub struct ChainQuerier {
    pub chain: std::cell::RefCell<MockChain>,
}

impl Querier for ChainQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        _gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let result = match from_json::<QueryRequest<Empty>>(request) {
            Err(e) => SystemResult::Err(SystemError::InvalidRequest {
                error: e.to_string(),
                request: Binary::from(request),
            }),
            Ok(req) => match self.chain.borrow_mut().answer(req) {
                Ok(bin) => SystemResult::Ok(ContractResult::Ok(bin)),
                Err(e) => SystemResult::Ok(ContractResult::Err(e)),
            },
        };
        (Ok(result), GasInfo::free())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::coin;

    fn chain() -> MockChain {
        let mut c = MockChain::new("ustake", "hub", 100);
        c.add_validator("val");
        c.attach_funds(&[coin(1_000, "ustake")]);
        c.apply(
            "hub",
            &CosmosMsg::Staking(StakingMsg::Delegate {
                validator: "val".into(),
                amount: coin(1_000, "ustake"),
            }),
        )
        .unwrap();
        c
    }

    fn undelegate(amount: u128) -> CosmosMsg {
        CosmosMsg::Staking(StakingMsg::Undelegate {
            validator: "val".into(),
            amount: coin(amount, "ustake"),
        })
    }

    #[test]
    fn withdrawing_needs_rewards_and_a_delegation() {
        let mut c = chain();
        let withdraw = CosmosMsg::Distribution(DistributionMsg::WithdrawDelegatorReward {
            validator: "val".into(),
        });
        assert!(c
            .apply("hub", &withdraw)
            .unwrap_err()
            .contains("no rewards"));
        c.accrue_rewards("val", &[coin(7, "ustake")]);
        c.apply("hub", &withdraw).unwrap();
        assert_eq!(c.balance("hub", "ustake"), 7);
        assert_eq!(c.silently_withdrawn, 0);
        // Rewards left when the delegation changes are withdrawn by the chain itself.
        c.accrue_rewards("val", &[coin(5, "ustake")]);
        c.apply("hub", &undelegate(10)).unwrap();
        assert_eq!(c.silently_withdrawn, 5);
    }

    #[test]
    fn undelegations_mature_into_the_balance_at_most_seven_at_a_time() {
        let mut c = chain();
        for _ in 0..MAX_UNBONDING_ENTRIES {
            c.apply("hub", &undelegate(10)).unwrap();
        }
        assert!(c
            .apply("hub", &undelegate(10))
            .unwrap_err()
            .contains("too many"));
        c.slash_validator("val", Decimal::percent(10));
        assert_eq!(c.delegation("val"), 930 - 93);
        c.advance(99);
        assert_eq!(c.balance("hub", "ustake"), 0);
        c.advance(1);
        assert_eq!(c.balance("hub", "ustake"), 7 * 9);
        assert_eq!(c.entries_in_flight("val"), 0);
    }
}
