//! What the Cosmos Hub's own modules do, on gaiad v25.1.1, as the hub will meet it:
//! downtime slashing of an unbonding entry in flight, x/liquid tokenize/redeem and its caps,
//! and a governance proposal that changes the downtime slash fraction. Also the tests of
//! restake-chain's Gaia messages (raw protobuf `Any`s) on the real chain.

use std::time::Duration;

use restake_gaia::*;

const ATOM: u128 = 1_000_000;

/// The chain's downtime slash of an unbonding entry in flight, reliably: the slash lands in
/// the block `start + signed_blocks_window + 1` (start = the block the validator was
/// created and bonded in) and reaches entries created at or after `slash height − 2`. An
/// undelegation broadcast when the chain is at `slash height − 3` lands in that 2-block
/// window. Share tokens of the slashed validator then redeem to fewer tokens.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn chain_downtime_slash_reaches_unbonding_entry_in_flight() {
    let net = Net::connect().await;
    let c = &net.client;
    let params = c.slashing_params().await.expect("slashing params");
    let fraction = params.slash_fraction_downtime_atto;
    let d = net.fund_new_accounts(1, 100 * ATOM).await.remove(0);

    let (_op, val, valcons, created) = net.add_silent_validator(5 * ATOM).await;
    let slash_height = created + params.signed_blocks_window as u64 + 1;
    let info = c.signing_info(&valcons).await.expect("signing info");
    assert_eq!(
        info.start_height as u64, created,
        "signing starts in the creation block"
    );
    println!(
        "silent validator {val} created at {created}: slash expected at {slash_height} \
         (window {}, fraction {})",
        params.signed_blocks_window,
        restake_chain::format_atto(fraction)
    );
    assert!(c.validator(&val).await.expect("validator").is_bonded());

    let addr = d.address();
    c.send(
        &d,
        &[msgs::delegate(&addr, &val, &net.coin(30 * ATOM))],
        Gas::Simulate,
    )
    .await
    .expect("delegate");
    let (shares, _) = c
        .tokenize_shares(&d, &val, &net.coin(10 * ATOM), &addr, Gas::Simulate)
        .await
        .expect("tokenize before the slash");
    assert_eq!(
        shares.amount,
        10 * ATOM,
        "an unslashed validator: 1 share per token"
    );
    let early = c
        .send(
            &d,
            &[msgs::undelegate(&addr, &val, &net.coin(ATOM))],
            Gas::Simulate,
        )
        .await
        .expect("early undelegation");
    assert!(
        early.height < slash_height - 2,
        "too slow: the early entry landed at {}",
        early.height
    );

    // the recipe: wait for slash height − 3, then send
    c.wait_for_height(slash_height - 3, Duration::from_secs(60))
        .await
        .expect("height");
    let in_window = c
        .send(
            &d,
            &[msgs::undelegate(&addr, &val, &net.coin(2 * ATOM))],
            Gas::Simulate,
        )
        .await
        .expect("undelegation in the window");
    assert!(
        (slash_height - 2..slash_height).contains(&in_window.height),
        "the undelegation landed at {}, outside the window {}..={}",
        in_window.height,
        slash_height - 2,
        slash_height - 1
    );

    let jailed_at = poll("the downtime slash", Duration::from_secs(60), || async {
        let v = c.validator(&val).await.expect("validator");
        if v.jailed {
            Some(c.height().await.expect("height"))
        } else {
            None
        }
    })
    .await;
    let events = c.block_events(slash_height).await.expect("block events");
    let slash = events
        .iter()
        .find(|e| e.kind == "slash" && e.attr("reason") == Some("missing_signature"))
        .unwrap_or_else(|| {
            panic!("no slash event in block {slash_height} (jailed seen at {jailed_at})")
        });
    println!("block {slash_height}: {:?}", slash.attributes);
    assert!(
        !c.validators(Some("BOND_STATUS_BONDED"))
            .await
            .expect("validators")
            .iter()
            .any(|v| v.operator_address == val),
        "a jailed validator leaves the bonded set"
    );
    let late = c
        .send(
            &d,
            &[msgs::undelegate(&addr, &val, &net.coin(3 * ATOM))],
            Gas::Simulate,
        )
        .await
        .expect("late undelegation");

    let slashed = |amount: u128| amount - amount * fraction / 1_000_000_000_000_000_000;
    let entries = c.unbonding_entries(&addr, &val).await.expect("entries");
    let by_height = |h: u64| {
        entries
            .iter()
            .find(|e| e.creation_height as u64 == h)
            .unwrap_or_else(|| panic!("no entry created at {h}: {entries:?}"))
            .balance
    };
    println!("entries: {entries:?}");
    assert_eq!(
        by_height(early.height),
        ATOM,
        "created before the infraction height"
    );
    assert_eq!(
        by_height(in_window.height),
        slashed(2 * ATOM),
        "created at or after the infraction height (slash height − 2)"
    );
    assert_eq!(by_height(late.height), 3 * ATOM, "created after the slash");
    assert_eq!(
        net.delegated(&addr, &val).await,
        slashed(30 * ATOM - 10 * ATOM - 3 * ATOM) - 3 * ATOM
    );

    let (tokens, _) = c
        .redeem_tokens_for_shares(&d, &shares, Gas::Simulate)
        .await
        .expect("redeem after the slash");
    println!("{shares} redeemed after the slash: {tokens}");
    assert_eq!(tokens.amount, slashed(10 * ATOM));
}

