//! restake-hub as the tests drive it on gaiad: store (once per process), instantiate, raw
//! JSON messages and queries, refusals with the chain's verdict, and the conservation check
//! against the chain's own balances, delegations and unbonding entries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::{num, workspace_root, Coin, Gas, GasTable, Key, Net, TxOutcome, FIXED_GAS};

/// Code ids of the wasm files this process stored, by path: every test instantiates its
/// own hub, but one upload of each code serves them all.
static CODES: Mutex<BTreeMap<PathBuf, u64>> = Mutex::const_new(BTreeMap::new());

/// `artifacts/restake_hub.wasm` (built by `scripts/build-wasm.sh`).
pub fn hub_wasm() -> PathBuf {
    workspace_root().join("artifacts/restake_hub.wasm")
}

/// `artifacts/restake_vault.wasm` (built by `scripts/build-wasm.sh vault` or `all`).
pub fn vault_wasm() -> PathBuf {
    workspace_root().join("artifacts/restake_vault.wasm")
}

pub fn read_wasm(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Build it first (scripts/gaia-e2e.sh builds everything it needs)",
            path.display()
        )
    })
}

/// The code id of `path` on the chain, stored by a fresh account the first time; the upload
/// is recorded in `gas` when this call made it.
pub async fn store_once(net: &Net, path: &Path, gas: &mut GasTable) -> u64 {
    let mut codes = CODES.lock().await;
    if let Some(id) = codes.get(path) {
        return *id;
    }
    let wasm = read_wasm(path);
    let uploader = net.fund_new_accounts(1, 1_000_000_000).await.remove(0);
    let (id, out) = net
        .client
        .store_code(&uploader, &wasm, Gas::Simulate)
        .await
        .unwrap_or_else(|e| panic!("store {}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    gas.record(
        "store_code",
        &format!("{name}, {} bytes (gzipped upload)", wasm.len()),
        &out,
    );
    codes.insert(path.to_path_buf(), id);
    id
}

/// One hub instance.
pub struct Hub<'a> {
    pub net: &'a Net,
    pub addr: String,
    pub code_id: u64,
}

/// What the chain holds for the hub against what the hub's books owe (bonded denom).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conservation {
    /// Bank balances of the hub and its delegator proxies, their delegations, their
    /// unbonding entries and the rewards accrued to the delegations, as the chain shows them.
    pub chain: u128,
    /// Positions, unbondings and pending rewards of the given stakers, plus slashed stake
    /// waiting to be routed or refused by its destination.
    pub owed: u128,
    /// Rounding dust the hub reports keeping (never owed).
    pub dust: u128,
}

impl Conservation {
    /// What the chain holds beyond what is owed (negative: a shortfall).
    pub fn surplus(&self) -> i128 {
        self.chain as i128 - self.owed as i128
    }
}

/// Instantiates `code_id` with `init` (raw JSON) under `label`, `owner` as the contract's
/// admin: (its address, the transaction).
async fn instantiate_code(
    net: &Net,
    owner: &Key,
    code_id: u64,
    init: &Value,
    label: &str,
) -> (String, TxOutcome) {
    net.client
        .instantiate(
            owner,
            code_id,
            &init.to_string(),
            label,
            Some(&owner.address()),
            &[],
            Gas::Simulate,
        )
        .await
        .unwrap_or_else(|e| panic!("instantiate {label} {init}: {e}"))
}

