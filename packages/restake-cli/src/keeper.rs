//! `restake keeper`: signs and sends the hub's cranks when, and only when, they have work.
//!
//! Each pass reads the hub's and the chain's state, decides ([`decide`], a pure function of
//! what the queries answered, unit-tested below) and sends:
//!
//! 1. `sync_validator {V}` for every validator whose delegation on the chain is below the
//!    hub's books for it (a chain slash the hub has not applied yet);
//! 2. `process_unbondings {}` when a queued batch may be sent (its validator's epoch since the
//!    last undelegation has passed and fewer than 7 batches are unsettled), when a batch the
//!    hub still counts as in flight has left the chain's unbonding entries (it matured and
//!    waits for settlement), or when slashed tokens wait to be routed again;
//! 3. `harvest {validators}` every `--harvest-every`, for the validators whose accumulated
//!    rewards reach `--min-rewards` (validators synced or sent this pass are harvested by
//!    those messages already);
//! 4. for each `--vault` (restake-vault), the cranks its `cranks` query lists work for:
//!    `process_exits` (an exit batch due, matured unbondings to collect), `rebalance` (a
//!    strategy due, a service to leave by rule, opt-ins and opt-outs toward the strategy, idle
//!    tokens to re-deposit) and, every `--harvest-every`, `harvest` (bonded-denom rewards of
//!    at least `--min-rewards` to compound, or other reward assets waiting at the hub). The
//!    vault decides what is work with the same functions its cranks run; the keeper logs
//!    its reasons.
//!
//! Every decision is one log line (sent, skipped or failed, and why). Transactions are
//! simulated first, so a crank the chain would refuse costs no fee. A crank that fails does not
//! stop the others in its pass; a pass with a failure is retried after an exponential back-off (`--retry-after`, doubled each time, capped by `--max-backoff`).
//!
//! Why one file: a pass is read, decide, send; `decide` is pure and unit-tested below, and
//! the reading and sending around it are the only callers it has.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use restake_chain::{ChainConfig, Client, Gas, Key};
use restake_types::{ConfigResponse, StatsResponse, ValidatorResponse};
use serde_json::json;

/// The chain's limit on unbonding entries per (delegator, validator): the hub never sends a
/// batch while 7 are unsettled.
pub const MAX_ENTRIES: u32 = 7;

#[derive(Debug, Clone, Args)]
pub struct KeeperArgs {
    /// CometBFT RPC of a node, e.g. http://127.0.0.1:26657
    #[arg(long)]
    pub rpc: String,
    /// Name of the environment variable that holds the keeper's mnemonic (never the mnemonic
    /// itself on the command line)
    #[arg(long, value_name = "NAME")]
    pub key_env: String,
    /// The hub's contract address
    #[arg(long)]
    pub hub: String,
    /// Chain id (default: what the node reports)
    #[arg(long)]
    pub chain_id: Option<String>,
    /// Bech32 account prefix (default: the hub address's)
    #[arg(long)]
    pub prefix: Option<String>,
    /// Denom fees are paid in (default: the hub's bonded denom)
    #[arg(long)]
    pub fee_denom: Option<String>,
    /// Fee per unit of gas, in the fee denom (the Cosmos Hub's minimum is 0.005uatom)
    #[arg(long, default_value_t = 0.005)]
    pub gas_price: f64,
    /// Gas limit = simulated gas × this
    #[arg(long, default_value_t = 2.0)]
    pub gas_adjustment: f64,
    /// Time between passes
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub interval: Duration,
    /// Time between harvests (the first pass always considers one)
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration)]
    pub harvest_every: Duration,
    /// Harvest a validator only when its accumulated rewards reach this many base units
    #[arg(long, default_value_t = 1_000)]
    pub min_rewards: u128,
    /// At most this many validators per harvest transaction
    #[arg(long, default_value_t = 25)]
    pub harvest_batch: usize,
    /// Only these validators (comma-separated; default: every validator the hub delegates to)
    #[arg(long, value_delimiter = ',')]
    pub validators: Vec<String>,
    /// restake-vault contracts on this hub whose cranks (`rebalance`, `harvest`,
    /// `process_exits`) to send too, when their `cranks` query lists work (comma-separated
    /// or repeated)
    #[arg(long = "vault", value_name = "ADDR", value_delimiter = ',')]
    pub vaults: Vec<String>,
    /// First wait after a failed pass; doubled after each further failure
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub retry_after: Duration,
    /// The longest wait after failures
    #[arg(long, default_value = "30m", value_parser = humantime::parse_duration)]
    pub max_backoff: Duration,
    /// One pass, then exit (exit code 1 if it failed)
    #[arg(long)]
    pub once: bool,
    /// Decide and log, but send nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl KeeperArgs {
    /// The arguments as typed after `restake keeper` (for scripts and tests).
    pub fn parse_from<I, T>(args: I) -> std::result::Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::FromArgMatches;
        let cmd = Self::augment_args(clap::Command::new("keeper").no_binary_name(true));
        Self::from_arg_matches(&cmd.try_get_matches_from(args)?)
    }
}

