//! Stateful property test of the vault with the hub: random deposits, transfers, exits,
//! claims, rewards, service and chain slashes, strategy changes and time, with the
//! invariants checked after every step:
//!
//! - conservation: the vault holds in its bank at least what its books say is there
//!   (idle tokens and tokens owed to exit batches), and what the hub and the bank show the
//!   vault owns (positions, unbondings and rewards at the hub, its balance) covers every
//!   holder's shares at the exit price, the open exit batch and what sent batches still owe; in every reward asset, what holders are owed is covered by the
//!   vault's balance plus what accrued to it at the hub;
//! - a deposit (of tokens, or of tokenized shares through the Suite's x/liquid) or an exit
//!   never moves the share price against the holders who stay (beyond one unit of
//!   rounding); a share deposit the vault or the hub refuses leaves the shares with their
//!   owner and the vault as it was;
//! - no reward is double-counted across transfers: what holders were paid and are owed
//!   never exceeds what the services paid, and a transfer moves no reward from sender to
//!   recipient (the recipient's pending rewards and the holders' total stay as they were);
//! - every matured exit is claimable: after `process_exits`, a batch whose unbondings have
//!   all matured at the hub, no pending slash request holds and no top-up is owed, is
//!   complete;
//! - the hub's own invariants (`assert_invariants`).
//!
//! At the end every pending request resolves, everybody exits and claims, and the vault
//! is left with dust only. CI runs a fixed seed; `PROPTEST_RNG_SEED=<n>` explores others.
//!
//! Why one file: the generator, the vault's model and the checks after each step are one
//! machine, as in the hub's model test.

use std::collections::BTreeMap;

use cosmwasm_std::{coin, Decimal, Uint256};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use restake_multitest::Executor;
use restake_vault::msg::BatchStatus;
use restake_vault::ContractError;
use serde_json::{json, Value};

use super::helpers::*;

const HOLDERS: [&str; 4] = ["h0", "h1", "h2", "h3"];

#[derive(Clone, Debug)]
enum Op {
    Deposit(usize, u128),
    /// Delegate natively to validator v, tokenize it all, deposit the shares in the vault.
    DepositShares(usize, usize, u128),
    Transfer(usize, usize, u8),
    Exit(usize, u8),
    Claim(usize),
    ClaimRewards(usize),
    Pay(u128, u128),
    ServiceSlash(usize, u64, u8),
    Resolve(bool),
    ChainSlash(usize, u8, bool),
    Propose(usize),
    Advance(u64),
    Rebalance,
    Harvest,
    ProcessExits,
}

fn op() -> impl Strategy<Value = Op> {
    let h = 0..HOLDERS.len();
    prop_oneof![
        20 => (h.clone(), prop_oneof![3 => 1u128..5_000_000, 1 => 1u128..2_000]).prop_map(|(h, a)| Op::Deposit(h, a)),
        6 => (h.clone(), 0usize..3, prop_oneof![3 => 1u128..3_000_000, 1 => 1u128..2_000])
            .prop_map(|(h, v, a)| Op::DepositShares(h, v, a)),
        8 => (h.clone(), h.clone(), 1u8..=100).prop_map(|(a, b, p)| Op::Transfer(a, b, p)),
        12 => (h.clone(), 1u8..=100).prop_map(|(a, p)| Op::Exit(a, p)),
        6 => h.clone().prop_map(Op::Claim),
        4 => h.prop_map(Op::ClaimRewards),
        8 => (1u128..50_000, 1u128..50_000).prop_map(|(a, b)| Op::Pay(a, b)),
        4 => (0usize..3, 1u64..=2, 1u8..=10).prop_map(|(v, s, p)| Op::ServiceSlash(v, s, p)),
        5 => any::<bool>().prop_map(Op::Resolve),
        2 => (0usize..3, 1u8..=10, any::<bool>()).prop_map(|(v, p, sync)| Op::ChainSlash(v, p, sync)),
        2 => (0usize..4).prop_map(Op::Propose),
        12 => prop_oneof![1u64..=3_600, 3_600u64..=3 * DAY].prop_map(Op::Advance),
        5 => Just(Op::Rebalance),
        4 => Just(Op::Harvest),
        6 => Just(Op::ProcessExits),
    ]
}

