//! Runs a scenario on an embedded chain (the `restake-multitest` Suite).
//!
//! `Names::new` reads the file's names, `Sim::new` builds the Suite and resolves every step
//! into `Step`s (`plan.rs`; a typo fails there, with its line, before any step runs), then
//! `Sim::run` applies them, checking the invariants after each one.
//!
//! Why one file: playing a scenario is one loop over its steps on one Suite, with the
//! invariant check and the report after each step; the steps' meaning lives in the Suite.

use std::collections::BTreeMap;

use cosmwasm_std::{coin, Addr, Coin, Decimal, Timestamp, Uint128};
use restake_multitest::{
    attr, err_text, AppResponse, Executor, ServiceSpec, Step, Subject, Suite, SuiteBuilder,
    Violation, ViolationKind,
};
use restake_types::{Asset, ExecuteMsg, InstantiateMsg};
use serde::Serialize;
use serde_saphyr::Spanned;

use crate::names::{substitute, Names};
use crate::plan::{Item, Kind, Planned, Report, Signer, Task};
use crate::scenario::*;
use crate::units::{count, fmt_amount, fmt_duration, group, Coins};

/// A problem that stops the run. `Invalid`: the file is wrong (exit code 2). `Failed`: the
/// scenario ran and something did not hold (exit code 1).
#[derive(Debug)]
pub enum SimError {
    Invalid(FileError),
    Failed(Box<Failure>),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Invalid(e) => write!(f, "{e}"),
            SimError::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SimError {}

impl From<FileError> for SimError {
    fn from(e: FileError) -> Self {
        SimError::Invalid(e)
    }
}

/// A step that did not do what the scenario says.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// `7`, or `7.2` for the second step inside the `repeat` at step 7.
    pub step: String,
    pub action: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// One line per mismatch (`bonded: expected 900000, actual 899999`) or violation.
    pub details: Vec<String>,
    #[serde(skip)]
    pub snippet: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: step {} ({}): {}",
            self.file, self.line, self.column, self.step, self.action, self.message
        )?;
        for d in &self.details {
            write!(f, "\n    {d}")?;
        }
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------- running

/// What happened at one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    pub step: String,
    pub line: u64,
    pub action: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The error of a step that was expected to fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Expectations checked.
    pub checks: usize,
    /// Seconds since the start of the scenario, after the step.
    pub time: u64,
    /// Invariant checks that wait (a chain slash not synced yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invariants_note: Option<String>,
    #[serde(skip)]
    pub changes_state: bool,
}

/// What `Sim::run` reports while it plays.
pub enum StepEvent<'r> {
    /// A step is about to run.
    Start { line: u64, action: &'static str },
    /// A step is done (and passed).
    Done(&'r StepRecord),
}

/// A scenario being played.
pub struct Sim<'a> {
    pub src: &'a Source,
    pub suite: Suite,
    pub names: Names,
    pub start: Timestamp,
    labels: BTreeMap<String, u64>,
    /// Slash requests opened by the scenario, in order.
    pub slash_ids: Vec<u64>,
    pub records: Vec<StepRecord>,
    /// Checked after every step; off only for measurements.
    pub invariants: bool,
    /// Validators the chain slashed that the hub has not synced yet, with the step that
    /// slashed them: until the hub syncs, its books exceed the delegation by design.
    unsynced: Vec<(String, String, Loc)>,
    /// The vaults of `vaults:`, by name.
    pub vaults: BTreeMap<String, Addr>,
    /// The file's steps, resolved.
    pub(crate) plan: Vec<Item>,
}

/// Merges `overrides` into the JSON of `base` and reads it back as an `InstantiateMsg`.
fn merge_instantiate(
    base: &InstantiateMsg,
    overrides: &serde_json::Map<String, serde_json::Value>,
) -> Result<InstantiateMsg, String> {
    let mut v = serde_json::to_value(base).map_err(|e| e.to_string())?;
    if let Some(obj) = v.as_object_mut() {
        for (k, val) in overrides {
            obj.insert(k.clone(), val.clone());
        }
    }
    serde_json::from_value(v).map_err(|e| format!("hub: {e}"))
}

/// Adds coins to a balance list, merging equal denoms and leaving out zeros.
pub(crate) fn add_coin(list: &mut Vec<Coin>, amount: u128, denom: &str) {
    if amount == 0 {
        return;
    }
    match list.iter_mut().find(|c| c.denom == denom) {
        Some(c) => c.amount += Uint128::new(amount),
        None => list.push(coin(amount, denom)),
    }
}

/// The result of one action on the chain.
type Act = anyhow::Result<String>;

