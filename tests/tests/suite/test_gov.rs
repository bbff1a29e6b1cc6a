//! Issue 19 on cw-multi-test: stakers vote on the chain's proposals through the hub. Each
//! validator's delegator proxy casts `VoteWeighted` with the stake-weighted mix of that
//! validator's voters; the Suite's gov module records what each proxy cast and tallies it as
//! x/gov does. Hub steps are raw JSON; the invariants are checked after each.
//!
//! Why one file: its tests are the scenarios of one rule, each set up in full and read top to
//! bottom on its own; splitting them would scatter one rule's evidence.

use cosmwasm_std::{coins, Coin, Decimal, Uint128, VoteOption, WeightedVoteOption};
use restake_hub::error::VoteProblem;
use restake_hub::ContractError;
use restake_multitest::{GovTally, Suite, SuiteBuilder};
use serde_json::{json, Value};

use super::helpers::{chain_error, dump, hub_error};

// ---------------------------------------------------------------------------- helpers

fn exec(
    s: &mut Suite,
    who: &str,
    msg: Value,
    funds: &[Coin],
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let res = s.execute_json(who, &msg.to_string(), funds);
    if res.is_ok() {
        s.assert_invariants();
    }
    res
}

/// Runs a message that must be refused and checks that the hub and the chain's votes did
/// not change.
fn refused(
    s: &mut Suite,
    proposal: u64,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<cw_multi_test::AppResponse>,
) -> anyhow::Error {
    let hub = dump(s);
    let votes = s.proposal(proposal).map(|p| p.votes);
    let err = f(s).expect_err("the message should have been refused");
    assert!(dump(s) == hub, "a refused message changed the hub");
    assert_eq!(s.proposal(proposal).map(|p| p.votes), votes);
    s.assert_invariants();
    err
}

fn deposit(s: &mut Suite, who: &str, v: &str, amount: u128) {
    s.mint(who, coins(amount, "uatom"));
    exec(
        s,
        who,
        json!({"deposit": {"validator": v}}),
        &coins(amount, "uatom"),
    )
    .unwrap();
}

fn unbond(s: &mut Suite, who: &str, v: &str, amount: u128) {
    exec(
        s,
        who,
        json!({"unbond": {"validator": v, "amount": amount.to_string()}}),
        &[],
    )
    .unwrap();
}

fn vote(
    s: &mut Suite,
    who: &str,
    p: u64,
    option: &str,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    exec(
        s,
        who,
        json!({"vote": {"proposal_id": p, "option": option}}),
        &[],
    )
}

fn vote_weighted(
    s: &mut Suite,
    who: &str,
    p: u64,
    weights: &[(&str, &str)],
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let list: Vec<Value> = weights
        .iter()
        .map(|(o, w)| json!({"option": o, "weight": w}))
        .collect();
    exec(
        s,
        who,
        json!({"vote": {"proposal_id": p, "weighted": list}}),
        &[],
    )
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn w(option: VoteOption, weight: &str) -> WeightedVoteOption {
    WeightedVoteOption {
        option,
        weight: dec(weight),
    }
}

/// What the validator's delegator proxy last cast on the proposal, as the chain recorded it.
fn cast(s: &Suite, v: &str, p: u64) -> Option<Vec<WeightedVoteOption>> {
    let proxy = s.delegator(v).expect("the validator's proxy");
    s.gov_vote(p, proxy.as_str())
}

/// The hub's `proposal_votes` answer.
fn proposal_votes(s: &Suite, p: u64) -> Value {
    s.query_json(&json!({"proposal_votes": {"proposal_id": p}}).to_string())
        .unwrap()
}

/// The `tally` of a `proposal_votes` answer: the voters' stake behind each option.
fn hub_tally(yes: u128, no: u128, abstain: u128, no_with_veto: u128) -> Value {
    json!([
        {"option": "yes", "stake": yes.to_string()},
        {"option": "no", "stake": no.to_string()},
        {"option": "abstain", "stake": abstain.to_string()},
        {"option": "no_with_veto", "stake": no_with_veto.to_string()}
    ])
}

fn tally(yes: u128, no: u128, abstain: u128, no_with_veto: u128, total: u128) -> GovTally {
    GovTally {
        yes: Uint128::new(yes),
        no: Uint128::new(no),
        abstain: Uint128::new(abstain),
        no_with_veto: Uint128::new(no_with_veto),
        total: Uint128::new(total),
    }
}

const WEEK: u64 = 7 * 86_400;

/// Two validators and no rewards, so stakes stay round.
fn two_validators() -> (Suite, String, String) {
    let s = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let (v0, v1) = (s.validator(0), s.validator(1));
    (s, v0, v1)
}

/// One validator, `max_open_votes` set, alice's 1,000,000 on it.
fn capped(max_open_votes: u32) -> (Suite, String) {
    let mut s = SuiteBuilder::new()
        .with_apr(Decimal::zero())
        .with_hub(|m| m.max_open_votes = Some(max_open_votes))
        .build();
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 1_000_000);
    (s, v)
}

