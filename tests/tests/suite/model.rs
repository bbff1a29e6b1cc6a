//! A reference model of restake-hub in plain Rust, written from docs/interface.md, docs/design.md, the
//! README's "Readings we chose" and the v0.2 rules (settlement per delegator account, bounded
//! holds, pool admission, canonical validators), not from the contract's accounting.
//!
//! Where the contract groups stake into pools with shares and reward indexes, the model keeps
//! one record per staker and loops: every position holds its exact amount, a reward payment
//! is split by looping over the stakers opted into the service, a slash loops over the
//! exposed positions and unbondings, a chain slash loops over everything delegated on the
//! validator. Amounts are exact fixed-point numbers with 30 decimals ([`Hp`], a 512-bit
//! integer), so the model itself never rounds in a way that matters.
//!
//! Pools are modelled only as identities: which (validator, service set) groups exist, which
//! hold one of the validator's `max_pools_per_validator` slots, which were evicted. Their
//! contents are always derived from the positions and unbonding entries that name them. The
//! model numbers pools in creation order, as the contract does, so the `pool_id` of every
//! position is compared exactly.
//!
//! The contract rounds (a position's value rounds down, a slash of a pool rounds up once, a
//! share mint rounds down, ...). Every record of the model carries a tolerance: the number of
//! rounding operations it went through (one unit each), and a comparison accepts the
//! contract's value if it is within that tolerance of the exact one (rewards: one unit per
//! payment, plus what the stake tolerance of the position implies for its share).
//!
//! Outcomes the tolerance makes ambiguous (a position whose exact value is 0.4 may be worth 0
//! or 1 in the contract, and an opt-in of it may or may not be refused) are "either": the
//! model accepts both, and follows what the contract did ([`Observed`] carries what it needs:
//! the pools each validator lists, which validators were synced, how many batches are still
//! in flight). Everything else is predicted.
//!
//! Settlement (v0.2). Each validator's returns land in an account of their own, so:
//! - a batch gets what the chain returned for it (a chain slash of its entry in flight
//!   included, even when the hub had nothing left delegated there to detect it);
//! - the batches of one validator decided together (a *cohort*) may share their validator's
//!   shortfall: exactly when they were hit alike, pro rata when no detected slash explains it,
//!   any split (the detected-slash heuristic) when one does — never beyond the cohort's total;
//! - a due batch must settle when the hub looks at its account (a crank whose earliest due
//!   batches include it, or a claim of one of its stakers) if nothing is missing, or a
//!   detected slash explains what is, or a strictly earlier block the hub saw was past the
//!   latest completion among them; otherwise it may wait.
//!
//! Known contract bugs the random run would otherwise hit in every long run are counted in
//! [`Model::known_bugs`] and tolerated unless [`Model::strict`] is set (see the regression
//! tests named after them).
//!
//! Why one file: a reference model is meant to be read as one independent account of the
//! rules, state and transitions side by side, against docs/design.md; split, it would be
//! harder to compare with the design it restates.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use cosmwasm_std::{Coin, Decimal, Uint128, Uint512};
use restake_multitest::Step;
use restake_types::{
    ExecuteMsg, RegisterServiceMsg, ServiceStatus, SlashDestination, SlashStatus, UpdateConfigMsg,
    UpdateServiceMsg,
};

// ---------------------------------------------------------------------------- numbers

/// An exact non-negative amount with 30 decimals (value × 10^30 in 512 bits).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Hp(Uint512);

fn scale() -> Uint512 {
    Uint512::from(Uint128::new(10u128.pow(30)))
}

impl Hp {
    pub fn zero() -> Hp {
        Hp(Uint512::zero())
    }
    pub fn one() -> Hp {
        Hp(scale())
    }
    pub fn int(v: u128) -> Hp {
        Hp(Uint512::from(Uint128::new(v)) * scale())
    }
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
    pub fn floor(&self) -> u128 {
        Uint128::try_from(self.0 / scale())
            .map(|v| v.u128())
            .unwrap_or(u128::MAX)
    }
    pub fn ceil(&self) -> u128 {
        let f = self.floor();
        if Hp::int(f) == *self {
            f
        } else {
            f.saturating_add(1)
        }
    }
    pub fn add(self, o: Hp) -> Hp {
        Hp(self.0 + o.0)
    }
    pub fn sub(self, o: Hp) -> Hp {
        Hp(self.0.saturating_sub(o.0))
    }
    pub fn mul(self, o: Hp) -> Hp {
        Hp(self.0 * o.0 / scale())
    }
    /// self / o (zero when o is zero).
    pub fn div(self, o: Hp) -> Hp {
        if o.is_zero() {
            return Hp::zero();
        }
        Hp(self.0 * scale() / o.0)
    }
    /// self × num / den (zero when den is zero).
    pub fn mul_ratio(self, num: Hp, den: Hp) -> Hp {
        if den.is_zero() {
            return Hp::zero();
        }
        Hp(self.0 * num.0 / den.0)
    }
    pub fn mul_dec(self, d: Decimal) -> Hp {
        Hp(self.0 * Uint512::from(d.atomics()) / Uint512::from(Uint128::new(10u128.pow(18))))
    }
    pub fn dec(d: Decimal) -> Hp {
        Hp::one().mul_dec(d)
    }
    pub fn max(self, o: Hp) -> Hp {
        if self > o {
            self
        } else {
            o
        }
    }
    pub fn min(self, o: Hp) -> Hp {
        if self < o {
            self
        } else {
            o
        }
    }
}

impl std::fmt::Debug for Hp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.floor();
        let frac = self.sub(Hp::int(whole));
        let micro = frac.mul(Hp::int(1_000_000)).floor();
        write!(f, "{whole}.{micro:06}")
    }
}

impl std::iter::Sum for Hp {
    fn sum<I: Iterator<Item = Hp>>(iter: I) -> Hp {
        iter.fold(Hp::zero(), Hp::add)
    }
}

/// True when the contract's integer `c` is within [m − lo, m + hi].
pub fn within(c: u128, m: Hp, lo: u128, hi: u128) -> bool {
    let c = Hp::int(c);
    c.add(Hp::int(lo)) >= m && c <= m.add(Hp::int(hi))
}

/// A condition that certainly holds, may hold (within the model's tolerance), or does not.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tri {
    Yes,
    Maybe,
    No,
}

impl Tri {
    pub fn of(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
    pub fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }
    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }
    pub fn and(self, o: Tri) -> Tri {
        self.not().or(o.not()).not()
    }
    /// Whether an amount with a tolerance is (certainly, maybe, not) at least one unit in the
    /// contract.
    pub fn positive(v: Hp, tol: u128) -> Tri {
        if v >= Hp::int(tol + 1) {
            Tri::Yes
        } else if v.is_zero() && tol == 0 {
            Tri::No
        } else {
            Tri::Maybe
        }
    }
}

// ---------------------------------------------------------------------------- records

/// A reward asset: a native denom or a cw20 token address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssetKey {
    Native(String),
    Cw20(String),
}

#[derive(Clone, Debug)]
pub struct MConfig {
    pub unbonding_period: u64,
    pub unbonding_epoch: u64,
    pub min_deposit: u128,
    pub max_services_per_position: u32,
    pub max_veto_period: u64,
    pub max_reward_assets: u32,
    pub max_pools_per_validator: u32,
    pub slash_destination: SlashDestination,
    pub paused: bool,
}

#[derive(Clone, Debug)]
pub struct MService {
    pub id: u64,
    pub name: String,
    pub admin: String,
    pub slasher: String,
    pub resolver: Option<String>,
    pub max_slash: Decimal,
    pub veto_period: u64,
    pub opt_out_delay: u64,
    pub reward_denoms: Vec<String>,
    pub reward_tokens: Vec<String>,
    pub metadata_uri: Option<String>,
    pub status: ServiceStatus,
    /// Paused by the hub owner: only the owner reactivates it.
    pub owner_paused: bool,
    pub registered_at: u64,
    pub rewards_paid: BTreeMap<AssetKey, u128>,
    pub total_slashed: Hp,
    pub slashed_tol: u128,
}

impl MService {
    fn declares(&self, asset: &AssetKey) -> bool {
        match asset {
            AssetKey::Native(d) => self.reward_denoms.contains(d),
            AssetKey::Cw20(t) => self.reward_tokens.contains(t),
        }
    }
}

/// A staker's bonded stake on one validator.
#[derive(Clone, Debug)]
pub struct MPos {
    /// Exact bonded tokens.
    pub amt: Hp,
    /// Bound on |exact value of the contract's shares − amt|.
    pub tol: u128,
    /// The pool it is in (the model's numbering, which is the contract's).
    pub pool: u64,
    /// Services the stake secures (pending opt-outs included): its pool's.
    pub services: BTreeSet<u64>,
    /// service → ready_at (seconds).
    pub pending: BTreeMap<u64, u64>,
    /// Its pool was evicted and the contract has not converted it yet (it does when the
    /// position is next touched by a message of its owner).
    pub lazy: bool,
}

/// An unbonding entry.
#[derive(Clone, Debug)]
pub struct MEntry {
    pub validator: String,
    pub amt: Hp,
    pub tol: u128,
    /// The pool it left (its claimable stake stays there until claimed).
    pub pool: u64,
    pub services: Vec<u64>,
    pub batch: u64,
}

/// A pool: stake of one validator securing one service set (empty: the plain pool).
#[derive(Clone, Debug)]
pub struct MPool {
    pub id: u64,
    pub validator: String,
    pub services: Vec<u64>,
    /// Holds one of the validator's slots (service pools, from creation until nothing is
    /// left in them or they are evicted).
    pub slot: bool,
    /// Takes new members (its set's current pool).
    pub open: bool,
    /// Evicted (a forced opt-out of its services), ready at this time: until then, and
    /// until no request opened before then holds it, it keeps securing them.
    pub leaving: Option<u64>,
    /// Converted: its bonded stake left its services for the plain pool (its unbondings
    /// in flight keep it listed, and slashable, until they return).
    pub evicted: bool,
    /// Its token/share rate is no longer exactly 1: joins and leaves round.
    pub dirty: bool,
    /// A member was closed with a fraction of a unit the contract may have left in the pool.
    pub residue: bool,
    /// A slash took everything bonded in it: worth exactly nothing, it takes no members.
    pub wiped: bool,
    /// A slash left so little in it that the contract may have stopped taking members (it
    /// does when nothing is left): the next move into its set follows what the contract did.
    pub maybe_closed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BStatus {
    Queued,
    Sent { completion: u64 },
    Settled { completion: u64 },
}

/// How a cohort (batches of one validator decided together) shares what they returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Each gets exactly what the chain returned for it.
    Exact,
    /// Each gets its share of the cohort's return, in proportion to what it expected.
    ProRata,
    /// Any split of the cohort's return (a heuristic the model does not predict).
    Any,
}

#[derive(Clone, Debug)]
pub struct MCohort {
    pub split: Split,
    pub expected: Hp,
    pub returned: Hp,
    /// How far (in tokens) a member's return may be from what the chain returned for it.
    pub slack: Hp,
    /// Members not settled yet (decided, waiting for a message with room).
    pub left: usize,
}

/// A batch of undelegations on one validator (the model's own ids, the contract's order).
#[derive(Clone, Debug)]
pub struct MBatch {
    pub validator: String,
    pub status: BStatus,
    /// Slashed stake riding along (routed when the batch returns).
    pub slashed: Hp,
    /// Tolerance of `slashed` (each slash rounds up per pool).
    pub slashed_tol: u128,
    /// What the chain will return per token sent (< 1 after a chain slash in flight).
    pub chain_mult: Hp,
    /// Chain slashes it met in flight (each rounds its entry down once).
    pub chain_units: u128,
    /// It met a chain slash in flight that the hub has not detected yet (it will, when it
    /// next syncs the validator: something is delegated there).
    pub awaiting_detection: bool,
    /// It met a chain slash in flight that the hub can never detect (nothing was delegated
    /// on the validator).
    pub undetectable: bool,
    /// The detection was so small the hub may have taken it for the chain's share rounding.
    pub explain_maybe: bool,
    /// Pools whose group in this batch has a token rate other than 1.
    pub dirty: BTreeSet<u64>,
    /// The cohort it was decided in.
    pub cohort: Option<u64>,
    /// Decided but not settled yet (the message ran out of room).
    pub decided: bool,
}

impl MBatch {
    pub fn completion(&self) -> Option<u64> {
        match self.status {
            BStatus::Queued => None,
            BStatus::Sent { completion } | BStatus::Settled { completion } => Some(completion),
        }
    }
    pub fn hit(&self) -> bool {
        self.chain_mult < Hp::one()
    }
    /// A detected chain slash explains what it lost in flight.
    pub fn explained(&self) -> Tri {
        if self.undetectable || self.awaiting_detection {
            Tri::No
        } else if self.explain_maybe {
            Tri::Maybe
        } else {
            Tri::Yes
        }
    }
}

#[derive(Clone, Debug)]
pub struct MVal {
    /// The hub has books for it (a deposit went through).
    pub known: bool,
    pub queued: Option<u64>,
    pub last_send: Option<u64>,
    /// A chain slash the hub has not noticed yet: the factor its stake keeps.
    pub pending_chain: Option<Hp>,
    /// Native rewards the chain holds for the hub (observed).
    pub chain_rewards: u128,
    /// Jailed by the chain: no deposits (exits work).
    pub jailed: bool,
    /// The hub's books show no bonded stake on it (observed: decides whether native rewards
    /// go to the stakers or to dust when the model's stake there is within rounding of 0).
    pub bonded_zero: bool,
    /// What the hub's books say it delegates there (observed: a chain slash of a validator
    /// the hub keeps nothing delegated on cannot be detected, whatever the model's rounding).
    pub books: u128,
    /// When a deposit last found it in the bonded set (checked at most hourly).
    pub bonded_seen: Option<u64>,
    /// Its current plain pool.
    pub plain: Option<u64>,
    /// A known contract bug moved a loss between this validator's batches: their amounts are
    /// checked loosely until none of them is in flight.
    pub tainted: bool,
    /// The loss that may have moved between its batches while tainted.
    pub taint_loss: Hp,
}