impl<'a> Sim<'a> {
    /// Reads the file's names, builds the chain (validators, balances, tokens, services
    /// and vaults), then resolves the steps.
    pub fn new(src: &'a Source, sc: &Scenario) -> Result<Sim<'a>, FileError> {
        let mut names = Names::new(src, sc)?;

        let unbonding = sc
            .chain
            .unbonding_time
            .map(|d| d.0)
            .unwrap_or(restake_multitest::HUB_UNBONDING);
        if unbonding == 0 {
            return Err(src.error(
                Loc::default(),
                "chain.unbonding_time must be greater than 0",
            ));
        }
        let hub = match &sc.hub {
            Some(o) => {
                let resolved = substitute(&serde_json::Value::Object(o.value.clone()), &|n| {
                    names.address_before_chain(n)
                })
                .map_err(|m| src.error(Loc::of(o), format!("hub: {m}")))?;
                let map = resolved.as_object().cloned().unwrap_or_default();
                merge_instantiate(&InstantiateMsg::new(unbonding), &map)
                    .map_err(|m| src.error(Loc::of(o), m))?;
                Some(map)
            }
            None => None,
        };
        let mut b = SuiteBuilder::new()
            .with_validators(names.validators.len())
            .with_bonded_denom(&names.denom)
            .with_unbonding_time(unbonding);
        if let Some(apr) = sc.chain.apr {
            b = b.with_apr(apr.0);
        }
        if let Some(c) = sc.chain.commission {
            b = b.with_commission(c.0);
        }
        if let Some(o) = hub {
            b = b.with_hub(move |m| {
                if let Ok(merged) = merge_instantiate(m, &o) {
                    *m = merged;
                }
            });
        }
        // Native balances at genesis; token balances go to the tokens below.
        let mut cw20: BTreeMap<String, Vec<(String, u128)>> = BTreeMap::new();
        for (sym, balances) in &sc.tokens.0 {
            let e = cw20.entry(sym.value.clone()).or_default();
            for (holder, n) in &balances.value {
                e.push((holder.clone(), n.0));
            }
        }
        let mut genesis = |b: SuiteBuilder, who: &str, coins: &Coins| -> SuiteBuilder {
            let mut native = vec![];
            for c in &coins.0 {
                let d = c.denom.clone().unwrap_or_else(|| names.denom.clone());
                if names.tokens.contains(&d) {
                    cw20.entry(d).or_default().push((who.to_string(), c.amount));
                } else {
                    add_coin(&mut native, c.amount, &d);
                }
            }
            if native.is_empty() {
                b
            } else {
                b.with_funds(who, native)
            }
        };
        for (name, spec) in &sc.stakers.0 {
            match names.groups.get(&name.value) {
                Some(members) => {
                    for m in members.clone() {
                        b = genesis(b, &m, &spec.value.balance);
                    }
                }
                None => b = genesis(b, &name.value, &spec.value.balance),
            }
        }
        for (name, coins) in &sc.accounts.0 {
            b = genesis(b, &name.value, &coins.value);
        }
        let mut suite = b.try_build().map_err(|e| {
            src.error(
                sc.hub.as_ref().map(Loc::of).unwrap_or_default(),
                format!("the hub refused its instantiate message: {}", err_text(&e)),
            )
        })?;
        for (i, v) in suite.validators.iter().enumerate() {
            names.validators[i].1 = v.clone();
        }
        for sym in names.tokens.clone() {
            let mut balances: Vec<(String, u128)> = vec![];
            for (who, n) in cw20.remove(&sym).unwrap_or_default() {
                let who = if who == "hub" {
                    suite.hub.to_string()
                } else {
                    who
                };
                match balances.iter_mut().find(|(w, _)| *w == who) {
                    Some((_, a)) => *a += n,
                    None => balances.push((who, n)),
                }
            }
            let refs: Vec<(&str, u128)> = balances.iter().map(|(w, n)| (w.as_str(), *n)).collect();
            let addr = suite.create_cw20(&sym, &refs);
            names.token_addrs.insert(sym, addr);
        }
        for ((name, def), info) in sc.services.0.iter().zip(names.services.clone()) {
            let d = &def.value;
            let veto = d.veto_period.map(|v| v.0).unwrap_or(0);
            let mut spec = ServiceSpec::new(&name.value)
                .max_slash(d.max_slash.map(|f| f.0).unwrap_or(Decimal::percent(10)))
                .slasher(&info.slasher)
                .veto_period(veto)
                .opt_out_delay(d.opt_out_delay.map(|v| v.0).unwrap_or(veto));
            spec.admin = info.admin.clone();
            spec.metadata_uri = d.metadata_uri.clone();
            if let Some(r) = &info.resolver {
                spec = spec.resolver(r);
            }
            if let Some(r) = &d.rewards {
                for asset in &r.value.0 {
                    spec = match names.token_addrs.get(asset) {
                        Some(addr) => spec.reward_token(addr),
                        None => spec.reward_denom(asset),
                    };
                }
            }
            let id = suite.register(spec).map_err(|e| {
                src.error(
                    Loc::of(name),
                    format!(
                        "the hub refused to register service `{}`: {}",
                        name.value,
                        err_text(&e)
                    ),
                )
            })?;
            if id != info.id {
                return Err(src.error(
                    Loc::of(name),
                    format!("service `{}` got id {id}, expected {}", name.value, info.id),
                ));
            }
        }
        let mut vaults = BTreeMap::new();
        if !sc.vaults.0.is_empty() {
            let code_id = suite.store_code(Box::new(
                restake_multitest::ContractWrapper::new(
                    restake_vault::contract::execute,
                    restake_vault::contract::instantiate,
                    restake_vault::contract::query,
                )
                .with_reply(restake_vault::contract::reply),
            ));
            for (name, msg) in &sc.vaults.0 {
                let resolve = |n: &str| match names.validators.iter().find(|(v, _)| v == n) {
                    Some((_, valoper)) => Some(valoper.clone()),
                    None if n == "hub" => Some(suite.hub.to_string()),
                    None => Some(suite.addr(n).to_string()),
                };
                let mut json = substitute(&serde_json::Value::Object(msg.value.clone()), &resolve)
                    .map_err(|m| src.error(Loc::of(msg), format!("vault {}: {m}", name.value)))?;
                if let Some(m) = json.as_object_mut() {
                    m.entry("hub")
                        .or_insert_with(|| serde_json::Value::String(suite.hub.to_string()));
                }
                let owner = suite.owner.clone();
                let addr = suite
                    .app
                    .instantiate_contract(
                        code_id,
                        owner.clone(),
                        &json,
                        &[],
                        format!("vault {}", name.value),
                        Some(owner.to_string()),
                    )
                    .map_err(|e| {
                        src.error(
                            Loc::of(msg),
                            format!(
                                "vault `{}` refused its instantiate message: {}",
                                name.value,
                                err_text(&e)
                            ),
                        )
                    })?;
                // the hub's invariants walk every staker the Suite knows: the vault is one
                suite.known.insert(addr.clone());
                vaults.insert(name.value.clone(), addr);
            }
        }
        let start = suite.now();
        let mut sim = Sim {
            vaults,
            src,
            suite,
            names,
            start,
            labels: BTreeMap::new(),
            slash_ids: vec![],
            records: vec![],
            invariants: true,
            unsynced: vec![],
            plan: vec![],
        };
        sim.plan = sim.resolve(&sc.steps, &mut vec![])?;
        Ok(sim)
    }

    /// Seconds since the scenario started.
    pub fn elapsed(&self) -> u64 {
        self.suite
            .now()
            .seconds()
            .saturating_sub(self.start.seconds())
    }

    /// Number of steps `run` will play (repeats unrolled), for a progress bar.
    pub fn count_steps(&self) -> u64 {
        fn count(items: &[Item]) -> u64 {
            items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Repeat { times, items } => 1 + u64::from(*times) * count(items),
                    _ => 1,
                })
                .sum()
        }
        count(&self.plan)
    }

    /// Plays the steps; `after` hears when each step starts and sees its record once
    /// it is done.
    pub fn run(&mut self, after: &mut dyn FnMut(&Sim, StepEvent)) -> Result<(), SimError> {
        let plan = std::mem::take(&mut self.plan);
        let played = self.run_list(&plan, "", after);
        self.plan = plan;
        played?;
        if let Some((addr, id, loc)) = self.unsynced.first().cloned() {
            let name = self.humanize(&addr);
            return Err(SimError::Failed(Box::new(Failure {
                step: id,
                action: "chain_slash".into(),
                file: self.src.file.clone(),
                line: loc.line,
                column: loc.col,
                message: format!(
                    "the scenario ended with {name} slashed by the chain but never synced: add a `sync` step so the hub shares the loss"
                ),
                details: self.suite.check_invariants().iter().map(|v| self.humanize(&v.to_string())).collect(),
                snippet: self.src.snippet(loc),
            })));
        }
        Ok(())
    }

    /// Runs `check_invariants`. Between a chain slash and the hub's sync of that
    /// validator, the hub's books exceed its delegation and it holds less than it owes by
    /// exactly the unsynced loss: those two findings wait for the sync; everything else
    /// must hold. Returns the violations and a note on what waits.
    fn check_invariants(&mut self) -> (Vec<Violation>, Option<String>) {
        let violations = self.suite.check_invariants();
        let still: Vec<bool> = self
            .unsynced
            .iter()
            .map(|(v, _, _)| {
                let books = self
                    .suite
                    .validator_books(v)
                    .map(|b| b.books.u128())
                    .unwrap_or(0);
                books > self.suite.delegation(v)
            })
            .collect();
        let mut keep = still.into_iter();
        self.unsynced.retain(|_| keep.next().unwrap_or(false));
        if self.unsynced.is_empty() {
            return (violations, None);
        }
        let shortfall: u128 = self
            .unsynced
            .iter()
            .map(|(v, _, _)| {
                let books = self
                    .suite
                    .validator_books(v)
                    .map(|b| b.books.u128())
                    .unwrap_or(0);
                books.saturating_sub(self.suite.delegation(v))
            })
            .sum();
        let violations = violations
            .into_iter()
            .filter(|v| match (&v.kind, &v.subject) {
                (ViolationKind::BooksAboveDelegation, Subject::Validator(val)) => {
                    !self.unsynced.iter().any(|(a, _, _)| a == val)
                }
                (ViolationKind::HeldBelowOwed { .. }, Subject::Asset(Asset::Native(denom))) => {
                    !(*denom == self.names.denom && v.actual + shortfall >= v.expected)
                }
                _ => true,
            })
            .collect();
        let names: Vec<String> = self
            .unsynced
            .iter()
            .map(|(a, _, _)| self.humanize(a))
            .collect();
        (
            violations,
            Some(format!(
                "{} slashed by the chain, not synced yet: the books exceed the delegation by {} until `sync`",
                names.join(", "),
                group(shortfall)
            )),
        )
    }

    /// Replaces addresses by the scenario's names and chain timestamps by scenario time.
    pub fn humanize(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (name, addr) in &self.names.validators {
            if !addr.is_empty() {
                out = out.replace(addr.as_str(), name);
            }
        }
        if out.contains(&self.suite.hub.to_string()) {
            out = out.replace(self.suite.hub.as_str(), "hub");
        }
        if out.contains("cosmwasm1") {
            let mut names: Vec<&String> = self
                .names
                .stakers
                .iter()
                .chain(&self.names.accounts)
                .chain(&self.names.holders)
                .collect();
            for s in &self.names.services {
                names.extend([&s.admin, &s.slasher]);
                names.extend(s.resolver.as_ref());
            }
            for n in names {
                let a = self.suite.addr(n).to_string();
                if out.contains(&a) {
                    out = out.replace(&a, n);
                }
            }
            for (sym, a) in &self.names.token_addrs {
                out = out.replace(a.as_str(), sym);
            }
        }
        // `1700259200 (unix time)` in the contract's errors, or `1700259200.000000000` (a
        // Timestamp) → `t+3d` since the start.
        let out = out.replace(" (unix time)", ".000000000");
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
            let (head, tail) = rest.split_at(i);
            result.push_str(head);
            let len = tail
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(tail.len());
            let token = &tail[..len];
            let converted = match token.split_once('.') {
                Some((secs, nanos)) if secs.len() == 10 && nanos.len() == 9 => secs
                    .parse::<u64>()
                    .ok()
                    .filter(|s| *s >= self.start.seconds())
                    .map(|s| format!("t+{}", fmt_duration(s - self.start.seconds()))),
                _ => None,
            };
            result.push_str(converted.as_deref().unwrap_or(token));
            rest = &tail[len..];
        }
        result.push_str(rest);
        result
    }

    fn run_list(
        &mut self,
        items: &[Item],
        prefix: &str,
        after: &mut dyn FnMut(&Sim, StepEvent),
    ) -> Result<(), SimError> {
        for (i, step) in items.iter().enumerate() {
            let id = format!("{prefix}{}", i + 1);
            let loc = step.loc;
            if let Kind::Repeat { times, items } = &step.kind {
                let rec = self.record(
                    &id,
                    step,
                    format!(
                        "repeat {} ({} each time)",
                        count((*times).into(), "time"),
                        count(items.len() as u128, "step")
                    ),
                    None,
                    0,
                );
                after(self, StepEvent::Done(&rec));
                self.records.push(rec);
                for n in 1..=*times {
                    self.run_list(items, &format!("{id}.{n}."), after)?;
                }
                continue;
            }
            after(
                self,
                StepEvent::Start {
                    line: loc.line,
                    action: step.action,
                },
            );
            let mut rec = self.play(&id, step)?;
            if let (
                Kind::Task(Task {
                    report: Report::ChainSlash { validator: v, .. },
                    ..
                }),
                None,
            ) = (&step.kind, &rec.error)
            {
                if !self.unsynced.iter().any(|(x, _, _)| x == v) {
                    self.unsynced.push((v.clone(), id.clone(), loc));
                }
            }
            if rec.changes_state && self.invariants {
                let (violations, note) = self.check_invariants();
                if !violations.is_empty() {
                    let details = violations
                        .iter()
                        .map(|v| self.humanize(&v.to_string()))
                        .collect();
                    return Err(self.fail(
                        &id,
                        step,
                        "an invariant broke after this step",
                        details,
                    ));
                }
                rec.invariants_note = note;
            }
            after(self, StepEvent::Done(&rec));
            self.records.push(rec);
        }
        Ok(())
    }

    fn record(
        &self,
        id: &str,
        step: &Item,
        description: String,
        error: Option<String>,
        checks: usize,
    ) -> StepRecord {
        StepRecord {
            step: id.to_string(),
            line: step.loc.line,
            action: step.action.to_string(),
            description,
            note: step.note.clone(),
            error,
            checks,
            time: self.elapsed(),
            invariants_note: None,
            changes_state: step.changes_state(),
        }
    }

    fn fail(
        &self,
        id: &str,
        step: &Item,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> SimError {
        self.fail_at(id, step, step.loc, message, details)
    }

    fn fail_at(
        &self,
        id: &str,
        step: &Item,
        loc: Loc,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> SimError {
        SimError::Failed(Box::new(Failure {
            step: id.to_string(),
            action: step.action.to_string(),
            file: self.src.file.clone(),
            line: loc.line,
            column: loc.col,
            message: message.into(),
            details,
            snippet: self.src.snippet(loc),
        }))
    }

    /// Runs one step (not a repeat) and checks `expect_error`.
    fn play(&mut self, id: &str, step: &Item) -> Result<StepRecord, SimError> {
        let task = match &step.kind {
            Kind::Task(t) => t,
            Kind::Note(n) => return Ok(self.record(id, step, self.humanize(n), None, 0)),
            Kind::Dashboard => return Ok(self.record(id, step, "dashboard".into(), None, 0)),
            Kind::Repeat { .. } => return Ok(self.record(id, step, String::new(), None, 0)),
            Kind::Expect(list) => return self.check_expectations(id, step, list),
        };
        let result = self.act(task);
        match (result, &step.expect_error) {
            (Ok(desc), None) => Ok(self.record(id, step, self.humanize(&desc), None, 0)),
            (Ok(desc), Some(want)) => Err(self.fail(
                id,
                step,
                format!("expected an error containing \"{want}\", but the step succeeded"),
                vec![format!("did: {desc}")],
            )),
            (Err(e), None) => Err(self.fail(
                id,
                step,
                "the step failed",
                vec![self.humanize(&error_text(&e))],
            )),
            (Err(e), Some(want)) => {
                let text = self.humanize(&error_text(&e));
                if text.to_lowercase().contains(&want.to_lowercase()) {
                    Ok(self.record(id, step, task.intent.clone(), Some(text), 1))
                } else {
                    Err(self.fail(
                        id,
                        step,
                        "the step failed with another error than expected",
                        vec![
                            format!("expected an error containing: {want}"),
                            format!("actual error: {text}"),
                        ],
                    ))
                }
            }
        }
    }

    /// Checks an `expect` step.
    fn check_expectations(
        &mut self,
        id: &str,
        step: &Item,
        list: &[Spanned<Expect>],
    ) -> Result<StepRecord, SimError> {
        let mut checks = 0;
        let mut details = vec![];
        let mut fail_loc = step.loc;
        for e in list {
            let (n, mismatches) = self.expect(&e.value).map_err(SimError::Invalid)?;
            let title = self.expect_title(&e.value);
            let mismatches: Vec<String> = mismatches
                .into_iter()
                .map(|m| format!("{title} › {}", self.humanize(&m)))
                .collect();
            checks += n;
            if !mismatches.is_empty() && details.is_empty() && e.referenced.line() > 0 {
                fail_loc = Loc::of(e);
            }
            details.extend(mismatches);
        }
        if !details.is_empty() {
            return Err(self.fail_at(
                id,
                step,
                fail_loc,
                "expectation failed (expected vs actual)",
                details,
            ));
        }
        let what = list
            .iter()
            .map(|e| self.expect_title(&e.value))
            .collect::<Vec<_>>()
            .join("; ");
        Ok(self.record(id, step, what, None, checks))
    }

    pub(crate) fn validator(&self, name: Option<&Name>) -> (String, String) {
        let i = self.names.validator_idx(self.src, name).unwrap_or(0);
        self.names.validators[i].clone()
    }

    pub(crate) fn who(&self, name: &str) -> String {
        let name = name.strip_prefix('@').unwrap_or(name);
        if name == "hub" {
            self.suite.hub.to_string()
        } else if let Some(vault) = self.vaults.get(name) {
            vault.to_string()
        } else {
            name.to_string()
        }
    }

    /// What `"@name"` stands for in raw JSON: a validator's operator address, or an
    /// account's (a vault's, the hub's) address.
    pub(crate) fn reference(&self, name: &str) -> String {
        match self.names.validators.iter().find(|(v, _)| v == name) {
            Some((_, valoper)) => valoper.clone(),
            None => self.address(name),
        }
    }

    /// Fails the way a chain does ("insufficient funds") when the signer of a step holds
    /// less than it spends (cw-multi-test would only say "Cannot Sub").
    fn ensure_funds(&self, step: &Step) -> anyhow::Result<()> {
        let mut spends: Vec<(&str, String, u128)> = vec![];
        match step {
            Step::Hub { sender, funds, .. } | Step::Wasm { sender, funds, .. } => {
                for c in funds {
                    spends.push((sender, c.denom.clone(), c.amount.u128()));
                }
            }
            Step::DistributeCw20 {
                token,
                from,
                amount,
                ..
            } => spends.push((from, self.symbol_of(&Addr::unchecked(token)), *amount)),
            _ => {}
        }
        for (who, asset, amount) in spends {
            let have = self.asset_balance(who, &asset);
            if have < amount {
                anyhow::bail!(
                    "insufficient funds: {who} holds {} {asset}, needs {}",
                    group(have),
                    group(amount)
                );
            }
        }
        Ok(())
    }

    /// The hub's owner now (the `owner` account unless the scenario changed it).
    fn hub_owner(&self) -> String {
        self.suite
            .config()
            .ok()
            .and_then(|c| c.owner)
            .map(|o| o.to_string())
            .unwrap_or_else(|| self.suite.owner.to_string())
    }

    /// The address of an account name.
    pub fn address(&self, name: &str) -> String {
        self.suite.addr(&self.who(name)).to_string()
    }

    pub(crate) fn slash_id(&self, r: &SlashRef) -> anyhow::Result<u64> {
        match r {
            SlashRef::Id(id) => Ok(*id),
            SlashRef::Label(l) => self.labels.get(l).copied().ok_or_else(|| {
                anyhow::anyhow!("the slash labelled `{l}` was never opened (its slash step failed)")
            }),
        }
    }

    /// Every asset a staker may hold: the bonded denom, the services' reward denoms and
    /// the tokens, as (display name, native denom or token).
    fn assets(&self) -> Vec<(String, Option<Addr>)> {
        let mut out: Vec<(String, Option<Addr>)> = vec![(self.names.denom.clone(), None)];
        for s in self.suite.services(None, Some(30)).unwrap_or_default() {
            for d in s.reward_denoms {
                if !out.iter().any(|(n, _)| *n == d) {
                    out.push((d, None));
                }
            }
        }
        for (sym, addr) in &self.names.token_addrs {
            out.push((sym.clone(), Some(addr.clone())));
        }
        out
    }

    pub fn asset_balance(&self, who: &str, asset: &str) -> u128 {
        let who = self.who(who);
        match self.names.token_addrs.get(asset) {
            Some(t) => self.suite.cw20_balance(t, &who),
            None => self.suite.balance(&who, asset),
        }
    }

    fn balances(&self, who: &str) -> Vec<(String, u128)> {
        self.assets()
            .into_iter()
            .map(|(name, _)| {
                let b = self.asset_balance(who, &name);
                (name, b)
            })
            .collect()
    }

    /// "1000 uosmo, 5 ION" received by `who` between two balance readings.
    fn received(before: &[(String, u128)], after: &[(String, u128)]) -> String {
        let parts: Vec<String> = after
            .iter()
            .zip(before)
            .filter(|((_, a), (_, b))| a > b)
            .map(|((n, a), (_, b))| fmt_amount(a - b, n))
            .collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }

    /// A token symbol for a cw20 address.
    pub fn symbol_of(&self, addr: &Addr) -> String {
        self.names
            .token_addrs
            .iter()
            .find(|(_, a)| *a == addr)
            .map(|(s, _)| s.clone())
            .unwrap_or_else(|| format!("cw20:{addr}"))
    }

    /// Fills in what only the run knows (see `plan.rs`): `None` when the step is skipped.
    fn bind(&self, p: &Planned) -> anyhow::Result<Option<Step>> {
        if let Some(v) = &p.late.if_staked {
            let books = self.suite.validator_books(v).map(|b| !b.books.is_zero());
            if self.suite.delegation(v) == 0 && !books.unwrap_or(false) {
                return Ok(None);
            }
        }
        let mut step = p.step.clone();
        let slash_id = match &mut step {
            Step::Hub {
                msg: ExecuteMsg::VetoSlash { slash_id } | ExecuteMsg::ExecuteSlash { slash_id },
                ..
            } => Some(slash_id),
            _ => None,
        };
        let slash = match (slash_id, &p.late.label) {
            (Some(id), Some(label)) => {
                *id = self.slash_id(&SlashRef::Label(label.clone()))?;
                Some(*id)
            }
            (id, _) => id.map(|id| *id),
        };
        let signer = match p.late.signer {
            None => return Ok(Some(step)),
            Some(Signer::HubOwner) => self.hub_owner(),
            Some(Signer::Resolver) => {
                let req = self.suite.slash_request(slash.unwrap_or_default())?;
                self.names
                    .services
                    .iter()
                    .find(|s| s.id == req.service_id)
                    .and_then(|s| s.resolver.clone())
                    .unwrap_or_else(|| self.hub_owner())
            }
        };
        if let Step::Hub { sender, .. } | Step::Wasm { sender, .. } = &mut step {
            *sender = signer;
        }
        Ok(Some(step))
    }

    /// Applies a task's steps in order; stops at the first refusal. Returns each step
    /// applied with the chain's response.
    fn perform(&mut self, steps: &[Planned]) -> anyhow::Result<Vec<(Step, AppResponse)>> {
        let mut done = vec![];
        for p in steps {
            let Some(step) = self.bind(p)? else { continue };
            self.ensure_funds(&step)?;
            let res = self.suite.apply(&step);
            let res = match &p.context {
                Some(c) => res.map_err(|e| e.context(c.clone()))?,
                None => res?,
            };
            done.push((step, res));
        }
        Ok(done)
    }

    /// Performs a task; returns what was done, in words.
    fn act(&mut self, task: &Task) -> Act {
        let steps = &task.steps;
        match &task.report {
            Report::Text(text) => {
                self.perform(steps)?;
                Ok(text.clone())
            }
            Report::Claim {
                who,
                members,
                unbonded,
            } => {
                let what = if *unbonded {
                    "matured unbondings"
                } else {
                    "rewards"
                };
                if let [m] = members.as_slice() {
                    let before = self.balances(m);
                    self.perform(steps)?;
                    let got = Self::received(&before, &self.balances(m));
                    return Ok(format!("{who} claims {what}: receives {got}"));
                }
                self.perform(steps)?;
                Ok(format!("{} claim {what}", who_text(who, members.len())))
            }
            Report::Slash {
                service,
                validator,
                fraction,
                label,
            } => {
                let done = self.perform(steps)?;
                let id: u64 = done
                    .first()
                    .and_then(|(_, res)| attr(res, "slash_id"))
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_default();
                if let Some(l) = label {
                    self.labels.insert(l.clone(), id);
                }
                self.slash_ids.push(id);
                let req = self.suite.slash_request(id)?;
                let label = label
                    .as_ref()
                    .map(|l| format!(" `{l}`"))
                    .unwrap_or_default();
                let state = match req.status {
                    restake_types::SlashStatus::Executed => format!(
                        "executed at once, took {}",
                        group(req.slashed_amount.u128())
                    ),
                    s => format!(
                        "{s}, executable in {}",
                        fmt_duration(
                            req.executable_at
                                .seconds()
                                .saturating_sub(self.suite.now().seconds())
                        )
                    ),
                };
                Ok(format!(
                    "{service} requests slash #{id}{label}: {} of {validator} — {state}",
                    pct(*fraction)
                ))
            }
            Report::Veto => {
                let done = self.perform(steps)?;
                let (sender, id) = Self::slash_step(&done);
                Ok(format!("{sender} vetoes slash #{id}"))
            }
            Report::ExecuteSlash => {
                let done = self.perform(steps)?;
                let (_, id) = Self::slash_step(&done);
                let req = self.suite.slash_request(id)?;
                Ok(format!(
                    "slash #{id} executed: took {} ({} bonded + {} unbonding)",
                    group(req.slashed_amount.u128()),
                    group(req.slashed_bonded.u128()),
                    group(req.slashed_unbonding.u128())
                ))
            }
            Report::ChainSlash {
                name,
                validator,
                fraction,
            } => {
                let before = self.suite.delegation(validator);
                self.perform(steps)?;
                let after = self.suite.delegation(validator);
                Ok(format!(
                    "the chain slashes {name} by {}: the hub's delegation {} → {} (its books wait for sync)",
                    pct(*fraction),
                    group(before),
                    group(after)
                ))
            }
            Report::Sync => {
                let done: Vec<String> = self
                    .perform(steps)?
                    .iter()
                    .filter_map(|(step, _)| match step.hub_msg() {
                        Some(ExecuteMsg::SyncValidator { validator }) => Some(
                            self.names
                                .validators
                                .iter()
                                .find(|(_, v)| v == validator)
                                .map(|(name, _)| name.clone())
                                .unwrap_or_else(|| validator.clone()),
                        ),
                        _ => None,
                    })
                    .collect();
                Ok(format!(
                    "sync {}",
                    if done.is_empty() {
                        "(no validator has stake)".into()
                    } else {
                        done.join(", ")
                    }
                ))
            }
            Report::ProcessUnbondings => {
                let done = self.perform(steps)?;
                let n = |key: &str| -> u128 {
                    done.first()
                        .and_then(|(_, res)| attr(res, key))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or_default()
                };
                Ok(format!(
                    "process unbondings: {} sent, {} settled",
                    count(n("batches_sent"), "batch"),
                    n("batches_settled")
                ))
            }
            Report::Execute { json, to } => {
                let done = self.perform(steps)?;
                let sender = done
                    .first()
                    .and_then(|(step, _)| step.sender())
                    .unwrap_or_default();
                Ok(match to {
                    Some(c) => format!("{sender} sends {json} to {c}"),
                    None => format!("{sender} sends {json}"),
                })
            }
        }
    }

    /// The sender and the slash id of a task's veto or execute_slash step.
    fn slash_step(done: &[(Step, AppResponse)]) -> (String, u64) {
        match done.first().map(|(step, _)| step) {
            Some(Step::Hub {
                sender,
                msg: ExecuteMsg::VetoSlash { slash_id } | ExecuteMsg::ExecuteSlash { slash_id },
                ..
            }) => (sender.clone(), *slash_id),
            _ => (String::new(), 0),
        }
    }
}

pub(crate) fn who_text(name: &str, n: usize) -> String {
    if n > 1 {
        format!("each of {name} ({})", count(n as u128, "staker"))
    } else {
        name.to_string()
    }
}

pub(crate) fn coins_text(c: &Coins) -> String {
    c.0.iter()
        .map(|x| match &x.denom {
            Some(d) => fmt_amount(x.amount, d),
            None => group(x.amount),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

pub fn pct(d: Decimal) -> String {
    format!("{}%", d * Decimal::percent(10_000))
}

/// The text of an error with its context ("deposit of alice: the hub is paused ...").
fn error_text(e: &anyhow::Error) -> String {
    let root = err_text(e);
    let ctx: Vec<String> = e
        .chain()
        .map(|c| c.to_string())
        .filter(|s| !s.starts_with("Error executing") && !s.contains("\n") && *s != root)
        .take(1)
        .collect();
    match ctx.first() {
        Some(c) if !root.contains(c.as_str()) && c.len() < 80 => format!("{c}: {root}"),
        _ => root,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Between a chain slash and `sync` the checker does report the books above the
    /// delegation and the shortfall; the simulator lets exactly those wait, by their
    /// kind and subject, and says so in the step's note.
    #[test]
    fn an_unsynced_chain_slash_waits_for_sync() {
        let src = Source {
            file: "unsynced.yaml".into(),
            text: "name: unsynced\n\
                   chain: {validators: 2, apr: 0}\n\
                   stakers: {alice: 2_000_000uatom}\n\
                   steps:\n  \
                   - deposit: {staker: alice, validator: val1, amount: 1_000_000}\n  \
                   - chain_slash: {validator: val1, fraction: 5%}\n"
                .into(),
        };
        let sc = src.parse().unwrap();
        let mut sim = Sim::new(&src, &sc).unwrap();
        // The scenario ends unsynced, which `run` refuses once all steps passed.
        assert!(sim.run(&mut |_, _| {}).is_err());
        assert_eq!(sim.records.len(), 2);
        let note = sim.records[1].invariants_note.as_deref().unwrap();
        assert!(
            note.contains("val1 slashed by the chain, not synced yet"),
            "{note}"
        );

        let found = sim.suite.check_invariants();
        let kinds: Vec<_> = found.iter().map(|v| (&v.kind, &v.subject)).collect();
        let val1 = Subject::Validator(sim.names.validators[0].1.clone());
        assert!(kinds.contains(&(&ViolationKind::BooksAboveDelegation, &val1)));
        assert!(found.iter().any(|v| matches!(
            (&v.kind, &v.subject),
            (ViolationKind::HeldBelowOwed { .. }, Subject::Asset(Asset::Native(d))) if *d == sim.names.denom
        )));
        let (left, _) = sim.check_invariants();
        assert!(left.is_empty(), "{left:?}");
    }
}
