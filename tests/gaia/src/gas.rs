//! The real `gas_used` of every transaction the tests send, and the report built from it.
//!
//! Each test keeps a [`GasTable`] and saves it at its end into `$RESTAKE_GAIA_GAS_DIR`
//! (one JSON file per test, since the tests run side by side); `scripts/gaia-e2e.sh` then
//! merges them with the `gaia-gas-report` binary into `docs/gas-chain-gaiad.json` (the
//! format of `docs/gas-chain.json`, which Osmosis's e2e writes and the gas bench reads) and a
//! Markdown table.

use std::path::Path;

use serde_json::{json, Value};

use crate::TxOutcome;

/// The chain these figures come from, as the report names it.
pub const CHAIN: &str = "gaiad v25.1.1 (Cosmos SDK v0.53.3, wasmd v0.60.1, wasmvm v2.2.4), \
                         local network of scripts/gaia-node.sh";

/// The order of the tests' tables in the report (tests not listed follow by name).
pub const TEST_ORDER: &[&str] = &[
    "hub_smoke_journey",
    "hub_edges_downtime_slash_of_a_batch_in_flight",
    "hub_edges_validator_forms_and_jailed_validators",
    "hub_liquid_journey",
    "hub_liquid_refusals",
    "hub_gov_votes_pass_through",
    "hub_migration_from_v0_1",
];

/// Gas of every transaction a test sends, for the report.
#[derive(Default)]
pub struct GasTable {
    rows: Vec<Row>,
}

impl GasTable {
    pub fn record(&mut self, message: &str, note: &str, out: &TxOutcome) {
        self.rows
            .push((message.to_string(), note.to_string(), out.gas_used));
    }

    pub fn rows(&self) -> &[(String, String, u64)] {
        &self.rows
    }

    /// A Markdown table.
    pub fn markdown(&self) -> String {
        markdown(&self.rows)
    }

    /// Prints the table and, under `scripts/gaia-e2e.sh` (`RESTAKE_GAIA_GAS_DIR`), saves
    /// it as `{dir}/{test}.json` for the report.
    pub fn save(&self, test: &str) {
        println!(
            "\n{test}: gas_used per message on gaiad\n\n{}",
            self.markdown()
        );
        let Ok(dir) = std::env::var("RESTAKE_GAIA_GAS_DIR") else {
            return;
        };
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|(m, n, g)| json!({"message": m, "scenario": n, "gas_used": g}))
            .collect();
        let path = Path::new(&dir).join(format!("{test}.json"));
        std::fs::create_dir_all(&dir).expect("gas dir");
        std::fs::write(&path, serde_json::to_string_pretty(&rows).expect("json"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn markdown(rows: &[(String, String, u64)]) -> String {
    let mut s = String::from("| message | scenario | gas_used |\n|---|---|---:|\n");
    for (m, n, g) in rows {
        s.push_str(&format!("| `{m}` | {n} | {} |\n", thousands(*g)));
    }
    s
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One transaction's row: (message, scenario, gas_used).
pub type Row = (String, String, u64);
/// One test's rows: (test, rows).
pub type Table = (String, Vec<Row>);

/// The tests' saved tables in report order: (test, rows).
pub fn load_tables(dir: &Path) -> std::io::Result<Vec<Table>> {
    let mut tests = vec![];
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rows: Vec<Value> = serde_json::from_slice(&std::fs::read(&path)?)?;
            let rows = rows
                .iter()
                .map(|r| {
                    (
                        r["message"].as_str().unwrap_or_default().to_string(),
                        r["scenario"].as_str().unwrap_or_default().to_string(),
                        r["gas_used"].as_u64().unwrap_or_default(),
                    )
                })
                .collect();
            tests.push((name, rows));
        }
    }
    let rank = |t: &str| {
        TEST_ORDER
            .iter()
            .position(|o| *o == t)
            .unwrap_or(TEST_ORDER.len())
    };
    tests.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    Ok(tests)
}

/// `docs/gas-chain-gaiad.json`: the format of `docs/gas-chain.json` (provenance, then one
/// `{"message", "scenario", "gas_used"}` line per transaction, keys in this order), so the
/// gas bench reads it with the same code.
pub fn report_json(tables: &[Table], artifact_sha256: Option<&str>, gas_price: &str) -> String {
    let s = |v: &str| Value::String(v.to_string()).to_string();
    let mut out = String::from("{\n");
    out += &format!("  \"chain\": {},\n", s(CHAIN));
    out += &format!(
        "  \"artifact\": {},\n  \"artifact_sha256\": {},\n",
        s("artifacts/restake_hub.wasm"),
        artifact_sha256.map_or("null".to_string(), s)
    );
    out += &format!(
        "  \"gas_unit\": {},\n  \"fee_per_tx\": {},\n  \"steps\": [\n",
        s("SDK gas of the whole transaction as the chain reports it: ante handler, contract, \
           the delegator proxy it calls, and the messages they emit"),
        s(&format!(
            "gas price {gas_price}uatom (feemarket, constant); gas limit = simulated gas x 2 + 10000"
        ))
    );
    let rows: Vec<String> = tables
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|(m, n, g)| {
            format!(
                "    {{\"message\": {}, \"scenario\": {}, \"gas_used\": {g}}}",
                s(m),
                s(n)
            )
        })
        .collect();
    out += &rows.join(",\n");
    out += "\n  ]\n}\n";
    out
}

/// The Markdown report: one table per test.
pub fn report_markdown(tables: &[Table]) -> String {
    let mut s = String::new();
    for (test, rows) in tables {
        s.push_str(&format!("#### `{test}`\n\n{}\n", markdown(rows)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5_060_782), "5,060,782");
    }
}