impl Default for MVal {
    fn default() -> Self {
        MVal {
            known: false,
            queued: None,
            last_send: None,
            pending_chain: None,
            chain_rewards: 0,
            jailed: false,
            bonded_zero: true,
            books: 0,
            bonded_seen: None,
            plain: None,
            tainted: false,
            taint_loss: Hp::zero(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct MSlash {
    pub id: u64,
    pub service_id: u64,
    pub validator: String,
    pub fraction: Decimal,
    pub evidence: String,
    pub status: SlashStatus,
    pub requested_at: u64,
    pub executable_at: u64,
    pub resolved_at: Option<u64>,
    pub slashed_bonded: Hp,
    pub slashed_unbonding: Hp,
    pub tol: u128,
}

/// An amount with its tolerance.
#[derive(Clone, Copy, Debug, Default)]
pub struct Approx {
    pub v: Hp,
    pub tol: u128,
}

impl Approx {
    fn add(&mut self, v: Hp, tol: u128) {
        self.v = self.v.add(v);
        self.tol = self.tol.saturating_add(tol);
    }
}

/// What the model expects of a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    Ok,
    /// Refused with an error containing one of these texts.
    Err(Vec<String>),
    /// Either outcome is acceptable (a rounding ambiguity); refused only with one of these.
    Either(Vec<String>),
}

/// What the harness observed of a successful step (the model checks the amounts before
/// taking them, and follows the contract where its own rounding leaves a choice open).
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub paid_unbonded: u128,
    pub paid_rewards: BTreeMap<AssetKey, u128>,
    /// Validators whose rewards the hub withdrew, or whose chain slash it booked.
    pub synced: BTreeSet<String>,
    /// Per validator, after the step: batches sent and not settled.
    pub in_flight: BTreeMap<String, u32>,
    /// Validators whose queued batch the step sent.
    pub sent: BTreeSet<String>,
    /// Per validator, after the step: tokens in the queued batch.
    pub queued: BTreeMap<String, u128>,
    /// Per validator, after the step: the pools it lists (ids).
    pub pools: BTreeMap<String, Vec<u64>>,
    /// The pool of the sender's position on the step's validator, after the step.
    pub actor_pool: Option<u64>,
    /// Pools the contract has evicted and not converted yet, after the step.
    pub leaving: BTreeSet<u64>,
}

pub struct Env {
    pub bonded_denom: String,
    /// Operator addresses the chain knows.
    pub chain_validators: Vec<String>,
    /// Address validation as the chain's API does it.
    pub valid_addr: Rc<dyn Fn(&str) -> bool>,
    /// Addresses that are contracts (cw20 tokens).
    pub contracts: BTreeSet<String>,
    /// The reward token that can be made to refuse transfers.
    pub hostile: Option<String>,
}

#[derive(Clone)]
pub struct Model {
    /// The message being checked or applied settles a position of its sender whose pool's
    /// forced opt-out completes (or completed unseen): `complete_opt_out` completes it.
    forced_touch: bool,
    pub now: u64,
    pub height: u64,
    pub bonded_denom: String,
    pub chain_validators: Vec<String>,
    pub contracts: BTreeSet<String>,
    valid_addr: Rc<dyn Fn(&str) -> bool>,
    pub hostile: Option<String>,
    pub hostile_reverts: bool,
    pub config: MConfig,
    pub owner: Option<String>,
    pub pending_owner: Option<String>,
    pub services: BTreeMap<u64, MService>,
    pub positions: BTreeMap<(String, String), MPos>,
    pub entries: BTreeMap<(String, u64), MEntry>,
    pub batches: BTreeMap<u64, MBatch>,
    pub pools: BTreeMap<u64, MPool>,
    pub cohorts: BTreeMap<u64, MCohort>,
    pub validators: BTreeMap<String, MVal>,
    pub slashes: BTreeMap<u64, MSlash>,
    /// (staker, asset) → rewards owed, with tolerance.
    pub owed: BTreeMap<(String, AssetKey), Approx>,
    pub next_service_id: u64,
    pub next_unbonding_id: u64,
    pub next_slash_id: u64,
    pub next_pool_id: u64,
    next_batch_id: u64,
    next_cohort_id: u64,
    /// The last block a settlement ran in (height, time) and the time of the one before.
    pub hub_seen: (u64, u64),
    pub hub_earlier: u64,
    pub total_slashed: Approx,
    pub chain_slashed: Approx,
    pub pending_routing: Approx,
    pub burned: Approx,
    pub to_community_pool: Approx,
    /// Slashed tokens sent to each address destination.
    pub to_address: BTreeMap<String, Approx>,
    /// Rewards paid in and out per asset (every asset but the bonded denom must balance).
    pub paid_in: BTreeMap<AssetKey, u128>,
    pub paid_out: BTreeMap<AssetKey, u128>,
    /// Tokens the model gave to nobody (rewards on a validator without bonded stake, etc.).
    pub dust: BTreeMap<AssetKey, Hp>,
    /// Fail on a known contract bug instead of tolerating it.
    pub strict: bool,
    /// How often each known contract bug was met (and tolerated).
    pub known_bugs: BTreeMap<&'static str, u64>,
}

const MAX_NAME_LEN: usize = 64;
const MAX_URI_LEN: usize = 256;
const MAX_EVIDENCE_LEN: usize = 2048;
/// The chain's limit on unbonding entries per (delegator, validator).
const MAX_ENTRIES: usize = 7;
/// Most batches one message settles (INTERFACE: settlement is bounded per message; the rest
/// wait for the next claim or crank, earliest first).
pub const MAX_BATCHES_PER_MESSAGE: usize = 10;
/// A deposit checks the bonded set at most once an hour per validator.
pub const BONDED_CHECK_TTL: u64 = 3600;

/// Known contract bug: `staker_overview` fails ("pool not found") for a staker whose position
/// was the last of an evicted pool not yet converted
/// (`regression_staker_overview_of_a_position_in_an_evicted_pool`).
pub const BUG_OVERVIEW_OF_EVICTED_POSITION: &str = "staker_overview fails after an eviction";

/// Known contract bug: a due batch judged alone, while a later batch of its validator may not
/// have been paid out yet, is settled in full although it returned short; the later batch
/// pays for it (`regression_a_short_batch_judged_alone_is_paid_in_full_by_the_next`).
pub const BUG_SHORT_BATCH_PAID_IN_FULL: &str = "short batch judged alone is paid in full";

/// The one form of a validator operator address the hub keeps: an all-upper-case address is
/// the lower-case one; mixed case (not bech32) is refused.
pub fn canon(v: &str) -> Option<String> {
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let lower = v.bytes().any(|b| b.is_ascii_lowercase());
    if v.is_empty() || v.len() > 128 || (upper && lower) {
        return None;
    }
    if !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(v.to_ascii_lowercase())
}

fn is_valid_denom(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() >= 3
        && b.len() <= 128
        && b[0].is_ascii_alphabetic()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"/:._-".contains(c))
}

fn set_vec(s: &BTreeSet<u64>) -> Vec<u64> {
    s.iter().copied().collect()
}

/// The refusals of one message: reasons that certainly apply and reasons that may apply
/// (within the tolerance of the model).
#[derive(Default, Debug)]
struct Reasons {
    certain: Vec<String>,
    possible: Vec<String>,
}

impl Reasons {
    fn must(&mut self, cond: bool, text: impl Into<String>) {
        if cond {
            self.certain.push(text.into());
        }
    }
    fn may(&mut self, cond: bool, text: impl Into<String>) {
        if cond {
            self.possible.push(text.into());
        }
    }
    /// A condition that is certain, impossible or ambiguous.
    fn tri(&mut self, c: Tri, text: impl Into<String>) {
        match c {
            Tri::Yes => self.certain.push(text.into()),
            Tri::Maybe => self.possible.push(text.into()),
            Tri::No => {}
        }
    }
    fn expect(self) -> Expect {
        if !self.certain.is_empty() {
            let mut all = self.certain;
            all.extend(self.possible);
            Expect::Err(all)
        } else if !self.possible.is_empty() {
            Expect::Either(self.possible)
        } else {
            Expect::Ok
        }
    }
}

/// How a position comes to a pool of a service set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Move {
    /// An opt-in: needs a slot (free, or taken from a smaller evictable pool).
    Join,
    /// A completed opt-out (or a deposit carried out of a wiped pool): never refused.
    Exit,
}

/// Where a move lands.
#[derive(Clone, Debug, PartialEq)]
enum Admit {
    /// The set's existing pool.
    Existing(u64),
    /// A new pool, after evicting `evict` if given.
    New { evict: Option<u64> },
    /// No room for an opt-in.
    Refused,
}

impl Model {
    pub fn new(env: &Env, config: MConfig, owner: &str, now: u64, height: u64) -> Model {
        Model {
            forced_touch: false,
            now,
            height,
            bonded_denom: env.bonded_denom.clone(),
            chain_validators: env.chain_validators.clone(),
            contracts: env.contracts.clone(),
            valid_addr: env.valid_addr.clone(),
            hostile: env.hostile.clone(),
            hostile_reverts: false,
            config,
            owner: Some(owner.to_string()),
            pending_owner: None,
            services: BTreeMap::new(),
            positions: BTreeMap::new(),
            entries: BTreeMap::new(),
            batches: BTreeMap::new(),
            pools: BTreeMap::new(),
            cohorts: BTreeMap::new(),
            validators: env
                .chain_validators
                .iter()
                .map(|v| (v.clone(), MVal::default()))
                .collect(),
            slashes: BTreeMap::new(),
            owed: BTreeMap::new(),
            next_service_id: 0,
            next_unbonding_id: 0,
            next_slash_id: 0,
            next_pool_id: 0,
            next_batch_id: 0,
            next_cohort_id: 0,
            hub_seen: (0, 0),
            hub_earlier: 0,
            total_slashed: Approx::default(),
            chain_slashed: Approx::default(),
            pending_routing: Approx::default(),
            burned: Approx::default(),
            to_community_pool: Approx::default(),
            to_address: BTreeMap::new(),
            paid_in: BTreeMap::new(),
            paid_out: BTreeMap::new(),
            dust: BTreeMap::new(),
            strict: false,
            known_bugs: BTreeMap::new(),
        }
    }

    pub fn val(&self, v: &str) -> MVal {
        self.validators.get(v).cloned().unwrap_or_default()
    }

    fn val_mut(&mut self, v: &str) -> &mut MVal {
        self.validators.entry(v.to_string()).or_default()
    }

    fn is_owner(&self, who: &str) -> bool {
        self.owner.as_deref() == Some(who)
    }

    fn owner_refusal(&self, who: &str) -> Option<String> {
        match &self.owner {
            None => Some("Contract ownership has been renounced".into()),
            Some(o) if o != who => Some("Caller is not the contract's current owner".into()),
            _ => None,
        }
    }

    /// Records a known contract bug: an error in strict mode, counted otherwise.
    fn known_bug(&mut self, bug: &'static str, detail: String) -> Result<(), String> {
        if self.strict {
            return Err(format!("known contract bug ({bug}): {detail}"));
        }
        *self.known_bugs.entry(bug).or_default() += 1;
        Ok(())
    }

    // ------------------------------------------------------------------ derived views

    /// Positions on a validator.
    pub fn positions_on(&self, v: &str) -> Vec<(&(String, String), &MPos)> {
        self.positions
            .iter()
            .filter(|((_, pv), _)| pv == v)
            .collect()
    }

    /// Exact stake securing a service (on one validator or all), with the Σ of tolerances
    /// and the number of positions.
    pub fn service_stake(&self, service: u64, validator: Option<&str>) -> (Approx, u128) {
        let mut a = Approx::default();
        let mut n = 0;
        for ((_, v), p) in &self.positions {
            if p.services.contains(&service) && validator.is_none_or(|x| x == v) {
                a.add(p.amt, p.tol);
                n += 1;
            }
        }
        (a, n)
    }

    /// Whether the hub sees bonded stake of `staker` to vote with: certain when a position
    /// is worth a unit beyond its tolerance on a validator with no unnoticed chain slash,
    /// certainly not when no position is worth a unit even with its tolerance.
    pub fn vote_stake(&self, staker: &str) -> Tri {
        let mut maybe = false;
        for ((s, v), p) in &self.positions {
            if s != staker {
                continue;
            }
            let clear = !p.lazy
                && self
                    .validators
                    .get(v)
                    .is_none_or(|x| x.pending_chain.is_none());
            if clear && p.amt.floor() > p.tol {
                return Tri::Yes;
            }
            if p.amt.ceil() + p.tol >= 1 {
                maybe = true;
            }
        }
        if maybe {
            Tri::Maybe
        } else {
            Tri::No
        }
    }

    pub fn stakers(&self) -> BTreeSet<String> {
        self.positions.keys().map(|(s, _)| s.clone()).collect()
    }

    /// When the entry's batch completes (projected for a queued batch, as `unbondings` shows
    /// it).
    fn ready_at(&self, e: &MEntry) -> u64 {
        let b = &self.batches[&e.batch];
        match b.status {
            BStatus::Queued => {
                let v = self.val(&e.validator);
                let send = match v.last_send {
                    Some(t) => (t + self.config.unbonding_epoch).max(self.now),
                    None => self.now,
                };
                send + self.config.unbonding_period
            }
            BStatus::Sent { completion } | BStatus::Settled { completion } => completion,
        }
    }

    /// (completion time, matured, status name) of an entry as `unbondings` shows it.
    pub fn entry_view(&self, e: &MEntry) -> (u64, bool, &'static str) {
        let b = &self.batches[&e.batch];
        let at = self.ready_at(e);
        match b.status {
            BStatus::Queued => (at, false, "queued"),
            BStatus::Sent { completion } => {
                let m = completion <= self.now;
                (completion, m, if m { "claimable" } else { "unbonding" })
            }
            BStatus::Settled { completion } => (completion, true, "claimable"),
        }
    }

    /// The services an entry's stake secures (none once its pool was converted and is no
    /// longer listed).
    pub fn entry_services(&self, e: &MEntry) -> Vec<u64> {
        if self
            .pools
            .get(&e.pool)
            .is_some_and(|p| p.evicted && !self.pool_unsettled(p.id))
        {
            vec![]
        } else {
            e.services.clone()
        }
    }

    /// Pending rewards of a staker per asset: (exact, tolerance), including native rewards
    /// the chain holds for validators the staker has a position on (the hub harvests them
    /// before paying).
    pub fn pending_rewards(&self, staker: &str) -> BTreeMap<AssetKey, Approx> {
        let mut out: BTreeMap<AssetKey, Approx> = BTreeMap::new();
        for ((s, a), o) in &self.owed {
            if s == staker {
                out.entry(a.clone()).or_default().add(o.v, o.tol);
            }
        }
        let native = AssetKey::Native(self.bonded_denom.clone());
        for (s, v) in self.positions.keys() {
            if s != staker {
                continue;
            }
            let st = self.val(v);
            if st.chain_rewards == 0 || st.bonded_zero {
                continue;
            }
            let members: Vec<(String, Hp, u128)> = self
                .positions_on(v)
                .into_iter()
                .map(|((s, _), p)| (s.clone(), p.amt, p.tol))
                .collect();
            for (s, share, tol) in split(st.chain_rewards, &members) {
                if s == staker {
                    out.entry(native.clone()).or_default().add(share, tol);
                }
            }
        }
        out
    }

    // ------------------------------------------------------------------ slash requests

    fn pending_on<'a>(&'a self, v: &'a str, service: u64) -> impl Iterator<Item = &'a MSlash> {
        self.slashes.values().filter(move |q| {
            q.status == SlashStatus::Pending && q.validator == v && q.service_id == service
        })
    }

    /// A pending request of the service against the validator: stake securing it takes no
    /// newcomers (DESIGN rule 2).
    pub fn is_exposed(&self, v: &str, service: u64) -> bool {
        self.pending_on(v, service).next().is_some()
    }

    /// A pending request of one of `services` against `v` opened strictly before `ready`
    /// holds an exit that became ready then (rule 7).
    pub fn holds(&self, v: &str, services: &[u64], ready: u64) -> bool {
        services
            .iter()
            .any(|s| self.pending_on(v, *s).any(|q| q.requested_at < ready))
    }

    /// A pending request holds the entry: `claim_unbonded` leaves it (the `frozen` of an
    /// unbonding).
    pub fn frozen(&self, e: &MEntry) -> bool {
        self.holds(&e.validator, &self.entry_services(e), self.ready_at(e))
    }

    // ------------------------------------------------------------------ pools

