//! A small mock chain behind the VM: the bank, staking and distribution state the hub
//! queries, and the effects of the messages the hub emits.
//!
//! It behaves like the Cosmos SDK where the hub can tell the difference: a delegation
//! change auto-withdraws pending rewards (so a hub that forgets to withdraw first is
//! caught), withdrawing without a delegation or with zero rewards fails, at most 7
//! unbonding entries may be in flight per validator, undelegated tokens arrive in the
//! hub's bank balance when the entry matures, and a chain slash shrinks the delegation and
//! the entries still unbonding.

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
    validator: String,
    completion: Timestamp,
    amount: u128,
}

/// Everything the hub can observe of the chain. Only the hub delegates here.
#[derive(Clone)]
pub struct Chain {
    pub bonded_denom: String,
    pub hub: String,
    pub time: Timestamp,
    pub height: u64,
    pub unbonding_period: u64,
    validators: BTreeSet<String>,
    balances: BTreeMap<(String, String), u128>,
    delegations: BTreeMap<String, u128>,
    rewards: BTreeMap<String, BTreeMap<String, u128>>,
    entries: Vec<Entry>,
    contracts: BTreeSet<String>,
    cw20: BTreeMap<(String, String), u128>,
    /// Tokens burned by the hub (the bench's slash destination).
    pub burned: u128,
    /// Rewards the chain withdrew on a delegation change because the hub had not (a bug
    /// in the hub if ever non-zero: those rewards would be nobody's on its books).
    pub silently_withdrawn: u128,
    pub queries: QueryStats,
}

impl Chain {
    pub fn new(bonded_denom: &str, hub: &str, unbonding_period: u64) -> Self {
        Chain {
            bonded_denom: bonded_denom.to_string(),
            hub: hub.to_string(),
            time: Timestamp::from_seconds(1_700_000_000),
            height: 1,
            unbonding_period,
            validators: BTreeSet::new(),
            balances: BTreeMap::new(),
            delegations: BTreeMap::new(),
            rewards: BTreeMap::new(),
            entries: vec![],
            contracts: BTreeSet::new(),
            cw20: BTreeMap::new(),
            burned: 0,
            silently_withdrawn: 0,
            queries: QueryStats::default(),
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

    pub fn delegation(&self, validator: &str) -> u128 {
        self.delegations.get(validator).copied().unwrap_or(0)
    }

    pub fn entries_in_flight(&self, validator: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.validator == validator)
            .count()
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

    /// Staking rewards accrue on the hub's delegation.
    pub fn accrue_rewards(&mut self, validator: &str, coins: &[Coin]) {
        assert!(
            self.delegation(validator) > 0,
            "rewards accrue only on a delegation"
        );
        let r = self.rewards.entry(validator.to_string()).or_default();
        for c in coins {
            *r.entry(c.denom.clone()).or_default() += c.amount.u128();
        }
    }

    /// Chain slashing (double sign, downtime): the delegation and the entries still
    /// unbonding from the validator lose `fraction`.
    pub fn slash_validator(&mut self, validator: &str, fraction: Decimal) {
        if let Some(d) = self.delegations.get_mut(validator) {
            *d -= (Decimal::from_atomics(*d, 0).unwrap() * fraction)
                .to_uint_floor()
                .u128();
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
            let (hub, denom) = (self.hub.clone(), self.bonded_denom.clone());
            self.credit(&hub, &denom, e.amount);
        }
    }

    fn withdraw(&mut self, validator: &str) -> u128 {
        let rewards = self.rewards.remove(validator).unwrap_or_default();
        let mut total = 0;
        for (denom, amount) in rewards {
            self.credit(&self.hub.clone(), &denom, amount);
            total += amount;
        }
        total
    }

    /// Applies one message the hub emitted (sender = the hub).
    pub fn apply(&mut self, msg: &CosmosMsg) -> Result<(), String> {
        let hub = self.hub.clone();
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
                self.silently_withdrawn += self.withdraw(validator);
                self.debit(&hub, &amount.denom, amount.amount.u128())?;
                *self.delegations.entry(validator.clone()).or_default() += amount.amount.u128();
            }
            CosmosMsg::Staking(StakingMsg::Undelegate { validator, amount }) => {
                self.check_denom_and_validator(validator, amount)?;
                let delegated = self.delegation(validator);
                if amount.amount.u128() > delegated {
                    return Err(format!(
                        "undelegate {amount} from {validator}: only {delegated} delegated"
                    ));
                }
                if self.entries_in_flight(validator) >= MAX_UNBONDING_ENTRIES {
                    return Err(format!(
                        "too many unbonding entries for (hub, {validator}): the SDK allows {MAX_UNBONDING_ENTRIES}"
                    ));
                }
                self.silently_withdrawn += self.withdraw(validator);
                let left = delegated - amount.amount.u128();
                if left == 0 {
                    self.delegations.remove(validator);
                } else {
                    self.delegations.insert(validator.clone(), left);
                }
                self.entries.push(Entry {
                    validator: validator.clone(),
                    completion: self.time.plus_seconds(self.unbonding_period),
                    amount: amount.amount.u128(),
                });
            }
            CosmosMsg::Distribution(DistributionMsg::WithdrawDelegatorReward { validator }) => {
                if self.delegation(validator) == 0 {
                    return Err(format!("withdraw from {validator}: no delegation"));
                }
                if self.withdraw(validator) == 0 {
                    return Err(format!("withdraw from {validator}: no rewards"));
                }
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
                let amount = if delegator == self.hub {
                    self.delegation(&validator)
                } else {
                    0
                };
                let d = (amount > 0).then(|| {
                    let rewards = self
                        .rewards
                        .get(&validator)
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
                if !self.contracts.contains(&contract_addr) {
                    return Err(format!("no such contract: {contract_addr}"));
                }
                to_json_binary(&ContractInfoResponse::new(
                    1,
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
    pub chain: std::cell::RefCell<Chain>,
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

    fn chain() -> Chain {
        let mut c = Chain::new("ustake", "hub", 100);
        c.add_validator("val");
        c.attach_funds(&[coin(1_000, "ustake")]);
        c.apply(&CosmosMsg::Staking(StakingMsg::Delegate {
            validator: "val".into(),
            amount: coin(1_000, "ustake"),
        }))
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
        assert!(c.apply(&withdraw).unwrap_err().contains("no rewards"));
        c.accrue_rewards("val", &[coin(7, "ustake")]);
        c.apply(&withdraw).unwrap();
        assert_eq!(c.balance("hub", "ustake"), 7);
        assert_eq!(c.silently_withdrawn, 0);
        // Rewards left when the delegation changes are withdrawn by the chain itself.
        c.accrue_rewards("val", &[coin(5, "ustake")]);
        c.apply(&undelegate(10)).unwrap();
        assert_eq!(c.silently_withdrawn, 5);
    }

    #[test]
    fn undelegations_mature_into_the_balance_at_most_seven_at_a_time() {
        let mut c = chain();
        for _ in 0..MAX_UNBONDING_ENTRIES {
            c.apply(&undelegate(10)).unwrap();
        }
        assert!(c.apply(&undelegate(10)).unwrap_err().contains("too many"));
        c.slash_validator("val", Decimal::percent(10));
        assert_eq!(c.delegation("val"), 930 - 93);
        c.advance(99);
        assert_eq!(c.balance("hub", "ustake"), 0);
        c.advance(1);
        assert_eq!(c.balance("hub", "ustake"), 7 * 9);
        assert_eq!(c.entries_in_flight("val"), 0);
    }
}
