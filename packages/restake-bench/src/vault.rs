//! The vault's gas in the VM, by record and replay.
//!
//! The bench's mock chain hosts one contract, the hub; the vault calls the hub (queries,
//! submessages and their replies), which would need a second instance and a wasmd-like
//! dispatcher between them. Instead the vault runs on the restake-multitest Suite (with the
//! real hub), and every call of the vault's own entry points (execute, reply) is recorded:
//! its storage just before, its message, and the answer to every query it made. Each call is
//! then replayed from `artifacts/restake_vault.wasm` in cosmwasm-vm against that storage,
//! with the recorded answers: the VM gas, storage operations and SDK-gas estimate are the
//! vault's own execution. The hub's share — the messages it receives and the queries it
//! answers — is the hub's bench.
//!
//! Why one file: recording the vault's calls and replaying them are two halves of one
//! mechanism over one record format.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use cosmwasm_std::{
    coin, Addr, Binary, ContractResult, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Order,
    Querier as StdQuerier, QuerierResult, QuerierWrapper, Reply, Response, SystemResult,
};
use cosmwasm_vm::testing::MockApi;
use cosmwasm_vm::{
    call_execute, call_reply, capabilities_from_csv, Backend, BackendResult, Cache, CacheOptions,
    GasInfo, InstanceOptions, Querier, Size, Storage,
};
use restake_multitest::{
    AppResponse, Contract, ContractWrapper, Executor, ServiceSpec, Step, Suite, SuiteBuilder,
};
use serde_json::{json, Value};

use crate::chain::QueryStats;
use crate::gas::{estimate, SdkGas};
use crate::storage::{CountingStorage, StorageStats};
use crate::vm::Cost;

const GAS_LIMIT: u64 = 10_000_000_000_000;
const DAY: u64 = 86_400;

/// One call of the vault's entry points, as it happened on the Suite.
#[derive(Clone)]
enum Call {
    Execute {
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    },
    Reply {
        env: Env,
        reply: Reply,
    },
}

#[derive(Clone)]
struct Recorded {
    call: Call,
    storage: Vec<(Vec<u8>, Vec<u8>)>,
    answers: Vec<(Vec<u8>, QuerierResult)>,
}

struct RecordingQuerier<'a> {
    inner: QuerierWrapper<'a>,
    answers: RefCell<Vec<(Vec<u8>, QuerierResult)>>,
}

impl StdQuerier for RecordingQuerier<'_> {
    fn raw_query(&self, bin_request: &[u8]) -> QuerierResult {
        let r = self.inner.raw_query(bin_request);
        self.answers
            .borrow_mut()
            .push((bin_request.to_vec(), r.clone()));
        r
    }
}

/// The vault as stored on the Suite, recording its calls while `on`.
struct Recorder {
    inner: Box<dyn Contract<Empty>>,
    log: Rc<RefCell<Vec<Recorded>>>,
    on: Rc<RefCell<bool>>,
}

impl Recorder {
    fn record(
        &self,
        deps: DepsMut,
        call: Call,
        run: impl FnOnce(DepsMut) -> anyhow::Result<Response>,
    ) -> anyhow::Result<Response> {
        if !*self.on.borrow() {
            return run(deps);
        }
        let storage: Vec<(Vec<u8>, Vec<u8>)> =
            deps.storage.range(None, None, Order::Ascending).collect();
        let querier = RecordingQuerier {
            inner: deps.querier,
            answers: RefCell::new(vec![]),
        };
        let result = run(DepsMut {
            storage: deps.storage,
            api: deps.api,
            querier: QuerierWrapper::new(&querier),
        });
        if result.is_ok() {
            self.log.borrow_mut().push(Recorded {
                call,
                storage,
                answers: querier.answers.into_inner(),
            });
        }
        result
    }
}

