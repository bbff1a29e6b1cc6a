//! Every scenario of `scenarios/` passes; broken files fail with their file and line;
//! `restake schema` writes exactly the committed `schema/`; `restake msg` prints JSON
//! the hub accepts.
//!
//! Why one file: every test runs the built `restake` binary the same way and compares its
//! output; they share the runner and the fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

use restake_cli::cli::{simulate, SimulateArgs, EXIT_FAILED, EXIT_INVALID};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restake-cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs `restake simulate --summary [--json] FILE` in process: (exit code, stdout, stderr).
fn run(file: &Path, json: bool) -> (u8, String, String) {
    let args = SimulateArgs {
        file: file.to_path_buf(),
        summary: true,
        verbose: false,
        json,
        all_stakers: false,
        no_color: true,
    };
    let (mut out, mut err) = (vec![], vec![]);
    let code = simulate(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_scenario_passes() {
    let files = scenario_files();
    for name in [
        "quickstart.yaml",
        "reward-split.yaml",
        "slash-with-veto.yaml",
        "chain-slash.yaml",
        "many-stakers.yaml",
    ] {
        assert!(
            files.iter().any(|f| f.ends_with(name)),
            "scenarios/{name} is missing"
        );
    }
    for file in files {
        let (code, out, err) = run(&file, true);
        assert_eq!(code, 0, "{} failed:\n{err}\n{out}", file.display());
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["ok"], true, "{}", file.display());
        let steps = report["steps"].as_array().unwrap();
        assert!(!steps.is_empty(), "{}", file.display());
        let checks: u64 = steps.iter().map(|s| s["checks"].as_u64().unwrap()).sum();
        assert!(checks > 0, "{} checks nothing", file.display());
    }
}

#[test]
fn quickstart_json_reports_the_final_state() {
    let (code, out, _) = run(&root().join("scenarios/quickstart.yaml"), true);
    assert_eq!(code, 0);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let alice = r["final"]["stakers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "alice")
        .unwrap();
    assert_eq!(alice["bonded"], "600000");
    assert_eq!(alice["restaked"]["oracle"], "600000");
    assert_eq!(r["final"]["services"][0]["rewards_paid"]["uosmo"], "50000");
    assert_eq!(r["final"]["stats"]["total_restaked"], "600000");
    let refused = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["action"] == "claim_unbonded" && s.get("error").is_some())
        .unwrap();
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("nothing to claim"));
}

#[test]
fn human_output_has_a_dashboard_after_each_step() {
    let args = SimulateArgs {
        file: root().join("scenarios/quickstart.yaml"),
        summary: false,
        verbose: false,
        json: false,
        all_stakers: false,
        no_color: true,
    };
    let (mut out, mut err) = (vec![], vec![]);
    assert_eq!(simulate(&args, &mut out, &mut err), 0);
    let out = String::from_utf8(out).unwrap();
    assert!(out.matches("restaked stake").count() >= 8, "{out}");
    assert!(out.contains("max slash exposure"));
    assert!(out.contains("refused as expected"));
    assert!(out.contains("steps passed"));
}