impl<'a> Hub<'a> {
    /// Instantiates `code_id` with `init` (raw JSON), `owner` as the contract's admin.
    pub async fn instantiate(
        net: &'a Net,
        owner: &Key,
        code_id: u64,
        init: Value,
        gas: &mut GasTable,
    ) -> Hub<'a> {
        let (addr, out) = instantiate_code(net, owner, code_id, &init, "restake-hub").await;
        gas.record("instantiate", "bonded denom read from the chain", &out);
        Hub { net, addr, code_id }
    }

    /// The usual test hub on this chain: unbonding period = the chain's, community pool
    /// for slashed stake, `extra` merged into the message.
    pub async fn new(net: &'a Net, owner: &Key, gas: &mut GasTable, extra: Value) -> Hub<'a> {
        let code_id = store_once(net, &hub_wasm(), gas).await;
        let mut init = json!({"unbonding_period": net.unbonding_seconds, "min_deposit": "1000",
                              "slash_destination": {"community_pool": {}}});
        if let (Some(m), Some(extra)) = (init.as_object_mut(), extra.as_object()) {
            m.extend(extra.clone());
        }
        Hub::instantiate(net, owner, code_id, init, gas).await
    }

    /// Registers the tests' service `oracle`: `slasher` may slash up to 10 %, the chain's
    /// denom is its reward denom, with the given veto window and opt-out delay (seconds).
    /// Returns its id and the transaction.
    pub async fn register_oracle(
        &self,
        admin: &Key,
        slasher: &Key,
        veto_period: u64,
        opt_out_delay: u64,
    ) -> (u64, TxOutcome) {
        let out = self
            .exec(
                admin,
                json!({"register_service": {"name": "oracle", "slasher": slasher.address(),
                       "max_slash": "0.1", "veto_period": veto_period,
                       "opt_out_delay": opt_out_delay, "reward_denoms": [self.net.denom]}}),
                &[],
            )
            .await;
        let id = crate::wasm_attrs(&out)["service_id"]
            .parse()
            .expect("service id");
        (id, out)
    }

    /// Executes `msg` (simulated gas); panics with the chain's reason on a refusal.
    pub async fn exec(&self, key: &Key, msg: Value, funds: &[Coin]) -> TxOutcome {
        self.net
            .client
            .execute(key, &self.addr, &msg.to_string(), funds, Gas::Simulate)
            .await
            .unwrap_or_else(|e| panic!("{msg}: {e}"))
    }

    /// Sends `msg` with a fixed gas limit so that the chain itself refuses it in a block;
    /// returns the chain's log. Checks that the sender lost nothing but the fee (funds sent
    /// with a refused message are returned).
    pub async fn refused(&self, key: &Key, msg: Value, funds: &[Coin]) -> String {
        let before = self
            .net
            .client
            .all_balances(&key.address())
            .await
            .expect("balances");
        let out = self
            .net
            .client
            .broadcast(
                key,
                &[restake_chain::msgs::execute(
                    &key.address(),
                    &self.addr,
                    &msg.to_string(),
                    funds,
                )],
                Gas::Fixed(FIXED_GAS),
            )
            .await
            .unwrap_or_else(|e| panic!("{msg}: {e}"));
        assert_ne!(out.code, 0, "{msg} was accepted");
        let after = self
            .net
            .client
            .all_balances(&key.address())
            .await
            .expect("balances");
        let fee = self.net.client.fee_for(out.gas_wanted);
        for c in &before {
            let now = after
                .iter()
                .find(|a| a.denom == c.denom)
                .map_or(0, |a| a.amount);
            let spent = if c.denom == self.net.denom { fee } else { 0 };
            assert_eq!(now, c.amount - spent, "{msg}: {} changed", c.denom);
        }
        out.raw_log
    }

    pub async fn query(&self, msg: Value) -> Value {
        self.net
            .client
            .query_smart(&self.addr, &msg.to_string())
            .await
            .unwrap_or_else(|e| panic!("{msg}: {e}"))
    }

    /// `query`, read as its typed response (restake-types' `*Response`).
    pub async fn query_as<T: DeserializeOwned>(&self, msg: Value) -> T {
        let v = self.query(msg.clone()).await;
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{msg} answered {v}: {e}"))
    }

    /// The account holding the hub's delegation on `validator`: its delegator proxy, or
    /// the hub itself (a v0.1 hub, and validators it used before a migration).
    pub async fn delegator(&self, validator: &str) -> String {
        let v = self
            .query(json!({"validator": {"validator": validator}}))
            .await;
        v["delegator"].as_str().unwrap_or(&self.addr).to_string()
    }

    /// The staker's bonded tokens on `validator`.
    pub async fn bonded(&self, staker: &str, validator: &str) -> u128 {
        num(&self
            .query(json!({"position": {"staker": staker, "validator": validator}}))
            .await["amount"])
    }

    pub async fn unbondings(&self, staker: &str) -> Vec<Value> {
        self.query(json!({"unbondings": {"staker": staker}})).await["unbondings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Pending rewards of the staker in `denom`.
    pub async fn pending(&self, staker: &str, denom: &str) -> u128 {
        let r = self
            .query(json!({"pending_rewards": {"staker": staker}}))
            .await;
        r["rewards"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|r| r["denom"] == denom)
                    .map(|r| num(&r["amount"]))
                    .sum()
            })
            .unwrap_or(0)
    }

    /// The hub's holdings on the chain against what its books owe `stakers` (every staker
    /// of this hub must be listed) on `validators` (every validator it used), all read at
    /// one height. The holdings include the rewards the chain has accrued to the hub's
    /// delegations but not paid yet: the hub's `pending_rewards` already counts them (it
    /// harvests in the query).
    pub async fn conservation(&self, stakers: &[String], validators: &[String]) -> Conservation {
        let h = self.net.client.app_height().await.expect("height");
        let c = self.net.client.at_height(h);
        let denom = &self.net.denom;
        let q = |msg: Value| {
            let c = c.clone();
            let addr = self.addr.clone();
            async move {
                c.query_smart(&addr, &msg.to_string())
                    .await
                    .unwrap_or_else(|e| panic!("{msg}: {e}"))
            }
        };
        let mut chain = c.balance(&self.addr, denom).await.expect("balance");
        let mut accounts = vec![];
        for v in validators {
            let info = q(json!({"validator": {"validator": v}})).await;
            let d = info["delegator"].as_str().unwrap_or(&self.addr).to_string();
            if d != self.addr && !accounts.contains(&d) {
                chain += c.balance(&d, denom).await.expect("balance");
                accounts.push(d.clone());
            }
            chain += c.delegated(&d, v).await.expect("delegation");
            chain += c
                .unbonding_entries(&d, v)
                .await
                .expect("entries")
                .iter()
                .map(|e| e.balance)
                .sum::<u128>();
            if c.delegation(&d, v).await.expect("delegation").is_some() {
                chain += c
                    .delegation_rewards(&d, v)
                    .await
                    .expect("rewards")
                    .iter()
                    .filter(|r| r.denom == *denom)
                    .map(|r| r.truncated())
                    .sum::<u128>();
            }
        }
        let mut owed = 0;
        for s in stakers {
            let o = q(json!({"staker_overview": {"staker": s}})).await;
            owed += num(&o["bonded"]) + num(&o["unbonding"]);
            owed += o["pending_rewards"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|r| r["denom"] == denom.as_str())
                        .map(|r| num(&r["amount"]))
                        .sum()
                })
                .unwrap_or(0);
        }
        let stats = q(json!({"stats": {}})).await;
        owed += num(&stats["slashed_pending_routing"]) + num(&stats["slashed_unrouted"]);
        let dust = stats["dust"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|r| r["denom"] == denom.as_str())
                    .map(|r| num(&r["amount"]))
                    .sum()
            })
            .unwrap_or(0);
        Conservation { chain, owed, dust }
    }
}