/// alice: 3,000,000 on v0 and 1,000,000 on v1; bob: 1,000,000 on v0; carol: 2,000,000 on v1
/// (carol never votes). One proposal, in its voting period for a week.
fn setup() -> (Suite, String, String, u64) {
    let (mut s, v0, v1) = two_validators();
    deposit(&mut s, "alice", &v0, 3_000_000);
    deposit(&mut s, "alice", &v1, 1_000_000);
    deposit(&mut s, "bob", &v0, 1_000_000);
    deposit(&mut s, "carol", &v1, 2_000_000);
    let p = s.open_proposal(WEEK);
    (s, v0, v1, p)
}

// ---------------------------------------------------------------------------- the gov module

/// The Suite's gov module on its own, as x/gov takes votes from any account.
#[test]
fn the_gov_module_takes_votes_as_x_gov_does() {
    let (mut s, v0, v1) = two_validators();
    s.delegate_native("dave", &v0, 600_000).unwrap();
    s.delegate_native("dave", &v1, 400_000).unwrap();
    let p = s.open_proposal(100);
    assert_eq!(p, 1);
    assert_eq!(s.open_proposal(100), 2);
    let code = |e: anyhow::Error| {
        let c = chain_error(&e).clone();
        (c.codespace, c.code, c.log)
    };
    let refuse = |s: &mut Suite, id: u64, o: Vec<WeightedVoteOption>| {
        code(s.vote_native("dave", id, o).unwrap_err())
    };
    use VoteOption::*;
    assert_eq!(
        refuse(&mut s, p, vec![]),
        ("sdk", 18, "[]: invalid request".into())
    );
    assert_eq!(
        refuse(&mut s, p, vec![w(Yes, "0.5"), w(Yes, "0.5")]),
        (
            "gov",
            7,
            "duplicated vote option: invalid vote option".into()
        )
    );
    assert_eq!(
        refuse(&mut s, p, vec![w(Yes, "0.7"), w(No, "0.4")]),
        (
            "gov",
            7,
            "total weight overflow 1.00: invalid vote option".into()
        )
    );
    assert_eq!(
        refuse(&mut s, p, vec![w(Yes, "0.7"), w(No, "0.2")]),
        (
            "gov",
            7,
            "total weight lower than 1.00: invalid vote option".into()
        )
    );
    assert_eq!(
        refuse(&mut s, 99, vec![w(Yes, "1")]),
        ("gov", 3, "99: inactive proposal".into())
    );
    assert_eq!(
        refuse(&mut s, p, vec![w(Yes, "1"), w(No, "0")]),
        (
            "gov",
            7,
            "[{\"option\":\"VOTE_OPTION_NO\",\"weight\":\"0\"}]: invalid vote option".into()
        )
    );
    assert_eq!(s.gov_vote(p, "dave"), None);

    s.vote_native("dave", p, vec![w(Yes, "0.25"), w(NoWithVeto, "0.75")])
        .unwrap();
    assert_eq!(s.gov_tally(p), tally(250_000, 0, 0, 750_000, 1_000_000));
    // a later vote replaces the earlier one
    s.vote_native("dave", p, vec![w(Abstain, "1")]).unwrap();
    assert_eq!(s.gov_vote(p, "dave"), Some(vec![w(Abstain, "1")]));
    assert_eq!(s.gov_tally(p), tally(0, 0, 1_000_000, 0, 1_000_000));
    // only stake on bonded validators counts
    s.jail(&v1);
    assert_eq!(s.gov_tally(p), tally(0, 0, 600_000, 0, 600_000));
    // the voting period ends 100 s after the proposal opened
    s.advance(99);
    s.vote_native("dave", p, vec![w(No, "1")]).unwrap();
    s.advance(1);
    assert_eq!(
        refuse(&mut s, p, vec![w(Yes, "1")]),
        ("gov", 3, "1: inactive proposal".into())
    );
    assert_eq!(s.gov_vote(p, "dave"), Some(vec![w(No, "1")]));
}

