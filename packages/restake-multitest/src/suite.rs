//! The Suite: the hub on cw-multi-test with real staking, bank, distribution, gov and
//! x/liquid modules, and one method per thing a test does to it or asks of it.
//!
//! Why one file: the Suite is the harness's one object; its methods are short, each a hub
//! message, a chain event or a query, and tests find them all here.

use std::collections::BTreeSet;

use anyhow::Result as AnyResult;
use cosmwasm_std::testing::{MockApi, MockStorage};
use cosmwasm_std::{
    coin, from_json, Addr, Binary, Coin, Decimal, Empty, StdResult, Timestamp, Uint128, Validator,
};
use cw_multi_test::{
    App, AppBuilder, AppResponse, BankKeeper, ContractWrapper, Executor, FailingModule,
    IbcFailingModule, IntoBech32, StakingInfo, WasmKeeper,
};
use restake_types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::distribution::{CommunityPoolDistribution, CommunityPoolStargate};
use crate::gov::SuiteGov;
use crate::liquid::{Liquid, LiquidParams};
use crate::staking::JailingStaking;
use crate::stargate::SuiteStargate;
use crate::step::Step;

/// The chain the Suite runs.
pub type HubApp = App<
    BankKeeper,
    MockApi,
    MockStorage,
    FailingModule<Empty, Empty, Empty>,
    WasmKeeper<Empty, Empty>,
    JailingStaking,
    CommunityPoolDistribution,
    IbcFailingModule,
    SuiteGov,
    SuiteStargate,
>;

/// Cosmos Hub's unbonding time.
pub const HUB_UNBONDING: u64 = 21 * 24 * 3600;

/// A service to register, with defaults for everything but its name.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    /// The service's name.
    pub name: String,
    /// Account name or address of the admin (sender of the registration).
    pub admin: String,
    /// Account name or address allowed to open slash requests.
    pub slasher: String,
    /// Account name or address that may veto slash requests.
    pub resolver: Option<String>,
    /// Largest fraction one slash request may take.
    pub max_slash: Decimal,
    /// Seconds between a slash request and its earliest execution.
    pub veto_period: u64,
    /// Seconds a staker's opt-out takes.
    pub opt_out_delay: u64,
    /// Native denoms the service pays rewards in.
    pub reward_denoms: Vec<String>,
    /// cw20 token addresses the service pays rewards in.
    pub reward_tokens: Vec<String>,
    /// Optional link to the service's description.
    pub metadata_uri: Option<String>,
}

impl ServiceSpec {
    /// A service administered by `name`, slashed by `{name}-slasher`, max slash 10%, no veto
    /// window, no opt-out delay, no reward assets.
    pub fn new(name: &str) -> Self {
        ServiceSpec {
            name: name.to_string(),
            admin: name.to_string(),
            slasher: format!("{name}-slasher"),
            resolver: None,
            max_slash: Decimal::percent(10),
            veto_period: 0,
            opt_out_delay: 0,
            reward_denoms: vec![],
            reward_tokens: vec![],
            metadata_uri: None,
        }
    }
    /// Sets `max_slash`.
    pub fn max_slash(mut self, m: Decimal) -> Self {
        self.max_slash = m;
        self
    }
    /// Sets the slasher (account name or address).
    pub fn slasher(mut self, s: &str) -> Self {
        self.slasher = s.to_string();
        self
    }
    /// Sets the resolver (account name or address).
    pub fn resolver(mut self, r: &str) -> Self {
        self.resolver = Some(r.to_string());
        self
    }
    /// Sets the veto window in seconds.
    pub fn veto_period(mut self, s: u64) -> Self {
        self.veto_period = s;
        self
    }
    /// Sets the opt-out delay in seconds.
    pub fn opt_out_delay(mut self, s: u64) -> Self {
        self.opt_out_delay = s;
        self
    }
    /// Adds a native reward denom.
    pub fn reward_denom(mut self, d: &str) -> Self {
        self.reward_denoms.push(d.to_string());
        self
    }
    /// Adds a cw20 reward token.
    pub fn reward_token(mut self, t: &Addr) -> Self {
        self.reward_tokens.push(t.to_string());
        self
    }
}