/// The strategies the curator proposes (both services on every validator fits the budget).
fn strategy(s: &VaultSuite, k: usize) -> Value {
    let (v0, v1, v2) = (s.validator(0), s.validator(1), s.validator(2));
    let (validators, budget) = match k {
        0 => (
            json!([
                {"validator": v0, "weight": 1, "services": [ORACLE]},
                {"validator": v1, "weight": 1, "services": [ORACLE]}
            ]),
            "0.1",
        ),
        1 => (
            json!([
                {"validator": v0, "weight": 2, "services": [ORACLE, BRIDGE]},
                {"validator": v1, "weight": 1, "services": [ORACLE, BRIDGE]}
            ]),
            "0.15",
        ),
        2 => (
            json!([
                {"validator": v1, "weight": 1, "services": [BRIDGE]},
                {"validator": v2, "weight": 3, "services": [ORACLE]}
            ]),
            "0.1",
        ),
        _ => (
            json!([
                {"validator": v0, "weight": 1, "services": []},
                {"validator": v2, "weight": 1, "services": [ORACLE, BRIDGE]}
            ]),
            "0.15",
        ),
    };
    json!({
        "validators": validators,
        "services": [{"service_id": ORACLE, "max_share": "1"}, {"service_id": BRIDGE, "max_share": "1"}],
        "risk_budget": budget,
        "slash_limit": {"max_fraction": "0.3", "window": 30 * DAY},
        "timelock": DAY
    })
}

struct Model {
    s: VaultSuite,
    pending: Vec<u64>,
    /// Rewards the services paid, per asset key ("uosmo", "untrn", "token").
    paid: BTreeMap<&'static str, u128>,
}

fn setup_model() -> Model {
    let mut s = setup_with(Setup {
        validators: 3,
        apr: Decimal::percent(5),
        strategy: None,
        instantiate: json!({}),
    });
    // Someone else delegates to every validator outside the hub, as on a real chain.
    // (cw-multi-test 2.5 floors a validator's total stake at each chain slash but not its
    // delegators' stakes: after two slashes the sole delegator's whole delegation is a
    // unit more than the validator's total and cannot be undelegated.)
    for v in 0..3 {
        let val = s.validator(v);
        s.suite.mint("bystander", vec![coin(1_000_000, "uatom")]);
        let by = s.suite.addr("bystander");
        s.suite
            .app
            .execute(
                by,
                cosmwasm_std::StakingMsg::Delegate {
                    validator: val,
                    amount: coin(1_000_000, "uatom"),
                }
                .into(),
            )
            .unwrap();
    }
    let st = strategy(&s, 1);
    s.propose(st).unwrap();
    s.suite.advance(TIMELOCK);
    s.rebalance().unwrap();
    Model {
        s,
        pending: vec![],
        paid: BTreeMap::new(),
    }
}

/// Refusals a random step may meet; anything else fails the test.
fn expected(e: &ContractError) -> bool {
    matches!(
        e,
        ContractError::NothingToClaim { .. }
            | ContractError::NoRewards
            | ContractError::NoValidatorForDeposit { .. }
            | ContractError::DepositTooSmall { .. }
            | ContractError::BelowMinDeposit { .. }
            | ContractError::TooManyPendingSlashes { .. }
    )
}

fn vault_step(
    r: anyhow::Result<restake_multitest::AppResponse>,
    what: &str,
) -> Result<bool, String> {
    match r {
        Ok(_) => Ok(true),
        Err(e) => match e.downcast::<ContractError>() {
            Ok(c) if expected(&c) => Ok(false),
            Ok(c) => Err(format!("{what}: unexpected refusal {c:?}")),
            Err(e) => Err(format!("{what}: {e:?}")),
        },
    }
}