/// x/liquid from an account: tokenize with another record owner, hand the share tokens to
/// someone who redeems them into a delegation of their own, and the two caps' refusals with
/// their codes (111 global, 112 validator).
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn chain_liquid_tokenize_redeem_and_caps() {
    let net = Net::connect().await;
    let c = &net.client;
    let v = &net.validator;
    let liquid = c.liquid_params().await.expect("liquid params");
    let [u, w]: [Key; 2] = net
        .fund_new_accounts(2, 100 * ATOM)
        .await
        .try_into()
        .expect("2 keys");
    c.send(
        &u,
        &[msgs::delegate(&u.address(), v, &net.coin(10 * ATOM))],
        Gas::Simulate,
    )
    .await
    .expect("delegate");
    let (shares, out) = c
        .tokenize_shares(&u, v, &net.coin(4 * ATOM), &w.address(), Gas::Simulate)
        .await
        .expect("tokenize");
    let record = out
        .require_attr("tokenize_shares", "share_record_id")
        .expect("record id");
    assert_eq!(shares.denom, format!("{v}/{record}"));
    assert_eq!(shares.amount, 4 * ATOM);
    assert_eq!(
        out.attr("tokenize_shares", "share_owner"),
        Some(w.address().as_str())
    );
    assert_eq!(
        c.balance(&u.address(), &shares.denom)
            .await
            .expect("balance"),
        4 * ATOM,
        "the share tokens go to the delegator, not to the record owner"
    );
    assert_eq!(net.delegated(&u.address(), v).await, 6 * ATOM);
    println!("tokenize 4 ATOM: {} gas", out.gas_used);

    c.bank_send(&u, &w.address(), &[Coin::new(1_500_000, &shares.denom)])
        .await
        .expect("send shares");
    let (tokens, out) = c
        .redeem_tokens_for_shares(&w, &Coin::new(1_500_000, &shares.denom), Gas::Simulate)
        .await
        .expect("redeem");
    assert_eq!(tokens, net.coin(1_500_000));
    assert_eq!(net.delegated(&w.address(), v).await, 1_500_000);
    println!("redeem 1.5 ATOM of shares: {} gas", out.gas_used);

    // Global cap: tokenizing A after delegating A exceeds it when
    // (liquid + A) / (bonded + A) > cap.
    let one = 1_000_000_000_000_000_000u128;
    let cap = liquid.global_liquid_staking_cap_atto;
    let liquid_now = c.total_liquid_staked().await.expect("total liquid");
    let bonded: u128 = c
        .validators(Some("BOND_STATUS_BONDED"))
        .await
        .expect("validators")
        .iter()
        .map(|v| v.tokens)
        .sum();
    let need = (cap * bonded / one).saturating_sub(liquid_now) * one / (one - cap) + 10 * ATOM;
    let big = net.fund_new_accounts(1, need + 10 * ATOM).await.remove(0);
    c.send(
        &big,
        &[msgs::delegate(&big.address(), v, &net.coin(need))],
        Gas::Simulate,
    )
    .await
    .expect("big delegation");
    let err = c
        .tokenize_shares(
            &big,
            v,
            &net.coin(need),
            &big.address(),
            Gas::Fixed(FIXED_GAS),
        )
        .await
        .expect_err("the global cap");
    println!("global cap: {err}");
    assert_eq!((err.code(), err.codespace()), (Some(111), Some("liquid")));
    assert!(err
        .log()
        .unwrap_or_default()
        .contains("delegation or tokenization exceeds the global cap"));

    // Validator cap: more than validator_liquid_staking_cap of a small validator's shares.
    let (_op, small, _, _) = net.add_silent_validator(ATOM).await;
    c.send(
        &u,
        &[msgs::delegate(&u.address(), &small, &net.coin(3 * ATOM))],
        Gas::Simulate,
    )
    .await
    .expect("delegate to the small validator");
    let over = 4 * ATOM * liquid.validator_liquid_staking_cap_atto / one + 1;
    let err = c
        .tokenize_shares(
            &u,
            &small,
            &net.coin(over),
            &u.address(),
            Gas::Fixed(FIXED_GAS),
        )
        .await
        .expect_err("the validator cap");
    println!("validator cap: {err}");
    assert_eq!((err.code(), err.codespace()), (Some(112), Some("liquid")));
    assert!(err
        .log()
        .unwrap_or_default()
        .contains("delegation or tokenization exceeds the validator cap"));
}

