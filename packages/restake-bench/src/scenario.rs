//! The benchmark: a hub with a growing population of stakers, rounds of every message
//! measured at each size, and a curve against the number of pools on a validator.
//!
//! Every staker is genuine contract state: it deposited and opted in through the VM. Each
//! round uses fresh subjects and repeats the same timeline, so two rounds differ only in
//! the population and the number of past reward payments:
//!
//! ```text
//! t0        (a new day) deposit (new), opt_in 4, deposit (existing); claim subjects set up;
//!           P payments to each of services 1-16; distribute (native 1 and 3 denoms, cw20);
//!           harvest; claim_rewards ×6; opt_out; a new staker votes (option), changes its
//!           vote (weighted), then deposits again (its open vote follows)
//! t0+2d     complete_opt_out; chain slash + sync_validator; unbond (sends a batch);
//!           unbond (queued); slash (opened, 1 day veto window)
//! t0+3d     execute_slash
//! t0+5d     process_unbondings (send)
//! t0+23d    process_unbondings (settle); claim_unbonded
//! t0+26d    the slashed batch settles; its staker claims
//! ```
//!
//! Every background staker also votes on one proposal that stays in its voting period for
//! the whole run, so the measured votes meet as many voters on the proposal and on the
//! validator as there are stakers.
//!
//! Why one file: the benchmark is one timeline, and its rounds, subjects and curve share
//! the hub, the chain and the clock; it reads top to bottom in the order it runs.

use std::collections::BTreeMap;

use cosmwasm_std::{coin, Addr, Coin, Decimal, Uint128};
use restake_multitest::Step;
use restake_types::{
    ExecuteMsg, InstantiateMsg, PoolsResponse, QueryMsg, RegisterServiceMsg, SlashDestination,
    StatsResponse, ValidatorResponse, VoteOption, WeightedVote,
};
use serde::Serialize;

use crate::gas::{avoidable, estimate, minimal, SdkGas, Shape};
use crate::storage::KeyTally;
use crate::vm::{Cost, VmHub};

pub const BONDED: &str = "ustake";
pub const UNBONDING_PERIOD: u64 = 1_814_400;
const DAY: u64 = 86_400;
const VETO: u64 = DAY;
const OPT_OUT_DELAY: u64 = 2 * DAY;
const DENOMS: [&str; 3] = ["urwd1", "urwd2", "urwd3"];
/// One reward payment per denom: large enough that a subject's share is whole units even
/// with 10,000 stakers of 1,000,000 each in the service.
const PAYMENT: u128 = 1_000_000_000;
/// Services 1-8 pay in one denom, 9-16 in three, 17 in a cw20 token, 18 slashes the
/// validators of the pool curve.
const CW20_SERVICE: u64 = 17;
const POOL_SERVICE: u64 = 18;
/// Background stakers secure these services (service 1 is the one that slashes).
const BACKGROUND_SET: [u64; 3] = [1, 9, CW20_SERVICE];
/// (services, reward denoms) of the claim subjects.
const CLAIMS: [(u64, usize); 6] = [(1, 1), (4, 1), (8, 1), (1, 3), (4, 3), (8, 3)];

/// Sizes of one run.
#[derive(Clone, Debug)]
pub struct Mode {
    pub name: &'static str,
    /// Background stakers in the hub at each measured level.
    pub levels: Vec<u64>,
    /// Past reward payments (to each service) before the measured messages.
    pub payments: Vec<u32>,
    /// Pools on the validator for the slash / sync curve.
    pub pool_levels: Vec<u32>,
}

impl Mode {
    pub fn quick() -> Mode {
        Mode {
            name: "quick",
            levels: vec![1, 10],
            payments: vec![1, 10],
            pool_levels: vec![1, 8],
        }
    }

    pub fn full() -> Mode {
        Mode {
            name: "full",
            levels: vec![1, 100, 1_000, 10_000],
            payments: vec![1, 10, 100],
            pool_levels: vec![1, 8, 16, 32],
        }
    }
}

