//! Runs the benchmark's quick mode against the optimized wasm (skipped, with a note, when
//! artifacts/restake_hub.wasm has not been built). Asserts correctness, never timings.

use restake_bench::{run, vm::wasm_path, Mode};

/// Every message the benchmark must cover.
const MESSAGES: [&str; 14] = [
    "deposit",
    "opt_in",
    "opt_out",
    "complete_opt_out",
    "unbond",
    "process_unbondings",
    "claim_unbonded",
    "distribute_rewards",
    "receive",
    "claim_rewards",
    "harvest",
    "slash",
    "execute_slash",
    "sync_validator",
];

#[test]
fn quick_mode_runs_every_message_in_the_vm() {
    let path = wasm_path();
    if !path.exists() {
        eprintln!(
            "note: {} is missing; run scripts/build-wasm.sh to benchmark it. Skipping.",
            path.display()
        );
        return;
    }
    let mode = Mode::quick();
    let report = run(&mode, &mut |line| eprintln!("{line}")).expect("every message succeeds");

    for message in MESSAGES {
        for &n in &mode.levels {
            assert!(
                report
                    .rows
                    .iter()
                    .any(|r| r.curve == "stakers" && r.message == message && r.stakers == n),
                "{message} was not measured at {n} stakers"
            );
        }
    }
    for message in ["slash", "execute_slash", "sync_validator"] {
        for &k in &mode.pool_levels {
            assert!(
                report
                    .rows
                    .iter()
                    .any(|r| r.curve == "pools" && r.message == message && r.pools == k),
                "{message} was not measured with {k} pools"
            );
        }
    }
    for r in &report.rows {
        assert!(r.vm_gas > 0, "{} / {}: no VM gas", r.message, r.scenario);
        assert!(
            r.sdk_gas_estimate > r.sdk.instance,
            "{} / {}: no SDK gas",
            r.message,
            r.scenario
        );
        assert!(
            r.reads > 0,
            "{} / {}: no storage read",
            r.message,
            r.scenario
        );
    }
    let kinds = report.staker_ratios.len();
    assert!(kinds >= 20, "only {kinds} (message, scenario) pairs");
    assert_eq!(report.payment_ratios.len(), kinds);
    assert_eq!(report.pool_curve.len(), 6);
    for r in report
        .staker_ratios
        .iter()
        .chain(&report.payment_ratios)
        .chain(&report.pool_curve)
    {
        assert!(
            r.vm_gas_ratio.is_finite() && r.vm_gas_ratio > 0.0,
            "{} / {}: ratio not computed",
            r.message,
            r.scenario
        );
    }
    // The JSON keeps its stable keys.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("valid JSON");
    let row = &json["rows"][0];
    for key in [
        "message",
        "scenario",
        "stakers",
        "vm_gas",
        "sdk_gas_estimate",
        "reads",
        "writes",
        "bytes_read",
        "bytes_written",
        "iterations",
        "minimal_storage_ops",
    ] {
        assert!(row.get(key).is_some(), "gas.json rows lack {key}");
    }
    assert!(json["wasm_size_bytes"].as_u64().unwrap_or(0) > 0);
}
