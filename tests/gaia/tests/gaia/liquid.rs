//! Entering and leaving without unbonding (issue 18): tokenized shares of Gaia's x/liquid
//! deposited into the hub and withdrawn from it, on gaiad v25.1.1.
//!
//! Why one file: each test is one journey on a live gaiad node, whose steps depend on the
//! chain's state the step before left; it reads in the order it runs.

use std::time::Duration;

use restake_gaia::hub::fee;
use restake_gaia::*;
use serde_json::{json, Value};

use super::ATOM;

fn shares_msg(
    net: &Net,
    who: &Key,
    validator: &str,
    delegate: u128,
    tokenize: u128,
) -> Vec<restake_chain::Any> {
    vec![
        msgs::delegate(&who.address(), validator, &net.coin(delegate)),
        msgs::tokenize_shares(
            &who.address(),
            validator,
            &net.coin(tokenize),
            &who.address(),
        ),
    ]
}

/// Unbonds from `validator`; when the batch waits for its epoch, a keeper sends it. Returns
/// the chain's entry for it (the proxy's, created by the unbond or the crank).
async fn unbond_and_send(
    hub: &Hub<'_>,
    staker: &Key,
    keeper: &Key,
    validator: &str,
    amount: u128,
    gas: &mut GasTable,
) -> UnbondingEntry {
    let net = hub.net;
    let out = hub
        .exec(
            staker,
            json!({"unbond": {"validator": validator, "amount": amount.to_string()}}),
            &[],
        )
        .await;
    let mut height = out.height;
    if out.events_of("unbond").count() == 0 {
        gas.record(
            "unbond",
            "queued: waits for the validator's next epoch",
            &out,
        );
        let epoch = hub.query(json!({"config": {}})).await["unbonding_epoch"]
            .as_u64()
            .expect("epoch");
        let now = net.client.latest_block().await.expect("block").time;
        net.client
            .wait_for_time(now + epoch as i64 + 1, Duration::from_secs(epoch + 30))
            .await
            .expect("epoch");
        let out = hub
            .exec(keeper, json!({"process_unbondings": {}}), &[])
            .await;
        gas.record("process_unbondings", "sends 1 due batch", &out);
        height = out.height;
    } else {
        gas.record(
            "unbond",
            "validator's first batch: undelegated at once",
            &out,
        );
    }
    let proxy = hub.delegator(validator).await;
    let entries = net
        .client
        .unbonding_entries(&proxy, validator)
        .await
        .expect("entries");
    entries
        .into_iter()
        .find(|e| e.creation_height as u64 == height)
        .expect("the batch's entry")
}