/// One measured message.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// "stakers" (the scale curve) or "pools" (the pool curve).
    pub curve: String,
    pub message: String,
    pub scenario: String,
    /// Background stakers (the nominal size of the level).
    pub stakers: u64,
    /// Stakers the hub counts (`stats.stakers`): the background plus earlier subjects.
    pub stakers_in_hub: u64,
    /// Past reward payments per service in the round.
    pub payments: u32,
    /// Live pools on the validator the message works on.
    pub pools: u32,
    pub vm_gas: u64,
    pub sdk_gas_estimate: u64,
    pub sdk: SdkGas,
    pub reads: u64,
    pub writes: u64,
    pub removes: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
    pub iterations: u64,
    pub queries: u64,
    pub repeated_reads: u64,
    pub unchanged_writes: u64,
    /// SDK gas of the re-reads and unchanged writes.
    pub avoidable_sdk_gas: u64,
    pub minimal_storage_ops: Option<u64>,
    pub minimal_reads: Option<u64>,
    pub minimal_writes: Option<u64>,
    /// What a slash or sync had to touch (pools, services, batches, groups).
    pub shape: Option<Shape>,
    pub messages_emitted: usize,
    /// Replies the hub received (their gas and storage are included above).
    pub replies: u64,
    #[serde(skip)]
    pub keys: BTreeMap<String, KeyTally>,
}

/// Which service a measured slash hits (`None`: a chain sync hits every pool) and how many
/// unbonding batches and groups of the hit pools lose stake, known from the scenario.
#[derive(Clone, Copy)]
struct Hint {
    service: Option<u64>,
    batches: u64,
    groups: u64,
}

struct Ctx {
    curve: &'static str,
    stakers: u64,
    stakers_in_hub: u64,
    payments: u32,
    record: bool,
}

pub struct Bench {
    pub hub: VmHub,
    main: String,
    slasher: Addr,
    funder: Addr,
    token: Addr,
    background: u64,
    round: u32,
    extra_services: u64,
    pool_validators: Vec<String>,
    /// The proposal every staker votes on (in its voting period for the whole run).
    proposal: u64,
    pub rows: Vec<Row>,
    pub executions: u64,
}

/// A vote on the background proposal: one option, or a weighted 0.7 / 0.3 split.
fn vote_msg(proposal_id: u64, option: VoteOption, split: Option<VoteOption>) -> ExecuteMsg {
    match split {
        None => ExecuteMsg::Vote {
            proposal_id,
            option: Some(option),
            weighted: None,
        },
        Some(other) => ExecuteMsg::Vote {
            proposal_id,
            option: None,
            weighted: Some(vec![
                WeightedVote {
                    option,
                    weight: Decimal::percent(70),
                },
                WeightedVote {
                    option: other,
                    weight: Decimal::percent(30),
                },
            ]),
        },
    }
}

fn services_of(k: u64, denoms: usize) -> Vec<u64> {
    let first = if denoms == 1 { 1 } else { 9 };
    (first..first + k).collect()
}

fn attr<'a>(cost: &'a Cost, key: &str) -> Option<&'a str> {
    cost.attributes
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn expect_attr(cost: &Cost, key: &str, want: impl Fn(&str) -> bool) -> Result<(), String> {
    match attr(cost, key) {
        Some(v) if want(v) => Ok(()),
        v => Err(format!("unexpected attribute {key} = {v:?}")),
    }
}

fn nonzero(v: &str) -> bool {
    !v.is_empty() && v != "0"
}

