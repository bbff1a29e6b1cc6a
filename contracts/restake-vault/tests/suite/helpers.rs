//! The Suite with the hub, two validators, two services and the vault on it, driven by raw
//! JSON as a chain CLI would.

use std::ops::{Deref, DerefMut};

use anyhow::Result as AnyResult;
use cosmwasm_std::{coin, Addr, Binary, Coin, Decimal, WasmMsg};
use restake_multitest::{AppResponse, ContractWrapper, Executor, ServiceSpec, Suite, SuiteBuilder};
use restake_vault::msg::{
    BatchResponse, ExitsResponse, HolderResponse, PreviewResponse, StrategyResponse,
    VaultStateResponse,
};
use restake_vault::ContractError;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub const CURATOR: &str = "curator";
pub const DAY: u64 = 86_400;
/// Service 1: max slash 5 %, 1-day veto window, 2-day opt-out, pays uosmo.
pub const ORACLE: u64 = 1;
/// Service 2: max slash 10 %, 1-day veto window, 2-day opt-out, pays untrn and a cw20.
pub const BRIDGE: u64 = 2;
pub const TIMELOCK: u64 = 3 * DAY;
pub const EXIT_EPOCH: u64 = 3 * DAY;

pub struct VaultSuite {
    pub suite: Suite,
    pub vault: Addr,
    pub code_id: u64,
    /// The bridge's cw20 reward token ("bridge" holds 10^12).
    pub token: Addr,
}

impl Deref for VaultSuite {
    type Target = Suite;
    fn deref(&self) -> &Suite {
        &self.suite
    }
}

impl DerefMut for VaultSuite {
    fn deref_mut(&mut self) -> &mut Suite {
        &mut self.suite
    }
}

pub fn store_vault(suite: &mut Suite) -> u64 {
    suite.store_code(Box::new(
        ContractWrapper::new(
            restake_vault::contract::execute,
            restake_vault::contract::instantiate,
            restake_vault::contract::query,
        )
        .with_reply(restake_vault::contract::reply)
        .with_migrate(restake_vault::contract::migrate),
    ))
}

/// The tests' default strategy: both validators, weight 1 each, both securing the oracle.
pub fn default_strategy(suite: &Suite) -> Value {
    json!({
        "validators": [
            {"validator": suite.validator(0), "weight": 1, "services": [ORACLE]},
            {"validator": suite.validator(1), "weight": 1, "services": [ORACLE]}
        ],
        "services": [{"service_id": ORACLE, "max_share": "1"}, {"service_id": BRIDGE, "max_share": "1"}],
        "risk_budget": "0.1",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    })
}

pub struct Setup {
    pub validators: usize,
    pub apr: Decimal,
    pub strategy: Option<Value>,
    pub instantiate: Value,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            validators: 2,
            apr: Decimal::zero(),
            strategy: None,
            instantiate: json!({}),
        }
    }
}

/// Registers the two services on a fresh chain.
pub fn chain(validators: usize, apr: Decimal) -> (Suite, Addr) {
    let mut suite = SuiteBuilder::new()
        .with_validators(validators)
        .with_apr(apr)
        .build();
    let token = suite.create_cw20("BRDG", &[("bridge", 1_000_000_000_000)]);
    let oracle = ServiceSpec::new("oracle")
        .max_slash(Decimal::percent(5))
        .veto_period(DAY)
        .opt_out_delay(2 * DAY)
        .resolver("oracle-resolver")
        .reward_denom("uosmo");
    assert_eq!(suite.register(oracle).unwrap(), ORACLE);
    let bridge = ServiceSpec::new("bridge")
        .max_slash(Decimal::percent(10))
        .veto_period(DAY)
        .opt_out_delay(2 * DAY)
        .resolver("bridge-resolver")
        .reward_denom("untrn")
        .reward_token(&token);
    assert_eq!(suite.register(bridge).unwrap(), BRIDGE);
    (suite, token)
}

