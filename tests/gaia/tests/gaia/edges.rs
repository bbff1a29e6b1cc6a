//! Issue 17's edges on the Cosmos Hub's own slashing module: a downtime slash of a
//! validator while a hub unbonding batch from it is in flight (settled per account from
//! what the chain returned), validator address forms, and deposits to jailed or unbonded
//! validators.
//!
//! Why one file: each test is one journey on a live gaiad node, whose steps depend on the
//! chain's state the step before left; it reads in the order it runs.

use std::time::Duration;

use restake_gaia::hub::{fee, Conservation};
use restake_gaia::*;
use serde_json::json;

use super::ATOM;

/// The entry of `delegator` on `validator` created at `height`.
async fn entry_at(net: &Net, delegator: &str, validator: &str, height: u64) -> UnbondingEntry {
    let entries = net
        .client
        .unbonding_entries(delegator, validator)
        .await
        .expect("entries");
    entries
        .iter()
        .find(|e| e.creation_height as u64 == height)
        .cloned()
        .unwrap_or_else(|| panic!("no entry created at {height}: {entries:?}"))
}

/// Waits until the chain has paid out every entry of `delegator` on `validator` that
/// completes at or before `completion` (and a block past it exists).
async fn wait_paid_out(net: &Net, delegator: &str, validator: &str, completion: i64) {
    let c = &net.client;
    poll(
        "the chain to complete the unbonding",
        Duration::from_secs(net.unbonding_seconds + 60),
        || async {
            let left = c
                .unbonding_entries(delegator, validator)
                .await
                .expect("entries")
                .iter()
                .any(|e| e.completion_time <= completion);
            let t = c.latest_block().await.expect("block").time;
            (!left && t > completion).then_some(())
        },
    )
    .await;
}

/// Claims the staker's matured unbondings; returns (what the staker received, the tx).
async fn claim(hub: &Hub<'_>, staker: &Key) -> (u128, TxOutcome) {
    let net = hub.net;
    let before = net.balance(&staker.address()).await;
    let out = hub.exec(staker, json!({"claim_unbonded": {}}), &[]).await;
    let paid = net.balance(&staker.address()).await + fee(net, &out) - before;
    assert_eq!(
        wasm_attrs(&out)["amount"].parse::<u128>().expect("amount"),
        paid
    );
    (paid, out)
}

