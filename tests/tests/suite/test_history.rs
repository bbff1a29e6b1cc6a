//! The daily history the dashboard charts: `hub_history` and `service_history`, driven by
//! JSON. A day's point holds the values at the end of the last day they changed; a series
//! never holds more than 91 points.

use cosmwasm_std::{coins, Decimal};
use restake_multitest::{attr, Suite, SuiteBuilder};
use serde_json::{json, Value};

const DAY: u64 = 86_400;

fn exec(s: &mut Suite, who: &str, msg: Value, funds: &[cosmwasm_std::Coin]) {
    s.execute_json(who, &msg.to_string(), funds).unwrap();
}

fn deposit(s: &mut Suite, who: &str, v: &str, amount: u128) {
    s.mint(who, coins(amount, "uatom"));
    exec(
        s,
        who,
        json!({"deposit": {"validator": v}}),
        &coins(amount, "uatom"),
    );
}

fn today(s: &Suite) -> u64 {
    s.now().seconds() / DAY
}

/// The days of a history answer's points, counted from day `since`.
fn days_of(h: &Value, since: u64) -> Vec<u64> {
    h["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["day"].as_u64().unwrap() - since)
        .collect()
}

/// Alice deposits at time `t` (seconds), the chain first advanced there if it is earlier.
fn deposit_at(s: &mut Suite, v: &str, t: u64) {
    let by = t.saturating_sub(s.now().seconds());
    if by > 0 {
        s.advance(by);
    }
    deposit(s, "alice", v, 1_000_000);
}

fn setup() -> (Suite, String, u64) {
    let mut s = SuiteBuilder::new()
        .with_validators(1)
        .with_apr(Decimal::zero())
        .build();
    let v = s.validator(0);
    let slasher = s.addr("slasher").to_string();
    let res = s
        .execute_json(
            "admin",
            &json!({"register_service": {"name": "oracle", "slasher": slasher,
                "max_slash": "0.1", "veto_period": 0, "opt_out_delay": 0,
                "reward_denoms": ["uusdc"]}})
            .to_string(),
            &[],
        )
        .unwrap();
    let id = attr(&res, "service_id").unwrap().parse().unwrap();
    (s, v, id)
}

#[test]
fn the_hub_records_one_point_per_day_it_changed() {
    let (mut s, v, id) = setup();
    let day0 = today(&s);
    deposit(&mut s, "alice", &v, 1_000_000);
    deposit(&mut s, "bob", &v, 500_000);
    exec(
        &mut s,
        "alice",
        json!({"opt_in": {"validator": v, "service_ids": [id]}}),
        &[],
    );
    // Same day: no point yet, `now` has the totals.
    let h = s.query_json(r#"{"hub_history":{}}"#).unwrap();
    assert_eq!(h["points"], json!([]));
    assert_eq!(
        h["now"],
        json!({"day": day0, "bonded": "1500000", "restaked": "1000000"})
    );
    // Three days later, without a change, the last day's values show as its point.
    s.advance(3 * DAY);
    let h = s.query_json(r#"{"hub_history":{}}"#).unwrap();
    assert_eq!(
        h["points"],
        json!([{"day": day0, "bonded": "1500000", "restaked": "1000000"}])
    );
    // A change writes that point for good and starts today's values.
    exec(
        &mut s,
        "bob",
        json!({"unbond": {"validator": v, "amount": "200000"}}),
        &[],
    );
    let h = s.query_json(r#"{"hub_history":{"days":7}}"#).unwrap();
    assert_eq!(
        h["points"],
        json!([{"day": day0, "bonded": "1500000", "restaked": "1000000"}])
    );
    assert_eq!(
        h["now"],
        json!({"day": day0 + 3, "bonded": "1300000", "restaked": "1000000"})
    );
    // The window: a 2-day query leaves out the point of 3 days ago.
    s.advance(DAY);
    let h = s.query_json(r#"{"hub_history":{"days":2}}"#).unwrap();
    assert_eq!(
        h["points"],
        json!([{"day": day0 + 3, "bonded": "1300000", "restaked": "1000000"}])
    );
    // The totals agree with `stats`.
    let stats = s.query_json(r#"{"stats":{}}"#).unwrap();
    assert_eq!(stats["total_bonded"], json!("1300000"));
    assert_eq!(stats["total_restaked"], json!("1000000"));
}

#[test]
fn a_service_records_its_stake_and_reward_index_per_day() {
    let (mut s, v, id) = setup();
    let day0 = today(&s);
    deposit(&mut s, "alice", &v, 2_000_000);
    exec(
        &mut s,
        "alice",
        json!({"opt_in": {"validator": v, "service_ids": [id]}}),
        &[],
    );
    s.mint("admin", coins(1_000_000, "uusdc"));
    exec(
        &mut s,
        "admin",
        json!({"distribute_rewards": {"service_id": id}}),
        &coins(1_000_000, "uusdc"),
    );
    s.advance(DAY);
    s.mint("admin", coins(3_000_000, "uusdc"));
    exec(
        &mut s,
        "admin",
        json!({"distribute_rewards": {"service_id": id}}),
        &coins(3_000_000, "uusdc"),
    );
    let h = s
        .query_json(&json!({"service_history": {"service_id": id}}).to_string())
        .unwrap();
    assert_eq!(
        h["points"],
        json!([{"day": day0, "stake": "2000000",
            "reward_indexes": [{"denom": "uusdc", "index": "0.5"}]}])
    );
    assert_eq!(
        h["now"],
        json!({"day": day0 + 1, "stake": "2000000",
            "reward_indexes": [{"denom": "uusdc", "index": "2"}]})
    );
    // A service that does not exist is refused in words (a query's error reaches the caller
    // as text, wrapped by the querier).
    let e = s
        .query_json(r#"{"service_history":{"service_id":99}}"#)
        .unwrap_err();
    let words = restake_hub::ContractError::ServiceNotFound { id: 99 }.to_string();
    assert!(e.to_string().contains(&words), "{e}");
}

#[test]
fn a_series_keeps_at_most_91_points() {
    let (mut s, v, _) = setup();
    for _ in 0..100 {
        deposit(&mut s, "alice", &v, 1_000_000);
        s.advance(DAY);
    }
    let last = today(&s) - 1;
    // The oldest points were dropped as new ones came: nothing older than 90 days is kept.
    let h = s.query_json(r#"{"hub_history":{"days":90}}"#).unwrap();
    let points = h["points"].as_array().unwrap();
    assert_eq!(points.len(), 90);
    assert_eq!(points.last().unwrap()["day"], json!(last));
    assert_eq!(points.last().unwrap()["bonded"], json!("100000000"));
    // Query limits: more than 90 days answers 90.
    let h = s.query_json(r#"{"hub_history":{"days":1000}}"#).unwrap();
    assert_eq!(h["points"].as_array().unwrap().len(), 90);
}

#[test]
fn points_come_back_in_day_order_across_the_ring_and_stale_slots_stay_out() {
    let (mut s, v, _) = setup();
    let (day0, t0) = (today(&s), s.now().seconds());
    // The days (since day 0) of the points a 90-day query answers, the running values last.
    let days = |s: &Suite| {
        days_of(
            &s.query_json(r#"{"hub_history":{"days":90}}"#).unwrap(),
            day0,
        )
    };
    let on = |s: &mut Suite, day: u64| deposit_at(s, &v, t0 + day * DAY);
    // Each change writes the point of the one before, in slot day mod 91: day 92's point
    // (slot 1) comes before day 80's (slot 80) in the ring, after it in time.
    for day in [0, 80, 89, 92, 100] {
        on(&mut s, day);
    }
    s.advance(DAY);
    assert_eq!(days(&s), vec![80, 89, 92, 100]);
    // Day 182: the point of day 100 goes to slot 9; days 80, 89 and 92 are still stored but
    // out of the window (from day 93).
    on(&mut s, 182);
    s.advance(DAY);
    assert_eq!(days(&s), vec![100, 182]);
    // Day 191: day 182's point overwrites day 0's in slot 0; the window starts at day 102.
    on(&mut s, 191);
    s.advance(DAY);
    assert_eq!(days(&s), vec![182, 191]);
    let h = s.query_json(r#"{"hub_history":{"days":90}}"#).unwrap();
    assert_eq!(h["points"][0]["bonded"], json!("6000000"));
    assert_eq!(h["now"]["bonded"], json!("7000000"));
}

/// Audit: every history answer must list its points oldest first. Daily changes over 100
/// days fill the ring across its wrap: the slots below the window's first slot hold the
/// newest days and must come last.
#[test]
fn audit_points_are_in_day_order_after_the_ring_wraps() {
    let (mut s, v, _) = setup();
    for _ in 0..100 {
        deposit(&mut s, "alice", &v, 1_000_000);
        s.advance(DAY);
    }
    let h = s.query_json(r#"{"hub_history":{"days":90}}"#).unwrap();
    let days = days_of(&h, 0);
    let first = today(&s) - 90;
    let expected: Vec<u64> = (first..today(&s)).collect();
    assert_eq!(days, expected, "hub history points out of day order");
    // Each point's value is its day's: the day's deposits so far.
    let bonded: Vec<u128> = h["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["bonded"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(bonded.windows(2).all(|w| w[0] < w[1]), "{bonded:?}");
}

/// Audit: a window with a few points on both sides of the ring's wrap (unequal counts) is
/// answered in day order; independent of the suite's start day.
#[test]
fn audit_few_points_straddling_the_wrap_come_back_in_day_order() {
    let (mut s, v, _) = setup();
    // Start on a day that is slot 0 of the ring, so the offsets below fix the slots.
    let to_slot0 = (91 - today(&s) % 91) % 91;
    s.advance(to_slot0 * DAY);
    let d0 = today(&s);
    assert_eq!(d0 % 91, 0);
    // Points on days d0+60, d0+70, d0+75 (slots 60, 70, 75) and d0+95 (slot 4): a query on
    // d0+100 answers from d0+10 (slot 10), so one point wrapped and three did not.
    for off in [60u64, 70, 75, 95, 99] {
        deposit_at(&mut s, &v, (d0 + off) * DAY);
    }
    s.advance(DAY);
    let h = s.query_json(r#"{"hub_history":{"days":90}}"#).unwrap();
    assert_eq!(days_of(&h, d0), vec![60, 70, 75, 95, 99]);
}