// ---------------------------------------------------------------------------- decisions

/// What the queries answered about one validator the hub delegates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorFacts {
    pub validator: String,
    /// The hub's books for it: what its delegation should be.
    pub books: u128,
    /// Tokens waiting in the validator's queued batch.
    pub queued: u128,
    pub batches_in_flight: u32,
    /// Unix seconds of the hub's last undelegation on it.
    pub last_undelegation: Option<u64>,
    /// The chain's delegation of the validator's delegator (after slashing).
    pub delegation: u128,
    /// The chain's unbonding entries of that delegator on it.
    pub chain_entries: u32,
    /// Accumulated rewards the delegator could withdraw (whole base units, all denoms).
    pub rewards: u128,
}

/// Everything one pass decides from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The latest block's time (unix seconds).
    pub now: u64,
    pub unbonding_epoch: u64,
    /// Slashed tokens the destination refused, retried by `process_unbondings`.
    pub unrouted: u128,
    pub validators: Vec<ValidatorFacts>,
    /// The `--vault` contracts' `cranks` answers.
    pub vaults: Vec<VaultFacts>,
}

/// A restake-vault's `cranks` query: the work each crank has now, one line per piece (the
/// vault's `CranksResponse`; read as JSON so the CLI does not link the contract).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct VaultFacts {
    /// Filled in by the keeper (not in the answer).
    #[serde(default)]
    pub vault: String,
    pub rebalance: Vec<String>,
    pub harvest: Vec<String>,
    pub process_exits: Vec<String>,
    /// Bonded-denom rewards waiting at the hub for the vault.
    #[serde(with = "u128_string")]
    pub pending_bonded_rewards: u128,
}

/// `Uint128` travels as a decimal string.
mod u128_string {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A restake-vault crank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultCrank {
    Rebalance,
    Harvest,
    ProcessExits,
}

/// A crank to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Crank {
    SyncValidator(String),
    ProcessUnbondings,
    Harvest(Vec<String>),
    /// A crank of the vault at this address.
    Vault(String, VaultCrank),
}

impl Crank {
    pub fn name(&self) -> &'static str {
        match self {
            Crank::SyncValidator(_) => "sync_validator",
            Crank::ProcessUnbondings => "process_unbondings",
            Crank::Harvest(_) => "harvest",
            Crank::Vault(_, VaultCrank::Rebalance) => "vault rebalance",
            Crank::Vault(_, VaultCrank::Harvest) => "vault harvest",
            Crank::Vault(_, VaultCrank::ProcessExits) => "vault process_exits",
        }
    }

    /// The contract the crank goes to: the hub, or a vault.
    pub fn contract<'a>(&'a self, hub: &'a str) -> &'a str {
        match self {
            Crank::Vault(vault, _) => vault,
            _ => hub,
        }
    }

    /// The execute message, as JSON.
    pub fn msg(&self) -> String {
        match self {
            Crank::SyncValidator(v) => json!({"sync_validator": {"validator": v}}),
            Crank::ProcessUnbondings => json!({"process_unbondings": {}}),
            Crank::Harvest(vs) => json!({"harvest": {"validators": vs}}),
            Crank::Vault(_, VaultCrank::Rebalance) => json!({"rebalance": {}}),
            Crank::Vault(_, VaultCrank::Harvest) => json!({"harvest": {}}),
            Crank::Vault(_, VaultCrank::ProcessExits) => json!({"process_exits": {}}),
        }
        .to_string()
    }
}

/// One decision: a crank to send (or `None`: skipped) and why, for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub crank: Option<Crank>,
    pub why: String,
}

/// How often and how much to harvest.
#[derive(Clone, Copy, Debug)]
pub struct HarvestPolicy {
    /// A harvest is due this pass (`--harvest-every` has passed, or the first pass).
    pub due: bool,
    pub min_rewards: u128,
    pub batch: usize,
}

