//! The hub running from its optimized wasm in cosmwasm-vm, one fresh instance per call
//! (as wasmd does, from an in-memory module cache), with the mock chain behind it.
//!
//! The bench says what it does with restake-multitest's `Step`, the vocabulary the tests,
//! the model test and the CLI drive the hub with; `VmHub::apply` runs a step's hub message
//! in the VM and maps a chain step onto the mock chain.
//!
//! Why one file: the VM instance and the storage and querier it runs against are one
//! harness; each piece is only meaningful with the others.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use cosmwasm_std::{
    from_json, to_json_binary, Addr, Attribute, Checksum, Coin, ContractResult, CosmosMsg, Empty,
    Env, Event, MessageInfo, Reply, ReplyOn, Response, SubMsgResponse, SubMsgResult, Uint128,
    WasmMsg,
};
use cosmwasm_vm::testing::{mock_env, MockApi};
use cosmwasm_vm::{
    call_execute, call_instantiate, call_query, call_reply, capabilities_from_csv, Backend,
    BackendApi, Cache, CacheOptions, InstanceOptions, Size,
};
use restake_multitest::Step;
use restake_types::{Cw20ReceiveMsg, ExecuteMsg, InstantiateMsg, QueryMsg, ReceiveMsg};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::chain::{ChainQuerier, MockChain, QueryStats};
use crate::storage::{CountingStorage, KeyTally, StorageStats};

type HubBackend = Backend<MockApi, CountingStorage, ChainQuerier>;

/// Generous CosmWasm gas limit for one call (wasmd: SDK gas limit × 140,000).
const GAS_LIMIT: u64 = 10_000_000_000_000;

/// The code id the mock chain reports for the hub (its delegator proxies share it).
pub const HUB_CODE_ID: u64 = 1;

/// What one execution cost.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// CosmWasm gas used by the instance (gas left before − after). Storage and queries
    /// report no CosmWasm gas here: wasmd meters them in SDK gas.
    pub vm_gas: u64,
    pub storage: StorageStats,
    pub queries: QueryStats,
    /// Bytes of the JSON message (wasmd charges 0 SDK gas per byte by default).
    pub msg_len: usize,
    /// Attributes of the response (wasmd charges event gas for them).
    pub attributes: Vec<(String, String)>,
    /// Messages the response emitted.
    pub messages: usize,
    /// Replies the hub received for its submessages (included in the other fields).
    pub replies: u64,
    /// Calls into the hub's delegator proxies (instantiations included) the message caused:
    /// messages the hub returned, so not in the other fields.
    pub proxy_calls: u64,
    /// CosmWasm gas of those calls.
    pub proxy_vm_gas: u64,
    #[serde(skip)]
    pub keys: BTreeMap<String, KeyTally>,
}

impl Cost {
    /// Adds the cost of a reply to the execution that caused it.
    fn merge(&mut self, other: Cost) {
        self.vm_gas += other.vm_gas;
        self.proxy_calls += other.proxy_calls;
        self.proxy_vm_gas += other.proxy_vm_gas;
        self.storage += other.storage;
        self.queries += other.queries;
        self.attributes.extend(other.attributes);
        for (ns, t) in other.keys {
            *self.keys.entry(ns).or_default() += t;
        }
    }
}

pub struct VmHub {
    cache: Cache<MockApi, CountingStorage, ChainQuerier>,
    /// Storage of each delegator proxy (instances of the hub's code).
    proxies: BTreeMap<String, CountingStorage>,
    checksum: Checksum,
    backend: Option<HubBackend>,
    cache_dir: PathBuf,
    pub api: MockApi,
    pub addr: Addr,
    pub owner: Addr,
    pub wasm_size: usize,
}

impl Drop for VmHub {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.cache_dir);
    }
}