// ---------------------------------------------------------------------------- the hub

/// Two stakers vote differently on the same validator and on different validators, a third
/// does not vote: each proxy casts its own voters' mix, and the chain counts it with the
/// proxy's whole delegation.
#[test]
fn each_proxy_casts_the_mix_of_its_own_voters() {
    let (mut s, v0, v1, p) = setup();
    use VoteOption::*;
    vote(&mut s, "alice", p, "yes").unwrap();
    assert_eq!(cast(&s, &v0, p), Some(vec![w(Yes, "1")]));
    assert_eq!(cast(&s, &v1, p), Some(vec![w(Yes, "1")]));
    vote_weighted(&mut s, "bob", p, &[("no", "0.6"), ("abstain", "0.4")]).unwrap();
    // v0: alice 3,000,000 yes; bob 1,000,000 as 0.6 no / 0.4 abstain
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![w(Yes, "0.75"), w(No, "0.15"), w(Abstain, "0.1")])
    );
    // v1: only alice voted there; carol's stake goes with the proxy's vote
    assert_eq!(cast(&s, &v1, p), Some(vec![w(Yes, "1")]));
    // x/gov: proxy v0's 4,000,000 × its mix + proxy v1's 3,000,000 yes
    assert_eq!(
        s.gov_tally(p),
        tally(6_000_000, 600_000, 400_000, 0, 7_000_000)
    );
    // carol has no vote anywhere
    assert_eq!(s.gov_vote(p, "carol"), None);

    // the hub's answers, field by field
    let r = proposal_votes(&s, p);
    assert_eq!(r["proposal_id"], json!(p));
    assert_eq!(r["tally"], hub_tally(4_000_000, 600_000, 400_000, 0));
    assert_eq!(r["voters_stake"], json!("5000000"));
    assert_eq!(r["hub_bonded"], json!("7000000"));
    // the delegation-weighted mean of what the proxies cast: (4 × 0.75 + 3) / 7 yes, ...
    assert_eq!(
        r["cast"],
        json!([
            {"option": "yes", "weight": "0.857142857142857144"},
            {"option": "no", "weight": "0.085714285714285714"},
            {"option": "abstain", "weight": "0.057142857142857142"}
        ])
    );
    assert_eq!(
        r["by_validator"],
        json!([
            {"validator": v0, "weights": [
                {"option": "yes", "weight": "0.75"},
                {"option": "no", "weight": "0.15"},
                {"option": "abstain", "weight": "0.1"}],
             "voters_stake": "4000000", "delegation": "4000000"},
            {"validator": v1, "weights": [{"option": "yes", "weight": "1"}],
             "voters_stake": "1000000", "delegation": "3000000"}
        ])
    );
    assert_eq!(r["closed"], json!(false));

    let staker_vote = |s: &Suite, who: &str| {
        s.query_json(&json!({"staker_vote": {"proposal_id": p, "staker": s.addr(who)}}).to_string())
            .unwrap()
    };
    assert_eq!(
        staker_vote(&s, "alice"),
        json!({"proposal_id": p, "staker": s.addr("alice"), "option": "yes", "stake": "4000000"})
    );
    assert_eq!(
        staker_vote(&s, "bob"),
        json!({"proposal_id": p, "staker": s.addr("bob"), "weighted": [
            {"option": "no", "weight": "0.6"}, {"option": "abstain", "weight": "0.4"}],
            "stake": "1000000"})
    );
    assert_eq!(
        staker_vote(&s, "carol"),
        json!({"proposal_id": p, "staker": s.addr("carol"), "stake": "0"})
    );
}