    pub fn pool_members(&self, id: u64) -> Vec<(String, String)> {
        self.positions
            .iter()
            .filter(|(_, p)| p.pool == id)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The pool's bonded stake: Σ of its positions, tolerance Σ (tol + 1).
    pub fn pool_bonded(&self, id: u64) -> Approx {
        let mut a = Approx::default();
        if self.pools.get(&id).is_some_and(|p| p.wiped) {
            return a;
        }
        for p in self.positions.values().filter(|p| p.pool == id) {
            a.add(p.amt, p.tol + 1);
        }
        if self.pools.get(&id).is_some_and(|p| p.residue) {
            a.tol += 1;
        }
        a
    }

    /// The pool has unbonding groups in batches not settled yet.
    fn pool_unsettled(&self, id: u64) -> bool {
        self.entries.values().any(|e| {
            e.pool == id && !matches!(self.batches[&e.batch].status, BStatus::Settled { .. })
        })
    }

    /// The pool has claimable unbondings not claimed yet.
    fn pool_claimable(&self, id: u64) -> bool {
        self.entries.values().any(|e| {
            e.pool == id && matches!(self.batches[&e.batch].status, BStatus::Settled { .. })
        })
    }

    /// Whether the pool's bonded tokens are at least one unit. Its tokens are at least the
    /// Σ of its positions' values (each rounds down) and at most a unit per position more.
    fn pool_holds_tokens(&self, id: u64) -> Tri {
        if self.pools.get(&id).is_some_and(|p| p.wiped) {
            return Tri::No;
        }
        let mut v = Hp::zero();
        let mut tol = 0u128;
        let mut n = 0u128;
        for p in self.positions.values().filter(|p| p.pool == id) {
            v = v.add(p.amt);
            tol += p.tol;
            n += 1;
        }
        let residue = self.pools.get(&id).is_some_and(|p| p.residue);
        if v >= Hp::int(tol + 1) {
            Tri::Yes
        } else if (v.is_zero() && tol == 0 && n == 0 && !residue)
            || v.add(Hp::int(tol + n + u128::from(residue))) < Hp::one()
        {
            Tri::No
        } else {
            Tri::Maybe
        }
    }

    /// Something in the pool can still be slashed or is still owed.
    pub fn pool_live(&self, id: u64) -> Tri {
        if self.pool_unsettled(id) || self.pool_claimable(id) {
            return Tri::Yes;
        }
        self.pool_holds_tokens(id)
    }

    /// New members may join it at its rate (it was not slashed to nothing).
    fn pool_joinable(&self, id: u64) -> Tri {
        let members = self.pool_members(id);
        if members.is_empty() {
            return Tri::Yes;
        }
        if self.pools[&id].wiped {
            return Tri::No;
        }
        self.pool_holds_tokens(id)
    }

    /// The pools the validator lists (what a slash or a chain sync reads), oldest first:
    /// its slotted pools, evicted ones, and converted ones with unbondings in flight.
    pub fn slots(&self, v: &str) -> Vec<u64> {
        self.pools
            .values()
            .filter(|p| p.validator == v && p.slot && (!p.evicted || self.pool_unsettled(p.id)))
            .map(|p| p.id)
            .collect()
    }

    /// The pending opt-outs the contract shows for a position: its own, and its evicted
    /// pool's forced ones (the earlier of the two per service).
    pub fn pending_view(&self, p: &MPos) -> Vec<(u64, u64)> {
        let forced = self.pools.get(&p.pool).and_then(|x| x.leaving);
        p.services
            .iter()
            .filter_map(|s| {
                let own = p.pending.get(s).copied();
                let at = match (own, forced) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }?;
                Some((*s, at))
            })
            .collect()
    }

    /// The pools the `pools` query lists: the slots and the current plain pool.
    pub fn listed_pools(&self, v: &str) -> Vec<u64> {
        let mut out = self.slots(v);
        if let Some(id) = self.val(v).plain {
            out.push(id);
        }
        out.sort();
        out
    }

    /// The set's current pool on the validator.
    fn open_pool(&self, v: &str, services: &[u64]) -> Option<u64> {
        if services.is_empty() {
            return self.val(v).plain;
        }
        self.pools
            .values()
            .find(|p| p.validator == v && p.open && p.services == services)
            .map(|p| p.id)
    }

    fn new_pool(&mut self, v: &str, services: Vec<u64>) -> u64 {
        self.next_pool_id += 1;
        let id = self.next_pool_id;
        let plain = services.is_empty();
        self.pools.insert(
            id,
            MPool {
                id,
                validator: v.to_string(),
                services,
                slot: !plain,
                open: true,
                leaving: None,
                evicted: false,
                dirty: false,
                residue: false,
                wiped: false,
                maybe_closed: false,
            },
        );
        if plain {
            self.val_mut(v).plain = Some(id);
        }
        id
    }

    /// The validator's plain pool, created if it has none that takes members.
    fn plain_pool(&mut self, v: &str, obs: Option<&Observed>) -> u64 {
        if let Some(id) = self.val(v).plain {
            match self.pool_joinable(id) {
                Tri::Yes => return id,
                Tri::No => {}
                Tri::Maybe => {
                    // the contract's current plain pool is listed after the message
                    let listed = obs.map(|o| o.pools.get(v).is_some_and(|l| l.contains(&id)));
                    if listed.unwrap_or(true) {
                        return id;
                    }
                }
            }
            self.close_pool(id);
        }
        self.new_pool(v, vec![])
    }

    fn close_pool(&mut self, id: u64) {
        let p = self.pools.get_mut(&id).unwrap();
        p.open = false;
        let v = p.validator.clone();
        if self.val(&v).plain == Some(id) {
            self.val_mut(&v).plain = None;
        }
    }

    /// After a change to the pool: a pool with nothing left frees its slot and takes no new
    /// members; one slashed to nothing takes no new members.
    fn refresh(&mut self, id: u64, obs: Option<&Observed>) {
        let Some(p) = self.pools.get(&id) else {
            return;
        };
        if p.evicted {
            return;
        }
        let v = p.validator.clone();
        let listed = || obs.map(|o| o.pools.get(&v).is_some_and(|l| l.contains(&id)));
        let live = match self.pool_live(id) {
            Tri::Yes => true,
            Tri::No => false,
            Tri::Maybe => listed().unwrap_or(true),
        };
        if !live {
            self.pools.get_mut(&id).unwrap().slot = false;
            self.close_pool(id);
            return;
        }
        let members = !self.pool_members(id).is_empty();
        match self.pool_joinable(id) {
            Tri::No => self.close_pool(id),
            Tri::Maybe => {
                self.pools.get_mut(&id).unwrap().maybe_closed = true;
                // the contract lists its plain pool only while it takes members
                if self.val(&v).plain == Some(id) && listed() == Some(false) {
                    self.close_pool(id);
                }
            }
            Tri::Yes if members => self.pools.get_mut(&id).unwrap().maybe_closed = false,
            Tri::Yes => {}
        }
    }

    /// Follows the pools the contract lists on `v` where the model's rounding cannot tell
    /// whether a pool still holds anything.
    pub fn follow_listing(&mut self, v: &str, listed: &[u64]) {
        let obs = Observed {
            pools: [(v.to_string(), listed.to_vec())].into_iter().collect(),
            ..Observed::default()
        };
        self.refresh_validator(v, Some(&obs));
    }

    fn refresh_validator(&mut self, v: &str, obs: Option<&Observed>) {
        let ids: Vec<u64> = self
            .pools
            .values()
            .filter(|p| p.validator == v && (p.slot || p.open))
            .map(|p| p.id)
            .collect();
        for id in ids {
            self.refresh(id, obs);
        }
    }

    /// The pool an eviction for a mover bringing `joining` would take: the smallest slotted
    /// pool, if it and every evicted pool still leaving (`leaving`) hold less bonded stake
    /// than the mover brings. `Err` when the model's rounding leaves the choice open.
    fn evictable(&self, v: &str, joining: Approx, leaving: Approx) -> Result<Option<u64>, ()> {
        let mut all: Vec<(u64, Approx)> = vec![];
        for id in self.slots(v) {
            let p = &self.pools[&id];
            if p.evicted || p.leaving.is_some() {
                continue;
            }
            all.push((id, self.pool_bonded(id)));
        }
        let Some(&(best, bt)) = all
            .iter()
            .min_by(|a, b| a.1.v.cmp(&b.1.v).then(a.0.cmp(&b.0)))
        else {
            return Ok(None);
        };
        // the contract's smallest must be the model's: no other may be smaller or equal
        // and older in the contract's integers
        let (b_min, b_max) = int_range(bt);
        for (id, t) in &all {
            if *id == best {
                continue;
            }
            let (t_min, _) = int_range(*t);
            if t_min < b_max || (t_min == b_max && *id < best && b_max != b_min) {
                return Err(());
            }
            if t_min == b_min && b_min == b_max && *id < best {
                return Err(());
            }
        }
        // tokens + leaving < joining, in the contract's integers
        let (l_min, l_max) = int_range(leaving);
        let (j_min, j_max) = int_range(joining);
        if b_max + l_max < j_min {
            Ok(Some(best))
        } else if b_min + l_min >= j_max {
            Ok(None)
        } else {
            Err(())
        }
    }

    /// Where a position bringing `joining` lands when it moves into `services` on `v`
    /// (INTERFACE: pool admission), once the ready evicted pools were converted (see
    /// [`Model::admit`]). `Err` when the model's rounding leaves it open.
    fn admission(
        &self,
        v: &str,
        services: &[u64],
        joining: Approx,
        how: Move,
    ) -> Result<Admit, ()> {
        if let Some(id) = self.open_pool(v, services) {
            match self.pool_joinable(id) {
                _ if self.pools[&id].maybe_closed => return Err(()),
                Tri::Yes => return Ok(Admit::Existing(id)),
                Tri::No => {}
                Tri::Maybe => return Err(()),
            }
        }
        let listed = self.slots(v);
        if listed.iter().any(|id| self.pool_live(*id) == Tri::Maybe) {
            return Err(());
        }
        let max = self.config.max_pools_per_validator as usize;
        if listed.len() < max {
            return Ok(Admit::New { evict: None });
        }
        let slotted = listed
            .iter()
            .filter(|id| !self.pools[id].evicted && self.pools[id].leaving.is_none())
            .count();
        let tail = listed.len() - slotted;
        let mut leaving = Approx::default();
        for id in &listed {
            let p = &self.pools[id];
            if !p.evicted && p.leaving.is_some() {
                let b = self.pool_bonded(*id);
                leaving.add(b.v, b.tol);
            }
        }
        // joins take a free slot, exits also room beyond the slots (2 × the cap); past that
        // both evict a smaller pool while fewer than 2 × the cap are leaving or converted
        let slots = match how {
            Move::Join => max,
            Move::Exit => 2 * max,
        };
        if slotted < slots {
            return Ok(Admit::New { evict: None });
        }
        if tail >= 2 * max {
            return Ok(Admit::Refused);
        }
        Ok(match self.evictable(v, joining, leaving)? {
            Some(victim) => Admit::New {
                evict: Some(victim),
            },
            None => Admit::Refused,
        })
    }

    /// Evicts a pool: a forced opt-out of all its services, ready after the longest of their
    /// opt-out delays (at most the unbonding period). It gives up its slot and takes no
    /// newcomers; its positions stay in it, securing its services, until it converts.
    fn evict(&mut self, victim: u64) {
        let delay = self.pools[&victim]
            .services
            .iter()
            .filter_map(|s| self.services.get(s).map(|x| x.opt_out_delay))
            .max()
            .unwrap_or(0)
            .min(self.config.unbonding_period);
        let ready = self.now + delay;
        let vp = self.pools.get_mut(&victim).unwrap();
        vp.leaving = Some(ready);
        vp.open = false;
    }

    /// Whether the evicted pool's forced opt-out completes now: ready, and held by no
    /// request opened before it became ready.
    fn convertible(&self, id: u64) -> bool {
        let p = &self.pools[&id];
        match p.leaving {
            Some(ready) => {
                !p.evicted && ready <= self.now && !self.holds(&p.validator, &p.services, ready)
            }
            None => false,
        }
    }

    /// Converts every ready evicted pool on `v` (the contract does before admitting a move
    /// on a validator whose list is full).
    fn convert_ready(&mut self, v: &str, obs: Option<&Observed>) {
        for id in self.slots(v) {
            if self.convertible(id) {
                self.convert(id, obs);
            }
        }
    }

    /// The sender's positions a message settles (a vote reads them without writing them).
    fn touched_keys(&self, sender: &str, msg: &ExecuteMsg) -> Vec<(String, String)> {
        match msg {
            ExecuteMsg::Deposit { validator }
            | ExecuteMsg::OptIn { validator, .. }
            | ExecuteMsg::OptOut { validator, .. }
            | ExecuteMsg::CompleteOptOut { validator }
            | ExecuteMsg::WithdrawShares { validator, .. }
            | ExecuteMsg::Unbond { validator, .. } => canon(validator)
                .map(|v| vec![(sender.to_string(), v)])
                .unwrap_or_default(),
            ExecuteMsg::ClaimRewards {} | ExecuteMsg::Vote { .. } => self
                .positions
                .keys()
                .filter(|(s, _)| s == sender)
                .cloned()
                .collect(),
            _ => vec![],
        }
    }

    /// Converts the pools of the positions a message settles (an unbond leaves its pool as
    /// it is); whether any converted.
    pub fn convert_touched(&mut self, keys: &[(String, String)], obs: Option<&Observed>) -> bool {
        let mut any = false;
        for k in keys {
            if let Some(id) = self.positions.get(k).map(|p| p.pool) {
                if self.pools.contains_key(&id) && self.convertible(id) {
                    self.convert(id, obs);
                    any = true;
                }
            }
        }
        any
    }

    /// Completes a forced opt-out: the pool's bonded stake joins the plain pool and stops
    /// securing its services; its positions become plain positions (pending opt-outs
    /// dropped); its unbondings stay with it (slashable while in flight).
    fn convert(&mut self, victim: u64, obs: Option<&Observed>) {
        let v = self.pools[&victim].validator.clone();
        let plain = self.plain_pool(&v, obs);
        let plain_dirty = self.pools[&plain].dirty;
        let victim_dirty = self.pools[&victim].dirty;
        for k in self.pool_members(victim) {
            let p = self.positions.get_mut(&k).unwrap();
            p.pool = plain;
            p.services.clear();
            p.pending.clear();
            p.lazy = true;
            // the pool's value, its conversion to plain shares, their value
            p.tol += 2 + u128::from(plain_dirty) + u128::from(victim_dirty);
        }
        let vp = self.pools.get_mut(&victim).unwrap();
        vp.evicted = true;
        vp.leaving = None;
        vp.open = false;
        if plain_dirty {
            for k in self.pool_members(plain) {
                self.positions.get_mut(&k).unwrap().tol += 1;
            }
        }
        // a plain pool created for nothing is deleted at once
        self.refresh(plain, obs);
    }

