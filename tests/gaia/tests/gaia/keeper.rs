//! `restake keeper` on gaiad v25.1.1: each pass sends exactly the cranks that have work —
//! nothing on an idle hub, `harvest` once rewards accrue, `process_unbondings` when a queued
//! batch's epoch has passed and again when a batch matures on the chain, `sync_validator`
//! after the chain slashes a validator the hub delegates to — and nothing on the pass after.

use std::time::Duration;

use restake_cli::keeper::{pass, Crank, HarvestPolicy, Keeper, KeeperArgs, VaultCrank};
use restake_gaia::*;
use restake_types::{UnbondingStatus, UnbondingsResponse, ValidatorResponse};
use serde_json::json;

use super::ATOM;

fn policy(due: bool) -> HarvestPolicy {
    HarvestPolicy {
        due,
        min_rewards: 1,
        batch: 25,
    }
}

fn names(cranks: &[Crank]) -> Vec<&'static str> {
    cranks.iter().map(Crank::name).collect()
}

#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn keeper_sends_each_crank_only_when_it_has_work() {
    let net = Net::connect().await;
    let c = &net.client;
    let v = net.validator.clone();
    let [owner, alice]: [Key; 2] = net
        .fund_new_accounts(2, 1_000 * ATOM)
        .await
        .try_into()
        .expect("2 keys");
    let (keeper_key, mnemonic) = Key::random(&net.prefix).expect("key");
    // from owner, not the faucet: tests running side by side share the faucet's sequence
    c.bank_send(&owner, &keeper_key.address(), &[net.coin(100 * ATOM)])
        .await
        .expect("fund keeper");

    // a fresh hub; an epoch of 12 s so a queued batch waits a little
    let epoch = 12u64.max(net.unbonding_seconds.div_ceil(7));
    let mut gas = GasTable::default();
    let hub = Hub::new(&net, &owner, &mut gas, json!({"unbonding_epoch": epoch})).await;

    let args = KeeperArgs::parse_from([
        "--rpc",
        &net.env["GAIA_RPC"],
        "--key-env",
        "RESTAKE_KEEPER_TEST_UNUSED",
        "--hub",
        &hub.addr,
        "--gas-price",
        &net.env["GAIA_GAS_PRICE"],
    ])
    .expect("args");
    let mut keeper = Keeper::with_mnemonic(&args, &mnemonic)
        .await
        .expect("keeper connects");
    assert_eq!(keeper.denom, net.denom);

    // an idle hub: nothing to send, harvest due or not
    let sent = pass(&mut keeper, policy(true), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new());

    // a deposit; rewards accrue every block, so a due harvest is sent, and only once
    hub.exec(
        &alice,
        json!({"deposit": {"validator": v}}),
        &[net.coin(10 * ATOM)],
    )
    .await;
    c.wait_blocks(2).await.expect("blocks");
    let sent = pass(&mut keeper, policy(true), false).await.expect("pass");
    assert_eq!(sent, vec![Crank::Harvest(vec![v.clone()])]);
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new(), "harvest not due");

    // the validator's first unbond goes out at once; the second waits in the queued batch
    hub.exec(
        &alice,
        json!({"unbond": {"validator": v, "amount": (2 * ATOM).to_string()}}),
        &[],
    )
    .await;
    hub.exec(
        &alice,
        json!({"unbond": {"validator": v, "amount": ATOM.to_string()}}),
        &[],
    )
    .await;
    let books: ValidatorResponse = hub.query_as(json!({"validator": {"validator": v}})).await;
    assert_eq!(books.queued.u128(), ATOM, "{books:?}");
    assert_eq!(books.batches_in_flight, 1, "{books:?}");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new(), "the epoch has not passed");

    // once the epoch has passed, the keeper sends the queued batch
    let last = books.last_undelegation.expect("last undelegation");
    let ready = last.seconds() as i64 + epoch as i64 + 1;
    c.wait_for_time(ready, Duration::from_secs(epoch + 30))
        .await
        .expect("epoch");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(sent, vec![Crank::ProcessUnbondings]);
    let books: ValidatorResponse = hub.query_as(json!({"validator": {"validator": v}})).await;
    assert_eq!(books.queued.u128(), 0, "{books:?}");
    assert_eq!(books.batches_in_flight, 2, "{books:?}");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(
        names(&sent),
        Vec::<&str>::new(),
        "nothing due right after a send"
    );

    // each batch matures on the chain in turn: the keeper settles it
    let delegator = books.delegator.expect("delegator").to_string();
    for in_flight_after in [1u64, 0] {
        poll(
            "a batch to mature",
            Duration::from_secs(net.unbonding_seconds + 60),
            || async {
                let entries = c.unbonding_entries(&delegator, &v).await.expect("entries");
                (entries.len() as u64 <= in_flight_after).then_some(())
            },
        )
        .await;
        c.wait_blocks(1).await.expect("block");
        let mut settled = false;
        for _ in 0..3 {
            // a batch that came back short waits one more block; the keeper sends again
            let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
            assert_eq!(sent, vec![Crank::ProcessUnbondings]);
            let books: ValidatorResponse =
                hub.query_as(json!({"validator": {"validator": v}})).await;
            if u64::from(books.batches_in_flight) == in_flight_after {
                settled = true;
                break;
            }
            c.wait_blocks(1).await.expect("block");
        }
        assert!(settled, "the matured batch was settled");
        let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
        assert_eq!(
            names(&sent),
            Vec::<&str>::new(),
            "settled: nothing left to do"
        );
    }
    let unb: UnbondingsResponse = hub
        .query_as(json!({"unbondings": {"staker": alice.address()}}))
        .await;
    assert!(
        unb.unbondings
            .iter()
            .any(|u| u.status == UnbondingStatus::Claimable),
        "{unb:?}"
    );

    // a chain slash: a validator that never signs is slashed for downtime; the keeper syncs it
    let _params = lock::SLASHING_PARAMS.read().await;
    let (_, silent, _, created) = net.add_silent_validator(10 * ATOM).await;
    hub.exec(
        &alice,
        json!({"deposit": {"validator": silent}}),
        &[net.coin(5 * ATOM)],
    )
    .await;
    c.wait_for_height(
        net.downtime_slash_height(created) + 1,
        Duration::from_secs(120),
    )
    .await
    .expect("slash height");
    let silent_proxy = hub.delegator(&silent).await;
    poll("the downtime slash", Duration::from_secs(60), || async {
        (net.delegated(&silent_proxy, &silent).await < 5 * ATOM).then_some(())
    })
    .await;
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(sent, vec![Crank::SyncValidator(silent.clone())]);
    let books: ValidatorResponse = hub
        .query_as(json!({"validator": {"validator": silent}}))
        .await;
    assert_eq!(
        books.books.u128(),
        net.delegated(&silent_proxy, &silent).await,
        "{books:?}"
    );
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(
        names(&sent),
        Vec::<&str>::new(),
        "synced: nothing left to do"
    );
}