impl Bench {
    pub fn new(wasm: &[u8]) -> Result<Bench, String> {
        let instantiate = InstantiateMsg {
            owner: None,
            unbonding_period: UNBONDING_PERIOD,
            min_deposit: Some(Uint128::new(1_000)),
            max_services_per_position: None,
            max_veto_period: None,
            max_reward_assets: None,
            slash_destination: Some(SlashDestination::Burn {}),
            max_pools_per_validator: None,
            unbonding_epoch: None,
            max_open_votes: None,
            delegator_for: None,
        };
        let mut hub = VmHub::new(wasm, BONDED, &instantiate)?;
        let main = "cosmosvaloper1main".to_string();
        hub.chain().add_validator(&main);
        let token = hub.addr("reward-token");
        hub.chain().add_contract(token.as_str());
        let slasher = hub.addr("slasher");
        let proposal = hub.chain().open_proposal(100 * 365 * DAY);
        let mut bench = Bench {
            main,
            slasher: slasher.clone(),
            funder: hub.addr("funder"),
            token: token.clone(),
            hub,
            background: 0,
            round: 0,
            extra_services: 0,
            pool_validators: vec![],
            proposal,
            rows: vec![],
            executions: 0,
        };
        let admin = bench.hub.addr("service-admin");
        let resolver = bench.hub.addr("resolver");
        for id in 1..=POOL_SERVICE {
            let (denoms, tokens): (Vec<String>, Vec<String>) = match id {
                1..=8 => (vec![DENOMS[0].into()], vec![]),
                9..=16 => (DENOMS.iter().map(|d| d.to_string()).collect(), vec![]),
                CW20_SERVICE => (vec![], vec![token.to_string()]),
                _ => (vec![DENOMS[0].into()], vec![]),
            };
            let cost = bench.exec(&Step::register_service(
                admin.as_str(),
                RegisterServiceMsg {
                    name: format!("service {id}"),
                    slasher: slasher.to_string(),
                    resolver: Some(resolver.to_string()),
                    max_slash: Decimal::percent(10),
                    veto_period: VETO,
                    opt_out_delay: OPT_OUT_DELAY,
                    reward_denoms: Some(denoms),
                    reward_tokens: Some(tokens),
                    metadata_uri: None,
                },
            ))?;
            expect_attr(&cost, "service_id", |v| v == id.to_string())?;
        }
        Ok(bench)
    }

    /// Executes a step's message with staking rewards accrued on every delegation first
    /// (as every block does on a chain), so every message that touches a validator meets
    /// real rewards.
    fn exec(&mut self, step: &Step) -> Result<Cost, String> {
        self.accrue();
        self.executions += 1;
        self.hub
            .apply(step)?
            .ok_or_else(|| format!("`{step}` sends no message to the hub"))
    }

    /// A chain event (time passing, a chain slash) on the mock chain.
    fn chain(&mut self, step: Step) -> Result<(), String> {
        self.hub.apply(&step).map(|_| ())
    }

    fn accrue(&mut self) {
        let validators: Vec<String> = self.validators();
        let chain = self.hub.chain();
        for v in validators {
            if chain.delegation(&v) > 0 {
                chain.accrue_rewards(&v, &[coin(1_000, BONDED)]);
            }
        }
    }

    fn validators(&self) -> Vec<String> {
        let mut v = vec![self.main.clone()];
        v.extend(self.pool_validators.iter().cloned());
        v
    }

    /// `stats.stakers`: addresses with at least one position.
    fn stakers_in_hub(&mut self) -> Result<u64, String> {
        let stats: StatsResponse = self.hub.query(&QueryMsg::Stats {})?;
        Ok(stats.stakers)
    }

    fn pools_on(&mut self, validator: &str) -> Result<u32, String> {
        let v: ValidatorResponse = self.hub.query(&QueryMsg::Validator {
            validator: validator.to_string(),
        })?;
        Ok(v.pools)
    }

    fn measure(
        &mut self,
        ctx: &Ctx,
        pools_of: &str,
        message: &str,
        scenario: &str,
        step: &Step,
    ) -> Result<Cost, String> {
        self.measure_with(ctx, pools_of, None, message, scenario, step)
    }

    /// What a slash of `hint.service` (a chain sync when `None`) must touch on `validator`.
    fn shape(&mut self, validator: &str, hint: Hint) -> Result<Shape, String> {
        // (pool id, its services), from the pools query
        let mut pools: Vec<(u64, Vec<u64>)> = vec![];
        loop {
            let page: PoolsResponse = self.hub.query(&QueryMsg::Pools {
                validator: validator.to_string(),
                start_after: pools.last().map(|p| p.0),
                limit: Some(30),
            })?;
            if page.pools.is_empty() {
                break;
            }
            pools.extend(page.pools.into_iter().map(|p| (p.id, p.service_ids)));
        }
        let hit: Vec<_> = pools
            .iter()
            .filter(|p| hint.service.is_none_or(|s| p.1.contains(&s)))
            .collect();
        let mut services: Vec<u64> = hit.iter().flat_map(|p| p.1.clone()).collect();
        services.sort_unstable();
        services.dedup();
        Ok(Shape {
            pools: pools.len() as u64,
            hit: hit.len() as u64,
            services: services.len() as u64,
            batches: hint.batches,
            groups: hint.groups,
        })
    }

