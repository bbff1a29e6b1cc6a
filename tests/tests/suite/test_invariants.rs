//! Random sequences of operations (deposits, opt-ins/outs, unbonds, payments, slashes,
//! vetoes, chain slashes, time jumps, claims) with docs/design.md's invariants checked after
//! every step.

use cosmwasm_std::{coin, Decimal};
use proptest::prelude::*;
use restake_multitest::{attr, ServiceSpec, Step, Suite, SuiteBuilder};
use restake_types::ExecuteMsg;

const STAKERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

#[derive(Debug, Clone)]
enum Op {
    Deposit(usize, usize, u128),
    OptIn(usize, usize, Vec<u64>),
    OptOut(usize, usize, u64),
    CompleteOptOut(usize, usize),
    Unbond(usize, usize, u128),
    ClaimUnbonded(usize),
    ClaimRewards(usize),
    Pay(u64, u128),
    Slash(u64, usize, u64),
    Veto,
    ExecuteSlashes,
    ChainSlash(usize, u64),
    Sync(usize),
    Crank,
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..STAKERS.len();
    let v = 0..2usize;
    prop_oneof![
        4 => (s.clone(), v.clone(), 1u128..5_000_000).prop_map(|(a, b, c)| Op::Deposit(a, b, c)),
        3 => (s.clone(), v.clone(), proptest::collection::vec(1u64..4, 1..3))
            .prop_map(|(a, b, c)| Op::OptIn(a, b, c)),
        2 => (s.clone(), v.clone(), 1u64..4).prop_map(|(a, b, c)| Op::OptOut(a, b, c)),
        2 => (s.clone(), v.clone()).prop_map(|(a, b)| Op::CompleteOptOut(a, b)),
        3 => (s.clone(), v.clone(), 1u128..3_000_000).prop_map(|(a, b, c)| Op::Unbond(a, b, c)),
        2 => s.clone().prop_map(Op::ClaimUnbonded),
        2 => s.clone().prop_map(Op::ClaimRewards),
        3 => (1u64..4, 1u128..1_000_000).prop_map(|(a, b)| Op::Pay(a, b)),
        2 => (1u64..4, v.clone(), 1u64..200).prop_map(|(a, b, c)| Op::Slash(a, b, c)),
        1 => Just(Op::Veto),
        1 => Just(Op::ExecuteSlashes),
        1 => (v.clone(), 1u64..100).prop_map(|(a, b)| Op::ChainSlash(a, b)),
        1 => v.clone().prop_map(Op::Sync),
        2 => Just(Op::Crank),
        3 => prop_oneof![Just(600u64), Just(3_600), Just(86_400), Just(3 * 86_400), Just(22 * 86_400)]
            .prop_map(Op::Advance),
    ]
}

fn setup() -> Suite {
    let mut s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::percent(8))
        .with_hub(|m| m.max_pools_per_validator = Some(6))
        .build();
    // 1: no veto window; 2: a veto window; 3: pays in two denoms
    s.register(
        ServiceSpec::new("s1")
            .max_slash(Decimal::percent(20))
            .reward_denom("uosmo"),
    )
    .unwrap();
    s.register(
        ServiceSpec::new("s2")
            .resolver("s2-resolver")
            .veto_period(3_600)
            .opt_out_delay(86_400)
            .reward_denom("uosmo"),
    )
    .unwrap();
    s.register(
        ServiceSpec::new("s3")
            .max_slash(Decimal::percent(50))
            .opt_out_delay(600)
            .reward_denom("uatom")
            .reward_denom("untrn"),
    )
    .unwrap();
    s
}

/// cw-multi-test 2.5 keeps a validator's total stake as a rounded integer but each
/// delegation as a decimal, so after a second slash of the same validator a full
/// undelegation can exceed the total by one unit and fail inside the staking module.
/// One chain slash per validator per run keeps the mock consistent.
struct Run {
    pending: Vec<u64>,
    chain_slashed: [bool; 2],
}

