//! The scenario file format (YAML, or JSON which is read as YAML) and its parser.
//!
//! Every node that names something keeps its location (`Spanned`), so a problem found
//! after parsing (an unknown staker, a failed expectation) still points at a line and a
//! column of the file.
//!
//! Why one file: it is the file format, one type per YAML node with its parser beside it,
//! so the format reads in one place, as docs/scenarios.md describes it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::units::{CoinAmt, Coins, Dur, Frac, Num, Want};

/// A name with the place it was written.
pub type Name = Spanned<String>;

/// A value that was not written at one place of the file (a key of a map, a single
/// expectation written without a list).
pub fn unplaced<T>(value: T) -> Spanned<T> {
    Spanned::new(
        value,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

/// Where something is in the scenario file (1-based; 0 when unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub line: u64,
    pub col: u64,
}

impl Loc {
    pub fn of<T>(s: &Spanned<T>) -> Loc {
        Loc {
            line: s.referenced.line(),
            col: s.referenced.column(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A title printed above the results.
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub chain: ChainSection,
    /// Overrides of the hub's instantiate message (JSON field names of `InstantiateMsg`).
    pub hub: Option<Spanned<serde_json::Map<String, serde_json::Value>>>,
    /// cw20 tokens: symbol → initial balances (account name → amount).
    #[serde(default)]
    pub tokens: Ordered<BTreeMap<String, Num>>,
    /// Stakers: name → balance, or a group `{count: N, prefix: P, balance: B}`.
    #[serde(default)]
    pub stakers: Ordered<StakerSpec>,
    /// Other accounts (payers, resolvers, a slash destination) with balances.
    #[serde(default)]
    pub accounts: Ordered<Coins>,
    /// Services, registered in this order (the first gets id 1).
    #[serde(default)]
    pub services: Ordered<ServiceDef>,
    /// restake-vault contracts on the hub: name → the vault's instantiate message as JSON
    /// (`hub` defaults to the hub; `"@val1"` is that validator's operator address). Steps
    /// reach a vault with `execute: {contract: NAME, ...}` and `expect: {query, contract}`;
    /// `"@NAME"` is its address.
    #[serde(default)]
    pub vaults: Ordered<serde_json::Map<String, serde_json::Value>>,
    pub steps: Vec<Spanned<StepItem>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSection {
    /// A count (`3`: named val1..val3) or a list of names.
    pub validators: Option<Spanned<Validators>>,
    /// The chain's unbonding time (default 21d); also the hub's `unbonding_period`.
    pub unbonding_time: Option<Dur>,
    /// Native staking reward rate (default 10%; 0 for none).
    pub apr: Option<Frac>,
    /// Validators' commission (default 0).
    pub commission: Option<Frac>,
    /// The bonded denom (default uatom).
    pub denom: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Validators {
    Count(u64),
    Names(Vec<String>),
}

impl<'de> Deserialize<'de> for Validators {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Validators;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of validators or a list of validator names")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Validators, E> {
                if v == 0 || v > 100 {
                    return Err(E::custom(format!(
                        "validators: {v} is not between 1 and 100"
                    )));
                }
                Ok(Validators::Count(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Validators, A::Error> {
                let names = Vec::<String>::deserialize(SeqAccessDeserializer::new(seq))?;
                if names.is_empty() {
                    return Err(de::Error::custom("validators: the list is empty"));
                }
                Ok(Validators::Names(names))
            }
        }
        d.deserialize_any(V)
    }
}

/// A map that keeps the order of its keys and their locations.
#[derive(Debug)]
pub struct Ordered<V>(pub Vec<(Name, Spanned<V>)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(vec![])
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ordered<V>, E> {
                Ok(Ordered(vec![]))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<V>, A::Error> {
                let mut out: Vec<(Name, Spanned<V>)> = vec![];
                while let Some(k) = map.next_key::<Name>()? {
                    if out.iter().any(|(n, _)| n.value == k.value) {
                        return Err(de::Error::custom(format!("`{}` is defined twice", k.value)));
                    }
                    let v = map.next_value::<Spanned<V>>()?;
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_any(Vis(std::marker::PhantomData))
    }
}

/// A staker (or a group of stakers) and its starting balance.
#[derive(Debug, Default)]
pub struct StakerSpec {
    pub balance: Coins,
    /// A group of `count` stakers named `{prefix}1` … `{prefix}{count}`.
    pub count: Option<u32>,
    pub prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StakerFields {
    #[serde(default)]
    balance: Coins,
    count: Option<u32>,
    prefix: Option<String>,
}

impl<'de> Deserialize<'de> for StakerSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StakerSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a balance such as \"10000000uatom\" or {balance: .., count: N, prefix: P}",
                )
            }
            fn visit_unit<E: de::Error>(self) -> Result<StakerSpec, E> {
                Ok(StakerSpec::default())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StakerSpec, E> {
                Ok(StakerSpec {
                    balance: Coins(vec![CoinAmt {
                        amount: v.into(),
                        denom: None,
                    }]),
                    ..Default::default()
                })
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StakerSpec, E> {
                Ok(StakerSpec {
                    balance: Coins::deserialize(de::value::StrDeserializer::<E>::new(s))?,
                    ..Default::default()
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StakerSpec, A::Error> {
                Ok(StakerSpec {
                    balance: Coins::deserialize(SeqAccessDeserializer::new(seq))?,
                    ..Default::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StakerSpec, A::Error> {
                let f = StakerFields::deserialize(MapAccessDeserializer::new(map))?;
                if f.count == Some(0) {
                    return Err(de::Error::custom("count must be at least 1"));
                }
                if f.prefix.is_some() && f.count.is_none() {
                    return Err(de::Error::custom("prefix needs a count"));
                }
                Ok(StakerSpec {
                    balance: f.balance,
                    count: f.count,
                    prefix: f.prefix,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    /// Default 10%.
    pub max_slash: Option<Frac>,
    /// Default 0 (a slash request executes at once).
    pub veto_period: Option<Dur>,
    /// Default: the veto period (the shortest the hub accepts).
    pub opt_out_delay: Option<Dur>,
    /// Reward denoms and cw20 token symbols the service pays in.
    #[serde(default)]
    pub rewards: Option<Spanned<NameList>>,
    /// Default `{name}-slasher`.
    pub slasher: Option<Name>,
    pub resolver: Option<Name>,
    /// Default: the service's name.
    pub admin: Option<Name>,
    pub metadata_uri: Option<String>,
}

/// One name or several: `oracle`, `"oracle, bridge"` or `[oracle, bridge]`.
#[derive(Debug, Clone, Default)]
pub struct NameList(pub Vec<String>);

impl<'de> Deserialize<'de> for NameList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<NameList, E> {
                Ok(NameList(
                    s.split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect(),
                ))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NameList, E> {
                Ok(NameList(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NameList, A::Error> {
                let mut out = vec![];
                while let Some(s) = seq.next_element::<ScalarText>()? {
                    out.push(s.0);
                }
                Ok(NameList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Any scalar read as text (`1` → "1").
#[derive(Debug, Clone)]
pub struct ScalarText(pub String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ScalarText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ScalarText, E> {
                Ok(ScalarText(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------- steps

/// One step: an action, optionally with `expect_error` (the action must fail with an
/// error containing that text) and `note` (printed with the step).
#[derive(Debug)]
pub struct StepItem {
    pub action: Action,
    pub expect_error: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub enum Action {
    Deposit(StakerAmount),
    OptIn(OptArgs),
    OptOut(OptArgs),
    CompleteOptOut(StakerValidator),
    Unbond(StakerAmount),
    ClaimUnbonded(Name),
    ClaimRewards(Name),
    Distribute(DistributeArgs),
    Slash(SlashArgs),
    Veto(SlashRefArgs),
    ExecuteSlash(SlashRefArgs),
    ChainSlash(ChainSlashArgs),
    /// `None`: every validator.
    Sync(Option<Spanned<NameList>>),
    Harvest(Option<Spanned<NameList>>),
    ProcessUnbondings,
    Advance(AdvanceArgs),
    Pause,
    Unpause,
    SetServiceStatus(StatusArgs),
    Execute(ExecuteArgs),
    Expect(Vec<Spanned<Expect>>),
    Repeat(RepeatArgs),
    Note(String),
    Dashboard,
}

/// Every action name, for messages and suggestions.
pub const ACTIONS: &[&str] = &[
    "deposit",
    "opt_in",
    "opt_out",
    "complete_opt_out",
    "unbond",
    "claim_unbonded",
    "claim_rewards",
    "distribute",
    "slash",
    "veto",
    "execute_slash",
    "chain_slash",
    "sync",
    "harvest",
    "process_unbondings",
    "advance",
    "pause",
    "unpause",
    "set_service_status",
    "execute",
    "expect",
    "repeat",
    "note",
    "dashboard",
];

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Deposit(_) => "deposit",
            Action::OptIn(_) => "opt_in",
            Action::OptOut(_) => "opt_out",
            Action::CompleteOptOut(_) => "complete_opt_out",
            Action::Unbond(_) => "unbond",
            Action::ClaimUnbonded(_) => "claim_unbonded",
            Action::ClaimRewards(_) => "claim_rewards",
            Action::Distribute(_) => "distribute",
            Action::Slash(_) => "slash",
            Action::Veto(_) => "veto",
            Action::ExecuteSlash(_) => "execute_slash",
            Action::ChainSlash(_) => "chain_slash",
            Action::Sync(_) => "sync",
            Action::Harvest(_) => "harvest",
            Action::ProcessUnbondings => "process_unbondings",
            Action::Advance(_) => "advance",
            Action::Pause => "pause",
            Action::Unpause => "unpause",
            Action::SetServiceStatus(_) => "set_service_status",
            Action::Execute(_) => "execute",
            Action::Expect(_) => "expect",
            Action::Repeat(_) => "repeat",
            Action::Note(_) => "note",
            Action::Dashboard => "dashboard",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakerAmount {
    pub staker: Name,
    pub validator: Option<Name>,
    pub amount: Spanned<CoinAmt>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptArgs {
    pub staker: Name,
    pub validator: Option<Name>,
    pub services: Spanned<NameList>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakerValidator {
    pub staker: Name,
    pub validator: Option<Name>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StakerOnly {
    staker: Name,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributeArgs {
    pub service: Name,
    /// Native coins and/or cw20 amounts (`500ION`).
    pub amount: Spanned<Coins>,
    /// Who pays (default: the service's admin). Native coins the payer lacks are minted.
    pub from: Option<Name>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashArgs {
    pub service: Name,
    pub validator: Option<Name>,
    pub fraction: Spanned<Frac>,
    pub evidence: Option<String>,
    /// A name later steps can use instead of the slash id.
    pub label: Option<Name>,
    /// Sender (default: the service's slasher).
    pub by: Option<Name>,
}

/// A slash request: its id or a label given to the `slash` step.
#[derive(Debug, Clone)]
pub enum SlashRef {
    Id(u64),
    Label(String),
}

impl fmt::Display for SlashRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlashRef::Id(id) => write!(f, "#{id}"),
            SlashRef::Label(l) => f.write_str(l),
        }
    }
}

impl<'de> Deserialize<'de> for SlashRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SlashRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a slash request id or label")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SlashRef, E> {
                Ok(SlashRef::Id(v))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SlashRef, E> {
                Ok(match s.trim_start_matches('#').parse::<u64>() {
                    Ok(id) => SlashRef::Id(id),
                    Err(_) => SlashRef::Label(s.to_string()),
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashRefArgs {
    pub slash: Spanned<SlashRef>,
    /// Sender (veto: the service's resolver, or the owner; execute_slash: a keeper).
    pub by: Option<Name>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSlashArgs {
    pub validator: Option<Name>,
    pub fraction: Spanned<Frac>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceArgs {
    pub time: Dur,
    /// Run `process_unbondings` every this often while time passes (as a keeper would).
    pub crank: Option<Dur>,
}

/// `advance: 3d` or `advance: {time: 21d, crank: 1d}`.
struct AdvanceValue(AdvanceArgs);

impl<'de> Deserialize<'de> for AdvanceValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AdvanceValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 3d, or {time: 21d, crank: 1d}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AdvanceValue, E> {
                Ok(AdvanceValue(AdvanceArgs {
                    time: Dur(v),
                    crank: None,
                }))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<AdvanceValue, E> {
                let time = crate::units::parse_duration(s).map_err(E::custom)?;
                Ok(AdvanceValue(AdvanceArgs {
                    time: Dur(time),
                    crank: None,
                }))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AdvanceValue, A::Error> {
                AdvanceArgs::deserialize(MapAccessDeserializer::new(map)).map(AdvanceValue)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    pub service: Name,
    pub status: Spanned<String>,
    pub by: Option<Name>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecuteArgs {
    /// Account name or address (default: the hub's owner).
    pub sender: Option<Name>,
    /// A vault of `vaults:` (default: the hub).
    pub contract: Option<Name>,
    /// The contract's execute message as JSON, sent byte for byte.
    pub msg: serde_json::Value,
    #[serde(default)]
    pub funds: Option<Spanned<Coins>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatArgs {
    pub times: u32,
    pub steps: Vec<Spanned<StepItem>>,
}

/// An expectation. Its subject is the first of `staker`, `service`, `slash`,
/// `account`, `validator`, `stats` and `query` present; the other keys are what is
/// checked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub staker: Option<Name>,
    pub service: Option<Name>,
    pub slash: Option<Spanned<SlashRef>>,
    pub account: Option<Name>,
    pub validator: Option<Name>,
    /// Fields of the `stats` query and their expected values (JSON allowed).
    pub stats: Option<BTreeMap<String, serde_json::Value>>,
    /// A raw query (JSON) and the part of its answer that must match.
    pub query: Option<serde_json::Value>,
    /// The contract `query` goes to: a vault of `vaults:` (default: the hub).
    pub contract: Option<Name>,
    pub result: Option<serde_json::Value>,

    // staker (with `validator`: that position)
    pub bonded: Option<Want>,
    pub unbonding: Option<Want>,
    pub claimable: Option<Want>,
    pub max_slash_exposure: Option<Want>,
    pub positions: Option<Want>,
    pub pending_rewards: Option<BTreeMap<String, Want>>,
    pub balance: Option<BTreeMap<String, Want>>,
    pub restaked: Option<BTreeMap<String, Want>>,
    pub services: Option<Spanned<NameList>>,

    // service
    pub total_stake: Option<Want>,
    pub total_slashed: Option<Want>,
    pub rewards_paid: Option<BTreeMap<String, Want>>,
    pub status: Option<Want>,
    pub stake: Option<BTreeMap<String, Want>>,

    // slash request
    pub slashed_amount: Option<Want>,
    pub slashed_bonded: Option<Want>,
    pub slashed_unbonding: Option<Want>,
    pub fraction: Option<Want>,

    // validator
    pub delegation: Option<Want>,
    pub books: Option<Want>,
    pub queued: Option<Want>,
    pub dust: Option<Want>,
    pub pools: Option<Want>,
}

/// One expectation or a list of them.
struct ExpectList(Vec<Spanned<Expect>>);

impl<'de> Deserialize<'de> for ExpectList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ExpectList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an expectation {staker: .., bonded: ..} or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ExpectList, A::Error> {
                let mut out = vec![];
                while let Some(e) = seq.next_element::<Spanned<Expect>>()? {
                    out.push(e);
                }
                Ok(ExpectList(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ExpectList, A::Error> {
                let e = Expect::deserialize(MapAccessDeserializer::new(map))?;
                Ok(ExpectList(vec![unplaced(e)]))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value written either as a short scalar (`claim_rewards: alice`) or in full
/// (`claim_rewards: {staker: alice}`).
enum ShortOr<T> {
    Short(String),
    List(Vec<String>),
    Full(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ShortOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ShortOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name, a list of names or a map")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ShortOr<T>, E> {
                Ok(ShortOr::Short(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ShortOr<T>, E> {
                Ok(ShortOr::Short(s.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ShortOr<T>, A::Error> {
                let mut out = vec![];
                while let Some(s) = seq.next_element::<ScalarText>()? {
                    out.push(s.0);
                }
                Ok(ShortOr::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ShortOr<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(ShortOr::Full)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The arguments of a step, which must be a map: anything else is refused with an
/// example of the step.
struct Args<T>(T);

/// An example of each step that takes a map, for error messages.
pub trait Example {
    const EXAMPLE: &'static str;
}

macro_rules! example {
    ($($t:ty => $e:expr),* $(,)?) => {$(
        impl Example for $t {
            const EXAMPLE: &'static str = $e;
        }
    )*};
}

example! {
    StakerAmount => "{staker: alice, validator: val1, amount: 1000000}",
    OptArgs => "{staker: alice, validator: val1, services: [oracle]}",
    DistributeArgs => "{service: oracle, amount: 1000uosmo}",
    SlashArgs => "{service: oracle, validator: val1, fraction: 5%}",
    ChainSlashArgs => "{validator: val1, fraction: 5%}",
    StatusArgs => "{service: oracle, status: paused}",
    ExecuteArgs => "{sender: alice, msg: {claim_rewards: {}}}",
    RepeatArgs => "{times: 3, steps: [...]}",
}

impl<'de, T: Deserialize<'de> + Example> Deserialize<'de> for Args<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Example> Visitor<'de> for V<T> {
            type Value = Args<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a map such as {}", T::EXAMPLE)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Args<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Args)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

fn respan<T, U>(s: &Spanned<T>, value: U) -> Spanned<U> {
    Spanned::new(value, s.referenced, s.defined)
}

/// " (did you mean `x`?)" when a candidate is close.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn unknown_step<E: de::Error>(name: &str) -> E {
    E::custom(format!(
        "unknown step `{name}`{}; steps are: {}",
        suggest(name, ACTIONS.iter().copied()),
        ACTIONS.join(", ")
    ))
}

fn bare_action<E: de::Error>(name: &str) -> Result<Action, E> {
    Ok(match name {
        "process_unbondings" => Action::ProcessUnbondings,
        "pause" => Action::Pause,
        "unpause" => Action::Unpause,
        "harvest" => Action::Harvest(None),
        "sync" => Action::Sync(None),
        "dashboard" => Action::Dashboard,
        other if ACTIONS.contains(&other) => {
            return Err(E::custom(format!(
                "step `{other}` needs arguments, e.g. `{other}: {{...}}`"
            )))
        }
        other => return Err(unknown_step(other)),
    })
}

/// Reads the value of a step's action key.
fn action_value<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Action, A::Error> {
    fn staker_of<E: de::Error>(v: Spanned<ShortOr<StakerOnly>>, what: &str) -> Result<Name, E> {
        match &v.value {
            ShortOr::Short(s) => Ok(respan(&v, s.clone())),
            ShortOr::Full(f) => Ok(f.staker.clone()),
            ShortOr::List(_) => Err(E::custom(format!(
                "{what}: one staker (or a group), not a list"
            ))),
        }
    }
    fn names(v: Spanned<ShortOr<NameListArg>>) -> Spanned<NameList> {
        match &v.value {
            ShortOr::Short(s) => respan(&v, NameList(vec![s.clone()])),
            ShortOr::List(l) => respan(&v, NameList(l.clone())),
            ShortOr::Full(f) => f.validators.clone(),
        }
    }
    fn slash_ref<E: de::Error>(v: Spanned<ShortOr<SlashRefArgs>>) -> Result<SlashRefArgs, E> {
        match v.value {
            ShortOr::Short(ref s) => {
                let r = SlashRef::deserialize(de::value::StrDeserializer::<E>::new(s))?;
                Ok(SlashRefArgs {
                    slash: respan(&v, r),
                    by: None,
                })
            }
            ShortOr::Full(f) => Ok(f),
            ShortOr::List(_) => Err(E::custom("expected one slash request id or label")),
        }
    }
    Ok(match key {
        "deposit" => Action::Deposit(map.next_value::<Args<_>>()?.0),
        "opt_in" => Action::OptIn(map.next_value::<Args<_>>()?.0),
        "opt_out" => Action::OptOut(map.next_value::<Args<_>>()?.0),
        "complete_opt_out" => {
            let v: Spanned<ShortOr<StakerValidator>> = map.next_value()?;
            Action::CompleteOptOut(match v.value {
                ShortOr::Short(ref s) => StakerValidator {
                    staker: respan(&v, s.clone()),
                    validator: None,
                },
                ShortOr::Full(f) => f,
                ShortOr::List(_) => {
                    return Err(de::Error::custom(
                        "complete_opt_out: one staker (or a group), not a list",
                    ))
                }
            })
        }
        "unbond" => Action::Unbond(map.next_value::<Args<_>>()?.0),
        "claim_unbonded" => Action::ClaimUnbonded(staker_of(map.next_value()?, key)?),
        "claim_rewards" => Action::ClaimRewards(staker_of(map.next_value()?, key)?),
        "distribute" => Action::Distribute(map.next_value::<Args<_>>()?.0),
        "slash" => Action::Slash(map.next_value::<Args<_>>()?.0),
        "veto" => Action::Veto(slash_ref(map.next_value()?)?),
        "execute_slash" => Action::ExecuteSlash(slash_ref(map.next_value()?)?),
        "chain_slash" => Action::ChainSlash(map.next_value::<Args<_>>()?.0),
        "sync" => Action::Sync(map.next_value::<Option<_>>()?.map(names)),
        "harvest" => Action::Harvest(map.next_value::<Option<_>>()?.map(names)),
        "process_unbondings" | "pause" | "unpause" | "dashboard" => {
            map.next_value::<serde::de::IgnoredAny>()?;
            bare_action(key)?
        }
        "advance" => Action::Advance(map.next_value::<AdvanceValue>()?.0),
        "set_service_status" => Action::SetServiceStatus(map.next_value::<Args<_>>()?.0),
        "execute" => Action::Execute(map.next_value::<Args<_>>()?.0),
        "expect" => Action::Expect(map.next_value::<ExpectList>()?.0),
        "repeat" => Action::Repeat(map.next_value::<Args<_>>()?.0),
        other => return Err(unknown_step(other)),
    })
}

/// `harvest: {validators: [..]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameListArg {
    validators: Spanned<NameList>,
}

impl<'de> Deserialize<'de> for StepItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StepItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a step such as `deposit: {staker: alice, amount: 1000000}` or `harvest`",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StepItem, E> {
                Ok(StepItem {
                    action: bare_action(s)?,
                    expect_error: None,
                    note: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StepItem, A::Error> {
                let mut action: Option<Action> = None;
                let mut expect_error = None;
                let mut note = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "expect_error" => {
                            expect_error = Some(map.next_value::<ScalarText>()?.0);
                        }
                        "note" => note = Some(map.next_value::<String>()?),
                        other => {
                            if let Some(a) = &action {
                                return Err(de::Error::custom(format!(
                                    "a step has one action, but this one has `{}` and `{other}` (start a new list item with `-`)",
                                    a.name()
                                )));
                            }
                            action = Some(action_value(other, &mut map)?);
                        }
                    }
                }
                let action = match (action, &note) {
                    (Some(a), _) => a,
                    (None, Some(n)) => Action::Note(n.clone()),
                    (None, None) => {
                        return Err(de::Error::custom(format!(
                            "this step has no action; steps are: {}",
                            ACTIONS.join(", ")
                        )))
                    }
                };
                if expect_error.is_some()
                    && matches!(
                        action,
                        Action::Expect(_) | Action::Note(_) | Action::Repeat(_) | Action::Dashboard
                    )
                {
                    return Err(de::Error::custom(format!(
                        "expect_error does not apply to `{}`",
                        action.name()
                    )));
                }
                Ok(StepItem {
                    action,
                    expect_error,
                    note,
                })
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------- errors

/// A problem located in a scenario file.
#[derive(Debug, Clone)]
pub struct FileError {
    pub file: String,
    pub loc: Loc,
    pub message: String,
    /// The offending line with a caret under the column.
    pub snippet: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.loc.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.loc.line, self.loc.col, self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

/// A scenario file's text, to point at places in it.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub text: String,
}

impl Source {
    pub fn error(&self, loc: Loc, message: impl Into<String>) -> FileError {
        FileError {
            file: self.file.clone(),
            loc,
            message: message.into(),
            snippet: self.snippet(loc),
        }
    }

    /// The lines around `loc` with a caret under the column (annotate-snippets, the
    /// renderer serde-saphyr uses for its own errors).
    pub fn snippet(&self, loc: Loc) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        if loc.line == 0 {
            return String::new();
        }
        let mut start = 0;
        for _ in 1..loc.line {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return String::new(),
            }
        }
        let line_len = self.text[start..]
            .find('\n')
            .unwrap_or(self.text.len() - start);
        let line = &self.text[start..start + line_len];
        // The column counts characters; the span is in bytes.
        let at = line
            .char_indices()
            .nth(loc.col.max(1) as usize - 1)
            .map(|(i, c)| start + i..start + i + c.len_utf8())
            .unwrap_or(start + line_len..start + line_len);
        let report = [Group::with_level(Level::ERROR).element(
            Snippet::source(self.text.as_str())
                .path(self.file.as_str())
                .fold(true)
                .annotation(AnnotationKind::Primary.span(at)),
        )];
        Renderer::plain().render(&report).trim_end().to_string()
    }

    /// Parses the scenario; a bad file gives an error with its line and column.
    pub fn parse(&self) -> Result<Scenario, FileError> {
        serde_saphyr::from_str::<Scenario>(&self.text).map_err(|e| {
            let loc = e
                .location()
                .map(|l| Loc {
                    line: l.line(),
                    col: l.column(),
                })
                .unwrap_or_default();
            let message = e.without_snippet().to_string();
            // The parser puts the place first; we print it ourselves.
            let message = match message.split_once(": ") {
                Some((head, rest)) if head.starts_with("line ") && head.contains("column") => {
                    rest.to_string()
                }
                _ => message,
            };
            let message = message
                .strip_prefix("error: ")
                .map(str::to_string)
                .unwrap_or(message);
            // ... and sometimes last.
            let message = match message.rfind(" at line ") {
                Some(i) if message[i..].contains("column") => message[..i].to_string(),
                _ => message,
            };
            self.error(loc, message)
        })
    }
}

/// Loads and parses a scenario file.
pub fn load(path: &str) -> Result<(Source, Scenario), FileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError {
        file: path.to_string(),
        loc: Loc::default(),
        message: format!("cannot read the file: {e}"),
        snippet: String::new(),
    })?;
    let src = Source {
        file: path.to_string(),
        text,
    };
    let sc = src.parse()?;
    Ok((src, sc))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser counts columns in characters and annotate-snippets takes byte spans: past
    /// a non-ASCII character the caret must still sit under the character meant (as the
    /// hand-drawn snippet had it).
    #[test]
    fn the_caret_counts_characters() {
        let src = Source {
            file: "s.yaml".into(),
            text: "name: x\nsteps: [é, bad]\n".into(),
        };
        let snippet = src.snippet(Loc { line: 2, col: 12 });
        let lines: Vec<&str> = snippet.lines().collect();
        let at = lines.iter().position(|l| l.contains("[é, bad]")).unwrap();
        let chars_before = |l: &str, i: usize| l[..i].chars().count();
        let want = chars_before(lines[at], lines[at].find("bad").unwrap());
        let caret = lines[at + 1];
        assert_eq!(
            caret.find('^').map(|i| chars_before(caret, i)),
            Some(want),
            "{snippet}"
        );
        assert_eq!(src.snippet(Loc { line: 9, col: 1 }), "");
    }

    /// strsim's Levenshtein counts characters, as the hand-written one did: a
    /// transposition costs two and the threshold is at least two.
    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("alcie", ["alice", "bob"]),
            " (did you mean `alice`?)"
        );
        assert_eq!(suggest("bób", ["bob"]), " (did you mean `bob`?)");
        assert_eq!(suggest("zzz", ["alice", "bob"]), "");
    }
}