/// A staker may change its vote while the proposal is open: every proxy it has stake with
/// re-casts, and the chain keeps only the last vote.
#[test]
fn a_staker_changes_its_vote() {
    let (mut s, v0, v1, p) = setup();
    use VoteOption::*;
    vote(&mut s, "alice", p, "yes").unwrap();
    vote(&mut s, "bob", p, "no").unwrap();
    vote_weighted(
        &mut s,
        "alice",
        p,
        &[("no_with_veto", "0.5"), ("abstain", "0.5")],
    )
    .unwrap();
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![
            w(No, "0.25"),
            w(Abstain, "0.375"),
            w(NoWithVeto, "0.375")
        ])
    );
    assert_eq!(
        cast(&s, &v1, p),
        Some(vec![w(Abstain, "0.5"), w(NoWithVeto, "0.5")])
    );
    assert_eq!(
        s.gov_tally(p),
        tally(0, 1_000_000, 3_000_000, 3_000_000, 7_000_000)
    );
    let r = proposal_votes(&s, p);
    assert_eq!(r["tally"], hub_tally(0, 1_000_000, 2_000_000, 2_000_000));
    assert_eq!(r["voters_stake"], json!("5000000"));
}

/// A voter's stake changes during the voting period (a deposit, an unbond, a share
/// withdrawal, a share deposit): its validator's proxy re-casts the new mix.
#[test]
fn stake_changes_during_voting_recast_the_votes() {
    let (mut s, v0, _v1, p) = setup();
    use VoteOption::*;
    vote(&mut s, "alice", p, "yes").unwrap();
    vote_weighted(&mut s, "bob", p, &[("no", "0.6"), ("abstain", "0.4")]).unwrap();

    // bob deposits 1,000,000 more on v0: 3M yes, 1.2M no, 0.8M abstain
    deposit(&mut s, "bob", &v0, 1_000_000);
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![w(Yes, "0.6"), w(No, "0.24"), w(Abstain, "0.16")])
    );
    assert_eq!(
        s.gov_tally(p).yes,
        Uint128::new(3_000_000 + 3_000_000) // v0: 5M × 0.6; v1: 3M
    );

    // alice unbonds 1,000,000 on v0: 2M yes over 4M
    unbond(&mut s, "alice", &v0, 1_000_000);
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![w(Yes, "0.5"), w(No, "0.3"), w(Abstain, "0.2")])
    );

    // bob leaves with 1,000,000 as shares: 2M yes, 0.6M no, 0.4M abstain over 3M
    exec(
        &mut s,
        "bob",
        json!({"withdraw_shares": {"validator": v0, "amount": "1000000"}}),
        &[],
    )
    .unwrap();
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![
            w(Yes, "0.666666666666666667"),
            w(No, "0.2"),
            w(Abstain, "0.133333333333333333")
        ])
    );
    // the proxy's delegation is 3,000,000 and votes that mix
    assert_eq!(
        s.gov_tally(p),
        tally(2_000_000 + 3_000_000, 600_000, 399_999, 0, 6_000_000)
    );

    // bob brings the shares back: 1M more as 0.6 no / 0.4 abstain
    let shares = Coin::new(1_000_000u128, format!("{v0}/1"));
    assert_eq!(s.balance("bob", &shares.denom), 1_000_000);
    exec(
        &mut s,
        "bob",
        json!({"deposit": {"validator": v0}}),
        &[shares],
    )
    .unwrap();
    assert_eq!(
        cast(&s, &v0, p),
        Some(vec![w(Yes, "0.5"), w(No, "0.3"), w(Abstain, "0.2")])
    );
    let r = s
        .query_json(
            &json!({"staker_vote": {"proposal_id": p, "staker": s.addr("bob")}}).to_string(),
        )
        .unwrap();
    assert_eq!(r["stake"], json!("2000000"));
}