    /// Admits a move (see [`Model::admission`]); where the model's rounding leaves it open,
    /// follows what the contract did. Returns the pool joined.
    fn admit(
        &mut self,
        v: &str,
        services: &[u64],
        joining: Approx,
        how: Move,
        obs: Option<&Observed>,
    ) -> Result<u64, String> {
        if services.is_empty() {
            return Ok(self.plain_pool(v, obs));
        }
        if self.open_pool(v, services).is_none()
            && self.slots(v).len() >= self.config.max_pools_per_validator as usize
        {
            self.convert_ready(v, obs);
        }
        let admit = match self.admission(v, services, joining, how) {
            Ok(a) => a,
            Err(()) => {
                let Some(o) = obs else {
                    return Err("admission is ambiguous".into());
                };
                let got = o.actor_pool.unwrap_or(0);
                if Some(got) == self.open_pool(v, services) {
                    Admit::Existing(got)
                } else {
                    // a new pool: with every slot taken, the smallest slotted pool was evicted
                    let slotted: Vec<u64> = self
                        .slots(v)
                        .into_iter()
                        .filter(|id| !self.pools[id].evicted && self.pools[id].leaving.is_none())
                        .collect();
                    let max = self.config.max_pools_per_validator as usize;
                    let slots = if how == Move::Exit { 2 * max } else { max };
                    // the one the contract evicted, if the model cannot tell which
                    let evicted = slotted.iter().copied().find(|id| o.leaving.contains(id));
                    let victim = evicted.or_else(|| {
                        (slotted.len() >= slots)
                            .then(|| {
                                slotted.iter().copied().min_by(|a, b| {
                                    self.pool_bonded(*a)
                                        .v
                                        .cmp(&self.pool_bonded(*b).v)
                                        .then(a.cmp(b))
                                })
                            })
                            .flatten()
                    });
                    Admit::New { evict: victim }
                }
            }
        };
        match admit {
            Admit::Existing(id) => Ok(id),
            Admit::Refused => Err(format!(
                "validator {v} already has {} exposure groups",
                self.config.max_pools_per_validator
            )),
            Admit::New { evict } => {
                if let Some(id) = self.open_pool(v, services) {
                    // the set's pool was slashed to nothing: a fresh one replaces it
                    self.close_pool(id);
                }
                if let Some(victim) = evict {
                    self.evict(victim);
                }
                Ok(self.new_pool(v, services.to_vec()))
            }
        }
    }

    // ------------------------------------------------------------------ groups

    /// A pool's membership changed (a join or a leave): with a token rate other than 1 the
    /// contract rounds, by at most a unit for each member.
    fn touch_pool(&mut self, pool: u64, actor: Option<&(String, String)>) {
        if !self.pools.get(&pool).is_some_and(|p| p.dirty) {
            return;
        }
        for (k, p) in self.positions.iter_mut() {
            if p.pool == pool {
                p.tol += if actor == Some(k) { 2 } else { 1 };
            }
        }
    }

    /// Moves a position to another service set (opt-in, opt-out completion, a deposit out of
    /// a wiped pool): it leaves its pool, then is admitted to the set's pool.
    fn move_position(
        &mut self,
        staker: &str,
        v: &str,
        to: BTreeSet<u64>,
        how: Move,
        obs: Option<&Observed>,
    ) -> Result<(), String> {
        self.move_position_with(staker, v, to, how, obs, None)
    }

    /// [`Model::move_position`], the mover bringing `joining` (default: its own value).
    fn move_position_with(
        &mut self,
        staker: &str,
        v: &str,
        to: BTreeSet<u64>,
        how: Move,
        obs: Option<&Observed>,
        joining: Option<Approx>,
    ) -> Result<(), String> {
        let key = (staker.to_string(), v.to_string());
        let from = self.positions[&key].pool;
        self.touch_pool(from, Some(&key));
        let value = {
            let p = self.positions.get_mut(&key).unwrap();
            if self.pools.get(&from).is_some_and(|x| x.dirty) {
                p.tol += 1;
            }
            p.pool = 0;
            Approx {
                v: p.amt,
                tol: p.tol,
            }
        };
        self.refresh(from, obs);
        let services = set_vec(&to);
        let id = self.admit(v, &services, joining.unwrap_or(value), how, obs)?;
        let kept: BTreeSet<u64> = self.pools[&id].services.iter().copied().collect();
        let p = self.positions.get_mut(&key).unwrap();
        p.pool = id;
        p.services = kept.clone();
        p.pending.retain(|s, _| kept.contains(s));
        self.touch_pool(id, Some(&key));
        self.refresh(id, obs);
        Ok(())
    }

    /// Closes a position the contract closed (its exact value was within the tolerance of
    /// zero); what the model still counted in it is nobody's (and may stay in its pool).
    pub fn close_position(&mut self, staker: &str, v: &str) {
        if let Some(p) = self.positions.remove(&(staker.to_string(), v.to_string())) {
            let k = AssetKey::Native(self.bonded_denom.clone());
            let d = self.dust.get(&k).copied().unwrap_or_default();
            self.dust.insert(k, d.add(p.amt));
            if let Some(pool) = self.pools.get_mut(&p.pool) {
                if !p.amt.is_zero() {
                    pool.residue = true;
                }
            }
        }
    }
}

/// The contract's integer for an exact amount with a tolerance lies in this range.
fn int_range(a: Approx) -> (u128, u128) {
    (
        a.v.sub(Hp::int(a.tol)).ceil(),
        a.v.add(Hp::int(a.tol)).floor(),
    )
}

impl Model {
    // ------------------------------------------------------------------ syncs

    /// Validators whose native rewards the hub withdraws (and whose chain slashing it
    /// notices) when `step` succeeds: (certainly, possibly). A settlement syncs a validator only
    /// when the due batches it looks at came back short, so those are "possibly".
    pub fn sync_set(&self, step: &Step, obs: &Observed) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut must = BTreeSet::new();
        let mut may = BTreeSet::new();
        let Step::Hub { sender, msg, .. } = step else {
            return (must, may);
        };
        match msg {
            ExecuteMsg::Deposit { validator }
            | ExecuteMsg::Unbond { validator, .. }
            | ExecuteMsg::WithdrawShares { validator, .. }
            | ExecuteMsg::SyncValidator { validator } => {
                must.extend(canon(validator));
            }
            ExecuteMsg::ClaimRewards {} => {
                for (s, v) in self.positions.keys() {
                    if s == sender {
                        must.insert(v.clone());
                    }
                }
            }
            ExecuteMsg::Harvest { validators } => match validators {
                Some(list) => must.extend(list.iter().filter_map(|v| canon(v))),
                None => must.extend(
                    self.validators
                        .iter()
                        .filter(|(_, v)| v.known)
                        .map(|(k, _)| k.clone()),
                ),
            },
            ExecuteMsg::Slash {
                service_id,
                validator,
                ..
            } if self
                .services
                .get(service_id)
                .is_some_and(|s| s.veto_period == 0) =>
            {
                must.extend(canon(validator));
            }
            ExecuteMsg::ExecuteSlash { slash_id } => {
                if let Some(r) = self.slashes.get(slash_id) {
                    must.insert(r.validator.clone());
                }
            }
            ExecuteMsg::ProcessUnbondings {} => {
                must.extend(obs.sent.iter().cloned());
                may.extend(self.crank_accounts());
            }
            ExecuteMsg::ClaimUnbonded {} => may.extend(self.claim_accounts(sender)),
            _ => {}
        }
        (must, may)
    }

    /// Native rewards the hub withdrew from `v` (observed on the chain): credited to the stake
    /// bonded on `v` now, pro rata.
    pub fn credit_native(&mut self, v: &str, amount: u128) {
        if amount == 0 {
            return;
        }
        let asset = AssetKey::Native(self.bonded_denom.clone());
        // Nobody bonded on the validator (as the hub's books say: a position worth a
        // fraction of a unit in the model may be worth nothing there): the hub keeps it.
        if self.val(v).bonded_zero {
            let d = self.dust.get(&asset).copied().unwrap_or_default();
            self.dust.insert(asset, d.add(Hp::int(amount)));
            return;
        }
        let members: Vec<(String, Hp, u128)> = self
            .positions_on(v)
            .into_iter()
            .map(|((s, _), p)| (s.clone(), p.amt, p.tol))
            .collect();
        for (s, share, t) in split(amount, &members) {
            self.owed
                .entry((s, asset.clone()))
                .or_default()
                .add(share, t);
        }
    }

    /// The hub notices a chain slash of `v`: everything still delegated there shares it, and
    /// the batches that met it in flight now have their loss explained.
    fn sync(&mut self, v: &str) {
        let Some(keep) = self.val(v).pending_chain else {
            return;
        };
        let books = Hp::int(self.val(v).books);
        self.val_mut(v).pending_chain = None;
        let mut lost = Hp::zero();
        let mut n = 0u128;
        let keys: Vec<(String, String)> = self
            .positions
            .keys()
            .filter(|(_, pv)| pv == v)
            .cloned()
            .collect();
        let mut touched = BTreeSet::new();
        for k in keys {
            let p = self.positions.get_mut(&k).unwrap();
            let after = p.amt.mul(keep);
            lost = lost.add(p.amt.sub(after));
            p.amt = after;
            p.tol += 2;
            n += 1;
            touched.insert(p.pool);
        }
        for id in touched {
            let pool = self.pools.get_mut(&id).unwrap();
            pool.dirty = true;
            if keep.is_zero() {
                pool.wiped = true;
            }
        }
        if let Some(bid) = self.val(v).queued {
            let ids: Vec<(String, u64)> = self
                .entries
                .iter()
                .filter(|(_, e)| e.batch == bid)
                .map(|(k, _)| k.clone())
                .collect();
            for k in ids {
                let e = self.entries.get_mut(&k).unwrap();
                let after = e.amt.mul(keep);
                lost = lost.add(e.amt.sub(after));
                e.amt = after;
                e.tol += 2;
                n += 1;
                let pool = e.pool;
                self.batches.get_mut(&bid).unwrap().dirty.insert(pool);
            }
            let b = self.batches.get_mut(&bid).unwrap();
            let after = b.slashed.mul(keep);
            let l = b.slashed.sub(after);
            b.slashed = after;
            b.slashed_tol += 2;
            self.pending_routing.v = self.pending_routing.v.sub(l);
            self.pending_routing.tol += 2;
            lost = lost.add(l);
            n += 1;
        }
        // the hub's delegated dust shares the loss too: a few units the model cannot see
        self.chain_slashed.add(lost, 2 * n + 4);
        // Detected now: the batches that met the slash in flight have their loss explained
        // (unless it is so small the hub may take it for share rounding).
        let in_flight: Hp = self
            .unsettled(v)
            .iter()
            .map(|id| self.batch_expected(*id).v)
            .sum();
        let loss = Hp::one().sub(keep);
        let clear = books.mul(loss).max(in_flight.mul(loss)) >= Hp::int(4);
        for b in self.batches.values_mut() {
            if b.validator == v && b.awaiting_detection {
                b.awaiting_detection = false;
                b.explain_maybe |= !clear;
            }
        }
    }

    // ------------------------------------------------------------------ unbonding batches

    /// What the hub undelegated (or will) for a batch: its entries and the slashed stake in it.
    fn batch_expected(&self, id: u64) -> Approx {
        let b = &self.batches[&id];
        let mut a = Approx {
            v: b.slashed,
            tol: b.slashed_tol,
        };
        for e in self.entries.values().filter(|e| e.batch == id) {
            a.add(e.amt, e.tol);
        }
        a
    }

    /// The validator's batches sent and not settled, by completion.
    pub fn unsettled(&self, v: &str) -> Vec<u64> {
        let mut out: Vec<(u64, u64)> = self
            .batches
            .iter()
            .filter_map(|(id, b)| match b.status {
                BStatus::Sent { completion } if b.validator == v => Some((completion, *id)),
                _ => None,
            })
            .collect();
        out.sort();
        out.into_iter().map(|(_, id)| id).collect()
    }

    /// The validator's unsettled batches past their completion.
    fn due(&self, v: &str) -> Vec<u64> {
        self.unsettled(v)
            .into_iter()
            .filter(|id| self.batches[id].completion().is_some_and(|c| c <= self.now))
            .collect()
    }

    fn send_due(&self, v: &str) -> bool {
        let st = self.val(v);
        st.queued.is_some()
            && self.unsettled(v).len() < MAX_ENTRIES
            && st
                .last_send
                .is_none_or(|t| self.now >= t + self.config.unbonding_epoch)
    }

    fn try_send(&mut self, v: &str) {
        if !self.send_due(v) {
            return;
        }
        let bid = self.val(v).queued.unwrap();
        let completion = self.now + self.config.unbonding_period;
        self.batches.get_mut(&bid).unwrap().status = BStatus::Sent { completion };
        let now = self.now;
        let st = self.val_mut(v);
        st.queued = None;
        st.last_send = Some(now);
    }

    fn queued_batch(&mut self, v: &str) -> u64 {
        if let Some(b) = self.val(v).queued {
            return b;
        }
        self.next_batch_id += 1;
        let id = self.next_batch_id;
        self.batches.insert(
            id,
            MBatch {
                validator: v.to_string(),
                status: BStatus::Queued,
                slashed: Hp::zero(),
                slashed_tol: 0,
                chain_mult: Hp::one(),
                chain_units: 0,
                awaiting_detection: false,
                undetectable: false,
                explain_maybe: false,
                dirty: BTreeSet::new(),
                cohort: None,
                decided: false,
            },
        );
        self.val_mut(v).queued = Some(id);
        id
    }

    // ------------------------------------------------------------------ settlement

    /// A settlement notes the block: the time of an earlier block the hub saw is certain
    /// to be past.
    fn observe_block(&mut self) {
        if self.height > self.hub_seen.0 {
            self.hub_earlier = self.hub_earlier.max(self.hub_seen.1);
            self.hub_seen = (self.height, self.now);
        }
    }

    /// The accounts a crank settles: the validators of the hub's earliest due batches.
    pub fn crank_accounts(&self) -> Vec<String> {
        let mut due: Vec<(u64, u64, String)> = self
            .batches
            .iter()
            .filter_map(|(id, b)| match b.status {
                BStatus::Sent { completion } if completion <= self.now => {
                    Some((completion, *id, b.validator.clone()))
                }
                _ => None,
            })
            .collect();
        due.sort();
        let mut out: Vec<String> = vec![];
        for (_, _, v) in due.into_iter().take(MAX_BATCHES_PER_MESSAGE) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The accounts a claim settles: the claimer's own (validators of its unbondings sent and
    /// not settled), in the order of its unbondings.
    pub fn claim_accounts(&self, staker: &str) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for ((s, _), e) in &self.entries {
            if s == staker
                && matches!(self.batches[&e.batch].status, BStatus::Sent { .. })
                && !out.contains(&e.validator)
            {
                out.push(e.validator.clone());
            }
        }
        out
    }

    /// The batch returned less than it expected (a chain slash met it in flight).
    fn short(&self, id: u64) -> Tri {
        if !self.batches[&id].hit() {
            return Tri::No;
        }
        let e = self.batch_expected(id);
        Tri::positive(e.v, e.tol)
    }

    /// What a look at the validator's account finds: batches decided earlier (settled first),
    /// the due batches to decide now, and whether the hub must decide them now.
    fn plan(&self, v: &str) -> Plan {
        let due = self.due(v);
        let decided: Vec<u64> = due
            .iter()
            .copied()
            .filter(|id| self.batches[id].decided)
            .collect();
        let d: Vec<u64> = due
            .iter()
            .copied()
            .filter(|id| !self.batches[id].decided)
            .collect();
        let certain = d.last().is_some_and(|id| {
            self.batches[id].completion().unwrap_or(u64::MAX) <= self.hub_earlier
        });
        let must = if self.val(v).tainted {
            if certain {
                Tri::Yes
            } else {
                Tri::Maybe
            }
        } else {
            let mut short = Tri::No;
            let mut explained = Tri::Yes;
            for id in &d {
                let s = self.short(*id);
                short = short.or(s);
                if s != Tri::No {
                    let e = self.batches[id].explained();
                    explained = explained.and(if s == Tri::Maybe { e.or(Tri::Maybe) } else { e });
                }
            }
            short.not().or(explained).or(Tri::of(certain))
        };
        Plan { decided, d, must }
    }

    /// Batches a settlement of `accounts` certainly settles, and those it may settle.
    pub fn predict_settled(&self, accounts: &[String]) -> (BTreeSet<u64>, BTreeSet<u64>) {
        let mut sure = BTreeSet::new();
        let mut maybe = BTreeSet::new();
        let (mut lo_used, mut hi_used) = (0usize, 0usize);
        for v in accounts {
            let p = self.plan(v);
            let lo_room = MAX_BATCHES_PER_MESSAGE.saturating_sub(hi_used);
            let hi_room = MAX_BATCHES_PER_MESSAGE.saturating_sub(lo_used);
            let nd_lo = p.decided.len().min(lo_room);
            let nd_hi = p.decided.len().min(hi_room);
            sure.extend(p.decided[..nd_lo].iter().copied());
            maybe.extend(p.decided[..nd_hi].iter().copied());
            let n_lo = if p.must == Tri::Yes {
                p.d.len().min(lo_room - nd_lo)
            } else {
                0
            };
            let n_hi = p.d.len().min(hi_room - nd_hi);
            sure.extend(p.d[..n_lo].iter().copied());
            maybe.extend(p.d[..n_hi].iter().copied());
            lo_used += nd_lo + n_lo;
            hi_used += nd_hi + n_hi;
        }
        maybe.extend(sure.iter().copied());
        (sure, maybe)
    }

    /// Settles what the contract settled of `accounts` (observed: how many batches of each
    /// validator are still in flight), checking it against the rules: decided batches
    /// first, a prefix of the due ones, all of them when the hub must decide them (the
    /// liveness rule), and what each cohort's batches get.
    fn settle_scope(&mut self, accounts: &[String], obs: &Observed) -> Result<(), String> {
        let mut used = 0usize;
        let all: Vec<String> = self.validators.keys().cloned().collect();
        for v in &all {
            if accounts.contains(v) {
                continue;
            }
            let k = self.settled_now(v, obs)?;
            if k > 0 {
                return Err(format!(
                    "{k} batches of {v} settled, although the message does not settle its account"
                ));
            }
        }
        for v in accounts {
            let k = self.settled_now(v, obs)?;
            let room = MAX_BATCHES_PER_MESSAGE.saturating_sub(used);
            let p = self.plan(v);
            let nd = p.decided.len().min(room);
            if k < nd {
                return Err(format!(
                    "{v}: {} batches were decided earlier, {nd} should settle now, {k} did",
                    p.decided.len()
                ));
            }
            for &id in &p.decided[..nd] {
                self.settle_batch(id);
            }
            let kd = k - nd;
            let room = room - nd;
            if kd > p.d.len().min(room) {
                return Err(format!(
                    "{v}: {kd} batches settled, but only {} are due and {room} fit in the message",
                    p.d.len()
                ));
            }
            if p.must == Tri::Yes && kd < p.d.len().min(room) {
                return Err(format!(
                    "liveness: {v} has {} due batches the hub can settle now (nothing missing, a detected slash explains it, or an earlier block was past their completion), but {kd} settled",
                    p.d.len().min(room)
                ));
            }
            if kd > 0 {
                let whole = kd == p.d.len() || (kd == room && p.must != Tri::No);
                let members: Vec<u64> = if whole {
                    p.d.clone()
                } else {
                    p.d[..kd].to_vec()
                };
                if !whole && members.iter().any(|id| self.short(*id) != Tri::No) {
                    // Judged apart from a later due batch whose return it cannot tell from its own.
                    let lost: Hp = members
                        .iter()
                        .map(|id| {
                            let e = self.batch_expected(*id).v;
                            e.sub(e.mul(self.batches[id].chain_mult))
                        })
                        .sum();
                    self.known_bug(
                        BUG_SHORT_BATCH_PAID_IN_FULL,
                        format!(
                            "{v}: batches {members:?} settled alone although they lost {lost:?} in flight, while later due batches {:?} wait",
                            &p.d[kd..]
                        ),
                    )?;
                    self.taint(v);
                }
                let cohort = self.new_cohort(v, &members);
                for (i, id) in members.iter().enumerate() {
                    self.batches.get_mut(id).unwrap().cohort = Some(cohort);
                    if i < kd {
                        self.settle_batch(*id);
                    } else {
                        self.batches.get_mut(id).unwrap().decided = true;
                    }
                }
            }
            used += k;
        }
        Ok(())
    }

    /// How many batches of `v` the observed message settled.
    fn settled_now(&self, v: &str, obs: &Observed) -> Result<usize, String> {
        let before = self.unsettled(v).len() + usize::from(obs.sent.contains(v));
        let after = obs.in_flight.get(v).copied().unwrap_or(0) as usize;
        before.checked_sub(after).ok_or_else(|| {
            format!("{v}: {after} batches in flight after the message, the model knows {before}")
        })
    }

    /// A known bug moved a loss between the validator's batches: from now on until none is in
    /// flight, any split of their returns is accepted.
    fn taint(&mut self, v: &str) {
        let loss: Hp = self
            .unsettled(v)
            .iter()
            .map(|id| {
                let e = self.batch_expected(*id).v;
                e.sub(e.mul(self.batches[id].chain_mult))
            })
            .sum();
        let st = self.val_mut(v);
        st.tainted = true;
        st.taint_loss = st.taint_loss.max(loss);
    }

    fn untaint(&mut self) {
        let vals: Vec<String> = self.validators.keys().cloned().collect();
        for v in vals {
            if self.val(&v).tainted && self.unsettled(&v).is_empty() {
                let st = self.val_mut(&v);
                st.tainted = false;
                st.taint_loss = Hp::zero();
            }
        }
    }

    /// Batches of one validator decided together: how they share what they returned.
    fn new_cohort(&mut self, v: &str, members: &[u64]) -> u64 {
        let mut expected = Hp::zero();
        let mut returned = Hp::zero();
        let mut mults = BTreeSet::new();
        let mut unexplained_only = true;
        for id in members {
            let e = self.batch_expected(*id).v;
            let b = &self.batches[id];
            expected = expected.add(e);
            returned = returned.add(e.mul(b.chain_mult));
            if !e.is_zero() {
                mults.insert(b.chain_mult);
            }
            if self.short(*id) != Tri::No && b.explained() != Tri::No {
                unexplained_only = false;
            }
        }
        let st = self.val(v);
        let split = if st.tainted {
            Split::Any
        } else if mults.len() <= 1 {
            Split::Exact
        } else if unexplained_only {
            Split::ProRata
        } else {
            Split::Any
        };
        let mut slack = expected.sub(returned);
        if st.tainted {
            slack = slack.max(st.taint_loss);
        }
        self.next_cohort_id += 1;
        let id = self.next_cohort_id;
        self.cohorts.insert(
            id,
            MCohort {
                split,
                expected,
                returned,
                slack,
                left: members.len(),
            },
        );
        id
    }

    /// Tolerance of settlement statistics while cohorts that may split their return any way
    /// (or tainted validators) are not completely settled.
    pub fn settlement_slack(&self) -> u128 {
        let cohorts: u128 = self
            .cohorts
            .values()
            .filter(|c| c.left > 0 && c.split == Split::Any)
            .map(|c| c.slack.ceil())
            .sum();
        let taints: u128 = self
            .validators
            .values()
            .filter(|v| v.tainted)
            .map(|v| v.taint_loss.ceil())
            .sum();
        cohorts + taints
    }

    /// Settles one batch: its entries become claimable with what the batch got, its slashed
    /// stake is routed.
    fn settle_batch(&mut self, id: u64) {
        let Some(cid) = self.batches[&id].cohort else {
            unreachable!("batch {id} settles outside a cohort");
        };
        let c = self.cohorts[&cid].clone();
        let expected = self.batch_expected(id).v;
        let b = self.batches[&id].clone();
        let mult = match c.split {
            Split::ProRata if !c.expected.is_zero() => c.returned.div(c.expected).min(Hp::one()),
            _ => b.chain_mult,
        };
        let extra = |amount: Hp| -> u128 {
            match c.split {
                Split::Any if !expected.is_zero() => c.slack.mul_ratio(amount, expected).ceil() + 1,
                Split::Any => c.slack.ceil() + 1,
                Split::ProRata => 2,
                Split::Exact => 0,
            }
        };
        let Some(completion) = b.completion() else {
            unreachable!("batch {id} settles before it was sent");
        };
        let mut n = 0u128;
        let mut touched = BTreeSet::new();
        for e in self.entries.values_mut().filter(|e| e.batch == id) {
            let before = e.amt;
            e.amt = before.mul(mult);
            // scaling, merging into the claimable group, the entry's share of it, the chain's
            // rounding of each slash it met
            e.tol += 4 + b.chain_units + extra(before);
            n += 1;
            touched.insert(e.pool);
        }
        let routed = b.slashed.mul(mult);
        self.pending_routing.v = self.pending_routing.v.sub(b.slashed);
        self.pending_routing.tol += 1;
        self.route(routed, b.slashed_tol + 2 + b.chain_units + extra(b.slashed));
        let lost = expected.sub(expected.mul(mult));
        if !lost.is_zero() || b.hit() {
            self.chain_slashed.add(lost, n + 2 + b.chain_units);
        }
        let bm = self.batches.get_mut(&id).unwrap();
        bm.status = BStatus::Settled { completion };
        bm.decided = false;
        self.cohorts.get_mut(&cid).unwrap().left -= 1;
        for pool in touched {
            self.refresh(pool, None);
        }
    }

    fn route(&mut self, amount: Hp, tol: u128) {
        match self.config.slash_destination.clone() {
            SlashDestination::Burn {} => self.burned.add(amount, tol),
            SlashDestination::CommunityPool {} => self.to_community_pool.add(amount, tol),
            SlashDestination::Address { address } => {
                self.to_address.entry(address).or_default().add(amount, tol)
            }
        }
    }
}

