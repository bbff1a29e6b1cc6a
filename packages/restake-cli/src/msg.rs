//! `restake msg`: builds the JSON of any execute or query message from command-line flags.
//!
//! The messages and their fields come from the JSON schema of `restake_types::ExecuteMsg`
//! and `QueryMsg` (schemars), so a new message or field needs no change here. Each value
//! is converted to the JSON type its schema asks for (ids and counts are numbers,
//! `Uint128`/`Decimal` are strings, lists are arrays), from the forms scenarios accept:
//! amounts in base units or the bonded denom's display unit (`1.5atom`), fractions as `5%`,
//! durations (`*_period`, `*_delay`, `*_epoch`) as `21d` or `3 days`. A value that does not
//! fit is refused in words; the result is deserialised into the real message type before it
//! is printed, so what is printed is accepted by the hub.
//!
//! Why one file: one walk over the schema turns flags into JSON; splitting the walk from the
//! value conversions would split one recursion in two.

use std::str::FromStr;

use clap::{Arg, ArgAction, ArgMatches, Command};
use cosmwasm_std::Decimal;
use schemars::schema::{InstanceType, RootSchema, Schema, SchemaObject, SingleOrVec};
use serde_json::{Map, Value};

use crate::scenario::suggest;
use crate::units;

/// What JSON a field takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Bool,
    /// One of these strings.
    Choice(Vec<String>),
    Array(Box<Kind>),
    /// An object or enum of objects, written as JSON (or, for an enum, by variant name).
    Json(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub doc: Option<String>,
    pub required: bool,
    pub kind: Kind,
    /// The schema's type name (`Uint128`, `Decimal`, `uint64`...).
    pub type_name: String,
}

#[derive(Debug, Clone)]
pub struct MsgSpec {
    pub name: String,
    pub doc: Option<String>,
    /// `None`: the message's value is not an object (e.g. `update_ownership`); it is
    /// given as one positional JSON value.
    pub fields: Option<Vec<Field>>,
    /// A message that is a bare string (`"accept_ownership"`).
    pub unit: bool,
}

fn resolve<'a>(root: &'a RootSchema, s: &'a SchemaObject) -> &'a SchemaObject {
    let mut cur = s;
    for _ in 0..16 {
        let Some(r) = &cur.reference else { break };
        let name = r.trim_start_matches("#/definitions/");
        match root.definitions.get(name) {
            Some(Schema::Object(o)) => cur = o,
            _ => break,
        }
    }
    cur
}

fn obj(s: &Schema) -> Option<&SchemaObject> {
    match s {
        Schema::Object(o) => Some(o),
        Schema::Bool(_) => None,
    }
}

fn description(s: &SchemaObject) -> Option<String> {
    s.metadata.as_ref().and_then(|m| m.description.clone())
}