/// The staker's first deposit on a validator, after it voted: the new proxy votes the
/// staker's open proposals too. (Failed before the fix: the stake was counted in the hub's
/// tally of the new validator while its proxy was being created, so nothing was cast, and the
/// chain never counted that stake.)
#[test]
fn a_first_deposit_on_a_new_validator_votes_the_open_proposals() {
    let (mut s, v0, v1) = two_validators();
    deposit(&mut s, "alice", &v0, 1_000_000);
    let p = s.open_proposal(WEEK);
    let ended = s.open_proposal(100);
    vote(&mut s, "alice", p, "no").unwrap();
    vote(&mut s, "alice", ended, "yes").unwrap();
    s.advance(100);
    // v1 has no proxy yet: this deposit creates it, and it votes alice's open proposals;
    // the chain refuses the one whose voting period is over, which closes it without failing
    // the deposit
    deposit(&mut s, "alice", &v1, 2_000_000);
    assert_eq!(s.bonded_of("alice", &v1), 2_000_000);
    assert_eq!(s.gov_vote(ended, s.delegator(&v1).unwrap().as_str()), None);
    let r = proposal_votes(&s, ended);
    assert_eq!(r["closed"], json!(true));
    let r = proposal_votes(&s, p);
    assert_eq!(r["voters_stake"], json!("3000000"));
    assert_eq!(
        r["by_validator"][1]["weights"],
        json!([{"option": "no", "weight": "1"}]),
        "the hub counts alice's stake on v1 in the vote"
    );
    assert_eq!(
        cast(&s, &v1, p),
        Some(vec![w(VoteOption::No, "1")]),
        "v1's new proxy votes alice's open proposal on the chain"
    );
    assert_eq!(s.gov_tally(p), tally(0, 3_000_000, 0, 0, 3_000_000));
}

/// A vote on a proposal that is not in its voting period (ended, or unknown) is refused with
/// the chain's reason, and nothing changes.
#[test]
fn voting_outside_the_voting_period_is_refused_with_the_chains_reason() {
    let (mut s, _v0, _v1, p) = setup();
    let err = refused(&mut s, 42, |s| vote(s, "alice", 42, "yes"));
    let c = chain_error(&err);
    assert_eq!(
        (c.codespace, c.code, c.log.as_str()),
        ("gov", 3, "42: inactive proposal")
    );
    s.advance(WEEK);
    // (refused on the chain when the proxy casts the vote)
    let err = refused(&mut s, p, |s| vote(s, "alice", p, "yes"));
    let c = chain_error(&err);
    assert_eq!(
        (c.codespace, c.code, c.log.as_str()),
        ("gov", 3, "1: inactive proposal")
    );
}

/// When the voting period has ended, the re-cast that follows a stake change is refused by
/// the chain: the staker's message still succeeds, the proposal is marked closed, and a
/// later vote on it is refused by the hub.
#[test]
fn a_recast_after_the_period_marks_the_proposal_closed() {
    let (mut s, v0, _v1, p) = setup();
    use VoteOption::*;
    vote(&mut s, "alice", p, "yes").unwrap();
    s.advance(WEEK + 1);
    deposit(&mut s, "alice", &v0, 500_000);
    assert_eq!(s.bonded_of("alice", &v0), 3_500_000);
    // the chain kept the last vote of the voting period
    assert_eq!(cast(&s, &v0, p), Some(vec![w(Yes, "1")]));
    let r = proposal_votes(&s, p);
    assert_eq!(r["closed"], json!(true));
    let err = refused(&mut s, p, |s| vote(s, "alice", p, "no"));
    assert_eq!(
        *hub_error(&err),
        ContractError::ProposalClosed { proposal_id: p }
    );
    // unbonding afterwards re-casts nothing and succeeds
    unbond(&mut s, "alice", &v0, 500_000);
}