/// One staker's journey with tokenized shares on a validator the chain slashes for
/// downtime: delegate natively → tokenize (no unbonding) → deposit the shares into the hub
/// → opt in → a service pays → claim → a service slash → the chain's downtime slash → unbond
/// → claim; then shares of the slashed validator (after it is unjailed) credit what their
/// redemption gives (less than 1:1), and `withdraw_shares` hands plain stake back as shares.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_liquid_journey() {
    let _time = TestTimer::start("hub_liquid_journey");
    let net = Net::connect().await;
    let c = &net.client;
    let _params = lock::SLASHING_PARAMS.read().await;
    let mut gas = GasTable::default();
    let [owner, alice, admin, slasher, keeper]: [Key; 5] = net
        .fund_new_accounts(5, 1_000 * ATOM)
        .await
        .try_into()
        .expect("5 keys");
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    let (service, out) = hub.register_oracle(&admin, &slasher, 6, 6).await;
    gas.record(
        "register_service",
        "one reward denom, veto window 6 s",
        &out,
    );

    // a validator the chain will slash for downtime (it never signs)
    let (op, v, _, created) = net.add_silent_validator(5 * ATOM).await;
    println!(
        "silent validator {v} created at {created}: downtime slash at {}",
        net.downtime_slash_height(created)
    );
    // delegate natively and tokenize most of it, in one transaction: no unbonding
    let out = net
        .send(&alice, &shares_msg(&net, &alice, &v, 20 * ATOM, 12 * ATOM))
        .await;
    let shares = tokenized(&out, 1);
    assert_eq!(
        shares.amount,
        12 * ATOM,
        "an unslashed validator: 1 share per token"
    );
    assert!(shares.denom.starts_with(&format!("{v}/")), "{shares}");
    assert!(c
        .unbonding_entries(&alice.address(), &v)
        .await
        .expect("entries")
        .is_empty());
    assert_eq!(net.delegated(&alice.address(), &v).await, 8 * ATOM);

    // the shares into the hub: the validator's new proxy redeems them into its delegation
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[Coin::new(8 * ATOM, &shares.denom)],
        )
        .await;
    gas.record(
        "deposit",
        "tokenized shares, first on the validator: its proxy is created and redeems them",
        &out,
    );
    let proxy = hub.delegator(&v).await;
    assert_eq!(
        wasm_attrs(&out)["amount"],
        (8 * ATOM).to_string(),
        "{:?}",
        wasm_attrs(&out)
    );
    assert_eq!(hub.bonded(&alice.address(), &v).await, 8 * ATOM);
    assert_eq!(net.delegated(&proxy, &v).await, 8 * ATOM);
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[Coin::new(2 * ATOM, &shares.denom)],
        )
        .await;
    gas.record(
        "deposit",
        "tokenized shares into an existing position",
        &out,
    );
    assert_eq!(hub.bonded(&alice.address(), &v).await, 10 * ATOM);
    assert_eq!(net.delegated(&proxy, &v).await, 10 * ATOM);
    // nobody unbonded anything on the way
    assert!(c
        .unbonding_entries(&proxy, &v)
        .await
        .expect("entries")
        .is_empty());
    assert!(c
        .unbonding_entries(&alice.address(), &v)
        .await
        .expect("entries")
        .is_empty());
    assert_eq!(
        c.balance(&alice.address(), &shares.denom)
            .await
            .expect("balance"),
        2 * ATOM
    );

    // opt in, a service pays, claim
    let out = hub
        .exec(
            &alice,
            json!({"opt_in": {"validator": v, "service_ids": [service]}}),
            &[],
        )
        .await;
    gas.record("opt_in", "one service, stake that came in as shares", &out);
    let out = hub
        .exec(
            &admin,
            json!({"distribute_rewards": {"service_id": service}}),
            &[net.coin(ATOM)],
        )
        .await;
    gas.record("distribute_rewards", "1 ATOM over 1 staker", &out);
    let pending = hub.pending(&alice.address(), &net.denom).await;
    assert!(pending >= ATOM - 1, "the service's payment: {pending}");
    let before = net.balance(&alice.address()).await;
    let out = hub.exec(&alice, json!({"claim_rewards": {}}), &[]).await;
    gas.record("claim_rewards", "service + native rewards, 1 denom", &out);
    let paid = net.balance(&alice.address()).await + fee(&net, &out) - before;
    assert!(paid >= pending, "claimed {paid}, pending was {pending}");

    // a service slash: opened by its slasher, executed by anyone after the veto window
    let out = hub
        .exec(
            &slasher,
            json!({"slash": {"service_id": service, "validator": v, "fraction": "0.1",
                   "evidence": "double-signed on the oracle chain"}}),
            &[],
        )
        .await;
    gas.record("slash", "opens a request (veto window 6 s)", &out);
    let slash_id: u64 = wasm_attrs(&out)["slash_id"].parse().expect("slash id");
    let request = hub
        .query(json!({"slash_request": {"slash_id": slash_id}}))
        .await;
    let executable = num(&request["executable_at"]) / 1_000_000_000;
    c.wait_for_time(executable as i64 + 1, Duration::from_secs(30))
        .await
        .expect("veto window");
    let out = hub
        .exec(
            &keeper,
            json!({"execute_slash": {"slash_id": slash_id}}),
            &[],
        )
        .await;
    gas.record(
        "execute_slash",
        "after the veto window, by anyone, 1 pool hit",
        &out,
    );
    let request = hub
        .query(json!({"slash_request": {"slash_id": slash_id}}))
        .await;
    let taken = num(&request["slashed_bonded"]);
    let left = hub.bonded(&alice.address(), &v).await;
    assert!(
        taken > 0 && taken.abs_diff((taken + left) / 10) <= 1,
        "a tenth of the exposed stake: took {taken}, left {left}: {request}"
    );

    // the chain's downtime slash of the validator (by now, or soon)
    poll("the downtime slash", Duration::from_secs(60), || async {
        c.validator(&v)
            .await
            .expect("validator")
            .jailed
            .then_some(())
    })
    .await;
    let jailed_at = c.latest_block().await.expect("block").time;
    let out = hub
        .exec(&keeper, json!({"sync_validator": {"validator": v}}), &[])
        .await;
    gas.record(
        "sync_validator",
        "after a downtime slash (or nothing to do)",
        &out,
    );
    let vq = hub.query(json!({"validator": {"validator": v}})).await;
    assert_eq!(num(&vq["books"]), net.delegated(&proxy, &v).await, "{vq}");
    let stats = hub.query(json!({"stats": {}})).await;
    assert!(num(&stats["chain_slashed"]) > 0, "{stats}");

    // unbond part of what is left; the chain returns it whole (created after the slash)
    let bonded = hub.bonded(&alice.address(), &v).await;
    let entry = unbond_and_send(&hub, &alice, &keeper, &v, bonded / 2, &mut gas).await;
    // the batch also carries the stake the service slash took, queued for undelegation
    // (it leaves with the validator's next batch, to the slash destination)
    assert_eq!(entry.balance, bonded / 2 + num(&vq["queued"]), "{vq}");
    poll(
        "the chain to complete the unbonding",
        Duration::from_secs(net.unbonding_seconds + 60),
        || async {
            let gone = c
                .unbonding_entries(&proxy, &v)
                .await
                .expect("entries")
                .iter()
                .all(|e| e.completion_time > entry.completion_time);
            let t = c.latest_block().await.expect("block").time;
            (gone && t > entry.completion_time).then_some(())
        },
    )
    .await;
    let before = net.balance(&alice.address()).await;
    let out = hub.exec(&alice, json!({"claim_unbonded": {}}), &[]).await;
    gas.record("claim_unbonded", "settles 1 matured batch", &out);
    assert_eq!(
        net.balance(&alice.address()).await + fee(&net, &out) - before,
        bonded / 2
    );

    // shares of the slashed validator, once it is back in the bonded set: the hub credits
    // what their redemption produced, read from the chain (less than 1:1)
    let jail = c
        .slashing_params()
        .await
        .expect("params")
        .downtime_jail_seconds;
    c.wait_for_time(jailed_at + jail + 1, Duration::from_secs(jail as u64 + 30))
        .await
        .expect("jail time");
    net.send(&op, &[msgs::unjail(&v)]).await;
    poll("v to be bonded again", Duration::from_secs(30), || async {
        c.validator(&v)
            .await
            .expect("validator")
            .is_bonded()
            .then_some(())
    })
    .await;
    let delegated = net.delegated(&proxy, &v).await;
    let bonded = hub.bonded(&alice.address(), &v).await;
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[Coin::new(2 * ATOM, &shares.denom)],
        )
        .await;
    let produced = net.delegated(&proxy, &v).await - delegated;
    println!("2 ATOM of shares of the slashed validator redeemed to {produced} uatom");
    assert!(
        produced < 2 * ATOM,
        "a slashed validator's shares are worth less"
    );
    assert_eq!(wasm_attrs(&out)["amount"], produced.to_string());
    assert_eq!(hub.bonded(&alice.address(), &v).await, bonded + produced);

    // withdraw_shares: refused while the stake secures a service; after the opt-out, the
    // proxy tokenizes and the staker receives the shares
    let log = hub
        .refused(
            &alice,
            json!({"withdraw_shares": {"validator": v, "amount": ATOM.to_string()}}),
            &[],
        )
        .await;
    println!("withdraw_shares of restaked stake: {log}");
    assert!(
        log.contains("withdraw_shares is for stake that secures no service"),
        "{log}"
    );
    let out = hub
        .exec(
            &alice,
            json!({"opt_out": {"validator": v, "service_ids": [service]}}),
            &[],
        )
        .await;
    gas.record("opt_out", "one service (opt-out delay 6 s)", &out);
    // the opt-out delay (at least the veto window) after the block that took the opt-out
    let t = c.latest_block().await.expect("block").time;
    c.wait_for_time(t + 7, Duration::from_secs(60))
        .await
        .expect("opt-out delay");
    let out = hub
        .exec(&alice, json!({"complete_opt_out": {"validator": v}}), &[])
        .await;
    gas.record(
        "complete_opt_out",
        "moves the position to the plain pool",
        &out,
    );
    let before = net.delegated(&proxy, &v).await;
    let bonded = hub.bonded(&alice.address(), &v).await;
    let slashed_before = num(&hub.query(json!({"stats": {}})).await["chain_slashed"]);
    let positions = json!({"positions": {"staker": alice.address()}});
    let vquery = json!({"validator": {"validator": v}});
    println!(
        "before withdraw_shares: delegation {before}, {}, {}",
        hub.query(positions.clone()).await,
        hub.query(vquery.clone()).await
    );
    let out = hub
        .exec(
            &alice,
            json!({"withdraw_shares": {"validator": v, "amount": ATOM.to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "withdraw_shares",
        "tokenizes 1 ATOM of plain stake, sends the shares",
        &out,
    );
    let sent: Vec<Value> = out
        .events_of("wasm")
        .filter(|e| e.attr("action") == Some("shares_sent"))
        .map(|e| json!(e.attr("shares")))
        .collect();
    assert_eq!(sent.len(), 1, "{:?}", out.events);
    let minted = sent[0].as_str().expect("shares").to_string();
    let denom = minted
        .trim_start_matches(|ch: char| ch.is_ascii_digit())
        .to_string();
    let amount: u128 = minted[..minted.len() - denom.len()]
        .parse()
        .expect("amount");
    assert!(denom.starts_with(&format!("{v}/")), "{minted}");
    assert_eq!(
        c.balance(&alice.address(), &denom).await.expect("balance"),
        amount
    );
    println!(
        "after withdraw_shares: delegation {}, {}, {}",
        net.delegated(&proxy, &v).await,
        hub.query(positions.clone()).await,
        hub.query(vquery.clone()).await
    );
    // v never signs: back in the bonded set it is soon jailed and slashed again, and the
    // hub's sync before the tokenization may have seen that second downtime slash
    let delegated = net.delegated(&proxy, &v).await;
    let after = hub.bonded(&alice.address(), &v).await;
    let slashed_after = num(&hub.query(json!({"stats": {}})).await["chain_slashed"]);
    assert_eq!(after, delegated, "the books follow the chain");
    if slashed_after == slashed_before {
        assert_eq!(delegated, before - ATOM);
        assert_eq!(after, bonded - ATOM);
    } else {
        println!(
            "v was slashed again before the tokenization: the hub synced {} uatom of loss",
            slashed_after - slashed_before
        );
        assert!(after < bonded - ATOM);
    }
    println!("withdraw_shares of 1 ATOM: {minted}");
    // the staker redeems them into a delegation of its own
    let (tokens, _) = c
        .redeem_tokens_for_shares(&alice, &Coin::new(amount, &denom), Gas::Simulate)
        .await
        .expect("redeem");
    assert!(tokens.amount.abs_diff(ATOM) <= 1, "{tokens}");

    // the books still cover everything the hub owes
    hub.exec(&keeper, json!({"sync_validator": {"validator": v}}), &[])
        .await;
    let end = hub
        .conservation(&[alice.address()], std::slice::from_ref(&v))
        .await;
    println!("at the end: {end:?}");
    assert!(end.surplus() >= 0, "{end:?}");
    gas.save("hub_liquid_journey");
}

/// The refusals around shares, each with nothing lost: shares of another validator, a
/// tokenization the chain refuses because of the liquid staking caps (the hub names the
/// cap), and withdrawals beyond the staker's stake.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_liquid_refusals() {
    let _time = TestTimer::start("hub_liquid_refusals");
    let net = Net::connect().await;
    let c = &net.client;
    let mut gas = GasTable::default();
    let g = net.validator.clone();
    let liquid = c.liquid_params().await.expect("liquid params");
    let one = 1_000_000_000_000_000_000u128;
    let [owner, carol]: [Key; 2] = net
        .fund_new_accounts(2, 1_000 * ATOM)
        .await
        .try_into()
        .expect("2 keys");
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;

    // a small validator: tokenizing most of the hub's stake on it exceeds the validator cap
    let (_, w, _, _) = net.add_silent_validator(ATOM).await;
    hub.exec(
        &carol,
        json!({"deposit": {"validator": w}}),
        &[net.coin(4 * ATOM)],
    )
    .await;
    let proxy = hub.delegator(&w).await;
    let over = 5 * ATOM * liquid.validator_liquid_staking_cap_atto / one + ATOM;
    let log = hub
        .refused(
            &carol,
            json!({"withdraw_shares": {"validator": w, "amount": over.to_string()}}),
            &[],
        )
        .await;
    println!("withdraw_shares over the validator cap: {log}");
    assert!(
        log.contains("validator_liquid_staking_cap is reached"),
        "{log}"
    );
    assert!(log.contains("code: 112"), "{log}");
    assert_eq!(hub.bonded(&carol.address(), &w).await, 4 * ATOM);
    assert_eq!(net.delegated(&proxy, &w).await, 4 * ATOM);
    let log = hub
        .refused(
            &carol,
            json!({"withdraw_shares": {"validator": w, "amount": (5 * ATOM).to_string()}}),
            &[],
        )
        .await;
    assert!(log.contains("exceeds your bonded"), "{log}");

    // shares of the genesis validator offered as a deposit on w
    let out = net
        .send(&carol, &shares_msg(&net, &carol, &g, 3 * ATOM, ATOM))
        .await;
    let shares = tokenized(&out, 1);
    let log = hub
        .refused(
            &carol,
            json!({"deposit": {"validator": w}}),
            std::slice::from_ref(&shares),
        )
        .await;
    println!("shares of another validator: {log}");
    assert!(
        log.contains("are tokenized shares of another validator"),
        "{log}"
    );
    assert_eq!(
        c.balance(&carol.address(), &shares.denom)
            .await
            .expect("balance"),
        ATOM
    );

    // the global cap: the hub's stake on g tokenized at once would push the chain's liquid
    // stake over it. (bonded + D) × cap < liquid + D needs D > (cap × bonded − liquid) / (1 − cap).
    let _cap = lock::GLOBAL_LIQUID_CAP.lock().await;
    let cap = liquid.global_liquid_staking_cap_atto;
    let liquid_now = c.total_liquid_staked().await.expect("total liquid");
    let bonded: u128 = c
        .validators(Some("BOND_STATUS_BONDED"))
        .await
        .expect("validators")
        .iter()
        .map(|v| v.tokens)
        .sum();
    let need = (cap * bonded / one).saturating_sub(liquid_now) * one / (one - cap) + 1_000 * ATOM;
    let whale = net.fund_new_accounts(1, need + 100 * ATOM).await.remove(0);
    hub.exec(
        &whale,
        json!({"deposit": {"validator": g}}),
        &[net.coin(need)],
    )
    .await;
    let gproxy = hub.delegator(&g).await;
    let before = net.delegated(&gproxy, &g).await;
    let log = hub
        .refused(
            &whale,
            json!({"withdraw_shares": {"validator": g, "amount": need.to_string()}}),
            &[],
        )
        .await;
    println!("withdraw_shares over the global cap: {log}");
    assert!(
        log.contains("global_liquid_staking_cap is reached"),
        "{log}"
    );
    assert!(log.contains("code: 111"), "{log}");
    assert_eq!(hub.bonded(&whale.address(), &g).await, need);
    assert_eq!(net.delegated(&gproxy, &g).await, before);
    gas.save("hub_liquid_refusals");
}
