//! `cargo run -p restake-bench --bin check-wasm -- FILE.wasm...`: the checks `cosmwasm-check`
//! 2.2.10 runs (the same `cosmwasm-vm` functions at the same version): exports, imports,
//! memories, the capabilities a chain offers and the default wasm limits, then a full
//! compile. `scripts/test.sh` runs it on every optimized wasm, so CI needs no
//! `cargo install cosmwasm-check` (four minutes of compiling the VM a second time, in
//! release); the VM built here is the one the gas bench and its tests already use.
//!
//! `--capabilities a,b,c` replaces the default list (cosmwasm-check's
//! `--available-capabilities`).

use std::process::ExitCode;

use cosmwasm_vm::internals::{check_wasm, compile_module, Logger};
use cosmwasm_vm::{capabilities_from_csv, WasmLimits};

/// cosmwasm-check 2.2.10's default: what wasmd 0.53+ offers.
const DEFAULT_CAPABILITIES: &str = "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,\
cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2";

fn main() -> ExitCode {
    let mut capabilities = DEFAULT_CAPABILITIES.to_string();
    let mut files = vec![];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--capabilities" => match args.next() {
                Some(csv) => capabilities = csv,
                None => return usage("--capabilities needs a comma-separated list"),
            },
            _ if arg.starts_with('-') => return usage(&format!("unknown option {arg}")),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return usage("no wasm file given");
    }
    let capabilities = capabilities_from_csv(&capabilities);
    let mut failed = 0;
    for file in &files {
        match check(file, &capabilities) {
            Ok(()) => println!("{file}: pass"),
            Err(e) => {
                failed += 1;
                println!("{file}: failure\n{e}");
            }
        }
    }
    if failed == 0 {
        println!("All contracts ({}) passed checks!", files.len());
        ExitCode::SUCCESS
    } else {
        println!("Passes: {}, failures: {failed}", files.len() - failed);
        ExitCode::FAILURE
    }
}

fn check(
    file: &str,
    capabilities: &std::collections::HashSet<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let wasm = std::fs::read(file)?;
    check_wasm(&wasm, capabilities, &WasmLimits::default(), Logger::Off)?;
    compile_module(&wasm, None)?;
    Ok(())
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("check-wasm: {problem}\nusage: check-wasm [--capabilities a,b,c] FILE.wasm...");
    ExitCode::from(2)
}