/// The kind of a schema, and whether it admits null.
fn kind_of(root: &RootSchema, s: &SchemaObject) -> (Kind, bool, String) {
    let ref_name = s
        .reference
        .as_ref()
        .map(|r| r.trim_start_matches("#/definitions/").to_string());
    let r = resolve(root, s);
    if let Some(sub) = &r.subschemas {
        if let Some(any) = &sub.any_of {
            // Option<T> of a referenced type: anyOf [T, null].
            let non_null: Vec<&SchemaObject> = any
                .iter()
                .filter_map(obj)
                .filter(|o| {
                    !matches!(&o.instance_type, Some(SingleOrVec::Single(t)) if **t == InstanceType::Null)
                })
                .collect();
            let nullable = non_null.len() < any.len();
            if let [one] = non_null.as_slice() {
                let (k, n, t) = kind_of(root, one);
                return (k, nullable || n, t);
            }
            return (Kind::Json(vec![]), nullable, "JSON".into());
        }
        if let Some(one) = &sub.one_of {
            let variants = variant_names(root, one);
            let all_strings = one.iter().filter_map(obj).all(|o| {
                o.enum_values.is_some()
                    && matches!(&o.instance_type, Some(SingleOrVec::Single(t)) if **t == InstanceType::String)
            });
            let name = ref_name.unwrap_or_else(|| "enum".into());
            if all_strings {
                return (Kind::Choice(variants), false, name);
            }
            return (Kind::Json(variants), false, name);
        }
        if let Some(all) = &sub.all_of {
            if let Some(first) = all.iter().find_map(obj) {
                return kind_of(root, first);
            }
        }
    }
    let (types, nullable): (Vec<InstanceType>, bool) = match &r.instance_type {
        None => (vec![], false),
        Some(SingleOrVec::Single(t)) => (vec![**t], false),
        Some(SingleOrVec::Vec(v)) => (
            v.iter()
                .copied()
                .filter(|t| *t != InstanceType::Null)
                .collect(),
            v.contains(&InstanceType::Null),
        ),
    };
    let type_name = ref_name
        .or_else(|| r.format.clone())
        .unwrap_or_else(|| match types.first() {
            Some(t) => format!("{t:?}").to_lowercase(),
            None => "JSON".into(),
        });
    let kind = match types.first() {
        Some(InstanceType::String) => match &r.enum_values {
            Some(vals) => Kind::Choice(
                vals.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            None => Kind::String,
        },
        Some(InstanceType::Integer) => Kind::Integer,
        Some(InstanceType::Number) => Kind::Number,
        Some(InstanceType::Boolean) => Kind::Bool,
        Some(InstanceType::Array) => {
            let item = r
                .array
                .as_ref()
                .and_then(|a| a.items.as_ref())
                .and_then(|i| match i {
                    SingleOrVec::Single(s) => obj(s),
                    SingleOrVec::Vec(v) => v.first().and_then(obj),
                })
                .map(|o| kind_of(root, o).0)
                .unwrap_or(Kind::Json(vec![]));
            Kind::Array(Box::new(item))
        }
        _ => Kind::Json(vec![]),
    };
    (kind, nullable, type_name)
}

/// Names of the variants of a oneOf (`burn`, `community_pool`, ... or string values).
fn variant_names(root: &RootSchema, one: &[Schema]) -> Vec<String> {
    let mut out = vec![];
    for s in one.iter().filter_map(obj) {
        let s = resolve(root, s);
        if let Some(vals) = &s.enum_values {
            out.extend(vals.iter().filter_map(|v| v.as_str().map(str::to_string)));
        } else if let Some(o) = &s.object {
            out.extend(o.properties.keys().cloned());
        }
    }
    out
}

/// The messages of an enum schema (`ExecuteMsg` or `QueryMsg`).
pub fn specs(root: &RootSchema) -> Vec<MsgSpec> {
    let mut out = vec![];
    let Some(one) = root
        .schema
        .subschemas
        .as_ref()
        .and_then(|s| s.one_of.as_ref())
    else {
        return out;
    };
    for v in one.iter().filter_map(obj) {
        if let Some(vals) = &v.enum_values {
            for name in vals.iter().filter_map(|x| x.as_str()) {
                out.push(MsgSpec {
                    name: name.to_string(),
                    doc: description(v),
                    fields: Some(vec![]),
                    unit: true,
                });
            }
            continue;
        }
        let Some(o) = &v.object else { continue };
        for (name, inner) in &o.properties {
            let Some(inner) = obj(inner) else { continue };
            let body = resolve(root, inner);
            let fields = body.object.as_ref().map(|bo| {
                bo.properties
                    .iter()
                    .filter_map(|(fname, fs)| {
                        let fs = obj(fs)?;
                        let (kind, nullable, type_name) = kind_of(root, fs);
                        Some(Field {
                            name: fname.clone(),
                            // A field without a doc comment borrows its type's, except
                            // cosmwasm-std's number and address types, whose docs are
                            // about Rust (the hint in brackets says what to type).
                            doc: description(fs).or_else(|| {
                                let library = [
                                    "Uint64",
                                    "Uint128",
                                    "Uint256",
                                    "Decimal",
                                    "Decimal256",
                                    "Binary",
                                    "Addr",
                                    "Timestamp",
                                ];
                                if library.contains(&type_name.as_str()) {
                                    None
                                } else {
                                    description(resolve(root, fs))
                                }
                            }),
                            required: bo.required.contains(fname) && !nullable,
                            kind,
                            type_name,
                        })
                    })
                    .collect()
            });
            out.push(MsgSpec {
                name: name.clone(),
                doc: description(v).or_else(|| description(body)),
                fields,
                unit: false,
            });
        }
    }
    out
}

pub fn execute_specs() -> Vec<MsgSpec> {
    specs(&schemars::schema_for!(restake_types::ExecuteMsg))
}

pub fn query_specs() -> Vec<MsgSpec> {
    specs(&schemars::schema_for!(restake_types::QueryMsg))
}

fn first_sentence(doc: &Option<String>) -> String {
    let d = doc.clone().unwrap_or_default();
    let line = d.lines().next().unwrap_or_default().to_string();
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line,
    }
}

