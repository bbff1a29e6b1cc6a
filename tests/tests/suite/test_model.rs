//! Model-based stateful testing: random sequences of every message of docs/interface.md, from
//! stakers, services, the owner, strangers and throwaway accounts, with malformed amounts,
//! unknown ids, upper- and mixed-case validator addresses, time jumps, chain slashes from
//! 0.01 % to 100 % (also of validators the hub keeps only unbonding entries on), batches of
//! several validators maturing together, pool-cap pressure, a reward token that refuses
//! transfers and storms of slash requests, run against the contract on cw-multi-test and
//! against the reference model (`model.rs`). After every step:
//!
//! - the outcome is the model's (accepted, or refused with an error that names one of the
//!   reasons the model finds);
//! - a refused message changed nothing (the hub's storage byte for byte, its balances);
//! - every query (`config`, `ownership`, `service`, `services`, `service_stake`, `position`
//!   with its `pool_id`, `positions`, `pools`, `pending_rewards`, `unbondings`,
//!   `staker_overview`, `stats`, `slash_request`, `slash_requests`) matches the model within
//!   its tolerances;
//! - the hub harvested native rewards exactly from the validators the model says it touched;
//! - settlement: each batch got what the chain returned for it (or its cohort's share, see
//!   `model.rs`), and a due batch the hub can settle was settled when its account was looked
//!   at (liveness, checked at every claim and crank);
//! - a liveness probe (on a snapshot of the chain, whenever new batches are due): a few
//!   cranks in later blocks settle every due batch, and every staker with a matured
//!   unbonding no earlier request holds can claim it;
//! - conservation: the Suite's `check_invariants` (bonded denom, with in-flight
//!   undelegations), and for every other denom and cw20 token the hub's balance equals what
//!   services paid minus what stakers claimed, and covers every pending reward; slashed
//!   tokens routed equal what the destinations received.
//!
//! Each case ends by resolving every request, unbonding everything, waiting and claiming
//! (everybody can always leave).
//!
//! Runs (fixed seeds; `RESTAKE_SEED`, `RESTAKE_CASES`, `RESTAKE_STEPS` override them):
//!
//! ```sh
//! # every `cargo test`: 24 cases of up to 60 steps
//! cargo test -p restake-tests test_model
//! # CI: ≥ 100,000 steps over two seeds run in parallel (release: see docs/soak.md)
//! RESTAKE_CI=1 cargo test -p restake-tests --release model_ci -- --test-threads 2
//! # a soak: scripts/soak.sh (10^6 steps, several seeds)
//! RESTAKE_LONG=1 RESTAKE_CASES=20000 RESTAKE_SEED=42 cargo test -p restake-tests --release model_matches_contract -- --nocapture
//! ```
//!
//! `RESTAKE_VERBOSE=1` prints, per message kind, how often it was accepted and refused and
//! why, per comparison the largest difference seen against the largest tolerance allowed, and
//! the known contract bugs met; `RESTAKE_TRACE=1` prints every step; `RESTAKE_STRICT=1` fails
//! on known contract bugs instead of counting them.
//!
//! A failure shrinks to a minimal sequence, printed as Rust: paste it into a named
//! regression test at the end of this file (`replay(&[...])`). No proptest regression file
//! is written (`failure_persistence: None`): the seeds are fixed, and shrunk sequences live
//! on as named tests.
//!
//! What the generator avoids, and why:
//! - a second chain slash of the same validator (cw-multi-test's staking module keeps the
//!   delegation in fractional shares after a slash and then fails a full undelegation), and
//!   slashes of validators nobody ever delegated to (cw-multi-test has no record of them);
//!   deposits above 2·10^9 (cw-multi-test overflows computing native rewards on larger
//!   stakes);
//! - `unbonding_period` longer than the chain's (a contract bug, see
//!   `regression_a_longer_unbonding_period_loses_whole_batches`).
//!
//! Known contract bugs are tolerated where they would otherwise fail most long runs (the
//! model counts them; `RESTAKE_STRICT=1` turns them into failures):
//! `regression_a_short_batch_judged_alone_is_paid_in_full_by_the_next`.
//!
//! Why one file: the generator of operations, the world that resolves them into steps and the
//! runner that compares the hub with the model after each one are one machine; the reference
//! model itself is in `model.rs`, its governance part in `model_gov.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use cosmwasm_std::{coin, to_json_binary, Coin, Decimal, Uint128};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use restake_multitest::{err_text, opened_proposal, Step, Suite, SuiteBuilder, HUB_UNBONDING};
use restake_types::{
    ExecuteMsg, QueryMsg, ReceiveMsg, RegisterServiceMsg, ServiceStatus, SlashDestination,
    SlashRequestsResponse, SlashStatus, StakerOverviewResponse, UnbondingStatus, VoteOption,
    WeightedVote,
};
use serde_json::json;

#[path = "model_findings.rs"]
mod findings;

use super::model::{canon, within, AssetKey, Env, Expect, Hp, MConfig, Model, Observed};
use super::model_gov::GovRef;
use super::model_token as hostile;

macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(format!($($arg)*));
        }
    };
}
// ---------------------------------------------------------------------------- the world

/// Accounts that hold positions: index 3 is a stranger who also deposits sometimes; the
/// `junk` accounts are throwaway accounts filling pool slots.
const STAKERS: [&str; 10] = [
    "alice", "bob", "carol", "stranger", "junk1", "junk2", "junk3", "junk4", "junk5", "junk6",
];
const JUNK: usize = 4;
const DENOMS: [&str; 4] = ["uosmo", "untrn", "uatom", "ujunk"];
const TREASURY: &str = "treasury";
const NOT_A_VALIDATOR: &str = "cosmwasmvaloper1notavalidatorxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const MIN_DEPOSIT: u128 = 1_000;
/// Pool slots per validator at the start (a cap the generator may change).
const POOL_CAP: u32 = 3;

struct World {
    suite: Suite,
    model: Model,
    token: String,
    /// A reward token (declared by service 3) that can be made to refuse transfers.
    hostile: String,
    /// Validators slashed on the chain this run (cw-multi-test mishandles a second slash).
    chain_slashed: BTreeSet<String>,
    /// Due batches the liveness probe last looked at.
    probed: BTreeSet<u64>,
    /// Slash requests resolved and compared since.
    final_requests: std::cell::RefCell<BTreeSet<u64>>,
    /// Compare the queries only when asked (the final exits: the model still checks every
    /// amount paid and every settlement rule at each step).
    light: bool,
    log: Vec<String>,
    /// Governance: proposals, ballots and tallies (`model_gov`).
    gov: GovRef,
}

fn addr(s: &Suite, name: &str) -> String {
    s.addr(name).to_string()
}

impl World {
    /// Of `ids`, the pools the contract has evicted and not converted yet (read from its
    /// storage: no query shows it, and the model follows it where its rounding cannot tell
    /// which pool an eviction took).
    fn leaving_pools(&self, ids: &[u64]) -> BTreeSet<u64> {
        let storage = self.suite.app.contract_storage(&self.suite.hub);
        let Ok(mut books) = restake_hub::state::books::Books::read(&*storage) else {
            return BTreeSet::new();
        };
        ids.iter()
            .copied()
            .filter(|id| books.pool(*id).is_ok_and(|p| p.leaving.is_some()))
            .collect()
    }

    fn new() -> World {
        let mut suite = SuiteBuilder::new()
            .with_validators(3)
            .with_apr(Decimal::percent(10))
            .with_hub(|m| {
                m.min_deposit = Some(Uint128::new(MIN_DEPOSIT));
                m.max_pools_per_validator = Some(POOL_CAP);
                m.max_open_votes = Some(MAX_OPEN_VOTES as u32);
            })
            .build();
        // Start 6 days before the history ring's slot 0, so that a run longer than a week
        // reads history windows that wrap around the ring (the invariants check their order).
        let ring = restake_hub::history::HISTORY_DAYS + 1;
        let day = suite.now().seconds() / 86_400;
        suite.advance((2 * ring - 6 - day % ring) % ring * 86_400);
        let token = suite
            .create_cw20("RWD", &[("svc1", 1_000_000_000_000_000_000)])
            .to_string();
        let hostile =
            hostile::create(&mut suite, &[("svc3", 1_000_000_000_000_000_000)]).to_string();
        let api = *suite.app.api();
        let env = Env {
            bonded_denom: suite.denom.clone(),
            chain_validators: suite.validators.clone(),
            valid_addr: Rc::new(move |a: &str| {
                use cosmwasm_std::Api;
                api.addr_validate(a).is_ok()
            }),
            contracts: [token.clone(), hostile.clone()].into_iter().collect(),
            hostile: Some(hostile.clone()),
        };
        let config = MConfig {
            unbonding_period: HUB_UNBONDING,
            unbonding_epoch: HUB_UNBONDING.div_ceil(7),
            min_deposit: MIN_DEPOSIT,
            max_services_per_position: 8,
            // a week by default (a request holds an exit at most one veto window)
            max_veto_period: 7 * 24 * 3600,
            max_reward_assets: 8,
            max_pools_per_validator: POOL_CAP,
            slash_destination: SlashDestination::Burn {},
            paused: false,
        };
        let owner = suite.owner.to_string();
        let now = suite.now().seconds();
        let height = suite.app.block_info().height;
        let mut model = Model::new(&env, config, &owner, now, height);
        model.strict = std::env::var("RESTAKE_STRICT").is_ok();
        let mut w = World {
            suite,
            model,
            token,
            hostile,
            chain_slashed: BTreeSet::new(),
            probed: BTreeSet::new(),
            final_requests: Default::default(),
            light: false,
            log: vec![],
            gov: GovRef::new(MAX_OPEN_VOTES),
        };
        // 1: no veto window, pays uosmo and the token; 2: a veto window and a resolver;
        // 3: a large max_slash, pays in the bonded denom, untrn and the hostile token
        let t = w.token.clone();
        for (admin, msg) in [
            (
                "svc1",
                w.register_msg("svc1", "0.2", 0, 0, &["uosmo"], &[&t], false),
            ),
            (
                "svc2",
                w.register_msg("svc2", "0.1", 86_400, 2 * 86_400, &["uosmo"], &[], true),
            ),
            (
                "svc3",
                w.register_msg("svc3", "0.5", 0, 600, &["uatom", "untrn"], &[], false),
            ),
        ] {
            let a = w.hub(admin, msg, vec![]);
            w.step(&a).expect("setup");
        }
        let add_hostile: ExecuteMsg = serde_json::from_value(
            json!({"update_service": {"service_id": 3, "add_reward_tokens": [w.hostile.clone()]}}),
        )
        .unwrap();
        let a = w.hub("svc3", add_hostile, vec![]);
        w.step(&a).expect("setup: svc3 pays in the hostile token");
        // a few positions to start from
        let (v0, v1) = (w.suite.validator(0), w.suite.validator(1));
        for (who, v, amount, ids) in [
            ("alice", &v0, 1_000_000u128, vec![1u64, 3]),
            ("bob", &v0, 2_000_000, vec![2]),
            ("carol", &v1, 500_000, vec![1, 2]),
            ("alice", &v1, 300_000, vec![]),
        ] {
            let funds = vec![coin(amount, "uatom")];
            let sender = addr(&w.suite, who);
            w.prepare(&Step::top_up(&sender, funds.clone()))
                .expect("setup funds");
            let a = w.hub(
                who,
                ExecuteMsg::Deposit {
                    validator: v.clone(),
                },
                funds,
            );
            w.step(&a).expect("setup deposit");
            if !ids.is_empty() {
                let a = w.hub(
                    who,
                    ExecuteMsg::OptIn {
                        validator: v.clone(),
                        service_ids: ids,
                    },
                    vec![],
                );
                w.step(&a).expect("setup opt-in");
            }
        }
        w
    }

    #[allow(clippy::too_many_arguments)]
    fn register_msg(
        &self,
        name: &str,
        max_slash: &str,
        veto: u64,
        opt_out: u64,
        denoms: &[&str],
        tokens: &[&str],
        resolver: bool,
    ) -> ExecuteMsg {
        ExecuteMsg::RegisterService(RegisterServiceMsg {
            name: name.to_string(),
            slasher: addr(&self.suite, &format!("{name}-slasher")),
            resolver: resolver.then(|| addr(&self.suite, &format!("{name}-resolver"))),
            max_slash: max_slash.parse().unwrap(),
            veto_period: veto,
            opt_out_delay: opt_out,
            reward_denoms: (!denoms.is_empty())
                .then(|| denoms.iter().map(|d| d.to_string()).collect()),
            reward_tokens: (!tokens.is_empty())
                .then(|| tokens.iter().map(|d| d.to_string()).collect()),
            metadata_uri: None,
        })
    }

    /// A message to the hub from an account name or address (the model knows addresses).
    fn hub(&self, sender: &str, msg: ExecuteMsg, funds: Vec<Coin>) -> Step {
        Step::hub(&addr(&self.suite, sender), msg, funds)
    }

    /// The step's sender lacks what it sends: the bank (or the token) refuses, which the
    /// model cannot know.
    fn underfunded(&self, step: &Step) -> bool {
        match step {
            Step::Hub { sender, funds, .. } => funds
                .iter()
                .any(|c| self.suite.balance(sender, &c.denom) < c.amount.u128()),
            Step::DistributeCw20 {
                token,
                from,
                amount,
                ..
            } => self.token_balance(token, from) < *amount,
            _ => false,
        }
    }

    /// Whether the model follows a step: checks its outcome and compares everything after
    /// it. The others prepare a step (funding, tokenizing shares, opening a proposal), are
    /// not messages the model reasons about, and must succeed.
    fn checked(step: &Step) -> bool {
        !matches!(
            step,
            Step::Mint { .. }
                | Step::TopUp { .. }
                | Step::DelegateNative { .. }
                | Step::TokenizeShares { .. }
                | Step::OpenProposal { .. }
        )
    }

    /// Applies a step that prepares the next (see `checked`); an opened proposal enters
    /// the governance model.
    fn prepare(&mut self, step: &Step) -> Result<(), String> {
        // `shares_for` names the share denom before the record exists: check that the
        // tokenization minted exactly that one, or a wrong name would pass as "underfunded".
        let minted = match step {
            Step::TokenizeShares {
                validator,
                amount,
                owner,
                ..
            } => Some((owner.clone(), self.next_share_denom(validator), *amount)),
            _ => None,
        };
        let res = self
            .suite
            .apply(step)
            .map_err(|e| format!("preparing `{step}`: {}", err_text(&e)))?;
        if let Some((owner, denom, amount)) = minted {
            if self.suite.balance(&owner, &denom) < amount {
                return Err(format!("`{step}` did not mint {amount}{denom} to {owner}"));
            }
        }
        if let Step::OpenProposal { voting_period } = step {
            let id = opened_proposal(&res).ok_or("an opened proposal without an id")?;
            self.gov
                .opened(id, self.suite.now().seconds() + voting_period);
        }
        Ok(())
    }

    /// Applies one resolved step: a preparation, or a step the model checks.
    fn run(&mut self, step: &Step) -> Result<(), String> {
        if !Self::checked(step) {
            return self.prepare(step);
        }
        STEPS.with(|n| n.set(n.get() + 1));
        self.step(step)
    }

    fn tokens(&self) -> [String; 2] {
        [self.token.clone(), self.hostile.clone()]
    }

    fn hub_balances(&self) -> Vec<u128> {
        let mut out: Vec<u128> = DENOMS.iter().map(|d| self.suite.hub_balance(d)).collect();
        for t in self.tokens() {
            out.push(self.token_balance(&t, self.suite.hub.as_str()));
        }
        out
    }

    fn cw20(&self, who: &str) -> u128 {
        self.token_balance(&self.token, who)
    }

    fn token_balance(&self, token: &str, who: &str) -> u128 {
        let t = cosmwasm_std::Addr::unchecked(token);
        if token == self.hostile {
            hostile::balance(&self.suite, &t, who)
        } else {
            self.suite.cw20_balance(&t, who)
        }
    }

    fn balances_of(&self, who: &str) -> BTreeMap<AssetKey, u128> {
        let mut out: BTreeMap<AssetKey, u128> = DENOMS
            .iter()
            .map(|d| (AssetKey::Native(d.to_string()), self.suite.balance(who, d)))
            .collect();
        for t in self.tokens() {
            out.insert(AssetKey::Cw20(t.clone()), self.token_balance(&t, who));
        }
        out
    }

