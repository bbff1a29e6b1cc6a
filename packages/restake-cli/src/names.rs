//! The names of a scenario (validators, stakers, groups, accounts, services, tokens,
//! vaults) and the lookups that turn a name of the file into what it stands for, or into
//! an error that points at it (`plan.rs` resolves the steps with them).
//!
//! Why one file: the names of a scenario and the checks against them (accounts, coins,
//! `@name` references, expectations) are one table of what the file declares.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Api};
use restake_types::ServiceStatus;
use serde_saphyr::Spanned;

use crate::scenario::*;
use crate::units::Coins;

/// Names every account can use besides the scenario's own.
const BUILTIN_ACCOUNTS: &[&str] = &["owner", "keeper", "community_pool", "hub"];

/// A registered service and who acts for it.
#[derive(Debug, Clone)]
pub struct SvcInfo {
    pub name: String,
    pub id: u64,
    pub admin: String,
    pub slasher: String,
    pub resolver: Option<String>,
}

/// The names of a scenario and what they stand for.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub denom: String,
    /// (name, operator address).
    pub validators: Vec<(String, String)>,
    /// Every staker account, groups expanded, in declaration order.
    pub stakers: Vec<String>,
    pub groups: BTreeMap<String, Vec<String>>,
    pub accounts: Vec<String>,
    pub services: Vec<SvcInfo>,
    /// cw20 symbols, and their addresses once created.
    pub tokens: Vec<String>,
    pub token_addrs: BTreeMap<String, Addr>,
    /// Other names that hold something (token holders).
    pub holders: Vec<String>,
    /// restake-vault contracts of `vaults:`.
    pub vaults: Vec<String>,
}

/// "unknown {what} `name` (did you mean …); {what}s are: …", at the name.
fn unknown<'a>(
    src: &Source,
    name: &Name,
    what: &str,
    known: impl IntoIterator<Item = &'a String>,
) -> FileError {
    let known: Vec<&String> = known.into_iter().collect();
    src.error(
        Loc::of(name),
        format!(
            "unknown {what} `{}`{}; {what}s are: {}",
            name.value,
            suggest(&name.value, known.iter().map(|s| s.as_str())),
            names_of(known.iter().copied())
        ),
    )
}

