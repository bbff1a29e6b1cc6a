//! Gas and storage benchmark of restake-hub: the optimized wasm in cosmwasm-vm 2.2.10,
//! a small mock chain behind it, storage counted operation by operation, and SDK gas
//! estimated with wasmd's and the Cosmos SDK's constants.
//!
//! `cargo run -p restake-bench --release` (full: 1 to 10,000 stakers, writes `docs/gas.md`
//! and `docs/gas.json`); `-- --quick` for CI (1 and 10 stakers, writes under `target/`).

pub mod chain;
pub mod gas;
pub mod realchain;
pub mod report;
pub mod scenario;
pub mod storage;
pub mod table;
pub mod vault;
pub mod vm;

use std::path::PathBuf;

pub use report::Report;
pub use scenario::Mode;

/// Runs the benchmark on the optimized wasm and checks what must hold in every mode:
/// every message succeeded (a refusal aborts the run) and every ratio was computed.
pub fn run(mode: &Mode, progress: &mut dyn FnMut(&str)) -> Result<Report, String> {
    let wasm = vm::load_wasm()?;
    let outcome = scenario::run(mode, &wasm, progress)?;
    let report = report::build(mode, outcome.rows, outcome.executions, outcome.wasm_size)?;
    let kinds = report.staker_ratios.len();
    if kinds == 0 || report.payment_ratios.len() != kinds || report.pool_curve.len() != 6 {
        return Err(format!(
            "incomplete ratios: {} staker, {} payment, {} pool",
            kinds,
            report.payment_ratios.len(),
            report.pool_curve.len()
        ));
    }
    for r in report.staker_ratios.iter().chain(&report.payment_ratios) {
        if r.vm_gas_from == 0 || r.vm_gas_to == 0 || !r.vm_gas_ratio.is_finite() {
            return Err(format!(
                "no gas measured for {} / {}",
                r.message, r.scenario
            ));
        }
    }
    Ok(report)
}

/// The workspace root: two folders above this crate's (`CARGO_MANIFEST_DIR`).
pub fn workspace_root() -> PathBuf {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .unwrap_or(crate_dir)
        .to_path_buf()
}