/// `max_open_votes` bounds a staker's open votes; re-voting is not a new vote, and a closed
/// proposal frees its place.
#[test]
fn open_votes_are_bounded() {
    let (mut s, v) = capped(2);
    let short = s.open_proposal(100);
    let long = s.open_proposal(WEEK);
    let third = s.open_proposal(WEEK);
    vote(&mut s, "alice", short, "yes").unwrap();
    vote(&mut s, "alice", long, "yes").unwrap();
    let err = refused(&mut s, third, |s| vote(s, "alice", third, "yes"));
    assert_eq!(*hub_error(&err), ContractError::TooManyOpenVotes { max: 2 });
    vote(&mut s, "alice", long, "no").unwrap();
    // the short proposal ends; alice's next stake change finds it closed
    s.advance(101);
    deposit(&mut s, "alice", &v, 1_000);
    vote(&mut s, "alice", third, "abstain").unwrap();
    assert_eq!(cast(&s, &v, third), Some(vec![w(VoteOption::Abstain, "1")]));
    assert_eq!(cast(&s, &v, long), Some(vec![w(VoteOption::No, "1")]));
}

/// Refusals by the hub before anything reaches the chain.
#[test]
fn votes_without_stake_or_with_bad_weights_are_refused() {
    let (mut s, v0, _v1, p) = setup();
    let err = refused(&mut s, p, |s| vote(s, "dave", p, "yes"));
    assert_eq!(*hub_error(&err), ContractError::NoStakeToVote);
    let bad = |s: &mut Suite, weights: &[(&str, &str)], expected: ContractError| {
        let err = refused(s, p, |s| vote_weighted(s, "alice", p, weights));
        assert_eq!(*hub_error(&err), expected, "{weights:?}");
    };
    let invalid = |reason| ContractError::InvalidVote { reason };
    bad(
        &mut s,
        &[("yes", "0.7"), ("no", "0.2")],
        invalid(VoteProblem::WeightsSum { sum: dec("0.9") }),
    );
    bad(
        &mut s,
        &[("yes", "0.7"), ("no", "0.4")],
        invalid(VoteProblem::WeightsSum { sum: dec("1.1") }),
    );
    bad(
        &mut s,
        &[("yes", "1"), ("no", "0")],
        invalid(VoteProblem::ZeroWeight),
    );
    bad(
        &mut s,
        &[("yes", "0.5"), ("yes", "0.5")],
        ContractError::Duplicate {
            field: "vote option".into(),
            id: "Yes".into(),
        },
    );
    bad(
        &mut s,
        &[],
        ContractError::EmptyList {
            field: "weighted".into(),
        },
    );
    let both = refused(&mut s, p, |s| {
        exec(
            s,
            "alice",
            json!({"vote": {"proposal_id": p, "option": "yes",
                "weighted": [{"option": "yes", "weight": "1"}]}}),
            &[],
        )
    });
    assert_eq!(*hub_error(&both), invalid(VoteProblem::OptionAndWeighted));
    let neither = refused(&mut s, p, |s| {
        exec(s, "alice", json!({"vote": {"proposal_id": p}}), &[])
    });
    assert_eq!(
        *hub_error(&neither),
        invalid(VoteProblem::OptionAndWeighted)
    );
    // an option the chain does not have: refused while parsing the message, before the
    // hub's code runs, so only the parser's text names it
    let err = refused(&mut s, p, |s| vote(s, "alice", p, "maybe"));
    assert!(
        err.root_cause()
            .to_string()
            .contains("unknown variant `maybe`"),
        "{err:?}"
    );
    // funds are refused
    s.mint("alice", coins(1, "uatom"));
    let paid = refused(&mut s, p, |s| {
        exec(
            s,
            "alice",
            json!({"vote": {"proposal_id": p, "option": "yes"}}),
            &coins(1, "uatom"),
        )
    });
    assert_eq!(*hub_error(&paid), ContractError::NonPayable);
    // a staker who unbonded everything has no voice
    unbond(&mut s, "bob", &v0, 1_000_000);
    let err = refused(&mut s, p, |s| vote(s, "bob", p, "yes"));
    assert_eq!(*hub_error(&err), ContractError::NoStakeToVote);
}

