//! Fuzzing the execute entry point with arbitrary JSON: fully random `serde_json::Value`
//! trees, "near-valid" mutations of real messages (wrong types, missing fields, unknown
//! fields, huge, negative and float numbers, nested garbage, renamed variants) and raw bytes
//! (truncated or corrupted JSON), from random senders with random funds, on a hub holding
//! positions, unbondings, rewards and a pending slash request.
//!
//! For every message: the run never panics (the contract returns Ok or an error), a refused
//! message leaves the hub's storage and balances exactly as they were, and after an accepted
//! one the Suite's invariants hold. Every generated value is also sent as a query (which
//! must answer or refuse, never panic).
//!
//! CI: 48 cases of up to 24 messages each, fixed seed. Long mode:
//! `RESTAKE_LONG=1 cargo test -p restake-tests test_fuzz -- --nocapture`
//! (`RESTAKE_CASES`, `RESTAKE_SEED` as in test_model).
//!
//! Why one file: the generators, the mutations of real messages and the checks after each
//! call are one fuzzer; its two tests run it with different inputs.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use cosmwasm_std::{coin, Binary, Coin, Decimal, WasmMsg};
use cw_multi_test::Executor;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use restake_multitest::{err_text, ServiceSpec, Suite, SuiteBuilder};
use serde_json::{json, Map, Value};

/// Field and message names of the interface, so random objects hit real shapes.
const NAMES: &[&str] = &[
    "deposit",
    "opt_in",
    "opt_out",
    "complete_opt_out",
    "unbond",
    "claim_unbonded",
    "claim_rewards",
    "register_service",
    "update_service",
    "set_service_status",
    "distribute_rewards",
    "receive",
    "slash",
    "veto_slash",
    "execute_slash",
    "harvest",
    "sync_validator",
    "process_unbondings",
    "update_config",
    "pause",
    "unpause",
    "update_ownership",
    "validator",
    "validators",
    "service_ids",
    "service_id",
    "amount",
    "name",
    "slasher",
    "resolver",
    "max_slash",
    "veto_period",
    "opt_out_delay",
    "reward_denoms",
    "reward_tokens",
    "metadata_uri",
    "add_reward_denoms",
    "add_reward_tokens",
    "admin",
    "clear_resolver",
    "status",
    "slash_id",
    "fraction",
    "evidence",
    "sender",
    "msg",
    "min_deposit",
    "unbonding_period",
    "unbonding_epoch",
    "max_services_per_position",
    "max_veto_period",
    "max_reward_assets",
    "max_pools_per_validator",
    "slash_destination",
    "burn",
    "community_pool",
    "address",
    "transfer_ownership",
    "new_owner",
    "expiry",
    "accept_ownership",
    "renounce_ownership",
    "staker",
    "start_after",
    "limit",
    "position",
    "positions",
    "pending_rewards",
    "unbondings",
    "service",
    "services",
    "service_stake",
    "slash_request",
    "slash_requests",
    "staker_overview",
    "stats",
    "config",
    "ownership",
    "pools",
];

/// Placeholders replaced by real addresses at run time.
const PLACES: &[&str] = &[
    "@alice", "@bob", "@v0", "@v1", "@hub", "@token", "@slasher", "@owner",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (0..100u64).prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just("0"),
            Just("1"),
            Just("-1"),
            Just("1.0000001"),
            Just("0.05"),
            Just(""),
            Just("340282366920938463463374607431768211455"),
            Just("340282366920938463463374607431768211456"),
            Just("1e18"),
            Just("0x10"),
            Just(" 1"),
            Just("NaN"),
            Just("paused"),
            Just("active"),
            Just("retired"),
            Just("uatom"),
            Just("uosmo"),
        ]
        .prop_map(|s| json!(s)),
        (0..PLACES.len()).prop_map(|i| json!(PLACES[i])),
        "[a-z_]{0,12}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0..NAMES.len()).prop_map(|i| NAMES[i].to_string()),
        1 => "[a-zA-Z_]{0,10}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Real messages to mutate (placeholders filled at run time).
