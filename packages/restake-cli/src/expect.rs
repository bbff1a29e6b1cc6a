//! Checking `expect:` steps against the contract's queries.
//!
//! Why one file: every `expect:` kind is one arm of one check against the same queries, with
//! the same way of pointing at the file's line when it fails.

use crate::names::{substitute, Subject};
use crate::scenario::*;
use crate::sim::Sim;
use crate::units::Want;

impl Sim<'_> {
    pub(crate) fn expect_title(&self, e: &Expect) -> String {
        match e.subject() {
            Subject::Staker => format!(
                "{}{}",
                e.staker
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
                e.validator
                    .as_ref()
                    .map(|v| format!(" on {}", v.value))
                    .unwrap_or_default()
            ),
            Subject::Service => format!(
                "service {}",
                e.service
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default()
            ),
            Subject::Slash => format!(
                "slash {}",
                e.slash
                    .as_ref()
                    .map(|s| s.value.to_string())
                    .unwrap_or_default()
            ),
            Subject::Account => format!(
                "account {}",
                e.account
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default()
            ),
            Subject::Validator => format!(
                "validator {}",
                e.validator
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default()
            ),
            Subject::Stats => "stats".into(),
            Subject::Query => "query".into(),
            Subject::None => String::new(),
        }
    }

    /// Checks one expectation; returns the number of checks and the mismatches.
    pub(crate) fn expect(&self, e: &Expect) -> Result<(usize, Vec<String>), FileError> {
        let mut c = Checker::default();
        match e.subject() {
            Subject::Staker => {
                let name = e
                    .staker
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default();
                let members = self.names.stakers_of(
                    self.src,
                    e.staker
                        .as_ref()
                        .ok_or_else(|| self.src.error(Loc::default(), "no staker"))?,
                )?;
                let group = members.len() > 1 || members.first() != Some(&name);
                for m in &members {
                    c.prefix = if group {
                        format!("{m}.")
                    } else {
                        String::new()
                    };
                    self.expect_staker(e, m, &mut c);
                }
            }
            Subject::Service => {
                let svc = self.names.service(
                    self.src,
                    e.service
                        .as_ref()
                        .ok_or_else(|| self.src.error(Loc::default(), "no service"))?,
                )?;
                match self.suite.service(svc.id) {
                    Ok(s) => {
                        c.num("total_stake", &e.total_stake, s.total_stake.u128());
                        c.num("total_slashed", &e.total_slashed, s.total_slashed.u128());
                        c.text("status", &e.status, &s.status.to_string());
                        if let Some(map) = &e.rewards_paid {
                            for (asset, want) in map {
                                let actual = s
                                    .rewards_paid
                                    .iter()
                                    .find(|r| self.reward_name(r) == *asset)
                                    .map(|r| r.amount.u128())
                                    .unwrap_or_default();
                                c.num(
                                    &format!("rewards_paid.{asset}"),
                                    &Some(want.clone()),
                                    actual,
                                );
                            }
                        }
                        if let Some(map) = &e.stake {
                            let stake = self.suite.service_stake(svc.id).ok();
                            for (val, want) in map {
                                let (_, addr) = self.validator(Some(&unplaced(val.clone())));
                                let actual = stake
                                    .as_ref()
                                    .and_then(|st| {
                                        st.validators.iter().find(|v| v.validator == addr)
                                    })
                                    .map(|v| v.amount.u128())
                                    .unwrap_or_default();
                                c.num(&format!("stake.{val}"), &Some(want.clone()), actual);
                            }
                        }
                    }
                    Err(err) => c.error(format!("service query failed: {err}")),
                }
            }
            Subject::Slash => {
                let r = e
                    .slash
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or(SlashRef::Id(0));
                match self
                    .slash_id(&r)
                    .map_err(|e| e.to_string())
                    .and_then(|id| self.suite.slash_request(id).map_err(|e| e.to_string()))
                {
                    Ok(s) => {
                        c.text("status", &e.status, &s.status.to_string());
                        c.num("slashed_amount", &e.slashed_amount, s.slashed_amount.u128());
                        c.num("slashed_bonded", &e.slashed_bonded, s.slashed_bonded.u128());
                        c.num(
                            "slashed_unbonding",
                            &e.slashed_unbonding,
                            s.slashed_unbonding.u128(),
                        );
                        c.text("fraction", &e.fraction, &s.fraction.to_string());
                    }
                    Err(err) => c.error(format!("slash request {r}: {err}")),
                }
            }
            Subject::Account => {
                let who = e
                    .account
                    .as_ref()
                    .map(|a| a.value.clone())
                    .unwrap_or_default();
                if let Some(map) = &e.balance {
                    for (asset, want) in map {
                        c.num(
                            &format!("balance.{asset}"),
                            &Some(want.clone()),
                            self.asset_balance(&who, asset),
                        );
                    }
                }
            }
            Subject::Validator => {
                let (_, v) = self.validator(e.validator.as_ref());
                c.num("delegation", &e.delegation, self.suite.delegation(&v));
                match self.suite.validator_books(&v) {
                    Ok(b) => {
                        c.num("bonded", &e.bonded, b.bonded.u128());
                        c.num("books", &e.books, b.books.u128());
                        c.num("queued", &e.queued, b.queued.u128());
                        c.num("dust", &e.dust, b.dust.u128());
                        c.num("pools", &e.pools, u128::from(b.pools));
                    }
                    Err(err) => c.error(format!("validator query failed: {err}")),
                }
            }
            Subject::Stats => {
                let stats = self
                    .suite
                    .stats()
                    .map(|s| serde_json::to_value(s).unwrap_or_default());
                match stats {
                    Ok(actual) => {
                        for (k, want) in e.stats.iter().flatten() {
                            match actual.get(k) {
                                Some(v) => json_match(&format!("stats.{k}"), want, v, &mut c),
                                None => c.error(format!(
                                    "stats has no field `{k}`; fields: {}",
                                    actual
                                        .as_object()
                                        .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                                        .unwrap_or_default()
                                )),
                            }
                        }
                    }
                    Err(err) => c.error(format!("stats query failed: {err}")),
                }
            }
            Subject::Query => {
                let resolve = |n: &str| Some(self.reference(n));
                let q =
                    substitute(&e.query.clone().unwrap_or_default(), &resolve).unwrap_or_default();
                let want =
                    substitute(&e.result.clone().unwrap_or_default(), &resolve).unwrap_or_default();
                let answer = match &e.contract {
                    Some(c) => {
                        let request = cosmwasm_std::QueryRequest::<cosmwasm_std::Empty>::Wasm(
                            cosmwasm_std::WasmQuery::Smart {
                                contract_addr: self.address(&c.value),
                                msg: cosmwasm_std::Binary::new(q.to_string().into_bytes()),
                            },
                        );
                        self.suite.app.wrap().query::<serde_json::Value>(&request)
                    }
                    None => self.suite.query_json(&q.to_string()),
                };
                match answer {
                    Ok(actual) => json_match("result", &want, &actual, &mut c),
                    Err(err) => c.error(format!("query {q} failed: {err}")),
                }
            }
            Subject::None => {}
        }
        Ok((c.checks, c.mismatches))
    }

    fn reward_name(&self, r: &restake_types::RewardAmount) -> String {
        match (&r.denom, &r.cw20) {
            (Some(d), _) => d.clone(),
            (_, Some(a)) => self.symbol_of(a),
            _ => "?".into(),
        }
    }

    fn expect_staker(&self, e: &Expect, who: &str, c: &mut Checker) {
        let ov = match self.suite.staker_overview(who) {
            Ok(o) => o,
            Err(err) => return c.error(format!("staker_overview of {who} failed: {err}")),
        };
        match &e.validator {
            Some(v) => {
                let (vname, addr) = self.validator(Some(v));
                match self.suite.position(who, &addr) {
                    Ok(p) => {
                        c.num(&format!("bonded (on {vname})"), &e.bonded, p.amount.u128());
                        if let Some(list) = &e.services {
                            let want: Vec<u64> =
                                self.names.services_of(self.src, list).unwrap_or_default();
                            let mut want = want;
                            want.sort_unstable();
                            let mut got = p.service_ids.clone();
                            got.sort_unstable();
                            c.checks += 1;
                            if want != got {
                                c.mismatch(
                                    "services",
                                    &self.service_names(&want),
                                    &self.service_names(&got),
                                );
                            }
                        }
                    }
                    Err(err) => c.error(format!("position query failed: {err}")),
                }
            }
            None => {
                c.num("bonded", &e.bonded, ov.bonded.u128());
                if let Some(list) = &e.services {
                    let mut want: Vec<u64> = if list.value.0.is_empty() {
                        vec![]
                    } else {
                        self.names.services_of(self.src, list).unwrap_or_default()
                    };
                    want.sort_unstable();
                    let mut got: Vec<u64> = ov
                        .restaked
                        .iter()
                        .filter(|r| !r.amount.is_zero())
                        .map(|r| r.service_id)
                        .collect();
                    got.sort_unstable();
                    got.dedup();
                    c.checks += 1;
                    if want != got {
                        c.mismatch(
                            "services",
                            &self.service_names(&want),
                            &self.service_names(&got),
                        );
                    }
                }
            }
        }
        c.num("unbonding", &e.unbonding, ov.unbonding.u128());
        c.num("claimable", &e.claimable, ov.claimable.u128());
        c.num(
            "max_slash_exposure",
            &e.max_slash_exposure,
            ov.max_slash_exposure.u128(),
        );
        c.num("positions", &e.positions, u128::from(ov.positions));
        if let Some(map) = &e.pending_rewards {
            for (asset, want) in map {
                let actual = ov
                    .pending_rewards
                    .iter()
                    .find(|r| self.reward_name(r) == *asset)
                    .map(|r| r.amount.u128())
                    .unwrap_or_default();
                c.num(
                    &format!("pending_rewards.{asset}"),
                    &Some(want.clone()),
                    actual,
                );
            }
        }
        if let Some(map) = &e.balance {
            for (asset, want) in map {
                c.num(
                    &format!("balance.{asset}"),
                    &Some(want.clone()),
                    self.asset_balance(who, asset),
                );
            }
        }
        if let Some(map) = &e.restaked {
            for (svc, want) in map {
                let id = self
                    .names
                    .services
                    .iter()
                    .find(|s| s.name == *svc || s.id.to_string() == *svc)
                    .map(|s| s.id);
                let actual = ov
                    .restaked
                    .iter()
                    .filter(|r| Some(r.service_id) == id)
                    .map(|r| r.amount.u128())
                    .sum();
                c.num(&format!("restaked.{svc}"), &Some(want.clone()), actual);
            }
        }
    }

    fn service_names(&self, ids: &[u64]) -> String {
        if ids.is_empty() {
            return "[]".into();
        }
        format!(
            "[{}]",
            ids.iter()
                .map(|i| self.names.service_name(*i))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Collects expectation results.
#[derive(Default)]
struct Checker {
    checks: usize,
    mismatches: Vec<String>,
    prefix: String,
}

impl Checker {
    fn mismatch(&mut self, key: &str, expected: &str, actual: &str) {
        self.mismatches.push(format!(
            "{}{key}: expected {expected}, actual {actual}",
            self.prefix
        ));
    }
    fn error(&mut self, msg: String) {
        self.checks += 1;
        self.mismatches.push(format!("{}{msg}", self.prefix));
    }
    fn num(&mut self, key: &str, want: &Option<Want>, actual: u128) {
        if let Some(w) = want {
            self.checks += 1;
            if !w.matches(actual) {
                self.mismatch(key, &w.to_string(), &actual.to_string());
            }
        }
    }
    fn text(&mut self, key: &str, want: &Option<Want>, actual: &str) {
        if let Some(w) = want {
            self.checks += 1;
            if !w.matches_text(actual) {
                self.mismatch(key, &w.to_string(), actual);
            }
        }
    }
}

fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `want` must be contained in `actual`: objects by key (extra keys ignored), arrays
/// element by element, scalars equal (a number matches the same number as a string).
fn json_match(path: &str, want: &serde_json::Value, actual: &serde_json::Value, c: &mut Checker) {
    use serde_json::Value;
    match (want, actual) {
        (Value::Object(w), Value::Object(a)) => {
            for (k, wv) in w {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => json_match(&p, wv, av, c),
                    None => {
                        c.checks += 1;
                        c.mismatch(&p, &compact(wv), "(no such field)");
                    }
                }
            }
        }
        (Value::Array(w), Value::Array(a)) => {
            c.checks += 1;
            if w.len() != a.len() {
                c.mismatch(
                    &format!("{path} (length)"),
                    &w.len().to_string(),
                    &a.len().to_string(),
                );
                return;
            }
            c.checks -= 1;
            for (i, (wv, av)) in w.iter().zip(a).enumerate() {
                json_match(&format!("{path}[{i}]"), wv, av, c);
            }
        }
        (w, a) => {
            c.checks += 1;
            let ok = w == a
                || match w {
                    Value::String(s) => s
                        .parse::<Want>()
                        .map(|x| x.matches_json(a))
                        .unwrap_or(false),
                    Value::Number(n) => n
                        .to_string()
                        .parse::<Want>()
                        .map(|x| x.matches_json(a))
                        .unwrap_or(false),
                    Value::Bool(b) => b.to_string() == compact(a),
                    _ => false,
                };
            if !ok {
                c.mismatch(path, &compact(w), &compact(a));
            }
        }
    }
}