/// What the hub cannot undo: when the last voter on a validator leaves, the chain keeps that
/// validator's proxy's last vote (x/gov has no way to withdraw a vote), so the stakers who
/// stay — none of whom voted — keep voting the departed voter's mix, and `proposal_votes`
/// says so (weights with no voters' stake behind them).
#[test]
fn the_last_voter_leaving_leaves_the_proxys_vote_on_the_chain() {
    let (mut s, _v0, v1, p) = setup();
    use VoteOption::*;
    vote(&mut s, "alice", p, "yes").unwrap();
    assert_eq!(cast(&s, &v1, p), Some(vec![w(Yes, "1")]));
    unbond(&mut s, "alice", &v1, 1_000_000);
    // carol's 2,000,000 (she never voted) still votes yes through the proxy, next to v0's
    // 4,000,000 (alice's 3,000,000 and bob's 1,000,000)
    assert_eq!(cast(&s, &v1, p), Some(vec![w(Yes, "1")]));
    assert_eq!(s.gov_tally(p).yes, Uint128::new(4_000_000 + 2_000_000));
    let r = proposal_votes(&s, p);
    assert_eq!(
        r["by_validator"][1],
        json!({"validator": v1, "weights": [{"option": "yes", "weight": "1"}],
            "voters_stake": "0", "delegation": "2000000"})
    );
}

/// A staker whose open votes are all on proposals that have ended cannot vote on a new one
/// until some stake change of its own makes the chain refuse a re-cast: nothing else ever
/// closes a proposal in the hub. With the default `max_open_votes` (8), a staker who votes on
/// every Cosmos Hub proposal and never moves its stake is locked out after eight.
///
/// Fixed: at the cap, the vote re-sends each open vote's last cast unchanged; the chain
/// refuses those whose voting period is over, which closes them in the hub.
#[test]
fn ended_proposals_do_not_hold_a_stakers_open_votes() {
    let (mut s, _v) = capped(2);
    let first = s.open_proposal(100);
    let second = s.open_proposal(100);
    vote(&mut s, "alice", first, "yes").unwrap();
    vote(&mut s, "alice", second, "no").unwrap();
    s.advance(200);
    // both are over on the chain; a new proposal opens
    let third = s.open_proposal(WEEK);
    vote(&mut s, "alice", third, "yes").expect("alice votes on a new proposal");
}

/// The cap still holds for proposals that are genuinely in their voting period: at the cap,
/// the ended one frees its place (and closes for everyone), the open ones do not, and a vote
/// that finds every place taken by an open proposal is refused with nothing changed on the
/// hub or on the chain (the checks' re-casts are undone with it).
#[test]
fn the_cap_holds_for_proposals_still_in_their_voting_period() {
    let (mut s, v) = capped(2);
    let ended = s.open_proposal(100);
    let open = s.open_proposal(WEEK);
    vote(&mut s, "alice", ended, "yes").unwrap();
    vote(&mut s, "alice", open, "no").unwrap();
    s.advance(200);
    let third = s.open_proposal(WEEK);
    let fourth = s.open_proposal(WEEK);
    // the ended proposal's place is freed
    vote(&mut s, "alice", third, "abstain").unwrap();
    assert_eq!(proposal_votes(&s, ended)["closed"], json!(true));
    assert_eq!(proposal_votes(&s, open)["closed"], json!(false));
    // `open` and `third` are both in their voting period: no place for a fourth
    let err = refused(&mut s, fourth, |s| vote(s, "alice", fourth, "yes"));
    // (refused by the reply to the last check: cw-multi-test hands a reply's error on as
    // text, so the variant is named by its text)
    assert_eq!(
        err.root_cause().to_string(),
        ContractError::TooManyOpenVotes { max: 2 }.to_string()
    );
    assert_eq!(proposal_votes(&s, open)["closed"], json!(false));
    assert_eq!(proposal_votes(&s, third)["closed"], json!(false));
    assert_eq!(cast(&s, &v, open), Some(vec![w(VoteOption::No, "1")]));
    assert_eq!(cast(&s, &v, third), Some(vec![w(VoteOption::Abstain, "1")]));
    // changing a vote on an open proposal is not a new vote
    vote(&mut s, "alice", open, "yes").unwrap();
    // bob, with no open votes, is not held by alice's
    deposit(&mut s, "bob", &v, 1_000);
    vote(&mut s, "bob", fourth, "no").unwrap();
}