/// What a field's value means beyond its JSON type, for the forms people type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Plain,
    /// A `Uint128` of the bonded denom: `1500000`, `1_500_000`, `1.5atom`.
    Amount,
    /// A `Decimal` fraction: `0.05` or `5%`.
    Fraction,
    /// Seconds: `600`, `21d`, `3 days`.
    Duration,
}

fn meaning(f: &Field, kind: &Kind) -> Meaning {
    let t = f.type_name.as_str();
    match kind {
        Kind::String if t.starts_with("Uint") => Meaning::Amount,
        Kind::String if t == "Decimal" => Meaning::Fraction,
        Kind::Integer
            if ["_period", "_delay", "_epoch"]
                .iter()
                .any(|end| f.name.ends_with(end)) =>
        {
            Meaning::Duration
        }
        _ => Meaning::Plain,
    }
}

/// (value name, help text) describing what a field takes.
fn field_hint(f: &Field) -> (String, String) {
    let t = f.type_name.as_str();
    match (&f.kind, meaning(f, &f.kind)) {
        (_, Meaning::Amount) => (
            "AMOUNT".into(),
            "an amount of the bonded denom: 1000000, 1_000_000 or 1.5atom (--denom's display unit)"
                .into(),
        ),
        (_, Meaning::Fraction) => ("FRACTION".into(), "a fraction such as 0.05 or 5%".into()),
        (_, Meaning::Duration) => (
            "DURATION".into(),
            "a duration: seconds, or 21d, 3 days, 12h, 1d12h".into(),
        ),
        (Kind::String, _) => ("TEXT".into(), "text".into()),
        (Kind::Integer, _) => ("N".into(), format!("a whole number ({t})")),
        (Kind::Number, _) => ("NUMBER".into(), "number".into()),
        (Kind::Bool, _) => ("BOOL".into(), "true or false".into()),
        (Kind::Choice(c), _) => (t.to_uppercase(), format!("one of {}", c.join(", "))),
        (Kind::Array(inner), _) => {
            let one = field_hint(&Field {
                kind: (**inner).clone(),
                ..f.clone()
            });
            (
                "LIST".into(),
                format!("comma-separated list (or repeat the flag) of {}", one.1),
            )
        }
        (Kind::Json(v), _) if !v.is_empty() => (
            "JSON".into(),
            format!("JSON, or just the variant name: {}", v.join(", ")),
        ),
        (Kind::Json(_), _) => ("JSON".into(), "JSON".into()),
    }
}

