//! Human-writable amounts, coins, fractions and durations of scenario files.
//!
//! Every type deserialises from the forms a person would type (`1_000_000`, `"5%"`,
//! `21d`, `1000uosmo`) and refuses anything else with a message that says what was
//! expected; the YAML reader adds the line and column.
//!
//! Why one file: every unit a person writes shares the same number reader and the same
//! error wording, and each type is a few lines on top of them.

use std::fmt;
use std::str::FromStr;

use cosmwasm_std::{Decimal, Decimal256};
use num_format::{Locale, ToFormattedString};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

/// Parses a whole number: `1000000` or `1_000_000`.
pub fn parse_num(s: &str) -> Result<u128, String> {
    let t: String = s.trim().chars().filter(|c| *c != '_').collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "bad amount `{s}`: expected a whole number such as 1000000 or 1_000_000"
        ));
    }
    t.parse::<u128>()
        .map_err(|_| format!("bad amount `{s}`: too large"))
}

/// A whole number of tokens (or any count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Num(pub u128);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number such as 1000000 or \"1_000_000\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v.into()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Num, E> {
                Ok(Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                u128::try_from(v)
                    .map(Num)
                    .map_err(|_| E::custom(format!("bad amount {v}: must not be negative")))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Num, E> {
                u128::try_from(v)
                    .map(Num)
                    .map_err(|_| E::custom(format!("bad amount {v}: must not be negative")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Err(E::custom(format!(
                    "bad amount {v}: expected a whole number of the smallest unit (e.g. uatom)"
                )))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Num, E> {
                parse_num(s).map(Num).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// An amount with an optional denom: `1000000`, `"1000000uatom"`, `"500ION"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoinAmt {
    pub amount: u128,
    /// A native denom or a cw20 token symbol; `None` means the bonded denom.
    pub denom: Option<String>,
}

impl FromStr for CoinAmt {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(s.len());
        let (num, denom) = s.split_at(split);
        if num.is_empty() {
            return Err(format!(
                "bad amount `{s}`: expected a number followed by an optional denom, such as 1000000uatom"
            ));
        }
        let amount = parse_num(num)?;
        let denom = denom.trim();
        if denom.is_empty() {
            return Ok(CoinAmt {
                amount,
                denom: None,
            });
        }
        if !denom
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            || !denom
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
        {
            return Err(format!("bad amount `{s}`: `{denom}` is not a denom"));
        }
        Ok(CoinAmt {
            amount,
            denom: Some(denom.to_string()),
        })
    }
}

impl fmt::Display for CoinAmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom.as_deref().unwrap_or(""))
    }
}