pub fn instantiate_msg(suite: &Suite, strategy: Value, extra: &Value) -> Value {
    let mut msg = json!({
        "hub": suite.hub,
        "curator": suite.addr(CURATOR),
        "name": "Restaked ATOM",
        "symbol": "rstATOM",
        "strategy": strategy,
        "exit_epoch": EXIT_EPOCH,
        "min_timelock": DAY
    });
    if let (Some(m), Some(e)) = (msg.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    msg
}

pub fn setup() -> VaultSuite {
    setup_with(Setup::default())
}

pub fn setup_with(s: Setup) -> VaultSuite {
    let (mut suite, token) = chain(s.validators, s.apr);
    let code_id = store_vault(&mut suite);
    let strategy = s.strategy.unwrap_or_else(|| default_strategy(&suite));
    let msg = instantiate_msg(&suite, strategy, &s.instantiate);
    let vault = instantiate_json(&mut suite, code_id, &msg).expect("instantiate the vault");
    // the hub's invariant checks walk every staker the Suite knows: the vault is one
    suite.known.insert(vault.clone());
    VaultSuite {
        suite,
        vault,
        code_id,
        token,
    }
}

pub fn instantiate_json(suite: &mut Suite, code_id: u64, msg: &Value) -> AnyResult<Addr> {
    let admin = suite.addr("admin");
    suite.app.instantiate_contract(
        code_id,
        admin.clone(),
        &RawJson(msg.clone()),
        &[],
        "restake-vault",
        Some(admin.to_string()),
    )
}

#[derive(serde::Serialize, Debug)]
#[serde(transparent)]
pub struct RawJson(pub Value);

/// The vault's typed error behind a refusal.
pub fn refusal(e: anyhow::Error) -> ContractError {
    match e.downcast::<ContractError>() {
        Ok(c) => c,
        Err(e) => panic!("not a vault error: {e:?}"),
    }
}

pub fn vattr(res: &AppResponse, key: &str) -> Option<String> {
    restake_multitest::attr(res, key)
}

/// Every value of a wasm attribute over the response's events.
pub fn attrs(res: &AppResponse, key: &str) -> Vec<String> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key == key)
        .map(|a| a.value.clone())
        .collect()
}

impl VaultSuite {
    /// Sends raw JSON to the vault, byte for byte as a chain CLI would.
    pub fn vx(&mut self, sender: &str, msg: Value, funds: &[Coin]) -> AnyResult<AppResponse> {
        let sender = self.suite.addr(sender);
        let msg = WasmMsg::Execute {
            contract_addr: self.vault.to_string(),
            msg: Binary::new(serde_json::to_vec(&msg)?),
            funds: funds.to_vec(),
        };
        self.suite.app.execute(sender, msg.into())
    }

    pub fn vq<T: DeserializeOwned>(&self, msg: Value) -> T {
        self.suite
            .app
            .wrap()
            .query_wasm_smart(self.vault.clone(), &RawJson(msg))
            .expect("vault query")
    }

    pub fn try_vq<T: DeserializeOwned>(&self, msg: Value) -> cosmwasm_std::StdResult<T> {
        self.suite
            .app
            .wrap()
            .query_wasm_smart(self.vault.clone(), &RawJson(msg))
    }

    /// Deposits `amount` uatom, minting what the depositor lacks.
    pub fn deposit(&mut self, who: &str, amount: u128) -> AnyResult<AppResponse> {
        let denom = self.suite.denom.clone();
        let have = self.suite.balance(who, &denom);
        if have < amount {
            self.suite.mint(who, vec![coin(amount - have, &denom)]);
        }
        self.vx(who, json!({"deposit": {}}), &[coin(amount, &denom)])
    }

    pub fn exit(&mut self, who: &str, shares: u128) -> AnyResult<AppResponse> {
        self.vx(who, json!({"exit": {"shares": shares.to_string()}}), &[])
    }