/// (file contents, expected exit code, line:column, text the message must contain)
const BROKEN: &[(&str, u8, &str, &str)] = &[
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alice, amount: 100}\n  - depositt: {staker: alice, amount: 100}\n",
        EXIT_INVALID,
        ":4:5:",
        "unknown step `depositt` (did you mean `deposit`?)",
    ),
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alcie, amount: 100}\n",
        EXIT_INVALID,
        ":3:23:",
        "unknown staker `alcie`",
    ),
    (
        "stakers: {alice: 1000uatom}\nservices: {oracle: {}}\nsteps:\n  - opt_in: {staker: alice, services: [oracel]}\n",
        EXIT_INVALID,
        ":4:39:",
        "unknown service `oracel`",
    ),
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alice, amount: 12abc!}\n",
        EXIT_INVALID,
        ":3:38:",
        "bad amount",
    ),
    (
        "steps:\n  - advance: 3 dayz\n",
        EXIT_INVALID,
        ":2:14:",
        "bad duration `3 dayz`",
    ),
    (
        "stakers:\n  alice: 1000uatom\nsteps:\n  - expect: {staker: alice, bondd: 5}\n",
        EXIT_INVALID,
        ":4:29:",
        "unknown field `bondd`",
    ),
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alice, amount: 100}\n  - expect:\n      staker: alice\n      bonded: 99\n",
        EXIT_FAILED,
        ":4:5:",
        "bonded: expected 99, actual 100",
    ),
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alice, amount: 100}\n  - unbond: {staker: alice, amount: 600}\n    expect_error: paused\n",
        EXIT_FAILED,
        ":4:5:",
        "actual error: unbond of alice: amount 600 exceeds your bonded 100 on val1",
    ),
    (
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alice, amount: 5000}\n",
        EXIT_FAILED,
        ":3:5:",
        "insufficient funds: alice holds 1,000 uatom, needs 5,000",
    ),
    (
        "steps:\n  - execute: {contract: rts, msg: {rebalance: {}}}\n",
        EXIT_INVALID,
        ":2:25:",
        "unknown contract `rts`; use `hub` or a vault of `vaults:`",
    ),
    (
        "{\"steps\": [\n  {\"advance\": \"1d\"},\n  {\"advance\": \"5x\"}\n]}\n",
        EXIT_INVALID,
        ":3:15:",
        "bad duration `5x`",
    ),
];

#[test]
fn broken_files_fail_with_file_line_and_reason() {
    for (i, (text, code, at, what)) in BROKEN.iter().enumerate() {
        let ext = if text.starts_with('{') {
            "json"
        } else {
            "yaml"
        };
        let path = tmp(&format!("broken-{i}.{ext}"));
        std::fs::write(&path, text).unwrap();
        let (got, _, err) = run(&path, false);
        let where_ = format!("{}{at}", path.display());
        assert_eq!(got, *code, "case {i}: {err}");
        assert!(err.contains(&where_), "case {i}: no {where_} in:\n{err}");
        assert!(err.contains(what), "case {i}: no `{what}` in:\n{err}");
    }
}

