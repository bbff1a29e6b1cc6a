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
        [
            ("gas-chain.json", "Osmosis", "scripts/e2e.sh --write-gas"),
            (
                "gas-chain-gaiad.json",
                "gaiad",
                "scripts/gaia-e2e.sh --write-gas",
            ),
        ]
        .iter()
        .filter_map(|(file, label, command)| ChainGas::load(&docs.join(file), label, command))
        .collect()
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
        let mut t = crate::table::Table::new();
        t.left("message").left("scenario").right("gas_used");
        for step in &self.steps {
            t.row([
                step.message.clone(),
                step.scenario.clone(),
                crate::report::fmt_int(step.gas_used),
            ]);
        }
        s.push_str(&t.render());
        s
    }
}