/// The cranks to send for `facts`, in order (syncs, then `process_unbondings`, then
/// harvests), and a line for every crank skipped. Sends nothing that has nothing to do.
pub fn decide(facts: &Facts, harvest: HarvestPolicy) -> Vec<Decision> {
    let mut out = vec![];
    let mut touched = BTreeSet::new();

    // 1. chain slashes the hub has not applied
    for v in &facts.validators {
        if v.delegation < v.books {
            out.push(Decision {
                crank: Some(Crank::SyncValidator(v.validator.clone())),
                why: format!(
                    "{}: the chain's delegation {} is below the hub's books {} (a chain slash \
                     of {} to apply)",
                    v.validator,
                    v.delegation,
                    v.books,
                    v.books - v.delegation
                ),
            });
            touched.insert(v.validator.as_str());
        }
    }

    // 2. batches to send or settle, routings to retry
    let mut reasons = vec![];
    let mut next_send: Option<(u64, &str)> = None;
    for v in &facts.validators {
        if v.batches_in_flight > v.chain_entries {
            let n = v.batches_in_flight - v.chain_entries;
            reasons.push(format!(
                "{}: {} matured on the chain (hub: {} in flight, chain: {} entries)",
                v.validator,
                crate::units::count(u128::from(n), "batch"),
                v.batches_in_flight,
                v.chain_entries
            ));
        }
        if v.queued > 0 && v.batches_in_flight < MAX_ENTRIES {
            let ready_at = v
                .last_undelegation
                .map(|t| t.saturating_add(facts.unbonding_epoch))
                .unwrap_or(0);
            if facts.now >= ready_at {
                reasons.push(format!(
                    "{}: queued batch of {} due to be sent",
                    v.validator, v.queued
                ));
                touched.insert(v.validator.as_str());
            } else if next_send.is_none_or(|(t, _)| ready_at < t) {
                next_send = Some((ready_at, v.validator.as_str()));
            }
        }
    }
    if facts.unrouted > 0 {
        reasons.push(format!("{} slashed tokens to route again", facts.unrouted));
    }
    if reasons.is_empty() {
        let why = match next_send {
            Some((t, v)) => format!(
                "process_unbondings: no batch due, the next send is {v}'s queued batch in {}",
                crate::units::fmt_duration(t.saturating_sub(facts.now))
            ),
            None => "process_unbondings: no batch due to be sent or settled, nothing to route"
                .to_string(),
        };
        out.push(Decision { crank: None, why });
    } else {
        out.push(Decision {
            crank: Some(Crank::ProcessUnbondings),
            why: reasons.join("; "),
        });
    }

    // 3. native rewards
    if harvest.due {
        decide_harvest(facts, harvest, &touched, &mut out);
    } else {
        out.push(Decision {
            crank: None,
            why: "harvest: not due yet (--harvest-every)".to_string(),
        });
    }

    // 4. the vaults
    for v in &facts.vaults {
        decide_vault(v, harvest, &mut out);
    }
    out
}

/// A vault's cranks: exits first (they never wait on anything else), then `rebalance`,
/// then `harvest` when due and worth it.
pub fn decide_vault(v: &VaultFacts, harvest: HarvestPolicy, out: &mut Vec<Decision>) {
    let mut one = |crank: VaultCrank, name: &str, work: &[String]| {
        out.push(if work.is_empty() {
            Decision {
                crank: None,
                why: format!("vault {} {name}: nothing to do", v.vault),
            }
        } else {
            Decision {
                crank: Some(Crank::Vault(v.vault.clone(), crank)),
                why: format!("vault {}: {}", v.vault, work.join("; ")),
            }
        });
    };
    one(VaultCrank::ProcessExits, "process_exits", &v.process_exits);
    one(VaultCrank::Rebalance, "rebalance", &v.rebalance);
    // The bonded denom's line is the first when there is one; the others are other assets,
    // which are worth bringing in whatever their amount (holders are credited by index).
    let others = v
        .harvest
        .len()
        .saturating_sub(usize::from(v.pending_bonded_rewards > 0));
    let why = if !harvest.due {
        Some("not due yet (--harvest-every)".to_string())
    } else if v.harvest.is_empty() {
        Some("nothing to do".to_string())
    } else if others == 0 && v.pending_bonded_rewards < harvest.min_rewards {
        Some(format!(
            "{} in rewards, below --min-rewards {}",
            v.pending_bonded_rewards, harvest.min_rewards
        ))
    } else {
        None
    };
    out.push(match why {
        Some(why) => Decision {
            crank: None,
            why: format!("vault {} harvest: {why}", v.vault),
        },
        None => Decision {
            crank: Some(Crank::Vault(v.vault.clone(), VaultCrank::Harvest)),
            why: format!("vault {}: {}", v.vault, v.harvest.join("; ")),
        },
    });
}

/// The hub's harvests: validators whose rewards reach the minimum, in chunks.
fn decide_harvest(
    facts: &Facts,
    harvest: HarvestPolicy,
    touched: &BTreeSet<&str>,
    out: &mut Vec<Decision>,
) {
    let ready: Vec<&ValidatorFacts> = facts
        .validators
        .iter()
        .filter(|v| v.rewards > 0 && v.rewards >= harvest.min_rewards)
        .filter(|v| !touched.contains(v.validator.as_str()))
        .collect();
    if ready.is_empty() {
        out.push(Decision {
            crank: None,
            why: format!(
                "harvest: no validator has {} or more rewards to withdraw (beyond those synced \
                 or sent this pass)",
                harvest.min_rewards.max(1)
            ),
        });
    }
    for chunk in ready.chunks(harvest.batch.max(1)) {
        let total: u128 = chunk.iter().map(|v| v.rewards).sum();
        out.push(Decision {
            crank: Some(Crank::Harvest(
                chunk.iter().map(|v| v.validator.clone()).collect(),
            )),
            why: format!(
                "{} with {total} in accumulated rewards",
                crate::units::count(chunk.len() as u128, "validator")
            ),
        });
    }
}