impl Contract<Empty> for Recorder {
    fn instantiate(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> anyhow::Result<Response> {
        self.inner.instantiate(deps, env, info, msg)
    }

    fn execute(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> anyhow::Result<Response> {
        let call = Call::Execute {
            env: env.clone(),
            info: info.clone(),
            msg: msg.clone(),
        };
        self.record(deps, call, |d| self.inner.execute(d, env, info, msg))
    }

    fn query(&self, deps: Deps, env: Env, msg: Vec<u8>) -> anyhow::Result<Binary> {
        self.inner.query(deps, env, msg)
    }

    fn reply(&self, deps: DepsMut, env: Env, msg: Reply) -> anyhow::Result<Response> {
        let call = Call::Reply {
            env: env.clone(),
            reply: msg.clone(),
        };
        self.record(deps, call, |d| self.inner.reply(d, env, msg))
    }

    fn sudo(&self, deps: DepsMut, env: Env, msg: Vec<u8>) -> anyhow::Result<Response> {
        self.inner.sudo(deps, env, msg)
    }

    fn migrate(&self, deps: DepsMut, env: Env, msg: Vec<u8>) -> anyhow::Result<Response> {
        self.inner.migrate(deps, env, msg)
    }
}

/// Answers each query with what the Suite answered when the call was recorded.
struct ReplayQuerier {
    answers: BTreeMap<Vec<u8>, QuerierResult>,
}

impl Querier for ReplayQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        _gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let result = match self.answers.get(request) {
            Some(r) => r.clone(),
            None => SystemResult::Err(cosmwasm_std::SystemError::InvalidRequest {
                error: "not recorded".into(),
                request: Binary::from(request),
            }),
        };
        (Ok(result), GasInfo::free())
    }
}

#[derive(serde::Serialize, Debug)]
#[serde(transparent)]
struct RawJson(Value);

struct Run {
    suite: Suite,
    vault: Addr,
    token: Addr,
}

impl Run {
    fn vx(&mut self, sender: &str, msg: Value, funds: &[cosmwasm_std::Coin]) -> AppResponse {
        let step = Step::Wasm {
            sender: sender.to_string(),
            contract: self.vault.to_string(),
            msg: Binary::new(serde_json::to_vec(&msg).unwrap_or_default()),
            funds: funds.to_vec(),
        };
        self.suite
            .apply(&step)
            .unwrap_or_else(|e| panic!("{msg}: {e:?}"))
    }

    fn deposit(&mut self, who: &str, amount: u128) {
        self.suite.mint(who, vec![coin(amount, "uatom")]);
        self.vx(who, json!({"deposit": {}}), &[coin(amount, "uatom")]);
    }

    fn pay(&mut self) {
        let _ = self
            .suite
            .distribute("oracle", 1, vec![coin(10_000, "uosmo")]);
        let _ = self
            .suite
            .distribute("bridge", 2, vec![coin(10_000, "untrn")]);
        let token = self.token.clone();
        let _ = self.suite.distribute_cw20(&token, "bridge", 2, 10_000);
    }

    fn days(&mut self, n: u64) {
        self.suite.advance_with_crank(n * DAY, DAY);
    }
}

fn setup(log: Rc<RefCell<Vec<Recorded>>>, on: Rc<RefCell<bool>>) -> Run {
    let mut suite = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::percent(5))
        .build();
    let token = suite.create_cw20("BRDG", &[("bridge", 1_000_000_000_000)]);
    let day = DAY;
    suite
        .register(
            ServiceSpec::new("oracle")
                .max_slash(Decimal::percent(5))
                .veto_period(day)
                .opt_out_delay(2 * day)
                .reward_denom("uosmo"),
        )
        .expect("oracle");
    suite
        .register(
            ServiceSpec::new("bridge")
                .max_slash(Decimal::percent(10))
                .veto_period(day)
                .opt_out_delay(2 * day)
                .reward_denom("untrn")
                .reward_token(&token),
        )
        .expect("bridge");
    let code = suite.store_code(Box::new(Recorder {
        inner: Box::new(
            ContractWrapper::new(
                restake_vault::contract::execute,
                restake_vault::contract::instantiate,
                restake_vault::contract::query,
            )
            .with_reply(restake_vault::contract::reply),
        ),
        log,
        on,
    }));
    let strategy = json!({
        "validators": [
            {"validator": suite.validator(0), "weight": 1, "services": [1, 2]},
            {"validator": suite.validator(1), "weight": 1, "services": [1, 2]}
        ],
        "services": [{"service_id": 1, "max_share": "1"}, {"service_id": 2, "max_share": "1"}],
        "risk_budget": "0.15",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": 3 * DAY
    });
    let msg = json!({
        "hub": suite.hub, "curator": suite.addr("curator"), "name": "Restaked ATOM",
        "symbol": "rstATOM", "strategy": strategy, "exit_epoch": 3 * DAY, "min_timelock": DAY
    });
    let admin = suite.addr("admin");
    let vault = suite
        .app
        .instantiate_contract(code, admin, &RawJson(msg), &[], "vault", None)
        .expect("instantiate the vault");
    Run {
        suite,
        vault,
        token,
    }
}

/// One measured message of the scenario, as a closure on the run.
type Message = Box<dyn Fn(&mut Run)>;