fn msg_command(spec: &MsgSpec, query: bool) -> Command {
    let kebab = spec.name.replace('_', "-");
    let mut c = Command::new(spec.name.clone()).about(first_sentence(&spec.doc));
    if let Some(doc) = &spec.doc {
        c = c.long_about(doc.clone());
    }
    if kebab != spec.name {
        c = c.alias(kebab);
    }
    match &spec.fields {
        Some(fields) => {
            // Required fields first, then the optional ones, each group by name.
            let mut sorted: Vec<&Field> = fields.iter().collect();
            sorted.sort_by_key(|f| (!f.required, f.name.clone()));
            for (i, f) in sorted.into_iter().enumerate() {
                let long = f.name.replace('_', "-");
                let (value_name, hint) = field_hint(f);
                let mut help = f.doc.clone().unwrap_or_default();
                if !help.is_empty() && !help.ends_with('.') {
                    help.push('.');
                }
                let req = if f.required { "required; " } else { "" };
                let help = format!("{help} [{req}{hint}]").trim().to_string();
                let mut a = Arg::new(f.name.clone())
                    .long(long.clone())
                    .value_name(value_name)
                    .help(help)
                    .help_heading("Message fields")
                    .display_order(i)
                    .action(if matches!(f.kind, Kind::Array(_)) {
                        ArgAction::Append
                    } else {
                        ArgAction::Set
                    })
                    .allow_hyphen_values(true);
                if long != f.name {
                    a = a.alias(f.name.clone());
                }
                c = c.arg(a);
            }
        }
        None => {
            c = c.arg(
                Arg::new("value")
                    .value_name("JSON")
                    .help("The message's value: JSON, or a variant name such as accept_ownership")
                    .required(true),
            );
        }
    }
    let what = if query { "query" } else { "execute message" };
    c.after_help(format!(
        "Prints the {what} as JSON, checked by deserialising it into restake_types."
    ))
}

/// The `msg` command with one subcommand per execute message and a `query` subcommand
/// with one per query.
pub fn command() -> Command {
    let mut query = Command::new("query")
        .about("Build a query (wasmd query wasm contract-state smart $HUB '<json>')")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for s in query_specs() {
        query = query.subcommand(msg_command(&s, true));
    }
    let mut c = Command::new("msg")
        .about("Print the JSON of an execute message or a query (derived from the schema)")
        .long_about(
            "Print the exact JSON of an execute message (for `wasmd tx wasm execute $HUB '<json>'`) \
             or of a query (`restake msg query ...`, for `wasmd query wasm contract-state smart $HUB '<json>'`). \
             Messages and fields come from the contract's JSON schema; the result is checked by \
             deserialising it into restake_types::ExecuteMsg / QueryMsg.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("pretty")
                .long("pretty")
                .help("Pretty-print the JSON")
                .action(ArgAction::SetTrue)
                .global(true)
                .display_order(1000),
        )
        .arg(
            Arg::new("wasmd")
                .long("wasmd")
                .help("Print a whole wasmd command line ($HUB stands for the hub's address)")
                .action(ArgAction::SetTrue)
                .global(true)
                .display_order(1000),
        )
        .arg(
            Arg::new("funds")
                .long("funds")
                .value_name("COINS")
                .help("With --wasmd: funds to attach (e.g. 1000000uatom, 1.5atom or 1atom,500uosmo)")
                .global(true)
                .display_order(1000),
        )
        .arg(
            Arg::new("denom")
                .long("denom")
                .value_name("DENOM")
                .default_value("uatom")
                .help("The chain's bonded denom: amounts may be written in its display unit (uatom: 1.5atom, 6 decimals)")
                .global(true)
                .display_order(1000),
        );
    for s in execute_specs() {
        c = c.subcommand(msg_command(&s, false));
    }
    c.subcommand(query)
}