// ---------------------------------------------------------------------------- the chain

/// Connection, key and the hub's settings.
pub struct Keeper {
    pub client: Client,
    pub key: Key,
    pub hub: String,
    pub denom: String,
    /// `--vault` contracts.
    pub vaults: Vec<String>,
    /// Validators to look at besides the bonded set (every one the hub was seen on).
    known: BTreeSet<String>,
    only: Vec<String>,
    scanned_all: bool,
}

fn num(v: cosmwasm_std::Uint128) -> u128 {
    v.u128()
}

impl Keeper {
    /// Connects with the mnemonic in the environment variable `--key-env` names.
    pub async fn connect(args: &KeeperArgs) -> Result<Keeper> {
        let mnemonic = std::env::var(&args.key_env).map_err(|_| {
            anyhow!(
                "the environment variable {} is not set: put the keeper's mnemonic in it",
                args.key_env
            )
        })?;
        Self::with_mnemonic(args, &mnemonic).await
    }

    /// Connects with this mnemonic (`--key-env` is not read).
    pub async fn with_mnemonic(args: &KeeperArgs, mnemonic: &str) -> Result<Keeper> {
        let prefix = match &args.prefix {
            Some(p) => p.clone(),
            None => args
                .hub
                .split_once('1')
                .map(|(hrp, _)| hrp.to_string())
                .ok_or_else(|| anyhow!("{} is not a bech32 address", args.hub))?,
        };
        let chain_id = match &args.chain_id {
            Some(c) => c.clone(),
            None => Client::node_chain_id(&args.rpc)
                .await
                .with_context(|| format!("asking {} for its chain id", args.rpc))?,
        };
        let key = Key::from_mnemonic(mnemonic.trim(), &prefix)
            .with_context(|| format!("the mnemonic in {}", args.key_env))?;
        // The fee denom defaults to the hub's bonded denom: read it with a query-only client.
        let probe = Client::new(ChainConfig::new(&args.rpc, &chain_id, &prefix, "x", 0.0))?;
        let config: ConfigResponse = serde_json::from_value(
            probe
                .query_smart(&args.hub, r#"{"config":{}}"#)
                .await
                .with_context(|| format!("querying the hub {}", args.hub))?,
        )?;
        let fee_denom = args
            .fee_denom
            .clone()
            .unwrap_or(config.bonded_denom.clone());
        let mut cfg = ChainConfig::new(&args.rpc, &chain_id, &prefix, fee_denom, args.gas_price);
        cfg.gas_adjustment = args.gas_adjustment;
        Ok(Keeper {
            client: Client::new(cfg)?,
            key,
            hub: args.hub.clone(),
            denom: config.bonded_denom,
            vaults: args.vaults.clone(),
            known: BTreeSet::new(),
            only: args.validators.clone(),
            scanned_all: false,
        })
    }

    async fn query<T: serde::de::DeserializeOwned>(&self, msg: serde_json::Value) -> Result<T> {
        let v = self
            .client
            .query_smart(&self.hub, &msg.to_string())
            .await
            .with_context(|| format!("hub query {msg}"))?;
        serde_json::from_value(v).with_context(|| format!("the answer to {msg}"))
    }

    /// The validators to look at: `--validators`, or every validator the hub was seen on
    /// plus the chain's bonded and unbonding ones (the first pass looks at all of them). A
    /// deposit needs a bonded validator, and a validator that leaves the bonded set (jailed,
    /// out of the active set) stays unbonding for the whole unbonding period, so a validator
    /// the hub starts using between two passes is always among them.
    async fn candidates(&mut self) -> Result<Vec<String>> {
        if !self.only.is_empty() {
            return Ok(self.only.clone());
        }
        let statuses: &[Option<&str>] = if self.scanned_all {
            &[Some("BOND_STATUS_BONDED"), Some("BOND_STATUS_UNBONDING")]
        } else {
            &[None]
        };
        let mut set = BTreeSet::new();
        for status in statuses {
            for v in self.client.validators(*status).await? {
                set.insert(v.operator_address);
            }
        }
        set.extend(self.known.iter().cloned());
        self.scanned_all = true;
        Ok(set.into_iter().collect())
    }

    /// Reads everything [`decide`] needs.
    pub async fn facts(&mut self) -> Result<Facts> {
        let block = self.client.latest_block().await?;
        let config: ConfigResponse = self.query(json!({"config": {}})).await?;
        let stats: StatsResponse = self.query(json!({"stats": {}})).await?;
        let mut validators = vec![];
        for valoper in self.candidates().await? {
            let v: ValidatorResponse = self
                .query(json!({"validator": {"validator": valoper}}))
                .await?;
            let Some(delegator) = v.delegator else {
                continue;
            };
            self.known.insert(valoper.clone());
            let delegator = delegator.to_string();
            let delegation = self.client.delegated(&delegator, &valoper).await?;
            let chain_entries = self
                .client
                .unbonding_entries(&delegator, &valoper)
                .await?
                .len() as u32;
            let rewards = if delegation > 0 {
                self.client
                    .delegation_rewards(&delegator, &valoper)
                    .await?
                    .iter()
                    .map(|c| c.truncated())
                    .sum()
            } else {
                0
            };
            validators.push(ValidatorFacts {
                validator: valoper,
                books: num(v.books),
                queued: num(v.queued),
                batches_in_flight: v.batches_in_flight,
                last_undelegation: v.last_undelegation.map(|t| t.seconds()),
                delegation,
                chain_entries,
                rewards,
            });
        }
        let mut vaults = vec![];
        for vault in &self.vaults {
            let answer = self
                .client
                .query_smart(vault, r#"{"cranks":{}}"#)
                .await
                .with_context(|| format!("vault {vault}: the cranks query"))?;
            let mut v: VaultFacts = serde_json::from_value(answer)
                .with_context(|| format!("vault {vault}: the answer to the cranks query"))?;
            v.vault = vault.clone();
            vaults.push(v);
        }
        Ok(Facts {
            now: u64::try_from(block.time).unwrap_or(0),
            unbonding_epoch: config.unbonding_epoch,
            unrouted: num(stats.slashed_unrouted),
            validators,
            vaults,
        })
    }

    /// Signs and sends one crank; a one-line summary of what the hub reported.
    pub async fn send(&self, crank: &Crank) -> Result<String> {
        let out = self
            .client
            .execute(
                &self.key,
                crank.contract(&self.hub),
                &crank.msg(),
                &[],
                Gas::Simulate,
            )
            .await
            .with_context(|| format!("sending {}", crank.name()))?;
        if !out.is_ok() {
            bail!(
                "{} failed in block {}: {}",
                crank.name(),
                out.height,
                out.raw_log
            );
        }
        let mut attrs = vec![];
        for e in out.events_of("wasm") {
            for (k, v) in &e.attributes {
                let wanted = [
                    "batches_settled",
                    "batches_sent",
                    "shortfall",
                    "harvested",
                    "rewards",
                    // the vault's
                    "left_service",
                    "strategy_applied",
                    "redeposited",
                    "arrived",
                    "collecting",
                    "batch_id",
                ];
                if wanted.contains(&k.as_str()) && !v.is_empty() {
                    attrs.push(format!("{k}={v}"));
                }
            }
        }
        Ok(format!(
            "tx {} in block {}, gas {}{}{}",
            out.hash,
            out.height,
            out.gas_used,
            if attrs.is_empty() { "" } else { ": " },
            attrs.join(" ")
        ))
    }
}

// ---------------------------------------------------------------------------- the loop

/// The wait after `failures` consecutive failed passes: `first × 2^(failures-1)`, at most
/// `max`.
pub fn backoff(first: Duration, max: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(30));
    first.saturating_mul(factor).min(max)
}

fn log(line: &str) {
    let now = time::OffsetDateTime::now_utc();
    let stamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    println!("{stamp} {line}");
}

/// One pass: read, decide, send. Returns the cranks sent (or that would be, with `dry_run`).
/// A crank that fails does not stop the others; the pass then fails as a whole (so the
/// caller backs off), naming every failure.
pub async fn pass(
    keeper: &mut Keeper,
    harvest: HarvestPolicy,
    dry_run: bool,
) -> Result<Vec<Crank>> {
    let facts = keeper.facts().await?;
    let mut sent = vec![];
    let mut failed = vec![];
    for d in decide(&facts, harvest) {
        match d.crank {
            None => log(&format!("skip {}", d.why)),
            Some(crank) if dry_run => {
                log(&format!("would send {}: {}", crank.msg(), d.why));
                sent.push(crank);
            }
            Some(crank) => match keeper.send(&crank).await {
                Ok(result) => {
                    log(&format!("sent {}: {} ({result})", crank.msg(), d.why));
                    sent.push(crank);
                }
                Err(e) => {
                    log(&format!("failed {}: {} ({e:#})", crank.msg(), d.why));
                    failed.push(format!("{e:#}"));
                }
            },
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} failed: {}",
            crate::units::count(failed.len() as u128, "crank"),
            failed.len() + sent.len(),
            failed.join("; ")
        );
    }
    Ok(sent)
}