fn templates() -> Vec<Value> {
    vec![
        json!({"deposit": {"validator": "@v0"}}),
        json!({"opt_in": {"validator": "@v0", "service_ids": [1, 2]}}),
        json!({"opt_out": {"validator": "@v0", "service_ids": [1]}}),
        json!({"complete_opt_out": {"validator": "@v0"}}),
        json!({"unbond": {"validator": "@v0", "amount": "1000"}}),
        json!({"claim_unbonded": {}}),
        json!({"claim_rewards": {}}),
        json!({"register_service": {"name": "x", "slasher": "@slasher", "resolver": "@bob",
            "max_slash": "0.1", "veto_period": 10, "opt_out_delay": 10,
            "reward_denoms": ["uosmo"], "reward_tokens": ["@token"], "metadata_uri": "u"}}),
        json!({"update_service": {"service_id": 1, "max_slash": "0.05", "opt_out_delay": 100,
            "add_reward_denoms": ["untrn"], "admin": "@alice"}}),
        json!({"set_service_status": {"service_id": 1, "status": "paused"}}),
        json!({"distribute_rewards": {"service_id": 1}}),
        json!({"receive": {"sender": "@alice", "amount": "10",
            "msg": "eyJkaXN0cmlidXRlX3Jld2FyZHMiOnsic2VydmljZV9pZCI6MX19"}}),
        json!({"slash": {"service_id": 2, "validator": "@v0", "fraction": "0.01", "evidence": "e"}}),
        json!({"veto_slash": {"slash_id": 1}}),
        json!({"execute_slash": {"slash_id": 1}}),
        json!({"harvest": {"validators": ["@v0"]}}),
        json!({"sync_validator": {"validator": "@v0"}}),
        json!({"process_unbondings": {}}),
        json!({"update_config": {"min_deposit": "5", "slash_destination": {"address": {"address": "@bob"}}}}),
        json!({"pause": {}}),
        json!({"unpause": {}}),
        json!({"update_ownership": {"transfer_ownership": {"new_owner": "@bob"}}}),
        json!({"update_ownership": "accept_ownership"}),
    ]
}

/// A change to a message tree; `at` selects a node (mod the number of nodes).
#[derive(Clone, Debug)]
enum Mutation {
    Replace {
        at: usize,
        with: Value,
    },
    Remove {
        at: usize,
    },
    AddField {
        at: usize,
        key: String,
        with: Value,
    },
    RenameKey {
        at: usize,
        key: String,
    },
    WrapInArray {
        at: usize,
    },
    NumberToString {
        at: usize,
    },
    /// A value of the same JSON type, from a list of extremes (`pick` selects it).
    Extreme {
        at: usize,
        pick: usize,
    },
}

/// Duration fields (seconds). While the contract panics on durations near u64::MAX
/// (`regression_huge_durations_panic` in test_adversarial, ignored until fixed), the
/// fuzzer keeps them below a century so it can look for other failures; set
/// `RESTAKE_FUZZ_ALL=1` to fuzz them too (and drop this once the bug is fixed).
fn avoid_known_panics() -> bool {
    std::env::var("RESTAKE_FUZZ_ALL").is_err()
}
const DURATIONS: &[&str] = &[
    "veto_period",
    "opt_out_delay",
    "unbonding_period",
    "unbonding_epoch",
    "max_veto_period",
];