/// What a look at a validator's account finds.
struct Plan {
    /// Batches decided by an earlier message, settled first.
    decided: Vec<u64>,
    /// Due batches to decide now, by completion.
    d: Vec<u64>,
    /// Whether the hub must decide all of them now.
    must: Tri,
}

impl Model {
    // ------------------------------------------------------------------ expectations

    /// What the hub must do with `step`. `underfunded`: its sender lacks what it sends (the
    /// bank or the token refuses), which the harness sees and the model does not.
    pub fn expect(&self, step: &Step, underfunded: bool) -> Expect {
        let mut r = Reasons::default();
        match step {
            Step::DistributeCw20 {
                token,
                amount,
                service_id,
                ..
            } => {
                let hostile = self.hostile.as_ref() == Some(token);
                r.must(*amount == 0 && !hostile, "Invalid zero amount");
                r.must(
                    underfunded,
                    if hostile {
                        "insufficient token balance"
                    } else {
                        "Cannot Sub"
                    },
                );
                self.reward_refusals(
                    &mut r,
                    *service_id,
                    &[(AssetKey::Cw20(token.clone()), *amount)],
                );
            }
            Step::Hub { sender, msg, funds } => {
                r.must(underfunded, "Cannot Sub");
                r.may(
                    funds.iter().any(|c| c.amount.is_zero()),
                    "Cannot transfer empty coins amount",
                );
                let payable = matches!(
                    msg,
                    ExecuteMsg::Deposit { .. } | ExecuteMsg::DistributeRewards { .. }
                );
                r.must(
                    !payable && !funds.is_empty(),
                    "this message does not accept funds",
                );
                let keys = match msg {
                    ExecuteMsg::Unbond { .. } => vec![],
                    _ => self.touched_keys(sender, msg),
                };
                let converts = keys.iter().any(|k| {
                    self.positions.get(k).is_some_and(|p| {
                        self.pools.contains_key(&p.pool) && self.convertible(p.pool)
                    })
                });
                let lazy = keys
                    .iter()
                    .any(|k| self.positions.get(k).is_some_and(|p| p.lazy));
                if converts || lazy {
                    let mut m = self.clone();
                    m.convert_touched(&keys, None);
                    m.forced_touch = true;
                    m.hub_refusals(&mut r, sender, msg, funds);
                } else {
                    self.hub_refusals(&mut r, sender, msg, funds);
                }
            }
            // chain events and a token's switch: nothing is asked of the hub
            _ => return Expect::Ok,
        }
        r.expect()
    }

    fn reward_refusals(&self, r: &mut Reasons, service_id: u64, payments: &[(AssetKey, u128)]) {
        let Some(s) = self.services.get(&service_id) else {
            r.must(true, format!("service {service_id} not found"));
            return;
        };
        for (asset, amount) in payments {
            r.must(
                s.status != ServiceStatus::Active,
                "it accepts no reward payments",
            );
            r.must(
                !s.declares(asset),
                format!("is not a reward asset of service {service_id}"),
            );
            r.must(*amount == 0, "reward amount must be greater than zero");
        }
        let (stake, _) = self.service_stake(service_id, None);
        let none = if stake.v.is_zero() {
            Tri::Yes
        } else if stake.v <= Hp::int(stake.tol + 1) {
            Tri::Maybe
        } else {
            Tri::No
        };
        r.tri(none, format!("no stake is opted into service {service_id}"));
    }

    /// Whether the position's value is (certainly, maybe, not) zero once `keep` of it is left.
    fn value_zero(&self, staker: &str, v: &str, keep: Hp) -> Tri {
        match self.positions.get(&(staker.to_string(), v.to_string())) {
            None => Tri::Yes,
            Some(p) => {
                let amt = p.amt.mul(keep);
                if amt.is_zero() || self.pools.get(&p.pool).is_some_and(|x| x.wiped) {
                    Tri::Yes
                } else if amt < Hp::int(p.tol + 2) {
                    Tri::Maybe
                } else {
                    Tri::No
                }
            }
        }
    }

    /// Whether a slash request of `service` on `v` finds (certainly, maybe, not) nothing to
    /// slash: no live stake there (bonded, or unbonding and unclaimed) secures the service.
    fn nothing_to_slash(&self, service: u64, v: &str) -> Tri {
        let mut out = Tri::Yes;
        for id in self.slots(v) {
            if !self.pools[&id].services.contains(&service) {
                continue;
            }
            match self.pool_live(id) {
                Tri::Yes => return Tri::No,
                Tri::Maybe => out = Tri::Maybe,
                Tri::No => {}
            }
        }
        out
    }

    fn valid(&self, addr: &str) -> bool {
        (self.valid_addr)(addr)
    }

    fn asset_refusals(
        &self,
        r: &mut Reasons,
        assets: &mut Vec<AssetKey>,
        denoms: &Option<Vec<String>>,
        tokens: &Option<Vec<String>>,
    ) {
        let mut new = vec![];
        for d in denoms.iter().flatten() {
            r.must(!is_valid_denom(d), "invalid denom");
            new.push(AssetKey::Native(d.clone()));
        }
        for t in tokens.iter().flatten() {
            r.must(!self.valid(t), "invalid reward_tokens");
            new.push(AssetKey::Cw20(t.clone()));
        }
        for a in new {
            r.must(assets.contains(&a), "duplicate reward asset");
            assets.push(a);
        }
        r.must(
            assets.len() > self.config.max_reward_assets as usize,
            format!(
                "a service may declare at most {} reward assets",
                self.config.max_reward_assets
            ),
        );
    }

    /// Takes `a` out of the sender's position on `v` (an unbond, a share withdrawal): the
    /// pool's members round when its rate is not 1; a position left with nothing closes.
    /// Returns the pool it was in.
    fn take_from_position(&mut self, sender: &str, v: &str, a: Hp) -> u64 {
        let key = (sender.to_string(), v.to_string());
        let pool = self.positions[&key].pool;
        self.touch_pool(pool, Some(&key));
        let dirty = self.pools.get(&pool).is_some_and(|x| x.dirty);
        let p = self.positions.get_mut(&key).unwrap();
        p.amt = p.amt.sub(a);
        if dirty {
            p.tol += 1;
        }
        if p.amt.is_zero() {
            self.positions.remove(&key);
        }
        pool
    }