impl<'de> Deserialize<'de> for CoinAmt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CoinAmt;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount such as 1000000 or \"1000000uatom\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CoinAmt, E> {
                Ok(CoinAmt {
                    amount: v.into(),
                    denom: None,
                })
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<CoinAmt, E> {
                Ok(CoinAmt {
                    amount: v,
                    denom: None,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CoinAmt, E> {
                Num::deserialize(de::value::I64Deserializer::<E>::new(v)).map(|n| CoinAmt {
                    amount: n.0,
                    denom: None,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CoinAmt, E> {
                Err(E::custom(format!(
                    "bad amount {v}: expected a whole number of the smallest unit (e.g. uatom)"
                )))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<CoinAmt, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// One or more amounts: `"1000uosmo"`, `"1000uosmo, 50ION"`, `[1000uosmo, 50ION]` or
/// `{uosmo: 1000, ION: 50}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coins(pub Vec<CoinAmt>);

impl<'de> Deserialize<'de> for Coins {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Coins;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "amounts such as \"1000uosmo, 50ION\", a list of them or a map {denom: amount}",
                )
            }
            fn visit_unit<E: de::Error>(self) -> Result<Coins, E> {
                Ok(Coins::default())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Coins, E> {
                Ok(Coins(vec![CoinAmt {
                    amount: v.into(),
                    denom: None,
                }]))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Coins, E> {
                Ok(Coins(vec![CoinAmt {
                    amount: v,
                    denom: None,
                }]))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Coins, E> {
                s.split([',', '+'])
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| p.parse::<CoinAmt>().map_err(E::custom))
                    .collect::<Result<Vec<_>, E>>()
                    .map(Coins)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coins, A::Error> {
                let mut out = vec![];
                while let Some(c) = seq.next_element::<CoinAmt>()? {
                    out.push(c);
                }
                Ok(Coins(out))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Coins, A::Error> {
                let mut out = vec![];
                while let Some(denom) = map.next_key::<String>()? {
                    let Num(amount) = map.next_value()?;
                    out.push(CoinAmt {
                        amount,
                        denom: Some(denom),
                    });
                }
                Ok(Coins(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A fraction: `0.05`, `"0.05"` or `"5%"`, between 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frac(pub Decimal);

pub fn parse_frac(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let d = match t.strip_suffix('%') {
        Some(p) => Decimal::from_str(p.trim())
            .map(|d| d * Decimal::percent(1))
            .map_err(|_| format!("bad fraction `{s}`: expected e.g. 0.05 or 5%")),
        None => Decimal::from_str(t)
            .map_err(|_| format!("bad fraction `{s}`: expected e.g. 0.05 or 5%")),
    }?;
    if d > Decimal::one() {
        return Err(format!("bad fraction `{s}`: must be at most 1 (100%)"));
    }
    Ok(d)
}

impl<'de> Deserialize<'de> for Frac {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Frac;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a fraction such as 0.05 or \"5%\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Frac, E> {
                parse_frac(&v.to_string()).map(Frac).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Frac, E> {
                if !(0.0..=1.0).contains(&v) {
                    return Err(E::custom(format!(
                        "bad fraction {v}: must be between 0 and 1"
                    )));
                }
                parse_frac(&format!("{v}")).map(Frac).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Frac, E> {
                parse_frac(s).map(Frac).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a duration as people write it (humantime): `600s`, `90m`, `12h`, `3d`, `3 days`,
/// `2w`, combinations such as `1d12h` or `1 day 12 hours`, or a bare number of seconds.
/// Whole seconds only (the hub counts seconds).
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    let bad = || {
        format!(
            "bad duration `{s}`: expected e.g. 600s, 90m, 12h, 3d, 3 days, 2w, 1d12h or seconds"
        )
    };
    if t.is_empty() {
        return Err(bad());
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse::<u64>().map_err(|_| bad());
    }
    let d = humantime::parse_duration(&t).map_err(|_| bad())?;
    if d.subsec_nanos() != 0 {
        return Err(format!("bad duration `{s}`: whole seconds only"));
    }
    Ok(d.as_secs())
}

/// Formats seconds the way `parse_duration` reads them (`1d12h`, `0s`).
pub fn fmt_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut left = secs;
    for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
        if left >= unit {
            out.push_str(&format!("{}{name}", left / unit));
            left %= unit;
        }
    }
    out
}

/// `1234567` → `1,234,567`: the one thousands separator of the CLI's text.
pub fn group(n: u128) -> String {
    n.to_formatted_string(&Locale::en)
}

/// `1 validator`, `2 validators`, `1 batch`, `3 batches`.
pub fn count(n: u128, what: &str) -> String {
    if n == 1 {
        return format!("1 {what}");
    }
    let plural = if what.ends_with("ch") || what.ends_with('s') || what.ends_with('x') {
        format!("{what}es")
    } else {
        format!("{what}s")
    };
    format!("{} {plural}", group(n))
}

/// How an asset is shown to people, as the dashboard (`web/src/format.ts`) does: a
/// `u`-prefixed denom is the millionth of its upper-cased rest (`uatom` → ATOM, 6 decimals).
/// Other denoms and cw20 tokens have no display unit here.
pub fn display_unit(denom: &str) -> Option<(String, u32)> {
    let rest = denom.strip_prefix('u')?;
    let ok = (2..=16).contains(&rest.len())
        && rest.starts_with(|c: char| c.is_ascii_lowercase())
        && rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then(|| (rest.to_ascii_uppercase(), 6))
}

/// `1234567` with 6 decimals → `1.234567`; trailing zeros dropped; thousands grouped.
pub fn format_units(n: u128, decimals: u32) -> String {
    let base = 10u128.pow(decimals);
    let (whole, frac) = (n / base, n % base);
    if frac == 0 {
        return group(whole);
    }
    let frac = format!("{frac:0width$}", width = decimals as usize);
    format!("{}.{}", group(whole), frac.trim_end_matches('0'))
}

/// An amount in its base denom, with the display unit beside it when there is one:
/// `1,500,000 uatom (1.5 ATOM)`, `500 ION`.
pub fn fmt_amount(n: u128, denom: &str) -> String {
    match display_unit(denom) {
        Some((sym, dec)) if n > 0 => {
            format!("{} {denom} ({} {sym})", group(n), format_units(n, dec))
        }
        _ => format!("{} {denom}", group(n)),
    }
}

/// A table cell for an amount of `denom` (named in the column's header): `1,500,000 (1.5 ATOM)`.
pub fn amount_cell(n: u128, denom: &str) -> String {
    match display_unit(denom) {
        Some((sym, dec)) if n > 0 => format!("{} ({} {sym})", group(n), format_units(n, dec)),
        _ => group(n),
    }
}

/// Reads an amount of `denom` as people type it: base units (`1500000`, `1_500_000`,
/// `1500000uatom`) or the display unit with its decimals (`1.5atom`, `1.5 ATOM`).
pub fn parse_amount(s: &str, denom: &str) -> Result<u128, String> {
    let t = s.trim();
    let display = display_unit(denom);
    let hint = match &display {
        Some((sym, dec)) => format!(
            "a whole number of {denom} (1000000 or 1_000_000) or {} with up to {dec} decimals (1.5{})",
            sym.to_lowercase(),
            sym.to_lowercase()
        ),
        None => format!("a whole number of {denom} (1000000 or 1_000_000)"),
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1
    {
        return Err(format!("`{s}` is not an amount: expected {hint}"));
    }
    if unit.is_empty() || unit == denom {
        if num.contains('.') {
            return Err(format!(
                "`{s}`: {denom} is the smallest unit, so it takes a whole number (expected {hint})"
            ));
        }
        return parse_num(num).map_err(|_| format!("`{s}` is not an amount: expected {hint}"));
    }
    match display {
        Some((sym, dec)) if unit.eq_ignore_ascii_case(&sym) => {
            let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
            let frac = frac.replace('_', "");
            if frac.len() > dec as usize {
                return Err(format!(
                    "`{s}`: {sym} has {dec} decimals, so {} is the smallest amount",
                    format_units(1, dec)
                ));
            }
            let whole =
                parse_num(whole).map_err(|_| format!("`{s}` is not an amount: expected {hint}"))?;
            let frac_units: u128 = if frac.is_empty() {
                0
            } else {
                format!("{frac:0<width$}", width = dec as usize)
                    .parse()
                    .map_err(|_| format!("`{s}` is not an amount: expected {hint}"))?
            };
            whole
                .checked_mul(10u128.pow(dec))
                .and_then(|w| w.checked_add(frac_units))
                .ok_or_else(|| format!("`{s}` is too large"))
        }
        _ => Err(format!(
            "`{s}`: `{unit}` is not {denom}{}; expected {hint}",
            display
                .as_ref()
                .map(|(sym, _)| format!(" or {}", sym.to_lowercase()))
                .unwrap_or_default()
        )),
    }
}

/// A duration in seconds (see `parse_duration`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dur(pub u64);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 600s, 12h, 3d or 21d")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dur, E> {
                Ok(Dur(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dur, E> {
                u64::try_from(v)
                    .map(Dur)
                    .map_err(|_| E::custom(format!("bad duration {v}: must not be negative")))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Dur, E> {
                parse_duration(s).map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// An expected value: an exact number (`1000`, `"1_000"`), an inclusive range
/// (`"990..1010"`), or any other text (`executed`, `"0.05"`), compared with what a query
/// returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    Exact(u128),
    Range(u128, u128),
    Text(String),
}

impl Want {
    /// Whether `actual` (a query's JSON value, numbers usually as strings) matches.
    pub fn matches_json(&self, actual: &serde_json::Value) -> bool {
        let text = match actual {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Null => "null".into(),
            other => other.to_string(),
        };
        self.matches_text(&text)
    }

    pub fn matches_text(&self, actual: &str) -> bool {
        match self {
            Want::Exact(n) => parse_num(actual).is_ok_and(|a| a == *n),
            Want::Range(lo, hi) => parse_num(actual).is_ok_and(|a| *lo <= a && a <= *hi),
            Want::Text(t) => {
                if t == actual {
                    return true;
                }
                match (Decimal256::from_str(t), Decimal256::from_str(actual)) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                }
            }
        }
    }

    pub fn matches(&self, actual: u128) -> bool {
        self.matches_text(&actual.to_string())
    }
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Want::Exact(n) => write!(f, "{n}"),
            Want::Range(a, b) => write!(f, "{a}..{b}"),
            Want::Text(t) => f.write_str(t),
        }
    }
}

impl FromStr for Want {
    type Err = String;
    fn from_str(s: &str) -> Result<Want, String> {
        if let Ok(n) = parse_num(s) {
            return Ok(Want::Exact(n));
        }
        if let Some((a, b)) = s.split_once("..") {
            let b = b.strip_prefix('=').unwrap_or(b);
            let (lo, hi) = (parse_num(a)?, parse_num(b)?);
            if lo > hi {
                return Err(format!("bad range `{s}`: {lo} is above {hi}"));
            }
            return Ok(Want::Range(lo, hi));
        }
        Ok(Want::Text(s.trim().to_string()))
    }
}

impl<'de> Deserialize<'de> for Want {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Want;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a range such as \"990..1010\", or a text")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Want, E> {
                Ok(Want::Exact(v.into()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Want, E> {
                Ok(Want::Exact(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Want, E> {
                u128::try_from(v)
                    .map(Want::Exact)
                    .map_err(|_| E::custom(format!("bad amount {v}: must not be negative")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Want, E> {
                Ok(Want::Text(format!("{v}")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Want, E> {
                Ok(Want::Text(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Want, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("600s"), Ok(600));
        assert_eq!(parse_duration("3d"), Ok(3 * 86_400));
        assert_eq!(parse_duration("1d12h"), Ok(86_400 + 12 * 3600));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("3x").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("3d4").is_err());
        assert_eq!(fmt_duration(86_400 + 90), "1d1m30s");
        // as people write them (humantime)
        assert_eq!(parse_duration("3 days"), Ok(3 * 86_400));
        assert_eq!(parse_duration("3days"), Ok(3 * 86_400));
        assert_eq!(parse_duration("1h 30m"), Ok(5400));
        assert_eq!(parse_duration("21d"), Ok(21 * 86_400));
        assert_eq!(parse_duration("1 day 12 hours"), Ok(86_400 + 12 * 3600));
        assert_eq!(parse_duration("1_000s"), Ok(1000));
        assert!(parse_duration("3 dayz")
            .unwrap_err()
            .contains("bad duration `3 dayz`"));
        assert!(parse_duration("1500ms")
            .unwrap_err()
            .contains("whole seconds"));
    }

    #[test]
    fn amounts() {
        assert_eq!(
            "1_000uosmo".parse::<CoinAmt>(),
            Ok(CoinAmt {
                amount: 1000,
                denom: Some("uosmo".into())
            })
        );
        assert_eq!("500".parse::<CoinAmt>().map(|c| c.denom), Ok(None));
        assert!("uosmo".parse::<CoinAmt>().is_err());
        assert!("12 3x!".parse::<CoinAmt>().is_err());
        assert_eq!(parse_frac("5%"), Ok(Decimal::percent(5)));
        assert_eq!(parse_frac("0.05"), Ok(Decimal::percent(5)));
        assert!(parse_frac("1.5").is_err());
        assert!(Want::Range(5, 9).matches(7));
        assert!(Want::Text("0.050".into()).matches_text("0.05"));
        assert_eq!("1..=3".parse::<Want>(), Ok(Want::Range(1, 3)));
    }

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(parse_amount("1.5atom", "uatom"), Ok(1_500_000));
        assert_eq!(parse_amount("1.5 ATOM", "uatom"), Ok(1_500_000));
        assert_eq!(parse_amount("2atom", "uatom"), Ok(2_000_000));
        assert_eq!(parse_amount("0.000001atom", "uatom"), Ok(1));
        assert_eq!(parse_amount("1_500_000", "uatom"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000uatom", "uatom"), Ok(1_500_000));
        assert_eq!(parse_amount("3osmo", "uosmo"), Ok(3_000_000));
        let e = parse_amount("0.0000001atom", "uatom").unwrap_err();
        assert!(
            e.contains("ATOM has 6 decimals, so 0.000001 is the smallest amount"),
            "{e}"
        );
        let e = parse_amount("1.5uatom", "uatom").unwrap_err();
        assert!(e.contains("uatom is the smallest unit"), "{e}");
        let e = parse_amount("5osmo", "uatom").unwrap_err();
        assert!(e.contains("`osmo` is not uatom or atom"), "{e}");
        let e = parse_amount("lots", "uatom").unwrap_err();
        assert!(
            e.contains("`lots` is not an amount: expected a whole number of uatom"),
            "{e}"
        );
        assert!(parse_amount("-5", "uatom").is_err());
        assert_eq!(parse_amount("5stake", "stake"), Ok(5));
        assert!(parse_amount("1.5stake", "stake").is_err());
    }

    #[test]
    fn display_units_and_counts() {
        assert_eq!(fmt_amount(1_500_000, "uatom"), "1,500,000 uatom (1.5 ATOM)");
        assert_eq!(fmt_amount(0, "uatom"), "0 uatom");
        assert_eq!(fmt_amount(500, "ION"), "500 ION");
        assert_eq!(
            fmt_amount(
                7,
                "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
            ),
            "7 ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
        );
        assert_eq!(amount_cell(600_000, "uatom"), "600,000 (0.6 ATOM)");
        assert_eq!(display_unit("uosmo"), Some(("OSMO".into(), 6)));
        assert_eq!(display_unit("stake"), None);
        assert_eq!(count(1, "validator"), "1 validator");
        assert_eq!(count(2, "validator"), "2 validators");
        assert_eq!(count(0, "staker"), "0 stakers");
        assert_eq!(count(3, "batch"), "3 batches");
        assert_eq!(count(1_000, "step"), "1,000 steps");
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(
            group(u128::MAX),
            "340,282,366,920,938,463,463,374,607,431,768,211,455"
        );
    }
}
