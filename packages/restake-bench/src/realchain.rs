//! Gas measured on real chains by the end-to-end tests, shown beside the VM estimates:
//! Osmosis (`docs/gas-chain.json`, written by `scripts/e2e.sh --write-gas`) and gaiad, the
//! Cosmos Hub's own binary (`docs/gas-chain-gaiad.json`, `scripts/gaia-e2e.sh --write-gas`).

use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct ChainGas {
    /// A short name for a column header ("Osmosis", "gaiad"): set by [`ChainGas::load`].
    #[serde(skip)]
    pub label: String,
    /// The command that rewrites the file: set by [`ChainGas::load`].
    #[serde(skip)]
    pub command: String,
    pub chain: String,
    pub steps: Vec<ChainStep>,
    /// The same tests' figures for v0.1 (`docs/gas-chain-v0.1.json`, Osmosis only): the hub
    /// as it was when the issue "Lean hub" was filed, shown beside today's.
    #[serde(skip)]
    pub before: Option<Box<ChainGas>>,
}

#[derive(Deserialize)]
pub struct ChainStep {
    pub message: String,
    pub scenario: String,
    pub gas_used: u64,
}

impl ChainGas {
    /// Reads a chain's file (`docs/gas-chain.json`, `docs/gas-chain-gaiad.json`); `None`
    /// when it is missing or unreadable. `label` names its column, `command` rewrites it.
    pub fn load(path: &Path, label: &str, command: &str) -> Option<ChainGas> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut gas: ChainGas = serde_json::from_str(&text).ok()?;
        gas.label = label.to_string();
        gas.command = command.to_string();
        Some(gas)
    }

    /// The real chains whose files exist under `docs`: Osmosis's, then gaiad's.
    pub fn load_all(docs: &Path) -> Vec<ChainGas> {
        // (file, label, command, v0.1's file of the same tests)
        [
            (
                "gas-chain.json",
                "Osmosis",
                "scripts/e2e.sh --write-gas",
                Some("gas-chain-v0.1.json"),
            ),
            (
                "gas-chain-gaiad.json",
                "gaiad",
                "scripts/gaia-e2e.sh --write-gas",
                None,
            ),
        ]
        .iter()
        .filter_map(|(file, label, command, before)| {
            let mut gas = ChainGas::load(&docs.join(file), label, command)?;
            gas.before = before
                .and_then(|b| ChainGas::load(&docs.join(b), "v0.1", ""))
                .map(Box::new);
            Some(gas)
        })
        .collect()
    }

    /// The v0.1 figure of the `nth` step with this message and scenario, if v0.1's tests
    /// had it.
    fn before_of(&self, message: &str, scenario: &str, nth: usize) -> Option<u64> {
        let before = self.before.as_ref()?;
        let same = |s: &&ChainStep| s.message == message && s.scenario == scenario;
        Some(before.steps.iter().filter(same).nth(nth)?.gas_used)
    }

    /// Smallest and largest `gas_used` of a message's transactions.
    pub fn range(&self, message: &str) -> Option<(u64, u64)> {
        let gas: Vec<u64> = self
            .steps
            .iter()
            .filter(|s| s.message == message)
            .map(|s| s.gas_used)
            .collect();
        Some((*gas.iter().min()?, *gas.iter().max()?))
    }

    /// "290,556–338,467" (or a single number).
    pub fn range_text(&self, message: &str) -> String {
        match self.range(message) {
            Some((a, b)) if a == b => crate::report::fmt_int(a),
            Some((a, b)) => format!(
                "{}–{}",
                crate::report::fmt_int(a),
                crate::report::fmt_int(b)
            ),
            None => "—".to_string(),
        }
    }

    /// The real-chain section of docs/gas.md.
    pub fn section(&self) -> String {
        let mut s = format!(
            "\n## Measured on a real chain: {}\n\nWhole transactions on {} (the ante handler, \
             the contract, and the staking, distribution and bank messages the hub emits), \
             recorded by the end-to-end tests (`{}`, see [e2e.md](e2e.md) and \
             [gaia.md](gaia.md)); this is the number users pay. The VM estimate above is the \
             contract's share of it.\n\n",
            self.label, self.chain, self.command
        );
        if self.before.is_some() {
            s.push_str(
                "`v0.1` is the same test's transaction on v0.1 (`docs/gas-chain-v0.1.json`, the \
                 736,511-byte hub of the issue \"Lean hub\", with JSON storage and the hub's own \
                 account delegating) where the test is unchanged. Messages that move stake on a \
                 validator now run through that validator's delegator proxy (so each \
                 validator's unbondings settle from what the chain returned to it): one more \
                 contract call, about 60,000 gas of it the instance cost wasmd charges for code \
                 that governance has not pinned (2,000 when pinned); the first deposit on a \
                 validator also instantiates its proxy (`new position` on a validator without \
                 one). The contract's own work is what the VM tables above measure.\n\n",
            );
        }
        let mut t = crate::table::Table::new();
        t.left("message").left("scenario").right("gas_used");
        if self.before.is_some() {
            t.right("v0.1").right("change");
        }
        let mut seen: Vec<(&str, &str)> = vec![];
        for step in &self.steps {
            let key = (step.message.as_str(), step.scenario.as_str());
            let nth = seen.iter().filter(|k| **k == key).count();
            seen.push(key);
            let mut row = vec![
                step.message.clone(),
                step.scenario.clone(),
                crate::report::fmt_int(step.gas_used),
            ];
            if self.before.is_some() {
                match self.before_of(&step.message, &step.scenario, nth) {
                    Some(b) => {
                        let change = (step.gas_used as f64 - b as f64) / b as f64 * 100.0;
                        row.push(crate::report::fmt_int(b));
                        row.push(format!("{change:+.0} %"));
                    }
                    None => row.extend(["—".to_string(), "—".to_string()]),
                }
            }
            t.row(row);
        }
        s.push_str(&t.render());
        s
    }
}