/// `restake keeper --vault ADDR`: the vault's cranks go out only when the vault's `cranks`
/// query lists work — nothing on an idle vault, `harvest` once rewards wait at the hub,
/// `rebalance` when a service the vault secures is paused (the vault leaves it by rule),
/// `process_exits` when the hub's unbonding of an exit batch has matured — and nothing once
/// the work is done. A `--vault` that is not a vault fails the pass (the loop backs off).
#[tokio::test]
#[ignore = "needs the gaiad node: scripts/gaia-e2e.sh runs it"]
async fn keeper_sends_the_vaults_cranks_only_when_they_have_work() {
    let _time = TestTimer::start("keeper_sends_the_vaults_cranks_only_when_they_have_work");
    let net = Net::connect().await;
    let c = &net.client;
    let v = net.validator.clone();
    let mut gas = GasTable::default();
    let [owner, alice, admin, slasher]: [Key; 4] = net
        .fund_new_accounts(4, 1_000 * ATOM)
        .await
        .try_into()
        .expect("4 keys");
    let (keeper_key, mnemonic) = Key::random(&net.prefix).expect("key");
    c.bank_send(&owner, &keeper_key.address(), &[net.coin(100 * ATOM)])
        .await
        .expect("fund keeper");

    let hub = Hub::new(&net, &owner, &mut gas, json!({})).await;
    // an opt-out delay longer than the test's passes: leaving the service is one rebalance
    let (service, _) = hub.register_oracle(&admin, &slasher, 6, 3600).await;
    let vault = restake_gaia::hub::new_vault(
        &net,
        &owner,
        &hub.addr,
        &owner.address(),
        &v,
        service,
        &mut gas,
    )
    .await;
    let args = |vault: &str| {
        KeeperArgs::parse_from([
            "--rpc",
            &net.env["GAIA_RPC"],
            "--key-env",
            "RESTAKE_KEEPER_TEST_UNUSED",
            "--hub",
            &hub.addr,
            "--vault",
            vault,
            "--gas-price",
            &net.env["GAIA_GAS_PRICE"],
        ])
        .expect("args")
    };
    let mut keeper = Keeper::with_mnemonic(&args(&vault.addr), &mnemonic)
        .await
        .expect("keeper connects");
    let crank = |k: VaultCrank| Crank::Vault(vault.addr.clone(), k);

    // an idle vault on an idle hub: nothing, harvest due or not
    let sent = pass(&mut keeper, policy(true), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new());

    // a deposit; native rewards accrue at the hub for the vault every block: a due pass
    // harvests the hub's validator and the vault, then nothing
    vault
        .exec(&alice, json!({"deposit": {}}), &[net.coin(10 * ATOM)])
        .await;
    c.wait_blocks(2).await.expect("blocks");
    let sent = pass(&mut keeper, policy(true), false).await.expect("pass");
    assert!(sent.contains(&crank(VaultCrank::Harvest)), "{sent:?}");
    assert!(!sent.contains(&crank(VaultCrank::Rebalance)), "{sent:?}");
    assert!(!sent.contains(&crank(VaultCrank::ProcessExits)), "{sent:?}");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new(), "harvest not due");

    // the hub's owner pauses the service: the vault must leave it by rule
    hub.exec(
        &owner,
        json!({"set_service_status": {"service_id": service, "status": "paused"}}),
        &[],
    )
    .await;
    let work = vault.query(json!({"cranks": {}})).await;
    assert_eq!(
        work["rebalance"],
        json!([format!("leave service {service}: the service is paused")]),
        "{work}"
    );
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(sent, vec![crank(VaultCrank::Rebalance)]);
    let s = vault.query(json!({"strategy": {}})).await;
    assert_eq!(s["left"][0]["service_id"], service, "{s}");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new(), "left: nothing to do");

    // an exit: the first batch goes to the hub at once; the keeper does the rest
    let shares = num(&vault
        .query(json!({"balance": {"address": alice.address()}}))
        .await["balance"]);
    let out = vault
        .exec(
            &alice,
            json!({"exit": {"shares": (shares / 2).to_string()}}),
            &[],
        )
        .await;
    let batch_id: u64 = wasm_attrs(&out)["batch_id"].parse().expect("batch id");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert_eq!(names(&sent), Vec::<&str>::new(), "the unbonding is young");
    let mut all = vec![];
    let deadline = Duration::from_secs(net.unbonding_seconds * 3 + 120);
    let start = std::time::Instant::now();
    loop {
        let b = vault.query(json!({"batch": {"id": batch_id}})).await;
        if b["status"] == "complete" {
            break;
        }
        assert!(
            start.elapsed() < deadline,
            "the keeper did not complete the exit batch: {b}, sent {all:?}"
        );
        all.extend(pass(&mut keeper, policy(false), false).await.expect("pass"));
        c.wait_blocks(2).await.expect("blocks");
    }
    assert!(all.contains(&crank(VaultCrank::ProcessExits)), "{all:?}");
    assert!(all.contains(&Crank::ProcessUnbondings), "{all:?}");
    let work = vault.query(json!({"cranks": {}})).await;
    assert_eq!(work["process_exits"], json!([]), "{work}");
    let sent = pass(&mut keeper, policy(false), false).await.expect("pass");
    assert!(
        !sent.iter().any(|c| matches!(c, Crank::Vault(..))),
        "collected: nothing left for the vault {sent:?}"
    );
    let before = net.balance(&alice.address()).await;
    let out = vault.exec(&alice, json!({"claim": {}}), &[]).await;
    assert!(net.balance(&alice.address()).await + restake_gaia::hub::fee(&net, &out) > before);

    // a --vault that is not a vault: the pass fails, naming it (the loop then backs off)
    let mut wrong = Keeper::with_mnemonic(&args(&hub.addr), &mnemonic)
        .await
        .expect("keeper connects");
    let err = pass(&mut wrong, policy(false), false)
        .await
        .expect_err("the hub answers no cranks query");
    let words = format!("{err:#}");
    assert!(
        words.contains(&format!("vault {}: the cranks query", hub.addr)),
        "{words}"
    );
}