    /// Whether `amount` is above what the position is worth once the hub has synced its
    /// validator (certainly, maybe, not).
    fn above_value(&self, p: &MPos, v: &str, amount: u128) -> Tri {
        let keep = self.val(v).pending_chain.unwrap_or(Hp::one());
        let value = if self.pools.get(&p.pool).is_some_and(|x| x.wiped) {
            Hp::zero()
        } else {
            p.amt.mul(keep)
        };
        let tol = Hp::int(p.tol + 3);
        let a = Hp::int(amount);
        if a > value.add(tol) {
            Tri::Yes
        } else if a.add(tol) > value {
            Tri::Maybe
        } else {
            Tri::No
        }
    }

    fn hub_refusals(&self, r: &mut Reasons, sender: &str, msg: &ExecuteMsg, funds: &[Coin]) {
        let cfg = &self.config;
        let check_ids = |r: &mut Reasons, ids: &[u64]| {
            r.must(ids.is_empty(), "service_ids must not be empty");
            let mut seen = BTreeSet::new();
            for id in ids {
                r.must(!seen.insert(*id), format!("duplicate service id {id}"));
            }
        };
        let owner_only = |r: &mut Reasons| {
            if let Some(e) = self.owner_refusal(sender) {
                r.must(true, e);
                true
            } else {
                false
            }
        };
        match msg {
            ExecuteMsg::Proxy { .. } => {
                r.must(
                    true,
                    "only a delegator proxy of the hub runs proxy messages",
                );
            }
            ExecuteMsg::Vote {
                option, weighted, ..
            } => {
                r.must(!funds.is_empty(), "this message does not accept funds");
                match (option, weighted) {
                    (Some(_), None) => {}
                    (None, Some(list)) => {
                        r.must(list.is_empty(), "weighted must not be empty");
                        r.must(
                            list.iter().any(|w| w.weight.is_zero()),
                            "every weight must be greater than 0",
                        );
                        let mut seen = BTreeSet::new();
                        for w in list {
                            r.must(
                                !seen.insert(format!("{:?}", w.option)),
                                format!("duplicate vote option {:?}", w.option),
                            );
                        }
                        let sum: Decimal = list.iter().map(|w| w.weight).sum();
                        r.must(
                            !list.is_empty() && sum != Decimal::one(),
                            "weights must sum to exactly 1",
                        );
                    }
                    _ => r.must(true, "give exactly one of option and weighted"),
                }
                // Proposals, the open-votes cap and the chain's refusals are the governance
                // model's (`model_gov::GovRef::expect_vote`). A split the hub can tell rounds
                // to nothing on every validator is refused before it is sent.
                let stake = self.vote_stake(sender);
                r.tri(stake.not(), "no bonded stake in the hub to vote with");
                if weighted.as_ref().is_some_and(|l| l.len() > 1) && stake != Tri::No {
                    r.tri(Tri::Maybe, "counts for nothing on the chain");
                }
            }
            ExecuteMsg::Deposit { validator } => {
                r.must(cfg.paused, "paused");
                r.must(funds.is_empty(), "No funds sent");
                r.must(funds.len() > 1, "Sent more than one denomination");
                let mut amount = 0;
                if let [c] = funds {
                    if c.denom == self.bonded_denom {
                        amount = c.amount.u128();
                        r.must(
                            c.amount.u128() < cfg.min_deposit,
                            "is below the minimum deposit",
                        );
                    } else if let Some((of, _)) = c.denom.rsplit_once('/').filter(|(of, id)| {
                        // x/liquid's `{valoper}/{record id}`
                        of.contains("valoper1")
                            && !id.is_empty()
                            && id.bytes().all(|b| b.is_ascii_digit())
                    }) {
                        // tokenized shares (x/liquid) of the validator, worth their tokens
                        // (the world tokenizes only on validators the chain never slashed)
                        r.must(
                            canon(of) != canon(validator),
                            "are tokenized shares of another validator",
                        );
                        r.must(c.amount.is_zero(), "shares must be greater than zero");
                        amount = c.amount.u128();
                        r.must(
                            amount < cfg.min_deposit && !c.amount.is_zero(),
                            "is below the minimum deposit",
                        );
                    } else {
                        r.must(
                            true,
                            format!("Must send reserve token '{}'", self.bonded_denom),
                        );
                    }
                }
                let Some(v) = canon(validator) else {
                    r.must(true, "invalid validator");
                    return;
                };
                let st = self.val(&v);
                // the bonded set is read at most once an hour per validator
                let check = !st.known
                    || st
                        .bonded_seen
                        .is_none_or(|t| self.now >= t + BONDED_CHECK_TTL);
                r.must(
                    check && (!self.chain_validators.contains(&v) || st.jailed),
                    "is not a bonded validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), v.clone())) {
                    // a position slashed to nothing moves with the deposit into a fresh pool
                    // of its services (an exit: it may lose them when no room is left)
                    let services: Option<Vec<u64>> = match self.pool_joinable(p.pool) {
                        Tri::Yes => Some(set_vec(&p.services)),
                        _ => {
                            let mut m = self.clone();
                            let joining = Approx {
                                v: p.amt.add(Hp::int(amount)),
                                tol: p.tol,
                            };
                            let key = (sender.to_string(), v.clone());
                            m.move_position_with(
                                sender,
                                &v,
                                p.services.clone(),
                                Move::Exit,
                                None,
                                Some(joining),
                            )
                            .ok()
                            .map(|_| set_vec(&m.positions[&key].services))
                        }
                    };
                    match services {
                        Some(s) => r.must(
                            s.iter().any(|x| self.is_exposed(&v, *x)),
                            "is frozen by a pending slash request",
                        ),
                        None => r.may(
                            p.services.iter().any(|x| self.is_exposed(&v, *x)),
                            "is frozen by a pending slash request",
                        ),
                    }
                }
            }
            ExecuteMsg::OptIn {
                validator,
                service_ids,
            } => {
                check_ids(r, service_ids);
                r.must(cfg.paused, "paused");
                for id in service_ids {
                    match self.services.get(id) {
                        None => r.must(true, format!("service {id} not found")),
                        Some(s) => r.must(
                            s.status != ServiceStatus::Active,
                            format!("service {id} is {}", s.status),
                        ),
                    }
                }
                let Some(v) = canon(validator) else {
                    r.must(true, "invalid validator");
                    return;
                };
                r.tri(
                    self.value_zero(sender, &v, Hp::one()),
                    "you have no position on validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), v.clone())) {
                    let mut set = p.services.clone();
                    let mut added = false;
                    for id in service_ids {
                        if p.pending.contains_key(id) {
                            continue;
                        }
                        r.must(
                            p.services.contains(id),
                            format!("already secures service {id}"),
                        );
                        added |= set.insert(*id);
                    }
                    r.must(
                        set.len() > cfg.max_services_per_position as usize,
                        format!(
                            "a position may secure at most {} services",
                            cfg.max_services_per_position
                        ),
                    );
                    r.must(
                        added && set.iter().any(|s| self.is_exposed(&v, *s)),
                        "is frozen by a pending slash request",
                    );
                    // a new service set needs a pool: a free slot, or an evictable smaller pool
                    let known_services =
                        service_ids.iter().all(|id| self.services.contains_key(id));
                    if added
                        && known_services
                        && set.len() <= cfg.max_services_per_position as usize
                    {
                        let mut m = self.clone();
                        let full = match m.move_position(sender, &v, set, Move::Join, None) {
                            Ok(()) => Tri::No,
                            Err(e) if e.contains("exposure groups") => Tri::Yes,
                            Err(_) => Tri::Maybe,
                        };
                        r.tri(full, "exposure groups");
                    }
                }
            }
            ExecuteMsg::OptOut {
                validator,
                service_ids,
            } => {
                check_ids(r, service_ids);
                let Some(v) = canon(validator) else {
                    r.must(true, "invalid validator");
                    return;
                };
                r.tri(
                    self.value_zero(sender, &v, Hp::one()),
                    "you have no position on validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), v.clone())) {
                    for id in service_ids {
                        r.must(
                            !self.services.contains_key(id),
                            format!("service {id} not found"),
                        );
                        r.must(
                            !p.services.contains(id),
                            format!("does not secure service {id}"),
                        );
                        r.must(
                            p.pending.contains_key(id),
                            format!("an opt-out of service {id} is already pending"),
                        );
                    }
                }
            }
            ExecuteMsg::CompleteOptOut { validator } => {
                let Some(v) = canon(validator) else {
                    r.must(true, "invalid validator");
                    return;
                };
                r.tri(
                    self.value_zero(sender, &v, Hp::one()),
                    "you have no position on validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), v.clone())) {
                    // an opt-out is held only by a request opened before it became ready
                    let done = p
                        .pending
                        .iter()
                        .filter(|(s, at)| **at <= self.now && !self.holds(&v, &[**s], **at))
                        .count();
                    r.must(done == 0 && !self.forced_touch, "nothing to complete");
                    if done > 0 && !self.forced_touch {
                        // the set left after the exit needs a pool: an exit waits for room
                        let mut to = p.services.clone();
                        for (s, at) in &p.pending {
                            if *at <= self.now && !self.holds(&v, &[*s], *at) {
                                to.remove(s);
                            }
                        }
                        let mut m = self.clone();
                        let full = match m.move_position(sender, &v, to, Move::Exit, None) {
                            Ok(()) => Tri::No,
                            Err(e) if e.contains("exposure groups") => Tri::Yes,
                            Err(_) => Tri::Maybe,
                        };
                        r.tri(full, "exposure groups");
                    }
                }
            }
            ExecuteMsg::Unbond { validator, amount }
            | ExecuteMsg::WithdrawShares { validator, amount } => {
                r.must(amount.is_zero(), "amount must be greater than zero");
                let Some(v) = canon(validator) else {
                    r.must(true, "invalid validator");
                    return;
                };
                match self.positions.get(&(sender.to_string(), v.clone())) {
                    None => r.must(true, "you have no position on validator"),
                    Some(p) => {
                        // only stake that secures nothing leaves as shares
                        r.must(
                            matches!(msg, ExecuteMsg::WithdrawShares { .. })
                                && !p.services.is_empty(),
                            "withdraw_shares is for stake that secures no service",
                        );
                        r.tri(
                            self.above_value(p, &v, amount.u128()),
                            "exceeds your bonded",
                        );
                    }
                }
            }
            ExecuteMsg::ClaimUnbonded {} => {
                let mine: Vec<&MEntry> = self
                    .entries
                    .iter()
                    .filter(|((s, _), _)| s == sender)
                    .map(|(_, e)| e)
                    .collect();
                r.must(mine.is_empty(), "you have no unbondings");
                if mine.is_empty() {
                    return;
                }
                // the claim settles the claimer's accounts first
                let mut m = self.clone();
                m.observe_block();
                let (sure, maybe) = m.predict_settled(&m.claim_accounts(sender));
                let settled = |e: &MEntry, set: &BTreeSet<u64>| {
                    matches!(self.batches[&e.batch].status, BStatus::Settled { .. })
                        || set.contains(&e.batch)
                };
                let some = mine.iter().any(|e| settled(e, &sure) && !self.frozen(e));
                let perhaps = mine.iter().any(|e| settled(e, &maybe) && !self.frozen(e));
                r.tri(
                    if some {
                        Tri::No
                    } else if perhaps {
                        Tri::Maybe
                    } else {
                        Tri::Yes
                    },
                    "nothing to claim",
                );
            }
            ExecuteMsg::ClaimRewards {} => {
                let pending = self.pending_rewards(sender);
                let npos = self.positions.keys().filter(|(s, _)| s == sender).count() as u128;
                let some = pending.values().any(|a| a.v >= Hp::int(a.tol + npos + 2));
                let maybe = pending
                    .values()
                    .any(|a| a.v.add(Hp::int(a.tol)) >= Hp::one());
                r.tri(
                    if some {
                        Tri::No
                    } else if maybe {
                        Tri::Maybe
                    } else {
                        Tri::Yes
                    },
                    "no rewards to claim",
                );
            }
            ExecuteMsg::RegisterService(RegisterServiceMsg {
                name,
                slasher,
                resolver,
                max_slash,
                veto_period,
                opt_out_delay,
                reward_denoms,
                reward_tokens,
                metadata_uri,
            }) => {
                r.must(
                    name.trim().is_empty() || name.len() > MAX_NAME_LEN,
                    "invalid name",
                );
                r.must(
                    metadata_uri.as_ref().is_some_and(|u| u.len() > MAX_URI_LEN),
                    "invalid metadata_uri",
                );
                r.must(
                    max_slash.is_zero() || *max_slash > Decimal::one(),
                    "must be greater than 0 and at most 1",
                );
                r.must(!self.valid(slasher), "invalid slasher");
                r.must(
                    resolver.as_ref().is_some_and(|x| !self.valid(x)),
                    "invalid resolver",
                );
                r.must(
                    *veto_period > cfg.max_veto_period,
                    "exceeds the hub's max_veto_period",
                );
                r.must(
                    opt_out_delay < veto_period,
                    "must be at least the veto_period",
                );
                let mut assets = vec![];
                self.asset_refusals(r, &mut assets, reward_denoms, reward_tokens);
            }
            ExecuteMsg::UpdateService(UpdateServiceMsg {
                service_id,
                max_slash,
                opt_out_delay,
                resolver,
                metadata_uri,
                add_reward_denoms,
                add_reward_tokens,
                admin,
                slasher,
                clear_resolver,
                ..
            }) => {
                let Some(s) = self.services.get(service_id) else {
                    r.must(true, format!("service {service_id} not found"));
                    return;
                };
                r.must(sender != s.admin, "unauthorized");
                if let Some(m) = max_slash {
                    r.must(
                        m.is_zero() || *m > Decimal::one(),
                        "must be greater than 0 and at most 1",
                    );
                    r.must(*m > s.max_slash, "max_slash can only be lowered");
                }
                if let Some(d) = opt_out_delay {
                    r.must(*d < s.opt_out_delay, "opt_out_delay can only be lengthened");
                }
                r.must(
                    resolver.as_ref().is_some_and(|x| !self.valid(x)),
                    "invalid resolver",
                );
                r.must(
                    *clear_resolver == Some(true) && resolver.is_some(),
                    "give a resolver or clear_resolver, not both",
                );
                r.must(
                    metadata_uri.as_ref().is_some_and(|u| u.len() > MAX_URI_LEN),
                    "invalid metadata_uri",
                );
                r.must(
                    add_reward_denoms.as_ref().is_some_and(|d| d.is_empty()),
                    "add_reward_denoms must not be empty",
                );
                r.must(
                    add_reward_tokens.as_ref().is_some_and(|t| t.is_empty()),
                    "add_reward_tokens must not be empty",
                );
                if add_reward_denoms.is_some() || add_reward_tokens.is_some() {
                    let mut assets: Vec<AssetKey> = s
                        .reward_denoms
                        .iter()
                        .map(|d| AssetKey::Native(d.clone()))
                        .chain(s.reward_tokens.iter().map(|t| AssetKey::Cw20(t.clone())))
                        .collect();
                    self.asset_refusals(r, &mut assets, add_reward_denoms, add_reward_tokens);
                }
                r.must(
                    admin.as_ref().is_some_and(|x| !self.valid(x)),
                    "invalid admin",
                );
                r.must(
                    slasher.as_ref().is_some_and(|x| !self.valid(x)),
                    "invalid slasher",
                );
                r.must(
                    max_slash.is_none()
                        && opt_out_delay.is_none()
                        && resolver.is_none()
                        && metadata_uri.is_none()
                        && add_reward_denoms.is_none()
                        && add_reward_tokens.is_none()
                        && admin.is_none()
                        && slasher.is_none()
                        && *clear_resolver != Some(true),
                    "no field to update",
                );
            }
            ExecuteMsg::SetServiceStatus { service_id, status } => {
                let Some(s) = self.services.get(service_id) else {
                    r.must(true, format!("service {service_id} not found"));
                    return;
                };
                let owner = self.is_owner(sender);
                r.must(!owner && sender != s.admin, "unauthorized");
                r.must(
                    s.status == ServiceStatus::Retired,
                    format!("service {service_id} is retired"),
                );
                r.must(
                    s.status == *status,
                    format!("service {service_id} is already {status}"),
                );
                // a pause by the owner can only be lifted by the owner
                r.must(
                    s.owner_paused && !owner && *status == ServiceStatus::Active,
                    "unauthorized",
                );
            }
            ExecuteMsg::DistributeRewards { service_id } => {
                r.must(funds.is_empty(), "no funds sent");
                let payments: Vec<(AssetKey, u128)> = funds
                    .iter()
                    .map(|c| (AssetKey::Native(c.denom.clone()), c.amount.u128()))
                    .collect();
                self.reward_refusals(r, *service_id, &payments);
            }
            ExecuteMsg::Receive(_) => {
                // from an account: never a token (the model test sends no other receive)
                r.must(
                    !self.contracts.contains(sender),
                    "is not a contract, so it cannot be a cw20 token",
                );
            }
            ExecuteMsg::Slash {
                service_id,
                validator,
                fraction,
                evidence,
            } => {
                let Some(s) = self.services.get(service_id) else {
                    r.must(true, format!("service {service_id} not found"));
                    return;
                };
                r.must(sender != s.slasher, "unauthorized");
                r.must(fraction.is_zero(), "fraction must be greater than 0");
                r.must(*fraction > s.max_slash, "exceeds the service's max_slash");
                r.must(evidence.len() > MAX_EVIDENCE_LEN, "invalid evidence");
                match canon(validator) {
                    None => r.must(true, "invalid validator"),
                    Some(v) => r.tri(self.nothing_to_slash(*service_id, &v), "nothing to slash"),
                }
            }
            ExecuteMsg::VetoSlash { slash_id } => match self.slashes.get(slash_id) {
                None => r.must(true, format!("slash request {slash_id} not found")),
                Some(q) => {
                    r.must(q.status != SlashStatus::Pending, "not pending");
                    let resolver = self.services[&q.service_id].resolver.as_deref();
                    r.must(
                        resolver != Some(sender) && !self.is_owner(sender),
                        "unauthorized",
                    );
                    r.must(self.now >= q.executable_at, "veto window");
                }
            },
            ExecuteMsg::ExecuteSlash { slash_id } => match self.slashes.get(slash_id) {
                None => r.must(true, format!("slash request {slash_id} not found")),
                Some(q) => {
                    r.must(q.status != SlashStatus::Pending, "not pending");
                    r.must(self.now < q.executable_at, "is inside its veto window");
                }
            },
            ExecuteMsg::Harvest { validators } => {
                if let Some(list) = validators {
                    r.must(list.is_empty(), "validators must not be empty");
                    let mut seen = BTreeSet::new();
                    for v in list {
                        let Some(c) = canon(v) else {
                            r.must(true, "invalid validator");
                            continue;
                        };
                        r.must(!seen.insert(c.clone()), format!("duplicate validator {c}"));
                        r.must(
                            !self.val(&c).known,
                            format!("the hub has no stake on validator {c}"),
                        );
                    }
                }
            }
            ExecuteMsg::SyncValidator { validator } => match canon(validator) {
                None => r.must(true, "invalid validator"),
                Some(v) => r.must(
                    !self.val(&v).known,
                    format!("the hub has no stake on validator {v}"),
                ),
            },
            ExecuteMsg::ProcessUnbondings {} => {}
            ExecuteMsg::UpdateConfig(UpdateConfigMsg {
                unbonding_period,
                unbonding_epoch,
                min_deposit,
                max_services_per_position,
                max_veto_period,
                max_reward_assets,
                max_pools_per_validator,
                slash_destination,
                ..
            }) => {
                if owner_only(r) {
                    return;
                }
                if let Some(SlashDestination::Address { address }) = slash_destination {
                    r.must(!self.valid(address), "invalid slash_destination");
                }
                let nothing = unbonding_period.is_none()
                    && unbonding_epoch.is_none()
                    && min_deposit.is_none()
                    && max_services_per_position.is_none()
                    && max_veto_period.is_none()
                    && max_reward_assets.is_none()
                    && max_pools_per_validator.is_none()
                    && slash_destination.is_none();
                r.must(nothing, "no field to update");
                let period = unbonding_period.unwrap_or(cfg.unbonding_period);
                let epoch = unbonding_epoch.unwrap_or(cfg.unbonding_epoch);
                r.must(period == 0, "invalid unbonding_period");
                r.must(
                    epoch == 0 || epoch.saturating_mul(7) < period,
                    "invalid unbonding_epoch",
                );
                r.must(
                    min_deposit.is_some_and(|m| m.is_zero()),
                    "invalid min_deposit",
                );
                let services = max_services_per_position.unwrap_or(cfg.max_services_per_position);
                r.must(
                    services == 0 || services > 32,
                    "invalid max_services_per_position",
                );
                let assets = max_reward_assets.unwrap_or(cfg.max_reward_assets);
                r.must(assets == 0 || assets > 32, "invalid max_reward_assets");
                let pools = max_pools_per_validator.unwrap_or(cfg.max_pools_per_validator);
                r.must(pools == 0 || pools > 256, "invalid max_pools_per_validator");
            }
            ExecuteMsg::Pause {} | ExecuteMsg::Unpause {} => {
                owner_only(r);
            }
            ExecuteMsg::UpdateOwnership(_) => match ownership_action(msg) {
                Ownership::Transfer(new_owner) => {
                    owner_only(r);
                    // cw-ownable's own validation: its text does not name the field
                    r.must(!self.valid(&new_owner), "Error decoding bech32");
                    r.may(!self.valid(&new_owner), "Invalid input");
                }
                Ownership::Accept => match &self.pending_owner {
                    None => r.must(true, "There isn't a pending ownership transfer"),
                    Some(p) => r.must(p != sender, "Caller is not the contract's pending owner"),
                },
                Ownership::Renounce => {
                    owner_only(r);
                }
            },
        }
    }
}