    fn measure_with(
        &mut self,
        ctx: &Ctx,
        pools_of: &str,
        hint: Option<Hint>,
        message: &str,
        scenario: &str,
        step: &Step,
    ) -> Result<Cost, String> {
        let pools = self.pools_on(pools_of)?;
        let shape = match hint {
            Some(h) => Some(self.shape(pools_of, h)?),
            None => None,
        };
        let cost = self.exec(step)?;
        if ctx.record {
            let sdk = estimate(&cost);
            // History points: keys of the hub's and the services' series (the key tallies
            // name a key by its hex bytes).
            use restake_hub::state::ns::{HUB_POINT, SERVICE_POINT};
            let series = [HUB_POINT, SERVICE_POINT].map(|ns| format!("0x{ns:02x}"));
            let points = cost
                .keys
                .iter()
                .filter(|(k, _)| series.iter().any(|p| k.starts_with(p.as_str())))
                .map(|(_, t)| t.writes)
                .sum();
            let min = minimal(message, scenario, shape, points);
            let s = &cost.storage;
            // The floor is the fewest the design needs: a message below it means the floor
            // (gas::minimal) is wrong, so the report would not be truthful.
            if let Some(m) = min {
                if s.reads < m.reads || s.writes + s.removes < m.writes {
                    return Err(format!(
                        "{message} / {scenario}: {} reads, {} writes + deletes, below the \
                         floor {} / {} (gas::minimal)",
                        s.reads,
                        s.writes + s.removes,
                        m.reads,
                        m.writes
                    ));
                }
            }
            self.rows.push(Row {
                curve: ctx.curve.to_string(),
                message: message.to_string(),
                scenario: scenario.to_string(),
                stakers: ctx.stakers,
                stakers_in_hub: ctx.stakers_in_hub,
                payments: ctx.payments,
                pools,
                vm_gas: cost.vm_gas,
                sdk_gas_estimate: sdk.total,
                sdk,
                reads: s.reads,
                writes: s.writes,
                removes: s.removes,
                bytes_read: s.bytes_read,
                bytes_written: s.bytes_written,
                iterations: s.iterations(),
                queries: cost.queries.total(),
                repeated_reads: s.repeated_reads,
                unchanged_writes: s.unchanged_writes,
                avoidable_sdk_gas: avoidable(&cost.keys),
                minimal_storage_ops: min.map(|m| m.reads + m.writes),
                minimal_reads: min.map(|m| m.reads),
                minimal_writes: min.map(|m| m.writes),
                shape,
                messages_emitted: cost.messages,
                replies: cost.replies,
                keys: cost.keys.clone(),
            });
        }
        Ok(cost)
    }

    fn deposit(&mut self, staker: &Addr, validator: &str, amount: u128) -> Result<Cost, String> {
        self.exec(&Step::deposit(
            staker.as_str(),
            validator,
            coin(amount, BONDED),
        ))
    }

    fn opt_in(&mut self, staker: &Addr, validator: &str, ids: &[u64]) -> Result<Cost, String> {
        self.exec(&Step::opt_in(staker.as_str(), validator, ids))
    }

    /// Adds background stakers (a deposit and an opt-in each, executed in the VM) up to `n`.
    pub fn populate(&mut self, n: u64, progress: &mut dyn FnMut(&str)) -> Result<(), String> {
        let main = self.main.clone();
        while self.background < n {
            let staker = self.hub.addr(&format!("staker-{}", self.background));
            self.deposit(&staker, &main, 1_000_000 + self.background as u128)?;
            self.opt_in(&staker, &main, &BACKGROUND_SET)?;
            // Voters of every kind: one option, two, all four (the first staker, so that the
            // validator's mix holds all four options at every level: a cast's cost grows with
            // the options in the mix, at most four, not with the voters).
            let i = self.background;
            let at = |k: u64| VoteOption::ALL[((i + k) % 4) as usize];
            let msg = match i % 3 {
                0 => ExecuteMsg::Vote {
                    proposal_id: self.proposal,
                    option: None,
                    weighted: Some(
                        [40, 30, 20, 10]
                            .iter()
                            .zip(0..)
                            .map(|(p, k)| WeightedVote {
                                option: at(k),
                                weight: Decimal::percent(*p),
                            })
                            .collect(),
                    ),
                },
                1 => vote_msg(self.proposal, at(0), None),
                _ => vote_msg(self.proposal, at(0), Some(at(1))),
            };
            self.exec(&Step::hub(staker.as_str(), msg, vec![]))?;
            self.background += 1;
            if self.background.is_multiple_of(1_000) {
                progress(&format!("  {} stakers", self.background));
            }
        }
        let stats = self.stakers_in_hub()?;
        if stats < n {
            return Err(format!("the hub counts {stats} stakers, expected ≥ {n}"));
        }
        Ok(())
    }

