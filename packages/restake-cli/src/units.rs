//! Human-writable amounts, coins, fractions and durations of scenario files.
//!
//! Every type deserialises from the forms a person would type (`1_000_000`, `"5%"`,
//! `21d`, `1000uosmo`) and refuses anything else with a message that says what was
//! expected; the YAML reader adds the line and column.

use std::fmt;
use std::str::FromStr;

use cosmwasm_std::{Decimal, Decimal256};
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

/// Parses a duration: `600s`, `90m`, `12h`, `3d`, `2w`, combinations such as `1d12h`, or
/// a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let bad =
        || format!("bad duration `{s}`: expected e.g. 600s, 90m, 12h, 3d, 2w, 1d12h or seconds");
    if t.is_empty() {
        return Err(bad());
    }
    if t.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return parse_num(t)
            .ok()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(bad);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if c == '_' || c == ' ' {
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        if num.is_empty() {
            return Err(bad());
        }
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(total)
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
}