#[test]
fn binary_reports_a_bad_file_without_panicking() {
    let path = tmp("binary-broken.yaml");
    std::fs::write(
        &path,
        "stakers:\n  alice: 1000uatom\nsteps:\n  - deposit: {staker: bob, amount: 1}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_restake"))
        .args(["simulate", "--no-color"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:23: unknown staker `bob`", path.display())),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn schema_command_writes_the_committed_schema() {
    let dir = tmp("schema");
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_restake"))
        .args(["schema", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = root().join("schema");
    let list = |d: &Path| -> Vec<PathBuf> {
        let mut v = vec![];
        for sub in ["", "raw"] {
            for e in std::fs::read_dir(d.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    v.push(p.strip_prefix(d).unwrap().to_path_buf());
                }
            }
        }
        v.sort();
        v
    };
    let (ours, theirs) = (list(&dir), list(&committed));
    assert_eq!(ours, theirs, "different file sets");
    for rel in ours {
        let a = std::fs::read(dir.join(&rel)).unwrap();
        let b = std::fs::read(committed.join(&rel)).unwrap();
        assert!(
            a == b,
            "{} differs from schema/ (regenerate with `cargo run -p restake-types --bin schema`)",
            rel.display()
        );
    }
}

#[test]
fn msg_command_prints_checked_json() {
    let restake = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_restake"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, out, _) = restake(&["msg", "deposit", "--validator", "cosmosvaloper1abc"]);
    assert_eq!(code, Some(0));
    assert_eq!(out, r#"{"deposit":{"validator":"cosmosvaloper1abc"}}"#);
    let (_, out, _) = restake(&["msg", "opt_in", "--validator", "V", "--service-ids", "1,2"]);
    assert_eq!(out, r#"{"opt_in":{"service_ids":[1,2],"validator":"V"}}"#);
    let (_, out, _) = restake(&[
        "msg",
        "query",
        "position",
        "--staker",
        "A",
        "--validator",
        "V",
    ]);
    assert_eq!(out, r#"{"position":{"staker":"A","validator":"V"}}"#);
    let (_, out, _) = restake(&[
        "msg",
        "distribute_rewards",
        "--service-id",
        "1",
        "--wasmd",
        "--funds",
        "5uosmo",
    ]);
    assert_eq!(
        out,
        r#"wasmd tx wasm execute "$HUB" '{"distribute_rewards":{"service_id":1}}' --amount 5uosmo --from <key> --gas auto --gas-adjustment 2"#
    );
    let (code, _, err) = restake(&["msg", "unbond", "--validator", "V", "--amount", "-5"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("invalid `unbond` message"), "{err}");
    let (_, help, _) = restake(&["msg", "--help"]);
    for m in [
        "deposit",
        "opt_in",
        "register_service",
        "execute_slash",
        "query",
    ] {
        assert!(help.contains(m), "{m} not in:\n{help}");
    }
    let (_, help, _) = restake(&["msg", "query", "--help"]);
    for m in ["position", "staker_overview", "slash_requests"] {
        assert!(help.contains(m), "{m} not in:\n{help}");
    }
}

/// Runs `restake simulate` (not `--summary`) on a scenario text: (exit code, stdout, stderr).
fn simulate_text(name: &str, text: &str, verbose: bool) -> (u8, String, String) {
    let path = tmp(name);
    std::fs::write(&path, text).unwrap();
    let args = SimulateArgs {
        file: path,
        summary: false,
        verbose,
        json: false,
        all_stakers: false,
        no_color: true,
    };
    let (mut out, mut err) = (vec![], vec![]);
    let code = simulate(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// A deposit, then three steps that change nothing the dashboard shows (no native rewards
/// to harvest, no slash to sync, a day with nothing maturing), then an unbond.
const QUIET_STEPS: &str = "chain: {validators: 1, apr: 0}
stakers: {alice: 5_000_000uatom}
services: {oracle: {rewards: [uosmo]}}
steps:
  - deposit: {staker: alice, amount: 1_000_000}
  - harvest
  - sync
  - advance: 1 day 12 hours
  - unbond: {staker: alice, amount: 250_000}
  - expect: {staker: alice, bonded: 750_000, unbonding: 250_000}
";

#[test]
fn dashboards_are_printed_when_the_state_changed_or_with_verbose() {
    let (code, out, err) = simulate_text("quiet.yaml", QUIET_STEPS, false);
    assert_eq!(code, 0, "{err}");
    // after the deposit and after the unbond only
    assert_eq!(out.matches("restaked stake").count(), 2, "{out}");
    assert!(out.contains("harvest native staking rewards"), "{out}");
    assert!(out.contains("1d12h pass"), "{out}");
    let (code, out, err) = simulate_text("quiet-verbose.yaml", QUIET_STEPS, true);
    assert_eq!(code, 0, "{err}");
    // after each of the five steps that may change the chain
    assert_eq!(out.matches("restaked stake").count(), 5, "{out}");
}

#[test]
fn counts_read_naturally_and_amounts_show_their_display_unit() {
    let (code, out, err) = simulate_text("counts.yaml", QUIET_STEPS, false);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("6 steps · 1 validator · 1 staker · 1 service · bonded denom uatom"),
        "{out}"
    );
    assert!(
        out.contains("alice deposits 1,000,000 uatom (1 ATOM) on val1"),
        "{out}"
    );
    assert!(out.contains("(2 checks)"), "{out}");
    assert!(out.contains("6 steps passed, 2 expectations met"), "{out}");
    assert!(out.contains("bonded uatom (ATOM)"), "{out}");
    assert!(out.contains("750,000 (0.75 ATOM)"), "{out}");
    assert!(out.contains("1 staker · 1 service"), "{out}");
    let (_, out, _) = simulate_text(
        "one-step.yaml",
        "stakers: {alice: 5uatom}\nsteps:\n  - expect: {staker: alice, bonded: 0}\n",
        false,
    );
    assert!(out.contains("(1 check)"), "{out}");
    assert!(out.contains("1 step passed, 1 expectation met"), "{out}");
}

#[test]
fn durations_are_read_as_people_write_them() {
    let (code, out, err) = simulate_text(
        "durations.yaml",
        "chain: {unbonding_time: 3 weeks}
stakers: {alice: 1_000_000uatom}
services: {oracle: {veto_period: 2 days, opt_out_delay: 1 week}}
steps:
  - deposit: {staker: alice, amount: 1_000_000}
  - unbond: {staker: alice, amount: 1_000_000}
  - advance: 20 days
  - advance: 1h 30m
  - claim_unbonded: alice
    expect_error: nothing to claim
  - advance: {time: 1 day, crank: 12 hours}
  - claim_unbonded: alice
  - expect: {staker: alice, balance: {uatom: 1_000_000}}
",
        false,
    );
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("2d / 7d"), "{out}");
}

#[test]
fn file_errors_point_at_the_place_with_a_snippet() {
    let path = tmp("snippet.yaml");
    std::fs::write(
        &path,
        "stakers: {alice: 1000uatom}\nsteps:\n  - deposit: {staker: alcie, amount: 100}\n",
    )
    .unwrap();
    let (code, _, err) = run(&path, false);
    assert_eq!(code, EXIT_INVALID);
    assert!(
        err.contains("unknown staker `alcie` (did you mean `alice`?)"),
        "{err}"
    );
    // the line, and a caret under the name's first character (column 23)
    let line = err
        .lines()
        .find(|l| l.contains("- deposit: {staker: alcie"))
        .unwrap_or_else(|| panic!("no source line in:\n{err}"));
    let caret = err
        .lines()
        .skip_while(|l| !l.contains("- deposit: {staker: alcie"))
        .nth(1)
        .unwrap_or_default();
    let col = line.find("alcie").unwrap();
    assert_eq!(caret.find('^'), Some(col), "{err}");
}

#[test]
fn msg_command_takes_what_scenarios_take() {
    let restake = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_restake"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        )
    };
    let (code, out, _) = restake(&[
        "msg",
        "register_service",
        "--name",
        "oracle",
        "--slasher",
        "S",
        "--max-slash",
        "5%",
        "--veto-period",
        "3 days",
        "--opt-out-delay",
        "21d",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        r#"{"register_service":{"max_slash":"0.05","name":"oracle","opt_out_delay":1814400,"slasher":"S","veto_period":259200}}"#
    );
    let (_, out, _) = restake(&["msg", "unbond", "--validator", "V", "--amount", "1.5atom"]);
    assert_eq!(out, r#"{"unbond":{"amount":"1500000","validator":"V"}}"#);
    let (code, _, err) = restake(&["msg", "unbond", "--validator", "V", "--amount", "1.5"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: invalid `unbond` message: --amount `1.5`: uatom is the smallest unit, so it takes a whole number (expected a whole number of uatom (1000000 or 1_000_000) or atom with up to 6 decimals (1.5atom))"
    );
}

#[test]
fn interface_doc_is_generated_from_the_schema() {
    let file = tmp("interface.md");
    let out = Command::new(env!("CARGO_BIN_EXE_restake"))
        .args(["schema", "--markdown"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = std::fs::read_to_string(&file).unwrap();
    let committed = std::fs::read_to_string(root().join("docs/interface.md")).unwrap();
    assert!(
        fresh == committed,
        "docs/interface.md is stale: run `cargo run -p restake-cli -- schema --markdown docs/interface.md`"
    );
}
