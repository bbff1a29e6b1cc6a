//! A scenario's steps resolved once into what the chain runs: names into addresses,
//! amounts into coins, services into ids, and each hub or chain action into
//! `restake_multitest::Step`s, the one vocabulary the tests, the model test and the bench
//! drive the hub with. A file error (an unknown staker, a slash label used before it is
//! given) is found here, with its line, before any step runs.
//!
//! Three references only the run can settle, and `Sim::bind` settles them in one place:
//! who owns the hub when the step runs (an `execute` may hand the ownership over), which
//! slash request a label stands for (the id the hub gave the labelled `slash`) and who
//! resolves it, and which validators hold stake (a `sync` of every validator).
//!
//! `expect`, `repeat`, `note` and `dashboard` are the simulator's own items around the steps.
//!
//! Why one file: resolving is one match over the file's actions, the single place where a
//! name of the file becomes what the chain is sent; split by action, a new action would
//! again be written in several places.

use cosmwasm_std::{coin, Binary, Coin, Decimal};
use restake_multitest::Step;
use serde_saphyr::Spanned;

use crate::names::parse_status;
use crate::scenario::*;
use crate::sim::{add_coin, coins_text, pct, who_text, Sim};
use crate::units::{fmt_amount, fmt_duration};

/// One step of the scenario, resolved.
#[derive(Debug)]
pub struct Item {
    pub loc: Loc,
    /// The step's name in the file (`deposit`).
    pub action: &'static str,
    pub note: Option<String>,
    /// The action must fail with an error containing this text.
    pub expect_error: Option<String>,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    /// A hub or chain action.
    Task(Task),
    Expect(Vec<Spanned<Expect>>),
    Repeat {
        times: u32,
        items: Vec<Item>,
    },
    Note(String),
    Dashboard,
}

impl Item {
    /// Whether the item can change the chain (and so deserves a dashboard).
    pub fn changes_state(&self) -> bool {
        matches!(self.kind, Kind::Task(_))
    }
}

/// A hub or chain action: its steps and how to tell what happened.
#[derive(Debug)]
pub struct Task {
    /// What the action sets out to do, in the file's words (shown when it was expected to
    /// fail and did).
    pub intent: String,
    pub steps: Vec<Planned>,
    pub report: Report,
}

/// A step with what only the run can fill in.
#[derive(Debug)]
pub struct Planned {
    /// The step; its sender or slash id is a placeholder where `late` says so.
    pub step: Step,
    /// Put before the chain's error (`deposit of alice: ...`).
    pub context: Option<String>,
    pub late: Late,
}

/// What `Sim::bind` fills into a step when it runs.
#[derive(Debug, Default)]
pub struct Late {
    pub signer: Option<Signer>,
    /// The slash request is the one the `slash` step with this label opened.
    pub label: Option<String>,
    /// The step is skipped when this validator holds no stake in the hub.
    pub if_staked: Option<String>,
}

/// A sender the scenario leaves to the chain's state.
#[derive(Debug, Clone, Copy)]
pub enum Signer {
    /// The hub's owner when the step runs.
    HubOwner,
    /// The resolver of the slash request's service, else the hub's owner (a veto).
    Resolver,
}

/// How the outcome of a task is told: known before it runs, or read from the chain.
#[derive(Debug)]
pub enum Report {
    Text(String),
    /// What each member received (told for a single staker).
    Claim {
        who: String,
        members: Vec<String>,
        unbonded: bool,
    },
    /// The request the slash opened (its id is remembered under `label`).
    Slash {
        service: String,
        validator: String,
        fraction: Decimal,
        label: Option<String>,
    },
    Veto,
    ExecuteSlash,
    /// The hub's delegation on the validator before and after.
    ChainSlash {
        name: String,
        validator: String,
        fraction: Decimal,
    },
    /// The validators synced.
    Sync,
    ProcessUnbondings,
    /// Raw JSON sent to the hub (`to`: a vault).
    Execute {
        json: String,
        to: Option<String>,
    },
}