/// (nav, all shares) for the price check: price = (nav + 1) / (shares + 1000).
fn price_parts(s: &VaultSuite) -> (u128, u128) {
    let st = s.state();
    (st.nav.u128(), (st.supply + st.open_exit_shares).u128())
}

/// The price after is at least the price before, less one unit of value.
fn price_kept(before: (u128, u128), after: (u128, u128)) -> bool {
    let lhs = Uint256::from(after.0 + 2) * Uint256::from(before.1 + 1_000);
    let rhs = Uint256::from(before.0 + 1) * Uint256::from(after.1 + 1_000);
    lhs >= rhs
}

fn apply(m: &mut Model, op: &Op) -> Result<(), String> {
    let s = &mut m.s;
    match op {
        Op::Deposit(h, amount) => {
            let before = price_parts(s);
            if vault_step(s.deposit(HOLDERS[*h], *amount), "deposit")? {
                let after = price_parts(s);
                if !price_kept(before, after) {
                    return Err(format!("deposit moved the price: {before:?} -> {after:?}"));
                }
            }
        }
        Op::DepositShares(h, v, amount) => {
            let holder = HOLDERS[*h];
            let val = s.validator(*v);
            s.suite
                .delegate_native(holder, &val, *amount)
                .map_err(|e| format!("delegate: {e:?}"))?;
            let shares = s
                .suite
                .tokenize_shares(holder, &val, *amount, holder)
                .map_err(|e| format!("tokenize: {e:?}"))?;
            let before = price_parts(s);
            let supply = s.state().supply;
            let r = s.vx(
                holder,
                json!({"deposit": {}}),
                std::slice::from_ref(&shares),
            );
            let took = match r {
                Ok(_) => true,
                Err(e) => match e.downcast::<ContractError>() {
                    Ok(c) if expected(&c) || matches!(c, ContractError::SharesNotTaken { .. }) => {
                        false
                    }
                    Ok(c) => return Err(format!("share deposit: unexpected refusal {c:?}")),
                    // the hub or x/liquid refused (the chain returns the funds): fine, as
                    // long as nothing moved
                    Err(_) => false,
                },
            };
            let after = price_parts(s);
            if took {
                if !price_kept(before, after) {
                    return Err(format!(
                        "share deposit moved the price: {before:?} -> {after:?}"
                    ));
                }
                if s.suite.balance(holder, &shares.denom) != 0 {
                    return Err("shares left with the depositor after a deposit".into());
                }
            } else {
                if s.suite.balance(holder, &shares.denom) != shares.amount.u128() {
                    return Err(format!("a refused share deposit lost {shares}"));
                }
                if after != before || s.state().supply != supply {
                    return Err(format!(
                        "a refused share deposit moved the vault: {before:?} -> {after:?}"
                    ));
                }
                // the staker takes the delegation back (the model's holders hold no shares)
                s.suite
                    .redeem_shares(holder, shares)
                    .map_err(|e| format!("redeem: {e:?}"))?;
            }
        }
        Op::Transfer(a, b, pct) => {
            let amount = s.shares(HOLDERS[*a]) * *pct as u128 / 100;
            if amount > 0 {
                let before = owed_rewards(s);
                s.transfer(HOLDERS[*a], HOLDERS[*b], amount)
                    .map_err(|e| format!("transfer: {e:?}"))?;
                let after = owed_rewards(s);
                for (key, by_holder) in &after {
                    let was = &before[key];
                    if *a != *b && by_holder[*b] != was[*b] {
                        return Err(format!(
                            "{key}: the transfer moved rewards to the recipient: {} -> {}",
                            was[*b], by_holder[*b]
                        ));
                    }
                    let (sum_was, sum_now) =
                        (was.iter().sum::<u128>(), by_holder.iter().sum::<u128>());
                    if sum_now != sum_was {
                        return Err(format!(
                            "{key}: holders' rewards {sum_was} became {sum_now} by a transfer"
                        ));
                    }
                }
            }
        }
        Op::Exit(h, pct) => {
            let shares = s.shares(HOLDERS[*h]) * *pct as u128 / 100;
            if shares > 0 {
                let before = price_parts(s);
                if vault_step(s.exit(HOLDERS[*h], shares), "exit")? {
                    let after = price_parts(s);
                    if !price_kept(before, after) {
                        return Err(format!("exit moved the price: {before:?} -> {after:?}"));
                    }
                }
            }
        }
        Op::Claim(h) => {
            vault_step(s.claim(HOLDERS[*h]), "claim")?;
        }
        Op::ClaimRewards(h) => {
            vault_step(s.claim_rewards(HOLDERS[*h]), "claim_rewards")?;
        }
        Op::Pay(osmo, tokens) => {
            if s.suite
                .distribute("oracle", ORACLE, vec![coin(*osmo, "uosmo")])
                .is_ok()
            {
                *m.paid.entry("uosmo").or_default() += osmo;
            }
            if s.suite
                .distribute("bridge", BRIDGE, vec![coin(*osmo / 2 + 1, "untrn")])
                .is_ok()
            {
                *m.paid.entry("untrn").or_default() += osmo / 2 + 1;
            }
            let token = s.token.clone();
            if s.suite
                .distribute_cw20(&token, "bridge", BRIDGE, *tokens)
                .is_ok()
            {
                *m.paid.entry("token").or_default() += tokens;
            }
        }
        Op::ServiceSlash(v, service, pct) => {
            let max = if *service == ORACLE { 5 } else { 10 };
            let f = Decimal::percent((*pct as u64).min(max));
            let slasher = if *service == ORACLE {
                "oracle-slasher"
            } else {
                "bridge-slasher"
            };
            let val = s.validator(*v);
            if let Ok(id) = s.suite.slash(slasher, *service, &val, f) {
                m.pending.push(id);
            }
        }
        Op::Resolve(veto) => {
            if let Some(id) = m.pending.first().copied() {
                let r = s.suite.slash_request(id).unwrap();
                let done = if *veto && s.suite.now() < r.executable_at {
                    let resolver = if r.service_id == ORACLE {
                        "oracle-resolver"
                    } else {
                        "bridge-resolver"
                    };
                    s.suite.veto_slash(resolver, id).is_ok()
                } else if s.suite.now() >= r.executable_at {
                    s.suite.execute_slash("keeper", id).is_ok()
                } else {
                    false
                };
                if done {
                    m.pending.remove(0);
                }
            }
        }
        Op::ChainSlash(v, pct, sync) => {
            let val = s.validator(*v);
            if s.suite.delegation(&val) > 0 {
                s.suite.chain_slash(&val, Decimal::percent(*pct as u64));
                if *sync {
                    s.suite
                        .sync_validator(&val)
                        .map_err(|e| format!("sync: {e:?}"))?;
                }
            }
        }
        Op::Propose(k) => {
            let st = strategy(s, *k);
            s.propose(st).map_err(|e| format!("propose: {e:?}"))?;
        }
        Op::Advance(secs) => {
            s.suite.advance(*secs);
            s.suite
                .process_unbondings()
                .map_err(|e| format!("crank: {e:?}"))?;
        }
        Op::Rebalance => {
            vault_step(s.rebalance(), "rebalance")?;
        }
        Op::Harvest => {
            vault_step(s.harvest(), "harvest")?;
        }
        Op::ProcessExits => {
            vault_step(s.process_exits(), "process_exits")?;
            every_matured_exit_complete(s)?;
        }
    }
    Ok(())
}