/// Builds a [`Suite`]: the chain's validators, denom, unbonding time, reward rate,
/// genesis balances and the hub's instantiate message.
pub struct SuiteBuilder {
    validators: usize,
    bonded_denom: String,
    unbonding_time: u64,
    apr: Decimal,
    commission: Decimal,
    funds: Vec<(String, Vec<Coin>)>,
    instantiate: InstantiateMsg,
    start_time: Timestamp,
    refuse_community_pool: bool,
    liquid: Option<LiquidParams>,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl SuiteBuilder {
    /// One validator, `uatom`, 21-day unbonding, 10% APR, no commission, default hub config.
    pub fn new() -> Self {
        SuiteBuilder {
            validators: 1,
            bonded_denom: "uatom".into(),
            unbonding_time: HUB_UNBONDING,
            apr: Decimal::percent(10),
            commission: Decimal::zero(),
            funds: vec![],
            instantiate: InstantiateMsg::new(HUB_UNBONDING),
            start_time: Timestamp::from_seconds(1_700_000_000),
            refuse_community_pool: false,
            liquid: Some(LiquidParams::default()),
        }
    }
    /// x/liquid's liquid staking caps (Gaia's default: 1 and 1, no cap): the largest
    /// fraction of the chain's bonded tokens, and of one validator's tokens, that may be
    /// tokenized. Enforced on tokenization only, as on Gaia v25.1.1.
    pub fn with_liquid_caps(mut self, global: Decimal, validator: Decimal) -> Self {
        self.liquid = Some(LiquidParams {
            global_liquid_staking_cap: global,
            validator_liquid_staking_cap: validator,
        });
        self
    }
    /// A chain without Gaia's x/liquid: its messages are unknown types there (wasmd's
    /// "Cannot unpack proto message", codespace wasm, code 10).
    pub fn without_liquid(mut self) -> Self {
        self.liquid = None;
        self
    }
    /// Makes the chain refuse `MsgFundCommunityPool` (to test a destination that fails).
    pub fn with_refusing_community_pool(mut self) -> Self {
        self.refuse_community_pool = true;
        self
    }
    /// Number of validators (`Suite::validator(i)` gives their operator addresses).
    pub fn with_validators(mut self, n: usize) -> Self {
        self.validators = n;
        self
    }
    /// The chain's bonded denom (default `uatom`).
    pub fn with_bonded_denom(mut self, d: &str) -> Self {
        self.bonded_denom = d.into();
        self
    }
    /// The chain's unbonding time, also given to the hub as `unbonding_period`.
    pub fn with_unbonding_time(mut self, s: u64) -> Self {
        self.unbonding_time = s;
        self.instantiate.unbonding_period = s;
        self
    }
    /// Native staking reward rate (0 for none).
    pub fn with_apr(mut self, apr: Decimal) -> Self {
        self.apr = apr;
        self
    }
    /// Every validator's commission rate.
    pub fn with_commission(mut self, c: Decimal) -> Self {
        self.commission = c;
        self
    }
    /// Genesis balance of an account (name or address).
    pub fn with_funds(mut self, who: &str, coins: Vec<Coin>) -> Self {
        self.funds.push((who.to_string(), coins));
        self
    }
    /// Edits the hub's instantiate message.
    pub fn with_hub(mut self, edit: impl FnOnce(&mut InstantiateMsg)) -> Self {
        edit(&mut self.instantiate);
        self
    }
    /// Builds the chain and instantiates the hub; panics if the hub refuses its
    /// instantiate message (see `try_build`).
    pub fn build(self) -> Suite {
        self.try_build().expect("instantiate restake-hub")
    }

    /// Like `build`, but returns the hub's instantiate error (a bad `with_hub` edit)
    /// instead of panicking.
    pub fn try_build(self) -> AnyResult<Suite> {
        let api = MockApi::default();
        let community_pool = api.addr_make("community_pool");
        let validators: Vec<String> = (0..self.validators)
            .map(|i| {
                format!("validator{}", i + 1)
                    .into_bech32_with_prefix("cosmwasmvaloper")
                    .to_string()
            })
            .collect();
        let staking_info = StakingInfo {
            bonded_denom: self.bonded_denom.clone(),
            unbonding_time: self.unbonding_time,
            apr: self.apr,
        };
        let commission = self.commission;
        let funds: Vec<(Addr, Vec<Coin>)> = self
            .funds
            .iter()
            .map(|(w, c)| (resolve(&api, w), c.clone()))
            .collect();
        let start = self.start_time;
        let vals = validators.clone();
        let liquid = self.liquid.clone();
        let mut app = AppBuilder::new()
            .with_api(api)
            .with_staking(JailingStaking::new())
            .with_distribution(CommunityPoolDistribution::new(community_pool.clone()))
            .with_stargate(SuiteStargate {
                community_pool: CommunityPoolStargate {
                    community_pool: community_pool.clone(),
                    refuse: self.refuse_community_pool,
                },
                liquid: self.liquid.is_some().then_some(Liquid),
            })
            .with_gov(SuiteGov)
            .build(move |router, api, storage| {
                router.staking.setup(storage, staking_info).unwrap();
                if let Some(p) = &liquid {
                    crate::liquid::set_params(storage, p);
                }
                let block = cosmwasm_std::BlockInfo {
                    height: 1,
                    time: start,
                    chain_id: "restake-test-1".into(),
                };
                for v in &vals {
                    router
                        .staking
                        .add_validator(
                            api,
                            storage,
                            &block,
                            Validator::create(
                                v.clone(),
                                commission,
                                Decimal::percent(100),
                                Decimal::percent(1),
                            ),
                        )
                        .unwrap();
                }
                for (who, coins) in funds {
                    router.bank.init_balance(storage, &who, coins).unwrap();
                }
            });
        app.update_block(|b| {
            b.time = start;
            b.height = 1;
        });
        let hub_code = app.store_code(Box::new(
            ContractWrapper::new(
                restake_hub::contract::execute,
                restake_hub::contract::instantiate,
                restake_hub::contract::query,
            )
            .with_reply(restake_hub::contract::reply)
            .with_migrate(restake_hub::contract::migrate),
        ));
        let cw20_code = app.store_code(Box::new(ContractWrapper::new(
            cw20_base::contract::execute,
            cw20_base::contract::instantiate,
            cw20_base::contract::query,
        )));
        let owner = app.api().addr_make("owner");
        let hub = app.instantiate_contract(
            hub_code,
            owner.clone(),
            &self.instantiate,
            &[],
            "restake-hub",
            Some(owner.to_string()),
        )?;
        Ok(Suite {
            app,
            hub,
            owner,
            validators,
            denom: self.bonded_denom,
            hub_code,
            cw20_code,
            community_pool,
            known: BTreeSet::new(),
        })
    }
}

fn resolve(api: &MockApi, who: &str) -> Addr {
    use cosmwasm_std::Api;
    match api.addr_validate(who) {
        Ok(a) => a,
        Err(_) => api.addr_make(who),
    }
}

/// A chain with the hub on it.
pub struct Suite {
    /// The cw-multi-test chain: use it directly for anything the helpers do not cover.
    pub app: HubApp,
    /// The hub's contract address.
    pub hub: Addr,
    /// The hub's owner (`addr_make("owner")`), also its wasm admin.
    pub owner: Addr,
    /// Validator operator addresses.
    pub validators: Vec<String>,
    /// The bonded denom.
    pub denom: String,
    /// Code id of the hub (for migration tests).
    pub hub_code: u64,
    /// Code id of cw20-base (see `create_cw20`).
    pub cw20_code: u64,
    /// Where `FundCommunityPool` sends funds.
    pub community_pool: Addr,
    /// Every address that sent a message through the Suite (for invariant checks).
    pub known: BTreeSet<Addr>,
}

/// The error text of a failed execution (the contract's message, without the
/// multi-test wrapping).
pub fn err_text(e: &anyhow::Error) -> String {
    e.root_cause().to_string()
}

impl Suite {
    // ------------------------------------------------------------------ plumbing

