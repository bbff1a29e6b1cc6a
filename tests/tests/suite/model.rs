//! A reference model of restake-hub in plain Rust, written from docs/interface.md, docs/design.md and
//! the README's "Readings we chose", not from the contract's accounting.
//!
//! Where the contract groups stake into pools with shares and reward indexes, the model keeps
//! one record per staker and loops: every position holds its exact amount, a reward payment
//! is split by looping over the stakers opted into the service, a slash loops over the
//! exposed positions and unbondings, a chain slash loops over everything delegated on the
//! validator. Amounts are exact fixed-point numbers with 30 decimals ([`Hp`], a 512-bit
//! integer), so the model itself never rounds in a way that matters.
//!
//! The contract rounds (a position's value rounds down, a slash of a pool rounds up, a share
//! mint rounds down, ...). Every record of the model carries a tolerance: the number of
//! rounding operations it went through (one unit each), and a comparison accepts the
//! contract's value if it is within that tolerance of the exact one (rewards: one unit per
//! payment, plus what the stake tolerance of the position implies for its share).
//!
//! Outcomes the tolerance makes ambiguous (a position whose exact value is 0.4 may be worth 0
//! or 1 in the contract, and an opt-in of it may or may not be refused) are "either": the
//! model accepts both, and follows what the contract did. Everything else is predicted.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use cosmwasm_std::{Coin, Decimal, Uint128, Uint512};
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
    /// Services the stake secures (pending opt-outs included).
    pub services: BTreeSet<u64>,
    /// service → ready_at (seconds).
    pub pending: BTreeMap<u64, u64>,
}

/// An unbonding entry.
#[derive(Clone, Debug)]
pub struct MEntry {
    pub validator: String,
    pub amt: Hp,
    pub tol: u128,
    pub services: Vec<u64>,
    pub batch: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BStatus {
    Queued,
    Sent { completion: u64 },
    Settled { completion: u64 },
}

/// A batch of undelegations on one validator (the model's own ids).
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
    /// The validator's `observed` factor when the batch was sent (kept for diagnostics).
    pub observed_at_send: Hp,
    /// Service sets whose group in this batch has a token rate other than 1.
    pub dirty: BTreeSet<Vec<u64>>,
}

#[derive(Clone, Debug)]
pub struct MVal {
    /// The hub has books for it (a deposit went through).
    pub known: bool,
    pub queued: Option<u64>,
    pub last_send: Option<u64>,
    /// A chain slash the hub has not noticed yet: the factor its stake keeps.
    pub pending_chain: Option<Hp>,
    /// Pending slash requests per service.
    pub exposed: BTreeMap<u64, u32>,
    /// Π of what the chain slashes the hub noticed left (1 at first).
    pub observed: Hp,
    /// Native rewards the chain holds for the hub (observed).
    pub chain_rewards: u128,
    /// Jailed by the chain: no deposits (exits work).
    pub jailed: bool,
    /// The hub's books show no bonded stake on it (observed: decides whether native rewards
    /// go to the stakers or to dust when the model's stake there is within rounding of 0).
    pub bonded_zero: bool,
}

impl Default for MVal {
    fn default() -> Self {
        MVal {
            known: false,
            queued: None,
            last_send: None,
            pending_chain: None,
            exposed: BTreeMap::new(),
            observed: Hp::one(),
            chain_rewards: 0,
            jailed: false,
            bonded_zero: true,
        }
    }
}

