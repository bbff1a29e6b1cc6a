//! Runs a scenario on an embedded chain (the `restake-multitest` Suite).
//!
//! Two passes: `World::new` + `World::check` resolve every name of the file before the
//! chain exists (so a typo fails at once, with its line), then `Sim` builds the Suite and
//! plays the steps, checking the invariants after each one.
//!
//! Why one file: playing a scenario is one loop over its steps on one Suite, with the
//! invariant check and the report after each step; the steps' meaning lives in the Suite.

use std::collections::BTreeMap;

use cosmwasm_std::{coin, Addr, Coin, Decimal, Timestamp, Uint128};
use restake_multitest::{
    attr, err_text, Executor, ServiceSpec, Subject, Suite, SuiteBuilder, Violation, ViolationKind,
};
use restake_types::{Asset, ExecuteMsg, InstantiateMsg};
use serde::Serialize;
use serde_saphyr::Spanned;

use crate::scenario::*;
use crate::units::{count, fmt_amount, fmt_duration, group, Coins};
use crate::world::{parse_status, substitute, SvcInfo, World};

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
    pub world: World,
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

fn base_instantiate(unbonding: u64) -> InstantiateMsg {
    InstantiateMsg {
        owner: None,
        unbonding_period: unbonding,
        min_deposit: None,
        max_services_per_position: None,
        max_veto_period: None,
        max_reward_assets: None,
        slash_destination: None,
        max_pools_per_validator: None,
        unbonding_epoch: None,
        max_open_votes: None,
        delegator_for: None,
    }
}