/// The steps an operation resolves into, against the chain and the run as they are now.
fn steps(s: &Suite, op: &Op, run: &mut Run) -> Vec<Step> {
    let val = |i: usize| s.validator(i);
    match op.clone() {
        Op::Deposit(a, v, amt) => vec![
            Step::top_up(STAKERS[a], vec![s.bonded(amt)]),
            Step::deposit(STAKERS[a], &val(v), s.bonded(amt)),
        ],
        Op::OptIn(a, v, ids) => vec![Step::opt_in(STAKERS[a], &val(v), &ids)],
        Op::OptOut(a, v, id) => vec![Step::opt_out(STAKERS[a], &val(v), &[id])],
        Op::CompleteOptOut(a, v) => vec![Step::complete_opt_out(STAKERS[a], &val(v))],
        Op::Unbond(a, v, amt) => {
            let bonded = s.bonded_of(STAKERS[a], &val(v));
            vec![Step::unbond(STAKERS[a], &val(v), amt.min(bonded.max(1)))]
        }
        Op::ClaimUnbonded(a) => vec![Step::claim_unbonded(STAKERS[a])],
        Op::ClaimRewards(a) => vec![Step::claim_rewards(STAKERS[a])],
        Op::Pay(id, amt) => {
            let funds = if id == 3 {
                vec![coin(amt, "uatom"), coin(amt / 3 + 1, "untrn")]
            } else {
                vec![coin(amt, "uosmo")]
            };
            let payer = format!("s{id}");
            vec![
                Step::top_up(&payer, funds.clone()),
                Step::distribute(&payer, id, funds),
            ]
        }
        Op::Slash(id, v, permille) => {
            let max = [20u64, 10, 50][id as usize - 1] * 10;
            let f = Decimal::permille(permille.min(max));
            let slasher = format!("s{id}-slasher");
            vec![Step::slash(
                &slasher,
                id,
                &val(v),
                f,
                "double-signed on the service",
            )]
        }
        // the newest pending request (too late to veto: it stays, to be executed)
        Op::Veto => run
            .pending
            .last()
            .map(|id| Step::veto_slash("s2-resolver", *id))
            .into_iter()
            .collect(),
        Op::ExecuteSlashes => run
            .pending
            .iter()
            .map(|id| Step::execute_slash("anyone", *id))
            .collect(),
        Op::ChainSlash(i, permille) => {
            let v = val(i);
            let mut out = vec![];
            if s.delegation(&v) > 0 && !run.chain_slashed[i] {
                run.chain_slashed[i] = true;
                out.push(Step::chain_slash(&v, Decimal::permille(permille)));
            }
            // the keeper notices at once (invariants hold for what the hub can know)
            out.push(Step::sync_validator("keeper", &v));
            out
        }
        Op::Sync(v) => vec![Step::sync_validator("keeper", &val(v))],
        Op::Crank => vec![Step::process_unbondings("keeper")],
        Op::Advance(secs) => vec![Step::advance(secs)],
    }
}

/// Applies an operation's steps. A refused hub message is part of the test (the invariants
/// hold after it too); the run follows the slash requests: a request of service 2 (the one
/// with a veto window) stays pending until a veto or an execution succeeds.
fn apply(s: &mut Suite, op: &Op, run: &mut Run) {
    for step in steps(s, op, run) {
        let res = s.apply(&step);
        if step.sender().is_none() {
            res.as_ref().expect("a chain event");
        }
        match (step.hub_msg(), res) {
            (Some(ExecuteMsg::Slash { service_id: 2, .. }), Ok(r)) => run
                .pending
                .extend(attr(&r, "slash_id").and_then(|v| v.parse::<u64>().ok())),
            (
                Some(ExecuteMsg::VetoSlash { slash_id } | ExecuteMsg::ExecuteSlash { slash_id }),
                Ok(_),
            ) => run.pending.retain(|id| id != slash_id),
            _ => {}
        }
    }
}

/// A fixed seed, so CI runs the same 48 sequences every time; `PROPTEST_RNG_SEED=<n>` (or
/// `PROPTEST_CASES`) explores others.
fn config() -> ProptestConfig {
    let mut c = ProptestConfig {
        cases: 48,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(20_261_204);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn invariants_hold_after_every_step(ops in proptest::collection::vec(op(), 1..45)) {
        check_sequence(&ops)?;
    }
}

/// Runs `ops`, checking the invariants after each, then makes everybody leave.
fn check_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut s = setup();
    let mut run = Run {
        pending: vec![],
        chain_slashed: [false; 2],
    };
    for (i, op) in ops.iter().enumerate() {
        apply(&mut s, op, &mut run);
        let violations = s.check_invariants();
        prop_assert!(
            violations.is_empty(),
            "after step {} {:?}: {:?}",
            i,
            op,
            violations
        );
    }
    // Everybody can always leave: veto what is pending, unbond all, wait, claim.
    // Resolve what is pending: veto inside the window, execute after it.
    for id in run.pending.drain(..) {
        if s.veto_slash("s2-resolver", id).is_err() {
            s.execute_slash("anyone", id).unwrap();
        }
    }
    for who in STAKERS {
        for p in s.positions(who).unwrap() {
            if !p.amount.is_zero() {
                s.unbond(who, &p.validator, p.amount.u128()).unwrap();
            }
        }
    }
    s.advance_with_crank(40 * 86_400, 2 * 86_400);
    for who in STAKERS {
        let _ = s.claim_unbonded(who);
        prop_assert!(
            s.unbondings(who).unwrap().is_empty(),
            "{} still has unbondings",
            who
        );
    }
    s.assert_invariants();
    let stats = s.stats().unwrap();
    prop_assert_eq!(stats.total_bonded.u128(), 0);
    prop_assert_eq!(stats.total_unbonding.u128(), 0);
    prop_assert_eq!(stats.slashed_pending_routing.u128(), 0);
    Ok(())
}

/// Found by a random seed in CI: a veto one block too late used to drop the request from the
/// harness's list, so nobody executed it and alice's unbonding stayed frozen.
#[test]
fn regression_a_late_veto_leaves_the_request_to_execute() {
    let ops = [
        Op::Deposit(0, 0, 1),
        Op::OptIn(0, 0, vec![2]),
        Op::Slash(2, 0, 1),
        Op::Advance(3600),
        Op::Veto,
    ];
    check_sequence(&ops).unwrap();
}