/// Each holder's pending rewards (the `rewards` query) per asset key.
fn owed_rewards(s: &VaultSuite) -> BTreeMap<&'static str, Vec<u128>> {
    let mut out: BTreeMap<&'static str, Vec<u128>> = BTreeMap::new();
    for h in HOLDERS {
        let a = s.suite.addr(h).to_string();
        let r: restake_vault::msg::RewardsResponse = s.vq(json!({"rewards": {"address": a}}));
        for (key, denom) in [
            ("uosmo", Some("uosmo")),
            ("untrn", Some("untrn")),
            ("token", None),
        ] {
            let amount = r
                .rewards
                .iter()
                .find(|r| match denom {
                    Some(d) => r.denom.as_deref() == Some(d),
                    None => r.cw20.is_some(),
                })
                .map(|r| r.amount.u128())
                .unwrap_or_default();
            out.entry(key).or_default().push(amount);
        }
    }
    out
}

/// Every exit batch, page by page.
fn all_batches(s: &VaultSuite) -> Vec<restake_vault::msg::BatchResponse> {
    let batches: restake_vault::msg::BatchesResponse = s.vq(json!({"batches": {"limit": 30}}));
    let mut start = None;
    let mut all = batches.batches;
    while all.len().is_multiple_of(30) && !all.is_empty() && start != all.last().map(|b| b.id) {
        start = all.last().map(|b| b.id);
        let more: restake_vault::msg::BatchesResponse =
            s.vq(json!({"batches": {"start_after": start, "limit": 30}}));
        if more.batches.is_empty() {
            break;
        }
        all.extend(more.batches);
    }
    all
}