/// Adds coins to a balance list, merging equal denoms and leaving out zeros.
fn add_coin(list: &mut Vec<Coin>, amount: u128, denom: &str) {
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
    /// Checks the file's names, then builds the chain: validators, balances, tokens and
    /// services.
    pub fn new(src: &'a Source, sc: &Scenario) -> Result<Sim<'a>, FileError> {
        let mut world = World::new(src, sc)?;
        world.check(src, &sc.steps, &mut vec![])?;

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
                    world.address_before_chain(n)
                })
                .map_err(|m| src.error(Loc::of(o), format!("hub: {m}")))?;
                let map = resolved.as_object().cloned().unwrap_or_default();
                merge_instantiate(&base_instantiate(unbonding), &map)
                    .map_err(|m| src.error(Loc::of(o), m))?;
                Some(map)
            }
            None => None,
        };
        let mut b = SuiteBuilder::new()
            .with_validators(world.validators.len())
            .with_bonded_denom(&world.denom)
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
                let d = c.denom.clone().unwrap_or_else(|| world.denom.clone());
                if world.tokens.contains(&d) {
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
            match world.groups.get(&name.value) {
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
            world.validators[i].1 = v.clone();
        }
        for sym in world.tokens.clone() {
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
            world.token_addrs.insert(sym, addr);
        }
        for ((name, def), info) in sc.services.0.iter().zip(world.services.clone()) {
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
                    spec = match world.token_addrs.get(asset) {
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
                let resolve = |n: &str| match world.validators.iter().find(|(v, _)| v == n) {
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
        Ok(Sim {
            vaults,
            src,
            suite,
            world,
            start,
            labels: BTreeMap::new(),
            slash_ids: vec![],
            records: vec![],
            invariants: true,
            unsynced: vec![],
        })
    }

    /// Seconds since the scenario started.
    pub fn elapsed(&self) -> u64 {
        self.suite
            .now()
            .seconds()
            .saturating_sub(self.start.seconds())
    }

    /// Number of steps `run` will play (repeats unrolled), for a progress bar.
    pub fn count_steps(steps: &[Spanned<StepItem>]) -> u64 {
        steps
            .iter()
            .map(|s| match &s.value.action {
                Action::Repeat(r) => 1 + u64::from(r.times) * Self::count_steps(&r.steps),
                _ => 1,
            })
            .sum()
    }

    /// Plays the steps; `after` hears when each step starts and sees its record once
    /// it is done.
    pub fn run(
        &mut self,
        steps: &[Spanned<StepItem>],
        after: &mut dyn FnMut(&Sim, StepEvent),
    ) -> Result<(), SimError> {
        self.run_list(steps, "", after)?;
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
                    !(*denom == self.world.denom && v.actual + shortfall >= v.expected)
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
        for (name, addr) in &self.world.validators {
            if !addr.is_empty() {
                out = out.replace(addr.as_str(), name);
            }
        }
        if out.contains(&self.suite.hub.to_string()) {
            out = out.replace(self.suite.hub.as_str(), "hub");
        }
        if out.contains("cosmwasm1") {
            let mut names: Vec<&String> = self
                .world
                .stakers
                .iter()
                .chain(&self.world.accounts)
                .chain(&self.world.holders)
                .collect();
            for s in &self.world.services {
                names.extend([&s.admin, &s.slasher]);
                names.extend(s.resolver.as_ref());
            }
            for n in names {
                let a = self.suite.addr(n).to_string();
                if out.contains(&a) {
                    out = out.replace(&a, n);
                }
            }
            for (sym, a) in &self.world.token_addrs {
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
        steps: &[Spanned<StepItem>],
        prefix: &str,
        after: &mut dyn FnMut(&Sim, StepEvent),
    ) -> Result<(), SimError> {
        for (i, step) in steps.iter().enumerate() {
            let id = format!("{prefix}{}", i + 1);
            let loc = Loc::of(step);
            if let Action::Repeat(r) = &step.value.action {
                let rec = self.record(
                    &id,
                    loc,
                    step,
                    format!(
                        "repeat {} ({} each time)",
                        count(r.times.into(), "time"),
                        count(r.steps.len() as u128, "step")
                    ),
                    None,
                    0,
                );
                after(self, StepEvent::Done(&rec));
                self.records.push(rec);
                for n in 1..=r.times {
                    self.run_list(&r.steps, &format!("{id}.{n}."), after)?;
                }
                continue;
            }
            after(
                self,
                StepEvent::Start {
                    line: loc.line,
                    action: step.value.action.name(),
                },
            );
            let mut rec = self.play(&id, step)?;
            if let (Action::ChainSlash(a), None) = (&step.value.action, &rec.error) {
                let (_, v) = self.validator(a.validator.as_ref());
                if !self.unsynced.iter().any(|(x, _, _)| *x == v) {
                    self.unsynced.push((v, id.clone(), loc));
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
        loc: Loc,
        step: &Spanned<StepItem>,
        description: String,
        error: Option<String>,
        checks: usize,
    ) -> StepRecord {
        StepRecord {
            step: id.to_string(),
            line: loc.line,
            action: step.value.action.name().to_string(),
            description,
            note: step.value.note.clone(),
            error,
            checks,
            time: self.elapsed(),
            invariants_note: None,
            changes_state: step.value.action.changes_state(),
        }
    }

    fn fail(
        &self,
        id: &str,
        step: &Spanned<StepItem>,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> SimError {
        self.fail_at(id, step, Loc::of(step), message, details)
    }

    fn fail_at(
        &self,
        id: &str,
        step: &Spanned<StepItem>,
        loc: Loc,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> SimError {
        SimError::Failed(Box::new(Failure {
            step: id.to_string(),
            action: step.value.action.name().to_string(),
            file: self.src.file.clone(),
            line: loc.line,
            column: loc.col,
            message: message.into(),
            details,
            snippet: self.src.snippet(loc),
        }))
    }

    /// Runs one step (not a repeat) and checks `expect_error`.
    fn play(&mut self, id: &str, step: &Spanned<StepItem>) -> Result<StepRecord, SimError> {
        let loc = Loc::of(step);
        if let Action::Expect(list) = &step.value.action {
            let mut checks = 0;
            let mut details = vec![];
            let mut fail_loc = loc;
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
            return Ok(self.record(id, loc, step, what, None, checks));
        }
        let result = self.act(&step.value.action);
        match (result, &step.value.expect_error) {
            (Ok(desc), None) => Ok(self.record(id, loc, step, self.humanize(&desc), None, 0)),
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
                    let desc = self.describe(&step.value.action);
                    Ok(self.record(id, loc, step, desc, Some(text), 1))
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

    pub(crate) fn validator(&self, name: Option<&Name>) -> (String, String) {
        let i = self.world.validator_idx(self.src, name).unwrap_or(0);
        self.world.validators[i].clone()
    }

    fn members(&self, name: &Name) -> Vec<String> {
        self.world.stakers_of(self.src, name).unwrap_or_default()
    }

    fn svc(&self, name: &Name) -> SvcInfo {
        self.world
            .service(self.src, name)
            .cloned()
            .unwrap_or_else(|_| self.world.services[0].clone())
    }

    fn who(&self, name: &str) -> String {
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
        match self.world.validators.iter().find(|(v, _)| v == name) {
            Some((_, valoper)) => valoper.clone(),
            None => self.address(name),
        }
    }

    /// Fails the way a chain does ("insufficient funds") when `who` holds less than
    /// `amount` of an asset (cw-multi-test would only say "Cannot Sub").
    fn ensure_funds(&self, who: &str, asset: &str, amount: u128) -> anyhow::Result<()> {
        let have = self.asset_balance(who, asset);
        if have < amount {
            anyhow::bail!(
                "insufficient funds: {who} holds {} {asset}, needs {}",
                group(have),
                group(amount)
            );
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
        let mut out: Vec<(String, Option<Addr>)> = vec![(self.world.denom.clone(), None)];
        for s in self.suite.services(None, Some(30)).unwrap_or_default() {
            for d in s.reward_denoms {
                if !out.iter().any(|(n, _)| *n == d) {
                    out.push((d, None));
                }
            }
        }
        for (sym, addr) in &self.world.token_addrs {
            out.push((sym.clone(), Some(addr.clone())));
        }
        out
    }

    pub fn asset_balance(&self, who: &str, asset: &str) -> u128 {
        let who = self.who(who);
        match self.world.token_addrs.get(asset) {
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
        self.world
            .token_addrs
            .iter()
            .find(|(_, a)| *a == addr)
            .map(|(s, _)| s.clone())
            .unwrap_or_else(|| format!("cw20:{addr}"))
    }

    /// What a step does, in words (used for steps that were expected to fail).
    fn describe(&self, a: &Action) -> String {
        match a {
            Action::Deposit(x) => format!(
                "{} deposits {} on {}",
                x.staker.value,
                fmt_amount(x.amount.value.amount, &self.world.denom),
                self.validator(x.validator.as_ref()).0
            ),
            Action::Unbond(x) => format!(
                "{} unbonds {} from {}",
                x.staker.value,
                fmt_amount(x.amount.value.amount, &self.world.denom),
                self.validator(x.validator.as_ref()).0
            ),
            Action::OptIn(x) => format!(
                "{} opts {} into {}",
                x.staker.value,
                self.validator(x.validator.as_ref()).0,
                x.services.value.0.join(", ")
            ),
            Action::OptOut(x) => format!(
                "{} opts {} out of {}",
                x.staker.value,
                self.validator(x.validator.as_ref()).0,
                x.services.value.0.join(", ")
            ),
            Action::CompleteOptOut(x) => format!(
                "{} completes opt-outs on {}",
                x.staker.value,
                self.validator(x.validator.as_ref()).0
            ),
            Action::ClaimUnbonded(s) => format!("{} claims matured unbondings", s.value),
            Action::ClaimRewards(s) => format!("{} claims rewards", s.value),
            Action::Distribute(x) => {
                format!("{} pays {}", x.service.value, coins_text(&x.amount.value))
            }
            Action::Slash(x) => format!(
                "{} asks to slash {} of {}",
                x.service.value,
                pct(x.fraction.value.0),
                self.validator(x.validator.as_ref()).0
            ),
            Action::Veto(x) => format!("veto slash {}", x.slash.value),
            Action::ExecuteSlash(x) => format!("execute slash {}", x.slash.value),
            Action::SetServiceStatus(x) => format!("set {} {}", x.service.value, x.status.value),
            Action::Execute(x) => format!("execute {}", x.msg),
            other => other.name().replace('_', " "),
        }
    }

    /// Performs an action; returns what was done, in words.
    fn act(&mut self, a: &Action) -> Act {
        let denom = self.world.denom.clone();
        match a {
            Action::Deposit(x) => {
                let (vname, v) = self.validator(x.validator.as_ref());
                let amount = x.amount.value.amount;
                let members = self.members(&x.staker);
                for m in &members {
                    self.ensure_funds(m, &denom, amount)?;
                    self.suite
                        .execute(
                            m,
                            &ExecuteMsg::Deposit {
                                validator: v.clone(),
                            },
                            &[coin(amount, &denom)],
                        )
                        .map_err(|e| e.context(format!("deposit of {m}")))?;
                }
                Ok(format!(
                    "{} deposits {} on {vname}",
                    who_text(&x.staker.value, members.len()),
                    fmt_amount(amount, &denom)
                ))
            }
            Action::OptIn(x) | Action::OptOut(x) => {
                let (vname, v) = self.validator(x.validator.as_ref());
                let ids = self
                    .world
                    .services_of(self.src, &x.services)
                    .unwrap_or_default();
                let members = self.members(&x.staker);
                let opt_in = matches!(a, Action::OptIn(_));
                for m in &members {
                    let r = if opt_in {
                        self.suite.opt_in(m, &v, &ids)
                    } else {
                        self.suite.opt_out(m, &v, &ids)
                    };
                    r.map_err(|e| e.context(format!("{} of {m}", a.name())))?;
                }
                let names = ids
                    .iter()
                    .map(|i| self.world.service_name(*i))
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(if opt_in {
                    format!(
                        "{} opts {vname} stake into {names}",
                        who_text(&x.staker.value, members.len())
                    )
                } else {
                    format!(
                        "{} starts opting {vname} stake out of {names}",
                        who_text(&x.staker.value, members.len())
                    )
                })
            }
            Action::CompleteOptOut(x) => {
                let (vname, v) = self.validator(x.validator.as_ref());
                let members = self.members(&x.staker);
                for m in &members {
                    self.suite
                        .complete_opt_out(m, &v)
                        .map_err(|e| e.context(format!("complete_opt_out of {m}")))?;
                }
                Ok(format!(
                    "{} completes opt-outs on {vname}",
                    who_text(&x.staker.value, members.len())
                ))
            }
            Action::Unbond(x) => {
                let (vname, v) = self.validator(x.validator.as_ref());
                let amount = x.amount.value.amount;
                let members = self.members(&x.staker);
                for m in &members {
                    self.suite
                        .unbond(m, &v, amount)
                        .map_err(|e| e.context(format!("unbond of {m}")))?;
                }
                Ok(format!(
                    "{} unbonds {} from {vname}",
                    who_text(&x.staker.value, members.len()),
                    fmt_amount(amount, &denom)
                ))
            }
            Action::ClaimUnbonded(s) | Action::ClaimRewards(s) => {
                let members = self.members(s);
                let unbonded = matches!(a, Action::ClaimUnbonded(_));
                let mut got = String::new();
                for m in &members {
                    let before = self.balances(m);
                    let r = if unbonded {
                        self.suite.claim_unbonded(m)
                    } else {
                        self.suite.claim_rewards(m)
                    };
                    r.map_err(|e| e.context(format!("{} of {m}", a.name())))?;
                    if members.len() == 1 {
                        got = Self::received(&before, &self.balances(m));
                    }
                }
                let what = if unbonded {
                    "matured unbondings"
                } else {
                    "rewards"
                };
                Ok(if members.len() == 1 {
                    format!("{} claims {what}: receives {got}", s.value)
                } else {
                    format!("{} claim {what}", who_text(&s.value, members.len()))
                })
            }
            Action::Distribute(x) => {
                let svc = self.svc(&x.service);
                let payer = x
                    .from
                    .as_ref()
                    .map(|f| self.who(&f.value))
                    .unwrap_or_else(|| svc.admin.clone());
                let mut native = vec![];
                let mut paid = vec![];
                for c in &x.amount.value.0 {
                    let d = c.denom.clone().unwrap_or_else(|| denom.clone());
                    if let Some(token) = self.world.token_addrs.get(&d).cloned() {
                        self.ensure_funds(&payer, &d, c.amount)?;
                        self.suite
                            .distribute_cw20(&token, &payer, svc.id, c.amount)?;
                    } else {
                        add_coin(&mut native, c.amount, &d);
                    }
                    paid.push(fmt_amount(c.amount, &d));
                }
                if !native.is_empty() {
                    self.suite.distribute(&payer, svc.id, native)?;
                }
                Ok(format!(
                    "{} pays {} to the stake securing it",
                    svc.name,
                    paid.join(" + ")
                ))
            }
            Action::Slash(x) => {
                let svc = self.svc(&x.service);
                let (vname, v) = self.validator(x.validator.as_ref());
                let sender =
                    x.by.as_ref()
                        .map(|b| self.who(&b.value))
                        .unwrap_or_else(|| svc.slasher.clone());
                let res = self.suite.execute(
                    &sender,
                    &ExecuteMsg::Slash {
                        service_id: svc.id,
                        validator: v.clone(),
                        fraction: x.fraction.value.0,
                        evidence: x.evidence.clone().unwrap_or_else(|| "scenario".into()),
                    },
                    &[],
                )?;
                let id: u64 = attr(&res, "slash_id")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_default();
                if let Some(l) = &x.label {
                    self.labels.insert(l.value.clone(), id);
                }
                self.slash_ids.push(id);
                let req = self.suite.slash_request(id)?;
                let label = x
                    .label
                    .as_ref()
                    .map(|l| format!(" `{}`", l.value))
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
                    "{} requests slash #{id}{label}: {} of {vname} — {state}",
                    svc.name,
                    pct(x.fraction.value.0)
                ))
            }
            Action::Veto(x) => {
                let id = self.slash_id(&x.slash.value)?;
                let sender = match &x.by {
                    Some(b) => self.who(&b.value),
                    None => {
                        let req = self.suite.slash_request(id)?;
                        self.world
                            .services
                            .iter()
                            .find(|s| s.id == req.service_id)
                            .and_then(|s| s.resolver.clone())
                            .unwrap_or_else(|| self.hub_owner())
                    }
                };
                self.suite.veto_slash(&sender, id)?;
                Ok(format!("{sender} vetoes slash #{id}"))
            }
            Action::ExecuteSlash(x) => {
                let id = self.slash_id(&x.slash.value)?;
                let sender =
                    x.by.as_ref()
                        .map(|b| self.who(&b.value))
                        .unwrap_or_else(|| "keeper".into());
                self.suite.execute_slash(&sender, id)?;
                let req = self.suite.slash_request(id)?;
                Ok(format!(
                    "slash #{id} executed: took {} ({} bonded + {} unbonding)",
                    group(req.slashed_amount.u128()),
                    group(req.slashed_bonded.u128()),
                    group(req.slashed_unbonding.u128())
                ))
            }
            Action::ChainSlash(x) => {
                let (vname, v) = self.validator(x.validator.as_ref());
                let before = self.suite.delegation(&v);
                self.suite.chain_slash(&v, x.fraction.value.0);
                let after = self.suite.delegation(&v);
                Ok(format!(
                    "the chain slashes {vname} by {}: the hub's delegation {} → {} (its books wait for sync)",
                    pct(x.fraction.value.0),
                    group(before),
                    group(after)
                ))
            }
            Action::Sync(list) => {
                let vals = self.validator_list(list.as_ref());
                let mut done = vec![];
                for (name, v) in vals {
                    self.suite
                        .sync_validator(&v)
                        .map_err(|e| e.context(format!("sync of {name}")))?;
                    done.push(name);
                }
                Ok(format!(
                    "sync {}",
                    if done.is_empty() {
                        "(no validator has stake)".into()
                    } else {
                        done.join(", ")
                    }
                ))
            }
            Action::Harvest(list) => {
                let vals = list.as_ref().map(|_| {
                    self.validator_list(list.as_ref())
                        .into_iter()
                        .map(|(_, v)| v)
                        .collect::<Vec<_>>()
                });
                self.suite.harvest(vals)?;
                Ok("harvest native staking rewards".into())
            }
            Action::ProcessUnbondings => {
                let res = self.suite.process_unbondings()?;
                let n = |key: &str| -> u128 {
                    attr(&res, key)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or_default()
                };
                Ok(format!(
                    "process unbondings: {} sent, {} settled",
                    count(n("batches_sent"), "batch"),
                    n("batches_settled")
                ))
            }
            Action::Advance(x) => {
                match x.crank {
                    None | Some(crate::units::Dur(0)) => self.suite.advance(x.time.0),
                    Some(step) => {
                        let mut left = x.time.0;
                        while left > 0 {
                            let s = left.min(step.0);
                            self.suite.advance(s);
                            left -= s;
                            self.suite
                                .process_unbondings()
                                .map_err(|e| e.context("process_unbondings while advancing"))?;
                        }
                    }
                }
                let crank = x
                    .crank
                    .map(|c| format!(", process_unbondings every {}", fmt_duration(c.0)))
                    .unwrap_or_default();
                Ok(format!("{} pass{crank}", fmt_duration(x.time.0)))
            }
            Action::Pause => {
                let owner = self.hub_owner();
                self.suite.execute(&owner, &ExecuteMsg::Pause {}, &[])?;
                Ok("the owner pauses the hub".into())
            }
            Action::Unpause => {
                let owner = self.hub_owner();
                self.suite.execute(&owner, &ExecuteMsg::Unpause {}, &[])?;
                Ok("the owner unpauses the hub".into())
            }
            Action::SetServiceStatus(x) => {
                let svc = self.svc(&x.service);
                let status = parse_status(&x.status.value).map_err(anyhow::Error::msg)?;
                let sender =
                    x.by.as_ref()
                        .map(|b| self.who(&b.value))
                        .unwrap_or_else(|| svc.admin.clone());
                self.suite.set_service_status(&sender, svc.id, status)?;
                Ok(format!("{sender} sets {} {status}", svc.name))
            }
            Action::Execute(x) => {
                let sender = x
                    .sender
                    .as_ref()
                    .map(|s| self.who(&s.value))
                    .unwrap_or_else(|| self.hub_owner());
                let mut funds = vec![];
                if let Some(f) = &x.funds {
                    for c in &f.value.0 {
                        add_coin(&mut funds, c.amount, c.denom.as_deref().unwrap_or(&denom));
                    }
                }
                for c in &funds {
                    self.ensure_funds(&sender, &c.denom, c.amount.u128())?;
                }
                let msg =
                    substitute(&x.msg, &|n| Some(self.reference(n))).map_err(anyhow::Error::msg)?;
                let json = serde_json::to_string(&msg)?;
                match &x.contract {
                    Some(c) if self.who(&c.value) != self.suite.hub.as_str() => {
                        let contract = self.who(&c.value);
                        let exec = cosmwasm_std::WasmMsg::Execute {
                            contract_addr: contract,
                            msg: cosmwasm_std::Binary::new(json.clone().into_bytes()),
                            funds: funds.clone(),
                        };
                        let from = self.suite.addr(&sender);
                        Executor::execute(&mut self.suite.app, from, exec.into())?;
                        Ok(format!("{sender} sends {json} to {}", c.value))
                    }
                    _ => {
                        self.suite.execute_json(&sender, &json, &funds)?;
                        Ok(format!("{sender} sends {json}"))
                    }
                }
            }
            Action::Note(n) => Ok(n.clone()),
            Action::Dashboard => Ok("dashboard".into()),
            Action::Expect(_) | Action::Repeat(_) => Ok(String::new()),
        }
    }

    fn validator_list(&self, list: Option<&Spanned<NameList>>) -> Vec<(String, String)> {
        match list {
            Some(l) => l
                .value
                .0
                .iter()
                .map(|n| self.validator(Some(&Spanned::new(n.clone(), l.referenced, l.defined))))
                .collect(),
            None => self
                .world
                .validators
                .iter()
                .filter(|(_, v)| {
                    self.suite.delegation(v) > 0
                        || self
                            .suite
                            .validator_books(v)
                            .map(|b| !b.books.is_zero())
                            .unwrap_or(false)
                })
                .cloned()
                .collect(),
        }
    }
}

fn who_text(name: &str, n: usize) -> String {
    if n > 1 {
        format!("each of {name} ({})", count(n as u128, "staker"))
    } else {
        name.to_string()
    }
}

fn coins_text(c: &Coins) -> String {
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
        assert!(sim.run(&sc.steps, &mut |_, _| {}).is_err());
        assert_eq!(sim.records.len(), 2);
        let note = sim.records[1].invariants_note.as_deref().unwrap();
        assert!(
            note.contains("val1 slashed by the chain, not synced yet"),
            "{note}"
        );

        let found = sim.suite.check_invariants();
        let kinds: Vec<_> = found.iter().map(|v| (&v.kind, &v.subject)).collect();
        let val1 = Subject::Validator(sim.world.validators[0].1.clone());
        assert!(kinds.contains(&(&ViolationKind::BooksAboveDelegation, &val1)));
        assert!(found.iter().any(|v| matches!(
            (&v.kind, &v.subject),
            (ViolationKind::HeldBelowOwed { .. }, Subject::Asset(Asset::Native(d))) if *d == sim.world.denom
        )));
        let (left, _) = sim.check_invariants();
        assert!(left.is_empty(), "{left:?}");
    }
}