    fn pay(&mut self, service: u64) -> Result<Cost, String> {
        let funds: Vec<Coin> = match service {
            1..=8 | POOL_SERVICE => vec![coin(PAYMENT, DENOMS[0])],
            _ => DENOMS.iter().map(|d| coin(PAYMENT, *d)).collect(),
        };
        let funder = self.funder.clone();
        self.exec(&Step::distribute(funder.as_str(), service, funds))
    }

    /// One round of every message (see the module docs for the timeline).
    pub fn round(&mut self, stakers: u64, payments: u32, record: bool) -> Result<(), String> {
        let r = self.round;
        self.round += 1;
        let stats = self.stakers_in_hub()?;
        let ctx = Ctx {
            curve: "stakers",
            stakers,
            stakers_in_hub: stats,
            payments,
            record,
        };
        let v = self.main.clone();
        let vm = v.as_str();
        let a = self.hub.addr(&format!("r{r}-a"));
        let anyone = self.hub.addr("cranker");

        // ------------------------------------------------------------ t0
        // Every round starts on a day of its own, so its first deposit is the first change
        // of the hub's totals that day in every round, whether or not stakers were added
        // before it: it writes the totals' history point each time, and every later message
        // of the round meets the same history state in every round (whichever first changes
        // a series on a day writes its point, then in every round alike).
        self.chain(Step::advance(DAY))?;
        let c = self.measure(
            &ctx,
            vm,
            "deposit",
            "new_position",
            &Step::deposit(a.as_str(), vm, coin(2_000_000, BONDED)),
        )?;
        expect_attr(&c, "amount", |x| x == "2000000")?;
        self.measure(
            &ctx,
            vm,
            "opt_in",
            "4_services",
            &Step::opt_in(a.as_str(), vm, &[1, 2, 3, 4]),
        )?;
        self.measure(
            &ctx,
            vm,
            "deposit",
            "existing_position_4_services",
            &Step::deposit(a.as_str(), vm, coin(1_000_000, BONDED)),
        )?;

        let subjects: Vec<(u64, usize, Addr)> = CLAIMS
            .iter()
            .map(|(k, d)| (*k, *d, self.hub.addr(&format!("r{r}-claim-{k}x{d}"))))
            .collect();
        for (k, d, s) in &subjects {
            self.deposit(s, vm, 1_000_000)?;
            self.opt_in(s, vm, &services_of(*k, *d))?;
        }
        for _ in 0..payments {
            for service in 1..=16 {
                self.pay(service)?;
            }
        }
        let funder = self.funder.clone();
        let c = self.measure(
            &ctx,
            vm,
            "distribute_rewards",
            "native_1_denom",
            &Step::distribute(funder.as_str(), 1, vec![coin(PAYMENT, DENOMS[0])]),
        )?;
        expect_attr(&c, "amount", nonzero)?;
        self.measure(
            &ctx,
            vm,
            "distribute_rewards",
            "native_3_denoms",
            &Step::distribute(
                funder.as_str(),
                9,
                DENOMS.iter().map(|d| coin(PAYMENT, *d)).collect::<Vec<_>>(),
            ),
        )?;
        let token = self.token.clone();
        // the token moves the balance, then calls the hub's `receive`
        let c = self.measure(
            &ctx,
            vm,
            "receive",
            "cw20_distribute_rewards",
            &Step::distribute_cw20(token.as_str(), funder.as_str(), CW20_SERVICE, PAYMENT),
        )?;
        expect_attr(&c, "cw20", |x| x == token.as_str())?;
        let c = self.measure(
            &ctx,
            vm,
            "harvest",
            "1_validator",
            &Step::harvest(anyone.as_str(), Some(vec![v.clone()])),
        )?;
        expect_attr(&c, "validators", |x| x == vm)?;
        for (k, d, s) in &subjects {
            let c = self.measure(
                &ctx,
                vm,
                "claim_rewards",
                &format!("{k}_services_{d}_denoms"),
                &Step::claim_rewards(s.as_str()),
            )?;
            // Service denoms and the native staking reward are all paid.
            let paid = attr(&c, "amount").unwrap_or_default();
            for denom in &DENOMS[..*d] {
                if !paid.contains(denom) {
                    return Err(format!("claim_rewards paid {paid:?}, missing {denom}"));
                }
            }
        }
        self.measure(
            &ctx,
            vm,
            "opt_out",
            "1_service",
            &Step::opt_out(a.as_str(), vm, &[4]),
        )?;
        let voter = self.hub.addr(&format!("r{r}-voter"));
        self.deposit(&voter, vm, 1_000_000)?;
        let proposal = self.proposal;
        let c = self.measure(
            &ctx,
            vm,
            "vote",
            "option",
            &Step::hub(
                voter.as_str(),
                vote_msg(proposal, VoteOption::Yes, None),
                vec![],
            ),
        )?;
        expect_attr(&c, "validators", |x| x == "1")?;
        self.measure(
            &ctx,
            vm,
            "vote",
            "weighted_change",
            &Step::hub(
                voter.as_str(),
                vote_msg(proposal, VoteOption::No, Some(VoteOption::Yes)),
                vec![],
            ),
        )?;
        let c = self.measure(
            &ctx,
            vm,
            "deposit",
            "existing_position_1_open_vote",
            &Step::deposit(voter.as_str(), vm, coin(1_000_000, BONDED)),
        )?;
        if c.messages < 2 {
            return Err("a deposit with an open vote did not re-cast it".into());
        }

        // ------------------------------------------------------------ t0 + 2 days
        self.chain(Step::advance(OPT_OUT_DELAY))?;
        let c = self.measure(
            &ctx,
            vm,
            "complete_opt_out",
            "1_service",
            &Step::complete_opt_out(a.as_str(), vm),
        )?;
        expect_attr(&c, "services_now", |x| x == "1,2,3")?;
        self.chain(Step::chain_slash(vm, Decimal::permille(1)))?;
        // No batch holds stake of this validator now: the shortfall hits the pools only.
        let sync_hint = Hint {
            service: None,
            batches: 0,
            groups: 0,
        };
        let c = self.measure_with(
            &ctx,
            vm,
            Some(sync_hint),
            "sync_validator",
            "chain_shortfall",
            &Step::sync_validator(anyone.as_str(), &v),
        )?;
        expect_attr(&c, "shortfall", nonzero)?;
        let b = subjects[1].2.clone();
        let c = self.measure(
            &ctx,
            vm,
            "unbond",
            "sends_batch",
            &Step::unbond(b.as_str(), vm, 100_000),
        )?;
        if c.messages < 1 || self.hub.chain().entries_in_flight(vm) == 0 {
            return Err("unbond did not undelegate its batch".into());
        }
        self.measure(
            &ctx,
            vm,
            "unbond",
            "queued",
            &Step::unbond(a.as_str(), vm, 500_000),
        )?;
        let slasher = self.slasher.clone();
        let c = self.measure(
            &ctx,
            vm,
            "slash",
            "open_veto_window",
            &Step::slash(
                slasher.as_str(),
                1,
                vm,
                Decimal::percent(1),
                "double sign at height 123",
            ),
        )?;
        let slash_id: u64 = attr(&c, "slash_id")
            .and_then(|x| x.parse().ok())
            .ok_or("slash returned no slash_id")?;

        // ------------------------------------------------------------ t0 + 3 days
        self.chain(Step::advance(VETO))?;
        // The slash reaches the queued batch (a's unbond, and the slashed stake joins it)
        // and the batch sent by b's unbond: two batches with one group each.
        let slash_hint = Hint {
            service: Some(1),
            batches: 2,
            groups: 2,
        };
        let c = self.measure_with(
            &ctx,
            vm,
            Some(slash_hint),
            "execute_slash",
            "service_slash",
            &Step::execute_slash(anyone.as_str(), slash_id),
        )?;
        expect_attr(&c, "slashed_amount", nonzero)?;

        // ------------------------------------------------------------ t0 + 5 days
        self.chain(Step::advance(2 * DAY))?;
        let c = self.measure(
            &ctx,
            vm,
            "process_unbondings",
            "send",
            &Step::process_unbondings(anyone.as_str()),
        )?;
        expect_attr(&c, "batches_sent", |x| x == "1")?;

        // ------------------------------------------------------------ t0 + 23 days
        self.chain(Step::advance(UNBONDING_PERIOD - 3 * DAY))?;
        let c = self.measure(
            &ctx,
            vm,
            "process_unbondings",
            "settle",
            &Step::process_unbondings(anyone.as_str()),
        )?;
        expect_attr(&c, "batches_settled", |x| x == "1")?;
        let c = self.measure(
            &ctx,
            vm,
            "claim_unbonded",
            "1_entry",
            &Step::claim_unbonded(b.as_str()),
        )?;
        expect_attr(&c, "amount", nonzero)?;

        // ------------------------------------------------------------ t0 + 26 days
        self.chain(Step::advance(3 * DAY))?;
        let c = self.exec(&Step::process_unbondings(anyone.as_str()))?;
        expect_attr(&c, "batches_settled", |x| x == "1")?;
        let c = self.exec(&Step::claim_unbonded(a.as_str()))?;
        expect_attr(&c, "amount", nonzero)?;
        self.check_books()
    }