/// `restake keeper`: passes on a schedule until Ctrl-C (or one with `--once`).
pub fn run(args: &KeeperArgs, stop: &AtomicBool) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut keeper = Keeper::connect(args).await?;
        log(&format!(
            "keeper {} for hub {}{} on {} (every {}, harvest every {})",
            keeper.key.address(),
            keeper.hub,
            if keeper.vaults.is_empty() {
                String::new()
            } else {
                format!(" and vaults {}", keeper.vaults.join(", "))
            },
            keeper.client.config().chain_id,
            humantime::format_duration(args.interval),
            humantime::format_duration(args.harvest_every),
        ));
        let mut last_harvest: Option<Instant> = None;
        let mut failures = 0u32;
        loop {
            let due = last_harvest.is_none_or(|t| t.elapsed() >= args.harvest_every);
            let policy = HarvestPolicy {
                due,
                min_rewards: args.min_rewards,
                batch: args.harvest_batch,
            };
            let wait = match pass(&mut keeper, policy, args.dry_run).await {
                Ok(sent) => {
                    failures = 0;
                    if due {
                        last_harvest = Some(Instant::now());
                    }
                    log(&format!(
                        "pass done: {}",
                        crate::units::count(sent.len() as u128, "crank")
                    ));
                    if args.once {
                        return Ok(());
                    }
                    args.interval
                }
                Err(e) => {
                    if args.once {
                        return Err(e);
                    }
                    failures += 1;
                    let wait = backoff(args.retry_after, args.max_backoff, failures);
                    log(&format!(
                        "error: {e:#}; retrying in {} (failure {failures})",
                        humantime::format_duration(wait)
                    ));
                    wait
                }
            };
            let until = Instant::now() + wait;
            while Instant::now() < until {
                if stop.load(Ordering::SeqCst) {
                    log("stopped");
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(200).min(until - Instant::now())).await;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(name: &str) -> ValidatorFacts {
        ValidatorFacts {
            validator: name.to_string(),
            books: 1_000,
            queued: 0,
            batches_in_flight: 0,
            last_undelegation: None,
            delegation: 1_000,
            chain_entries: 0,
            rewards: 0,
        }
    }

    fn facts(validators: Vec<ValidatorFacts>) -> Facts {
        Facts {
            now: 1_000_000,
            unbonding_epoch: 3 * 86_400,
            unrouted: 0,
            validators,
            vaults: vec![],
        }
    }

    const HARVEST: HarvestPolicy = HarvestPolicy {
        due: true,
        min_rewards: 100,
        batch: 2,
    };

    fn sent(ds: &[Decision]) -> Vec<Crank> {
        ds.iter().filter_map(|d| d.crank.clone()).collect()
    }

    #[test]
    fn nothing_to_do_sends_nothing_and_says_why() {
        let ds = decide(&facts(vec![val("a"), val("b")]), HARVEST);
        assert_eq!(sent(&ds), vec![]);
        assert!(ds.iter().any(|d| d.why.contains("no batch due")));
        assert!(ds
            .iter()
            .any(|d| d.why.starts_with("harvest: no validator")));
        let ds = decide(&facts(vec![]), HARVEST);
        assert_eq!(sent(&ds), vec![]);
    }

    #[test]
    fn a_delegation_below_the_books_is_synced_and_not_harvested_again() {
        let mut a = val("a");
        a.delegation = 950;
        a.rewards = 500;
        let mut b = val("b");
        b.delegation = 1_001; // above the books: rewards or a gift, nothing to sync
        let ds = decide(&facts(vec![a, b]), HARVEST);
        assert_eq!(sent(&ds), vec![Crank::SyncValidator("a".into())]);
        assert!(ds[0].why.contains("950") && ds[0].why.contains("1000"));
    }

    #[test]
    fn a_queued_batch_is_sent_only_once_its_epoch_has_passed() {
        let mut a = val("a");
        a.queued = 10;
        a.batches_in_flight = 1;
        a.chain_entries = 1;
        a.last_undelegation = Some(1_000_000 - 86_400);
        let ds = decide(&facts(vec![a.clone()]), HARVEST);
        assert_eq!(sent(&ds), vec![]);
        assert!(
            ds.iter().any(|d| d.why.contains("next send is a's")),
            "{ds:?}"
        );

        a.last_undelegation = Some(1_000_000 - 3 * 86_400);
        let ds = decide(&facts(vec![a.clone()]), HARVEST);
        assert_eq!(sent(&ds), vec![Crank::ProcessUnbondings]);

        // a validator's first unbond goes out at once; an unset time never waits
        a.last_undelegation = None;
        assert_eq!(
            sent(&decide(&facts(vec![a]), HARVEST)),
            vec![Crank::ProcessUnbondings]
        );
    }

    #[test]
    fn seven_unsettled_batches_wait_for_one_to_mature() {
        let mut a = val("a");
        a.queued = 10;
        a.batches_in_flight = 7;
        a.chain_entries = 7;
        a.last_undelegation = Some(0);
        assert_eq!(sent(&decide(&facts(vec![a.clone()]), HARVEST)), vec![]);
        // one entry left the chain: settle it (which frees the slot)
        a.chain_entries = 6;
        let ds = decide(&facts(vec![a]), HARVEST);
        assert_eq!(sent(&ds), vec![Crank::ProcessUnbondings]);
        assert!(ds[0].why.contains("1 batch matured"), "{ds:?}");
    }

    #[test]
    fn a_matured_batch_or_unrouted_tokens_need_one_process_unbondings() {
        let mut a = val("a");
        a.batches_in_flight = 2;
        a.chain_entries = 0;
        let mut b = val("b");
        b.batches_in_flight = 1;
        b.chain_entries = 0;
        let ds = decide(&facts(vec![a, b]), HARVEST);
        assert_eq!(sent(&ds), vec![Crank::ProcessUnbondings]);
        assert!(ds[0].why.contains("2 batches matured") && ds[0].why.contains("b: 1 batch"));

        let mut f = facts(vec![val("a")]);
        f.unrouted = 5;
        let ds = decide(&f, HARVEST);
        assert_eq!(sent(&ds), vec![Crank::ProcessUnbondings]);
        assert!(ds[0].why.contains("5 slashed tokens"));
    }

    #[test]
    fn harvest_only_when_due_above_the_minimum_and_in_chunks() {
        let mut vs = vec![];
        for (name, rewards) in [("a", 100), ("b", 99), ("c", 1_000), ("d", 5_000), ("e", 0)] {
            let mut v = val(name);
            v.rewards = rewards;
            vs.push(v);
        }
        let ds = decide(&facts(vs.clone()), HARVEST);
        assert_eq!(
            sent(&ds),
            vec![
                Crank::Harvest(vec!["a".into(), "c".into()]),
                Crank::Harvest(vec!["d".into()]),
            ]
        );
        let not_due = HarvestPolicy {
            due: false,
            ..HARVEST
        };
        assert_eq!(sent(&decide(&facts(vs.clone()), not_due)), vec![]);
        // zero rewards are never harvested, even with no minimum
        let any = HarvestPolicy {
            min_rewards: 0,
            ..HARVEST
        };
        let harvested: Vec<String> = sent(&decide(&facts(vs), any))
            .into_iter()
            .flat_map(|c| match c {
                Crank::Harvest(v) => v,
                _ => vec![],
            })
            .collect();
        assert_eq!(harvested, vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn a_validator_whose_batch_is_sent_is_harvested_by_the_send() {
        let mut a = val("a");
        a.queued = 10;
        a.rewards = 1_000;
        let mut b = val("b");
        b.rewards = 1_000;
        let ds = decide(&facts(vec![a, b]), HARVEST);
        assert_eq!(
            sent(&ds),
            vec![Crank::ProcessUnbondings, Crank::Harvest(vec!["b".into()])]
        );
    }

    #[test]
    fn cranks_are_the_hubs_messages() {
        for c in [
            Crank::SyncValidator("cosmosvaloper1x".into()),
            Crank::ProcessUnbondings,
            Crank::Harvest(vec!["cosmosvaloper1x".into()]),
        ] {
            let parsed: restake_types::ExecuteMsg =
                serde_json::from_str(&c.msg()).expect("a hub message");
            let name = serde_json::to_value(&parsed).unwrap();
            assert!(name.get(c.name()).is_some(), "{}", c.msg());
        }
    }

    #[test]
    fn flags_have_sensible_defaults() {
        let a = KeeperArgs::parse_from([
            "--rpc",
            "http://x:26657",
            "--key-env",
            "K",
            "--hub",
            "cosmos1h",
        ])
        .unwrap();
        assert_eq!(a.interval, Duration::from_secs(600));
        assert_eq!(a.harvest_every, Duration::from_secs(86_400));
        assert_eq!(a.max_backoff, Duration::from_secs(1_800));
        assert!(!a.once && !a.dry_run && a.validators.is_empty());
        let a = KeeperArgs::parse_from([
            "--rpc",
            "u",
            "--key-env",
            "K",
            "--hub",
            "h",
            "--interval",
            "30s",
            "--once",
            "--validators",
            "v1,v2",
        ])
        .unwrap();
        assert_eq!(a.interval, Duration::from_secs(30));
        assert!(a.once);
        assert_eq!(a.validators, vec!["v1", "v2"]);
        assert!(KeeperArgs::parse_from(["--rpc", "u", "--hub", "h"]).is_err());
    }

    fn vault(rebalance: &[&str], harvest: &[&str], exits: &[&str], bonded: u128) -> VaultFacts {
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        VaultFacts {
            vault: "cosmos1vault".into(),
            rebalance: lines(rebalance),
            harvest: lines(harvest),
            process_exits: lines(exits),
            pending_bonded_rewards: bonded,
        }
    }

    fn vault_cranks(ds: &[Decision]) -> Vec<VaultCrank> {
        sent(ds)
            .into_iter()
            .filter_map(|c| match c {
                Crank::Vault(_, k) => Some(k),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_idle_vault_gets_nothing_and_the_log_says_why() {
        let mut f = facts(vec![]);
        f.vaults = vec![vault(&[], &[], &[], 0)];
        let ds = decide(&f, HARVEST);
        assert_eq!(sent(&ds), vec![]);
        for crank in ["process_exits", "rebalance", "harvest"] {
            let line = format!("vault cosmos1vault {crank}: nothing to do");
            assert!(ds.iter().any(|d| d.why == line), "{line}: {ds:?}");
        }
    }

    #[test]
    fn a_vault_crank_is_sent_only_with_work_and_its_reasons() {
        let mut f = facts(vec![]);
        f.vaults = vec![vault(
            &["leave service 1: the service is paused"],
            &[],
            &["exit batch 2 (1000 shares) is due to be sent"],
            0,
        )];
        let ds = decide(&f, HARVEST);
        assert_eq!(
            vault_cranks(&ds),
            vec![VaultCrank::ProcessExits, VaultCrank::Rebalance]
        );
        let d = ds
            .iter()
            .find(|d| d.crank == Some(Crank::Vault("cosmos1vault".into(), VaultCrank::Rebalance)))
            .unwrap();
        assert_eq!(
            d.why,
            "vault cosmos1vault: leave service 1: the service is paused"
        );
        let c = Crank::Vault("cosmos1vault".into(), VaultCrank::Rebalance);
        assert_eq!(c.contract("cosmos1hub"), "cosmos1vault");
        assert_eq!(
            Crank::ProcessUnbondings.contract("cosmos1hub"),
            "cosmos1hub"
        );
    }

    #[test]
    fn a_vault_harvest_waits_for_the_minimum_unless_other_assets_wait() {
        let mut f = facts(vec![]);
        // 99 of the bonded denom, the minimum is 100: not worth the fee yet
        f.vaults = vec![vault(
            &[],
            &["99uatom of rewards at the hub to compound"],
            &[],
            99,
        )];
        let ds = decide(&f, HARVEST);
        assert_eq!(vault_cranks(&ds), vec![]);
        assert!(ds.iter().any(|d| d.why.contains("below --min-rewards 100")));
        f.vaults[0].pending_bonded_rewards = 100;
        assert_eq!(
            vault_cranks(&decide(&f, HARVEST)),
            vec![VaultCrank::Harvest]
        );
        // not due: nothing, whatever waits
        let not_due = HarvestPolicy {
            due: false,
            ..HARVEST
        };
        assert_eq!(vault_cranks(&decide(&f, not_due)), vec![]);
        // another asset waits: sent even with a little of the bonded denom
        f.vaults = vec![vault(
            &[],
            &[
                "5uatom of rewards at the hub to compound",
                "7uosmo of rewards at the hub for holders",
            ],
            &[],
            5,
        )];
        assert_eq!(
            vault_cranks(&decide(&f, HARVEST)),
            vec![VaultCrank::Harvest]
        );
        f.vaults = vec![vault(
            &[],
            &["7uosmo of rewards at the hub for holders"],
            &[],
            0,
        )];
        assert_eq!(
            vault_cranks(&decide(&f, HARVEST)),
            vec![VaultCrank::Harvest]
        );
    }

    #[test]
    fn the_vaults_cranks_query_answer_is_read() {
        let answer = json!({"rebalance": ["re-deposit 5000 idle tokens on v"], "harvest": [],
                            "process_exits": [], "pending_bonded_rewards": "12"});
        let v: VaultFacts = serde_json::from_value(answer).unwrap();
        assert_eq!(v.rebalance, vec!["re-deposit 5000 idle tokens on v"]);
        assert_eq!(v.pending_bonded_rewards, 12);
        for (c, msg) in [
            (VaultCrank::Rebalance, r#"{"rebalance":{}}"#),
            (VaultCrank::Harvest, r#"{"harvest":{}}"#),
            (VaultCrank::ProcessExits, r#"{"process_exits":{}}"#),
        ] {
            assert_eq!(Crank::Vault("v".into(), c).msg(), msg);
        }
        let a = KeeperArgs::parse_from([
            "--rpc",
            "u",
            "--key-env",
            "K",
            "--hub",
            "h",
            "--vault",
            "v1",
            "--vault",
            "v2,v3",
        ])
        .unwrap();
        assert_eq!(a.vaults, vec!["v1", "v2", "v3"]);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = Duration::from_secs;
        assert_eq!(backoff(s(10), s(300), 1), s(10));
        assert_eq!(backoff(s(10), s(300), 2), s(20));
        assert_eq!(backoff(s(10), s(300), 4), s(80));
        assert_eq!(backoff(s(10), s(300), 6), s(300));
        assert_eq!(backoff(s(10), s(300), 1_000), s(300));
    }
}
