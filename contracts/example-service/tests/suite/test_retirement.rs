//! Retirement: the admin retires the service (its last fees go to the stakers first), and
//! the stakers leave in order: opt_out, the opt-out delay, complete_opt_out, unbond, claim.

use cosmwasm_std::Decimal;
use example_service::msg::ExecuteMsg;
use restake_multitest::{attr, err_text, HUB_UNBONDING};
use restake_types::ServiceStatus;

use super::helpers::*;

#[test]
fn retirement_and_the_stakers_orderly_exit() {
    let mut t = setup();
    let (v0, v1) = (t.validator(0), t.validator(1));
    t.stake("alice", &v0, 1_000_000);
    t.stake("bob", &v1, 1_000_000);
    t.pay_fees("dapp", 4_000, FEE_DENOM).unwrap();
    t.distribute().unwrap();
    // fees that arrive after the last distribution of the epoch
    t.pay_fees("dapp", 2_000, FEE_DENOM).unwrap();
    t.pay_cw20(100).unwrap();
    t.assert_invariants();

    // Phase 1: only the admin retires; the last fees are paid out at once, whatever the
    // epoch, then the hub marks the service retired.
    let err = t.retire("oracle-1").unwrap_err();
    assert!(err_text(&err).contains("only the admin may retire the service"));
    let res = t.retire(ADMIN).unwrap();
    assert_eq!(
        attr(&res, "final_distribution").as_deref(),
        Some(format!("2000uosmo,100cw20:{}", t.token).as_str())
    );
    assert_eq!(t.service(t.id).unwrap().status, ServiceStatus::Retired);
    assert_eq!(t.pending_fees(), (0, 0));
    assert_eq!(t.pending_native("alice", FEE_DENOM), 3_000);
    assert_eq!(t.pending_native("bob", FEE_DENOM), 3_000);
    let token = t.token.clone();
    assert_eq!(t.pending_cw20("alice", &token), 50);
    // a retired service takes no more fees, no new stakers, and cannot retire twice
    let err = t.pay_fees("dapp", 1_000, FEE_DENOM).unwrap_err();
    assert!(err_text(&err).contains("is retired"));
    assert!(t.pay_cw20(10).is_err());
    t.deposit("carol", &v0, 1_000_000).unwrap();
    let id = t.id;
    assert!(err_text(&t.opt_in("carol", &v0, &[id]).unwrap_err()).contains("retired"));
    assert!(err_text(&t.retire(ADMIN).unwrap_err()).contains("is retired"));
    t.assert_invariants();

    // Phase 2: the stakers opt out; the opt-out delay still applies (slashes for past
    // misbehaviour remain possible meanwhile).
    t.opt_out("alice", &v0, &[id]).unwrap();
    t.opt_out("bob", &v1, &[id]).unwrap();
    let pending = t.position("alice", &v0).unwrap().pending_opt_outs;
    assert_eq!(pending[0].ready_at, t.now().plus_seconds(OPT_OUT_DELAY));
    assert!(t.complete_opt_out("alice", &v0).is_err());
    // the committee can still slash stake that has not left
    let p = t.propose("oracle-1", &v1, Decimal::percent(1)).unwrap();
    t.vote("oracle-2", p).unwrap();
    let slash_id = t.proposal(p).slash_id.unwrap();
    t.veto_slash(RESOLVER, slash_id).unwrap();
    t.assert_invariants();

    // Phase 3: after the delay the opt-outs complete: the stake secures nothing any more.
    t.advance(OPT_OUT_DELAY - 1);
    assert!(t.complete_opt_out("alice", &v0).is_err());
    t.advance(1);
    t.complete_opt_out("alice", &v0).unwrap();
    t.complete_opt_out("bob", &v1).unwrap();
    assert!(t.position("alice", &v0).unwrap().service_ids.is_empty());
    assert_eq!(t.service(id).unwrap().total_stake.u128(), 0);
    t.assert_invariants();

    // Phase 4: unbond and claim: every token comes back, with the service's rewards.
    t.unbond("alice", &v0, 1_000_000).unwrap();
    t.unbond("bob", &v1, 1_000_000).unwrap();
    assert!(t.claim_unbonded("alice").is_err());
    t.assert_invariants();
    t.advance(HUB_UNBONDING);
    t.claim_unbonded("alice").unwrap();
    t.claim_unbonded("bob").unwrap();
    t.claim_rewards("alice").unwrap();
    t.claim_rewards("bob").unwrap();
    assert_eq!(t.balance("alice", &t.denom.clone()), 1_000_000);
    assert_eq!(t.balance("bob", &t.denom.clone()), 1_000_000);
    assert_eq!(t.balance("alice", FEE_DENOM), 3_000);
    assert_eq!(t.cw20_balance(&token, "bob"), 50);
    assert!(t.positions("alice").unwrap().is_empty());
    t.assert_invariants();
}

#[test]
fn fees_nobody_could_earn_go_back_after_retirement() {
    let mut t = setup();
    t.pay_fees("dapp", 7_000, FEE_DENOM).unwrap();
    t.pay_cw20(70).unwrap();
    let withdraw = |r: Option<&str>| ExecuteMsg::WithdrawFees {
        recipient: r.map(String::from),
    };
    // while the service is active the fees belong to its future stakers
    let treasury = t.addr("treasury").to_string();
    let err = t.exec(ADMIN, &withdraw(Some(&treasury)), &[]).unwrap_err();
    assert!(err_text(&err).contains("only after it is retired"));
    // no stake: retirement cannot pay them out
    let res = t.retire(ADMIN).unwrap();
    assert_eq!(attr(&res, "final_distribution"), None);
    assert_eq!(t.pending_fees(), (7_000, 70));
    let err = t.exec("oracle-1", &withdraw(None), &[]).unwrap_err();
    assert!(err_text(&err).contains("only the admin"));
    t.exec(ADMIN, &withdraw(Some(&treasury)), &[]).unwrap();
    assert_eq!(t.balance("treasury", FEE_DENOM), 7_000);
    let token = t.token.clone();
    assert_eq!(t.cw20_balance(&token, "treasury"), 70);
    assert_eq!(t.pending_fees(), (0, 0));
    assert!(err_text(&t.exec(ADMIN, &withdraw(None), &[]).unwrap_err()).contains("no fees"));
    t.assert_invariants();
}
