//! Harness for the end-to-end tests on gaiad v25.1.1, the Cosmos Hub's own binary.
//!
//! The node is the one `scripts/gaia-node.sh start` runs; its env file
//! (`target/gaia-node/gaia.env`, or `$GAIA_ENV`) gives the RPC URL, chain id, gas price and
//! the funded keys' mnemonics. Every test funds fresh accounts from the `faucet` key, so
//! tests can run again against the same node. Nothing sleeps for a fixed time: waits poll
//! heights, block times or states with timeouts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use restake_chain::{
    msgs, Client, Coin, Error, Gas, Key, Result, TxOutcome, UnbondingEntry, ValidatorInfo,
};
use restake_chain::{ChainConfig, Event};

/// The generous fixed gas limit used where a test wants the chain's own verdict (a
/// simulation would refuse a failing message before it lands).
pub const FIXED_GAS: u64 = 6_000_000;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `scripts/gaia-node.sh`'s env file, parsed (`KEY='value'` lines).
pub fn read_env_file() -> Result<BTreeMap<String, String>, String> {
    let path = std::env::var("GAIA_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target/gaia-node/gaia.env"));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {}: {e}. Start the node first: scripts/gaia-node.sh start \
             (or run scripts/gaia-e2e.sh)",
            path.display()
        )
    })?;
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_matches('\'').trim_matches('"').to_string(),
            )
        })
        .collect())
}

/// The local network: a client, the faucet and the chain's settings.
pub struct Net {
    pub client: Client,
    pub faucet: Key,
    pub denom: String,
    pub prefix: String,
    /// The genesis validator (signs every block).
    pub validator: String,
    pub unbonding_seconds: u64,
    pub signed_blocks_window: u64,
    pub slash_downtime: String,
    pub env: BTreeMap<String, String>,
}

impl Net {
    /// Connects to the node of `scripts/gaia-node.sh` (panics with what to do if it is not
    /// running: this is test code).
    pub async fn connect() -> Net {
        let env = read_env_file().unwrap_or_else(|e| panic!("{e}"));
        let get = |k: &str| {
            env.get(k)
                .cloned()
                .unwrap_or_else(|| panic!("the env file has no {k}"))
        };
        let prefix = get("GAIA_PREFIX");
        let denom = get("GAIA_DENOM");
        let gas_price: f64 = get("GAIA_GAS_PRICE").parse().expect("GAIA_GAS_PRICE");
        let mut cfg = ChainConfig::new(
            get("GAIA_RPC"),
            get("GAIA_CHAIN_ID"),
            &prefix,
            &denom,
            gas_price,
        );
        // as the README advises: a simulation one block before a harvest misses its proxy call
        cfg.gas_adjustment = 2.0;
        let client = Client::new(cfg).expect("client");
        client
            .wait_for_height(2, Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("the node at {} does not answer: {e}", get("GAIA_RPC")));
        let faucet = Key::from_mnemonic(&get("GAIA_MNEMONIC_FAUCET"), &prefix).expect("faucet");
        Net {
            client,
            faucet,
            validator: get("GAIA_VALIDATOR"),
            unbonding_seconds: get("GAIA_UNBONDING_SECONDS").parse().expect("unbonding"),
            signed_blocks_window: get("GAIA_SIGNED_BLOCKS_WINDOW").parse().expect("window"),
            slash_downtime: get("GAIA_SLASH_DOWNTIME"),
            denom,
            prefix,
            env,
        }
    }

    pub fn coin(&self, amount: u128) -> Coin {
        Coin::new(amount, &self.denom)
    }

    /// `n` fresh random accounts holding `amount` of the bonded denom each (one transaction).
    pub async fn fund_new_accounts(&self, n: usize, amount: u128) -> Vec<Key> {
        let keys: Vec<Key> = (0..n)
            .map(|_| Key::random(&self.prefix).expect("random key").0)
            .collect();
        let msgs: Vec<_> = keys
            .iter()
            .map(|k| msgs::bank_send(&self.faucet.address(), &k.address(), &[self.coin(amount)]))
            .collect();
        self.client
            .send(&self.faucet, &msgs, Gas::Simulate)
            .await
            .expect("funding fresh accounts");
        keys
    }

    pub async fn balance(&self, address: &str) -> u128 {
        self.client
            .balance(address, &self.denom)
            .await
            .expect("balance")
    }

    pub async fn delegated(&self, delegator: &str, validator: &str) -> u128 {
        self.client
            .delegated(delegator, validator)
            .await
            .expect("delegation")
    }

    /// A validator created now by a fresh operator with `self_bond`, whose consensus key no
    /// node holds: the chain jails and slashes it for downtime. Returns (operator key,
    /// valoper, valcons, height of its creation).
    pub async fn add_silent_validator(&self, self_bond: u128) -> (Key, String, String, u64) {
        let op = self
            .fund_new_accounts(1, self_bond + 10_000_000)
            .await
            .remove(0);
        let (valoper, valcons, out) = self
            .client
            .create_validator(&op, "silent", &self.coin(self_bond))
            .await
            .expect("create validator");
        (op, valoper, valcons, out.height)
    }

    /// The height at which the chain slashes a silent validator created at `created`:
    /// its signing info starts at `created` (it is bonded at the end of that block) and
    /// x/slashing punishes in the first block past `start + signed_blocks_window`.
    pub fn downtime_slash_height(&self, created: u64) -> u64 {
        created + self.signed_blocks_window + 1
    }
}

/// Gas of every transaction a test sends, for the report.
#[derive(Default)]
pub struct GasTable {
    rows: Vec<(String, String, u64)>,
}

impl GasTable {
    pub fn record(&mut self, message: &str, note: &str, out: &TxOutcome) {
        self.rows
            .push((message.to_string(), note.to_string(), out.gas_used));
    }

    pub fn rows(&self) -> &[(String, String, u64)] {
        &self.rows
    }

    /// A Markdown table.
    pub fn markdown(&self) -> String {
        let mut s = String::from("| message | scenario | gas_used |\n|---|---|---:|\n");
        for (m, n, g) in &self.rows {
            s.push_str(&format!("| `{m}` | {n} | {g} |\n"));
        }
        s
    }
}

/// The `wasm` events' attributes of a transaction, merged (first value wins).
pub fn wasm_attrs(out: &TxOutcome) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for e in out.events.iter().filter(|e: &&Event| e.kind == "wasm") {
        for (k, v) in &e.attributes {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    m
}

/// A JSON number or numeric string as u128.
pub fn num(v: &serde_json::Value) -> u128 {
    match v {
        serde_json::Value::String(s) => s.parse().unwrap_or_else(|_| panic!("not a number: {v}")),
        serde_json::Value::Number(n) => n
            .as_u64()
            .map(u128::from)
            .unwrap_or_else(|| panic!("not a u64: {v}")),
        serde_json::Value::Null => 0,
        _ => panic!("not a number: {v}"),
    }
}

/// Polls `f` until it returns `Some`, at most `timeout`.
pub async fn poll<T, F, Fut>(what: &str, timeout: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {} s waiting for {what}",
            timeout.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