/// Converts one command-line value to the JSON its field asks for, or says in words why it
/// cannot.
fn to_json(f: &Field, kind: &Kind, raw: &str, denom: &str) -> Result<Value, String> {
    let flag = format!("--{}", f.name.replace('_', "-"));
    match (kind, meaning(f, kind)) {
        (_, Meaning::Amount) => units::parse_amount(raw, denom)
            .map(|n| Value::String(n.to_string()))
            .map_err(|e| format!("{flag} {e}")),
        (_, Meaning::Fraction) => parse_decimal(raw)
            .map(|d| Value::String(d.to_string()))
            .map_err(|e| format!("{flag} {e}")),
        (_, Meaning::Duration) => units::parse_duration(raw)
            .map(Value::from)
            .map_err(|e| format!("{flag}: {e}")),
        (Kind::String, _) => Ok(Value::String(raw.to_string())),
        (Kind::Choice(choices), _) => {
            if choices.iter().any(|c| c == raw) {
                Ok(Value::String(raw.to_string()))
            } else {
                Err(format!(
                    "{flag} `{raw}` is not one of {}{}",
                    choices.join(", "),
                    suggest(raw, choices.iter().map(String::as_str))
                ))
            }
        }
        (Kind::Integer, _) => {
            let t: String = raw.trim().chars().filter(|c| *c != '_').collect();
            t.parse::<u64>().map(Value::from).map_err(|_| {
                format!("{flag} `{raw}` is not a whole number (expected e.g. 1 or 1_000)")
            })
        }
        (Kind::Number, _) => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("{flag} `{raw}` is not a number")),
        (Kind::Bool, _) => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{flag} `{raw}` is neither true nor false")),
        },
        (Kind::Array(inner), _) => {
            if raw.trim_start().starts_with('[') {
                return serde_json::from_str::<Value>(raw)
                    .map_err(|_| format!("{flag} `{raw}` starts like a JSON list but is not one"));
            }
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| to_json(f, inner, s, denom))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        (Kind::Json(variants), _) => {
            if let Ok(v) = serde_json::from_str::<Value>(raw) {
                return Ok(v);
            }
            if variants.iter().any(|v| v == raw) {
                let mut m = Map::new();
                m.insert(raw.to_string(), Value::Object(Map::new()));
                return Ok(Value::Object(m));
            }
            if variants.is_empty() {
                Err(format!("{flag} `{raw}` is not JSON"))
            } else {
                Err(format!(
                    "{flag} `{raw}` is neither JSON nor one of {}{}",
                    variants.join(", "),
                    suggest(raw, variants.iter().map(String::as_str))
                ))
            }
        }
    }
}

/// A `Decimal` as people write it: `0.05`, `5%` or `5 %`.
fn parse_decimal(raw: &str) -> Result<Decimal, String> {
    let t = raw.trim();
    let bad = || format!("`{raw}` is not a fraction: expected e.g. 0.05 or 5%");
    match t.strip_suffix('%') {
        Some(p) => Decimal::from_str(p.trim())
            .ok()
            .and_then(|d| d.checked_mul(Decimal::percent(1)).ok())
            .ok_or_else(bad),
        None => Decimal::from_str(t).map_err(|_| bad()),
    }
}

/// Builds the JSON of a message from its matches; a value that does not fit its field is
/// refused in words.
pub fn build(spec: &MsgSpec, m: &ArgMatches) -> Result<Value, String> {
    if spec.unit {
        return Ok(Value::String(spec.name.clone()));
    }
    let denom = m
        .try_get_one::<String>("denom")
        .ok()
        .flatten()
        .cloned()
        .unwrap_or_else(|| "uatom".into());
    let body = match &spec.fields {
        Some(fields) => {
            let mut obj = Map::new();
            for f in fields {
                let Some(values) = m.get_many::<String>(&f.name) else {
                    if f.required {
                        let (value_name, hint) = field_hint(f);
                        let hint = if hint == "text" {
                            String::new()
                        } else {
                            format!(" ({hint})")
                        };
                        return Err(format!(
                            "missing field `{}`: give --{} {value_name}{hint}",
                            f.name,
                            f.name.replace('_', "-")
                        ));
                    }
                    continue;
                };
                let values: Vec<&String> = values.collect();
                let v = match &f.kind {
                    Kind::Array(_) => {
                        let mut all = vec![];
                        for raw in values {
                            match to_json(f, &f.kind, raw, &denom)? {
                                Value::Array(a) => all.extend(a),
                                other => all.push(other),
                            }
                        }
                        Value::Array(all)
                    }
                    k => to_json(
                        f,
                        k,
                        values.last().map(|s| s.as_str()).unwrap_or_default(),
                        &denom,
                    )?,
                };
                obj.insert(f.name.clone(), v);
            }
            Value::Object(obj)
        }
        None => {
            let raw = m.get_one::<String>("value").cloned().unwrap_or_default();
            serde_json::from_str(&raw).unwrap_or(Value::String(raw))
        }
    };
    let mut outer = Map::new();
    outer.insert(spec.name.clone(), body);
    Ok(Value::Object(outer))
}