fn every_matured_exit_complete(s: &VaultSuite) -> Result<(), String> {
    let hub = s.suite.unbondings(s.vault.as_str()).unwrap();
    let all = all_batches(s);
    let st = s.state();
    for b in all {
        if b.status != BatchStatus::Unbonding {
            continue;
        }
        let ready = b.hub_unbonding_ids.iter().all(|id| {
            hub.iter().find(|u| u.id == *id).is_some_and(|u| {
                u.matured && !u.frozen && u.status == restake_types::UnbondingStatus::Claimable
            })
        });
        // a matured hub unbonding the chain has not paid out yet (end of block) waits
        let settled = b.hub_unbonding_ids.iter().all(|id| {
            hub.iter()
                .find(|u| u.id == *id)
                .is_some_and(|u| u.completion_time.plus_seconds(5) <= s.suite.now())
        });
        if ready && settled && st.exit_top_ups.is_zero() {
            return Err(format!("batch {} matured but is not complete: {b:?}", b.id));
        }
    }
    Ok(())
}

/// `full`: also the hub's invariants and the reward books (the costly checks: every few
/// steps, after every step that moves rewards, and at the end).
fn check(m: &Model, full: bool) -> Result<(), String> {
    let s = &m.s;
    // The hub learns of a chain slash when something syncs the validator; its invariants
    // hold from then on (the vault prices the unsynced loss meanwhile).
    let synced = (0..3).all(|v| {
        let val = s.validator(v);
        s.suite.validator_books(&val).unwrap().books.u128() <= s.suite.delegation(&val)
    });
    if synced && full {
        let violations = s.suite.check_invariants();
        if !violations.is_empty() {
            return Err(format!("hub invariants: {violations:?}"));
        }
    }
    // conservation in the bonded denom
    let st = s.state();
    // (equal, in fact: nobody donates here, so no token may sit unbooked in the vault)
    let bank = s.uatom(s.vault.as_str());
    let reserved = st.exit_reserved.u128();
    if bank != st.idle.u128() + reserved {
        return Err(format!(
            "vault holds {bank} uatom, its books say idle {} + exits {reserved}",
            st.idle
        ));
    }
    // shares: the holders' balances add up to the supply
    let held: u128 = HOLDERS.iter().map(|h| s.shares(h)).sum();
    if held != st.supply.u128() {
        return Err(format!("holders hold {held} shares, supply {}", st.supply));
    }
    if !full {
        return Ok(());
    }
    // rewards: owed + paid ≤ what services paid; owed ≤ the vault's balance + at the hub
    let hub_pending = s.suite.pending_rewards(s.vault.as_str()).unwrap();
    let rewards: Vec<Vec<restake_types::RewardAmount>> = HOLDERS
        .iter()
        .map(|h| {
            let a = s.suite.addr(h).to_string();
            let r: restake_vault::msg::RewardsResponse = s.vq(json!({"rewards": {"address": a}}));
            r.rewards
        })
        .collect();
    let token = s.token.clone();
    for (key, denom) in [
        ("uosmo", Some("uosmo")),
        ("untrn", Some("untrn")),
        ("token", None),
    ] {
        let mut owed = 0u128;
        for h in &rewards {
            owed += h
                .iter()
                .find(|r| match denom {
                    Some(d) => r.denom.as_deref() == Some(d),
                    None => r.cw20.is_some(),
                })
                .map(|r| r.amount.u128())
                .unwrap_or_default();
        }
        let (claimed, vault_has, at_hub) = match denom {
            Some(d) => (
                HOLDERS.iter().map(|h| s.suite.balance(h, d)).sum::<u128>(),
                s.suite.balance(s.vault.as_str(), d),
                hub_pending
                    .iter()
                    .find(|r| r.denom.as_deref() == Some(d))
                    .map(|r| r.amount.u128())
                    .unwrap_or_default(),
            ),
            None => (
                HOLDERS
                    .iter()
                    .map(|h| s.suite.cw20_balance(&token, h))
                    .sum::<u128>(),
                s.suite.cw20_balance(&token, s.vault.as_str()),
                hub_pending
                    .iter()
                    .find(|r| r.cw20.is_some())
                    .map(|r| r.amount.u128())
                    .unwrap_or_default(),
            ),
        };
        let paid = m.paid.get(key).copied().unwrap_or_default();
        if owed + claimed > paid {
            return Err(format!(
                "{key}: holders owed {owed} + paid {claimed} > services paid {paid}"
            ));
        }
        if owed > vault_has + at_hub {
            return Err(format!(
                "{key}: holders owed {owed} > vault {vault_has} + hub {at_hub}"
            ));
        }
    }
    Ok(())
}