    /// The address of an account name (`"alice"`), or the address itself.
    pub fn addr(&self, who: &str) -> Addr {
        resolve(self.app.api(), who)
    }

    /// Operator address of validator `i` (from 0).
    pub fn validator(&self, i: usize) -> String {
        self.validators[i].clone()
    }

    /// A coin of the bonded denom.
    pub fn bonded(&self, amount: u128) -> Coin {
        coin(amount, &self.denom)
    }

    /// Mints coins to an account.
    pub fn mint(&mut self, who: &str, coins: Vec<Coin>) {
        self.apply(&Step::mint(who, coins)).expect("mint");
    }

    /// Bank balance of an account (name or address).
    pub fn balance(&self, who: &str, denom: &str) -> u128 {
        let a = self.addr(who);
        self.app
            .wrap()
            .query_balance(a, denom)
            .map(|c| c.amount.u128())
            .unwrap_or_default()
    }

    /// Bank balance of the hub.
    pub fn hub_balance(&self, denom: &str) -> u128 {
        self.balance(self.hub.as_str(), denom)
    }

    /// Sends a typed message to the hub (a [`Step::Hub`]).
    pub fn execute(
        &mut self,
        sender: &str,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::hub(sender, msg.clone(), funds.to_vec()))
    }

    /// Sends raw JSON to the hub, byte for byte as a chain CLI would.
    pub fn execute_json(
        &mut self,
        sender: &str,
        json: &str,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::Wasm {
            sender: sender.to_string(),
            contract: self.hub.to_string(),
            msg: Binary::new(json.as_bytes().to_vec()),
            funds: funds.to_vec(),
        })
    }

    /// Sends a typed query to the hub.
    pub fn query<T: DeserializeOwned>(&self, msg: &QueryMsg) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(self.hub.clone(), msg)
    }

    /// Sends a raw JSON query and returns the raw JSON answer.
    pub fn query_json(&self, json: &str) -> StdResult<serde_json::Value> {
        let raw = self.app.wrap().query_wasm_smart::<serde_json::Value>(
            self.hub.clone(),
            &RawJson(serde_json::from_str(json).map_err(|e| {
                cosmwasm_std::StdError::generic_err(format!("bad query json: {e}"))
            })?),
        )?;
        Ok(raw)
    }

    // ------------------------------------------------------------------ time and chain

    /// Moves time forward (one block per 5 s), running the staking module's end blocker.
    pub fn advance(&mut self, seconds: u64) {
        self.apply(&Step::advance(seconds)).expect("advance");
    }

    /// The current block time.
    pub fn now(&self) -> Timestamp {
        self.app.block_info().time
    }

    /// Slashes a validator on the chain (bonded stake and unbonding entries).
    pub fn chain_slash(&mut self, validator: &str, fraction: Decimal) {
        self.apply(&Step::chain_slash(validator, fraction))
            .expect("chain slash");
    }

    /// Jails a validator: it leaves the bonded set the staking module answers
    /// (cw-multi-test itself has no jailing).
    pub fn jail(&mut self, validator: &str) {
        self.apply(&Step::jail(validator, true)).expect("jail");
    }

    /// Lifts `jail`.
    pub fn unjail(&mut self, validator: &str) {
        self.apply(&Step::jail(validator, false)).expect("unjail");
    }

    /// The account holding the hub's delegation on a validator (its delegator proxy), if
    /// the hub has delegated to it.
    pub fn delegator(&self, validator: &str) -> Option<Addr> {
        self.validator_books(validator)
            .ok()
            .and_then(|v| v.delegator)
    }

    /// Every account that delegates for the hub: the hub and its proxies.
    pub fn delegators(&self) -> Vec<Addr> {
        let mut all = vec![self.hub.clone()];
        for v in &self.validators {
            if let Some(d) = self.delegator(v) {
                if !all.contains(&d) {
                    all.push(d);
                }
            }
        }
        all
    }

    /// The hub's delegation on a validator, as the chain reports it.
    pub fn delegation(&self, validator: &str) -> u128 {
        let Some(delegator) = self.delegator(validator) else {
            return 0;
        };
        self.app
            .wrap()
            .query_delegation(delegator, validator)
            .ok()
            .flatten()
            .map(|d| d.amount.amount.u128())
            .unwrap_or_default()
    }

    /// Tokens of `denom` the hub's delegator proxies hold (returned unbondings not yet swept
    /// into the hub).
    pub fn proxies_balance(&self, denom: &str) -> u128 {
        self.delegators()
            .iter()
            .filter(|d| **d != self.hub)
            .map(|d| self.balance(d.as_str(), denom))
            .sum()
    }

    /// Native rewards the chain has accumulated for the hub on a validator.
    pub fn chain_rewards(&self, validator: &str) -> u128 {
        let Some(delegator) = self.delegator(validator) else {
            return 0;
        };
        self.app
            .wrap()
            .query_delegation(delegator, validator)
            .ok()
            .flatten()
            .map(|d| {
                d.accumulated_rewards
                    .iter()
                    .map(|c| c.amount.u128())
                    .sum::<u128>()
            })
            .unwrap_or_default()
    }

    /// Tokens the chain is unbonding for the hub (read from the staking module's queue).
    pub fn chain_unbonding(&self) -> u128 {
        self.chain_unbonding_entries()
            .iter()
            .map(|(_, a, _)| *a)
            .sum()
    }

    /// The hub's unbonding entries on the chain: (validator, amount, payout time).
    pub fn chain_unbonding_entries(&self) -> Vec<(String, u128, Timestamp)> {
        let delegators = self.delegators();
        crate::internals::unbonding_queue(self.app.storage())
            .expect("the staking module's unbonding queue")
            .into_iter()
            .filter(|e| delegators.contains(&e.delegator))
            .map(|e| (e.validator, e.amount.u128(), e.payout_at))
            .collect()
    }

    // ------------------------------------------------------------------ cw20

    /// Creates a cw20 token with initial balances (account names or addresses).
    pub fn create_cw20(&mut self, symbol: &str, balances: &[(&str, u128)]) -> Addr {
        let initial_balances = balances
            .iter()
            .map(|(w, a)| cw20::Cw20Coin {
                address: self.addr(w).to_string(),
                amount: Uint128::new(*a),
            })
            .collect();
        let owner = self.owner.clone();
        self.app
            .instantiate_contract(
                self.cw20_code,
                owner,
                &cw20_base::msg::InstantiateMsg {
                    name: format!("{symbol} token"),
                    symbol: symbol.to_string(),
                    decimals: 6,
                    initial_balances,
                    mint: None,
                    marketing: None,
                },
                &[],
                symbol,
                None,
            )
            .expect("create cw20")
    }

    /// cw20 balance of an account (name or address).
    pub fn cw20_balance(&self, token: &Addr, who: &str) -> u128 {
        let r: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &cw20::Cw20QueryMsg::Balance {
                    address: self.addr(who).to_string(),
                },
            )
            .expect("cw20 balance");
        r.balance.u128()
    }

    /// Pays `amount` of a cw20 token to a service through the token's `send`.
    pub fn distribute_cw20(
        &mut self,
        token: &Addr,
        from: &str,
        service_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::distribute_cw20(
            token.as_str(),
            from,
            service_id,
            amount,
        ))
    }

    // ------------------------------------------------------------------ stakers

    /// Deposits `amount` of the bonded denom, minting whatever the staker lacks.
    pub fn deposit(
        &mut self,
        staker: &str,
        validator: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let c = self.bonded(amount);
        self.apply(&Step::top_up(staker, vec![c.clone()]))?;
        self.apply(&Step::deposit(staker, validator, c))
    }

    /// `opt_in`: the staker's position on `validator` starts securing the services.
    pub fn opt_in(&mut self, staker: &str, validator: &str, ids: &[u64]) -> AnyResult<AppResponse> {
        self.apply(&Step::opt_in(staker, validator, ids))
    }

    /// `opt_out`: starts the services' opt-out delays for the staker's position.
    pub fn opt_out(
        &mut self,
        staker: &str,
        validator: &str,
        ids: &[u64],
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::opt_out(staker, validator, ids))
    }

    /// `complete_opt_out`: completes the position's opt-outs whose delay has passed.
    pub fn complete_opt_out(&mut self, staker: &str, validator: &str) -> AnyResult<AppResponse> {
        self.apply(&Step::complete_opt_out(staker, validator))
    }

    /// `unbond`: queues `amount` bonded tokens of the position for undelegation.
    pub fn unbond(
        &mut self,
        staker: &str,
        validator: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::unbond(staker, validator, amount))
    }

    /// `claim_unbonded`: pays the staker's matured unbondings.
    pub fn claim_unbonded(&mut self, staker: &str) -> AnyResult<AppResponse> {
        self.apply(&Step::claim_unbonded(staker))
    }

    /// `claim_rewards`: pays every pending reward of the staker.
    pub fn claim_rewards(&mut self, staker: &str) -> AnyResult<AppResponse> {
        self.apply(&Step::claim_rewards(staker))
    }

    // ------------------------------------------------------------------ services

    /// Registers a default service (see `ServiceSpec::new`) with a custom slasher and max
    /// slash. Returns its id.
    pub fn register_service(
        &mut self,
        name: &str,
        slasher: &str,
        max_slash: Decimal,
    ) -> AnyResult<u64> {
        self.register(ServiceSpec::new(name).slasher(slasher).max_slash(max_slash))
    }

    /// Registers a service. Returns its id.
    pub fn register(&mut self, spec: ServiceSpec) -> AnyResult<u64> {
        let msg = RegisterServiceMsg {
            name: spec.name.clone(),
            slasher: self.addr(&spec.slasher).to_string(),
            resolver: spec.resolver.as_ref().map(|r| self.addr(r).to_string()),
            max_slash: spec.max_slash,
            veto_period: spec.veto_period,
            opt_out_delay: spec.opt_out_delay,
            reward_denoms: (!spec.reward_denoms.is_empty()).then(|| spec.reward_denoms.clone()),
            reward_tokens: (!spec.reward_tokens.is_empty()).then(|| spec.reward_tokens.clone()),
            metadata_uri: spec.metadata_uri.clone(),
        };
        let res = self.apply(&Step::register_service(&spec.admin, msg))?;
        Ok(attr(&res, "service_id")
            .and_then(|v| v.parse().ok())
            .expect("service_id attribute"))
    }

    /// `set_service_status`, sent by `sender` (the hub owner or the service's admin).
    pub fn set_service_status(
        &mut self,
        sender: &str,
        service_id: u64,
        status: ServiceStatus,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::set_service_status(sender, service_id, status))
    }

    /// `distribute_rewards` with native funds, minting what the payer lacks.
    pub fn distribute(
        &mut self,
        payer: &str,
        service_id: u64,
        funds: Vec<Coin>,
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::top_up(payer, funds.clone()))?;
        self.apply(&Step::distribute(payer, service_id, funds))
    }

    /// Opens a slash request. Returns its id.
    pub fn slash(
        &mut self,
        slasher: &str,
        service_id: u64,
        validator: &str,
        fraction: Decimal,
    ) -> AnyResult<u64> {
        let res = self.apply(&Step::slash(
            slasher,
            service_id,
            validator,
            fraction,
            "double-signed on the service",
        ))?;
        Ok(attr(&res, "slash_id")
            .and_then(|v| v.parse().ok())
            .expect("slash_id attribute"))
    }

    /// `veto_slash`, sent by the service's resolver or the hub owner.
    pub fn veto_slash(&mut self, sender: &str, slash_id: u64) -> AnyResult<AppResponse> {
        self.apply(&Step::veto_slash(sender, slash_id))
    }

    /// `execute_slash` (anyone, after the veto window).
    pub fn execute_slash(&mut self, sender: &str, slash_id: u64) -> AnyResult<AppResponse> {
        self.apply(&Step::execute_slash(sender, slash_id))
    }

    // ------------------------------------------------------------------ cranks

    /// `harvest` crank, sent by `keeper`.
    pub fn harvest(&mut self, validators: Option<Vec<String>>) -> AnyResult<AppResponse> {
        self.apply(&Step::harvest("keeper", validators))
    }

    /// `sync_validator` crank, sent by `keeper`.
    pub fn sync_validator(&mut self, validator: &str) -> AnyResult<AppResponse> {
        self.apply(&Step::sync_validator("keeper", validator))
    }

    /// `process_unbondings` crank, sent by `keeper`.
    pub fn process_unbondings(&mut self) -> AnyResult<AppResponse> {
        self.apply(&Step::process_unbondings("keeper"))
    }

    /// Advances time by `seconds` in steps of at most `step`, cranking
    /// `process_unbondings` after each step (as a keeper would).
    pub fn advance_with_crank(&mut self, seconds: u64, step: u64) {
        let mut left = seconds;
        while left > 0 {
            let s = left.min(step.max(1));
            self.advance(s);
            left -= s;
            self.process_unbondings().expect("process_unbondings");
        }
    }

    // ------------------------------------------------------------------ owner

    /// `pause`, sent by the owner.
    pub fn pause(&mut self) -> AnyResult<AppResponse> {
        let owner = self.owner.to_string();
        self.apply(&Step::pause(&owner))
    }

    /// `unpause`, sent by the owner.
    pub fn unpause(&mut self) -> AnyResult<AppResponse> {
        let owner = self.owner.to_string();
        self.apply(&Step::unpause(&owner))
    }

    // ------------------------------------------------------------------ queries

    /// The hub's `config`.
    pub fn config(&self) -> StdResult<ConfigResponse> {
        self.query(&QueryMsg::Config {})
    }

    /// The hub's `service` record (status, `total_stake`, `rewards_paid`, ...).
    pub fn service(&self, service_id: u64) -> StdResult<ServiceResponse> {
        self.query(&QueryMsg::Service { service_id })
    }

    /// One page of the hub's `services`.
    pub fn services(
        &self,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> StdResult<Vec<ServiceResponse>> {
        let r: ServicesResponse = self.query(&QueryMsg::Services { start_after, limit })?;
        Ok(r.services)
    }

    /// The staker's position on a validator (zero when there is none).
    pub fn position(&self, staker: &str, validator: &str) -> StdResult<PositionResponse> {
        self.query(&QueryMsg::Position {
            staker: self.addr(staker).to_string(),
            validator: validator.to_string(),
        })
    }

    /// Bonded tokens of the staker on the validator.
    pub fn bonded_of(&self, staker: &str, validator: &str) -> u128 {
        self.position(staker, validator)
            .map(|p| p.amount.u128())
            .unwrap_or_default()
    }

    /// Every position of the staker (all pages).
    pub fn positions(&self, staker: &str) -> StdResult<Vec<PositionResponse>> {
        let staker = self.addr(staker).to_string();
        let mut out: Vec<PositionResponse> = vec![];
        loop {
            let r: PositionsResponse = self.query(&QueryMsg::Positions {
                staker: staker.clone(),
                start_after: out.last().map(|p| p.validator.clone()),
                limit: Some(30),
            })?;
            let n = r.positions.len();
            out.extend(r.positions);
            if n < 30 {
                return Ok(out);
            }
        }
    }

    /// Every reward the staker could claim now.
    pub fn pending_rewards(&self, staker: &str) -> StdResult<Vec<RewardAmount>> {
        let r: PendingRewardsResponse = self.query(&QueryMsg::PendingRewards {
            staker: self.addr(staker).to_string(),
        })?;
        Ok(r.rewards)
    }

    /// Pending reward of one native denom.
    pub fn pending_native(&self, staker: &str, denom: &str) -> u128 {
        self.pending_rewards(staker)
            .unwrap_or_default()
            .iter()
            .find(|r| r.denom.as_deref() == Some(denom))
            .map(|r| r.amount.u128())
            .unwrap_or_default()
    }

    /// Pending reward of one cw20 token.
    pub fn pending_cw20(&self, staker: &str, token: &Addr) -> u128 {
        self.pending_rewards(staker)
            .unwrap_or_default()
            .iter()
            .find(|r| r.cw20.as_ref() == Some(token))
            .map(|r| r.amount.u128())
            .unwrap_or_default()
    }

    /// Every unbonding of the staker (all pages).
    pub fn unbondings(&self, staker: &str) -> StdResult<Vec<UnbondingResponse>> {
        let staker = self.addr(staker).to_string();
        let mut out: Vec<UnbondingResponse> = vec![];
        loop {
            let r: UnbondingsResponse = self.query(&QueryMsg::Unbondings {
                staker: staker.clone(),
                start_after: out.last().map(|u| u.id),
                limit: Some(30),
            })?;
            let n = r.unbondings.len();
            out.extend(r.unbondings);
            if n < 30 {
                return Ok(out);
            }
        }
    }

    /// Stake securing the service in total and per validator (all pages).
    pub fn service_stake(&self, service_id: u64) -> StdResult<ServiceStakeResponse> {
        let mut all: ServiceStakeResponse = self.query(&QueryMsg::ServiceStake {
            service_id,
            start_after: None,
            limit: Some(30),
        })?;
        let mut n = all.validators.len();
        while n == 30 {
            let r: ServiceStakeResponse = self.query(&QueryMsg::ServiceStake {
                service_id,
                start_after: all.validators.last().map(|v| v.validator.clone()),
                limit: Some(30),
            })?;
            n = r.validators.len();
            all.validators.extend(r.validators);
        }
        Ok(all)
    }

    /// One slash request.
    pub fn slash_request(&self, slash_id: u64) -> StdResult<SlashRequestResponse> {
        self.query(&QueryMsg::SlashRequest { slash_id })
    }

    /// The staker's `staker_overview`.
    pub fn staker_overview(&self, staker: &str) -> StdResult<StakerOverviewResponse> {
        self.query(&QueryMsg::StakerOverview {
            staker: self.addr(staker).to_string(),
        })
    }

    /// The hub's `stats`.
    pub fn stats(&self) -> StdResult<StatsResponse> {
        self.query(&QueryMsg::Stats {})
    }

    /// The hub's books for one validator.
    pub fn validator_books(&self, validator: &str) -> StdResult<ValidatorResponse> {
        self.query(&QueryMsg::Validator {
            validator: validator.to_string(),
        })
    }

    /// Every pool (exposure group) on a validator (all pages).
    pub fn pools(&self, validator: &str) -> StdResult<Vec<PoolResponse>> {
        let mut out: Vec<PoolResponse> = vec![];
        loop {
            let r: PoolsResponse = self.query(&QueryMsg::Pools {
                validator: validator.to_string(),
                start_after: out.last().map(|p| p.id),
                limit: Some(30),
            })?;
            let n = r.pools.len();
            out.extend(r.pools);
            if n < 30 {
                return Ok(out);
            }
        }
    }
}

/// The value of the first wasm attribute `key` of a response.
pub fn attr(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

#[derive(Serialize)]
#[serde(transparent)]
struct RawJson(serde_json::Value);

/// Parses a JSON answer into a type (for raw-JSON tests).
pub fn parse<T: DeserializeOwned>(v: &serde_json::Value) -> StdResult<T> {
    from_json(
        serde_json::to_vec(v).map_err(|e| cosmwasm_std::StdError::generic_err(e.to_string()))?,
    )
}
