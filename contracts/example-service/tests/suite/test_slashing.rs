//! Committee votes become hub slash requests; the resolver vetoes one inside its window,
//! the other executes after it and takes exactly its fraction from the stake that secured
//! the service on that validator.

use cosmwasm_std::Decimal;
use example_service::msg::ProposalStatus;
use restake_multitest::{attr, err_text};
use restake_types::SlashStatus;

use super::helpers::*;

#[test]
fn committee_vote_veto_window_and_exact_slash() {
    let mut t = setup();
    let (v0, v1) = (t.validator(0), t.validator(1));
    // alice and bob secure the service on v0, carol on v1; dave stakes on v0 without it.
    t.stake("alice", &v0, 1_000_000);
    t.stake("bob", &v0, 2_000_000);
    t.stake("carol", &v1, 1_000_000);
    t.deposit("dave", &v0, 1_000_000).unwrap();
    t.assert_invariants();

    // Phase 1: the committee votes. One vote of three is not enough (threshold 2).
    let p1 = t.propose("oracle-1", &v0, Decimal::percent(5)).unwrap();
    let p = t.proposal(p1);
    assert_eq!(p.status, ProposalStatus::Open);
    assert_eq!(p.votes, vec![t.addr("oracle-1")]);
    assert_eq!(p.slash_id, None);
    assert!(t.slash_requests_of(t.id).is_empty());
    let err = t.vote("oracle-1", p1).unwrap_err();
    assert!(
        err_text(&err).contains("already voted"),
        "{}",
        err_text(&err)
    );
    let err = t.vote("mallory", p1).unwrap_err();
    assert!(err_text(&err).contains("is not a committee member"));

    // The second vote reaches the threshold: the service sends the hub's `slash`.
    let res = t.vote("oracle-2", p1).unwrap();
    assert_eq!(attr(&res, "submitted").as_deref(), Some("true"));
    let p = t.proposal(p1);
    assert_eq!(p.status, ProposalStatus::Submitted);
    let s1 = p.slash_id.expect("slash id from the hub's reply");
    let r = t.slash_request(s1).unwrap();
    assert_eq!(r.status, SlashStatus::Pending);
    assert_eq!(r.service_id, t.id);
    assert_eq!(r.validator, v0);
    assert_eq!(r.fraction, Decimal::percent(5));
    assert_eq!(r.executable_at, t.now().plus_seconds(VETO_PERIOD));
    let err = t.vote("oracle-3", p1).unwrap_err();
    assert!(err_text(&err).contains("is submitted, not open"));

    // A second proposal, against v1, also reaches the hub.
    let p2 = t.propose("oracle-3", &v1, Decimal::percent(10)).unwrap();
    t.vote("oracle-1", p2).unwrap();
    let s2 = t.proposal(p2).slash_id.unwrap();
    assert_ne!(s1, s2);
    assert_eq!(t.slash_requests_of(t.id), vec![s1, s2]);
    t.assert_invariants();

    // Phase 2: the veto window. The resolver vetoes the request against v1; nobody can
    // execute the one against v0 before its window closes.
    t.veto_slash(RESOLVER, s2).unwrap();
    assert_eq!(t.slash_request(s2).unwrap().status, SlashStatus::Vetoed);
    let err = t.execute_slash("keeper", s1).unwrap_err();
    assert!(err_text(&err).contains("inside its veto window"));
    // alice starts leaving, but her opt-out delay (7 days) outlasts the veto window: she
    // stays exposed to the request
    let id = t.id;
    t.opt_out("alice", &v0, &[id]).unwrap();
    t.advance(VETO_PERIOD);
    t.assert_invariants();

    // Phase 3: after the window anyone executes it: the stake securing the service on v0
    // loses exactly 5 %, nobody else loses a unit.
    let res = t.execute_slash("keeper", s1).unwrap();
    assert_eq!(attr(&res, "slashed_amount").as_deref(), Some("150000"));
    let r = t.slash_request(s1).unwrap();
    assert_eq!(r.status, SlashStatus::Executed);
    assert_eq!(r.slashed_amount.u128(), 150_000);
    assert_eq!(t.bonded_of("alice", &v0), 950_000);
    assert_eq!(t.bonded_of("bob", &v0), 1_900_000);
    assert_eq!(t.bonded_of("carol", &v1), 1_000_000);
    assert_eq!(t.bonded_of("dave", &v0), 1_000_000);
    let service = t.service(t.id).unwrap();
    assert_eq!(service.total_stake.u128(), 950_000 + 1_900_000 + 1_000_000);
    assert_eq!(service.total_slashed.u128(), 150_000);
    // the resolver's window is over: a veto now is refused
    let err = t.veto_slash(RESOLVER, s1).unwrap_err();
    assert!(err_text(&err).contains("not pending"));
    t.assert_invariants();
}

#[test]
fn a_threshold_of_one_slashes_at_once_and_proposals_expire() {
    let mut t = setup_with(|m| {
        m.threshold = 1;
        m.veto_period = 0;
    });
    let v0 = t.validator(0);
    t.stake("alice", &v0, 1_000_000);
    let p = t.propose("oracle-2", &v0, Decimal::percent(10)).unwrap();
    let s = t.proposal(p).slash_id.unwrap();
    // a zero veto window: the hub executes the request inside the same transaction
    assert_eq!(t.slash_request(s).unwrap().status, SlashStatus::Executed);
    assert_eq!(t.bonded_of("alice", &v0), 900_000);
    t.assert_invariants();

    // with threshold 2, a proposal nobody seconds expires
    let admin = ADMIN;
    let members: Vec<String> = MEMBERS.iter().map(|m| t.addr(m).to_string()).collect();
    t.exec(
        admin,
        &example_service::msg::ExecuteMsg::UpdateCommittee {
            members,
            threshold: 2,
        },
        &[],
    )
    .unwrap();
    let p = t.propose("oracle-1", &v0, Decimal::percent(1)).unwrap();
    t.advance(VOTING_PERIOD);
    assert_eq!(t.proposal(p).status, ProposalStatus::Expired);
    let err = t.vote("oracle-2", p).unwrap_err();
    assert!(err_text(&err).contains("is expired, not open"));
    assert_eq!(t.bonded_of("alice", &v0), 900_000);
}

#[test]
fn proposals_page_in_id_order() {
    let mut t = setup();
    let v0 = t.validator(0);
    t.stake("alice", &v0, 1_000_000);
    for _ in 0..5 {
        t.propose("oracle-1", &v0, Decimal::percent(1)).unwrap();
    }
    let ids = |ps: Vec<example_service::msg::ProposalResponse>| {
        ps.iter().map(|p| p.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(t.proposals(None, Some(2))), vec![1, 2]);
    assert_eq!(ids(t.proposals(Some(2), Some(2))), vec![3, 4]);
    assert_eq!(ids(t.proposals(Some(4), None)), vec![5]);
    assert_eq!(ids(t.proposals(None, Some(100))).len(), 5);
}

trait SlashList {
    fn slash_requests_of(&self, service_id: u64) -> Vec<u64>;
}

impl SlashList for ServiceSuite {
    fn slash_requests_of(&self, service_id: u64) -> Vec<u64> {
        let r: restake_types::SlashRequestsResponse = self
            .query(&restake_types::QueryMsg::SlashRequests {
                service_id: Some(service_id),
                validator: None,
                status: None,
                start_after: None,
                limit: None,
            })
            .unwrap();
        r.slash_requests.iter().map(|r| r.id).collect()
    }
}