impl VmHub {
    /// Loads the wasm (checked by the VM as a chain would) and instantiates the hub.
    pub fn new(wasm: &[u8], bonded_denom: &str, msg: &InstantiateMsg) -> Result<VmHub, String> {
        let cache_dir = std::env::temp_dir().join(format!(
            "restake-bench-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&cache_dir).map_err(|e| e.to_string())?;
        let capabilities: HashSet<String> = capabilities_from_csv(
            "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1",
        );
        let options = CacheOptions::new(&cache_dir, capabilities, Size::mebi(200), Size::mebi(32));
        // SAFETY: the file-system cache lives in a directory this process just created.
        let cache = unsafe { Cache::new(options) }.map_err(|e| e.to_string())?;
        let checksum = cache
            .store_code(wasm, true, true)
            .map_err(|e| format!("the VM refused the wasm: {e}"))?;
        let api = MockApi::default();
        let env = mock_env();
        let addr = env.contract.address.clone();
        let owner = Addr::unchecked(api.addr_make("owner"));
        let chain = MockChain::new(bonded_denom, addr.as_str(), msg.unbonding_period);
        let backend = Backend {
            api,
            storage: CountingStorage::default(),
            querier: ChainQuerier {
                chain: std::cell::RefCell::new(chain),
            },
        };
        let mut hub = VmHub {
            cache,
            proxies: BTreeMap::new(),
            checksum,
            backend: Some(backend),
            cache_dir,
            api,
            addr,
            owner,
            wasm_size: wasm.len(),
        };
        let info = MessageInfo {
            sender: hub.owner.clone(),
            funds: vec![],
        };
        let bytes = serde_json::to_vec(msg).map_err(|e| e.to_string())?;
        hub.call(|instance, env| {
            Ok((
                call_instantiate::<_, _, _, Empty>(instance, env, &info, &bytes)
                    .map_err(|e| e.to_string())?,
                bytes.len(),
            ))
        })?;
        Ok(hub)
    }

    /// A valid bech32 address for a name.
    pub fn addr(&self, name: &str) -> Addr {
        Addr::unchecked(self.api.addr_make(name))
    }

    /// The account a step names: an address as it is, a name as `addr` makes it (as the
    /// Suite reads a step's accounts).
    fn account(&self, who: &str) -> Addr {
        match self.api.addr_validate(who).0 {
            Ok(()) => Addr::unchecked(who),
            Err(_) => self.addr(who),
        }
    }

    /// Applies a step: a message to the hub runs in the VM and returns its cost (a cw20
    /// payment is the token moving the balance, then calling the hub's `receive`); a chain
    /// step changes the mock chain and returns `None`. Steps the mock chain does not model
    /// (native staking, x/liquid, x/gov votes, jailing; the bench funds senders on demand,
    /// so minting is none of its business either) are refused.
    pub fn apply(&mut self, step: &Step) -> Result<Option<Cost>, String> {
        match step {
            Step::Hub { sender, msg, funds } => {
                let sender = self.account(sender);
                self.execute(&sender, msg, funds).map(Some)
            }
            Step::DistributeCw20 {
                token,
                from,
                service_id,
                amount,
            } => {
                let token = self.account(token);
                self.chain().cw20_send_to_hub(token.as_str(), *amount);
                let hook = ReceiveMsg::DistributeRewards {
                    service_id: *service_id,
                };
                let msg = ExecuteMsg::Receive(Cw20ReceiveMsg {
                    sender: self.account(from).to_string(),
                    amount: Uint128::new(*amount),
                    msg: to_json_binary(&hook).map_err(|e| e.to_string())?,
                });
                self.execute(&token, &msg, &[]).map(Some)
            }
            Step::Advance { seconds } => {
                self.advance(*seconds);
                Ok(None)
            }
            Step::ChainSlash {
                validator,
                fraction,
            } => {
                self.chain().slash_validator(validator, *fraction);
                Ok(None)
            }
            other => Err(format!("the bench's mock chain does not model `{other}`")),
        }
    }

    pub fn chain(&mut self) -> &mut MockChain {
        self.backend
            .as_mut()
            .expect("backend is back after every call")
            .querier
            .chain
            .get_mut()
    }

    pub fn advance(&mut self, seconds: u64) {
        self.chain().advance(seconds);
    }

    fn env(&mut self) -> Env {
        let (time, height) = {
            let c = self.chain();
            (c.time, c.height)
        };
        let mut env = mock_env();
        env.block.time = time;
        env.block.height = height;
        env
    }

    /// Runs one entry point of the hub in a fresh instance and returns its cost and response.
    fn call(
        &mut self,
        run: impl FnOnce(
            &mut cosmwasm_vm::Instance<MockApi, CountingStorage, ChainQuerier>,
            &Env,
        ) -> Result<(ContractResult<Response<Empty>>, usize), String>,
    ) -> Result<(Cost, Response<Empty>), String> {
        let hub = self.addr.clone();
        self.call_at(&hub, run)
    }

    /// Runs one entry point of `contract` (the hub or one of its proxies).
    fn call_at(
        &mut self,
        contract: &Addr,
        run: impl FnOnce(
            &mut cosmwasm_vm::Instance<MockApi, CountingStorage, ChainQuerier>,
            &Env,
        ) -> Result<(ContractResult<Response<Empty>>, usize), String>,
    ) -> Result<(Cost, Response<Empty>), String> {
        let mut env = self.env();
        env.contract.address = contract.clone();
        let mut backend = self.backend.take().expect("backend present");
        let proxy = *contract != self.addr;
        if proxy {
            let own = self.proxies.remove(contract.as_str()).unwrap_or_default();
            let hub_storage = std::mem::replace(&mut backend.storage, own);
            self.proxies
                .insert(format!("hub:{}", self.addr), hub_storage);
        }
        backend.storage.take();
        backend.querier.chain.get_mut().queries = QueryStats::default();
        let mut instance = self
            .cache
            .get_instance(
                &self.checksum,
                backend,
                InstanceOptions {
                    gas_limit: GAS_LIMIT,
                },
            )
            .map_err(|e| e.to_string())?;
        let before = instance.get_gas_left();
        let outcome = run(&mut instance, &env);
        let after = instance.get_gas_left();
        let mut backend = instance.recycle().expect("instance gives its backend back");
        let (storage, keys) = backend.storage.take();
        let queries = std::mem::take(&mut backend.querier.chain.get_mut().queries);
        if proxy {
            let hub_storage = self
                .proxies
                .remove(&format!("hub:{}", self.addr))
                .expect("the hub's storage was set aside");
            let own = std::mem::replace(&mut backend.storage, hub_storage);
            self.proxies.insert(contract.to_string(), own);
        }
        self.backend = Some(backend);
        let (result, msg_len) = outcome?;
        let response = match result {
            ContractResult::Ok(r) => r,
            ContractResult::Err(e) => return Err(e),
        };
        let cost = Cost {
            vm_gas: before - after,
            storage,
            queries,
            msg_len,
            attributes: response
                .attributes
                .iter()
                .map(|Attribute { key, value }| (key.clone(), value.clone()))
                .collect(),
            messages: response.messages.len(),
            replies: 0,
            proxy_calls: 0,
            proxy_vm_gas: 0,
            keys,
        };
        Ok((cost, response))
    }

    /// Runs a message a contract (`sender`: the hub or a proxy) emitted: a call into one of
    /// the hub's delegator proxies runs it in the VM (its cost counted apart), anything
    /// else goes to the mock chain. Returns the events a reply would see.
    fn run_msg(
        &mut self,
        sender: &Addr,
        msg: &CosmosMsg,
        total: &mut Cost,
    ) -> Result<Vec<Event>, String> {
        match msg {
            CosmosMsg::Wasm(WasmMsg::Instantiate {
                code_id,
                msg,
                funds,
                ..
            }) if *code_id == HUB_CODE_ID => {
                let proxy = self.addr(&format!("proxy{}", self.proxies.len()));
                self.proxies
                    .insert(proxy.to_string(), CountingStorage::default());
                self.chain().hub_code.insert(proxy.to_string());
                self.chain()
                    .transfer(sender.as_str(), proxy.as_str(), funds)?;
                let info = MessageInfo {
                    sender: sender.clone(),
                    funds: funds.clone(),
                };
                let bytes = msg.to_vec();
                let (cost, response) = self.call_at(&proxy, |instance, env| {
                    Ok((
                        call_instantiate::<_, _, _, Empty>(instance, env, &info, &bytes)
                            .map_err(|e| e.to_string())?,
                        bytes.len(),
                    ))
                })?;
                total.proxy_calls += 1;
                total.proxy_vm_gas += cost.vm_gas;
                self.dispatch(&proxy, response, total)?;
                Ok(vec![
                    Event::new("instantiate").add_attribute("_contract_address", proxy.to_string())
                ])
            }
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) if self.proxies.contains_key(contract_addr) => {
                let proxy = Addr::unchecked(contract_addr);
                self.chain()
                    .transfer(sender.as_str(), contract_addr, funds)?;
                let info = MessageInfo {
                    sender: sender.clone(),
                    funds: funds.clone(),
                };
                let bytes = msg.to_vec();
                let (cost, response) = self.call_at(&proxy, |instance, env| {
                    Ok((
                        call_execute::<_, _, _, Empty>(instance, env, &info, &bytes)
                            .map_err(|e| e.to_string())?,
                        bytes.len(),
                    ))
                })?;
                total.proxy_calls += 1;
                total.proxy_vm_gas += cost.vm_gas;
                self.dispatch(&proxy, response, total)?;
                Ok(vec![])
            }
            other => {
                self.chain().apply(sender.as_str(), other)?;
                Ok(vec![])
            }
        }
    }

    /// Applies the response's messages in order, as wasmd dispatches them: a message with a
    /// reply gets it at once (success or failure; a failed message's effects are undone), a
    /// failing message without one fails the whole execution. Replies go to the hub only
    /// (proxies ask for none).
    fn dispatch(
        &mut self,
        sender: &Addr,
        response: Response<Empty>,
        total: &mut Cost,
    ) -> Result<(), String> {
        for sub in response.messages {
            let snapshot = self.chain().clone();
            let result = self.run_msg(sender, &sub.msg, total);
            let wants = |on: ReplyOn| sub.reply_on == on || sub.reply_on == ReplyOn::Always;
            let reply = match result {
                Ok(events) if wants(ReplyOn::Success) => {
                    #[allow(deprecated)]
                    let ok = SubMsgResponse {
                        events,
                        data: None,
                        msg_responses: vec![],
                    };
                    SubMsgResult::Ok(ok)
                }
                Ok(_) => continue,
                Err(e) => {
                    *self.chain() = snapshot;
                    if !wants(ReplyOn::Error) {
                        return Err(format!("the chain refused a message of the hub: {e}"));
                    }
                    SubMsgResult::Err(e)
                }
            };
            let reply = Reply {
                id: sub.id,
                payload: sub.payload.clone(),
                gas_used: 0,
                result: reply,
            };
            let (cost, response) = self.call(|instance, env| {
                Ok((
                    call_reply::<_, _, _, Empty>(instance, env, &reply)
                        .map_err(|e| e.to_string())?,
                    0,
                ))
            })?;
            total.merge(cost);
            total.replies += 1;
            let hub = self.addr.clone();
            self.dispatch(&hub, response, total)?;
        }
        Ok(())
    }

    /// Executes a message on the hub and applies its effects to the chain (replies
    /// included in the cost). An error means the hub refused it, or the chain refused a
    /// message the hub emitted without asking for a reply.
    pub fn execute(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> Result<Cost, String> {
        let describe =
            |e: String| format!("{}: {e}", serde_json::to_string(msg).unwrap_or_default());
        let bytes = serde_json::to_vec(msg).map_err(|e| e.to_string())?;
        let info = MessageInfo {
            sender: sender.clone(),
            funds: funds.to_vec(),
        };
        self.chain().attach_funds(funds);
        let (mut cost, response) = self
            .call(|instance, env| {
                Ok((
                    call_execute::<_, _, _, Empty>(instance, env, &info, &bytes)
                        .map_err(|e| e.to_string())?,
                    bytes.len(),
                ))
            })
            .map_err(describe)?;
        let hub = self.addr.clone();
        self.dispatch(&hub, response, &mut cost).map_err(describe)?;
        Ok(cost)
    }

    pub fn query<T: DeserializeOwned>(&mut self, msg: &QueryMsg) -> Result<T, String> {
        let env = self.env();
        let backend = self.backend.take().expect("backend present");
        let mut instance = self
            .cache
            .get_instance(
                &self.checksum,
                backend,
                InstanceOptions {
                    gas_limit: GAS_LIMIT,
                },
            )
            .map_err(|e| e.to_string())?;
        let bytes = serde_json::to_vec(msg).map_err(|e| e.to_string())?;
        let result = call_query(&mut instance, &env, &bytes);
        let mut backend = instance.recycle().expect("instance gives its backend back");
        backend.storage.take();
        backend.querier.chain.get_mut().queries = QueryStats::default();
        self.backend = Some(backend);
        match result.map_err(|e| e.to_string())? {
            ContractResult::Ok(bin) => from_json(&bin).map_err(|e| e.to_string()),
            ContractResult::Err(e) => Err(e),
        }
    }
}

/// The optimized wasm, by absolute path from this crate's folder.
pub fn wasm_path() -> PathBuf {
    crate::workspace_root().join("artifacts/restake_hub.wasm")
}

/// Reads the optimized wasm or explains how to build it.
pub fn load_wasm() -> Result<Vec<u8>, String> {
    read_wasm(&wasm_path())
}

fn read_wasm(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {} ({e}); build it first with scripts/build-wasm.sh",
            path.display()
        )
    })
}