/// A restake-vault on `hub` (`artifacts/restake_vault.wasm`, stored once per process):
/// one validator with weight 1 securing `service`, risk budget 0.1, timelock 60 s and the
/// smallest exit epoch the vault takes (1 hour; the first batch goes out at once anyway).
/// Returned as a [`Hub`]: the same raw-JSON handle serves any contract.
pub async fn new_vault<'a>(
    net: &'a Net,
    owner: &Key,
    hub: &str,
    curator: &str,
    validator: &str,
    service: u64,
    gas: &mut GasTable,
) -> Hub<'a> {
    let code_id = store_once(net, &vault_wasm(), gas).await;
    let init = json!({
        "hub": hub,
        "curator": curator,
        "name": "Restaked ATOM",
        "symbol": "rstATOM",
        "strategy": {
            "validators": [{"validator": validator, "weight": 1, "services": [service]}],
            "services": [{"service_id": service, "max_share": "1"}],
            "risk_budget": "0.1",
            "slash_limit": {"max_fraction": "0.5", "window": 3600},
            "timelock": 60
        },
        "min_timelock": 60,
        "exit_epoch": 3600
    });
    let (addr, out) = instantiate_code(net, owner, code_id, &init, "restake-vault").await;
    gas.record("vault instantiate", "reads the hub's config", &out);
    Hub { net, addr, code_id }
}

/// The fee a transaction paid (the limit × the gas price).
pub fn fee(net: &Net, out: &TxOutcome) -> u128 {
    net.client.fee_for(out.gas_wanted)
}