fn extreme(v: &Value, key: Option<&str>, pick: usize) -> Value {
    let duration = avoid_known_panics() && key.is_some_and(|k| DURATIONS.contains(&k));
    match v {
        Value::Number(_) if duration => {
            json!([0u64, 1, 3_600, 604_800, 1_814_400, 3_153_600_000][pick % 6])
        }
        Value::Number(_) => {
            json!([0u64, 1, 2, 7, 30, u32::MAX as u64, u64::MAX, 1_814_400][pick % 8])
        }
        Value::String(s) if s.starts_with('@') => json!(PLACES[pick % PLACES.len()]),
        Value::String(s) if s.contains('.') => {
            json!(["0", "1", "1.0000001", "0.000000000000000001", "0.5", "0.2"][pick % 6])
        }
        Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) => json!(
            [
                "0",
                "1",
                "999",
                "1000",
                "100000",
                "340282366920938463463374607431768211455"
            ][pick % 6]
        ),
        Value::Array(_) => json!(
            [
                json!([]),
                json!([1]),
                json!([1, 1]),
                json!([2, 1]),
                json!([999]),
                json!([1, 2, 3, 4, 5, 6, 7, 8, 9])
            ][pick % 6]
        ),
        Value::Bool(b) => json!(!b),
        other => other.clone(),
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..64usize;
    prop_oneof![
        4 => (at.clone(), value()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        2 => at.clone().prop_map(|at| Mutation::Remove { at }),
        2 => (at.clone(), key(), value()).prop_map(|(at, key, with)| Mutation::AddField { at, key, with }),
        1 => (at.clone(), key()).prop_map(|(at, key)| Mutation::RenameKey { at, key }),
        1 => at.clone().prop_map(|at| Mutation::WrapInArray { at }),
        1 => at.clone().prop_map(|at| Mutation::NumberToString { at }),
        6 => (at, any::<usize>()).prop_map(|(at, pick)| Mutation::Extreme { at, pick }),
    ]
}

/// Paths (object keys / array indexes) of every node of a tree.
fn paths(
    v: &Value,
    prefix: &mut Vec<Result<String, usize>>,
    out: &mut Vec<Vec<Result<String, usize>>>,
) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                prefix.push(Ok(k.clone()));
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                prefix.push(Err(i));
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Result<String, usize>]) -> &'a mut Value {
    path.iter().fold(v, |v, p| match p {
        Ok(k) => &mut v[k.as_str()],
        Err(i) => &mut v[*i],
    })
}