    /// Registers the services that give each pool of the distinct-services curve its own
    /// seven services (ids from `POOL_SERVICE + 1`).
    fn ensure_services(&mut self, count: u64) -> Result<(), String> {
        let admin = self.hub.addr("service-admin");
        let slasher = self.slasher.clone();
        while self.extra_services < count {
            let id = POOL_SERVICE + 1 + self.extra_services;
            let c = self.exec(&Step::register_service(
                admin.as_str(),
                RegisterServiceMsg {
                    name: format!("service {id}"),
                    slasher: slasher.to_string(),
                    resolver: None,
                    max_slash: Decimal::percent(10),
                    veto_period: VETO,
                    opt_out_delay: OPT_OUT_DELAY,
                    reward_denoms: Some(vec![DENOMS[0].into()]),
                    reward_tokens: None,
                    metadata_uri: None,
                },
            ))?;
            expect_attr(&c, "service_id", |v| v == id.to_string())?;
            self.extra_services += 1;
        }
        Ok(())
    }

    /// The curve of slash, execute_slash and sync_validator against the pools on a
    /// validator: `k` stakers on a fresh validator, each in a distinct service set that
    /// contains the slashing service, each with stake in the validator's queued batch too.
    /// `distinct`: each pool also secures 7 services of its own (the most services a slash
    /// or a sync can touch: 1 + 7k), else the sets are drawn from 5 shared services.
    pub fn pool_curve(&mut self, k: u32, distinct: bool, record: bool) -> Result<(), String> {
        let variant = if distinct {
            "distinct_services"
        } else {
            "shared_services"
        };
        // (validator addresses are bech32: letters and digits only)
        let v = format!("{}{}", pool_validator(k), variant.replace('_', ""));
        self.pool_validators.push(v.clone());
        self.hub.chain().add_validator(&v);
        if distinct {
            self.ensure_services(7 * k as u64)?;
        }
        let stats = self.stakers_in_hub()?;
        let ctx = Ctx {
            curve: "pools",
            stakers: self.background,
            stakers_in_hub: stats,
            payments: 0,
            record,
        };
        let mut stakers = vec![];
        for i in 0..k as u64 {
            let s = self.hub.addr(&format!("pools-{variant}-{k}-{i}"));
            let set: Vec<u64> = if distinct {
                let first = POOL_SERVICE + 1 + 7 * i;
                std::iter::once(POOL_SERVICE)
                    .chain(first..first + 7)
                    .collect()
            } else {
                let mut set: Vec<u64> = (0..5)
                    .filter(|b| i & (1 << b) != 0)
                    .map(|b| b + 1)
                    .collect();
                set.push(POOL_SERVICE);
                set
            };
            self.deposit(&s, &v, 1_000_000)?;
            self.opt_in(&s, &v, &set)?;
            stakers.push(s);
        }
        // The first unbond on a validator is sent at once; the others wait in its batch.
        self.exec(&Step::unbond(stakers[0].as_str(), &v, 10_000))?;
        for s in &stakers {
            self.exec(&Step::unbond(s.as_str(), &v, 10_000))?;
        }
        let pools = self.pools_on(&v)?;
        if pools != k {
            return Err(format!("{v} has {pools} pools, expected {k}"));
        }
        let slasher = self.slasher.clone();
        let anyone = self.hub.addr("cranker");
        let c = self.measure(
            &ctx,
            &v,
            "slash",
            variant,
            &Step::slash(
                slasher.as_str(),
                POOL_SERVICE,
                &v,
                Decimal::percent(1),
                "equivocation",
            ),
        )?;
        let slash_id: u64 = attr(&c, "slash_id")
            .and_then(|x| x.parse().ok())
            .ok_or("slash returned no slash_id")?;
        self.chain(Step::advance(VETO))?;
        // Every pool has a group in the queued batch; the first pool one in the sent batch.
        let slash_hint = Hint {
            service: Some(POOL_SERVICE),
            batches: 2,
            groups: k as u64 + 1,
        };
        let c = self.measure_with(
            &ctx,
            &v,
            Some(slash_hint),
            "execute_slash",
            variant,
            &Step::execute_slash(anyone.as_str(), slash_id),
        )?;
        expect_attr(&c, "pools_slashed", |x| x == k.to_string())?;
        self.chain(Step::chain_slash(&v, Decimal::permille(1)))?;
        // The shortfall hits every pool and the queued batch with its k groups.
        let sync_hint = Hint {
            service: None,
            batches: 1,
            groups: k as u64,
        };
        let c = self.measure_with(
            &ctx,
            &v,
            Some(sync_hint),
            "sync_validator",
            variant,
            &Step::sync_validator(anyone.as_str(), &v),
        )?;
        expect_attr(&c, "shortfall", nonzero)?;
        self.check_books()
    }