    /// What the hub's books say of each validator: (books, queued, batches in flight, last
    /// undelegation).
    fn books(&self) -> BTreeMap<String, (u128, u128, u32, Option<u64>)> {
        self.suite
            .validators
            .iter()
            .map(|v| {
                let b = self.suite.validator_books(v).ok();
                (
                    v.clone(),
                    b.map(|b| {
                        (
                            b.books.u128(),
                            b.queued.u128(),
                            b.batches_in_flight,
                            b.last_undelegation.map(|t| t.seconds()),
                        )
                    })
                    .unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The validator a hub message is about (canonical), if any.
    fn step_validator(step: &Step) -> Option<String> {
        match step.hub_msg()? {
            ExecuteMsg::Deposit { validator }
            | ExecuteMsg::OptIn { validator, .. }
            | ExecuteMsg::OptOut { validator, .. }
            | ExecuteMsg::CompleteOptOut { validator }
            | ExecuteMsg::Unbond { validator, .. } => canon(validator),
            _ => None,
        }
    }

    /// Applies one step to the chain and to the model, and compares everything.
    fn step(&mut self, a: &Step) -> Result<(), String> {
        self.log.push(a.describe());
        let expect = self.gov_expect(a, self.model.expect(a, self.underfunded(a)));
        let dump = self.suite.app.dump_wasm_raw(&self.suite.hub);
        let hub_before = self.hub_balances();
        let rewards_before: Vec<(String, u128)> = self
            .suite
            .validators
            .clone()
            .into_iter()
            .map(|v| {
                let r = self.suite.chain_rewards(&v);
                (v, r)
            })
            .collect();
        let bonded_zero_before: BTreeMap<String, bool> = self
            .suite
            .validators
            .iter()
            .map(|v| (v.clone(), self.bonded_zero(v)))
            .collect();
        let books_before = self.books();
        let payer = match a {
            Step::Hub { sender, .. } => Some(sender.clone()),
            _ => None,
        };
        let before = payer.as_ref().map(|p| self.balances_of(p));
        let result: Result<(), String> = self.suite.apply(a).map(|_| ()).map_err(|e| err_text(&e));
        match (&expect, &result) {
            (Expect::Ok, Ok(())) => {}
            (Expect::Either(_), Ok(())) => {}
            (Expect::Err(reasons) | Expect::Either(reasons), Err(e)) => {
                if !reasons.iter().any(|r| e.contains(r.as_str())) {
                    return Err(format!(
                        "refused with {e:?}, but the model's reasons are {reasons:?}"
                    ));
                }
            }
            (Expect::Ok, Err(e)) => {
                return Err(format!("refused with {e:?}; the model accepts it"))
            }
            (Expect::Err(reasons), Ok(())) => {
                return Err(format!(
                    "accepted; the model refuses it with one of {reasons:?}"
                ))
            }
        }
        record(a, &result);
        if std::env::var("RESTAKE_TRACE").is_ok() {
            println!("{a}\n    -> {result:?} (model: {expect:?})");
        }
        if result.is_err() {
            if self.suite.app.dump_wasm_raw(&self.suite.hub) != dump {
                return Err("a refused message changed the hub's storage".into());
            }
            if self.hub_balances() != hub_before {
                return Err("a refused message changed the hub's balances".into());
            }
            return Ok(());
        }
        // What the model follows: syncs, settlement progress, pools.
        let books_after = self.books();
        let mut obs = Observed::default();
        for v in self.suite.validators.clone() {
            let (books, queued, in_flight, last) = books_after[&v];
            obs.in_flight.insert(v.clone(), in_flight);
            obs.queued.insert(v.clone(), queued);
            if last != books_before[&v].3 {
                obs.sent.insert(v.clone());
            }
            let pools: Vec<u64> = self
                .suite
                .pools(&v)
                .map_err(|e| format!("pools of {v}: {e}"))?
                .iter()
                .map(|p| p.id)
                .collect();
            obs.leaving.extend(self.leaving_pools(&pools));
            obs.pools.insert(v.clone(), pools);
            let withdrew = matches!(a, Step::Hub { .. })
                && self.suite.chain_rewards(&v)
                    < rewards_before.iter().find(|(x, _)| *x == v).unwrap().1;
            let detected =
                self.model.val(&v).pending_chain.is_some() && books <= self.suite.delegation(&v);
            if withdrew || detected {
                obs.synced.insert(v.clone());
            }
        }
        if let (Some(v), Some(p)) = (Self::step_validator(a), &payer) {
            let id = self.suite.position(p, &v).map(|x| x.pool_id).unwrap_or(0);
            obs.actor_pool = (id != 0).then_some(id);
        }
        // Native rewards: the hub withdrew exactly from the validators the model syncs.
        let (must, may) = self.model.sync_set(a, &obs);
        for (v, r) in &rewards_before {
            let after = self.suite.chain_rewards(v);
            // (a chain slash of 100 % takes the delegation and its rewards with it)
            let withdrew = after < *r && matches!(a, Step::Hub { .. });
            if withdrew && !must.contains(v) && !may.contains(v) {
                return Err(format!(
                    "the hub withdrew {r} rewards of {v}, which the model did not expect it to touch"
                ));
            }
            if !withdrew && *r > 0 && must.contains(v) && matches!(a, Step::Hub { .. }) {
                return Err(format!(
                    "the hub left {r} accrued rewards on {v} although it changed or synced it"
                ));
            }
            if withdrew {
                self.model
                    .validators
                    .entry(v.clone())
                    .or_default()
                    .bonded_zero = bonded_zero_before[v];
                self.model.credit_native(v, *r);
            }
            self.model
                .validators
                .entry(v.clone())
                .or_default()
                .chain_rewards = after;
        }
        let claim = matches!(
            a,
            Step::Hub {
                msg: ExecuteMsg::ClaimRewards {} | ExecuteMsg::ClaimUnbonded {},
                ..
            }
        );
        if let (true, Some(p), Some(before)) = (claim, &payer, &before) {
            let after = self.balances_of(p);
            for (k, b) in before {
                if after[k] > *b {
                    obs.paid_rewards.insert(k.clone(), after[k] - b);
                }
            }
        }
        if let Step::Hub {
            msg: ExecuteMsg::ClaimUnbonded {},
            ..
        } = a
        {
            obs.paid_unbonded = obs
                .paid_rewards
                .remove(&AssetKey::Native(self.suite.denom.clone()))
                .unwrap_or(0);
        }
        self.model.apply(a, &obs)?;
        self.gov_apply(a)?;
        for v in self.suite.validators.clone() {
            let r = self.suite.chain_rewards(&v);
            let zero = self.bonded_zero(&v);
            let books = books_after[&v].0;
            let st = self.model.validators.entry(v).or_default();
            st.chain_rewards = r;
            st.bonded_zero = zero;
            st.books = books;
        }
        self.model.now = self.suite.now().seconds();
        self.model.height = self.suite.app.block_info().height;
        self.reconcile()?;
        // (the model checks every payment and settlement at each step; the full comparison
        // of the queries, most of the time a step costs, runs every `COMPARE_EVERY` steps)
        if self.light
            || !self
                .log
                .len()
                .is_multiple_of(COMPARE_EVERY.with(|c| c.get()))
        {
            return self.probe();
        }
        let t = std::time::Instant::now();
        let r = self.compare();
        COMPARE_NANOS.fetch_add(
            t.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        r?;
        self.probe()
    }

    /// The hub's books show no bonded stake on `v`.
    fn bonded_zero(&self, v: &str) -> bool {
        self.suite
            .validator_books(v)
            .map(|b| b.bonded.is_zero())
            .unwrap_or(true)
    }

    /// Positions whose exact value is within the tolerance of zero: the contract may have
    /// closed them (the model follows, and learns whether a fraction of a unit kept their pool
    /// alive).
    fn reconcile(&mut self) -> Result<(), String> {
        let keys: Vec<(String, String)> = self.model.positions.keys().cloned().collect();
        let mut closed = BTreeSet::new();
        for (s, v) in keys {
            let p = &self.model.positions[&(s.clone(), v.clone())];
            if p.amt >= Hp::int(p.tol + 3) {
                continue;
            }
            let listed = self
                .suite
                .positions(&s)
                .map_err(|e| format!("positions of {s}: {e}"))?
                .iter()
                .any(|x| x.validator == v);
            if !listed {
                self.model.close_position(&s, &v);
                closed.insert(v);
            }
        }
        for v in closed {
            let listed: Vec<u64> = self
                .suite
                .pools(&v)
                .map_err(|e| e.to_string())?
                .iter()
                .map(|p| p.id)
                .collect();
            self.model.follow_listing(&v, &listed);
        }
        Ok(())
    }

    /// Liveness (DESIGN rule 9, INTERFACE: every due batch settles within two blocks of its
    /// completion if anyone cranks): on a snapshot of the chain, a few cranks in later blocks
    /// settle every batch due now, and every staker with a matured unbonding no earlier
    /// request holds can claim it. Runs whenever batches became due since the last probe.
    fn probe(&mut self) -> Result<(), String> {
        let now = self.model.now;
        let due: BTreeSet<u64> = self
            .model
            .batches
            .iter()
            .filter(|(_, b)| {
                matches!(b.status, super::model::BStatus::Sent { completion } if completion <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        if due.is_empty() || due.is_subset(&self.probed) {
            return Ok(());
        }
        self.probed = due.clone();
        PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let snapshot: Vec<(Vec<u8>, Vec<u8>)> = cosmwasm_std::Storage::range(
            self.suite.app.storage(),
            None,
            None,
            cosmwasm_std::Order::Ascending,
        )
        .collect();
        let block = self.suite.app.block_info();
        let known = self.suite.known.clone();
        let result = self.probe_on_snapshot(&due);
        // restore the chain
        let storage = self.suite.app.storage_mut();
        let keys: Vec<Vec<u8>> =
            cosmwasm_std::Storage::range(&*storage, None, None, cosmwasm_std::Order::Ascending)
                .map(|(k, _)| k)
                .collect();
        for k in keys {
            cosmwasm_std::Storage::remove(storage, &k);
        }
        for (k, v) in snapshot {
            cosmwasm_std::Storage::set(storage, &k, &v);
        }
        self.suite.app.set_block(block);
        self.suite.known = known;
        result
    }

    fn probe_on_snapshot(&mut self, due: &BTreeSet<u64>) -> Result<(), String> {
        // two blocks per message's worth of batches, and one more
        let cranks = due.len().div_ceil(super::model::MAX_BATCHES_PER_MESSAGE) + 2;
        for i in 0..cranks {
            self.suite.advance(5);
            self.suite
                .process_unbondings()
                .map_err(|e| format!("liveness probe: crank {i} failed: {}", err_text(&e)))?;
        }
        for v in self.suite.validators.clone() {
            let left = self
                .suite
                .validator_books(&v)
                .map(|b| b.batches_in_flight)
                .unwrap_or(0) as usize;
            // batches not due yet, and the queued batch a crank may have sent
            let not_due = self
                .model
                .unsettled(&v)
                .iter()
                .filter(|id| !due.contains(id))
                .count()
                + usize::from(self.model.val(&v).queued.is_some());
            ensure!(
                left <= not_due,
                "liveness probe: after {cranks} cranks in {cranks} blocks {v} still has {left} batches in flight, {not_due} of which are not due yet"
            );
        }
        for name in STAKERS {
            let staker = addr(&self.suite, name);
            let matured =
                self.model.entries.iter().any(|((s, _), e)| {
                    *s == staker && due.contains(&e.batch) && !self.model.frozen(e)
                });
            if matured {
                self.suite.claim_unbonded(&staker).map_err(|e| {
                    format!(
                        "liveness probe: {name} cannot claim a matured unbonding after {cranks} cranks: {}",
                        err_text(&e)
                    )
                })?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------- comparison

/// (largest |contract − model| seen, largest tolerance allowed) over a run, per check.
static SLACK: std::sync::Mutex<BTreeMap<String, (u128, u128)>> =
    std::sync::Mutex::new(BTreeMap::new());

fn near(what: &str, c: u128, m: Hp, lo: u128, hi: u128) -> Result<(), String> {
    if std::env::var("RESTAKE_VERBOSE").is_ok() {
        let key: String = what
            .split(':')
            .next_back()
            .unwrap_or(what)
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        let key = if what.contains("pending") {
            format!("pending{key}")
        } else {
            key
        };
        let diff = Hp::int(c).max(m).sub(Hp::int(c).min(m)).ceil();
        let mut sl = SLACK.lock().unwrap();
        let e = sl.entry(key).or_default();
        e.0 = e.0.max(diff);
        e.1 = e.1.max(lo.max(hi));
    }
    ensure!(
        within(c, m, lo, hi),
        "{what}: the contract says {c}, the model {m:?} (−{lo} / +{hi})"
    );
    Ok(())
}

fn secs(t: cosmwasm_std::Timestamp) -> u64 {
    t.seconds()
}

/// min(1, Σ max_slash) of a set of services, exactly.
fn cap(m: &Model, services: &[u64]) -> Hp {
    let sum: Hp = services
        .iter()
        .map(|s| Hp::dec(m.services[s].max_slash))
        .sum();
    sum.min(Hp::one())
}

impl World {
    /// Governance (issue 19): the hub's tallies, the stakers' votes and the chain's tally
    /// against the governance model (`model_gov`), for the newest proposals.
    fn compare_gov(&self) -> Result<(), String> {
        self.gov.compare(&self.suite, &STAKERS[..4])
    }

    /// The governance model's part of a vote's expectation (proposals, the cap).
    fn gov_expect(&self, a: &Step, base: Expect) -> Expect {
        match a {
            Step::Hub {
                sender,
                msg: ExecuteMsg::Vote { proposal_id, .. },
                ..
            } => self
                .gov
                .expect_vote(self.model.now, sender, *proposal_id, base),
            _ => base,
        }
    }

    /// After a successful step: a vote enters the governance model; a deposit or unbond
    /// moves its staker's open votes; the hub's closed marks are checked and followed.
    fn gov_apply(&mut self, a: &Step) -> Result<(), String> {
        if let Step::Hub { sender, msg, .. } = a {
            match msg {
                ExecuteMsg::Vote {
                    proposal_id,
                    option,
                    weighted,
                } => {
                    let index =
                        |o: &VoteOption| VoteOption::ALL.iter().position(|x| x == o).unwrap_or(0);
                    let weights = match (option, weighted) {
                        (Some(o), _) => vec![(index(o), Decimal::one())],
                        (None, Some(list)) => {
                            list.iter().map(|w| (index(&w.option), w.weight)).collect()
                        }
                        (None, None) => vec![],
                    };
                    self.gov.apply_vote(
                        &self.model,
                        sender,
                        *proposal_id,
                        weights,
                        option.is_some(),
                    );
                }
                ExecuteMsg::Deposit { validator } | ExecuteMsg::Unbond { validator, .. } => {
                    if let Some(v) = canon(validator) {
                        self.gov.follow(&self.model, sender, &v);
                    }
                }
                _ => {}
            }
        }
        self.gov.adopt_closed(&self.suite, self.model.now)
    }

    fn compare(&self) -> Result<(), String> {
        self.compare_gov()?;
        let s = &self.suite;
        let m = &self.model;

        // config and ownership
        let c = s
            .config()
            .map_err(|x| format!("query at line {}: {x}", line!()))?;
        ensure!(
            c.owner.as_ref().map(|a| a.to_string()) == m.owner,
            "config.owner {:?} ≠ model {:?}",
            c.owner,
            m.owner
        );
        let mc = &m.config;
        ensure!(
            (
                c.paused,
                c.min_deposit.u128(),
                c.max_services_per_position,
                c.unbonding_period,
                c.unbonding_epoch,
                c.max_veto_period,
                c.max_reward_assets,
                c.max_pools_per_validator,
                &c.slash_destination,
            ) == (
                mc.paused,
                mc.min_deposit,
                mc.max_services_per_position,
                mc.unbonding_period,
                mc.unbonding_epoch,
                mc.max_veto_period,
                mc.max_reward_assets,
                mc.max_pools_per_validator,
                &mc.slash_destination,
            ),
            "config {c:?} ≠ model {mc:?}"
        );
        let own = s
            .query_json(r#"{"ownership":{}}"#)
            .map_err(|x| format!("query at line {}: {x}", line!()))?;
        ensure!(
            own["owner"].as_str().map(String::from) == m.owner
                && own["pending_owner"].as_str().map(String::from) == m.pending_owner,
            "ownership {own} ≠ model {:?} / {:?}",
            m.owner,
            m.pending_owner
        );

        // services
        let mut listed = vec![];
        let mut start = None;
        loop {
            let page = s
                .services(start, Some(30))
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            ensure!(page.len() <= 30, "services returned {} > 30", page.len());
            start = page.last().map(|x| x.id);
            let n = page.len();
            listed.extend(page);
            if n < 30 {
                break;
            }
        }
        ensure!(
            listed.iter().map(|x| x.id).collect::<Vec<_>>()
                == m.services.keys().copied().collect::<Vec<_>>(),
            "services {:?} ≠ model {:?}",
            listed.iter().map(|x| x.id).collect::<Vec<_>>(),
            m.services.keys().collect::<Vec<_>>()
        );
        let rotate = self.log.len();
        for (i, (got, (id, ms))) in listed.iter().zip(&m.services).enumerate() {
            // `service` must agree with `services`: checked on one service per step
            if i == rotate % listed.len().max(1) {
                let one = s
                    .service(*id)
                    .map_err(|x| format!("query at line {}: {x}", line!()))?;
                ensure!(
                    &one == got,
                    "service {id} differs between service and services"
                );
            }
            ensure!(
                got.name == ms.name
                    && got.admin.as_str() == ms.admin
                    && got.slasher.as_str() == ms.slasher
                    && got.resolver.as_ref().map(|a| a.to_string()) == ms.resolver
                    && got.max_slash == ms.max_slash
                    && got.veto_period == ms.veto_period
                    && got.opt_out_delay == ms.opt_out_delay
                    && got.reward_denoms == ms.reward_denoms
                    && got
                        .reward_tokens
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        == ms.reward_tokens
                    && got.metadata_uri == ms.metadata_uri
                    && got.status == ms.status
                    && secs(got.registered_at) == ms.registered_at,
                "service {id}: {got:?} ≠ model {ms:?}"
            );
            let paid: BTreeMap<AssetKey, u128> = got
                .rewards_paid
                .iter()
                .map(|r| {
                    let k = match (&r.denom, &r.cw20) {
                        (Some(d), _) => AssetKey::Native(d.clone()),
                        (_, Some(t)) => AssetKey::Cw20(t.to_string()),
                        _ => AssetKey::Native(String::new()),
                    };
                    (k, r.amount.u128())
                })
                .collect();
            ensure!(
                paid == ms.rewards_paid,
                "service {id} rewards_paid {paid:?} ≠ model {:?}",
                ms.rewards_paid
            );
            let (stake, n) = m.service_stake(*id, None);
            near(
                &format!("service {id} total_stake"),
                got.total_stake.u128(),
                stake.v,
                stake.tol + n,
                stake.tol + n,
            )?;
            near(
                &format!("service {id} total_slashed"),
                got.total_slashed.u128(),
                ms.total_slashed,
                ms.slashed_tol,
                ms.slashed_tol,
            )?;
            // a service nobody secures (in the model and the contract) has no stake to list
            let (stake, _) = m.service_stake(*id, None);
            if got.total_stake.is_zero() && stake.v.is_zero() && i != rotate % listed.len().max(1) {
                continue;
            }
            let ss = s
                .service_stake(*id)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            ensure!(
                ss.total == got.total_stake,
                "service_stake {id} total ≠ service"
            );
            let by_v: BTreeMap<String, u128> = ss
                .validators
                .iter()
                .map(|v| (v.validator.clone(), v.amount.u128()))
                .collect();
            ensure!(
                by_v.values().all(|a| *a > 0),
                "service_stake {id} lists a zero amount: {by_v:?}"
            );
            for v in s.validators.iter().chain([&NOT_A_VALIDATOR.to_string()]) {
                let (st, n) = m.service_stake(*id, Some(v));
                near(
                    &format!("service_stake {id} on {v}"),
                    by_v.get(v).copied().unwrap_or(0),
                    st.v,
                    st.tol + n,
                    st.tol + n,
                )?;
            }
        }
        let unknown = m.next_service_id + 1;
        ensure!(
            s.service(unknown).is_err_and(|x| x
                .to_string()
                .contains(&format!("service {unknown} not found"))),
            "service {unknown} should not exist"
        );

        // stakers
        let mut total_bonded = (Hp::zero(), 0u128);
        let mut total_unbonding = (Hp::zero(), 0u128);
        for name in STAKERS {
            let staker = addr(s, name);
            let positions = s
                .positions(&staker)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            let model_vals: Vec<&String> = m
                .positions
                .keys()
                .filter(|(st, _)| *st == staker)
                .map(|(_, v)| v)
                .collect();
            ensure!(
                positions.iter().map(|p| &p.validator).collect::<Vec<_>>() == model_vals,
                "{name}: positions on {:?} ≠ model {model_vals:?}",
                positions.iter().map(|p| &p.validator).collect::<Vec<_>>()
            );
            let mut bonded = (Hp::zero(), 0u128);
            let mut exposure = (Hp::zero(), 0u128);
            let mut restaked: BTreeMap<u64, (Hp, u128)> = BTreeMap::new();
            // `position` must agree with `positions`: checked on one validator per step
            let probe_v = &s.validators[self.log.len() % s.validators.len()];
            let one = s
                .position(&staker, probe_v)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            ensure!(
                positions.iter().any(|p| p == &one)
                    || (one.amount.is_zero() && positions.iter().all(|p| p.validator != *probe_v)),
                "{name} on {probe_v}: position {one:?} and positions differ"
            );
            for v in &s.validators {
                let Some(got) = positions.iter().find(|p| p.validator == *v).cloned() else {
                    ensure!(
                        !m.positions.contains_key(&(staker.clone(), v.clone())),
                        "{name} on {v}: the contract lists no position, the model has one"
                    );
                    continue;
                };
                match m.positions.get(&(staker.clone(), v.clone())) {
                    None => ensure!(
                        got.amount.is_zero()
                            && got.service_ids.is_empty()
                            && got.pending_opt_outs.is_empty(),
                        "{name} on {v}: the model has no position, the contract {got:?}"
                    ),
                    Some(p) => {
                        near(
                            &format!("{name} on {v}: amount"),
                            got.amount.u128(),
                            p.amt,
                            p.tol + 1,
                            p.tol + 1,
                        )?;
                        let ids: Vec<u64> = p.services.iter().copied().collect();
                        ensure!(
                            got.service_ids == ids,
                            "{name} on {v}: services {:?} ≠ model {ids:?}",
                            got.service_ids
                        );
                        ensure!(
                            got.pool_id == p.pool,
                            "{name} on {v}: pool {} ≠ model {}",
                            got.pool_id,
                            p.pool
                        );
                        let mut pend: Vec<(u64, u64)> = got
                            .pending_opt_outs
                            .iter()
                            .map(|o| (o.service_id, secs(o.ready_at)))
                            .collect();
                        pend.sort();
                        let mp = m.pending_view(p);
                        ensure!(
                            pend == mp,
                            "{name} on {v}: pending opt-outs {pend:?} ≠ model {mp:?}"
                        );
                        bonded.0 = bonded.0.add(p.amt);
                        bonded.1 += p.tol + 1;
                        exposure.0 = exposure.0.add(p.amt.mul(cap(m, &ids)));
                        exposure.1 += p.tol + 2;
                        for id in &ids {
                            let r = restaked.entry(*id).or_default();
                            r.0 = r.0.add(p.amt);
                            r.1 += p.tol + 1;
                        }
                    }
                }
            }
            total_bonded.0 = total_bonded.0.add(bonded.0);
            total_bonded.1 += bonded.1;

            // pending rewards
            let got = s
                .pending_rewards(&staker)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            let npos = model_vals.len() as u128;
            let mut got_map: BTreeMap<AssetKey, u128> = BTreeMap::new();
            for r in &got {
                ensure!(
                    !r.amount.is_zero(),
                    "{name}: a zero pending reward is listed"
                );
                let k = match (&r.denom, &r.cw20) {
                    (Some(d), None) => AssetKey::Native(d.clone()),
                    (None, Some(t)) => AssetKey::Cw20(t.to_string()),
                    _ => return Err(format!("{name}: malformed reward {r:?}")),
                };
                got_map.insert(k, r.amount.u128());
            }
            let pend = m.pending_rewards(&staker);
            let keys: BTreeSet<&AssetKey> = got_map.keys().chain(pend.keys()).collect();
            for k in keys {
                let mv = pend.get(k).copied().unwrap_or_default();
                near(
                    &format!("{name}: pending {k:?}"),
                    got_map.get(k).copied().unwrap_or(0),
                    mv.v,
                    mv.tol + npos + 1,
                    mv.tol,
                )?;
            }

            // unbondings
            let unb = s
                .unbondings(&staker)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            let mine: Vec<(&u64, &super::model::MEntry)> = m
                .entries
                .iter()
                .filter(|((st, _), _)| *st == staker)
                .map(|((_, id), e)| (id, e))
                .collect();
            ensure!(
                unb.iter().map(|u| u.id).collect::<Vec<_>>()
                    == mine.iter().map(|(id, _)| **id).collect::<Vec<_>>(),
                "{name}: unbonding ids {:?} ≠ model {:?}",
                unb.iter().map(|u| u.id).collect::<Vec<_>>(),
                mine.iter().map(|(id, _)| **id).collect::<Vec<_>>()
            );
            let mut unbonding = (Hp::zero(), 0u128);
            let mut claimable = (Hp::zero(), 0u128);
            for (u, (id, me)) in unb.iter().zip(&mine) {
                near(
                    &format!("{name}: unbonding {id} amount"),
                    u.amount.u128(),
                    me.amt,
                    me.tol + 1,
                    me.tol + 1,
                )?;
                let (completion, matured, status) = m.entry_view(me);
                let frozen = m.frozen(me);
                let services = m.entry_services(me);
                let st = match u.status {
                    UnbondingStatus::Queued => "queued",
                    UnbondingStatus::Unbonding => "unbonding",
                    UnbondingStatus::Claimable => "claimable",
                };
                ensure!(
                    u.validator == me.validator
                        && secs(u.completion_time) == completion
                        && u.matured == matured
                        && st == status
                        && u.service_ids == services
                        && u.frozen == frozen,
                    "{name}: unbonding {id} {u:?} ≠ model ({completion}, {matured}, {status}, frozen {frozen}, {me:?})"
                );
                unbonding.0 = unbonding.0.add(me.amt);
                unbonding.1 += me.tol + 1;
                // frozen unbondings are not claimable (see
                // regression_overview_claimable_counts_frozen_unbondings)
                if matured && !frozen {
                    claimable.0 = claimable.0.add(me.amt);
                    claimable.1 += me.tol + 1;
                }
                exposure.0 = exposure.0.add(me.amt.mul(cap(m, &services)));
                exposure.1 += me.tol + 2;
            }
            total_unbonding.0 = total_unbonding.0.add(unbonding.0);
            total_unbonding.1 += unbonding.1;

            // the overview
            // A position of an evicted pool that the contract has not converted yet is read
            // twice by the overview (known bug): its answer may be wrong or an error.
            let lazy = m
                .positions
                .iter()
                .any(|((st, _), p)| *st == staker && p.lazy);
            let overview = || -> Result<(), String> {
                let o: StakerOverviewResponse = s
                    .staker_overview(&staker)
                    .map_err(|x| format!("{name}: staker_overview: {x}"))?;
                near(
                    &format!("{name}: overview bonded"),
                    o.bonded.u128(),
                    bonded.0,
                    bonded.1,
                    bonded.1,
                )?;
                near(
                    &format!("{name}: overview unbonding"),
                    o.unbonding.u128(),
                    unbonding.0,
                    unbonding.1,
                    unbonding.1,
                )?;
                near(
                    &format!("{name}: overview claimable"),
                    o.claimable.u128(),
                    claimable.0,
                    claimable.1,
                    claimable.1,
                )?;
                near(
                    &format!("{name}: overview max_slash_exposure"),
                    o.max_slash_exposure.u128(),
                    exposure.0,
                    exposure.1,
                    exposure.1,
                )?;
                ensure!(
                    o.positions as usize == model_vals.len() && o.pending_rewards == got,
                    "{name}: overview {o:?} disagrees with positions / pending_rewards"
                );
                let got_r: BTreeMap<u64, u128> = o
                    .restaked
                    .iter()
                    .map(|r| (r.service_id, r.amount.u128()))
                    .collect();
                ensure!(
                    got_r.keys().collect::<Vec<_>>() == restaked.keys().collect::<Vec<_>>(),
                    "{name}: restaked services {got_r:?} ≠ model {:?}",
                    restaked.keys().collect::<Vec<_>>()
                );
                for (id, (v, t)) in &restaked {
                    near(&format!("{name}: restaked in {id}"), got_r[id], *v, *t, *t)?;
                }
                Ok(())
            };
            match overview() {
                Err(_) if lazy => known_bug(super::model::BUG_OVERVIEW_OF_EVICTED_POSITION)?,
                r => r?,
            }
        }

        // pools: the slots and the plain pool of each validator
        for v in &s.validators {
            let got = s
                .pools(v)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            let ids: Vec<u64> = got.iter().map(|p| p.id).collect();
            let model_ids = m.listed_pools(v);
            ensure!(
                ids == model_ids,
                "{v}: pools {ids:?} ≠ model {model_ids:?} ({:?})",
                model_ids
                    .iter()
                    .map(|id| (&m.pools[id].services, m.pool_bonded(*id).v))
                    .collect::<Vec<_>>()
            );
            for p in &got {
                let mp = &m.pools[&p.id];
                ensure!(
                    p.service_ids == mp.services,
                    "{v}: pool {} secures {:?} ≠ model {:?}",
                    p.id,
                    p.service_ids,
                    mp.services
                );
                let b = m.pool_bonded(p.id);
                near(
                    &format!("{v}: pool {} bonded", p.id),
                    p.bonded.u128(),
                    b.v,
                    b.tol,
                    b.tol,
                )?;
            }
        }

        // stats
        let st = s
            .stats()
            .map_err(|x| format!("query at line {}: {x}", line!()))?;
        near(
            "stats total_bonded",
            st.total_bonded.u128(),
            total_bonded.0,
            total_bonded.1,
            total_bonded.1,
        )?;
        near(
            "stats total_unbonding",
            st.total_unbonding.u128(),
            total_unbonding.0,
            total_unbonding.1,
            total_unbonding.1,
        )?;
        ensure!(
            st.stakers == m.stakers().len() as u64 && st.services == m.services.len() as u64,
            "stats stakers/services {}/{} ≠ model {}/{}",
            st.stakers,
            st.services,
            m.stakers().len(),
            m.services.len()
        );
        let mut restaked = (Hp::zero(), 0u128);
        for id in m.services.keys() {
            let (a, n) = m.service_stake(*id, None);
            restaked.0 = restaked.0.add(a.v);
            restaked.1 += a.tol + n;
        }
        near(
            "stats total_restaked",
            st.total_restaked.u128(),
            restaked.0,
            restaked.1,
            restaked.1,
        )?;
        let slack = m.settlement_slack();
        near(
            "stats chain_slashed",
            st.chain_slashed.u128(),
            m.chain_slashed.v,
            m.chain_slashed.tol + slack,
            m.chain_slashed.tol + slack,
        )?;
        for (what, c, a) in [
            ("total_slashed", st.total_slashed, m.total_slashed),
            (
                "slashed_pending_routing",
                st.slashed_pending_routing,
                m.pending_routing,
            ),
            ("slashed_burned", st.slashed_burned, m.burned),
            (
                "slashed_to_community_pool",
                st.slashed_to_community_pool,
                m.to_community_pool,
            ),
        ] {
            near(&format!("stats {what}"), c.u128(), a.v, a.tol, a.tol)?;
        }
        let to_address = m.to_address.values().fold((Hp::zero(), 0u128), |acc, a| {
            (acc.0.add(a.v), acc.1 + a.tol)
        });
        near(
            "stats slashed_to_address",
            st.slashed_to_address.u128(),
            to_address.0,
            to_address.1,
            to_address.1,
        )?;
        ensure!(
            s.balance(s.community_pool.as_str(), &s.denom) == st.slashed_to_community_pool.u128(),
            "the community pool received {} but stats say {}",
            s.balance(s.community_pool.as_str(), &s.denom),
            st.slashed_to_community_pool
        );
        ensure!(
            s.balance(TREASURY, &s.denom) == st.slashed_to_address.u128(),
            "the treasury received {} but stats say {}",
            s.balance(TREASURY, &s.denom),
            st.slashed_to_address
        );

        // slash requests (a resolved request never changes: compared once more after it is)
        let mut done = self.final_requests.borrow_mut();
        for (id, q) in &m.slashes {
            if done.contains(id) {
                continue;
            }
            if q.status != SlashStatus::Pending {
                done.insert(*id);
            }
            let r = s
                .slash_request(*id)
                .map_err(|x| format!("query at line {}: {x}", line!()))?;
            ensure!(
                r.service_id == q.service_id
                    && r.validator == q.validator
                    && r.fraction == q.fraction
                    && r.evidence == q.evidence
                    && r.status == q.status
                    && secs(r.requested_at) == q.requested_at
                    && secs(r.executable_at) == q.executable_at
                    && r.resolved_at.map(secs) == q.resolved_at
                    && r.slashed_amount == r.slashed_bonded + r.slashed_unbonding,
                "slash request {id}: {r:?} ≠ model {q:?}"
            );
            near(
                &format!("slash {id} bonded"),
                r.slashed_bonded.u128(),
                q.slashed_bonded,
                q.tol,
                q.tol,
            )?;
            near(
                &format!("slash {id} unbonding"),
                r.slashed_unbonding.u128(),
                q.slashed_unbonding,
                q.tol,
                q.tol,
            )?;
        }
        let unknown = m.next_slash_id + 1;
        ensure!(
            s.slash_request(unknown).is_err(),
            "slash request {unknown} should not exist"
        );
        let pending: SlashRequestsResponse = s
            .query(&QueryMsg::SlashRequests {
                service_id: None,
                validator: None,
                status: Some(SlashStatus::Pending),
                start_after: None,
                limit: Some(30),
            })
            .map_err(|x| format!("query at line {}: {x}", line!()))?;
        let model_pending: Vec<u64> = m
            .slashes
            .values()
            .filter(|q| q.status == SlashStatus::Pending)
            .map(|q| q.id)
            .collect();
        ensure!(
            pending
                .slash_requests
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
                == model_pending,
            "pending slash requests ≠ model {model_pending:?}"
        );

        // conservation: every asset but the bonded denom balances exactly
        for (k, paid_in) in &m.paid_in {
            let out = m.paid_out.get(k).copied().unwrap_or(0);
            let held = match k {
                AssetKey::Native(d) if *d == s.denom => continue,
                AssetKey::Native(d) => s.hub_balance(d),
                AssetKey::Cw20(t) => self.token_balance(t, s.hub.as_str()),
            };
            ensure!(
                held == paid_in - out,
                "{k:?}: the hub holds {held}, services paid {paid_in} and stakers claimed {out}"
            );
        }
        // The Suite's invariants hold for what the hub can know: skip them while a chain
        // slash has not been noticed yet (no message has touched the validator since).
        if m.validators.values().any(|v| v.pending_chain.is_some()) {
            return Ok(());
        }
        let t = std::time::Instant::now();
        let violations = s.check_invariants();
        INV_NANOS.fetch_add(
            t.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        ensure!(violations.is_empty(), "invariants: {violations:?}");
        Ok(())
    }
}

// ---------------------------------------------------------------------------- operations

/// A deposit amount.
#[derive(Clone, Debug)]
pub enum Amt {
    /// Below `min_deposit` (or `min_deposit` itself when `n` is 0).
    Small(u128),
    Normal(u128),
    Large(u128),
    /// More than the sender holds.
    AboveBalance,
    Max,
}

/// The funds sent with a deposit.
#[derive(Clone, Debug)]
pub enum Funds {
    Bonded,
    /// Tokenized shares (x/liquid) of the target validator: the staker delegates, tokenizes
    /// and deposits the shares (on a validator the chain slashed, bonded tokens instead).
    Shares,
    /// Tokenized shares of another validator.
    OtherShares,
    WrongDenom,
    TwoDenoms,
    None,
    Zero,
}

/// An unbond amount.
#[derive(Clone, Debug)]
pub enum UAmt {
    Zero,
    /// A share (per mille) of the position as the model knows it, safely below its value.
    Permille(u16),
    /// Everything the `position` query shows.
    All,
    /// More than the `position` query shows.
    Above(u128),
    Max,
}

/// A reward payment amount.
#[derive(Clone, Debug)]
pub enum RAmt {
    Tiny(u128),
    Normal(u128),
    Large(u128),
    AboveBalance,
    Zero,
}

/// A slash fraction.
#[derive(Clone, Debug)]
pub enum Frac {
    Zero,
    /// Per mille of the service's max_slash.
    OfMax(u16),
    /// Just above the service's max_slash.
    AboveMax,
    One,
    Tiny,
}

/// Who sends a privileged message.
#[derive(Clone, Debug)]
pub enum Who {
    /// The one allowed (slasher, resolver, admin, owner, pending owner).
    Proper,
    Owner,
    Stranger,
    Staker,
}

/// How a staker votes on a governance proposal (issue 19).
#[derive(Clone, Debug)]
pub enum VoteHow {
    /// One option (index into `VoteOption::ALL`, modulo 4).
    Option(u8),
    /// Option `a` takes `permille`, option `b` the rest (invalid when a = b).
    Split(u8, u8, u16),
    /// Any weighted list (weights in permille): often invalid.
    Raw(Vec<(u8, u16)>),
    /// Both an option and a weighted list (refused).
    Both(u8),
    /// Neither (refused).
    Neither,
}

/// How far back from the newest proposal a generated vote aims (past the oldest: a proposal
/// the chain has not opened).
const PROPOSALS: u64 = 3;
/// A staker's open votes (small, so that the generator meets the cap).
const MAX_OPEN_VOTES: usize = 3;
/// Voting periods of the proposals the generator opens.
const VOTING_PERIODS: [u64; 4] = [3_600, 86_400, 7 * 86_400, 14 * 86_400];

/// Which position a staker's message is about.
#[derive(Clone, Debug)]
pub enum Target {
    /// The n-th position the model knows (mod their number; staker `n % 4` on validator 0
    /// when there is none).
    Held(usize),
    /// A staker and a validator (see `World::val`: 2 is not a validator, 3 the third, 4 and
    /// 5 upper- and mixed-case forms), whatever they hold.
    Raw(usize, usize),
    /// A held position (as `Held`), its validator written in upper case.
    Upper(usize),
    /// A held position (as `Held`), its validator written in mixed case (not bech32).
    Mixed(usize),
}

/// Service ids of an opt-in or opt-out.
#[derive(Clone, Debug)]
pub enum Ids {
    /// One service that fits (opt-in: active and not secured yet, or with a pending
    /// opt-out; opt-out: secured), chosen by index.
    Fit(usize),
    /// Two that fit.
    FitTwo(usize),
    /// Literal ids: possibly empty, repeated or unknown.
    Raw(Vec<u64>),
}

/// Coins of a reward payment.
#[derive(Clone, Debug)]
pub enum Pay {
    /// One of the service's declared denoms.
    Declared(usize, RAmt),
    /// Denoms from `DENOMS`, declared or not.
    Raw(Vec<(usize, RAmt)>),
}

/// The validator of a slash request.
#[derive(Clone, Debug)]
pub enum At {
    /// A validator where stake secures the service (validator 0 if none).
    Exposed(usize),
    Raw(usize),
}

/// A slash request id.
#[derive(Clone, Debug)]
pub enum SlashPick {
    /// A pending request (the next id if none).
    Pending(usize),
    /// Any id, possibly unknown.
    Any(u64),
}

#[derive(Clone, Debug)]
pub enum Op {
    Deposit {
        target: Target,
        amount: Amt,
        funds: Funds,
    },
    OptIn {
        target: Target,
        ids: Ids,
    },
    OptOut {
        target: Target,
        ids: Ids,
    },
    CompleteOptOut {
        target: Target,
    },
    Unbond {
        target: Target,
        amount: UAmt,
    },
    /// `withdraw_shares`: leave as tokenized shares (x/liquid).
    WithdrawShares {
        target: Target,
        amount: UAmt,
    },
    ClaimUnbonded {
        who: usize,
    },
    ClaimRewards {
        who: usize,
    },
    Distribute {
        service: u64,
        pay: Pay,
        payer: Who,
    },
    DistributeCw20 {
        service: u64,
        amount: RAmt,
    },
    ReceiveFromAccount {
        service: u64,
    },
    Slash {
        who: Who,
        service: u64,
        at: At,
        fraction: Frac,
        long_evidence: bool,
    },
    Veto {
        who: Who,
        slash: SlashPick,
    },
    ExecuteSlash {
        slash: SlashPick,
    },
    ChainSlash {
        val: usize,
        permille: u64,
    },
    /// The chain jails (or unjails) a validator.
    Jail {
        val: usize,
        jailed: bool,
    },
    Sync {
        val: usize,
    },
    Harvest {
        kind: u8,
    },
    Crank,
    Advance(u64),
    Register {
        who: Who,
        kind: u8,
        veto: u64,
        opt_out: u64,
        max_permille: u64,
    },
    UpdateService {
        who: Who,
        service: u64,
        kind: u8,
    },
    SetStatus {
        who: Who,
        service: u64,
        status: u8,
    },
    UpdateConfig {
        who: Who,
        kind: u8,
    },
    Pause {
        who: Who,
        unpause: bool,
    },
    Ownership {
        who: Who,
        kind: u8,
    },
    /// A nonpayable message sent with funds.
    WithFunds {
        who: usize,
        kind: u8,
    },
    /// The chain slashes a validator by `bp` basis points (0.01 % to 100 %).
    ChainSlashBp {
        val: usize,
        bp: u64,
    },
    /// Everybody with a position on the validator unbonds all of it in one block: the hub
    /// then keeps only unbonding entries there.
    LeaveValidator {
        val: usize,
    },
    /// Every position unbonds a share of itself in one block: batches of several validators
    /// mature together.
    UnbondEverywhere {
        permille: u16,
    },
    /// `n` throwaway accounts each deposit `stake`, register a junk service of their own,
    /// opt into it and unbond all but `keep`: pool-cap pressure.
    Junk {
        val: usize,
        n: u8,
        stake: u128,
        keep: u128,
    },
    /// The hostile reward token starts (or stops) refusing transfers.
    TokenReverts {
        on: bool,
    },
    /// A service pays rewards in the hostile token (service 3 declares it).
    DistributeHostile {
        service: u64,
        amount: RAmt,
    },
    /// One slasher opens `n` requests of its service against a validator, `gap` seconds
    /// apart.
    SlashStorm {
        service: u64,
        at: usize,
        n: u8,
        gap: u64,
        permille: u16,
    },
    /// A staker votes on a proposal through the hub (`proposal`: 1 the newest, 2 the one
    /// before, ...).
    Vote {
        who: usize,
        proposal: u64,
        how: VoteHow,
    },
    /// The chain opens a proposal (voting period `VOTING_PERIODS[period % 4]`).
    OpenProposal {
        period: u8,
    },
}

/// One step of an operation, resolved against the state when it is reached.
#[derive(Clone, Debug)]
enum Intent {
    Op(Op),
    /// A throwaway account registers its own junk service (once).
    JunkRegister(usize),
    /// A throwaway account opts its position on a validator into its junk service.
    JunkOptIn(usize, usize),
    /// A staker unbonds all of its position on a validator but `keep`.
    UnbondAllBut(usize, usize, u128),
}

/// Rust source of a sequence, to paste into a regression test (`replay(&[...])`).
pub fn rust(ops: &[Op]) -> String {
    fn who(w: &Who) -> String {
        format!("Who::{w:?}")
    }
    fn target(t: &Target) -> String {
        match t {
            Target::Held(i) => format!("Target::Held({i})"),
            Target::Upper(i) => format!("Target::Upper({i})"),
            Target::Mixed(i) => format!("Target::Mixed({i})"),
            Target::Raw(a, b) => format!("Target::Raw({a}, {b})"),
        }
    }
    fn ids(i: &Ids) -> String {
        match i {
            Ids::Fit(n) => format!("Ids::Fit({n})"),
            Ids::FitTwo(n) => format!("Ids::FitTwo({n})"),
            Ids::Raw(v) => format!("Ids::Raw(vec!{v:?})"),
        }
    }
    fn ramt(a: &RAmt) -> String {
        format!("RAmt::{a:?}")
    }
    fn op(o: &Op) -> String {
        match o {
            Op::Deposit { target: t, amount, funds } => format!(
                "Op::Deposit {{ target: {}, amount: Amt::{amount:?}, funds: Funds::{funds:?} }}",
                target(t)
            ),
            Op::OptIn { target: t, ids: i } => {
                format!("Op::OptIn {{ target: {}, ids: {} }}", target(t), ids(i))
            }
            Op::OptOut { target: t, ids: i } => {
                format!("Op::OptOut {{ target: {}, ids: {} }}", target(t), ids(i))
            }
            Op::CompleteOptOut { target: t } => {
                format!("Op::CompleteOptOut {{ target: {} }}", target(t))
            }
            Op::Unbond { target: t, amount } => format!(
                "Op::Unbond {{ target: {}, amount: UAmt::{amount:?} }}",
                target(t)
            ),
            Op::WithdrawShares { target: t, amount } => format!(
                "Op::WithdrawShares {{ target: {}, amount: UAmt::{amount:?} }}",
                target(t)
            ),
            Op::Distribute { service, pay, payer } => {
                let pay = match pay {
                    Pay::Declared(i, a) => format!("Pay::Declared({i}, {})", ramt(a)),
                    Pay::Raw(v) => format!(
                        "Pay::Raw(vec![{}])",
                        v.iter()
                            .map(|(d, a)| format!("({d}, {})", ramt(a)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                format!(
                    "Op::Distribute {{ service: {service}, pay: {pay}, payer: {} }}",
                    who(payer)
                )
            }
            Op::DistributeCw20 { service, amount } => format!(
                "Op::DistributeCw20 {{ service: {service}, amount: {} }}",
                ramt(amount)
            ),
            Op::Slash {
                who: w,
                service,
                at,
                fraction,
                long_evidence,
            } => format!(
                "Op::Slash {{ who: {}, service: {service}, at: At::{at:?}, fraction: Frac::{fraction:?}, long_evidence: {long_evidence} }}",
                who(w)
            ),
            Op::Veto { who: w, slash } => format!(
                "Op::Veto {{ who: {}, slash: SlashPick::{slash:?} }}",
                who(w)
            ),
            Op::ExecuteSlash { slash } => {
                format!("Op::ExecuteSlash {{ slash: SlashPick::{slash:?} }}")
            }
            Op::Register {
                who: w,
                kind,
                veto,
                opt_out,
                max_permille,
            } => format!(
                "Op::Register {{ who: {}, kind: {kind}, veto: {veto}, opt_out: {opt_out}, max_permille: {max_permille} }}",
                who(w)
            ),
            Op::UpdateService { who: w, service, kind } => format!(
                "Op::UpdateService {{ who: {}, service: {service}, kind: {kind} }}",
                who(w)
            ),
            Op::SetStatus { who: w, service, status } => format!(
                "Op::SetStatus {{ who: {}, service: {service}, status: {status} }}",
                who(w)
            ),
            Op::UpdateConfig { who: w, kind } => {
                format!("Op::UpdateConfig {{ who: {}, kind: {kind} }}", who(w))
            }
            Op::Pause { who: w, unpause } => {
                format!("Op::Pause {{ who: {}, unpause: {unpause} }}", who(w))
            }
            Op::Ownership { who: w, kind } => {
                format!("Op::Ownership {{ who: {}, kind: {kind} }}", who(w))
            }
            Op::DistributeHostile { service, amount } => format!(
                "Op::DistributeHostile {{ service: {service}, amount: {} }}",
                ramt(amount)
            ),
            Op::Vote { who, proposal, how } => format!(
                "Op::Vote {{ who: {who}, proposal: {proposal}, how: VoteHow::{how:?} }}"
            ),
            // the rest print as Rust already
            other => format!("Op::{other:?}"),
        }
    }
    let lines: Vec<String> = ops.iter().map(|o| format!("        {},", op(o))).collect();
    format!("    replay(&[\n{}\n    ]);", lines.join("\n"))
}

const ADVANCES: [u64; 7] = [
    1,
    600,
    3_600,
    86_400,
    3 * 86_400 + 1,
    HUB_UNBONDING,
    HUB_UNBONDING + 86_400,
];

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        10 => Just(Who::Proper),
        1 => Just(Who::Owner),
        2 => Just(Who::Stranger),
        1 => Just(Who::Staker),
    ]
}

fn vote_how() -> impl Strategy<Value = VoteHow> {
    prop_oneof![
        4 => (0..4u8).prop_map(VoteHow::Option),
        3 => (0..4u8, 0..4u8, 1..1000u16).prop_map(|(a, b, p)| VoteHow::Split(a, b, p)),
        1 => proptest::collection::vec((0..4u8, 0..=1000u16), 0..4).prop_map(VoteHow::Raw),
        1 => (0..4u8).prop_map(VoteHow::Both),
        1 => Just(VoteHow::Neither),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let st = prop_oneof![5 => 0..3usize, 1 => Just(3usize)];
    let val = prop_oneof![8 => 0..2usize, 1 => Just(2usize), 4 => Just(3usize), 1 => 4..6usize];
    let real_val = prop_oneof![3 => 0..2usize, 2 => Just(3usize)];
    let target = prop_oneof![
        12 => (0..64usize).prop_map(Target::Held),
        4 => (st.clone(), val.clone()).prop_map(|(a, b)| Target::Raw(a, b)),
        1 => (0..64usize).prop_map(Target::Upper),
        1 => (0..64usize).prop_map(Target::Mixed),
    ];
    let bp = prop_oneof![
        2 => Just(1u64),
        1 => Just(10u64),
        2 => Just(100u64),
        2 => Just(1_000u64),
        1 => Just(3_333u64),
        2 => Just(5_000u64),
        1 => Just(9_000u64),
        1 => Just(9_999u64),
        2 => Just(10_000u64),
        4 => 1..=10_000u64,
    ];
    let ids = prop_oneof![
        6 => (0..64usize).prop_map(Ids::Fit),
        2 => (0..64usize).prop_map(Ids::FitTwo),
        1 => proptest::collection::vec(prop_oneof![9 => 1..5u64, 1 => 5..8u64], 0..4).prop_map(Ids::Raw),
    ];
    let amt = prop_oneof![
        1 => (0..MIN_DEPOSIT).prop_map(Amt::Small),
        14 => (MIN_DEPOSIT..5_000_000).prop_map(Amt::Normal),
        1 => (100_000_000u128..2_000_000_000).prop_map(Amt::Large),
        1 => Just(Amt::AboveBalance),
        1 => Just(Amt::Max),
    ];
    let funds = prop_oneof![
        20 => Just(Funds::Bonded),
        4 => Just(Funds::Shares),
        1 => Just(Funds::OtherShares),
        1 => Just(Funds::WrongDenom),
        1 => Just(Funds::TwoDenoms),
        1 => Just(Funds::None),
        1 => Just(Funds::Zero),
    ];
    let uamt = prop_oneof![
        1 => Just(UAmt::Zero),
        6 => (1..1000u16).prop_map(UAmt::Permille),
        3 => Just(UAmt::All),
        1 => (1..1000u128).prop_map(UAmt::Above),
        1 => Just(UAmt::Max),
    ];
    let ramt = prop_oneof![
        2 => (1..10u128).prop_map(RAmt::Tiny),
        6 => (10..2_000_000u128).prop_map(RAmt::Normal),
        1 => (1_000_000_000_000u128..1_000_000_000_000_000).prop_map(RAmt::Large),
        1 => Just(RAmt::AboveBalance),
        1 => Just(RAmt::Zero),
    ];
    let frac = prop_oneof![
        1 => Just(Frac::Zero),
        8 => (1..=1000u16).prop_map(Frac::OfMax),
        1 => Just(Frac::AboveMax),
        1 => Just(Frac::One),
        1 => Just(Frac::Tiny),
    ];
    let service = prop_oneof![10 => 1..4u64, 1 => 4..7u64];
    let deposit_target = prop_oneof![
        1 => (0..64usize).prop_map(Target::Held),
        2 => (st.clone(), val.clone()).prop_map(|(a, b)| Target::Raw(a, b)),
    ];
    let pay = prop_oneof![
        4 => (0..4usize, ramt.clone()).prop_map(|(i, a)| Pay::Declared(i, a)),
        1 => proptest::collection::vec((0..4usize, ramt.clone()), 0..3).prop_map(Pay::Raw),
    ];
    let at =
        prop_oneof![4 => (0..4usize).prop_map(At::Exposed), 1 => val.clone().prop_map(At::Raw)];
    let pick = prop_oneof![
        3 => (0..8usize).prop_map(SlashPick::Pending),
        1 => (0..8u64).prop_map(SlashPick::Any),
    ];
    prop_oneof![
        10 => (deposit_target, amt, funds)
            .prop_map(|(target, amount, funds)| Op::Deposit { target, amount, funds }),
        6 => (target.clone(), ids.clone()).prop_map(|(target, ids)| Op::OptIn { target, ids }),
        3 => (target.clone(), ids).prop_map(|(target, ids)| Op::OptOut { target, ids }),
        2 => target.clone().prop_map(|target| Op::CompleteOptOut { target }),
        6 => (target.clone(), uamt.clone()).prop_map(|(target, amount)| Op::Unbond { target, amount }),
        2 => (target, uamt).prop_map(|(target, amount)| Op::WithdrawShares { target, amount }),
        3 => (0..8usize).prop_map(|who| Op::ClaimUnbonded { who }),
        3 => (0..8usize).prop_map(|who| Op::ClaimRewards { who }),
        5 => (service.clone(), pay, who())
            .prop_map(|(service, pay, payer)| Op::Distribute { service, pay, payer }),
        2 => (prop_oneof![4 => Just(1u64), 1 => 1..7u64], ramt.clone()).prop_map(|(service, amount)| Op::DistributeCw20 { service, amount }),
        1 => service.clone().prop_map(|service| Op::ReceiveFromAccount { service }),
        5 => (who(), prop_oneof![5 => Just(2u64), 3 => 1..4u64, 1 => 4..7u64], at, frac, proptest::bool::weighted(0.05))
            .prop_map(|(who, service, at, fraction, long_evidence)| Op::Slash { who, service, at, fraction, long_evidence }),
        4 => (who(), pick.clone()).prop_map(|(who, slash)| Op::Veto { who, slash }),
        4 => pick.prop_map(|slash| Op::ExecuteSlash { slash }),
        3 => (real_val.clone(), bp).prop_map(|(val, bp)| Op::ChainSlashBp { val, bp }),
        1 => real_val.clone().prop_map(|val| Op::LeaveValidator { val }),
        1 => (1..1000u16).prop_map(|permille| Op::UnbondEverywhere { permille }),
        2 => (real_val.clone(), 1..7u8, prop_oneof![3 => Just(MIN_DEPOSIT), 1 => MIN_DEPOSIT..50_000], prop_oneof![3 => Just(1u128), 1 => 0..2_000u128])
            .prop_map(|(val, n, stake, keep)| Op::Junk { val, n, stake, keep }),
        1 => proptest::bool::weighted(0.5).prop_map(|on| Op::TokenReverts { on }),
        1 => (prop_oneof![4 => Just(3u64), 1 => 1..7u64], ramt.clone()).prop_map(|(service, amount)| Op::DistributeHostile { service, amount }),
        1 => (prop_oneof![3 => Just(2u64), 1 => 1..4u64], 0..4usize, 2..6u8, prop_oneof![Just(1u64), Just(600u64), Just(3_600u64), Just(86_400u64)], 1..200u16)
            .prop_map(|(service, at, n, gap, permille)| Op::SlashStorm { service, at, n, gap, permille }),
        1 => val.clone().prop_map(|val| Op::Sync { val }),
        1 => (real_val, proptest::bool::weighted(0.4)).prop_map(|(val, jailed)| Op::Jail { val, jailed }),
        1 => (0..5u8).prop_map(|kind| Op::Harvest { kind }),
        3 => Just(Op::Crank),
        6 => proptest::sample::select(ADVANCES.to_vec()).prop_map(Op::Advance),
        1 => (who(), 0..10u8, 0..5_000u64, 0..10_000u64, 1..=1000u64)
            .prop_map(|(who, kind, veto, opt_out, max_permille)| Op::Register { who, kind, veto, opt_out, max_permille }),
        2 => (who(), service.clone(), 0..14u8).prop_map(|(who, service, kind)| Op::UpdateService { who, service, kind }),
        1 => (who(), service, prop_oneof![4 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8)])
            .prop_map(|(who, service, status)| Op::SetStatus { who, service, status }),
        2 => (who(), 0..19u8).prop_map(|(who, kind)| Op::UpdateConfig { who, kind }),
        1 => (who(), proptest::bool::weighted(0.7)).prop_map(|(who, unpause)| Op::Pause { who, unpause }),
        1 => (who(), 0..4u8).prop_map(|(who, kind)| Op::Ownership { who, kind }),
        1 => (st.clone(), 0..7u8).prop_map(|(who, kind)| Op::WithFunds { who, kind }),
        4 => (st, 1..=PROPOSALS, vote_how()).prop_map(|(who, proposal, how)| Op::Vote { who, proposal, how }),
        2 => (0..4u8).prop_map(|period| Op::OpenProposal { period }),
    ]
}

impl World {
    /// Validator `i`: 0 and 1 the first two, 2 not a validator, 3 the third, 4 validator 0
    /// in upper case (the same validator), 5 validator 1 in mixed case (refused).
    fn val(&self, i: usize) -> String {
        match i {
            0 | 1 => self.suite.validator(i),
            3 => self.suite.validator(2),
            4 => self.suite.validator(0).to_uppercase(),
            5 => mixed_case(&self.suite.validator(1)),
            _ => NOT_A_VALIDATOR.to_string(),
        }
    }

    /// The index (see [`World::val`]) of a validator's lower-case address.
    fn val_index(&self, v: &str) -> usize {
        match self.suite.validators.iter().position(|x| x == v) {
            Some(2) => 3,
            Some(i) => i,
            None => 2,
        }
    }

    /// The staker (account name) and validator a staker's message is about.
    fn target(&self, t: &Target) -> (&'static str, String) {
        match t {
            Target::Raw(who, val) => (STAKERS[*who], self.val(*val)),
            Target::Upper(i) | Target::Mixed(i) => {
                let (name, v) = self.target(&Target::Held(*i));
                let v = match t {
                    Target::Upper(_) => v.to_uppercase(),
                    _ => mixed_case(&v),
                };
                (name, v)
            }
            Target::Held(i) => {
                let held: Vec<&(String, String)> = self.model.positions.keys().collect();
                if held.is_empty() {
                    return (STAKERS[i % 4], self.val(0));
                }
                let (staker, v) = held[i % held.len()];
                let name = STAKERS
                    .iter()
                    .find(|n| addr(&self.suite, n) == *staker)
                    .copied()
                    .unwrap_or("alice");
                (name, v.clone())
            }
        }
    }

    /// A staker (0..4), or (4..) one with unbondings / with positions if there is one.
    fn claimer(&self, who: usize, unbondings: bool) -> &'static str {
        if who < 4 {
            return STAKERS[who];
        }
        let with: Vec<&'static str> = STAKERS
            .iter()
            .copied()
            .filter(|n| {
                let a = addr(&self.suite, n);
                if unbondings {
                    self.model.entries.keys().any(|(s, _)| *s == a)
                } else {
                    self.model.positions.keys().any(|(s, _)| *s == a)
                        || self.model.owed.keys().any(|(s, _)| *s == a)
                }
            })
            .collect();
        if with.is_empty() {
            STAKERS[who % STAKERS.len()]
        } else {
            with[who % with.len()]
        }
    }

    /// Service ids for an opt-in (`joining`) or an opt-out of the staker's position.
    fn ids(&self, name: &str, v: &str, ids: &Ids, joining: bool) -> Vec<u64> {
        let staker = addr(&self.suite, name);
        let v = canon(v).unwrap_or_default();
        let p = self.model.positions.get(&(staker, v));
        let fit: Vec<u64> = self
            .model
            .services
            .values()
            .filter(|s| match (joining, p) {
                (true, Some(p)) => {
                    (s.status == ServiceStatus::Active && !p.services.contains(&s.id))
                        || p.pending.contains_key(&s.id)
                }
                (true, None) => s.status == ServiceStatus::Active,
                (false, Some(p)) => p.services.contains(&s.id) && !p.pending.contains_key(&s.id),
                (false, None) => true,
            })
            .map(|s| s.id)
            .collect();
        match ids {
            Ids::Raw(v) => v.clone(),
            _ if fit.is_empty() => vec![1],
            Ids::Fit(i) => vec![fit[i % fit.len()]],
            Ids::FitTwo(i) => {
                let a = fit[i % fit.len()];
                let b = fit[(i + 1) % fit.len()];
                if a == b {
                    vec![a]
                } else {
                    vec![a, b]
                }
            }
        }
    }

    /// The sender of a privileged message of a service.
    fn service_sender(&self, who: &Who, service: u64, role: &str) -> String {
        let m = &self.model;
        let owner = m
            .owner
            .clone()
            .unwrap_or_else(|| addr(&self.suite, "owner"));
        match who {
            Who::Proper => match (m.services.get(&service), role) {
                (Some(s), "slasher") => s.slasher.clone(),
                (Some(s), "admin") => s.admin.clone(),
                _ => addr(&self.suite, "svc1-slasher"),
            },
            Who::Owner => owner,
            Who::Stranger => addr(&self.suite, "stranger"),
            Who::Staker => addr(&self.suite, "alice"),
        }
    }

    fn owner_sender(&self, who: &Who) -> String {
        match who {
            Who::Proper | Who::Owner => self
                .model
                .owner
                .clone()
                .unwrap_or_else(|| addr(&self.suite, "owner")),
            Who::Stranger => addr(&self.suite, "stranger"),
            Who::Staker => addr(&self.suite, "alice"),
        }
    }

    fn update_service_msg(&self, service: u64, kind: u8) -> ExecuteMsg {
        let current = self.model.services.get(&service);
        let max = current.map(|s| s.max_slash).unwrap_or(Decimal::percent(10));
        let delay = current.map(|s| s.opt_out_delay).unwrap_or(0);
        let fields = match kind {
            0 => json!({"max_slash": (max * Decimal::percent(50)).to_string()}),
            1 => json!({"max_slash": (max + Decimal::permille(1)).to_string()}),
            2 => json!({"opt_out_delay": delay + 3_600}),
            3 => json!({"opt_out_delay": delay.saturating_sub(1)}),
            4 => json!({"resolver": addr(&self.suite, &format!("svc{service}-resolver"))}),
            5 => json!({"clear_resolver": true}),
            6 => json!({"clear_resolver": true, "resolver": addr(&self.suite, "svc1-resolver")}),
            7 => json!({"add_reward_denoms": ["untrn"]}),
            8 => json!({"add_reward_denoms": ["ujunk", "uatom"]}),
            9 => json!({"add_reward_tokens": [self.token.clone()]}),
            10 => json!({"metadata_uri": "ipfs://x"}),
            11 => json!({"slasher": addr(&self.suite, &format!("svc{service}-slasher2"))}),
            12 => json!({"admin": addr(&self.suite, &format!("svc{service}-admin2"))}),
            _ => json!({}),
        };
        let mut body = fields.as_object().unwrap().clone();
        body.insert("service_id".into(), json!(service));
        serde_json::from_value(json!({ "update_service": body })).expect("update_service json")
    }

    fn update_config_msg(&self, kind: u8) -> ExecuteMsg {
        let period = HUB_UNBONDING;
        let fields = match kind {
            0 => json!({"min_deposit": "1"}),
            1 => json!({"min_deposit": "5000"}),
            2 => json!({"min_deposit": "0"}),
            3 => json!({"max_services_per_position": 2}),
            4 => json!({"max_services_per_position": 8}),
            5 => json!({"max_services_per_position": 0}),
            6 => json!({"max_veto_period": 1_000}),
            7 => json!({"max_reward_assets": 2}),
            8 => json!({"max_reward_assets": 8}),
            9 => json!({"slash_destination": {"community_pool": {}}}),
            10 => {
                json!({"slash_destination": {"address": {"address": addr(&self.suite, TREASURY)}}})
            }
            11 => json!({"slash_destination": {"burn": {}}}),
            12 => json!({"unbonding_epoch": 4 * 86_400}),
            13 => json!({"unbonding_epoch": period / 7 - 1, "unbonding_period": period}),
            14 => json!({"slash_destination": {"address": {"address": "cosmwasm1NOTVALID"}}}),
            16 => json!({"max_pools_per_validator": 1}),
            17 => json!({"max_pools_per_validator": 2}),
            18 => json!({"max_pools_per_validator": 256}),
            _ => json!({}),
        };
        serde_json::from_value(json!({ "update_config": fields })).expect("update_config json")
    }

    /// The steps of an operation (several for the operations that stand for a scenario).
    fn expand(&self, op: &Op) -> Vec<Intent> {
        let name_of = |staker: &str| {
            STAKERS
                .iter()
                .position(|n| addr(&self.suite, n) == staker)
                .unwrap_or(0)
        };
        match op {
            Op::LeaveValidator { val } => {
                let v = self.val(*val);
                self.model
                    .positions
                    .keys()
                    .filter(|(_, pv)| *pv == v)
                    .map(|(st, _)| {
                        Intent::Op(Op::Unbond {
                            target: Target::Raw(name_of(st), *val),
                            amount: UAmt::All,
                        })
                    })
                    .collect()
            }
            Op::UnbondEverywhere { permille } => self
                .model
                .positions
                .keys()
                .map(|(st, v)| {
                    Intent::Op(Op::Unbond {
                        target: Target::Raw(name_of(st), self.val_index(v)),
                        amount: UAmt::Permille(*permille),
                    })
                })
                .collect(),
            Op::Junk {
                val,
                n,
                stake,
                keep,
            } => {
                let mut out = vec![];
                for j in 0..*n as usize {
                    let who = JUNK + j % (STAKERS.len() - JUNK);
                    out.push(Intent::Op(Op::Deposit {
                        target: Target::Raw(who, *val),
                        amount: Amt::Normal(*stake),
                        funds: Funds::Bonded,
                    }));
                    out.push(Intent::JunkRegister(who));
                    out.push(Intent::JunkOptIn(who, *val));
                    out.push(Intent::UnbondAllBut(who, *val, *keep));
                }
                out
            }
            Op::SlashStorm {
                service,
                at,
                n,
                gap,
                permille,
            } => {
                let mut out = vec![];
                for _ in 0..*n {
                    out.push(Intent::Op(Op::Slash {
                        who: Who::Proper,
                        service: *service,
                        at: At::Exposed(*at),
                        fraction: Frac::OfMax(*permille),
                        long_evidence: false,
                    }));
                    out.push(Intent::Op(Op::Advance(*gap)));
                }
                out
            }
            other => vec![Intent::Op(other.clone())],
        }
    }

    /// The junk service a throwaway account registered (by its name).
    fn junk_service(&self, who: usize) -> Option<u64> {
        let name = format!("junk-{}", STAKERS[who]);
        self.model
            .services
            .values()
            .find(|s| s.name == name)
            .map(|s| s.id)
    }

    /// Resolves one intent, against the state now, into the steps that carry it out:
    /// preparations first (funding, tokenizing shares, opening a proposal), then the step
    /// the model checks, if there is one. The runner applies them in order with
    /// `Suite::apply`.
    fn steps(&mut self, intent: &Intent) -> Vec<Step> {
        let mut steps = vec![];
        let checked = self.resolve_intent(intent, &mut steps);
        steps.extend(checked);
        steps
    }

    /// The step the model checks for an intent (None: nothing to do); what prepares it goes
    /// to `prep`.
    fn resolve_intent(&mut self, intent: &Intent, prep: &mut Vec<Step>) -> Option<Step> {
        match intent {
            Intent::Op(op) => self.resolve(op, prep),
            Intent::JunkRegister(who) => {
                if self.junk_service(*who).is_some() || self.model.services.len() >= 24 {
                    return None;
                }
                let name = format!("junk-{}", STAKERS[*who]);
                let msg = self.register_msg(&name, "0.05", 0, 0, &[], &[], false);
                Some(self.hub(STAKERS[*who], msg, vec![]))
            }
            Intent::JunkOptIn(who, val) => {
                let id = self.junk_service(*who).unwrap_or(4 + (*who as u64 % 3));
                Some(self.hub(
                    STAKERS[*who],
                    ExecuteMsg::OptIn {
                        validator: self.val(*val),
                        service_ids: vec![id],
                    },
                    vec![],
                ))
            }
            Intent::UnbondAllBut(who, val, keep) => {
                let staker = addr(&self.suite, STAKERS[*who]);
                let shown = self.suite.bonded_of(&staker, &self.val(*val));
                if shown <= *keep {
                    return None;
                }
                Some(self.hub(
                    STAKERS[*who],
                    ExecuteMsg::Unbond {
                        validator: self.val(*val),
                        amount: Uint128::new(shown - keep),
                    },
                    vec![],
                ))
            }
        }
    }

    /// Share tokens for a deposit of `funds` (None: the deposit sends other funds): the
    /// staker delegates `n` itself and tokenizes it (x/liquid), on the target validator or,
    /// for `OtherShares`, another (steps pushed to `prep`). Only on validators the chain
    /// never slashed, whose shares are worth exactly their tokens (the model credits the
    /// tokens), so the shares are `n` of the next record's denom.
    fn shares_for(
        &self,
        sender: &str,
        v: &str,
        amount: &Amt,
        funds: &Funds,
        n: u128,
        prep: &mut Vec<Step>,
    ) -> Option<Vec<Coin>> {
        let on = match funds {
            Funds::Shares => v.to_string(),
            Funds::OtherShares => {
                let i = self
                    .suite
                    .validators
                    .iter()
                    .position(|x| x == v)
                    .unwrap_or(0);
                self.suite.validators[(i + 1) % self.suite.validators.len()].clone()
            }
            _ => return None,
        };
        let real = self.suite.validators.contains(&on);
        if !real || !matches!(amount, Amt::Normal(_)) || self.chain_slashed.contains(&on) {
            return None;
        }
        prep.push(Step::top_up(sender, vec![self.suite.bonded(n)]));
        prep.push(Step::DelegateNative {
            who: sender.to_string(),
            validator: on.clone(),
            amount: n,
        });
        prep.push(Step::TokenizeShares {
            who: sender.to_string(),
            validator: on.clone(),
            amount: n,
            owner: sender.to_string(),
        });
        Some(vec![coin(n, self.next_share_denom(&on))])
    }

    /// The denom of the shares the next tokenization on `validator` mints
    /// (`{valoper}/{record id}`).
    fn next_share_denom(&self, validator: &str) -> String {
        let record = self.suite.next_share_record_id();
        format!("{}/{record}", validator.to_lowercase())
    }

    /// Turns an abstract operation into the concrete step the model checks (None: nothing
    /// to do); what prepares it goes to `prep`.
    fn resolve(&mut self, op: &Op, prep: &mut Vec<Step>) -> Option<Step> {
        let s = &self.suite;
        let denom = s.denom.clone();
        Some(match op.clone() {
            Op::Deposit {
                target,
                amount,
                funds,
            } => {
                let (name, v) = self.target(&target);
                let sender = addr(s, name);
                let n = match amount {
                    Amt::Small(n) | Amt::Normal(n) | Amt::Large(n) => n,
                    Amt::AboveBalance => s.balance(&sender, &denom) + 1,
                    Amt::Max => u128::MAX,
                };
                if let Some(coins) = self.shares_for(&sender, &v, &amount, &funds, n, prep) {
                    return Some(self.hub(name, ExecuteMsg::Deposit { validator: v }, coins));
                }
                let coins = match funds {
                    Funds::Bonded | Funds::Shares | Funds::OtherShares => vec![coin(n, &denom)],
                    Funds::WrongDenom => vec![coin(n, "uosmo")],
                    Funds::TwoDenoms => vec![coin(n, &denom), coin(5, "uosmo")],
                    Funds::None => vec![],
                    Funds::Zero => vec![coin(0, &denom)],
                };
                if matches!(amount, Amt::Small(_) | Amt::Normal(_) | Amt::Large(_)) {
                    prep.push(Step::top_up(&sender, coins.clone()));
                }
                self.hub(name, ExecuteMsg::Deposit { validator: v }, coins)
            }
            Op::OptIn { target, ids } => {
                let (name, v) = self.target(&target);
                let ids = self.ids(name, &v, &ids, true);
                self.hub(
                    name,
                    ExecuteMsg::OptIn {
                        validator: v,
                        service_ids: ids,
                    },
                    vec![],
                )
            }
            Op::OptOut { target, ids } => {
                let (name, v) = self.target(&target);
                let ids = self.ids(name, &v, &ids, false);
                self.hub(
                    name,
                    ExecuteMsg::OptOut {
                        validator: v,
                        service_ids: ids,
                    },
                    vec![],
                )
            }
            Op::CompleteOptOut { target } => {
                // prefer positions with a pending opt-out
                let pending: Vec<(String, String)> = self
                    .model
                    .positions
                    .iter()
                    .filter(|(_, p)| !p.pending.is_empty())
                    .map(|(k, _)| k.clone())
                    .collect();
                let (name, v) = match (&target, pending.is_empty()) {
                    (Target::Held(i), false) => {
                        let (st, v) = &pending[i % pending.len()];
                        let name = STAKERS
                            .iter()
                            .find(|n| addr(&self.suite, n) == *st)
                            .copied()
                            .unwrap_or("alice");
                        (name, v.clone())
                    }
                    _ => self.target(&target),
                };
                self.hub(name, ExecuteMsg::CompleteOptOut { validator: v }, vec![])
            }
            Op::Unbond { target, amount } | Op::WithdrawShares { target, amount } => {
                let shares = matches!(op, Op::WithdrawShares { .. });
                let (name, v) = self.target(&target);
                // cw-multi-test's staking module loses track of a delegator when the Suite's
                // x/liquid moves a delegation on a validator it slashed (its panic "all
                // stakers in validator_info should exist"): tokenize only where the chain
                // never slashed (gaiad's e2e covers shares of slashed validators)
                if shares && self.chain_slashed.contains(&v.to_lowercase()) {
                    return None;
                }
                let staker = addr(s, name);
                let shown = s.bonded_of(&staker, &v);
                let a = match amount {
                    UAmt::Zero => 0,
                    UAmt::Permille(p) => {
                        let (amt, tol) = self
                            .model
                            .positions
                            .get(&(staker.clone(), v.clone()))
                            .map(|p| (p.amt, p.tol))
                            .unwrap_or((Hp::int(1_000), 0));
                        // keep clear of the tolerance band, so the outcome is certain
                        let x = amt.mul(Hp::int(p as u128)).div(Hp::int(1000)).floor();
                        x.saturating_sub(tol + 3).max(1)
                    }
                    UAmt::All => shown.max(1),
                    UAmt::Above(n) => shown + n,
                    UAmt::Max => u128::MAX,
                };
                let amount = Uint128::new(a);
                let msg = if shares {
                    ExecuteMsg::WithdrawShares {
                        validator: v,
                        amount,
                    }
                } else {
                    ExecuteMsg::Unbond {
                        validator: v,
                        amount,
                    }
                };
                self.hub(name, msg, vec![])
            }
            Op::ClaimUnbonded { who } => {
                let name = self.claimer(who, true);
                self.hub(name, ExecuteMsg::ClaimUnbonded {}, vec![])
            }
            Op::ClaimRewards { who } => {
                let name = self.claimer(who, false);
                self.hub(name, ExecuteMsg::ClaimRewards {}, vec![])
            }
            Op::Distribute {
                service,
                pay,
                payer,
            } => {
                let coins = match pay {
                    Pay::Raw(c) => c,
                    Pay::Declared(i, a) => {
                        let declared: Vec<usize> = self
                            .model
                            .services
                            .get(&service)
                            .map(|x| {
                                (0..DENOMS.len())
                                    .filter(|d| x.reward_denoms.iter().any(|r| r == DENOMS[*d]))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let d = if declared.is_empty() {
                            i
                        } else {
                            declared[i % declared.len()]
                        };
                        vec![(d, a)]
                    }
                };
                let sender = match payer {
                    Who::Proper => self.service_sender(&Who::Proper, service, "admin"),
                    other => self.service_sender(&other, service, "admin"),
                };
                let mut funds: Vec<Coin> = vec![];
                let mut mint = vec![];
                for (d, a) in coins {
                    if funds.iter().any(|c| c.denom == DENOMS[d]) {
                        continue;
                    }
                    let n = match a {
                        RAmt::Tiny(n) | RAmt::Normal(n) | RAmt::Large(n) => {
                            mint.push(coin(n, DENOMS[d]));
                            n
                        }
                        RAmt::AboveBalance => s.balance(&sender, DENOMS[d]) + 1,
                        RAmt::Zero => 0,
                    };
                    funds.push(coin(n, DENOMS[d]));
                }
                funds.sort_by(|a, b| a.denom.cmp(&b.denom));
                prep.push(Step::top_up(&sender, mint));
                self.hub(
                    &sender,
                    ExecuteMsg::DistributeRewards {
                        service_id: service,
                    },
                    funds,
                )
            }
            Op::DistributeCw20 { service, amount } => {
                let from = addr(s, "svc1");
                let n = match amount {
                    RAmt::Tiny(n) | RAmt::Normal(n) | RAmt::Large(n) => n,
                    RAmt::AboveBalance => self.cw20(&from) + 1,
                    RAmt::Zero => 0,
                };
                Step::distribute_cw20(&self.token, &from, service, n)
            }
            Op::ReceiveFromAccount { service } => self.hub(
                "stranger",
                ExecuteMsg::Receive(restake_types::Cw20ReceiveMsg {
                    sender: addr(s, "stranger"),
                    amount: Uint128::new(1_000),
                    msg: to_json_binary(&ReceiveMsg::DistributeRewards {
                        service_id: service,
                    })
                    .unwrap(),
                }),
                vec![],
            ),
            Op::Slash {
                who,
                service,
                at,
                fraction,
                long_evidence,
            } => {
                let validator = match at {
                    At::Raw(i) => self.val(i),
                    At::Exposed(i) => {
                        let vals: Vec<String> = self
                            .model
                            .positions
                            .iter()
                            .filter(|(_, p)| p.services.contains(&service))
                            .map(|((_, v), _)| v.clone())
                            .chain(
                                self.model
                                    .entries
                                    .values()
                                    .filter(|e| e.services.contains(&service))
                                    .map(|e| e.validator.clone()),
                            )
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        if vals.is_empty() {
                            self.val(0)
                        } else {
                            vals[i % vals.len()].clone()
                        }
                    }
                };
                let sender = self.service_sender(&who, service, "slasher");
                let max = self
                    .model
                    .services
                    .get(&service)
                    .map(|s| s.max_slash)
                    .unwrap_or(Decimal::percent(10));
                let f = match fraction {
                    Frac::Zero => Decimal::zero(),
                    Frac::OfMax(p) => (max * Decimal::permille(p as u64))
                        .max(Decimal::permille(1))
                        .min(max),
                    Frac::AboveMax => max + Decimal::from_atomics(1u128, 18).unwrap(),
                    Frac::One => Decimal::one(),
                    Frac::Tiny => Decimal::from_atomics(1u128, 18).unwrap(),
                };
                let evidence = if long_evidence {
                    "x".repeat(2049)
                } else {
                    "double-signed".to_string()
                };
                let sender_name = sender.clone();
                self.hub(
                    &sender_name,
                    ExecuteMsg::Slash {
                        service_id: service,
                        validator,
                        fraction: f,
                        evidence,
                    },
                    vec![],
                )
            }
            Op::Veto { who, slash } => {
                let id = pick_slash(&self.model, &slash)?;
                let sender = match (&who, self.model.slashes.get(&id)) {
                    (Who::Proper, Some(q)) => self.model.services[&q.service_id]
                        .resolver
                        .clone()
                        .unwrap_or_else(|| self.owner_sender(&Who::Owner)),
                    (Who::Owner, _) => self.owner_sender(&Who::Owner),
                    (Who::Staker, _) => addr(s, "alice"),
                    _ => addr(s, "stranger"),
                };
                self.hub(&sender, ExecuteMsg::VetoSlash { slash_id: id }, vec![])
            }
            Op::ExecuteSlash { slash } => {
                let id = pick_slash(&self.model, &slash)?;
                self.hub("keeper", ExecuteMsg::ExecuteSlash { slash_id: id }, vec![])
            }
            Op::ChainSlash { val, permille } => {
                let v = self.val(val);
                if self.chain_slashed.contains(&v) || s.delegation(&v) < 10_000 {
                    return None;
                }
                self.chain_slashed.insert(v.clone());
                Step::chain_slash(&v, Decimal::permille(permille))
            }
            Op::ChainSlashBp { val, bp } => {
                let v = self.val(val);
                // cw-multi-test knows only validators someone delegated to
                if self.chain_slashed.contains(&v) || !self.model.val(&v).known {
                    return None;
                }
                self.chain_slashed.insert(v.clone());
                Step::chain_slash(&v, Decimal::from_ratio(bp.min(10_000), 10_000u64))
            }
            Op::TokenReverts { on } => hostile::set_reverts(&self.hostile, on),
            Op::DistributeHostile { service, amount } => {
                let from = addr(s, "svc3");
                let n = match amount {
                    RAmt::Tiny(n) | RAmt::Normal(n) | RAmt::Large(n) => n,
                    RAmt::AboveBalance => self.token_balance(&self.hostile, &from) + 1,
                    RAmt::Zero => 0,
                };
                Step::distribute_cw20(&self.hostile, &from, service, n)
            }
            Op::LeaveValidator { .. }
            | Op::UnbondEverywhere { .. }
            | Op::Junk { .. }
            | Op::SlashStorm { .. } => unreachable!("expanded into steps"),
            Op::Jail { val, jailed } => Step::jail(&self.val(val), jailed),
            Op::Sync { val } => self.hub(
                "keeper",
                ExecuteMsg::SyncValidator {
                    validator: self.val(val),
                },
                vec![],
            ),
            Op::Harvest { kind } => {
                let v0 = self.val(0);
                let list = match kind {
                    0 => None,
                    1 => Some(vec![v0]),
                    2 => Some(vec![]),
                    3 => Some(vec![v0.clone(), v0]),
                    _ => Some(vec![self.val(1), NOT_A_VALIDATOR.to_string()]),
                };
                self.hub("keeper", ExecuteMsg::Harvest { validators: list }, vec![])
            }
            Op::Crank => self.hub("keeper", ExecuteMsg::ProcessUnbondings {}, vec![]),
            Op::Advance(secs) => Step::advance(secs),
            Op::Register {
                who,
                kind,
                veto,
                opt_out,
                max_permille,
            } => {
                let n = self.model.next_service_id + 1;
                if n > 6 && kind < 5 {
                    return None;
                }
                let admin = match who {
                    Who::Stranger => "stranger".to_string(),
                    Who::Staker => "alice".to_string(),
                    _ => format!("svc{n}"),
                };
                let name = format!("svc{n}");
                let max = Decimal::permille(max_permille).to_string();
                let t = self.token.clone();
                let mut msg = match kind {
                    0 | 1 => self.register_msg(
                        &name,
                        &max,
                        veto,
                        veto + opt_out,
                        &["uosmo"],
                        &[],
                        kind == 1,
                    ),
                    2 => self.register_msg(
                        &name,
                        &max,
                        0,
                        opt_out,
                        &["uatom", "untrn"],
                        &[&t],
                        false,
                    ),
                    3 | 4 => self.register_msg(&name, &max, veto, opt_out, &[], &[], true),
                    5 => self.register_msg(" ", &max, 0, 0, &[], &[], false),
                    6 => self.register_msg(&name, "0", 0, 0, &[], &[], false),
                    7 => self.register_msg(&name, &max, 0, 0, &["x"], &[], false),
                    8 => self.register_msg(&name, &max, 0, 0, &["uosmo", "uosmo"], &[], false),
                    _ => self.register_msg(
                        &name,
                        &max,
                        HUB_UNBONDING + 1,
                        HUB_UNBONDING + 1,
                        &[],
                        &[],
                        false,
                    ),
                };
                if kind == 4 {
                    if let ExecuteMsg::RegisterService(RegisterServiceMsg { slasher, .. }) =
                        &mut msg
                    {
                        *slasher = slasher.to_uppercase();
                    }
                }
                self.hub(&admin, msg, vec![])
            }
            Op::UpdateService { who, service, kind } => {
                let sender = self.service_sender(&who, service, "admin");
                let msg = self.update_service_msg(service, kind);
                self.hub(&sender, msg, vec![])
            }
            Op::SetStatus {
                who,
                service,
                status,
            } => {
                let sender = self.service_sender(&who, service, "admin");
                let status = [
                    ServiceStatus::Active,
                    ServiceStatus::Paused,
                    ServiceStatus::Retired,
                ][status as usize];
                self.hub(
                    &sender,
                    ExecuteMsg::SetServiceStatus {
                        service_id: service,
                        status,
                    },
                    vec![],
                )
            }
            Op::UpdateConfig { who, kind } => {
                let sender = self.owner_sender(&who);
                let msg = self.update_config_msg(kind);
                self.hub(&sender, msg, vec![])
            }
            Op::Pause { who, unpause } => {
                let sender = self.owner_sender(&who);
                let msg = if unpause {
                    ExecuteMsg::Unpause {}
                } else {
                    ExecuteMsg::Pause {}
                };
                self.hub(&sender, msg, vec![])
            }
            Op::Ownership { who, kind } => {
                let (sender, json) = match kind {
                    0 => (
                        self.owner_sender(&who),
                        json!({"transfer_ownership": {"new_owner": addr(s, "owner2")}}),
                    ),
                    1 => (
                        match who {
                            Who::Proper => self
                                .model
                                .pending_owner
                                .clone()
                                .unwrap_or_else(|| addr(s, "owner2")),
                            _ => addr(s, "stranger"),
                        },
                        json!("accept_ownership"),
                    ),
                    2 => (self.owner_sender(&who), json!("renounce_ownership")),
                    _ => (
                        self.owner_sender(&who),
                        json!({"transfer_ownership": {"new_owner": "Cosmwasm1NotAnAddress"}}),
                    ),
                };
                // renouncing ends every owner message for the rest of the run: keep it rare
                if kind == 2
                    && !matches!(who, Who::Stranger | Who::Staker)
                    && !self.log.len().is_multiple_of(3)
                {
                    return None;
                }
                let msg = serde_json::from_value(json!({ "update_ownership": json }))
                    .expect("ownership json");
                self.hub(&sender, msg, vec![])
            }
            Op::Vote { who, proposal, how } => {
                let one = |o: &u8| VoteOption::ALL[usize::from(*o) % 4];
                let w = |o: &u8, p: u16| WeightedVote {
                    option: one(o),
                    weight: Decimal::permille(u64::from(p)),
                };
                let (option, weighted) = match how {
                    VoteHow::Option(o) => (Some(one(&o)), None),
                    VoteHow::Split(a, b, p) => (None, Some(vec![w(&a, p), w(&b, 1000 - p)])),
                    VoteHow::Raw(list) => {
                        (None, Some(list.iter().map(|(o, p)| w(o, *p)).collect()))
                    }
                    VoteHow::Both(o) => (Some(one(&o)), Some(vec![w(&o, 1000)])),
                    VoteHow::Neither => (None, None),
                };
                let msg = ExecuteMsg::Vote {
                    proposal_id: self.gov.target(proposal),
                    option,
                    weighted,
                };
                self.hub(STAKERS[who], msg, vec![])
            }
            Op::OpenProposal { period } => {
                let secs = VOTING_PERIODS[usize::from(period) % VOTING_PERIODS.len()];
                prep.push(Step::OpenProposal {
                    voting_period: secs,
                });
                return None;
            }
            Op::WithFunds { who, kind } => {
                let v = self.val(0);
                let msg = match kind {
                    0 => ExecuteMsg::ClaimRewards {},
                    1 => ExecuteMsg::ClaimUnbonded {},
                    2 => ExecuteMsg::OptIn {
                        validator: v,
                        service_ids: vec![1],
                    },
                    3 => ExecuteMsg::Unbond {
                        validator: v,
                        amount: Uint128::new(1),
                    },
                    4 => ExecuteMsg::ProcessUnbondings {},
                    5 => ExecuteMsg::Pause {},
                    _ => ExecuteMsg::Vote {
                        proposal_id: 1,
                        option: Some(VoteOption::Yes),
                        weighted: None,
                    },
                };
                let funds = vec![coin(7, &denom)];
                let name = STAKERS[who];
                let sender = addr(s, name);
                prep.push(Step::top_up(&sender, funds.clone()));
                self.hub(name, msg, funds)
            }
        })
    }
}

/// A validator address in mixed case: not bech32, refused.
fn mixed_case(v: &str) -> String {
    v.char_indices()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// A slash request id: a pending one (None if there is none), or any id up to the next
/// (unknown) one.
fn pick_slash(m: &Model, pick: &SlashPick) -> Option<u64> {
    let n = m.next_slash_id;
    match pick {
        SlashPick::Pending(i) => {
            let pending: Vec<u64> = m
                .slashes
                .values()
                .filter(|q| q.status == SlashStatus::Pending)
                .map(|q| q.id)
                .collect();
            (!pending.is_empty()).then(|| pending[i % pending.len()])
        }
        SlashPick::Any(i) => Some((i % (n + 1)) + 1),
    }
}

// ---------------------------------------------------------------------------- runner

/// Accepted / refused counts per message kind over a run (printed in the long mode).
static COMPARE_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static INV_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static OUTCOMES: std::sync::Mutex<BTreeMap<String, (u64, u64)>> =
    std::sync::Mutex::new(BTreeMap::new());
static REASONS: std::sync::Mutex<BTreeMap<String, u64>> = std::sync::Mutex::new(BTreeMap::new());
static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// A known contract bug met while comparing: an error in strict mode, counted otherwise.
fn known_bug(bug: &str) -> Result<(), String> {
    if std::env::var("RESTAKE_STRICT").is_ok() {
        return Err(format!("known contract bug: {bug}"));
    }
    *KNOWN_BUGS
        .lock()
        .unwrap()
        .entry(bug.to_string())
        .or_default() += 1;
    Ok(())
}

/// Known contract bugs the model tolerated, over every run of the process.
static KNOWN_BUGS: std::sync::Mutex<BTreeMap<String, u64>> = std::sync::Mutex::new(BTreeMap::new());

fn record(a: &Step, result: &Result<(), String>) {
    let ok = result.is_ok();
    let kind = match a {
        Step::Hub { msg, .. } => serde_json::to_value(msg)
            .ok()
            .and_then(|v| match v {
                serde_json::Value::Object(o) => o.keys().next().cloned(),
                serde_json::Value::String(s) => Some(s),
                _ => None,
            })
            .unwrap_or_default(),
        Step::DistributeCw20 { .. } => "cw20 send".into(),
        Step::ChainSlash { .. } => "chain slash".into(),
        Step::Advance { .. } => "advance".into(),
        Step::Jail { .. } | Step::Unjail { .. } => "jail".into(),
        Step::Wasm { .. } => "token reverts".into(),
        other => other.to_string(),
    };
    if let Err(e) = result {
        let short: String = e.chars().filter(|c| !c.is_ascii_digit()).take(48).collect();
        *REASONS
            .lock()
            .unwrap()
            .entry(format!("{kind}: {short}"))
            .or_default() += 1;
    }
    let mut m = OUTCOMES.lock().unwrap();
    let e = m.entry(kind).or_default();
    if ok {
        e.0 += 1;
    } else {
        e.1 += 1;
    }
}

/// Runs a sequence from a fresh world; the error names the step and the difference.
fn run_ops(ops: &[Op]) -> Result<(), String> {
    let mut w = World::new();
    for (i, op) in ops.iter().enumerate() {
        for intent in w.expand(op) {
            for step in w.steps(&intent) {
                if let Err(e) = w.run(&step) {
                    return Err(format!("step {i} {op:?}\n  {step}\n  {e}"));
                }
            }
        }
    }
    // Everybody can always leave: resolve pending requests, unbond all, wait, claim.
    let left = leave_everything(&mut w);
    {
        let mut k = KNOWN_BUGS.lock().unwrap();
        for (bug, n) in &w.model.known_bugs {
            *k.entry(bug.to_string()).or_default() += n;
        }
    }
    left.map_err(|e| {
        let tail = w.log[w.log.len().saturating_sub(3)..].join("\n  ");
        format!("final exit: {e}\n  last steps:\n  {tail}")
    })
}

fn leave_everything(w: &mut World) -> Result<(), String> {
    w.light = true;
    let pending: Vec<u64> = w
        .model
        .slashes
        .values()
        .filter(|q| q.status == SlashStatus::Pending)
        .map(|q| q.id)
        .collect();
    for id in pending {
        let executable_at = w.model.slashes[&id].executable_at;
        if w.model.now < executable_at {
            w.step(&Step::advance(executable_at - w.model.now))?;
        }
        let a = w.hub("keeper", ExecuteMsg::ExecuteSlash { slash_id: id }, vec![]);
        w.step(&a)?;
    }
    for v in w.suite.validators.clone() {
        if w.model.validators.get(&v).is_some_and(|x| x.known) {
            let a = w.hub("keeper", ExecuteMsg::SyncValidator { validator: v }, vec![]);
            w.step(&a)?;
        }
    }
    for name in STAKERS {
        let staker = addr(&w.suite, name);
        for p in w.suite.positions(&staker).map_err(|e| e.to_string())? {
            if !p.amount.is_zero() {
                let a = w.hub(
                    name,
                    ExecuteMsg::Unbond {
                        validator: p.validator.clone(),
                        amount: p.amount,
                    },
                    vec![],
                );
                w.step(&a)?;
            }
        }
    }
    // the queued batches leave at the next epoch and return an unbonding period later
    for _ in 0..4 {
        if w.model.entries.is_empty() {
            break;
        }
        for wait in [3 * 86_400 + 1, HUB_UNBONDING] {
            w.step(&Step::advance(wait))?;
            let a = w.hub("keeper", ExecuteMsg::ProcessUnbondings {}, vec![]);
            w.step(&a)?;
        }
        for name in STAKERS {
            let a = w.hub(name, ExecuteMsg::ClaimUnbonded {}, vec![]);
            if matches!(w.model.expect(&a, w.underfunded(&a)), Expect::Err(_)) {
                continue;
            }
            w.step(&a)?;
        }
    }
    for name in STAKERS {
        let staker = addr(&w.suite, name);
        ensure!(
            w.suite
                .unbondings(&staker)
                .map_err(|e| e.to_string())?
                .is_empty(),
            "{name} still has unbondings"
        );
    }
    w.light = false;
    w.compare()?;
    // Positions worth less than a unit cannot leave: their pool may keep up to a unit each.
    let mut left = 0u128;
    for name in STAKERS {
        let staker = addr(&w.suite, name);
        left += w.suite.positions(&staker).map_err(|e| e.to_string())?.len() as u128;
    }
    let st = w.suite.stats().map_err(|e| e.to_string())?;
    ensure!(
        st.total_bonded.u128() <= left
            && st.total_unbonding.is_zero()
            && st.slashed_pending_routing.is_zero(),
        "after everybody left ({left} positions worth nothing remain): {st:?}"
    );
    Ok(())
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

thread_local! {
    /// Random steps run on this thread (macro operations count each of their steps).
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Compare every query with the model after every n-th step (1 in regressions).
    static COMPARE_EVERY: std::cell::Cell<usize> = const { std::cell::Cell::new(1) };
}

/// Runs `cases` random sequences of up to `max_steps` operations from `seed`; panics with the
/// shrunk sequence on a failure. Returns the random steps run (setup and final exits not
/// counted).
fn run_seed(seed: u64, cases: u32, max_steps: usize) -> u64 {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    STEPS.with(|n| n.set(0));
    let counted = std::cell::Cell::new(0u64);
    let shrinking = std::cell::Cell::new(false);
    let result = runner.run(&proptest::collection::vec(op(), 1..=max_steps), |ops| {
        let before = STEPS.with(|n| n.get());
        let r = run_ops(&ops).map_err(TestCaseError::fail);
        if r.is_err() {
            shrinking.set(true);
        }
        if !shrinking.get() {
            counted.set(counted.get() + STEPS.with(|n| n.get()) - before);
        }
        r
    });
    match result {
        Ok(()) => counted.get(),
        Err(TestError::Fail(reason, ops)) => {
            panic!(
                "seed {seed}: {reason}\nminimal sequence ({} ops), as a regression test:\n{}",
                ops.len(),
                rust(&ops)
            )
        }
        Err(e) => panic!("seed {seed}: {e}"),
    }
}

/// Prints what a run did: outcomes per message kind, known contract bugs met, tolerances.
fn report(label: &str, steps: u64, started: std::time::Instant) {
    let relaxed = std::sync::atomic::Ordering::Relaxed;
    println!(
        "{label}: {steps} random steps in {:?} ({:?} comparing, {:?} in check_invariants, {} liveness probes)",
        started.elapsed(),
        std::time::Duration::from_nanos(COMPARE_NANOS.load(relaxed)),
        std::time::Duration::from_nanos(INV_NANOS.load(relaxed)),
        PROBES.load(relaxed),
    );
    for (kind, (ok, refused)) in OUTCOMES.lock().unwrap().iter() {
        println!("  {kind:<26} accepted {ok:>8}  refused {refused:>8}");
    }
    for (bug, n) in KNOWN_BUGS.lock().unwrap().iter() {
        println!("  known contract bug met {n:>6} times: {bug}");
    }
    if std::env::var("RESTAKE_VERBOSE").is_ok() {
        for (k, (d, t)) in SLACK.lock().unwrap().iter() {
            println!("  slack {k:<48} max diff {d:>6}  max tolerance {t:>6}");
        }
        for (r, n) in REASONS.lock().unwrap().iter() {
            println!("  {n:>6}  {r}");
        }
    }
}

/// Every `cargo test`: a short fixed-seed run that fits CI's budget (≤ 90 s in a debug
/// build on a loaded 2-core machine; the CI run proper is `model_ci_*`). Knobs:
/// - `MODEL_STEPS=n`: run rounds of cases (seed, seed + 1, ...) until n random steps ran,
///   e.g. `MODEL_STEPS=50000 cargo test --release -p restake-tests --test all_tests
///   model_matches_contract -- --nocapture` (it prints what it did);
/// - `MODEL_COMPARE_EVERY=n` (default 4): compare every query after every n-th step (1:
///   after each; shrinking keeps the same setting);
/// - `RESTAKE_SEED`, `RESTAKE_CASES`, `RESTAKE_STEPS` (operations per case), `RESTAKE_LONG`
///   (2,000 cases of up to 120 operations), `RESTAKE_VERBOSE` (print the report).
#[test]
fn model_matches_contract() {
    let long = std::env::var("RESTAKE_LONG").is_ok();
    let cases = env_u64("RESTAKE_CASES").unwrap_or(if long { 2_000 } else { 10 }) as u32;
    let max_steps = env_u64("RESTAKE_STEPS").unwrap_or(if long { 120 } else { 60 }) as usize;
    let seed = env_u64("RESTAKE_SEED").unwrap_or(0x5eed_0009);
    let every = env_u64("MODEL_COMPARE_EVERY").unwrap_or(4).max(1) as usize;
    let target = env_u64("MODEL_STEPS");
    COMPARE_EVERY.with(|c| c.set(every));
    let started = std::time::Instant::now();
    let mut steps = 0;
    let mut round = 0;
    loop {
        steps += run_seed(seed + round, cases, max_steps);
        round += 1;
        if target.is_none_or(|t| steps >= t) {
            break;
        }
    }
    if long || target.is_some() || std::env::var("RESTAKE_VERBOSE").is_ok() {
        report(
            &format!("seed {seed}, {round} rounds of {cases} cases, compared every {every} steps"),
            steps,
            started,
        );
    }
}

/// The CI run, half of it (`RESTAKE_CI=1`, release, `--test-threads 2` runs both halves at
/// once): at least 50,000 random steps from a fixed seed.
fn model_ci(seed: u64) {
    if std::env::var("RESTAKE_CI").is_err() {
        return;
    }
    let target = env_u64("RESTAKE_CI_STEPS").unwrap_or(50_000);
    let started = std::time::Instant::now();
    let mut steps = 0;
    let mut round = 0;
    while steps < target {
        steps += run_seed(seed + round, 200, 150);
        round += 1;
    }
    report(
        &format!("CI seed {seed} ({round} rounds of 200 cases of up to 150 operations)"),
        steps,
        started,
    );
    assert!(steps >= target);
}

#[test]
fn model_ci_a() {
    model_ci(0x5eed_00a0);
}

#[test]
fn model_ci_b() {
    model_ci(0x5eed_00b0);
}

/// Replays a sequence (for named regression tests).
#[allow(dead_code)]
fn replay(ops: &[Op]) {
    if let Err(e) = run_ops(ops) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------- regressions

/// The failure printer writes sequences as `replay(&[...])` code.
#[test]
fn failures_print_as_rust() {
    let ops = vec![
        Op::Deposit {
            target: Target::Raw(0, 1),
            amount: Amt::Normal(5_000),
            funds: Funds::Bonded,
        },
        Op::OptIn {
            target: Target::Held(2),
            ids: Ids::Raw(vec![1, 1]),
        },
        Op::Distribute {
            service: 1,
            pay: Pay::Raw(vec![(0, RAmt::Tiny(3))]),
            payer: Who::Proper,
        },
        Op::Advance(600),
    ];
    let code = rust(&ops);
    assert!(
        code.contains("Op::OptIn { target: Target::Held(2), ids: Ids::Raw(vec![1, 1]) }"),
        "{code}"
    );
    assert!(
        code.contains("Pay::Raw(vec![(0, RAmt::Tiny(3))])"),
        "{code}"
    );
    assert!(code.contains("Op::Advance(600)"), "{code}");
}

/// Shrunk from seed 11 (long mode): a batch that matured before a chain slash, settled
/// together with the batch the slash hit: each keeps what the chain returned for it (see
/// `regression_a_batch_returned_before_a_chain_slash_is_charged_for_it`).
#[test]
fn regression_replay_batches_settled_together_after_a_chain_slash() {
    replay(&[
        Op::Unbond {
            target: Target::Held(3),
            amount: UAmt::Permille(1),
        },
        Op::Advance(HUB_UNBONDING),
        Op::Unbond {
            target: Target::Held(3),
            amount: UAmt::Permille(1),
        },
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
        Op::Advance(HUB_UNBONDING),
    ]);
}

/// Shrunk from seed 1: `process_unbondings` settling a batch a chain slash shortened while
/// the same validator's queued batch is due (the harness accepts the refusal, see
/// `regression_process_unbondings_harvests_twice`).
#[test]
fn regression_replay_short_batch_and_due_queued_batch() {
    replay(&[
        Op::Unbond {
            target: Target::Held(31),
            amount: UAmt::Permille(1),
        },
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
        Op::Advance(HUB_UNBONDING),
    ]);
}

/// Shrunk from seed 31 (long mode): three slash requests of service 2 on one validator,
/// executed together at the exit: the burned total carries the rounding of each (a
/// tolerance the model first forgot).
#[test]
fn regression_replay_several_slashes_routed_by_one_batch() {
    replay(&[
        Op::Deposit {
            target: Target::Held(3),
            amount: Amt::Normal(4_088_266),
            funds: Funds::Bonded,
        },
        Op::ClaimUnbonded { who: 0 },
        Op::Unbond {
            target: Target::Raw(1, 0),
            amount: UAmt::Permille(383),
        },
        Op::Advance(HUB_UNBONDING),
        Op::Slash {
            who: Who::Proper,
            service: 2,
            at: At::Exposed(2),
            fraction: Frac::OfMax(167),
            long_evidence: false,
        },
        Op::Advance(1),
        Op::Slash {
            who: Who::Proper,
            service: 2,
            at: At::Exposed(2),
            fraction: Frac::OfMax(584),
            long_evidence: false,
        },
        Op::Slash {
            who: Who::Proper,
            service: 2,
            at: At::Raw(0),
            fraction: Frac::OfMax(12),
            long_evidence: false,
        },
    ]);
}

/// `process_unbondings` harvests a validator twice in one message when it settles a batch
/// that returned short (a chain slash in flight) and then sends the same validator's queued
/// batch: both harvests read the same accrued rewards, the response withdraws them twice
/// and the books credit them twice. cw-multi-test refuses the second (empty) withdrawal, so
/// the keeper's crank fails until someone's `claim_unbonded` settles the batch; on a chain
/// where an empty withdrawal succeeds, the hub would owe stakers rewards it never received.
#[test]
fn regression_process_unbondings_harvests_twice() {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::percent(10))
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    s.deposit("alice", &v0, 1_000_000).unwrap();
    s.deposit("bob", &v0, 2_000_000).unwrap();
    s.deposit("carol", &v1, 500_000).unwrap();
    s.unbond("alice", &v0, 997).unwrap(); // sent at once
    s.chain_slash(&v0, Decimal::percent(1)); // shortens it in flight
    s.advance(HUB_UNBONDING);
    s.unbond("bob", &v0, 1_000).unwrap(); // the next batch of v0, sent
    s.unbond("alice", &v0, 1_000).unwrap(); // queued behind the epoch
    s.advance(HUB_UNBONDING.div_ceil(7) + 1);
    assert!(s.chain_rewards(&v0) > 0);
    let res = s.process_unbondings();
    assert!(
        res.is_ok(),
        "the crank fails: {}",
        err_text(&res.unwrap_err())
    );
    s.assert_invariants();
}

/// docs/design.md: "matured unbonding batches that return less than expected spread their
/// shortfall over the entries in that batch". Alice's batch was paid out in full by the
/// chain before the validator was slashed; bob's was in flight and lost 10%. Nobody
/// settled alice's batch before bob's returned, so both settle together; the hub used to
/// charge half of bob's loss to alice. It can tell: alice's batch completed before the sync
/// that last saw v0 whole (bob's unbond synced v0 after it completed).
#[test]
fn regression_a_batch_returned_before_a_chain_slash_is_charged_for_it() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.deposit("bob", &v, 1_000_000).unwrap();
    s.unbond("alice", &v, 100_000).unwrap();
    s.advance(HUB_UNBONDING);
    // the chain has returned alice's 100,000 (v0.2: into the validator's delegator proxy)
    assert_eq!(s.proxies_balance("uatom"), 100_000);
    s.unbond("bob", &v, 100_000).unwrap();
    s.chain_slash(&v, Decimal::percent(10));
    s.advance(HUB_UNBONDING);
    s.claim_unbonded("alice").unwrap();
    s.claim_unbonded("bob").unwrap();
    assert_eq!(
        (s.balance("alice", "uatom"), s.balance("bob", "uatom")),
        (100_000, 90_000)
    );
}

/// INSTANTIATE: `unbonding_period` "must not be shorter than the chain's" — so a longer one
/// is allowed. Then the chain returns a batch before the hub considers it due; when an
/// earlier batch settles, the early arrival is booked as a surplus (dust), and when the
/// batch itself comes due nothing is left for it: it is settled as a 100% chain slash and
/// its stakers are paid nothing.
#[test]
fn regression_a_longer_unbonding_period_loses_whole_batches() {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_hub(|m| m.unbonding_period = 28 * 86_400) // the chain's is 21 days
        .build();
    let v = s.validator(0);
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.deposit("bob", &v, 1_000_000).unwrap();
    s.unbond("alice", &v, 100_000).unwrap(); // sent at once
    s.advance(4 * 86_400);
    s.unbond("bob", &v, 200_000).unwrap(); // the next epoch: sent
    s.advance(24 * 86_400); // alice's batch is due; the chain returned both
    s.claim_unbonded("alice").unwrap();
    s.advance(4 * 86_400 + 10);
    s.process_unbondings().unwrap();
    s.advance(10);
    let _ = s.claim_unbonded("bob");
    assert_eq!(s.balance("alice", "uatom"), 100_000);
    assert_eq!(
        s.balance("bob", "uatom"),
        200_000,
        "bob's unbonding was lost"
    );
}

/// INTERFACE: `claimable` is "the part of `unbonding` that `claim_unbonded` would pay
/// now": a matured unbonding a pending request holds is not claimable. (v0.2, rule 7: only
/// a request opened before the unbonding completed holds it — v0.1 opened it after the batch
/// had matured, which no longer holds anything; see
/// `a_request_opened_after_an_unbonding_matured_does_not_hold_it`.)
#[test]
fn regression_overview_claimable_counts_frozen_unbondings() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(
            restake_multitest::ServiceSpec::new("svc")
                .resolver("svc-resolver")
                .veto_period(86_400)
                .opt_out_delay(86_400),
        )
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.unbond("alice", &v, 100_000).unwrap();
    s.slash("svc-slasher", id, &v, Decimal::percent(1)).unwrap();
    s.advance(HUB_UNBONDING);
    s.process_unbondings().unwrap();
    let err = s.claim_unbonded("alice").unwrap_err();
    assert!(err_text(&err).contains("frozen"));
    assert_eq!(s.staker_overview("alice").unwrap().claimable.u128(), 0);
}

/// Rule 7: a request opened after an unbonding completed does not hold it (it stays
/// slashable until claimed, but the claim goes through).
#[test]
fn a_request_opened_after_an_unbonding_matured_does_not_hold_it() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    let id = s
        .register(
            restake_multitest::ServiceSpec::new("svc")
                .resolver("svc-resolver")
                .veto_period(86_400)
                .opt_out_delay(86_400),
        )
        .unwrap();
    s.deposit("alice", &v, 1_000_000).unwrap();
    s.opt_in("alice", &v, &[id]).unwrap();
    s.unbond("alice", &v, 100_000).unwrap();
    s.advance(HUB_UNBONDING);
    s.process_unbondings().unwrap();
    s.slash("svc-slasher", id, &v, Decimal::percent(1)).unwrap();
    assert_eq!(
        s.staker_overview("alice").unwrap().claimable.u128(),
        100_000
    );
    s.claim_unbonded("alice").unwrap();
    assert_eq!(s.balance("alice", "uatom"), 100_000);
}

/// Shrunk from seed 5 (long mode): a chain slash detected by the very unbond that then sends
/// the next batch must not be charged to that batch (it left after the sync).
#[test]
fn regression_replay_slash_detected_by_the_send_that_follows() {
    replay(&[
        Op::Unbond {
            target: Target::Held(3),
            amount: UAmt::Permille(1),
        },
        Op::Advance(259201),
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
    ]);
}

/// Shrunk from seed 13 (long mode): slashed stake sent alone by the crank, then a chain
/// slash while it is in flight: the batch returns short and routes less.
#[test]
fn regression_replay_slashed_stake_in_flight_during_a_chain_slash() {
    replay(&[
        Op::Slash {
            who: Who::Proper,
            service: 1,
            at: At::Exposed(2),
            fraction: Frac::OfMax(1),
            long_evidence: false,
        },
        Op::Crank,
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
    ]);
}

/// Shrunk from seed 5 (long mode, after the detection-window fix): a tiny service slash sent
/// alone, a chain slash while it is in flight, then the crank that settles it.
#[test]
fn regression_replay_tiny_slashed_batch_settled_after_a_chain_slash() {
    replay(&[
        Op::Slash {
            who: Who::Proper,
            service: 1,
            at: At::Exposed(2),
            fraction: Frac::Tiny,
            long_evidence: false,
        },
        Op::Crank,
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
        Op::Advance(1814400),
        Op::Crank,
    ]);
}

/// Shrunk from seed 13 (long mode): two small unbondings on different validators, chain
/// slashes on both, one before and one after the batches are due.
#[test]
fn regression_replay_two_validators_slashed_around_completion() {
    replay(&[
        Op::Deposit {
            target: Target::Raw(2, 0),
            amount: Amt::Normal(1000),
            funds: Funds::Bonded,
        },
        Op::Unbond {
            target: Target::Held(8),
            amount: UAmt::Permille(2),
        },
        Op::Unbond {
            target: Target::Held(19),
            amount: UAmt::Permille(1),
        },
        Op::ChainSlash {
            val: 0,
            permille: 10,
        },
        Op::Advance(1814400),
        Op::ChainSlash {
            val: 1,
            permille: 10,
        },
    ]);
}

/// Found by the model on the lean hub (d68841b): a query that detects a chain slash of 100 %
/// on a validator unlists its wiped pools, and that index write failed the query ("books
/// opened read-only"), so every staker's pending rewards failed until a message synced.
#[test]
fn regression_replay_queries_after_an_undetected_full_chain_slash() {
    replay(&[
        Op::Junk {
            val: 3,
            n: 1,
            stake: 1000,
            keep: 1000,
        },
        Op::ChainSlashBp { val: 0, bp: 10000 },
    ]);
}

/// Found by the model on the merged hub: junk pools fill validator 2's slots, a 90 % chain
/// slash, two tiny unbonds everywhere, a crank; then the `positions` query of a member of an
/// evicted pool fails with "pool not found". Traced: the evicted pool (9) redirects to the
/// plain pool (15) its tokens went to; that pool has since been deleted, and the member's
/// position converts to zero shares of it (the evicted pool was worth less than a share), so
/// `settled_position` fails loading the target. It also serves that member's messages: its
/// `claim_rewards` and its `unbond` on the validator fail with "pool not found" too (checked
/// by hand on this sequence), so its exits and all its rewards are locked (rules 5 and 8),
/// although the position itself is worth nothing. A fix to consider: when the conversion gives zero shares and
/// the target is gone, settle against the validator's current plain pool (the model must then
/// follow the pool ids).
#[test]

fn regression_replay_evicted_pool_redirects_to_a_deleted_plain_pool() {
    replay(&[
        Op::Junk {
            val: 3,
            n: 6,
            stake: 1000,
            keep: 1,
        },
        Op::Deposit {
            target: Target::Held(0),
            amount: Amt::Small(0),
            funds: Funds::Bonded,
        },
        Op::ChainSlashBp { val: 3, bp: 9000 },
        Op::UnbondEverywhere { permille: 1 },
        Op::UnbondEverywhere { permille: 1 },
        Op::Advance(1814400),
        Op::Crank,
        Op::Deposit {
            target: Target::Held(55),
            amount: Amt::Normal(1000),
            funds: Funds::Bonded,
        },
    ]);
}

/// The model's first run after eviction became a forced opt-out: a junk staker whose pool was
/// evicted (ready at once) completes the forced opt-out with `complete_opt_out`.
#[test]
fn regression_replay_complete_opt_out_completes_a_forced_opt_out() {
    replay(&[
        Op::Junk {
            val: 0,
            n: 3,
            stake: 1000,
            keep: 1,
        },
        Op::CompleteOptOut {
            target: Target::Held(0),
        },
        Op::Deposit {
            target: Target::Held(0),
            amount: Amt::Small(0),
            funds: Funds::Bonded,
        },
    ]);
}

/// A junk staker's evicted pool is due for conversion when everybody leaves: its unbond of
/// what the position query shows (the unconverted value) must go through, so an unbond
/// leaves the pool as it is instead of converting it first (conversion rounds down).
#[test]
fn regression_replay_unbond_takes_what_the_query_shows_in_a_due_evicted_pool() {
    replay(&[
        Op::Deposit {
            target: Target::Raw(1, 1),
            amount: Amt::Normal(1282276),
            funds: Funds::Bonded,
        },
        Op::Deposit {
            target: Target::Raw(0, 3),
            amount: Amt::Normal(1000),
            funds: Funds::Bonded,
        },
        Op::Deposit {
            target: Target::Held(2),
            amount: Amt::Normal(3707529),
            funds: Funds::Bonded,
        },
        Op::ChainSlashBp { val: 1, bp: 3333 },
        Op::Junk {
            val: 1,
            n: 6,
            stake: 1311,
            keep: 3,
        },
    ]);
}

/// A slash that empties a pool the model could not tell was alive (a chain slash noticed in
/// the same message): the model must not judge the pool by the listing after the slash.
#[test]
fn regression_replay_a_slash_empties_a_pool_of_uncertain_stake() {
    replay(&[
        Op::ChainSlashBp { val: 1, bp: 1 },
        Op::Junk {
            val: 1,
            n: 3,
            stake: 1000,
            keep: 1,
        },
        Op::Unbond {
            target: Target::Held(7),
            amount: UAmt::Permille(1),
        },
        Op::OptIn {
            target: Target::Held(45),
            ids: Ids::Fit(27),
        },
        Op::Slash {
            who: Who::Proper,
            service: 3,
            at: At::Exposed(1),
            fraction: Frac::OfMax(1),
            long_evidence: false,
        },
    ]);
}

/// Governance in the model (issue 19), one sequence through every path: votes on open
/// proposals (one option, weighted, changed), stake changes of voters during voting (the
/// tallies follow), proposals that end, the cap of `MAX_OPEN_VOTES` met with ended proposals
/// (which close) and with open ones (refused), and votes on proposals not open yet.
#[test]
fn model_governance_paths() {
    let vote = |who, proposal, how| Op::Vote { who, proposal, how };
    let deposit = |who, val, n| Op::Deposit {
        target: Target::Raw(who, val),
        amount: Amt::Normal(n),
        funds: Funds::Bonded,
    };
    replay(&[
        deposit(0, 0, 3_000_000),
        deposit(0, 1, 1_000_000),
        deposit(1, 0, 2_000_000),
        deposit(2, 1, 500_000),
        vote(0, 1, VoteHow::Option(0)), // no proposal yet: refused by the chain
        Op::OpenProposal { period: 0 }, // 1: an hour
        vote(0, 1, VoteHow::Option(0)),
        vote(1, 1, VoteHow::Split(1, 2, 700)),
        deposit(0, 0, 1_000_000), // alice's vote follows her stake
        Op::Unbond {
            target: Target::Raw(1, 0),
            amount: UAmt::Permille(400),
        },
        vote(0, 1, VoteHow::Split(0, 3, 250)), // alice changes her vote
        Op::OpenProposal { period: 2 },        // 2: a week
        Op::OpenProposal { period: 2 },        // 3: a week
        vote(0, 1, VoteHow::Option(1)),        // on 3
        vote(0, 2, VoteHow::Option(2)),        // on 2: alice's open votes are 1, 3, 2 (the cap)
        Op::Advance(7_200),                    // proposal 1 ends
        Op::OpenProposal { period: 1 },        // 4: a day
        vote(0, 1, VoteHow::Option(3)),        // on 4, at the cap: proposal 1 ended and closes
        Op::OpenProposal { period: 1 },        // 5: a day
        vote(0, 1, VoteHow::Option(0)),        // on 5: 3, 2 and 4 are open, refused
        vote(2, 5, VoteHow::Option(0)),        // on 1: closed for everyone
        vote(2, 1, VoteHow::Option(1)),        // on 5
        Op::Unbond {
            target: Target::Raw(0, 1),
            amount: UAmt::Permille(1_000),
        },
        Op::Advance(2 * 86_400),        // 4 and 5 end
        deposit(0, 0, 1_000_000),       // the re-cast on 4 is refused: it closes
        vote(0, 1, VoteHow::Option(1)), // on 5, ended: refused by the chain
    ]);
}

/// The long run's first sequence with `withdraw_shares` on a validator the chain had slashed
/// (cw-multi-test's staking module then panics, see `World::resolve`): the world no longer
/// tokenizes there, and the sequence runs.
#[test]
fn regression_replay_withdraw_shares_after_a_chain_slash() {
    replay(&[
        Op::LeaveValidator { val: 0 },
        Op::Deposit {
            target: Target::Raw(0, 3),
            amount: Amt::Normal(1000),
            funds: Funds::Bonded,
        },
        Op::Unbond {
            target: Target::Held(1),
            amount: UAmt::All,
        },
        Op::ChainSlashBp { val: 3, bp: 1 },
        Op::WithdrawShares {
            target: Target::Held(2),
            amount: UAmt::Permille(1),
        },
        Op::Unbond {
            target: Target::Held(6),
            amount: UAmt::All,
        },
        Op::Advance(1814400),
        Op::Deposit {
            target: Target::Raw(0, 3),
            amount: Amt::Normal(1000),
            funds: Funds::Bonded,
        },
    ]);
}

/// Two rounds of junk pools around a slash: the second round's evictions pick among pools the
/// model's rounding cannot order; the model follows the pool the contract evicted.
#[test]
fn regression_replay_junk_rounds_evict_the_contracts_choice() {
    replay(&[
        Op::Junk {
            val: 1,
            n: 3,
            stake: 1000,
            keep: 1,
        },
        Op::Slash {
            who: Who::Proper,
            service: 4,
            at: At::Exposed(0),
            fraction: Frac::OfMax(1),
            long_evidence: false,
        },
        Op::Junk {
            val: 1,
            n: 3,
            stake: 1000,
            keep: 1,
        },
    ]);
}