fn mutate(mut v: Value, m: &Mutation) -> Value {
    let mut all = vec![];
    paths(&v, &mut vec![], &mut all);
    let pick_node = |at: usize| all[at % all.len()].clone();
    match m {
        Mutation::Replace { at, with } => *node(&mut v, &pick_node(*at)) = with.clone(),
        Mutation::Remove { at } => {
            let p = pick_node(*at);
            if let Some((last, parent)) = p.split_last() {
                match (node(&mut v, parent), last) {
                    (Value::Object(o), Ok(k)) => {
                        o.remove(k);
                    }
                    (Value::Array(a), Err(i)) if *i < a.len() => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::AddField { at, key, with } => {
            if let Value::Object(o) = node(&mut v, &pick_node(*at)) {
                o.insert(key.clone(), with.clone());
            }
        }
        Mutation::RenameKey { at, key } => {
            let p = pick_node(*at);
            if let Some((Ok(old), parent)) = p.split_last() {
                if let Value::Object(o) = node(&mut v, parent) {
                    if let Some(x) = o.remove(old) {
                        o.insert(key.clone(), x);
                    }
                }
            }
        }
        Mutation::WrapInArray { at } => {
            let n = node(&mut v, &pick_node(*at));
            *n = Value::Array(vec![n.take()]);
        }
        Mutation::Extreme { at, pick } => {
            let p = pick_node(*at);
            let key = p.iter().rev().find_map(|x| x.as_ref().ok()).cloned();
            let n = node(&mut v, &p);
            *n = extreme(n, key.as_deref(), *pick);
        }
        Mutation::NumberToString { at } => {
            let n = node(&mut v, &pick_node(*at));
            *n = match n.take() {
                Value::Number(x) => Value::String(x.to_string()),
                Value::String(s) => s
                    .parse::<f64>()
                    .map(|f| json!(f))
                    .unwrap_or(Value::String(s)),
                other => other,
            };
        }
    }
    v
}

/// One message of a fuzz case.
#[derive(Clone, Debug)]
enum Input {
    /// A random tree, usually under a real message name.
    Random(Value),
    /// A real message with mutations.
    NearValid(usize, Vec<Mutation>),
    /// A real message, serialised, then cut or corrupted at the byte level.
    Bytes(usize, usize, u8),
}

#[derive(Clone, Debug)]
struct Fuzz {
    input: Input,
    sender: usize,
    funds: usize,
}

fn fuzz() -> impl Strategy<Value = Fuzz> {
    let n = templates().len();
    let input = prop_oneof![
        3 => ((0..NAMES.len()), value())
            .prop_map(|(i, v)| Input::Random(json!({ NAMES[i]: v }))),
        1 => value().prop_map(Input::Random),
        6 => (0..n, proptest::collection::vec(mutation(), 1..4))
            .prop_map(|(t, m)| Input::NearValid(t, m)),
        // well-typed messages with extreme values: they reach the contract's logic
        6 => (0..n, proptest::collection::vec((0..64usize, any::<usize>()), 0..3)).prop_map(|(t, m)| {
            Input::NearValid(t, m.into_iter().map(|(at, pick)| Mutation::Extreme { at, pick }).collect())
        }),
        1 => (0..n, any::<usize>(), any::<u8>()).prop_map(|(t, at, b)| Input::Bytes(t, at, b)),
    ];
    (input, 0..6usize, 0..7usize).prop_map(|(input, sender, funds)| Fuzz {
        input,
        sender,
        funds,
    })
}

const SENDERS: [&str; 6] = ["alice", "bob", "owner", "svc2-slasher", "svc1", "stranger"];

struct World {
    suite: Suite,
    places: BTreeMap<&'static str, String>,
    token: cosmwasm_std::Addr,
}

impl World {
    fn new() -> World {
        let mut s = SuiteBuilder::new()
            .with_validators(2)
            .with_apr(Decimal::percent(10))
            .build();
        let (v0, v1) = (s.validator(0), s.validator(1));
        let token = s.create_cw20("RWD", &[("svc1", 1_000_000)]);
        s.register(
            ServiceSpec::new("svc1")
                .reward_denom("uosmo")
                .reward_token(&token),
        )
        .unwrap();
        s.register(
            ServiceSpec::new("svc2")
                .resolver("bob")
                .veto_period(3_600)
                .opt_out_delay(3_600),
        )
        .unwrap();
        s.deposit("alice", &v0, 1_000_000).unwrap();
        s.deposit("bob", &v1, 2_000_000).unwrap();
        s.opt_in("alice", &v0, &[1, 2]).unwrap();
        s.opt_in("bob", &v1, &[1]).unwrap();
        s.distribute("svc1", 1, vec![coin(30_000, "uosmo")])
            .unwrap();
        s.unbond("alice", &v0, 100_000).unwrap();
        s.slash("svc2-slasher", 2, &v0, Decimal::percent(5))
            .unwrap();
        s.advance(600);
        let mut places = BTreeMap::new();
        for (k, v) in [
            ("@alice", s.addr("alice").to_string()),
            ("@bob", s.addr("bob").to_string()),
            ("@v0", v0),
            ("@v1", v1),
            ("@hub", s.hub.to_string()),
            ("@token", token.to_string()),
            ("@slasher", s.addr("svc2-slasher").to_string()),
            ("@owner", s.owner.to_string()),
        ] {
            places.insert(k, v);
        }
        for who in SENDERS {
            s.mint(
                who,
                vec![coin(10_000_000, "uatom"), coin(10_000_000, "uosmo")],
            );
        }
        World {
            suite: s,
            places,
            token,
        }
    }

    fn fill(&self, v: Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.places.get(s.as_str()).cloned().unwrap_or(s)),
            Value::Array(a) => Value::Array(a.into_iter().map(|x| self.fill(x)).collect()),
            Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, x)| (k, self.fill(x))).collect())
            }
            other => other,
        }
    }

    fn bytes(&self, input: &Input) -> Vec<u8> {
        let t = templates();
        match input {
            Input::Random(v) => serde_json::to_vec(&self.fill(v.clone())).unwrap(),
            Input::NearValid(i, ms) => {
                let v = ms.iter().fold(t[*i].clone(), mutate);
                serde_json::to_vec(&self.fill(v)).unwrap()
            }
            Input::Bytes(i, at, b) => {
                let mut raw = serde_json::to_vec(&self.fill(t[*i].clone())).unwrap();
                let at = at % (raw.len() + 1);
                if b % 2 == 0 {
                    raw.truncate(at);
                } else if at < raw.len() {
                    raw[at] = *b;
                }
                raw
            }
        }
    }

    fn balances(&self) -> Vec<u128> {
        let s = &self.suite;
        let mut out: Vec<u128> = ["uatom", "uosmo", "untrn"]
            .iter()
            .map(|d| s.hub_balance(d))
            .collect();
        out.push(s.cw20_balance(&self.token, s.hub.as_str()));
        out
    }

    fn run(&mut self, f: &Fuzz) -> Result<(), String> {
        let raw = self.bytes(&f.input);
        let shown = String::from_utf8_lossy(&raw).to_string();
        let funds: Vec<Coin> = match f.funds {
            0..=2 => vec![],
            3 => vec![coin(1_000, "uatom")],
            4 => vec![coin(500, "uosmo")],
            5 => vec![coin(1_000, "uatom"), coin(500, "uosmo")],
            _ => vec![coin(u128::MAX, "uatom")],
        };
        let sender = self.suite.addr(SENDERS[f.sender]);
        self.suite.known.insert(sender.clone());
        let before = self.suite.app.dump_wasm_raw(&self.suite.hub);
        let balances = self.balances();
        let msg = WasmMsg::Execute {
            contract_addr: self.suite.hub.to_string(),
            msg: Binary::new(raw.clone()),
            funds,
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.suite.app.execute(sender, msg.into())
        }))
        .map_err(|_| format!("the contract panicked on {shown}"))?;
        match result {
            Err(e) => {
                let text = err_text(&e);
                if self.suite.app.dump_wasm_raw(&self.suite.hub) != before {
                    return Err(format!("refused ({text}) but the storage changed: {shown}"));
                }
                if self.balances() != balances {
                    return Err(format!(
                        "refused ({text}) but the balances changed: {shown}"
                    ));
                }
                count(false);
            }
            Ok(_) => {
                count(true);
                let violations = self.suite.check_invariants();
                if !violations.is_empty() {
                    return Err(format!("after {shown}: {violations:?}"));
                }
            }
        }
        // the same bytes as a query: an answer or an error, never a panic
        let query = cosmwasm_std::QueryRequest::<cosmwasm_std::Empty>::Wasm(
            cosmwasm_std::WasmQuery::Smart {
                contract_addr: self.suite.hub.to_string(),
                msg: Binary::new(raw),
            },
        );
        catch_unwind(AssertUnwindSafe(|| {
            let _ = self.suite.app.wrap().query::<Value>(&query);
        }))
        .map_err(|_| format!("a query panicked on {shown}"))?;
        Ok(())
    }
}

static ACCEPTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static REFUSED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn count(ok: bool) {
    let c = if ok { &ACCEPTED } else { &REFUSED };
    c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn run_case(inputs: &[Fuzz]) -> Result<(), String> {
    let mut w = World::new();
    for (i, f) in inputs.iter().enumerate() {
        w.run(f)
            .map_err(|e| format!("message {i} from {}: {e}", SENDERS[f.sender]))?;
    }
    Ok(())
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn arbitrary_json_never_panics_and_refusals_change_nothing() {
    let long = std::env::var("RESTAKE_LONG").is_ok();
    let cases = env_u64("RESTAKE_CASES").unwrap_or(if long { 2_000 } else { 48 }) as u32;
    let seed = env_u64("RESTAKE_SEED").unwrap_or(0xf022_0009);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_048,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let started = std::time::Instant::now();
    let result = runner.run(&proptest::collection::vec(fuzz(), 1..=24), |inputs| {
        run_case(&inputs).map_err(TestCaseError::fail)
    });
    if long || std::env::var("RESTAKE_VERBOSE").is_ok() {
        println!(
            "{cases} cases (seed {seed}) in {:?}: {} messages accepted, {} refused",
            started.elapsed(),
            ACCEPTED.load(std::sync::atomic::Ordering::Relaxed),
            REFUSED.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, inputs)) => {
            panic!("seed {seed}: {reason}\nminimal input:\n{inputs:#?}")
        }
        Err(e) => panic!("seed {seed}: {e}"),
    }
}

#[test]
fn mutations_reach_every_kind_of_refusal() {
    // a sanity check of the mutation engine on one template
    let v = json!({"unbond": {"validator": "v", "amount": "1000"}});
    let removed = mutate(v.clone(), &Mutation::Remove { at: 3 });
    assert!(
        removed["unbond"].get("amount").is_none() || removed["unbond"].get("validator").is_none()
    );
    let wrapped = mutate(v.clone(), &Mutation::WrapInArray { at: 0 });
    assert!(wrapped.is_array());
    let renamed = mutate(
        v,
        &Mutation::RenameKey {
            at: 1,
            key: "stake".into(),
        },
    );
    assert!(renamed.get("stake").is_some());
}