/// Assets ≥ claims, the assets as the hub and the bank show them (not the vault's books):
/// positions, unbondings and bonded-denom rewards at the hub, and the vault's balance, cover
/// every holder's shares at the exit price, the open exit batch and what sent batches still
/// owe. (The costliest check: every eighth step and at the end.)
fn assets_cover_claims(s: &VaultSuite) -> Result<(), String> {
    let st = s.state();
    let bank = s.uatom(s.vault.as_str());
    let vault = s.vault.as_str();
    let assets = (0..3)
        .map(|v| s.suite.bonded_of(vault, &s.validator(v)))
        .sum::<u128>()
        + s.suite
            .unbondings(vault)
            .unwrap()
            .iter()
            .map(|u| u.amount.u128())
            .sum::<u128>()
        + s.suite.pending_native(vault, "uatom")
        + bank;
    let holders: u128 = HOLDERS.iter().map(|h| s.value(h)).sum();
    let open = if st.open_exit_shares.is_zero() {
        0
    } else {
        s.preview_exit(st.open_exit_shares.u128())
    };
    let sent: u128 = all_batches(s)
        .iter()
        .filter(|b| b.status != BatchStatus::Open)
        .map(|b| (b.unbonding + b.received - b.paid).u128())
        .sum();
    let claims = holders + open + sent + st.exit_top_ups.u128();
    if claims > assets {
        return Err(format!(
            "claims {claims} (holders {holders}, open batch {open}, sent batches {sent}, \
             top-ups {}) exceed the vault's assets at the hub and in its bank {assets}",
            st.exit_top_ups
        ));
    }
    Ok(())
}