    /// The hub's books never claim more than the chain holds, and the chain never had to
    /// withdraw rewards the hub forgot.
    fn check_books(&mut self) -> Result<(), String> {
        if self.hub.chain().silently_withdrawn != 0 {
            return Err(format!(
                "the chain auto-withdrew {} rewards the hub had not withdrawn first",
                self.hub.chain().silently_withdrawn
            ));
        }
        for v in self.validators() {
            let delegated = self.hub.chain().delegation(&v);
            if delegated == 0 {
                continue;
            }
            let books: ValidatorResponse = self.hub.query(&QueryMsg::Validator {
                validator: v.clone(),
            })?;
            let books = books.books.u128();
            if books > delegated {
                return Err(format!(
                    "books of {v} ({books}) exceed the chain's delegation ({delegated})"
                ));
            }
        }
        Ok(())
    }
}

fn pool_validator(k: u32) -> String {
    format!("cosmosvaloper1pools{k}")
}

/// The whole benchmark.
pub struct Outcome {
    pub rows: Vec<Row>,
    pub executions: u64,
    pub wasm_size: usize,
}

pub fn run(mode: &Mode, wasm: &[u8], progress: &mut dyn FnMut(&str)) -> Result<Outcome, String> {
    let mut bench = Bench::new(wasm)?;
    let first = *mode.levels.first().ok_or("no staker level")?;
    bench.populate(first, progress)?;
    // A warm-up round creates the subjects' pools, so that every measured round finds the
    // hub in the same steady state.
    bench.round(first, 1, false)?;
    for &n in &mode.levels {
        progress(&format!("populating {n} stakers"));
        bench.populate(n, progress)?;
        for &p in &mode.payments {
            progress(&format!("round: {n} stakers, {p} past payments"));
            bench.round(n, p, true)?;
        }
    }
    for distinct in [false, true] {
        for &k in &mode.pool_levels {
            progress(&format!(
                "pool curve: {k} pools (distinct services: {distinct})"
            ));
            bench.pool_curve(k, distinct, true)?;
        }
    }
    Ok(Outcome {
        rows: std::mem::take(&mut bench.rows),
        executions: bench.executions,
        wasm_size: bench.hub.wasm_size,
    })
}