/// The slash id of a step whose label the run resolves (ids start at 1).
const LATER_ID: u64 = 0;

impl Planned {
    fn new(step: Step) -> Planned {
        Planned {
            step,
            context: None,
            late: Late::default(),
        }
    }

    fn context(mut self, c: String) -> Planned {
        self.context = Some(c);
        self
    }
}

impl Task {
    fn new(intent: impl Into<String>, steps: Vec<Planned>, report: Report) -> Task {
        Task {
            intent: intent.into(),
            steps,
            report,
        }
    }
}

impl Sim<'_> {
    /// Resolves the steps of the file, in order (a slash label must be given before use).
    pub(crate) fn resolve(
        &self,
        steps: &[Spanned<StepItem>],
        labels: &mut Vec<String>,
    ) -> Result<Vec<Item>, FileError> {
        steps
            .iter()
            .map(|step| {
                let loc = Loc::of(step);
                let item = &step.value;
                let kind = match &item.action {
                    Action::Expect(list) => {
                        for e in list {
                            let eloc = if e.referenced.line() > 0 {
                                Loc::of(e)
                            } else {
                                loc
                            };
                            self.names.check_expect(self.src, &e.value, eloc, labels)?;
                        }
                        Kind::Expect(list.clone())
                    }
                    Action::Repeat(r) => {
                        if r.times == 0 {
                            return Err(self.src.error(loc, "repeat: times must be at least 1"));
                        }
                        Kind::Repeat {
                            times: r.times,
                            items: self.resolve(&r.steps, labels)?,
                        }
                    }
                    Action::Note(n) => Kind::Note(n.clone()),
                    Action::Dashboard => Kind::Dashboard,
                    action => Kind::Task(self.task(action, loc, labels)?),
                };
                Ok(Item {
                    loc,
                    action: item.action.name(),
                    note: item.note.clone(),
                    expect_error: item.expect_error.clone(),
                    kind,
                })
            })
            .collect()
    }

    /// (name, operator address) of a validator of the file (the first when `None`).
    fn validator_of(&self, name: Option<&Name>) -> Result<(String, String), FileError> {
        let i = self.names.validator_idx(self.src, name)?;
        Ok(self.names.validators[i].clone())
    }

    fn account_of(&self, name: &Name) -> Result<String, FileError> {
        self.names.account(self.src, name)?;
        Ok(self.who(&name.value))
    }

    fn validators_of(&self, list: &Spanned<NameList>) -> Result<Vec<(String, String)>, FileError> {
        list.value
            .0
            .iter()
            .map(|n| {
                self.validator_of(Some(&Spanned::new(
                    n.clone(),
                    list.referenced,
                    list.defined,
                )))
            })
            .collect()
    }

    /// One hub or chain action into its steps.
    fn task(&self, a: &Action, loc: Loc, labels: &mut Vec<String>) -> Result<Task, FileError> {
        let (w, src) = (&self.names, self.src);
        let denom = w.denom.as_str();
        let each = |members: &[String], step: &dyn Fn(&str) -> Step| -> Vec<Planned> {
            members
                .iter()
                .map(|m| Planned::new(step(m)).context(format!("{} of {m}", a.name())))
                .collect()
        };
        Ok(match a {
            Action::Deposit(x) | Action::Unbond(x) => {
                let members = w.stakers_of(src, &x.staker)?;
                let (vname, v) = self.validator_of(x.validator.as_ref())?;
                if let Some(d) = &x.amount.value.denom {
                    if d != denom {
                        return Err(src.error(
                            Loc::of(&x.amount),
                            format!(
                                "bad amount: stake is in the bonded denom `{denom}`, not `{d}`"
                            ),
                        ));
                    }
                }
                let amount = x.amount.value.amount;
                let (staker, amt) = (&x.staker.value, fmt_amount(amount, denom));
                let who = who_text(staker, members.len());
                if matches!(a, Action::Deposit(_)) {
                    Task::new(
                        format!("{staker} deposits {amt} on {vname}"),
                        each(&members, &|m| Step::deposit(m, &v, coin(amount, denom))),
                        Report::Text(format!("{who} deposits {amt} on {vname}")),
                    )
                } else {
                    Task::new(
                        format!("{staker} unbonds {amt} from {vname}"),
                        each(&members, &|m| Step::unbond(m, &v, amount)),
                        Report::Text(format!("{who} unbonds {amt} from {vname}")),
                    )
                }
            }
            Action::OptIn(x) | Action::OptOut(x) => {
                let members = w.stakers_of(src, &x.staker)?;
                let (vname, v) = self.validator_of(x.validator.as_ref())?;
                let ids = w.services_of(src, &x.services)?;
                let (staker, written) = (&x.staker.value, x.services.value.0.join(", "));
                let who = who_text(staker, members.len());
                let names = ids
                    .iter()
                    .map(|i| w.service_name(*i))
                    .collect::<Vec<_>>()
                    .join(", ");
                if matches!(a, Action::OptIn(_)) {
                    Task::new(
                        format!("{staker} opts {vname} into {written}"),
                        each(&members, &|m| Step::opt_in(m, &v, &ids)),
                        Report::Text(format!("{who} opts {vname} stake into {names}")),
                    )
                } else {
                    Task::new(
                        format!("{staker} opts {vname} out of {written}"),
                        each(&members, &|m| Step::opt_out(m, &v, &ids)),
                        Report::Text(format!("{who} starts opting {vname} stake out of {names}")),
                    )
                }
            }
            Action::CompleteOptOut(x) => {
                let members = w.stakers_of(src, &x.staker)?;
                let (vname, v) = self.validator_of(x.validator.as_ref())?;
                let who = who_text(&x.staker.value, members.len());
                Task::new(
                    format!("{} completes opt-outs on {vname}", x.staker.value),
                    each(&members, &|m| Step::complete_opt_out(m, &v)),
                    Report::Text(format!("{who} completes opt-outs on {vname}")),
                )
            }
            Action::ClaimUnbonded(s) | Action::ClaimRewards(s) => {
                let members = w.stakers_of(src, s)?;
                let unbonded = matches!(a, Action::ClaimUnbonded(_));
                let (intent, steps) = if unbonded {
                    (
                        "claims matured unbondings",
                        each(&members, &Step::claim_unbonded),
                    )
                } else {
                    ("claims rewards", each(&members, &Step::claim_rewards))
                };
                Task::new(
                    format!("{} {intent}", s.value),
                    steps,
                    Report::Claim {
                        who: s.value.clone(),
                        members,
                        unbonded,
                    },
                )
            }
            Action::Distribute(x) => {
                let svc = w.service(src, &x.service)?.clone();
                let payer = match &x.from {
                    Some(f) => self.account_of(f)?,
                    None => svc.admin.clone(),
                };
                if x.amount.value.0.is_empty() {
                    return Err(src.error(Loc::of(&x.amount), "distribute: no amount"));
                }
                w.check_coins(src, &x.amount.value, Loc::of(&x.amount), false)?;
                let (mut steps, mut native, mut paid) = (vec![], vec![], vec![]);
                for c in &x.amount.value.0 {
                    let d = c.denom.as_deref().unwrap_or(denom);
                    match w.token_addrs.get(d) {
                        Some(token) => steps.push(Planned::new(Step::distribute_cw20(
                            token.as_str(),
                            &payer,
                            svc.id,
                            c.amount,
                        ))),
                        None => add_coin(&mut native, c.amount, d),
                    }
                    paid.push(fmt_amount(c.amount, d));
                }
                if !native.is_empty() {
                    // the payer is given what it lacks: a service's budget is not the point
                    steps.push(Planned::new(Step::top_up(&payer, native.clone())));
                    steps.push(Planned::new(Step::distribute(&payer, svc.id, native)));
                }
                Task::new(
                    format!("{} pays {}", x.service.value, coins_text(&x.amount.value)),
                    steps,
                    Report::Text(format!(
                        "{} pays {} to the stake securing it",
                        svc.name,
                        paid.join(" + ")
                    )),
                )
            }
            Action::Slash(x) => {
                let svc = w.service(src, &x.service)?.clone();
                let (vname, v) = self.validator_of(x.validator.as_ref())?;
                let sender = match &x.by {
                    Some(b) => self.account_of(b)?,
                    None => svc.slasher.clone(),
                };
                if let Some(l) = &x.label {
                    if l.value.parse::<u64>().is_ok() {
                        return Err(src.error(
                            Loc::of(l),
                            "a slash label must not be a number (numbers are slash ids)",
                        ));
                    }
                    labels.push(l.value.clone());
                }
                let fraction = x.fraction.value.0;
                let evidence = x.evidence.as_deref().unwrap_or("scenario");
                Task::new(
                    format!(
                        "{} asks to slash {} of {vname}",
                        x.service.value,
                        pct(fraction)
                    ),
                    vec![Planned::new(Step::slash(
                        &sender, svc.id, &v, fraction, evidence,
                    ))],
                    Report::Slash {
                        service: svc.name,
                        validator: vname,
                        fraction,
                        label: x.label.as_ref().map(|l| l.value.clone()),
                    },
                )
            }
            Action::Veto(x) | Action::ExecuteSlash(x) => {
                let veto = matches!(a, Action::Veto(_));
                let mut late = Late::default();
                let id = match &x.slash.value {
                    SlashRef::Id(id) => *id,
                    SlashRef::Label(l) => {
                        if !labels.contains(l) {
                            return Err(src.error(Loc::of(&x.slash), format!(
                                "unknown slash label `{l}`{}; a `slash` step before this one must give it as `label:`",
                                suggest(l, labels.iter().map(|s| s.as_str()))
                            )));
                        }
                        late.label = Some(l.clone());
                        LATER_ID
                    }
                };
                let sender = match &x.by {
                    Some(b) => self.account_of(b)?,
                    None if veto => {
                        late.signer = Some(Signer::Resolver);
                        String::new()
                    }
                    None => "keeper".into(),
                };
                let (step, intent, report) = if veto {
                    (Step::veto_slash(&sender, id), "veto", Report::Veto)
                } else {
                    (
                        Step::execute_slash(&sender, id),
                        "execute",
                        Report::ExecuteSlash,
                    )
                };
                let step = Planned {
                    late,
                    ..Planned::new(step)
                };
                Task::new(
                    format!("{intent} slash {}", x.slash.value),
                    vec![step],
                    report,
                )
            }
            Action::ChainSlash(x) => {
                let (name, validator) = self.validator_of(x.validator.as_ref())?;
                let fraction = x.fraction.value.0;
                Task::new(
                    "chain slash",
                    vec![Planned::new(Step::chain_slash(&validator, fraction))],
                    Report::ChainSlash {
                        name,
                        validator,
                        fraction,
                    },
                )
            }
            Action::Sync(list) => {
                let sync = |(name, v): &(String, String)| {
                    Planned::new(Step::sync_validator("keeper", v))
                        .context(format!("sync of {name}"))
                };
                let steps = match list {
                    Some(l) => self.validators_of(l)?.iter().map(sync).collect(),
                    // every validator the hub has stake on when the step runs
                    None => w
                        .validators
                        .iter()
                        .map(|v| Planned {
                            late: Late {
                                if_staked: Some(v.1.clone()),
                                ..Late::default()
                            },
                            ..sync(v)
                        })
                        .collect(),
                };
                Task::new("sync", steps, Report::Sync)
            }
            Action::Harvest(list) => {
                let validators = match list {
                    Some(l) => Some(self.validators_of(l)?.into_iter().map(|v| v.1).collect()),
                    None => None,
                };
                Task::new(
                    "harvest",
                    vec![Planned::new(Step::harvest("keeper", validators))],
                    Report::Text("harvest native staking rewards".into()),
                )
            }
            Action::ProcessUnbondings => Task::new(
                "process unbondings",
                vec![Planned::new(Step::process_unbondings("keeper"))],
                Report::ProcessUnbondings,
            ),
            Action::Advance(x) => {
                let steps = match x.crank {
                    None | Some(crate::units::Dur(0)) => {
                        vec![Planned::new(Step::advance(x.time.0))]
                    }
                    Some(every) => {
                        let mut steps = vec![];
                        let mut left = x.time.0;
                        while left > 0 {
                            let s = left.min(every.0);
                            left -= s;
                            steps.push(Planned::new(Step::advance(s)));
                            steps.push(
                                Planned::new(Step::process_unbondings("keeper"))
                                    .context("process_unbondings while advancing".into()),
                            );
                        }
                        steps
                    }
                };
                let crank = x
                    .crank
                    .map(|c| format!(", process_unbondings every {}", fmt_duration(c.0)))
                    .unwrap_or_default();
                Task::new(
                    "advance",
                    steps,
                    Report::Text(format!("{} pass{crank}", fmt_duration(x.time.0))),
                )
            }
            Action::Pause | Action::Unpause => {
                let pause = matches!(a, Action::Pause);
                let step = if pause {
                    Step::pause("")
                } else {
                    Step::unpause("")
                };
                let step = Planned {
                    late: Late {
                        signer: Some(Signer::HubOwner),
                        ..Late::default()
                    },
                    ..Planned::new(step)
                };
                let (intent, verb) = if pause {
                    ("pause", "pauses")
                } else {
                    ("unpause", "unpauses")
                };
                Task::new(
                    intent,
                    vec![step],
                    Report::Text(format!("the owner {verb} the hub")),
                )
            }
            Action::SetServiceStatus(x) => {
                let svc = w.service(src, &x.service)?.clone();
                let status =
                    parse_status(&x.status.value).map_err(|m| src.error(Loc::of(&x.status), m))?;
                let sender = match &x.by {
                    Some(b) => self.account_of(b)?,
                    None => svc.admin.clone(),
                };
                Task::new(
                    format!("set {} {}", x.service.value, x.status.value),
                    vec![Planned::new(Step::set_service_status(
                        &sender, svc.id, status,
                    ))],
                    Report::Text(format!("{sender} sets {} {status}", svc.name)),
                )
            }
            Action::Execute(x) => {
                let mut late = Late::default();
                let sender = match &x.sender {
                    Some(s) => self.account_of(s)?,
                    None => {
                        late.signer = Some(Signer::HubOwner);
                        String::new()
                    }
                };
                if let Some(c) = &x.contract {
                    w.contract(src, c)?;
                }
                let mut funds: Vec<Coin> = vec![];
                if let Some(f) = &x.funds {
                    w.check_coins(src, &f.value, Loc::of(f), true)?;
                    for c in &f.value.0 {
                        add_coin(&mut funds, c.amount, c.denom.as_deref().unwrap_or(denom));
                    }
                }
                if !x.msg.is_object() {
                    return Err(src.error(
                        loc,
                        "execute: msg must be a JSON object such as {\"pause\": {}}",
                    ));
                }
                w.check_refs(src, &x.msg, loc)?;
                let msg = crate::names::substitute(&x.msg, &|n| Some(self.reference(n)))
                    .map_err(|m| src.error(loc, m))?;
                let json =
                    serde_json::to_string(&msg).map_err(|e| src.error(loc, e.to_string()))?;
                let hub = self.suite.hub.to_string();
                let (contract, to) = match &x.contract {
                    Some(c) if self.who(&c.value) != hub => {
                        (self.who(&c.value), Some(c.value.clone()))
                    }
                    _ => (hub, None),
                };
                let step = Step::Wasm {
                    sender,
                    contract,
                    msg: Binary::new(json.clone().into_bytes()),
                    funds,
                };
                Task::new(
                    format!("execute {}", x.msg),
                    vec![Planned {
                        late,
                        ..Planned::new(step)
                    }],
                    Report::Execute { json, to },
                )
            }
            Action::Expect(_) | Action::Repeat(_) | Action::Note(_) | Action::Dashboard => {
                return Err(src.error(loc, format!("`{}` is not a hub or chain action", a.name())))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::coin;
    use restake_multitest::Step;
    use restake_types::ExecuteMsg;

    use super::*;

    fn sim_of(text: &str) -> (Source, Scenario) {
        let src = Source {
            file: "plan.yaml".into(),
            text: text.into(),
        };
        let sc = src.parse().unwrap();
        (src, sc)
    }

    fn task(item: &Item) -> &Task {
        match &item.kind {
            Kind::Task(t) => t,
            other => panic!("not a task: {other:?}"),
        }
    }

    /// Names become addresses and ids, amounts coins, a group one step per member; what
    /// only the run knows is marked on the step, not guessed.
    #[test]
    fn steps_resolve_into_suite_steps_once() {
        let (src, sc) = sim_of(
            "chain: {validators: 2}\n\
             tokens: {ION: {payer: 100}}\n\
             stakers: {crowd: {count: 2, balance: 10uatom}}\n\
             accounts: {payer: 5uosmo}\n\
             services: {oracle: {rewards: [uosmo, ION], veto_period: 1d}}\n\
             steps:\n  \
             - deposit: {staker: crowd, validator: val2, amount: 7}\n  \
             - distribute: {service: oracle, amount: [5ION, 3uosmo], from: payer}\n  \
             - slash: {service: oracle, validator: val2, fraction: 1%, label: s}\n  \
             - veto: s\n  \
             - pause\n  \
             - sync\n",
        );
        let sim = Sim::new(&src, &sc).unwrap();
        let plan = &sim.plan;
        let val2 = sim.names.validators[1].1.clone();
        let steps: Vec<&Step> = task(&plan[0]).steps.iter().map(|p| &p.step).collect();
        assert_eq!(
            steps,
            [
                &Step::deposit("crowd1", &val2, coin(7, "uatom")),
                &Step::deposit("crowd2", &val2, coin(7, "uatom"))
            ]
        );
        assert_eq!(
            task(&plan[0]).steps[1].context.as_deref(),
            Some("deposit of crowd2")
        );
        let ion = sim.names.token_addrs["ION"].to_string();
        let steps: Vec<&Step> = task(&plan[1]).steps.iter().map(|p| &p.step).collect();
        assert_eq!(
            steps,
            [
                &Step::distribute_cw20(&ion, "payer", 1, 5),
                &Step::top_up("payer", vec![coin(3, "uosmo")]),
                &Step::distribute("payer", 1, vec![coin(3, "uosmo")]),
            ]
        );
        let veto = &task(&plan[3]).steps[0];
        assert_eq!(veto.late.label.as_deref(), Some("s"));
        assert!(matches!(veto.late.signer, Some(Signer::Resolver)));
        assert_eq!(task(&plan[3]).intent, "veto slash s");
        let pause = &task(&plan[4]).steps[0];
        assert!(matches!(pause.late.signer, Some(Signer::HubOwner)));
        assert_eq!(pause.step.hub_msg(), Some(&ExecuteMsg::Pause {}));
        let sync = &task(&plan[5]).steps;
        assert_eq!(sync.len(), 2);
        assert_eq!(sync[1].late.if_staked.as_deref(), Some(val2.as_str()));
    }

    /// A label is known from the `slash` step that gives it on: used before, it is a file
    /// error with its place.
    #[test]
    fn a_label_before_its_slash_is_a_file_error() {
        let (src, sc) = sim_of(
            "services: {oracle: {}}\n\
             steps:\n  \
             - veto: later\n  \
             - slash: {service: oracle, fraction: 1%, label: later}\n",
        );
        let e = Sim::new(&src, &sc).err().unwrap();
        assert_eq!((e.loc.line, e.loc.col), (3, 11));
        assert!(e.message.starts_with("unknown slash label `later`"), "{e}");
    }
}