impl Model {
    // ------------------------------------------------------------------ effects

    /// Applies a step the chain and the hub accepted. `obs` carries the amounts the hub paid,
    /// which the model checks against its own before taking them; a difference beyond the
    /// tolerance is returned as an error.
    pub fn apply(&mut self, step: &Step, obs: &Observed) -> Result<(), String> {
        match step {
            Step::Advance { seconds } => {
                self.now += seconds;
                Ok(())
            }
            Step::Jail { validator } => {
                self.val_mut(validator).jailed = true;
                Ok(())
            }
            Step::Unjail { validator } => {
                self.val_mut(validator).jailed = false;
                Ok(())
            }
            Step::ChainSlash {
                validator,
                fraction,
            } => {
                let keep = Hp::one().sub(Hp::dec(*fraction));
                // A slash shows on the delegation only where the hub has something delegated:
                // on a validator it keeps only unbonding entries on, nobody can ever see it.
                let detectable = self.val(validator).books > 0;
                let st = self.val_mut(validator);
                if detectable {
                    st.pending_chain = Some(st.pending_chain.unwrap_or(Hp::one()).mul(keep));
                }
                let now = self.now;
                for b in self.batches.values_mut() {
                    if b.validator == *validator
                        && matches!(b.status, BStatus::Sent { completion } if completion > now)
                    {
                        b.chain_mult = b.chain_mult.mul(keep);
                        b.chain_units += 1;
                        if detectable {
                            b.awaiting_detection = true;
                        } else {
                            b.undetectable = true;
                        }
                    }
                }
                Ok(())
            }
            Step::DistributeCw20 {
                token,
                amount,
                service_id,
                ..
            } => {
                self.credit_service(*service_id, AssetKey::Cw20(token.clone()), *amount);
                Ok(())
            }
            Step::Hub { sender, msg, funds } => {
                let (must, may) = self.sync_set(step, obs);
                let synced: Vec<String> = must
                    .iter()
                    .chain(may.intersection(&obs.synced))
                    .cloned()
                    .collect();
                // (the listing after a slash tells nothing of the pools before it: the slash
                // may empty them)
                let slashes = matches!(
                    msg,
                    ExecuteMsg::Slash { .. } | ExecuteMsg::ExecuteSlash { .. }
                );
                for v in &synced {
                    self.sync(v);
                    self.refresh_validator(v, (!slashes).then_some(obs));
                }
                self.apply_hub(sender, msg, funds, obs)?;
                self.untaint();
                Ok(())
            }
            Step::Wasm { contract, msg, .. } if self.hostile.as_ref() == Some(contract) => {
                if let Some(on) = super::model_token::reverts(msg) {
                    self.hostile_reverts = on;
                }
                Ok(())
            }
            // what the harness does to prepare a step (funding, tokenizing, proposals)
            _ => Ok(()),
        }
    }

    fn credit_service(&mut self, service: u64, asset: AssetKey, amount: u128) {
        let members: Vec<(String, Hp, u128)> = self
            .positions
            .iter()
            .filter(|(_, p)| p.services.contains(&service))
            .map(|((s, _), p)| (s.clone(), p.amt, p.tol))
            .collect();
        for (s, share, t) in split(amount, &members) {
            self.owed
                .entry((s, asset.clone()))
                .or_default()
                .add(share, t);
        }
        *self.paid_in.entry(asset.clone()).or_default() += amount;
        *self
            .services
            .get_mut(&service)
            .unwrap()
            .rewards_paid
            .entry(asset)
            .or_default() += amount;
    }