/// Every message once, on a vault with `holders` holders (the same scenario as the vault's
/// flatness test). Returns the recorded calls per message.
fn record(holders: usize) -> Vec<(&'static str, Vec<Recorded>)> {
    let log = Rc::new(RefCell::new(vec![]));
    let on = Rc::new(RefCell::new(false));
    let mut r = setup(log.clone(), on.clone());
    for _ in 0..2 {
        r.deposit("alice", 2_500_000);
    }
    for i in 0..holders {
        for _ in 0..2 {
            r.deposit(&format!("holder{i}"), 1_000_000);
        }
    }
    r.pay();
    r.vx("holder0", json!({"exit": {"shares": "1000"}}), &[]);
    r.suite.advance(3_600);
    r.pay();
    let bob = r.suite.addr("bob").to_string();
    let steps: Vec<(&'static str, Message)> = vec![
        (
            "deposit",
            Box::new(|r: &mut Run| r.deposit("alice", 1_000_000)),
        ),
        (
            "transfer",
            Box::new(move |r: &mut Run| {
                r.vx(
                    "alice",
                    json!({"transfer": {"recipient": bob, "amount": "1000000"}}),
                    &[],
                );
            }),
        ),
        (
            "claim_rewards",
            Box::new(|r: &mut Run| {
                r.vx("alice", json!({"claim_rewards": {}}), &[]);
            }),
        ),
        (
            "exit",
            Box::new(|r: &mut Run| {
                r.vx("alice", json!({"exit": {"shares": "1000000000"}}), &[]);
            }),
        ),
        (
            "harvest",
            Box::new(|r: &mut Run| {
                r.vx("keeper", json!({"harvest": {}}), &[]);
            }),
        ),
        (
            "rebalance",
            Box::new(|r: &mut Run| {
                r.vx("keeper", json!({"rebalance": {}}), &[]);
            }),
        ),
        (
            "process_exits (send)",
            Box::new(|r: &mut Run| {
                r.suite.advance(3 * DAY);
                r.vx("keeper", json!({"process_exits": {}}), &[]);
            }),
        ),
        (
            "process_exits (collect)",
            Box::new(|r: &mut Run| {
                r.days(22);
                r.vx("keeper", json!({"process_exits": {}}), &[]);
            }),
        ),
        (
            "claim",
            Box::new(|r: &mut Run| {
                r.vx("alice", json!({"claim": {}}), &[]);
            }),
        ),
    ];
    let mut out = vec![];
    for (name, step) in steps {
        log.borrow_mut().clear();
        *on.borrow_mut() = true;
        step(&mut r);
        *on.borrow_mut() = false;
        out.push((name, log.borrow().clone()));
    }
    out
}

/// The vault's own cost of one message: every recorded call replayed in the VM.
fn replay(
    cache: &Cache<MockApi, CountingStorage, ReplayQuerier>,
    checksum: &cosmwasm_std::Checksum,
    calls: &[Recorded],
) -> Result<Cost, String> {
    let mut total = Cost {
        vm_gas: 0,
        storage: StorageStats::default(),
        queries: QueryStats::default(),
        msg_len: 0,
        attributes: vec![],
        messages: 0,
        replies: 0,
        keys: BTreeMap::new(),
        // the vault has no delegator proxies of its own (the hub's are the hub's cost)
        proxy_calls: 0,
        proxy_vm_gas: 0,
    };
    for (i, c) in calls.iter().enumerate() {
        let mut storage = CountingStorage::default();
        for (k, v) in &c.storage {
            storage.set(k, v).0.map_err(|e| e.to_string())?;
        }
        storage.take();
        let querier = ReplayQuerier {
            answers: c.answers.iter().cloned().collect(),
        };
        let backend = Backend {
            api: MockApi::default(),
            storage,
            querier,
        };
        let mut instance = cache
            .get_instance(
                checksum,
                backend,
                InstanceOptions {
                    gas_limit: GAS_LIMIT,
                },
            )
            .map_err(|e| e.to_string())?;
        let before = instance.get_gas_left();
        let result = match &c.call {
            Call::Execute { env, info, msg } => {
                total.msg_len += msg.len();
                call_execute::<_, _, _, Empty>(&mut instance, env, info, msg)
            }
            Call::Reply { env, reply } => {
                total.replies += 1;
                call_reply::<_, _, _, Empty>(&mut instance, env, reply)
            }
        }
        .map_err(|e| e.to_string())?;
        let used = before - instance.get_gas_left();
        let mut backend = instance
            .recycle()
            .ok_or("instance gives its backend back")?;
        let (stats, _) = backend.storage.take();
        let response = match result {
            ContractResult::Ok(r) => r,
            ContractResult::Err(e) => return Err(format!("call {i} failed in the VM: {e}")),
        };
        total.vm_gas += used;
        total.storage += stats;
        total.queries.other += c.answers.len() as u64;
        total.messages += response.messages.len();
        total
            .attributes
            .extend(response.attributes.into_iter().map(|a| (a.key, a.value)));
    }
    // the first call is the message itself, charged the full instance cost
    total.replies = total.replies.min(calls.len().saturating_sub(1) as u64);
    Ok(total)
}