/// A stranger must not be able to close a proposal for every staker of the hub before it
/// opens. With 1 uatom left on a validator nobody else voted on, a weighted vote 0.5/0.5
/// counts for nothing in that validator's mix, so no vote reaches the chain and the hub took
/// the vote on a proposal that does not exist yet. The stranger's next deposit re-casts it,
/// the chain refuses ("inactive proposal"), and the refusal marked the proposal closed in the
/// hub: once it opened, every staker's vote on it was refused. (Failed before the fix: a vote
/// that sends nothing to the chain is now refused, so every vote the hub keeps was taken by
/// the chain when it was cast.)
#[test]
fn a_stranger_cannot_close_a_proposal_before_it_opens() {
    let mut s = SuiteBuilder::new().with_apr(Decimal::zero()).build();
    let v = s.validator(0);
    deposit(&mut s, "alice", &v, 1_000_000);
    deposit(&mut s, "mallory", &v, 1_000);
    unbond(&mut s, "mallory", &v, 999);
    let next = 1; // the first proposal the chain will open
    let early = vote_weighted(&mut s, "mallory", next, &[("yes", "0.5"), ("no", "0.5")]);
    if let Err(e) = &early {
        assert_eq!(
            *hub_error(e),
            ContractError::InvalidVote {
                reason: VoteProblem::CountsForNothing {
                    stake: Uint128::one()
                }
            }
        );
    }
    deposit(&mut s, "mallory", &v, 1_000);
    let r = proposal_votes(&s, next);
    assert_eq!(
        r["closed"],
        json!(false),
        "a stranger closed a future proposal"
    );
    let p = s.open_proposal(WEEK);
    assert_eq!(p, next);
    vote(&mut s, "alice", p, "yes").expect("alice votes on the new proposal");
    assert_eq!(cast(&s, &v, p), Some(vec![w(VoteOption::Yes, "1")]));
}

/// Exits never pause for votes: a staker whose every open vote is on a proposal that has
/// ended unbonds in one message; each refused re-cast only marks its proposal closed, and the
/// freed places take new votes.
#[test]
fn an_unbond_with_every_open_vote_ended_succeeds() {
    let (mut s, v) = capped(4);
    let ended: Vec<u64> = (0..4).map(|_| s.open_proposal(100)).collect();
    for p in &ended {
        vote(&mut s, "alice", *p, "yes").unwrap();
    }
    s.advance(200);
    unbond(&mut s, "alice", &v, 400_000);
    for p in &ended {
        let r = proposal_votes(&s, *p);
        assert_eq!(r["closed"], json!(true), "proposal {p}");
        // the chain kept the vote of the voting period
        assert_eq!(cast(&s, &v, *p), Some(vec![w(VoteOption::Yes, "1")]));
    }
    let next = s.open_proposal(WEEK);
    vote(&mut s, "alice", next, "no").expect("a freed place takes a new vote");
    assert_eq!(cast(&s, &v, next), Some(vec![w(VoteOption::No, "1")]));
}
