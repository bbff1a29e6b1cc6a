//! Governance pass-through (issue 19) on gaiad: stakers vote through the hub and the
//! chain's own tally counts the delegator proxy's weighted vote.

use std::time::Duration;

use restake_chain::VoteOption;
use restake_gaia::*;
use serde_json::{json, Value};

use super::ATOM;

const DEC: u128 = 1_000_000_000_000_000_000;

/// The weights the hub says it cast for the whole hub, as (option, weight × 10^18).
fn cast(votes: &Value) -> Vec<(VoteOption, u128)> {
    let mut out: Vec<(VoteOption, u128)> = votes["cast"]
        .as_array()
        .expect("cast")
        .iter()
        .map(|w| {
            let option = match w["option"].as_str().expect("option") {
                "yes" => VoteOption::Yes,
                "no" => VoteOption::No,
                "abstain" => VoteOption::Abstain,
                _ => VoteOption::NoWithVeto,
            };
            let weight = msgs::decimal_atto(w["weight"].as_str().expect("weight")).expect("weight");
            (option, weight)
        })
        .collect();
    out.sort();
    out
}

/// The chain's count of a weighted vote: each option's share of the voter's delegation,
/// truncated (x/gov sums `LegacyDec`s and truncates the totals).
fn counted(delegation: u128, weights: &[(VoteOption, u128)], option: VoteOption) -> u128 {
    weights
        .iter()
        .filter(|(o, _)| *o == option)
        .map(|(_, w)| delegation * w / DEC)
        .sum()
}

