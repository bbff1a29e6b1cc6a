//! Gas measured on a real chain by the end-to-end tests (`docs/gas-chain.json`, written by
//! `scripts/e2e.sh --write-gas`), shown beside the VM estimates.

use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct ChainGas {
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
    /// Reads `docs/gas-chain.json`; `None` when it is missing or unreadable.
    pub fn load(path: &Path) -> Option<ChainGas> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
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
            "\n## Measured on a real chain\n\nWhole transactions on {} (the ante handler, the \
             contract, and the staking, distribution and bank messages the hub emits), recorded \
             by the end-to-end tests (`scripts/e2e.sh --write-gas`, see [e2e.md](e2e.md)); \
             this is the number users pay. The VM estimate above is the contract's share of it.\n\n\
             | message | scenario | gas_used |\n|---|---|--:|\n",
            self.chain
        );
        for step in &self.steps {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                step.message,
                step.scenario,
                crate::report::fmt_int(step.gas_used)
            ));
        }
        s
    }
}