/// The wasm's sha256 as `scripts/build-wasm.sh` recorded it in `artifacts/checksums.txt`.
pub fn wasm_checksum() -> Option<String> {
    let sums = std::fs::read_to_string(wasm_path().with_file_name("checksums.txt")).ok()?;
    sums.lines().find_map(|line| {
        let (sum, name) = line.split_once(char::is_whitespace)?;
        (name.trim() == "restake_hub.wasm").then(|| sum.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hub step runs in the VM with its sender named as the Suite names it; a chain step
    /// moves the mock chain; a step the mock chain does not model is refused, not ignored.
    #[test]
    fn steps_run_in_the_vm_or_on_the_mock_chain() {
        let Ok(wasm) = load_wasm() else {
            eprintln!("note: artifacts/restake_hub.wasm is missing; skipping");
            return;
        };
        // every other field is optional
        let msg: InstantiateMsg = serde_json::from_str(r#"{"unbonding_period": 100}"#).unwrap();
        let mut hub = VmHub::new(&wasm, "ustake", &msg).unwrap();
        let t0 = hub.chain().time;
        assert!(hub.apply(&Step::advance(60)).unwrap().is_none());
        assert_eq!(hub.chain().time, t0.plus_seconds(60));

        let register = Step::register_service(
            "admin",
            restake_types::RegisterServiceMsg {
                name: "oracle".into(),
                slasher: hub.addr("slasher").to_string(),
                resolver: None,
                max_slash: cosmwasm_std::Decimal::percent(10),
                veto_period: 0,
                opt_out_delay: 0,
                reward_denoms: None,
                reward_tokens: None,
                metadata_uri: None,
            },
        );
        let cost = hub.apply(&register).unwrap().unwrap();
        assert!(cost.vm_gas > 0);
        let admin = hub.addr("admin").to_string();
        assert!(cost
            .attributes
            .iter()
            .any(|(k, v)| k == "admin" && *v == admin));

        let mint = Step::mint("admin", vec![cosmwasm_std::coin(1, "ustake")]);
        assert!(hub.apply(&mint).unwrap_err().contains("does not model"));
    }

    #[test]
    fn a_missing_wasm_says_how_to_build_it() {
        let err = read_wasm(std::path::Path::new("/nonexistent/restake_hub.wasm")).unwrap_err();
        assert!(err.contains("scripts/build-wasm.sh"), "{err}");
        assert!(wasm_path().is_absolute());
        assert!(wasm_path().ends_with("artifacts/restake_hub.wasm"));
    }
}
