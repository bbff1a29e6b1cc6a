//! Merges the gas tables the gaiad e2e tests saved (one JSON file per test, see
//! `restake_gaia::gas`) into one report: `docs/gas-chain-gaiad.json`'s format and Markdown.
//!
//!     gaia-gas-report DIR OUT.json OUT.md      (scripts/gaia-e2e.sh runs it)

use std::path::Path;

use restake_gaia::gas::{load_tables, report_json, report_markdown};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, json, md] = args.as_slice() else {
        eprintln!("usage: gaia-gas-report DIR OUT.json OUT.md");
        std::process::exit(2);
    };
    let tables = load_tables(Path::new(dir)).unwrap_or_else(|e| {
        eprintln!("{dir}: {e}");
        std::process::exit(1);
    });
    let sha =
        std::fs::read_to_string(restake_gaia::workspace_root().join("artifacts/checksums.txt"))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.ends_with("restake_hub.wasm"))
                    .and_then(|l| l.split_whitespace().next().map(str::to_string))
            });
    let price = std::env::var("GAIA_GAS_PRICE").unwrap_or_else(|_| "0.005".into());
    let write = |path: &str, text: String| {
        std::fs::write(path, text).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        })
    };
    write(json, report_json(&tables, sha.as_deref(), &price));
    write(md, report_markdown(&tables));
    let rows: usize = tables.iter().map(|(_, r)| r.len()).sum();
    println!(
        "{rows} transactions of {} tests: {json}, {md}",
        tables.len()
    );
}