/// A gov v1 proposal carrying x/slashing `MsgUpdateParams` (expedited): the genesis
/// validator and an account vote, the tally counts both, and the new downtime slash
/// fraction applies. Toggles the fraction between 0.1 and 0.5 so tests can use either.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn chain_gov_proposal_changes_downtime_slash_fraction() {
    let net = Net::connect().await;
    let c = &net.client;
    let validator = Key::from_mnemonic(&net.env["GAIA_MNEMONIC_VALIDATOR"], &net.prefix)
        .expect("validator key");
    let voter = net.fund_new_accounts(1, 100 * ATOM).await.remove(0);
    c.send(
        &voter,
        &[msgs::delegate(
            &voter.address(),
            &net.validator,
            &net.coin(10 * ATOM),
        )],
        Gas::Simulate,
    )
    .await
    .expect("delegate");

    let mut params = c.slashing_params().await.expect("slashing params");
    let before = params.slash_fraction_downtime_atto;
    let target = if before == msgs::decimal_atto("0.5").expect("0.5") {
        "0.1"
    } else {
        "0.5"
    };
    params.slash_fraction_downtime_atto = msgs::decimal_atto(target).expect("target");
    let gov = c.module_address("gov").await.expect("gov address");
    let (id, out) = c
        .submit_proposal(
            &net.faucet,
            vec![msgs::update_slashing_params(&gov, &params)],
            &[net.coin(2 * ATOM)],
            "downtime slash fraction",
            &format!("set slash_fraction_downtime to {target}"),
            true,
        )
        .await
        .expect("submit");
    println!("proposal {id}: {} gas", out.gas_used);
    let out = c
        .send(
            &voter,
            &[msgs::vote_weighted(
                &voter.address(),
                id,
                &[
                    (restake_chain::VoteOption::Yes, "0.7"),
                    (restake_chain::VoteOption::No, "0.3"),
                ],
            )],
            Gas::Simulate,
        )
        .await
        .expect("weighted vote");
    println!("MsgVoteWeighted: {} gas", out.gas_used);
    let tally = c.tally(id).await.expect("tally");
    assert_eq!((tally.yes, tally.no), (7 * ATOM, 3 * ATOM));
    c.vote(&validator, id, restake_chain::VoteOption::Yes)
        .await
        .expect("validator votes");
    let p = c
        .wait_proposal_final(id, Duration::from_secs(120))
        .await
        .expect("proposal ends");
    assert_eq!(p.status, 3, "passed: {p:?}");
    assert!(p.final_tally.yes > p.final_tally.no);
    assert_eq!(
        c.slashing_params()
            .await
            .expect("params")
            .slash_fraction_downtime_atto,
        msgs::decimal_atto(target).expect("target")
    );
    println!("slash_fraction_downtime is now {target}");

    // a vote after the voting period: the chain's refusal
    let err = c
        .send(
            &voter,
            &[msgs::vote(
                &voter.address(),
                id,
                restake_chain::VoteOption::No,
            )],
            Gas::Fixed(300_000),
        )
        .await
        .expect_err("voting period is over");
    println!("vote after the voting period: {err}");
    assert_eq!((err.code(), err.codespace()), (Some(3), Some("gov")));
    assert!(err
        .log()
        .unwrap_or_default()
        .contains(&format!("{id}: inactive proposal")));
}