/// Everybody leaves: requests resolve, exits are sent and mature, everyone claims.
fn wind_down(m: &mut Model) -> Result<(), String> {
    let s = &mut m.s;
    s.suite.advance(2 * DAY);
    for id in m.pending.drain(..) {
        s.suite
            .execute_slash("keeper", id)
            .map_err(|e| format!("execute {id}: {e:?}"))?;
    }
    for v in 0..3 {
        let val = s.validator(v);
        if s.suite.delegation(&val) > 0 {
            s.suite
                .sync_validator(&val)
                .map_err(|e| format!("sync: {e:?}"))?;
        }
    }
    vault_step(s.harvest(), "harvest")?;
    for h in HOLDERS {
        let shares = s.shares(h);
        if shares > 0 {
            vault_step(s.exit(h, shares), "final exit")?;
        }
        let _ = s.claim_rewards(h);
    }
    s.suite.advance(EXIT_EPOCH);
    vault_step(s.process_exits(), "process_exits")?;
    s.days(30);
    vault_step(s.process_exits(), "process_exits")?;
    for h in HOLDERS {
        vault_step(s.claim(h), "final claim")?;
        if !s.exits(h).exits.is_empty() {
            return Err(format!(
                "{h} still has exits after the wind-down: {:?}",
                s.exits(h)
            ));
        }
    }
    let st = s.state();
    if st.supply.u128() != 0 || st.open_exit_shares.u128() != 0 {
        return Err(format!("shares left: {st:?}"));
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), String> {
    let mut m = setup_model();
    let (mut ta, mut tc) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    for (i, op) in ops.iter().enumerate() {
        let t = std::time::Instant::now();
        apply(&mut m, op).map_err(|e| format!("step {i} {op:?}: {e}"))?;
        ta += t.elapsed();
        let t = std::time::Instant::now();
        let full = i % 4 == 3
            || matches!(
                op,
                Op::Pay(..)
                    | Op::Transfer(..)
                    | Op::ClaimRewards(_)
                    | Op::Harvest
                    | Op::DepositShares(..)
            );
        check(&m, full).map_err(|e| format!("after step {i} {op:?}: {e}"))?;
        if i % 8 == 7 {
            assets_cover_claims(&m.s).map_err(|e| format!("after step {i} {op:?}: {e}"))?;
        }
        tc += t.elapsed();
    }
    if std::env::var_os("MODEL_TIMING").is_some() {
        eprintln!("{} steps: apply {ta:?}, check {tc:?}", ops.len());
    }
    assets_cover_claims(&m.s).map_err(|e| format!("before the wind-down: {e}"))?;
    wind_down(&mut m)?;
    check(&m, true).map_err(|e| format!("after the wind-down: {e}"))?;
    assets_cover_claims(&m.s).map_err(|e| format!("after the wind-down: {e}"))
}

#[test]
fn vault_invariants_hold_after_every_step() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let seed: u64 = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_205);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            max_shrink_iters: 64,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let result = runner.run(&proptest::collection::vec(op(), 20..80), |ops| {
        run(&ops).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Replays one sequence with the state after each step (debugging aid: paste a minimal
/// failing input from the property test).
#[allow(dead_code)]
fn replay(ops: &[Op]) {
    let mut m = setup_model();
    for (i, op) in ops.iter().enumerate() {
        let r = apply(&mut m, op);
        eprintln!("{i} {op:?}: {r:?}\n  state {:?}", m.s.state());
        check(&m, true).unwrap();
        assets_cover_claims(&m.s).unwrap();
    }
    let r = wind_down(&mut m);
    eprintln!("wind-down: {r:?}");
    eprintln!("state after: {:?}", m.s.state());
    for v in 0..3 {
        let val = m.s.validator(v);
        eprintln!(
            "validator {v}: position {:?} books {:?} delegation {}",
            m.s.suite.position(m.s.vault.as_str(), &val),
            m.s.suite.validator_books(&val),
            m.s.suite.delegation(&val)
        );
    }
    eprintln!(
        "hub unbondings {:?}",
        m.s.suite.unbondings(m.s.vault.as_str())
    );
    let b: restake_vault::msg::BatchesResponse = m.s.vq(json!({"batches": {}}));
    eprintln!("batches {b:?}");
    r.unwrap();
}

#[test]
#[ignore]
fn replay_case() {
    use Op::*;
    replay(&[
        Deposit(0, 173),
        Deposit(0, 675960),
        ChainSlash(0, 7, true),
        ChainSlash(0, 2, true),
        Advance(2464),
        Exit(0, 33),
        Transfer(2, 0, 16),
        Deposit(2, 2615541),
        Advance(53713),
        ClaimRewards(2),
        Exit(1, 24),
        Rebalance,
        Exit(1, 44),
        Advance(194100),
        Deposit(3, 3769850),
        Transfer(1, 1, 20),
    ]);
}