impl MVal {
    pub fn is_exposed(&self, service: u64) -> bool {
        self.exposed.get(&service).copied().unwrap_or(0) > 0
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

/// Everything that is not a hub message: cw20 sends, chain events, time.
#[derive(Clone, Debug)]
pub enum Action {
    /// A message to the hub. `underfunded`: the sender lacks the funds (the bank refuses).
    Hub {
        sender: String,
        msg: ExecuteMsg,
        funds: Vec<Coin>,
        underfunded: bool,
    },
    /// A cw20 `send` of `amount` to the hub with `{"distribute_rewards":{"service_id":N}}`.
    Cw20Send {
        token: String,
        from: String,
        amount: u128,
        service_id: u64,
        underfunded: bool,
    },
    /// The chain slashes a validator (bonded stake and unbonding entries).
    ChainSlash {
        validator: String,
        fraction: Decimal,
    },
    /// Time passes (the staking module pays out matured undelegations).
    Advance(u64),
    /// The chain jails (true) or unjails (false) a validator.
    Jail { validator: String, jailed: bool },
}

/// What the model expects of an action.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    Ok,
    /// Refused with an error containing one of these texts.
    Err(Vec<String>),
    /// Either outcome is acceptable (a rounding ambiguity); refused only with one of these.
    Either(Vec<String>),
}

/// What the harness observed of a successful action (the model checks the amounts before
/// taking them).
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub paid_unbonded: u128,
    pub paid_rewards: BTreeMap<AssetKey, u128>,
}

pub struct Env {
    pub bonded_denom: String,
    /// Operator addresses the chain knows.
    pub chain_validators: Vec<String>,
    /// Address validation as the chain's API does it.
    pub valid_addr: Rc<dyn Fn(&str) -> bool>,
    /// Addresses that are contracts (cw20 tokens).
    pub contracts: BTreeSet<String>,
}

#[derive(Clone)]
pub struct Model {
    pub now: u64,
    pub bonded_denom: String,
    pub chain_validators: Vec<String>,
    pub contracts: BTreeSet<String>,
    valid_addr: Rc<dyn Fn(&str) -> bool>,
    pub config: MConfig,
    pub owner: Option<String>,
    pub pending_owner: Option<String>,
    pub services: BTreeMap<u64, MService>,
    pub positions: BTreeMap<(String, String), MPos>,
    pub entries: BTreeMap<(String, u64), MEntry>,
    pub batches: BTreeMap<u64, MBatch>,
    pub validators: BTreeMap<String, MVal>,
    pub slashes: BTreeMap<u64, MSlash>,
    /// (staker, asset) → rewards owed, with tolerance.
    pub owed: BTreeMap<(String, AssetKey), Approx>,
    /// Position groups (validator, service set) whose token rate is no longer exactly 1.
    pub dirty: BTreeSet<(String, Vec<u64>)>,
    pub next_service_id: u64,
    pub next_unbonding_id: u64,
    pub next_slash_id: u64,
    next_batch_id: u64,
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
}

const MAX_NAME_LEN: usize = 64;
const MAX_URI_LEN: usize = 256;
const MAX_EVIDENCE_LEN: usize = 2048;
const MAX_ENTRIES: usize = 7;

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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tri {
    Yes,
    Maybe,
    No,
}

