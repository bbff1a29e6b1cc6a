//! Bounded gas: every message of the vault does the same storage operations and queries
//! with 1 or 1,000 holders (the vault's own execution, replies included; the hub's share is
//! the hub's bench). `VAULT_GAS_TABLE=1` prints the table.

use std::cell::RefCell;
use std::rc::Rc;

use cosmwasm_std::{coin, Decimal};
use serde_json::json;

use super::helpers::*;
use super::meter::{Meter, Metered};

pub fn metered_setup() -> (VaultSuite, Rc<RefCell<Meter>>) {
    let (mut suite, token) = chain(2, Decimal::percent(5));
    let (contract, meter) = Metered::vault();
    let code_id = suite.store_code(Box::new(contract));
    let strategy = json!({
        "validators": [
            {"validator": suite.validator(0), "weight": 1, "services": [ORACLE, BRIDGE]},
            {"validator": suite.validator(1), "weight": 1, "services": [ORACLE, BRIDGE]}
        ],
        "services": [{"service_id": ORACLE, "max_share": "1"}, {"service_id": BRIDGE, "max_share": "1"}],
        "risk_budget": "0.15",
        "slash_limit": {"max_fraction": "0.2", "window": 30 * DAY},
        "timelock": TIMELOCK
    });
    let msg = instantiate_msg(&suite, strategy, &json!({}));
    let vault = instantiate_json(&mut suite, code_id, &msg).unwrap();
    (
        VaultSuite {
            suite,
            vault,
            code_id,
            token,
        },
        meter,
    )
}

fn pay(s: &mut VaultSuite) {
    s.suite
        .distribute("oracle", ORACLE, vec![coin(10_000, "uosmo")])
        .unwrap();
    s.suite
        .distribute("bridge", BRIDGE, vec![coin(10_000, "untrn")])
        .unwrap();
    let token = s.token.clone();
    s.suite
        .distribute_cw20(&token, "bridge", BRIDGE, 10_000)
        .unwrap();
}

/// Every message once, on a vault with `holders` holders. Returns (message, meter).
fn scenario(holders: usize) -> Vec<(&'static str, Meter)> {
    let (mut s, meter) = metered_setup();
    let mut out = vec![];
    let mut m = |s: &mut VaultSuite, name: &'static str, f: &dyn Fn(&mut VaultSuite)| {
        *meter.borrow_mut() = Meter::default();
        f(s);
        out.push((name, *meter.borrow()));
    };
    // every holder deposits twice: the two validators stay level whatever the count, so
    // both vaults route and draw alike
    for _ in 0..2 {
        s.deposit("alice", 2_500_000).unwrap();
    }
    for i in 0..holders {
        for _ in 0..2 {
            s.deposit(&format!("holder{i}"), 1_000_000).unwrap();
        }
    }
    pay(&mut s);
    // a first batch goes out, so the next exit waits for its epoch
    s.exit("holder0", 1_000).unwrap();
    s.suite.advance(3_600);
    pay(&mut s);
    m(&mut s, "deposit (holder)", &|s| {
        s.deposit("alice", 1_000_000).unwrap();
    });
    m(&mut s, "deposit (new holder)", &|s| {
        s.deposit("newcomer", 1_000_000).unwrap();
    });
    m(&mut s, "transfer", &|s| {
        s.transfer("alice", "bob", 1_000_000).unwrap();
    });
    m(&mut s, "claim_rewards", &|s| {
        s.claim_rewards("alice").unwrap();
    });
    m(&mut s, "exit (queued)", &|s| {
        s.exit("alice", 1_000_000_000).unwrap();
    });
    m(&mut s, "harvest", &|s| {
        s.harvest().unwrap();
    });
    m(&mut s, "rebalance", &|s| {
        s.rebalance().unwrap();
    });
    s.suite.advance(EXIT_EPOCH);
    m(&mut s, "process_exits (send batch)", &|s| {
        s.process_exits().unwrap();
    });
    s.days(22);
    m(&mut s, "process_exits (collect)", &|s| {
        s.process_exits().unwrap();
    });
    m(&mut s, "claim", &|s| {
        s.claim("alice").unwrap();
    });
    let st = default_strategy(&s);
    m(&mut s, "propose_strategy", &|s| {
        s.propose(st.clone()).unwrap();
    });
    s.suite.advance(TIMELOCK);
    m(&mut s, "apply_strategy", &|s| {
        s.vx("keeper", json!({"apply_strategy": {}}), &[]).unwrap();
    });
    out
}

#[test]
fn no_message_grows_with_holders() {
    let one = scenario(1);
    let many = scenario(1_000);
    let mut table = String::from(
        "| message | reads | writes | removes | iterator steps | queries | bytes (1 holder) | bytes (1,000 holders) |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for ((name, a), (_, b)) in one.iter().zip(&many) {
        table.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            a.reads,
            a.writes,
            a.removes,
            a.range_items,
            a.queries,
            a.bytes(),
            b.bytes()
        ));
        assert_eq!(
            a.ops(),
            b.ops(),
            "{name}: 1 holder {a:?}, 1,000 holders {b:?}"
        );
        // amounts grow by digits, never by records
        assert!(
            b.bytes() <= a.bytes() + a.bytes() / 20,
            "{name}: {} bytes with 1 holder, {} with 1,000",
            a.bytes(),
            b.bytes()
        );
    }
    if std::env::var_os("VAULT_GAS_TABLE").is_some() {
        println!("{table}");
    }
}