    fn apply_hub(
        &mut self,
        sender: &str,
        msg: &ExecuteMsg,
        funds: &[Coin],
        obs: &Observed,
    ) -> Result<(), String> {
        let now = self.now;
        // messages that settle the sender's positions complete their pools' forced opt-outs;
        // those that write them convert them out of an evicted pool
        let touched = self.touched_keys(sender, msg);
        let lazy = touched
            .iter()
            .any(|k| self.positions.get(k).is_some_and(|p| p.lazy));
        let converted =
            !matches!(msg, ExecuteMsg::Unbond { .. }) && self.convert_touched(&touched, Some(obs));
        let forced = converted || lazy;
        if !matches!(msg, ExecuteMsg::Vote { .. }) {
            for k in touched {
                if let Some(p) = self.positions.get_mut(&k) {
                    p.lazy = false;
                }
            }
        }
        match msg {
            ExecuteMsg::Proxy { .. } | ExecuteMsg::Vote { .. } => {}
            ExecuteMsg::WithdrawShares { validator, amount } => {
                // the stake leaves the hub's delegation at once, as shares for the staker
                let v = canon(validator).unwrap();
                let pool = self.take_from_position(sender, &v, Hp::int(amount.u128()));
                self.refresh(pool, Some(obs));
            }
            ExecuteMsg::Deposit { validator } => {
                let v = canon(validator).unwrap();
                let amount = Hp::int(funds[0].amount.u128());
                let st = self.val_mut(&v);
                if !st.known || st.bonded_seen.is_none_or(|t| now >= t + BONDED_CHECK_TTL) {
                    st.bonded_seen = Some(now);
                }
                st.known = true;
                let key = (sender.to_string(), v.clone());
                match self.positions.get(&key).map(|p| p.pool) {
                    Some(pool) => {
                        let joinable = match self.pool_joinable(pool) {
                            Tri::Maybe => Tri::of(obs.actor_pool == Some(pool)),
                            t => t,
                        };
                        if joinable == Tri::No {
                            // slashed to nothing: what is left moves with the deposit into a
                            // fresh pool of the same services (never refused)
                            let services = self.positions[&key].services.clone();
                            let joining = Approx {
                                v: self.positions[&key].amt.add(amount),
                                tol: self.positions[&key].tol,
                            };
                            self.move_position_with(
                                sender,
                                &v,
                                services,
                                Move::Exit,
                                Some(obs),
                                Some(joining),
                            )?;
                        }
                    }
                    None => {
                        let pool = self.plain_pool(&v, Some(obs));
                        self.positions.insert(
                            key.clone(),
                            MPos {
                                amt: Hp::zero(),
                                tol: 0,
                                pool,
                                services: BTreeSet::new(),
                                pending: BTreeMap::new(),
                                lazy: false,
                            },
                        );
                    }
                }
                let p = self.positions.get_mut(&key).unwrap();
                p.amt = p.amt.add(amount);
                let pool = p.pool;
                self.touch_pool(pool, Some(&key));
                self.refresh(pool, Some(obs));
            }
            ExecuteMsg::OptIn {
                validator,
                service_ids,
            } => {
                let v = canon(validator).unwrap();
                let key = (sender.to_string(), v.clone());
                let p = self.positions.get_mut(&key).unwrap();
                let mut to = p.services.clone();
                let mut added = false;
                for id in service_ids {
                    if p.pending.remove(id).is_none() {
                        added |= to.insert(*id);
                    }
                }
                if added {
                    self.move_position(sender, &v, to, Move::Join, Some(obs))?;
                }
            }
            ExecuteMsg::OptOut {
                validator,
                service_ids,
            } => {
                let key = (sender.to_string(), canon(validator).unwrap());
                for id in service_ids {
                    let at = now + self.services[id].opt_out_delay;
                    self.positions
                        .get_mut(&key)
                        .unwrap()
                        .pending
                        .insert(*id, at);
                }
            }
            // the position's pool completed its forced opt-out: nothing more to do
            ExecuteMsg::CompleteOptOut { .. } if forced => {}
            ExecuteMsg::CompleteOptOut { validator } => {
                let v = canon(validator).unwrap();
                let key = (sender.to_string(), v.clone());
                let p = self.positions[&key].clone();
                let done: Vec<u64> = p
                    .pending
                    .iter()
                    .filter(|(s, at)| **at <= now && !self.holds(&v, &[**s], **at))
                    .map(|(s, _)| *s)
                    .collect();
                let mut to = p.services.clone();
                let pm = self.positions.get_mut(&key).unwrap();
                for s in &done {
                    pm.pending.remove(s);
                    to.remove(s);
                }
                // an exit that finds no room is refused (see the refusals)
                self.move_position(sender, &v, to, Move::Exit, Some(obs))?;
            }
            ExecuteMsg::Unbond { validator, amount } => {
                let v = canon(validator).unwrap();
                let key = (sender.to_string(), v.clone());
                let set = set_vec(&self.positions[&key].services);
                let a = Hp::int(amount.u128());
                let pool = self.take_from_position(sender, &v, a);
                let bid = self.queued_batch(&v);
                let mut tol = 0;
                if self.batches[&bid].dirty.contains(&pool) {
                    tol = 2;
                    for e in self.entries.values_mut() {
                        if e.batch == bid && e.pool == pool {
                            e.tol += 1;
                        }
                    }
                }
                self.next_unbonding_id += 1;
                self.entries.insert(
                    (sender.to_string(), self.next_unbonding_id),
                    MEntry {
                        validator: v.clone(),
                        amt: a,
                        tol,
                        pool,
                        services: set,
                        batch: bid,
                    },
                );
                self.try_send(&v);
                self.refresh(pool, Some(obs));
            }
            ExecuteMsg::ClaimUnbonded {} => {
                self.observe_block();
                let accounts = self.claim_accounts(sender);
                self.settle_scope(&accounts, obs)?;
                let mut paid = Approx::default();
                let mut n = 0u128;
                let claimed: Vec<(String, u64)> = self
                    .entries
                    .iter()
                    .filter(|((s, _), e)| {
                        s == sender
                            && matches!(self.batches[&e.batch].status, BStatus::Settled { .. })
                            && !self.frozen(e)
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                let mut touched = BTreeSet::new();
                for k in &claimed {
                    let e = self.entries.remove(k).unwrap();
                    paid.add(e.amt, e.tol);
                    n += 1;
                    touched.insert(e.pool);
                    // the others in its claimable group see the rounding of this claim
                    for o in self.entries.values_mut() {
                        if o.pool == e.pool
                            && matches!(self.batches[&o.batch].status, BStatus::Settled { .. })
                        {
                            o.tol += 1;
                        }
                    }
                }
                for pool in touched {
                    self.refresh(pool, Some(obs));
                }
                if !within(
                    obs.paid_unbonded,
                    paid.v,
                    paid.tol + n + 1,
                    paid.tol + n + 1,
                ) {
                    return Err(format!(
                        "claim_unbonded paid {} but the model expects {:?} ± {}",
                        obs.paid_unbonded,
                        paid.v,
                        paid.tol + n + 1
                    ));
                }
            }
            ExecuteMsg::ClaimRewards {} => {
                let pending = self.pending_rewards(sender);
                let npos = self.positions.keys().filter(|(s, _)| s == sender).count() as u128;
                let mut assets: BTreeSet<AssetKey> = pending.keys().cloned().collect();
                assets.extend(obs.paid_rewards.keys().cloned());
                for asset in assets {
                    let mut m = pending.get(&asset).copied().unwrap_or_default();
                    let paid = obs.paid_rewards.get(&asset).copied().unwrap_or(0);
                    // a token refusing transfers pays nothing; the amount stays owed
                    let refused = self.hostile_reverts
                        && matches!(&asset, AssetKey::Cw20(t) if Some(t) == self.hostile.as_ref());
                    if refused {
                        m = Approx::default();
                    }
                    if !within(paid, m.v, m.tol + npos + 1, m.tol) {
                        return Err(format!(
                            "claim_rewards paid {paid} of {asset:?} but the model owes {:?} (−{} / +{})",
                            m.v,
                            m.tol + npos + 1,
                            m.tol
                        ));
                    }
                    if refused {
                        continue;
                    }
                    let o = self
                        .owed
                        .entry((sender.to_string(), asset.clone()))
                        .or_default();
                    o.v = o.v.sub(Hp::int(paid));
                    *self.paid_out.entry(asset).or_default() += paid;
                }
            }
            ExecuteMsg::RegisterService(RegisterServiceMsg {
                name,
                slasher,
                resolver,
                max_slash,
                veto_period,
                opt_out_delay,
                reward_denoms,
                reward_tokens,
                metadata_uri,
            }) => {
                self.next_service_id += 1;
                let id = self.next_service_id;
                self.services.insert(
                    id,
                    MService {
                        id,
                        name: name.clone(),
                        admin: sender.to_string(),
                        slasher: slasher.clone(),
                        resolver: resolver.clone(),
                        max_slash: *max_slash,
                        veto_period: *veto_period,
                        opt_out_delay: *opt_out_delay,
                        reward_denoms: reward_denoms.clone().unwrap_or_default(),
                        reward_tokens: reward_tokens.clone().unwrap_or_default(),
                        metadata_uri: metadata_uri.clone(),
                        status: ServiceStatus::Active,
                        owner_paused: false,
                        registered_at: now,
                        rewards_paid: BTreeMap::new(),
                        total_slashed: Hp::zero(),
                        slashed_tol: 0,
                    },
                );
            }
            ExecuteMsg::UpdateService(UpdateServiceMsg {
                service_id,
                max_slash,
                opt_out_delay,
                resolver,
                metadata_uri,
                add_reward_denoms,
                add_reward_tokens,
                admin,
                slasher,
                clear_resolver,
                ..
            }) => {
                let s = self.services.get_mut(service_id).unwrap();
                if *clear_resolver == Some(true) {
                    s.resolver = None;
                }
                if let Some(m) = max_slash {
                    s.max_slash = *m;
                }
                if let Some(d) = opt_out_delay {
                    s.opt_out_delay = *d;
                }
                if let Some(r) = resolver {
                    s.resolver = Some(r.clone());
                }
                if metadata_uri.is_some() {
                    s.metadata_uri = metadata_uri.clone();
                }
                s.reward_denoms
                    .extend(add_reward_denoms.iter().flatten().cloned());
                s.reward_tokens
                    .extend(add_reward_tokens.iter().flatten().cloned());
                if let Some(a) = admin {
                    s.admin = a.clone();
                }
                if let Some(x) = slasher {
                    s.slasher = x.clone();
                }
            }
            ExecuteMsg::SetServiceStatus { service_id, status } => {
                let owner = self.is_owner(sender);
                let s = self.services.get_mut(service_id).unwrap();
                s.status = *status;
                s.owner_paused = owner && *status == ServiceStatus::Paused;
            }
            ExecuteMsg::DistributeRewards { service_id } => {
                for c in funds {
                    self.credit_service(
                        *service_id,
                        AssetKey::Native(c.denom.clone()),
                        c.amount.u128(),
                    );
                }
            }
            ExecuteMsg::Receive(_) => unreachable!("a receive from an account is refused"),
            ExecuteMsg::Slash {
                service_id,
                validator,
                fraction,
                evidence,
            } => {
                self.next_slash_id += 1;
                let id = self.next_slash_id;
                let veto = self.services[service_id].veto_period;
                self.slashes.insert(
                    id,
                    MSlash {
                        id,
                        service_id: *service_id,
                        validator: canon(validator).unwrap(),
                        fraction: *fraction,
                        evidence: evidence.clone(),
                        status: SlashStatus::Pending,
                        requested_at: now,
                        executable_at: now + veto,
                        resolved_at: None,
                        slashed_bonded: Hp::zero(),
                        slashed_unbonding: Hp::zero(),
                        tol: 0,
                    },
                );
                if veto == 0 {
                    self.execute_slash(id, obs);
                }
            }
            ExecuteMsg::VetoSlash { slash_id } => {
                let q = self.slashes.get_mut(slash_id).unwrap();
                q.status = SlashStatus::Vetoed;
                q.resolved_at = Some(now);
            }
            ExecuteMsg::ExecuteSlash { slash_id } => self.execute_slash(*slash_id, obs),
            ExecuteMsg::Harvest { .. } | ExecuteMsg::SyncValidator { .. } => {}
            ExecuteMsg::ProcessUnbondings {} => {
                self.observe_block();
                let accounts = self.crank_accounts();
                self.settle_scope(&accounts, obs)?;
                let queued: Vec<String> = self
                    .validators
                    .iter()
                    .filter(|(_, v)| v.queued.is_some())
                    .map(|(k, _)| k.clone())
                    .collect();
                for v in queued {
                    let due = self.send_due(&v);
                    if due != obs.sent.contains(&v) {
                        return Err(format!(
                            "process_unbondings {} the queued batch of {v}; the model says it is {}due",
                            if due { "did not send" } else { "sent" },
                            if due { "" } else { "not " }
                        ));
                    }
                    self.try_send(&v);
                }
            }
            ExecuteMsg::UpdateConfig(UpdateConfigMsg {
                unbonding_period,
                unbonding_epoch,
                min_deposit,
                max_services_per_position,
                max_veto_period,
                max_reward_assets,
                max_pools_per_validator,
                slash_destination,
                ..
            }) => {
                let c = &mut self.config;
                if let Some(v) = unbonding_period {
                    c.unbonding_period = *v;
                }
                if let Some(v) = unbonding_epoch {
                    c.unbonding_epoch = *v;
                }
                if let Some(v) = min_deposit {
                    c.min_deposit = v.u128();
                }
                if let Some(v) = max_services_per_position {
                    c.max_services_per_position = *v;
                }
                if let Some(v) = max_veto_period {
                    c.max_veto_period = *v;
                }
                if let Some(v) = max_reward_assets {
                    c.max_reward_assets = *v;
                }
                if let Some(v) = max_pools_per_validator {
                    c.max_pools_per_validator = *v;
                }
                if let Some(v) = slash_destination {
                    c.slash_destination = v.clone();
                }
            }
            ExecuteMsg::Pause {} => self.config.paused = true,
            ExecuteMsg::Unpause {} => self.config.paused = false,
            ExecuteMsg::UpdateOwnership(_) => match ownership_action(msg) {
                Ownership::Transfer(new_owner) => self.pending_owner = Some(new_owner),
                Ownership::Accept => self.owner = self.pending_owner.take(),
                Ownership::Renounce => {
                    self.owner = None;
                    self.pending_owner = None;
                }
            },
        }
        Ok(())
    }

    /// Applies a slash request: its fraction of every pool on the validator that secures the
    /// service — bonded stake, unbonding groups in batches not settled, and claimable stake —
    /// rounded up once per pool (never more than fraction × exposed + 1 per pool).
    fn execute_slash(&mut self, id: u64, obs: &Observed) {
        let (service, v, f) = {
            let q = &self.slashes[&id];
            (q.service_id, q.validator.clone(), q.fraction)
        };
        let pools: Vec<u64> = self
            .slots(&v)
            .into_iter()
            .filter(|p| self.pools[p].services.contains(&service))
            .collect();
        let mut bonded = Approx::default();
        let mut unbonding = Approx::default();
        let mut routed_now = Approx::default();
        let mut in_batches: BTreeMap<u64, Approx> = BTreeMap::new();
        for pool in &pools {
            let mut parts = 0u128;
            for k in self.pool_members(*pool) {
                let p = self.positions.get_mut(&k).unwrap();
                let taken = p.amt.mul_dec(f);
                p.amt = p.amt.sub(taken);
                bonded.add(taken, p.tol);
                p.tol += 1;
            }
            bonded.tol += 1;
            let keys: Vec<(String, u64)> = self
                .entries
                .iter()
                .filter(|(_, e)| e.pool == *pool)
                .map(|(k, _)| k.clone())
                .collect();
            let mut groups = BTreeSet::new();
            for k in keys {
                let e = self.entries.get_mut(&k).unwrap();
                let taken = e.amt.mul_dec(f);
                e.amt = e.amt.sub(taken);
                unbonding.add(taken, e.tol);
                e.tol += 1;
                let bid = e.batch;
                let etol = e.tol;
                let b = self.batches.get_mut(&bid).unwrap();
                b.dirty.insert(*pool);
                if matches!(b.status, BStatus::Settled { .. }) {
                    routed_now.add(taken, etol);
                    groups.insert(0);
                } else {
                    in_batches.entry(bid).or_default().add(taken, etol + 1);
                    groups.insert(bid);
                }
            }
            parts += groups.len() as u128;
            unbonding.tol += parts;
            let pm = self.pools.get_mut(pool).unwrap();
            pm.dirty = true;
            if f == Decimal::one() {
                pm.wiped = true;
            }
        }
        for (bid, a) in in_batches {
            let b = self.batches.get_mut(&bid).unwrap();
            b.slashed = b.slashed.add(a.v);
            b.slashed_tol += a.tol;
            self.pending_routing.add(a.v, a.tol);
        }
        // slashed bonded stake leaves with the validator's next undelegation
        let has_queued = self.val(&v).queued.is_some();
        let create = match Tri::positive(bonded.v, bonded.tol) {
            Tri::Yes => true,
            Tri::No => false,
            Tri::Maybe => has_queued || obs.queued.get(&v).is_some_and(|q| *q > 0),
        };
        if create {
            let bid = self.queued_batch(&v);
            let b = self.batches.get_mut(&bid).unwrap();
            b.slashed = b.slashed.add(bonded.v);
            b.slashed_tol += bonded.tol;
            self.pending_routing.add(bonded.v, bonded.tol);
        } else {
            let k = AssetKey::Native(self.bonded_denom.clone());
            let d = self.dust.get(&k).copied().unwrap_or_default();
            self.dust.insert(k, d.add(bonded.v));
        }
        if !routed_now.v.is_zero() || routed_now.tol > 0 {
            self.route(routed_now.v, routed_now.tol + 1);
        }
        let total = bonded.v.add(unbonding.v);
        let tol = bonded.tol + unbonding.tol;
        let q = self.slashes.get_mut(&id).unwrap();
        q.status = SlashStatus::Executed;
        q.resolved_at = Some(self.now);
        q.slashed_bonded = bonded.v;
        q.slashed_unbonding = unbonding.v;
        q.tol = tol;
        let s = self.services.get_mut(&service).unwrap();
        s.total_slashed = s.total_slashed.add(total);
        s.slashed_tol += tol;
        self.total_slashed.add(total, tol);
        for pool in pools {
            self.refresh(pool, Some(obs));
        }
    }
}

/// Splits `amount` pro rata over the holders' stakes: (staker, share, tolerance). When a
/// single staker holds all of it, it gets all of it (whatever the rounding of its stake).
fn split(amount: u128, members: &[(String, Hp, u128)]) -> Vec<(String, Hp, u128)> {
    let stakers: BTreeSet<&String> = members.iter().map(|(s, _, _)| s).collect();
    if stakers.len() == 1 {
        let s = (*stakers.iter().next().unwrap()).clone();
        return vec![(s, Hp::int(amount), 1)];
    }
    let mut total = Approx::default();
    for (_, amt, tol) in members {
        total.add(*amt, *tol);
    }
    members
        .iter()
        .map(|(s, amt, tol)| {
            let (share, t) = share_of(amount, *amt, *tol, total);
            (s.clone(), share, t)
        })
        .collect()
}

/// A holder's share of `amount` split pro rata over `total` stake, and its tolerance: one
/// unit for the payment, plus how far the holder's and the total's stake tolerances can move
/// the share (|a/T − a'/T'| for |a − a'| ≤ t and |T − T'| ≤ D).
pub fn share_of(amount: u128, amt: Hp, tol: u128, total: Approx) -> (Hp, u128) {
    if total.v.is_zero() {
        return (Hp::zero(), amount.saturating_add(1));
    }
    let a = Hp::int(amount);
    let share = a.mul_ratio(amt, total.v);
    let d = Hp::int(total.tol);
    if total.v <= d.add(Hp::one()) {
        return (share, amount.saturating_add(1));
    }
    let room = total.v.sub(d);
    let t1 = a.mul_ratio(Hp::int(tol), room);
    let t2 = a.mul_ratio(amt, total.v).mul_ratio(d, room);
    (share, t1.add(t2).ceil() + 1)
}

enum Ownership {
    Transfer(String),
    Accept,
    Renounce,
}

/// cw-ownable's action, read through its JSON (the test crate does not depend on cw-ownable).
fn ownership_action(msg: &ExecuteMsg) -> Ownership {
    let v = serde_json::to_value(msg).expect("ownership action");
    let v = &v["update_ownership"];
    if let Some(t) = v.get("transfer_ownership") {
        return Ownership::Transfer(t["new_owner"].as_str().unwrap_or_default().to_string());
    }
    match v.as_str() {
        Some("accept_ownership") => Ownership::Accept,
        _ => Ownership::Renounce,
    }
}