impl Model {
    pub fn new(env: &Env, config: MConfig, owner: &str, now: u64) -> Model {
        Model {
            now,
            bonded_denom: env.bonded_denom.clone(),
            chain_validators: env.chain_validators.clone(),
            contracts: env.contracts.clone(),
            valid_addr: env.valid_addr.clone(),
            config,
            owner: Some(owner.to_string()),
            pending_owner: None,
            services: BTreeMap::new(),
            positions: BTreeMap::new(),
            entries: BTreeMap::new(),
            batches: BTreeMap::new(),
            validators: env
                .chain_validators
                .iter()
                .map(|v| (v.clone(), MVal::default()))
                .collect(),
            slashes: BTreeMap::new(),
            owed: BTreeMap::new(),
            dirty: BTreeSet::new(),
            next_service_id: 0,
            next_unbonding_id: 0,
            next_slash_id: 0,
            next_batch_id: 0,
            total_slashed: Approx::default(),
            chain_slashed: Approx::default(),
            pending_routing: Approx::default(),
            burned: Approx::default(),
            to_community_pool: Approx::default(),
            to_address: BTreeMap::new(),
            paid_in: BTreeMap::new(),
            paid_out: BTreeMap::new(),
            dust: BTreeMap::new(),
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

    pub fn stakers(&self) -> BTreeSet<String> {
        self.positions.keys().map(|(s, _)| s.clone()).collect()
    }

    /// Whether the batch has matured on the chain (the hub may not have settled it yet).
    fn batch_matured(&self, b: &MBatch) -> bool {
        match b.status {
            BStatus::Settled { .. } => true,
            BStatus::Sent { completion } => completion <= self.now,
            BStatus::Queued => false,
        }
    }

    /// (completion time, matured, status name) of an entry as `unbondings` shows it.
    pub fn entry_view(&self, e: &MEntry) -> (u64, bool, &'static str) {
        let b = &self.batches[&e.batch];
        match b.status {
            BStatus::Queued => {
                let v = self.val(&e.validator);
                let send = match v.last_send {
                    Some(t) => (t + self.config.unbonding_epoch).max(self.now),
                    None => self.now,
                };
                (send + self.config.unbonding_period, false, "queued")
            }
            BStatus::Sent { completion } => {
                let m = completion <= self.now;
                (completion, m, if m { "claimable" } else { "unbonding" })
            }
            BStatus::Settled { completion } => (completion, true, "claimable"),
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

    // ------------------------------------------------------------------ syncs

    /// Validators whose native rewards the hub withdraws (and whose chain slashing it notices)
    /// when `a` succeeds. The harness checks this against the chain.
    pub fn sync_set(&self, a: &Action) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Action::Hub { sender, msg, .. } = a else {
            return out;
        };
        match msg {
            ExecuteMsg::Deposit { validator }
            | ExecuteMsg::Unbond { validator, .. }
            | ExecuteMsg::SyncValidator { validator } => {
                out.insert(validator.clone());
            }
            ExecuteMsg::ClaimRewards {} => {
                for (s, v) in self.positions.keys() {
                    if s == sender {
                        out.insert(v.clone());
                    }
                }
            }
            ExecuteMsg::Harvest { validators } => match validators {
                Some(list) => out.extend(list.iter().cloned()),
                None => out.extend(
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
                out.insert(validator.clone());
            }
            ExecuteMsg::ExecuteSlash { slash_id } => {
                if let Some(r) = self.slashes.get(slash_id) {
                    out.insert(r.validator.clone());
                }
            }
            ExecuteMsg::ProcessUnbondings {} => {
                out.extend(self.settlement_syncs());
                // validators whose queued batch goes out (after settlement)
                let mut m = self.clone();
                m.settle_due();
                for (v, st) in &m.validators {
                    if st.queued.is_some() && m.send_due(v) {
                        out.insert(v.clone());
                    }
                }
            }
            ExecuteMsg::ClaimUnbonded {} => out.extend(self.settlement_syncs()),
            _ => {}
        }
        out
    }

    /// A pending slash request against one of the entry's services on its validator holds
    /// it: `claim_unbonded` waits (the `frozen` of an unbonding).
    pub fn frozen(&self, e: &MEntry) -> bool {
        let st = self.val(&e.validator);
        e.services.iter().any(|s| st.is_exposed(*s))
    }

    /// Batches that are due: sent and past their completion time.
    fn due_batches(&self) -> Vec<u64> {
        self.batches
            .iter()
            .filter(
                |(_, b)| matches!(b.status, BStatus::Sent { completion } if completion <= self.now),
            )
            .map(|(id, _)| *id)
            .collect()
    }

    fn batch_expected(&self, id: u64) -> Hp {
        let b = &self.batches[&id];
        let entries: Hp = self
            .entries
            .values()
            .filter(|e| e.batch == id)
            .map(|e| e.amt)
            .sum();
        entries.add(b.slashed)
    }

    /// When due batches returned short (a chain slash in flight), the hub syncs the
    /// validators of every due batch before settling.
    fn settlement_syncs(&self) -> BTreeSet<String> {
        let due = self.due_batches();
        let short = due.iter().any(|id| {
            let b = &self.batches[id];
            // The contract expects whole units: at least one whenever the batch carries
            // slashed stake (a slash rounds up per pool), and the chain's slash of an
            // unbonding entry rounds what it returns down.
            b.chain_mult < Hp::one()
                && (self.batch_expected(*id) >= Hp::one() || b.slashed > Hp::zero())
        });
        if short {
            due.iter()
                .map(|id| self.batches[id].validator.clone())
                .collect()
        } else {
            BTreeSet::new()
        }
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

    /// The hub notices a chain slash of `v`: everything still delegated there shares it.
    fn sync(&mut self, v: &str) {
        let Some(keep) = self.val(v).pending_chain else {
            return;
        };
        let st = self.val_mut(v);
        st.pending_chain = None;
        st.observed = st.observed.mul(keep);
        let mut lost = Hp::zero();
        let mut n = 0u128;
        let keys: Vec<(String, String)> = self
            .positions
            .keys()
            .filter(|(_, pv)| pv == v)
            .cloned()
            .collect();
        for k in keys {
            let p = self.positions.get_mut(&k).unwrap();
            let after = p.amt.mul(keep);
            lost = lost.add(p.amt.sub(after));
            p.amt = after;
            p.tol += 2;
            n += 1;
            self.dirty.insert((v.to_string(), set_vec(&p.services)));
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
                let set = e.services.clone();
                self.batches.get_mut(&bid).unwrap().dirty.insert(set);
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
    }

    // ------------------------------------------------------------------ unbonding batches

    fn send_due(&self, v: &str) -> bool {
        let st = self.val(v);
        let in_flight = self
            .batches
            .values()
            .filter(|b| b.validator == v && matches!(b.status, BStatus::Sent { .. }))
            .count();
        st.queued.is_some()
            && in_flight < MAX_ENTRIES
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
        let observed = self.val(v).observed;
        let b = self.batches.get_mut(&bid).unwrap();
        b.status = BStatus::Sent { completion };
        b.observed_at_send = observed;
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
                observed_at_send: Hp::one(),
                dirty: BTreeSet::new(),
            },
        );
        self.val_mut(v).queued = Some(id);
        id
    }

    /// Settles every due batch: its entries become claimable with what the chain returned.
    ///
    /// Each batch keeps exactly what the chain returned for it (docs/design.md: a short batch
    /// spreads its own shortfall over its entries), even when several return together: the
    /// hub attributes a short return to the batches a detected chain slash may have hit
    /// while they were in flight (see `regression_a_batch_returned_before_a_chain_slash_*`).
    fn settle_due(&mut self) {
        let due = self.due_batches();
        let shortfall: Hp = due
            .iter()
            .map(|id| {
                let e = self.batch_expected(*id);
                e.sub(e.mul(self.batches[id].chain_mult))
            })
            .sum();
        for id in due.iter().copied() {
            let completion = match self.batches[&id].status {
                BStatus::Sent { completion } => completion,
                _ => continue,
            };
            // Each batch keeps what the chain returned for it (docs/design.md: "a matured batch that
            // returns less than expected spreads the shortfall over its entries").
            let mult = if shortfall.is_zero() {
                Hp::one()
            } else {
                self.batches[&id].chain_mult
            };
            let slashed = self.batches[&id].slashed;
            let mut lost = Hp::zero();
            let mut n = 0u128;
            for e in self.entries.values_mut().filter(|e| e.batch == id) {
                let after = e.amt.mul(mult);
                lost = lost.add(e.amt.sub(after));
                e.amt = after;
                // scaling, merging into the claimable group, the entry's share of it
                e.tol += 4;
                n += 1;
            }
            let routed = slashed.mul(mult);
            lost = lost.add(slashed.sub(routed));
            self.pending_routing.v = self.pending_routing.v.sub(slashed);
            self.pending_routing.tol += 1;
            let tol = self.batches[&id].slashed_tol;
            self.route(routed, tol + 2);
            if !shortfall.is_zero() {
                self.chain_slashed.add(lost, n + 2);
            }
            self.batches.get_mut(&id).unwrap().status = BStatus::Settled { completion };
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

    // ------------------------------------------------------------------ groups

    /// A position group changed (a join or a leave): with a token rate other than 1 the
    /// contract rounds, by at most a unit for each member.
    fn touch_group(&mut self, v: &str, set: &[u64], actor: Option<&str>) {
        if !self.dirty.contains(&(v.to_string(), set.to_vec())) {
            return;
        }
        for ((s, pv), p) in self.positions.iter_mut() {
            if pv == v && set_vec(&p.services) == set {
                p.tol += if actor == Some(s.as_str()) { 2 } else { 1 };
            }
        }
    }

    /// Forgets dirty marks of groups nobody is in any more (the contract's pool is empty and
    /// its next member joins at a rate of exactly 1).
    fn clean_groups(&mut self) {
        let live: BTreeSet<(String, Vec<u64>)> = self
            .positions
            .iter()
            .map(|((_, v), p)| (v.clone(), set_vec(&p.services)))
            .collect();
        self.dirty.retain(|g| live.contains(g));
    }

    /// Moves a position to another service set (opt-in, opt-out completion).
    fn move_position(&mut self, staker: &str, v: &str, to: BTreeSet<u64>) {
        let key = (staker.to_string(), v.to_string());
        let from = set_vec(&self.positions[&key].services);
        self.touch_group(v, &from, Some(staker));
        let to_vec = set_vec(&to);
        let joins_dirty = self.dirty.contains(&(v.to_string(), to_vec.clone()));
        let p = self.positions.get_mut(&key).unwrap();
        p.services = to;
        // leaving a group rounds the value down; joining a dirty one rounds the shares down
        if self.dirty.contains(&(v.to_string(), from)) {
            p.tol += 1;
        }
        if joins_dirty {
            self.touch_group(v, &to_vec, Some(staker));
        }
        self.clean_groups();
    }

    /// Closes a position the contract closed (its exact value was within the tolerance of
    /// zero); what the model still counted in it is nobody's.
    pub fn close_position(&mut self, staker: &str, v: &str) {
        if let Some(p) = self.positions.remove(&(staker.to_string(), v.to_string())) {
            let k = AssetKey::Native(self.bonded_denom.clone());
            let d = self.dust.get(&k).copied().unwrap_or_default();
            self.dust.insert(k, d.add(p.amt));
        }
        self.clean_groups();
    }

    // ------------------------------------------------------------------ expectations

    /// What the hub must do with `a`.
    pub fn expect(&self, a: &Action) -> Expect {
        let mut r = Reasons::default();
        match a {
            Action::ChainSlash { .. } | Action::Advance(_) | Action::Jail { .. } => {
                return Expect::Ok
            }
            Action::Cw20Send {
                token,
                amount,
                service_id,
                underfunded,
                ..
            } => {
                r.must(*amount == 0, "Invalid zero amount");
                r.must(*underfunded, "Cannot Sub");
                self.reward_refusals(
                    &mut r,
                    *service_id,
                    &[(AssetKey::Cw20(token.clone()), *amount)],
                );
            }
            Action::Hub {
                sender,
                msg,
                funds,
                underfunded,
            } => {
                r.must(*underfunded, "Cannot Sub");
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
                self.hub_refusals(&mut r, sender, msg, funds);
            }
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
                if amt.is_zero() {
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
        if self
            .entries
            .values()
            .any(|e| e.validator == v && e.services.contains(&service))
        {
            return Tri::No;
        }
        let mut out = Tri::Yes;
        for ((_, pv), p) in &self.positions {
            if pv == v && p.services.contains(&service) {
                if p.amt >= Hp::int(p.tol + 2) {
                    return Tri::No;
                }
                out = Tri::Maybe;
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
            // (not generated yet: x/liquid is not on this chain, nor governance)
            ExecuteMsg::WithdrawShares { .. } | ExecuteMsg::Vote { .. } => {
                r.must(true, "liquid staking");
            }
            ExecuteMsg::Deposit { validator } => {
                r.must(cfg.paused, "paused");
                r.must(funds.is_empty(), "No funds sent");
                r.must(funds.len() > 1, "Sent more than one denomination");
                if let [c] = funds {
                    if c.denom == self.bonded_denom {
                        r.must(
                            c.amount.u128() < cfg.min_deposit,
                            "is below the minimum deposit",
                        );
                    } else {
                        r.must(
                            true,
                            format!("Must send reserve token '{}'", self.bonded_denom),
                        );
                    }
                }
                r.must(
                    !self.chain_validators.contains(validator) || self.val(validator).jailed,
                    "is not a bonded validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), validator.clone())) {
                    let st = self.val(validator);
                    r.must(
                        p.services.iter().any(|s| st.is_exposed(*s)),
                        "is frozen by a pending slash request",
                    );
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
                r.tri(
                    self.value_zero(sender, validator, Hp::one()),
                    "you have no position on validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), validator.clone())) {
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
                    let st = self.val(validator);
                    r.must(
                        added && set.iter().any(|s| st.is_exposed(*s)),
                        "is frozen by a pending slash request",
                    );
                }
            }
            ExecuteMsg::OptOut {
                validator,
                service_ids,
            } => {
                check_ids(r, service_ids);
                match self.positions.get(&(sender.to_string(), validator.clone())) {
                    None => r.must(true, "you have no position on validator"),
                    Some(p) => {
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
            }
            ExecuteMsg::CompleteOptOut { validator } => {
                r.tri(
                    self.value_zero(sender, validator, Hp::one()),
                    "you have no position on validator",
                );
                if let Some(p) = self.positions.get(&(sender.to_string(), validator.clone())) {
                    let st = self.val(validator);
                    let done = p
                        .pending
                        .iter()
                        .filter(|(s, at)| **at <= self.now && !st.is_exposed(**s))
                        .count();
                    r.must(done == 0, "nothing to complete");
                }
            }
            ExecuteMsg::Unbond { validator, amount } => {
                r.must(amount.is_zero(), "amount must be greater than zero");
                match self.positions.get(&(sender.to_string(), validator.clone())) {
                    None => r.must(true, "you have no position on validator"),
                    Some(p) => {
                        let keep = self.val(validator).pending_chain.unwrap_or(Hp::one());
                        let value = p.amt.mul(keep);
                        let tol = Hp::int(p.tol + 3);
                        let a = Hp::int(amount.u128());
                        let above = if a > value.add(tol) {
                            Tri::Yes
                        } else if a.add(tol) > value {
                            Tri::Maybe
                        } else {
                            Tri::No
                        };
                        r.tri(above, "exceeds your bonded");
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
                let claimable = mine
                    .iter()
                    .any(|e| self.batch_matured(&self.batches[&e.batch]) && !self.frozen(e));
                r.must(!mine.is_empty() && !claimable, "nothing to claim");
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
                r.tri(
                    self.nothing_to_slash(*service_id, validator),
                    "nothing to slash",
                );
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
                        r.must(!seen.insert(v), format!("duplicate validator {v}"));
                        r.must(
                            !self.val(v).known,
                            format!("the hub has no stake on validator {v}"),
                        );
                    }
                }
            }
            ExecuteMsg::SyncValidator { validator } => {
                r.must(
                    !self.val(validator).known,
                    format!("the hub has no stake on validator {validator}"),
                );
            }
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

    // ------------------------------------------------------------------ effects

    /// Applies an action the hub accepted. `obs` carries the amounts the hub paid, which the
    /// model checks against its own before taking them; a difference beyond the tolerance is
    /// returned as an error.
    pub fn apply(&mut self, a: &Action, obs: &Observed) -> Result<(), String> {
        match a {
            Action::Advance(secs) => {
                self.now += secs;
                Ok(())
            }
            Action::Jail { validator, jailed } => {
                self.val_mut(validator).jailed = *jailed;
                Ok(())
            }
            Action::ChainSlash {
                validator,
                fraction,
            } => {
                let keep = Hp::one().sub(Hp::dec(*fraction));
                let st = self.val_mut(validator);
                st.pending_chain = Some(st.pending_chain.unwrap_or(Hp::one()).mul(keep));
                let now = self.now;
                for b in self.batches.values_mut() {
                    if b.validator == *validator
                        && matches!(b.status, BStatus::Sent { completion } if completion > now)
                    {
                        b.chain_mult = b.chain_mult.mul(keep);
                    }
                }
                Ok(())
            }
            Action::Cw20Send {
                token,
                amount,
                service_id,
                ..
            } => {
                self.credit_service(*service_id, AssetKey::Cw20(token.clone()), *amount);
                Ok(())
            }
            Action::Hub {
                sender, msg, funds, ..
            } => {
                for v in self.sync_set(a) {
                    self.sync(&v);
                }
                self.apply_hub(sender, msg, funds, obs)
            }
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
        match msg {
            ExecuteMsg::Proxy { .. }
            | ExecuteMsg::WithdrawShares { .. }
            | ExecuteMsg::Vote { .. } => {}
            ExecuteMsg::Deposit { validator } => {
                let amount = Hp::int(funds[0].amount.u128());
                self.val_mut(validator).known = true;
                let key = (sender.to_string(), validator.clone());
                let p = self.positions.entry(key).or_insert_with(|| MPos {
                    amt: Hp::zero(),
                    tol: 0,
                    services: BTreeSet::new(),
                    pending: BTreeMap::new(),
                });
                p.amt = p.amt.add(amount);
                let set = set_vec(&p.services);
                self.touch_group(validator, &set, Some(sender));
            }
            ExecuteMsg::OptIn {
                validator,
                service_ids,
            } => {
                let key = (sender.to_string(), validator.clone());
                let p = self.positions.get_mut(&key).unwrap();
                let mut to = p.services.clone();
                let mut added = false;
                for id in service_ids {
                    if p.pending.remove(id).is_none() {
                        added |= to.insert(*id);
                    }
                }
                if added {
                    self.move_position(sender, validator, to);
                }
            }
            ExecuteMsg::OptOut {
                validator,
                service_ids,
            } => {
                let key = (sender.to_string(), validator.clone());
                for id in service_ids {
                    let at = now + self.services[id].opt_out_delay;
                    self.positions
                        .get_mut(&key)
                        .unwrap()
                        .pending
                        .insert(*id, at);
                }
            }
            ExecuteMsg::CompleteOptOut { validator } => {
                let key = (sender.to_string(), validator.clone());
                let st = self.val(validator);
                let p = self.positions.get_mut(&key).unwrap();
                let done: Vec<u64> = p
                    .pending
                    .iter()
                    .filter(|(s, at)| **at <= now && !st.is_exposed(**s))
                    .map(|(s, _)| *s)
                    .collect();
                let mut to = p.services.clone();
                for s in &done {
                    p.pending.remove(s);
                    to.remove(s);
                }
                self.move_position(sender, validator, to);
            }
            ExecuteMsg::Unbond { validator, amount } => {
                let key = (sender.to_string(), validator.clone());
                let set = set_vec(&self.positions[&key].services);
                self.touch_group(validator, &set, Some(sender));
                let a = Hp::int(amount.u128());
                let p = self.positions.get_mut(&key).unwrap();
                p.amt = p.amt.sub(a);
                if self.dirty.contains(&(validator.clone(), set.clone())) {
                    p.tol += 1;
                }
                if p.amt.is_zero() {
                    self.positions.remove(&key);
                }
                let bid = self.queued_batch(validator);
                let mut tol = 0;
                if self.batches[&bid].dirty.contains(&set) {
                    tol = 2;
                    for e in self.entries.values_mut() {
                        if e.batch == bid && e.services == set {
                            e.tol += 1;
                        }
                    }
                }
                self.next_unbonding_id += 1;
                self.entries.insert(
                    (sender.to_string(), self.next_unbonding_id),
                    MEntry {
                        validator: validator.clone(),
                        amt: a,
                        tol,
                        services: set,
                        batch: bid,
                    },
                );
                self.try_send(validator);
                self.clean_groups();
            }
            ExecuteMsg::ClaimUnbonded {} => {
                self.settle_due();
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
                for k in &claimed {
                    let e = self.entries.remove(k).unwrap();
                    paid.add(e.amt, e.tol);
                    n += 1;
                    // the others in its claimable group see the rounding of this claim
                    for o in self.entries.values_mut() {
                        if o.validator == e.validator
                            && o.services == e.services
                            && matches!(self.batches[&o.batch].status, BStatus::Settled { .. })
                        {
                            o.tol += 1;
                        }
                    }
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
                    let m = pending.get(&asset).copied().unwrap_or_default();
                    let paid = obs.paid_rewards.get(&asset).copied().unwrap_or(0);
                    if !within(paid, m.v, m.tol + npos + 1, m.tol) {
                        return Err(format!(
                            "claim_rewards paid {paid} of {asset:?} but the model owes {:?} (−{} / +{})",
                            m.v,
                            m.tol + npos + 1,
                            m.tol
                        ));
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
                        validator: validator.clone(),
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
                let st = self.val_mut(validator);
                st.known = true;
                *st.exposed.entry(*service_id).or_default() += 1;
                if veto == 0 {
                    self.execute_slash(id);
                }
            }
            ExecuteMsg::VetoSlash { slash_id } => {
                let q = self.slashes.get_mut(slash_id).unwrap();
                q.status = SlashStatus::Vetoed;
                q.resolved_at = Some(now);
                let (s, v) = (q.service_id, q.validator.clone());
                self.release(s, &v);
            }
            ExecuteMsg::ExecuteSlash { slash_id } => self.execute_slash(*slash_id),
            ExecuteMsg::Harvest { .. } | ExecuteMsg::SyncValidator { .. } => {}
            ExecuteMsg::ProcessUnbondings {} => {
                self.settle_due();
                let queued: Vec<String> = self
                    .validators
                    .iter()
                    .filter(|(_, v)| v.queued.is_some())
                    .map(|(k, _)| k.clone())
                    .collect();
                for v in queued {
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

    fn release(&mut self, service: u64, v: &str) {
        let st = self.val_mut(v);
        if let Some(n) = st.exposed.get_mut(&service) {
            *n -= 1;
            if *n == 0 {
                st.exposed.remove(&service);
            }
        }
    }

    /// Applies a slash request: its fraction of every position and unclaimed unbonding on the
    /// validator that secures the service.
    fn execute_slash(&mut self, id: u64) {
        let (service, v, f) = {
            let q = &self.slashes[&id];
            (q.service_id, q.validator.clone(), q.fraction)
        };
        let mut bonded = Approx::default();
        let mut sets = BTreeSet::new();
        for ((_, pv), p) in self.positions.iter_mut() {
            if *pv == v && p.services.contains(&service) {
                let taken = p.amt.mul_dec(f);
                p.amt = p.amt.sub(taken);
                bonded.add(taken, p.tol);
                p.tol += 1;
                sets.insert(set_vec(&p.services));
            }
        }
        bonded.tol += sets.len() as u128;
        for s in &sets {
            self.dirty.insert((v.clone(), s.clone()));
        }
        if !bonded.v.is_zero() {
            let bid = self.queued_batch(&v);
            let b = self.batches.get_mut(&bid).unwrap();
            b.slashed = b.slashed.add(bonded.v);
            b.slashed_tol += bonded.tol;
            self.pending_routing.add(bonded.v, bonded.tol);
        }
        let mut unbonding = Approx::default();
        let mut groups = BTreeSet::new();
        let mut routed_now = Approx::default();
        let keys: Vec<(String, u64)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.validator == v && e.services.contains(&service))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            let e = self.entries.get_mut(&k).unwrap();
            let taken = e.amt.mul_dec(f);
            e.amt = e.amt.sub(taken);
            unbonding.add(taken, e.tol);
            e.tol += 1;
            groups.insert((e.batch, e.services.clone()));
            let bid = e.batch;
            let set = e.services.clone();
            let b = self.batches.get_mut(&bid).unwrap();
            b.dirty.insert(set);
            if matches!(b.status, BStatus::Settled { .. }) {
                routed_now.add(taken, e.tol);
            } else {
                b.slashed = b.slashed.add(taken);
                b.slashed_tol += e.tol + 1;
                self.pending_routing.add(taken, e.tol + 1);
            }
        }
        unbonding.tol += groups.len() as u128;
        if !routed_now.v.is_zero() {
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
        self.release(service, &v);
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