/// One message of the vault's bench.
#[derive(Clone, Debug, serde::Serialize)]
pub struct VaultRow {
    pub message: String,
    pub holders: usize,
    pub vm_gas: u64,
    pub reads: u64,
    pub writes: u64,
    pub queries: u64,
    pub sdk_gas: SdkGas,
}

pub fn vault_wasm_path() -> PathBuf {
    crate::workspace_root().join("artifacts/restake_vault.wasm")
}

/// Records the scenario with each holder count and replays it from the optimized wasm.
pub fn run(levels: &[usize]) -> Result<Vec<VaultRow>, String> {
    let wasm = std::fs::read(vault_wasm_path()).map_err(|e| {
        format!(
            "{}: {e} (run scripts/build-wasm.sh)",
            vault_wasm_path().display()
        )
    })?;
    let dir = std::env::temp_dir().join(format!("restake-vault-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let capabilities: HashSet<String> = capabilities_from_csv(
        "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1",
    );
    let options = CacheOptions::new(&dir, capabilities, Size::mebi(200), Size::mebi(32));
    // SAFETY: the file-system cache lives in a directory this process just created.
    let cache = unsafe { Cache::new(options) }.map_err(|e| e.to_string())?;
    let checksum = cache
        .store_code(&wasm, true, true)
        .map_err(|e| format!("the VM refused the vault's wasm: {e}"))?;
    let mut rows = vec![];
    for &n in levels {
        for (message, calls) in record(n) {
            if calls.is_empty() {
                return Err(format!("{message}: nothing recorded"));
            }
            let cost = replay(&cache, &checksum, &calls)
                .map_err(|e| format!("{message} with {n} holders: {e}"))?;
            rows.push(VaultRow {
                message: message.to_string(),
                holders: n,
                vm_gas: cost.vm_gas,
                reads: cost.storage.reads + cost.storage.iterated_items,
                writes: cost.storage.writes + cost.storage.removes,
                queries: cost.queries.other,
                sdk_gas: estimate(&cost),
            });
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(rows)
}

/// A markdown table: one row per message, the holder counts side by side.
pub fn table(rows: &[VaultRow], levels: &[usize]) -> String {
    let mut t = crate::table::Table::new();
    t.left("message");
    for n in levels {
        t.right(format!("SDK gas, {n} holders"))
            .right(format!("VM gas, {n} holders"));
    }
    t.right("reads / writes").right("queries");
    let mut messages: Vec<&str> = vec![];
    for r in rows {
        if !messages.contains(&r.message.as_str()) {
            messages.push(&r.message);
        }
    }
    for m in messages {
        let of = |n: usize| rows.iter().find(|r| r.message == m && r.holders == n);
        let mut cells = vec![m.to_string()];
        for &n in levels {
            match of(n) {
                Some(r) => cells.extend([r.sdk_gas.total.to_string(), r.vm_gas.to_string()]),
                None => cells.extend(["—".to_string(), "—".to_string()]),
            }
        }
        match of(*levels.last().unwrap_or(&0)) {
            Some(r) => cells.extend([format!("{} / {}", r.reads, r.writes), r.queries.to_string()]),
            None => cells.extend(["—".to_string(), "—".to_string()]),
        }
        t.row(cells);
    }
    t.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_the_holder_counts_side_by_side() {
        let row = |message: &str, holders, total, vm_gas| VaultRow {
            message: message.into(),
            holders,
            vm_gas,
            reads: 3,
            writes: 2,
            queries: 1,
            sdk_gas: SdkGas {
                total,
                ..SdkGas::default()
            },
        };
        let rows = [
            row("deposit", 1, 10, 20),
            row("deposit", 1000, 30, 40),
            row("claim", 1, 5, 6),
        ];
        assert_eq!(
            table(&rows, &[1, 1000]),
            "| message | SDK gas, 1 holders | VM gas, 1 holders | SDK gas, 1000 holders | VM gas, 1000 holders | reads / writes | queries |\n\
             |---|--:|--:|--:|--:|--:|--:|\n\
             | deposit | 10 | 20 | 30 | 40 | 3 / 2 | 1 |\n\
             | claim | 5 | 6 | — | — | — | — |\n"
        );
    }
}