    pub fn claim(&mut self, who: &str) -> AnyResult<AppResponse> {
        self.vx(who, json!({"claim": {}}), &[])
    }

    pub fn claim_rewards(&mut self, who: &str) -> AnyResult<AppResponse> {
        self.vx(who, json!({"claim_rewards": {}}), &[])
    }

    pub fn transfer(&mut self, from: &str, to: &str, amount: u128) -> AnyResult<AppResponse> {
        let to = self.suite.addr(to).to_string();
        self.vx(
            from,
            json!({"transfer": {"recipient": to, "amount": amount.to_string()}}),
            &[],
        )
    }

    pub fn process_exits(&mut self) -> AnyResult<AppResponse> {
        self.vx("keeper", json!({"process_exits": {}}), &[])
    }

    pub fn rebalance(&mut self) -> AnyResult<AppResponse> {
        self.vx("keeper", json!({"rebalance": {}}), &[])
    }

    pub fn harvest(&mut self) -> AnyResult<AppResponse> {
        self.vx("keeper", json!({"harvest": {}}), &[])
    }

    pub fn propose(&mut self, strategy: Value) -> AnyResult<AppResponse> {
        self.vx(
            CURATOR,
            json!({"propose_strategy": {"strategy": strategy}}),
            &[],
        )
    }

    pub fn state(&self) -> VaultStateResponse {
        self.vq(json!({"state": {}}))
    }

    pub fn holder(&self, who: &str) -> HolderResponse {
        let a = self.suite.addr(who).to_string();
        self.vq(json!({"holder": {"address": a}}))
    }

    pub fn shares(&self, who: &str) -> u128 {
        let a = self.suite.addr(who).to_string();
        let r: cw20::BalanceResponse = self.vq(json!({"balance": {"address": a}}));
        r.balance.u128()
    }

    pub fn value(&self, who: &str) -> u128 {
        self.holder(who).value.u128()
    }

    pub fn strategy(&self) -> StrategyResponse {
        self.vq(json!({"strategy": {}}))
    }

    pub fn batch(&self, id: u64) -> BatchResponse {
        self.vq(json!({"batch": {"id": id}}))
    }

    pub fn exits(&self, who: &str) -> ExitsResponse {
        let a = self.suite.addr(who).to_string();
        self.vq(json!({"exits": {"holder": a}}))
    }

    pub fn preview_deposit(&self, amount: u128) -> u128 {
        let r: PreviewResponse =
            self.vq(json!({"preview_deposit": {"amount": amount.to_string()}}));
        r.amount.u128()
    }

    pub fn preview_exit(&self, shares: u128) -> u128 {
        let r: PreviewResponse = self.vq(json!({"preview_exit": {"shares": shares.to_string()}}));
        r.amount.u128()
    }

    pub fn uatom(&self, who: &str) -> u128 {
        let d = self.suite.denom.clone();
        self.suite.balance(who, &d)
    }

    /// The vault's position on validator `i` at the hub.
    pub fn bonded_on(&self, i: usize) -> u128 {
        let v = self.suite.validator(i);
        let vault = self.vault.to_string();
        self.suite.bonded_of(&vault, &v)
    }

    /// Moves time in steps of a day, cranking the hub's unbondings (as a keeper would).
    pub fn days(&mut self, n: u64) {
        self.suite.advance_with_crank(n * DAY, DAY);
    }

    /// Exit → batch sent → hub unbonding matures → collected → `who` claims. Returns what
    /// `who` received.
    pub fn exit_and_claim(&mut self, who: &str, shares: u128) -> u128 {
        let before = self.uatom(who);
        self.exit(who, shares).unwrap();
        self.days(EXIT_EPOCH / DAY);
        self.process_exits().unwrap();
        self.days(22);
        self.process_exits().unwrap();
        self.claim(who).unwrap();
        self.uatom(who) - before
    }

    /// The vault's price per share unit (exit side).
    pub fn price(&self) -> Decimal {
        self.state().price
    }
}