fn names_of<'a>(it: impl IntoIterator<Item = &'a String>) -> String {
    let v: Vec<&str> = it.into_iter().map(|s| s.as_str()).collect();
    if v.len() > 12 {
        format!("{}, … ({} in all)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

impl Names {
    /// Reads the declarations of a scenario (no chain yet).
    pub fn new(src: &Source, sc: &Scenario) -> Result<Names, FileError> {
        let mut w = Names {
            denom: sc.chain.denom.clone().unwrap_or_else(|| "uatom".into()),
            ..Default::default()
        };
        if !restake_types::asset::is_valid_denom(&w.denom) {
            return Err(src.error(
                Loc::default(),
                format!("chain.denom `{}` is not a valid denom", w.denom),
            ));
        }
        w.validators = match sc.chain.validators.as_ref().map(|v| &v.value) {
            None => vec![("val1".to_string(), String::new())],
            Some(Validators::Count(n)) => (1..=*n)
                .map(|i| (format!("val{i}"), String::new()))
                .collect(),
            Some(Validators::Names(names)) => {
                let mut out: Vec<(String, String)> = vec![];
                for n in names {
                    if out.iter().any(|(x, _)| x == n) {
                        let loc = sc
                            .chain
                            .validators
                            .as_ref()
                            .map(Loc::of)
                            .unwrap_or_default();
                        return Err(src.error(loc, format!("validator `{n}` is listed twice")));
                    }
                    out.push((n.clone(), String::new()));
                }
                out
            }
        };
        for (sym, balances) in &sc.tokens.0 {
            let s = &sym.value;
            if !(3..=12).contains(&s.len())
                || !s.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
            {
                return Err(src.error(
                    Loc::of(sym),
                    format!("token symbol `{s}` must be 3 to 12 letters (cw20-base's rule)"),
                ));
            }
            if s == &w.denom {
                return Err(src.error(
                    Loc::of(sym),
                    format!("token symbol `{s}` is the bonded denom"),
                ));
            }
            w.tokens.push(s.clone());
            for holder in balances.value.keys() {
                w.holders.push(holder.clone());
            }
        }
        for (name, spec) in &sc.stakers.0 {
            match spec.value.count {
                Some(n) => {
                    let prefix = spec
                        .value
                        .prefix
                        .clone()
                        .unwrap_or_else(|| name.value.clone());
                    let members: Vec<String> = (1..=n).map(|i| format!("{prefix}{i}")).collect();
                    w.stakers.extend(members.iter().cloned());
                    w.groups.insert(name.value.clone(), members);
                }
                None => w.stakers.push(name.value.clone()),
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &w.stakers {
            if !seen.insert(s.clone()) {
                let loc = sc
                    .stakers
                    .0
                    .iter()
                    .find(|(n, _)| &n.value == s)
                    .map(|(n, _)| Loc::of(n));
                return Err(src.error(
                    loc.unwrap_or_default(),
                    format!("staker `{s}` is defined twice (check group prefixes)"),
                ));
            }
        }
        for (name, _) in &sc.accounts.0 {
            if w.stakers.contains(&name.value) || w.groups.contains_key(&name.value) {
                return Err(src.error(
                    Loc::of(name),
                    format!("`{}` is both a staker and an account", name.value),
                ));
            }
            w.accounts.push(name.value.clone());
        }
        for (i, (name, def)) in sc.services.0.iter().enumerate() {
            let d = &def.value;
            w.services.push(SvcInfo {
                name: name.value.clone(),
                id: i as u64 + 1,
                admin: d
                    .admin
                    .as_ref()
                    .map(|a| a.value.clone())
                    .unwrap_or_else(|| name.value.clone()),
                slasher: d
                    .slasher
                    .as_ref()
                    .map(|a| a.value.clone())
                    .unwrap_or_else(|| format!("{}-slasher", name.value)),
                resolver: d.resolver.as_ref().map(|a| a.value.clone()),
            });
        }
        // Everything named in the header must be an account we can reach.
        for (sym, balances) in &sc.tokens.0 {
            for holder in balances.value.keys() {
                if holder.contains(char::is_whitespace) || holder.is_empty() {
                    return Err(
                        src.error(Loc::of(sym), format!("`{holder}` is not an account name"))
                    );
                }
            }
        }
        for (name, spec) in &sc.stakers.0 {
            w.check_coins(src, &spec.value.balance, Loc::of(spec), false)
                .map_err(|e| FileError {
                    message: format!("staker {}: {}", name.value, e.message),
                    ..e
                })?;
        }
        for (name, coins) in &sc.accounts.0 {
            w.check_coins(src, &coins.value, Loc::of(coins), false)
                .map_err(|e| FileError {
                    message: format!("account {}: {}", name.value, e.message),
                    ..e
                })?;
        }
        for (name, def) in &sc.services.0 {
            if let Some(r) = &def.value.rewards {
                for asset in &r.value.0 {
                    if !w.tokens.contains(asset) && !restake_types::asset::is_valid_denom(asset) {
                        return Err(src.error(Loc::of(r), format!(
                            "service {}: reward `{asset}` is neither a valid denom nor a token of `tokens:` ({})",
                            name.value, names_of(&w.tokens)
                        )));
                    }
                }
            }
        }
        for (name, _) in &sc.vaults.0 {
            if w.is_account(&name.value) || name.value == "hub" {
                return Err(src.error(
                    Loc::of(name),
                    format!("vault `{}` has the name of an account", name.value),
                ));
            }
            w.vaults.push(name.value.clone());
        }
        for (name, msg) in &sc.vaults.0 {
            w.check_refs(
                src,
                &serde_json::Value::Object(msg.value.clone()),
                Loc::of(msg),
            )
            .map_err(|e| FileError {
                message: format!("vault {}: {}", name.value, e.message),
                ..e
            })?;
        }
        Ok(w)
    }

    /// Checks the denoms of coins: native denoms or token symbols; a denom-less amount
    /// means the bonded denom.
    pub(crate) fn check_coins(
        &self,
        src: &Source,
        coins: &Coins,
        loc: Loc,
        native_only: bool,
    ) -> Result<(), FileError> {
        for c in &coins.0 {
            if let Some(d) = &c.denom {
                let token = self.tokens.contains(d);
                if native_only && token {
                    return Err(src.error(
                        loc,
                        format!("`{d}` is a cw20 token; only native coins go here"),
                    ));
                }
                if !token && !restake_types::asset::is_valid_denom(d) {
                    return Err(src.error(loc, format!(
                        "`{d}` is neither a valid denom (3+ characters, starting with a letter) nor a token of `tokens:`"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The members of a staker name (a group gives all its members).
    pub fn stakers_of(&self, src: &Source, name: &Name) -> Result<Vec<String>, FileError> {
        if let Some(m) = self.groups.get(&name.value) {
            return Ok(m.clone());
        }
        if self.stakers.contains(&name.value) {
            return Ok(vec![name.value.clone()]);
        }
        Err(unknown(
            src,
            name,
            "staker",
            self.stakers.iter().chain(self.groups.keys()),
        ))
    }

    pub fn validator_idx(&self, src: &Source, name: Option<&Name>) -> Result<usize, FileError> {
        let Some(name) = name else { return Ok(0) };
        if let Some(i) = self
            .validators
            .iter()
            .position(|(n, a)| *n == name.value || (!a.is_empty() && *a == name.value))
        {
            return Ok(i);
        }
        Err(unknown(
            src,
            name,
            "validator",
            self.validators.iter().map(|(n, _)| n),
        ))
    }

    pub fn service(&self, src: &Source, name: &Name) -> Result<&SvcInfo, FileError> {
        if let Some(s) = self
            .services
            .iter()
            .find(|s| s.name == name.value || s.id.to_string() == name.value)
        {
            return Ok(s);
        }
        Err(unknown(
            src,
            name,
            "service",
            self.services.iter().map(|s| &s.name),
        ))
    }

    pub fn services_of(
        &self,
        src: &Source,
        list: &Spanned<NameList>,
    ) -> Result<Vec<u64>, FileError> {
        if list.value.0.is_empty() {
            return Err(src.error(Loc::of(list), "the list of services is empty"));
        }
        list.value
            .0
            .iter()
            .map(|n| {
                self.service(src, &Spanned::new(n.clone(), list.referenced, list.defined))
                    .map(|s| s.id)
            })
            .collect()
    }

    pub fn service_name(&self, id: u64) -> String {
        self.services
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Whether a name is an account the scenario knows (or an address).
    fn is_account(&self, name: &str) -> bool {
        self.stakers.iter().any(|s| s == name)
            || self.accounts.iter().any(|s| s == name)
            || self.holders.iter().any(|s| s == name)
            || BUILTIN_ACCOUNTS.contains(&name)
            || self.services.iter().any(|s| {
                s.admin == name || s.slasher == name || s.resolver.as_deref() == Some(name)
            })
            || self.validators.iter().any(|(_, a)| a == name)
            || self.vaults.iter().any(|v| v == name)
            || MockApiCheck::is_address(name)
    }

    /// A contract a step may address: a vault of `vaults:`, or the hub.
    pub fn contract(&self, src: &Source, name: &Name) -> Result<(), FileError> {
        let plain = name.value.strip_prefix('@').unwrap_or(&name.value);
        if plain == "hub" || self.vaults.iter().any(|v| v == plain) {
            return Ok(());
        }
        Err(src.error(
            Loc::of(name),
            format!(
                "unknown contract `{}`{}; use `hub` or a vault of `vaults:`",
                name.value,
                suggest(&name.value, self.vaults.iter().map(|s| s.as_str()))
            ),
        ))
    }

    pub fn account(&self, src: &Source, name: &Name) -> Result<String, FileError> {
        let plain = name.value.strip_prefix('@').unwrap_or(&name.value);
        if self.is_account(plain) {
            return Ok(plain.to_string());
        }
        let mut known: Vec<&String> = self.stakers.iter().chain(self.accounts.iter()).collect();
        for s in &self.services {
            known.push(&s.admin);
            known.push(&s.slasher);
        }
        Err(src.error(
            Loc::of(name),
            format!(
                "unknown account `{}`{}; use a staker, an account of `accounts:`, a service's admin/slasher/resolver, {} or an address",
                name.value,
                suggest(&name.value, known.iter().map(|s| s.as_str()).chain(BUILTIN_ACCOUNTS.iter().copied())),
                BUILTIN_ACCOUNTS.join(", ")
            ),
        ))
    }

    /// The address of an account name before the chain exists (`hub` has none yet).
    pub fn address_before_chain(&self, name: &str) -> Option<String> {
        if name == "hub" || !self.is_account(name) {
            return None;
        }
        let api = cosmwasm_std::testing::MockApi::default();
        Some(match api.addr_validate(name) {
            Ok(a) => a.to_string(),
            Err(_) => api.addr_make(name).to_string(),
        })
    }

    /// Checks the `@name` references of a JSON value.
    pub(crate) fn check_refs(
        &self,
        src: &Source,
        v: &serde_json::Value,
        loc: Loc,
    ) -> Result<(), FileError> {
        substitute(v, &|n| {
            (self.is_account(n) || self.validators.iter().any(|(name, _)| name == n))
                .then(|| n.to_string())
        })
        .map(|_| ())
        .map_err(|m| src.error(loc, m))
    }

    /// An asset name of an expectation map: a token symbol or a native denom.
    fn asset_key(&self, src: &Source, key: &str, loc: Loc) -> Result<(), FileError> {
        if self.tokens.iter().any(|t| t == key) || restake_types::asset::is_valid_denom(key) {
            return Ok(());
        }
        Err(src.error(
            loc,
            format!("`{key}` is neither a denom nor a token of `tokens:`"),
        ))
    }

    /// Checks the names and keys of an expectation (slash labels must be given before use).
    pub(crate) fn check_expect(
        &self,
        src: &Source,
        e: &Expect,
        loc: Loc,
        labels: &[String],
    ) -> Result<(), FileError> {
        let subject = e.subject();
        let set = e.keys_set();
        let allowed: &[&str] = match subject {
            Subject::Staker => &[
                "validator",
                "bonded",
                "unbonding",
                "claimable",
                "max_slash_exposure",
                "positions",
                "pending_rewards",
                "balance",
                "restaked",
                "services",
            ],
            Subject::Service => &[
                "total_stake",
                "total_slashed",
                "rewards_paid",
                "status",
                "stake",
            ],
            Subject::Slash => &[
                "status",
                "slashed_amount",
                "slashed_bonded",
                "slashed_unbonding",
                "fraction",
            ],
            Subject::Account => &["balance"],
            Subject::Validator => &["bonded", "delegation", "books", "queued", "dust", "pools"],
            Subject::Stats => &[],
            Subject::Query => &["result", "contract"],
            Subject::None => {
                return Err(src.error(loc, "expect: say what to check: staker, service, slash, account, validator, stats or query"));
            }
        };
        for k in &set {
            if !allowed.contains(k) {
                return Err(src.error(
                    loc,
                    format!(
                        "expect: `{k}` does not apply to a {}; it takes: {}",
                        subject.name(),
                        if allowed.is_empty() {
                            "nothing else".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
        }
        if let Some(s) = &e.staker {
            self.stakers_of(src, s)?;
        }
        if let Some(s) = &e.service {
            self.service(src, s)?;
        }
        if let Some(v) = &e.validator {
            self.validator_idx(src, Some(v))?;
        }
        if let Some(a) = &e.account {
            self.account(src, a)?;
        }
        if let Some(s) = &e.slash {
            if let SlashRef::Label(l) = &s.value {
                if !labels.contains(l) {
                    return Err(src.error(Loc::of(s), format!("unknown slash label `{l}`")));
                }
            }
        }
        for map in [&e.pending_rewards, &e.balance, &e.rewards_paid]
            .into_iter()
            .flatten()
        {
            for k in map.keys() {
                self.asset_key(src, k, loc)?;
            }
        }
        // Keys of a map have no place of their own: their errors point at the expectation.
        let here = |err: FileError| FileError {
            loc,
            snippet: src.snippet(loc),
            ..err
        };
        if let Some(r) = &e.restaked {
            for k in r.keys() {
                self.service(src, &unplaced(k.clone())).map_err(here)?;
            }
        }
        if let Some(list) = &e.services {
            if !list.value.0.is_empty() {
                self.services_of(src, list)?;
            }
        }
        if let Some(st) = &e.stake {
            for k in st.keys() {
                self.validator_idx(src, Some(&unplaced(k.clone())))
                    .map_err(here)?;
            }
        }
        for v in [&e.query, &e.result].into_iter().flatten() {
            self.check_refs(src, v, loc)?;
        }
        if let Some(c) = &e.contract {
            self.contract(src, c)?;
        }
        if subject == Subject::Query && e.result.is_none() {
            return Err(src.error(loc, "expect: a `query` needs a `result` to compare with"));
        }
        Ok(())
    }
}

/// Replaces every JSON string `"@name"` by the address of account `name` (`resolve`
/// returns `None` for a name it does not know).
pub fn substitute(
    v: &serde_json::Value,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    Ok(match v {
        Value::String(s) => match s.strip_prefix('@') {
            Some(name) => {
                Value::String(resolve(name).ok_or_else(|| format!("unknown account `@{name}`"))?)
            }
            None => v.clone(),
        },
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| substitute(x, resolve))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| substitute(x, resolve).map(|x| (k.clone(), x)))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Address check without a chain (the Suite's MockApi prefix).
struct MockApiCheck;

impl MockApiCheck {
    fn is_address(s: &str) -> bool {
        cosmwasm_std::testing::MockApi::default()
            .addr_validate(s)
            .is_ok()
    }
}

pub fn parse_status(s: &str) -> Result<ServiceStatus, String> {
    match s {
        "active" => Ok(ServiceStatus::Active),
        "paused" => Ok(ServiceStatus::Paused),
        "retired" => Ok(ServiceStatus::Retired),
        other => Err(format!(
            "unknown service status `{other}`; use active, paused or retired"
        )),
    }
}

/// What an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Staker,
    Service,
    Slash,
    Account,
    Validator,
    Stats,
    Query,
    None,
}

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::Staker => "staker",
            Subject::Service => "service",
            Subject::Slash => "slash request",
            Subject::Account => "account",
            Subject::Validator => "validator",
            Subject::Stats => "stats check",
            Subject::Query => "query",
            Subject::None => "nothing",
        }
    }
}

impl Expect {
    pub fn subject(&self) -> Subject {
        if self.staker.is_some() {
            Subject::Staker
        } else if self.service.is_some() {
            Subject::Service
        } else if self.slash.is_some() {
            Subject::Slash
        } else if self.account.is_some() {
            Subject::Account
        } else if self.validator.is_some() {
            Subject::Validator
        } else if self.stats.is_some() {
            Subject::Stats
        } else if self.query.is_some() {
            Subject::Query
        } else {
            Subject::None
        }
    }

    /// The keys present besides the subject's own.
    fn keys_set(&self) -> Vec<&'static str> {
        let mut out = vec![];
        let subject = self.subject();
        macro_rules! k {
            ($($f:ident),*) => {$(
                if self.$f.is_some() { out.push(stringify!($f)); }
            )*};
        }
        k!(
            bonded,
            unbonding,
            claimable,
            max_slash_exposure,
            positions,
            pending_rewards,
            balance,
            restaked,
            services,
            total_stake,
            total_slashed,
            rewards_paid,
            status,
            stake,
            slashed_amount,
            slashed_bonded,
            slashed_unbonding,
            fraction,
            delegation,
            books,
            queued,
            dust,
            pools,
            result,
            contract
        );
        // Secondary subjects given alongside the primary one.
        if self.validator.is_some() && subject != Subject::Validator {
            out.push("validator");
        }
        for (present, name, own) in [
            (self.service.is_some(), "service", Subject::Service),
            (self.slash.is_some(), "slash", Subject::Slash),
            (self.account.is_some(), "account", Subject::Account),
            (self.stats.is_some(), "stats", Subject::Stats),
            (self.query.is_some(), "query", Subject::Query),
        ] {
            if present && subject != own {
                out.push(name);
            }
        }
        out
    }
}