/// Alice and bob vote differently through the hub, carol (on the same validator) does not;
/// the validator's proxy casts the voters' stake-weighted mix and follows a stake change
/// while the proposal is open; after the voting period the chain's final tally is that mix
/// applied to the proxy's whole delegation. A vote on a proposal past its voting period is
/// refused with the chain's reason.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_gov_votes_pass_through() {
    let _time = TestTimer::start("hub_gov_votes_pass_through");
    let net = Net::connect().await;
    let c = &net.client;
    let mut gas = GasTable::default();
    let g = net.validator.clone();
    let [owner, alice, bob, carol, dave, proposer]: [Key; 6] = net
        .fund_new_accounts(6, 1_000 * ATOM)
        .await
        .try_into()
        .expect("6 keys");
    let voting_period: u64 = net.env["GAIA_VOTING_PERIOD_SECONDS"]
        .parse()
        .expect("voting period");
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    for (who, amount) in [(&alice, 6), (&bob, 3), (&carol, 1)] {
        hub.exec(
            who,
            json!({"deposit": {"validator": g}}),
            &[net.coin(amount * ATOM)],
        )
        .await;
    }
    let proxy = hub.delegator(&g).await;

    // a text proposal; its deposit reaches min_deposit, so voting starts at once
    let out = net
        .send(
            &proposer,
            &[msgs::text_proposal(
                &proposer.address(),
                &[net.coin(ATOM)],
                "restake-hub pass-through test",
                "stakers vote through the hub's delegator proxies",
                "ipfs://restake-hub-e2e",
            )],
        )
        .await;
    let id: u64 = out
        .require_attr("submit_proposal", "proposal_id")
        .expect("proposal id")
        .parse()
        .expect("id");
    assert_eq!(
        c.proposal(id).await.expect("proposal").status,
        2,
        "in voting"
    );

    let out = hub
        .exec(
            &alice,
            json!({"vote": {"proposal_id": id, "option": "yes"}}),
            &[],
        )
        .await;
    gas.record(
        "vote",
        "first voter on the validator: its proxy casts yes",
        &out,
    );
    let out = hub
        .exec(
            &bob,
            json!({"vote": {"proposal_id": id, "weighted": [
                {"option": "no", "weight": "0.8"}, {"option": "abstain", "weight": "0.2"}]}}),
            &[],
        )
        .await;
    gas.record(
        "vote",
        "second voter (weighted): the proxy re-casts the mix",
        &out,
    );
    let votes = hub
        .query(json!({"proposal_votes": {"proposal_id": id}}))
        .await;
    println!("hub: {votes}");
    assert_eq!(num(&votes["voters_stake"]), 9 * ATOM);
    assert_eq!(num(&votes["hub_bonded"]), 10 * ATOM);
    let stake = |o: &str| {
        votes["tally"]
            .as_array()
            .expect("tally")
            .iter()
            .find(|t| t["option"] == o)
            .map(|t| num(&t["stake"]))
            .unwrap_or(0)
    };
    assert_eq!(
        (stake("yes"), stake("no"), stake("abstain")),
        (6 * ATOM, 2_400_000, 600_000)
    );
    // yes 6/9, no 2.4/9, abstain 0.6/9: the proxy's vote as the chain stores it
    let weights = cast(&votes);
    let on_chain = c
        .vote_of(id, &proxy)
        .await
        .expect("vote")
        .expect("the proxy voted");
    let mut on_chain_sorted = on_chain.clone();
    on_chain_sorted.sort();
    assert_eq!(
        on_chain_sorted, weights,
        "the chain stores the weights the hub cast"
    );
    assert_eq!(
        weights.iter().map(|(_, w)| w).sum::<u128>(),
        DEC,
        "weights sum to 1"
    );
    for (option, ratio) in [
        (VoteOption::Yes, DEC * 6 / 9),
        (VoteOption::Abstain, DEC * 6 / 90),
        (VoteOption::No, DEC * 24 / 90),
    ] {
        let w = weights
            .iter()
            .find(|(o, _)| *o == option)
            .expect("option")
            .1;
        // each is the voters' stake ratio, to 10^-18 (the largest takes the rounding)
        assert!(w.abs_diff(ratio) <= 2, "{option:?}: {w} vs {ratio}");
    }
    let s = c
        .query_smart(
            &hub.addr,
            &json!({"staker_vote": {"proposal_id": id, "staker": carol.address()}}).to_string(),
        )
        .await
        .expect("staker vote");
    assert_eq!(num(&s["stake"]), 0, "carol did not vote: {s}");

    // a voter's stake changes while the proposal is open: its vote follows, the proxy
    // re-casts; a non-voter's deposit only grows the delegation the mix applies to
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": g}}),
            &[net.coin(3 * ATOM)],
        )
        .await;
    gas.record(
        "deposit",
        "existing position; the staker's open vote follows (re-cast)",
        &out,
    );
    hub.exec(
        &carol,
        json!({"deposit": {"validator": g}}),
        &[net.coin(2 * ATOM)],
    )
    .await;
    let votes = hub
        .query(json!({"proposal_votes": {"proposal_id": id}}))
        .await;
    assert_eq!(num(&votes["voters_stake"]), 12 * ATOM);
    let weights = cast(&votes);
    let mut on_chain = c.vote_of(id, &proxy).await.expect("vote").expect("voted");
    on_chain.sort();
    assert_eq!(on_chain, weights);
    let delegation = net.delegated(&proxy, &g).await;
    assert_eq!(delegation, 15 * ATOM);
    let live = c.tally(id).await.expect("tally");
    println!("live tally {live:?} with weights {weights:?} on {delegation}");
    assert_eq!(live.yes, counted(delegation, &weights, VoteOption::Yes));
    assert_eq!(live.no, counted(delegation, &weights, VoteOption::No));
    assert_eq!(
        live.abstain,
        counted(delegation, &weights, VoteOption::Abstain)
    );

    // after the voting period: the chain's final tally is the proxy's weighted vote
    let p = c
        .wait_proposal_final(id, Duration::from_secs(voting_period + 60))
        .await
        .expect("the voting period ends");
    println!(
        "proposal {id} ended: status {}, final tally {:?}",
        p.status, p.final_tally
    );
    assert_eq!(
        p.final_tally.yes,
        counted(delegation, &weights, VoteOption::Yes)
    );
    assert_eq!(
        p.final_tally.no,
        counted(delegation, &weights, VoteOption::No)
    );
    assert_eq!(
        p.final_tally.abstain,
        counted(delegation, &weights, VoteOption::Abstain)
    );
    assert_eq!(p.final_tally.no_with_veto, 0);
    assert_eq!(c.tally(id).await.expect("tally"), p.final_tally);

    // too late: the chain refuses the proxy's vote, the staker sees why
    let log = hub
        .refused(
            &bob,
            json!({"vote": {"proposal_id": id, "option": "yes"}}),
            &[],
        )
        .await;
    println!("vote after the voting period: {log}");
    assert!(log.contains(&format!("{id}: inactive proposal")), "{log}");
    // and a staker without stake in the hub has nothing to vote with
    let log = hub
        .refused(
            &dave,
            json!({"vote": {"proposal_id": id, "option": "no"}}),
            &[],
        )
        .await;
    assert!(
        log.contains("no bonded stake in the hub to vote with"),
        "{log}"
    );
    gas.save("hub_gov_votes_pass_through");
}