/// Alice's unbonding batch is undelegated in the two blocks before the chain slashes its
/// validator for downtime, so the chain slashes that entry in flight; bob's unbond waits in
/// the queued batch (still delegated) when the slash lands; carol unbonds from the genesis
/// validator at the same time. Each is paid exactly what the chain returned for that
/// stake, and the hub's holdings on the chain still cover its books afterwards, to the
/// unit.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_edges_downtime_slash_of_a_batch_in_flight() {
    let _time = TestTimer::start("hub_edges_downtime_slash_of_a_batch_in_flight");
    let net = Net::connect().await;
    let c = &net.client;
    let _params = lock::SLASHING_PARAMS.read().await;
    let mut gas = GasTable::default();
    let g = net.validator.clone();
    let [owner, alice, bob, carol, keeper]: [Key; 5] = net
        .fund_new_accounts(5, 1_000 * ATOM)
        .await
        .try_into()
        .expect("5 keys");
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    let epoch = hub.query(json!({"config": {}})).await["unbonding_epoch"]
        .as_u64()
        .expect("epoch");
    hub.exec(
        &carol,
        json!({"deposit": {"validator": g}}),
        &[net.coin(5 * ATOM)],
    )
    .await;

    let (_op, v, _, created) = net.add_silent_validator(5 * ATOM).await;
    let slash_height = net.downtime_slash_height(created);
    println!("silent validator {v} created at {created}: downtime slash at {slash_height}");
    let (ten, six) = ([net.coin(10 * ATOM)], [net.coin(6 * ATOM)]);
    let (a, b) = tokio::join!(
        hub.exec(&alice, json!({"deposit": {"validator": v}}), &ten),
        hub.exec(&bob, json!({"deposit": {"validator": v}}), &six),
    );
    let (first, second) = if a.events_of("instantiate").count() > 0 {
        (a, b)
    } else {
        (b, a)
    };
    gas.record(
        "deposit",
        "new position, first on the validator: creates its delegator proxy",
        &first,
    );
    gas.record(
        "deposit",
        "new position, second staker on the validator",
        &second,
    );
    let proxy = hub.delegator(&v).await;
    assert_eq!(net.delegated(&proxy, &v).await, 16 * ATOM);
    // carol's batch on the genesis validator: in flight while v is slashed
    let out = hub
        .exec(
            &carol,
            json!({"unbond": {"validator": g, "amount": (2 * ATOM).to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "unbond",
        "validator's first batch: undelegated at once",
        &out,
    );
    let carol_entry = entry_at(&net, &hub.delegator(&g).await, &g, out.height).await;
    assert_eq!(carol_entry.balance, 2 * ATOM);

    let stakers = [alice.address(), bob.address(), carol.address()];
    let validators = [v.clone(), g.clone()];
    let at_start = hub.conservation(&stakers, &validators).await;
    println!("before the slash: {at_start:?}");
    assert!(at_start.surplus() >= 0, "{at_start:?}");

    // the recipe (docs/gaia.md): send at slash height − 3, land in slash height − 2
    let h = c.height().await.expect("height");
    assert!(
        h < slash_height - 3,
        "too slow: at {h}, the slash comes at {slash_height}"
    );
    c.wait_for_height(slash_height - 3, Duration::from_secs(60))
        .await
        .expect("height");
    let out = hub
        .exec(
            &alice,
            json!({"unbond": {"validator": v, "amount": (4 * ATOM).to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "unbond",
        "validator's first batch: undelegated at once (the chain slashes it in flight)",
        &out,
    );
    let alice_sent = out.height;
    let alice_completion = entry_at(&net, &proxy, &v, alice_sent).await.completion_time;
    assert!(
        (slash_height - 2..slash_height).contains(&alice_sent),
        "alice's undelegation landed at {alice_sent}, outside {}..={}",
        slash_height - 2,
        slash_height - 1
    );
    let out = hub
        .exec(
            &bob,
            json!({"unbond": {"validator": v, "amount": (3 * ATOM).to_string()}}),
            &[],
        )
        .await;
    gas.record(
        "unbond",
        "queued: waits for the validator's next epoch",
        &out,
    );
    let bob_queued_before_slash = out.height < slash_height;
    assert_eq!(out.events_of("unbond").count(), 0, "bob's unbond waits");

    // the chain slashes v for downtime: alice's entry and the delegation lose the fraction
    poll("the downtime slash", Duration::from_secs(60), || async {
        c.validator(&v)
            .await
            .expect("validator")
            .jailed
            .then_some(())
    })
    .await;
    let slashed_entry = entry_at(&net, &proxy, &v, alice_sent).await;
    assert!(
        slashed_entry.balance < 4 * ATOM,
        "the chain slashed alice's entry in flight: {slashed_entry:?}"
    );
    let entry_loss = 4 * ATOM - slashed_entry.balance;
    let books = num(&hub.query(json!({"validator": {"validator": v}})).await["books"]);
    let delegated = net.delegated(&proxy, &v).await;
    let delegation_loss = books - delegated;
    println!(
        "slashed at {slash_height}: alice's entry {} -> {}, the delegation {books} -> {delegated}",
        4 * ATOM,
        slashed_entry.balance
    );
    assert!(delegation_loss > 0);
    // the chain took exactly these two from what the hub holds; the books do not know yet
    let after_slash = hub.conservation(&stakers, &validators).await;
    assert_lost(&at_start, &after_slash, entry_loss + delegation_loss);

    // a keeper syncs: the delegation's loss is shared by the stake still delegated (bob's
    // queued unbond included); the entry's loss shows when it returns
    let out = hub
        .exec(&keeper, json!({"sync_validator": {"validator": v}}), &[])
        .await;
    gas.record(
        "sync_validator",
        "detects a downtime slash, shares it over the validator's pools and queued batch",
        &out,
    );
    assert_eq!(wasm_attrs(&out)["shortfall"], delegation_loss.to_string());
    let vq = hub.query(json!({"validator": {"validator": v}})).await;
    assert_eq!(
        num(&vq["books"]),
        delegated,
        "books = the chain's delegation: {vq}"
    );
    // only the entry in flight is still unknown to the books
    let synced = hub.conservation(&stakers, &validators).await;
    assert_lost(&at_start, &synced, entry_loss);

    // bob's batch goes out after the epoch, whole (created after the slash)
    let last_send = c.latest_block().await.expect("block").time;
    c.wait_for_time(
        last_send + epoch as i64 + 1,
        Duration::from_secs(epoch + 30),
    )
    .await
    .expect("epoch");
    let bob_unbonding = num(&hub.unbondings(&bob.address()).await[0]["amount"]);
    let out = hub
        .exec(&keeper, json!({"process_unbondings": {}}), &[])
        .await;
    gas.record("process_unbondings", "sends 1 due batch", &out);
    assert_eq!(wasm_attrs(&out)["batches_sent"], "1");
    let bob_entry = entry_at(&net, &proxy, &v, out.height).await;
    assert_eq!(bob_entry.balance, bob_unbonding);
    if bob_queued_before_slash {
        assert!(
            bob_unbonding < 3 * ATOM,
            "bob's queued unbond was still delegated when the chain slashed: {bob_unbonding}"
        );
    }

    // alice's batch returns short: she is paid what the chain returned for it, to the unit
    wait_paid_out(&net, &proxy, &v, alice_completion).await;
    let (paid, out) = claim(&hub, &alice).await;
    gas.record(
        "claim_unbonded",
        "settles a batch the chain slashed in flight: pays what it returned",
        &out,
    );
    assert_eq!(
        paid, slashed_entry.balance,
        "alice gets what the chain returned"
    );
    // carol's batch on the other validator returned whole
    wait_paid_out(
        &net,
        &hub.delegator(&g).await,
        &g,
        carol_entry.completion_time,
    )
    .await;
    let (paid, out) = claim(&hub, &carol).await;
    gas.record("claim_unbonded", "settles 1 matured batch", &out);
    assert_eq!(paid, 2 * ATOM, "a slash on v never reaches stake on g");
    wait_paid_out(&net, &proxy, &v, bob_entry.completion_time).await;
    let (paid, _) = claim(&hub, &bob).await;
    assert_eq!(paid, bob_entry.balance, "bob gets what the chain returned");

    // every loss is booked where the chain took it; nothing else moved
    let end = hub.conservation(&stakers, &validators).await;
    println!("at the end: {end:?}");
    let stats = hub.query(json!({"stats": {}})).await;
    assert_eq!(
        num(&stats["chain_slashed"]),
        entry_loss + delegation_loss,
        "{stats}"
    );
    assert_conserved(&at_start, &end);
    gas.save("hub_edges_downtime_slash_of_a_batch_in_flight");
}

/// The hub's surplus (holdings − books) fell by `lost`, give or take the units the hub's
/// rounding of native rewards keeps (each credit floors every staker's share).
fn assert_lost(before: &Conservation, after: &Conservation, lost: u128) {
    let fell = before.surplus() - after.surplus();
    assert!(
        (lost as i128 - 3..=lost as i128).contains(&fell),
        "the surplus fell by {fell}, not {lost}: {before:?} -> {after:?}"
    );
}

/// Conservation after the chain's losses were booked: the hub holds at least what it owes,
/// and its surplus (rounding dust) moved by at most a few units, never down.
fn assert_conserved(start: &Conservation, end: &Conservation) {
    assert!(
        end.surplus() >= 0,
        "the hub owes more than it holds: {end:?}"
    );
    let drift = end.surplus() - start.surplus();
    assert!(
        (0..=3).contains(&drift),
        "the surplus moved by {drift} units: {start:?} -> {end:?}"
    );
}

/// A validator address in upper case is the same validator (the staking module takes both
/// forms): one book, one delegation. Mixed case is refused. A validator the chain jailed
/// takes no deposits, whether the hub has used it or not, while jailed and once unbonded.
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn hub_edges_validator_forms_and_jailed_validators() {
    let _time = TestTimer::start("hub_edges_validator_forms_and_jailed_validators");
    let net = Net::connect().await;
    let c = &net.client;
    let mut gas = GasTable::default();
    let g = net.validator.clone();
    let [owner, alice, bob]: [Key; 3] = net
        .fund_new_accounts(3, 1_000 * ATOM)
        .await
        .try_into()
        .expect("3 keys");
    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;

    // two silent validators: the hub uses v before the chain jails it, never w
    let ((_, v, _, _), (_, w, _, _)) = tokio::join!(
        net.add_silent_validator(2 * ATOM),
        net.add_silent_validator(2 * ATOM)
    );
    hub.exec(
        &bob,
        json!({"deposit": {"validator": v}}),
        &[net.coin(3 * ATOM)],
    )
    .await;

    // the staking module takes the upper-case form for the same validator
    let upper = g.to_uppercase();
    net.send(
        &alice,
        &[msgs::delegate(&alice.address(), &upper, &net.coin(ATOM))],
    )
    .await;
    assert_eq!(net.delegated(&alice.address(), &g).await, ATOM);
    // so does the hub: one book under the lower-case form
    hub.exec(
        &alice,
        json!({"deposit": {"validator": g}}),
        &[net.coin(2 * ATOM)],
    )
    .await;
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": upper}}),
            &[net.coin(ATOM)],
        )
        .await;
    gas.record(
        "deposit",
        "existing position, validator in upper case",
        &out,
    );
    assert_eq!(wasm_attrs(&out)["validator"], g);
    assert_eq!(hub.bonded(&alice.address(), &g).await, 3 * ATOM);
    assert_eq!(hub.bonded(&alice.address(), &upper).await, 3 * ATOM);
    let positions = hub
        .query(json!({"positions": {"staker": alice.address()}}))
        .await;
    assert_eq!(
        positions["positions"].as_array().map(Vec::len),
        Some(1),
        "{positions}"
    );
    assert_eq!(net.delegated(&hub.delegator(&g).await, &g).await, 3 * ATOM);
    let mut mixed = g.clone();
    mixed.replace_range(0..1, "C");
    let log = hub
        .refused(
            &alice,
            json!({"deposit": {"validator": mixed}}),
            &[net.coin(ATOM)],
        )
        .await;
    println!("mixed case: {log}");
    assert!(log.contains("mixed upper and lower case"), "{log}");

    // the chain jails both for downtime
    for x in [&v, &w] {
        poll("the downtime jail", Duration::from_secs(90), || async {
            c.validator(x)
                .await
                .expect("validator")
                .jailed
                .then_some(())
        })
        .await;
    }
    let log = hub
        .refused(
            &alice,
            json!({"deposit": {"validator": w}}),
            &[net.coin(ATOM)],
        )
        .await;
    println!("jailed validator the hub never used: {log}");
    assert!(log.contains("is not a bonded validator"), "{log}");
    // a validator the hub delegates to is checked against the bonded set at most once an
    // hour (the hub's BONDED_CHECK_TTL: one all-validators query per deposit would cost
    // every deposit): within that hour a deposit to it is accepted, as x/staking accepts a
    // delegation to a jailed validator
    let before = net.delegated(&hub.delegator(&v).await, &v).await;
    let out = hub
        .exec(
            &alice,
            json!({"deposit": {"validator": v}}),
            &[net.coin(ATOM)],
        )
        .await;
    gas.record(
        "deposit",
        "jailed validator the hub used within the hour (bonded check cached)",
        &out,
    );
    assert_eq!(
        net.delegated(&hub.delegator(&v).await, &v).await,
        before + ATOM
    );
    // its stakers still leave
    let bonded = hub.bonded(&bob.address(), &v).await;
    hub.exec(
        &bob,
        json!({"unbond": {"validator": v, "amount": bonded.to_string()}}),
        &[],
    )
    .await;

    // unbonded (the chain's unbonding time after the jail): still refused
    poll(
        "w to be unbonded",
        Duration::from_secs(net.unbonding_seconds + 60),
        || async { (c.validator(&w).await.expect("validator").status == 1).then_some(()) },
    )
    .await;
    let log = hub
        .refused(
            &alice,
            json!({"deposit": {"validator": w}}),
            &[net.coin(ATOM)],
        )
        .await;
    assert!(log.contains("is not a bonded validator"), "{log}");
    gas.save("hub_edges_validator_forms_and_jailed_validators");
}