/// `--funds`: coins separated by commas, each in base units (`500uosmo`) or, for the bonded
/// denom, in its display unit (`1.5atom`).
fn funds(raw: &str, denom: &str) -> Result<String, String> {
    let display = units::display_unit(denom).map(|(sym, _)| sym.to_lowercase());
    let mut out = vec![];
    for coin in raw.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let split = coin
            .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
            .unwrap_or(coin.len());
        let unit = coin[split..].trim();
        if unit.is_empty() {
            return Err(format!(
                "--funds `{coin}` has no denom: write e.g. 1000000{denom}{}",
                display
                    .as_ref()
                    .map(|d| format!(" or 1{d}"))
                    .unwrap_or_default()
            ));
        }
        let bonded = unit == denom || display.as_deref() == Some(&unit.to_lowercase());
        if bonded {
            let n = units::parse_amount(coin, denom).map_err(|e| format!("--funds {e}"))?;
            out.push(format!("{n}{denom}"));
        } else {
            let c: units::CoinAmt = coin.parse().map_err(|e| {
                format!(
                    "--funds {e} (only the bonded denom, {denom}, may be written with decimals)"
                )
            })?;
            out.push(c.to_string());
        }
    }
    Ok(out.join(","))
}

/// Runs `restake msg ...`: returns the text to print, or the error to report.
pub fn run(m: &ArgMatches) -> Result<String, String> {
    let (query, name, sub) = match m.subcommand() {
        Some(("query", q)) => match q.subcommand() {
            Some((n, s)) => (true, n.to_string(), s),
            None => return Err("name a query, e.g. `restake msg query config`".into()),
        },
        Some((n, s)) => (false, n.to_string(), s),
        None => return Err("name a message, e.g. `restake msg deposit --validator V`".into()),
    };
    let specs = if query {
        query_specs()
    } else {
        execute_specs()
    };
    let spec = specs
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("unknown message {name}"))?;
    let invalid = |why: String| format!("invalid `{name}` message: {why}");
    let value = build(spec, sub).map_err(invalid)?;
    let check = if query {
        serde_json::from_value::<restake_types::QueryMsg>(value.clone()).map(|_| ())
    } else {
        serde_json::from_value::<restake_types::ExecuteMsg>(value.clone()).map(|_| ())
    };
    // Every field was checked above; what is left is a value the message type itself
    // refuses (a nested JSON value, for instance).
    check.map_err(|e| invalid(format!("{value} does not fit the message: {e}")))?;
    let json = if m.get_flag("pretty") {
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
    } else {
        serde_json::to_string(&value).map_err(|e| e.to_string())?
    };
    if !m.get_flag("wasmd") {
        return Ok(json);
    }
    let quoted = format!("'{}'", json.replace('\'', "'\\''"));
    Ok(if query {
        format!("wasmd query wasm contract-state smart \"$HUB\" {quoted}")
    } else {
        let denom = m
            .get_one::<String>("denom")
            .cloned()
            .unwrap_or_else(|| "uatom".into());
        let funds = match m.get_one::<String>("funds") {
            Some(f) => format!(" --amount {}", funds(f, &denom).map_err(invalid)?),
            None => String::new(),
        };
        format!("wasmd tx wasm execute \"$HUB\" {quoted}{funds} --from <key> --gas auto --gas-adjustment 2")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_args(args: &[&str]) -> Result<String, String> {
        let m = Command::new("t")
            .subcommand(command())
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        run(m.subcommand_matches("msg").ok_or("no msg")?)
    }

    #[test]
    fn every_message_is_listed() {
        let names: Vec<String> = execute_specs().into_iter().map(|s| s.name).collect();
        for n in [
            "deposit",
            "opt_in",
            "unbond",
            "register_service",
            "receive",
            "update_ownership",
        ] {
            assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
        }
        let q: Vec<String> = query_specs().into_iter().map(|s| s.name).collect();
        for n in [
            "config",
            "position",
            "staker_overview",
            "slash_requests",
            "ownership",
        ] {
            assert!(q.contains(&n.to_string()), "{n} missing from {q:?}");
        }
    }

    #[test]
    fn json_types_follow_the_schema() {
        assert_eq!(
            run_args(&["msg", "deposit", "--validator", "cosmosvaloper1xyz"]).unwrap(),
            r#"{"deposit":{"validator":"cosmosvaloper1xyz"}}"#
        );
        assert_eq!(
            run_args(&["msg", "opt_in", "--validator", "V", "--service-ids", "1,2"]).unwrap(),
            r#"{"opt_in":{"service_ids":[1,2],"validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "opt-in",
                "--validator",
                "V",
                "--service_ids",
                "1",
                "--service-ids",
                "3"
            ])
            .unwrap(),
            r#"{"opt_in":{"service_ids":[1,3],"validator":"V"}}"#
        );
        assert_eq!(
            run_args(&["msg", "unbond", "--validator", "V", "--amount", "1000"]).unwrap(),
            r#"{"unbond":{"amount":"1000","validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "slash",
                "--service-id",
                "2",
                "--validator",
                "V",
                "--fraction",
                "0.05",
                "--evidence",
                "x"
            ])
            .unwrap(),
            r#"{"slash":{"evidence":"x","fraction":"0.05","service_id":2,"validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "update_config",
                "--slash-destination",
                "community_pool"
            ])
            .unwrap(),
            r#"{"update_config":{"slash_destination":{"community_pool":{}}}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "set_service_status",
                "--service-id",
                "1",
                "--status",
                "paused"
            ])
            .unwrap(),
            r#"{"set_service_status":{"service_id":1,"status":"paused"}}"#
        );
        assert_eq!(
            run_args(&["msg", "claim_rewards"]).unwrap(),
            r#"{"claim_rewards":{}}"#
        );
        assert_eq!(
            run_args(&["msg", "update_ownership", "accept_ownership"]).unwrap(),
            r#"{"update_ownership":"accept_ownership"}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "query",
                "position",
                "--staker",
                "A",
                "--validator",
                "V"
            ])
            .unwrap(),
            r#"{"position":{"staker":"A","validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "query",
                "slash_requests",
                "--status",
                "pending",
                "--limit",
                "5"
            ])
            .unwrap(),
            r#"{"slash_requests":{"limit":5,"status":"pending"}}"#
        );
    }

    #[test]
    fn bad_values_fail_with_the_serde_error() {
        let e = run_args(&["msg", "unbond", "--validator", "V", "--amount", "lots"]).unwrap_err();
        assert!(e.contains("invalid `unbond` message"), "{e}");
        let e =
            run_args(&["msg", "opt_in", "--validator", "V", "--service-ids", "one"]).unwrap_err();
        // In words, not the deserializer's `invalid type: string "one"`.
        assert!(
            e.contains("--service-ids `one` is not a whole number"),
            "{e}"
        );
        let e = run_args(&["msg", "deposit"]).unwrap_err();
        assert!(e.contains("missing field `validator`"), "{e}");
        let e = run_args(&[
            "msg",
            "slash",
            "--service-id",
            "1",
            "--validator",
            "V",
            "--fraction",
            "x",
            "--evidence",
            "e",
        ])
        .unwrap_err();
        assert!(e.contains("invalid `slash` message"), "{e}");
        let e = run_args(&["msg", "deposit", "--validatr", "V"]).unwrap_err();
        assert!(e.contains("--validatr"), "{e}");
    }

    #[test]
    fn values_as_scenarios_write_them() {
        // fractions in percent, amounts in the display unit, durations in words
        assert_eq!(
            run_args(&[
                "msg",
                "slash",
                "--service-id",
                "2",
                "--validator",
                "V",
                "--fraction",
                "5%",
                "--evidence",
                "x"
            ])
            .unwrap(),
            r#"{"slash":{"evidence":"x","fraction":"0.05","service_id":2,"validator":"V"}}"#
        );
        assert_eq!(
            run_args(&["msg", "unbond", "--validator", "V", "--amount", "1.5atom"]).unwrap(),
            r#"{"unbond":{"amount":"1500000","validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "unbond",
                "--validator",
                "V",
                "--amount",
                "1_500_000uatom"
            ])
            .unwrap(),
            r#"{"unbond":{"amount":"1500000","validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "unbond",
                "--validator",
                "V",
                "--amount",
                "2.5osmo",
                "--denom",
                "uosmo"
            ])
            .unwrap(),
            r#"{"unbond":{"amount":"2500000","validator":"V"}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "register_service",
                "--name",
                "oracle",
                "--slasher",
                "S",
                "--max-slash",
                "10%",
                "--veto-period",
                "3 days",
                "--opt-out-delay",
                "21d"
            ])
            .unwrap(),
            r#"{"register_service":{"max_slash":"0.1","name":"oracle","opt_out_delay":1814400,"slasher":"S","veto_period":259200}}"#
        );
        assert_eq!(
            run_args(&[
                "msg",
                "distribute_rewards",
                "--service-id",
                "1",
                "--wasmd",
                "--funds",
                "1.5atom,500uosmo"
            ])
            .unwrap(),
            r#"wasmd tx wasm execute "$HUB" '{"distribute_rewards":{"service_id":1}}' --amount 1500000uatom,500uosmo --from <key> --gas auto --gas-adjustment 2"#
        );
    }

    #[test]
    fn bad_input_is_answered_in_words() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["msg", "unbond", "--validator", "V", "--amount", "1.5uatom"],
                "invalid `unbond` message: --amount `1.5uatom`: uatom is the smallest unit, so it takes a whole number",
            ),
            (
                &["msg", "unbond", "--validator", "V", "--amount", "0.0000001atom"],
                "ATOM has 6 decimals, so 0.000001 is the smallest amount",
            ),
            (
                &["msg", "unbond", "--validator", "V", "--amount", "5osmo"],
                "`osmo` is not uatom or atom",
            ),
            (
                &["msg", "unbond", "--validator", "V", "--amount", "lots"],
                "--amount `lots` is not an amount: expected a whole number of uatom (1000000 or 1_000_000) or atom with up to 6 decimals (1.5atom)",
            ),
            (
                &["msg", "slash", "--service-id", "1", "--validator", "V", "--fraction", "x", "--evidence", "e"],
                "--fraction `x` is not a fraction: expected e.g. 0.05 or 5%",
            ),
            (
                &["msg", "update_config", "--max-veto-period", "3 dayz"],
                "--max-veto-period: bad duration `3 dayz`: expected e.g. 600s, 90m, 12h, 3d, 3 days",
            ),
            (
                &["msg", "set_service_status", "--service-id", "1", "--status", "pausd"],
                "--status `pausd` is not one of active, paused, retired (did you mean `paused`?)",
            ),
            (
                &["msg", "update_config", "--slash-destination", "comunity_pool"],
                "(did you mean `community_pool`?)",
            ),
            (
                &["msg", "deposit"],
                "missing field `validator`: give --validator TEXT",
            ),
            (
                &["msg", "distribute_rewards", "--service-id", "1", "--wasmd", "--funds", "0.5osmo"],
                "only the bonded denom, uatom, may be written with decimals",
            ),
        ];
        for (args, want) in cases {
            let e = run_args(args).unwrap_err();
            assert!(e.contains(want), "{args:?}: {e}");
            for internal in ["invalid type", "invalid value", "expected u64", "{\""] {
                assert!(!e.contains(internal), "{args:?}: parser internals in {e}");
            }
        }
    }
}
