//! `cargo run -p restake-bench --release [-- --quick] [-- --out DIR]`
//!
//! Full mode (default) measures 1, 100, 1,000 and 10,000 stakers and writes `docs/gas.md` and
//! `docs/gas.json`; `--quick` measures 1 and 10 stakers and writes to
//! `target/restake-bench/` unless `--out` says otherwise.

use std::path::PathBuf;
use std::time::Instant;

use restake_bench::{run, workspace_root, Mode};

fn main() {
    let mut mode = Mode::full();
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => mode = Mode::quick(),
            "--full" => mode = Mode::full(),
            "--out" => out = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!(
                    "restake-bench: gas and storage of artifacts/restake_hub.wasm in cosmwasm-vm\n\n\
                     --quick      1 and 10 stakers (CI); writes target/restake-bench/gas.{{md,json}}\n\
                     --full       1 to 10,000 stakers (default); writes docs/gas.{{md,json}}\n\
                     --out DIR    write gas.md and gas.json to DIR"
                );
                return;
            }
            other => {
                eprintln!("unknown argument {other:?} (try --help)");
                std::process::exit(2);
            }
        }
    }
    let root = workspace_root();
    let out = out.unwrap_or_else(|| match mode.name {
        "quick" => root.join("target/restake-bench"),
        _ => root.join("docs"),
    });
    let started = Instant::now();
    let report = match run(&mode, &mut |line| eprintln!("{line}")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("restake-bench failed: {e}");
            std::process::exit(1);
        }
    };
    let command = match mode.name {
        "quick" => "cargo run -p restake-bench --release -- --quick",
        _ => "cargo run -p restake-bench --release",
    };
    let chains = restake_bench::realchain::ChainGas::load_all(&root.join("docs"));
    let md = report.to_markdown(command, &chains);
    if let Err(e) = std::fs::create_dir_all(&out)
        .and_then(|_| std::fs::write(out.join("gas.md"), &md))
        .and_then(|_| std::fs::write(out.join("gas.json"), report.to_json()))
    {
        eprintln!("cannot write to {}: {e}", out.display());
        std::process::exit(1);
    }
    if mode.name == "full" && out == root.join("docs") {
        if let Err(e) = update_readme(&root.join("README.md"), &report.readme_table(&chains)) {
            eprintln!("README.md not updated: {e}");
        }
    }
    println!("{}", report.summary_table(&chains));
    println!("{}", report.ratios_text());
    println!(
        "wasm: {} bytes; {} executions in {:.1} s; wrote {}/gas.md and gas.json",
        report.wasm_size_bytes,
        report.executions,
        started.elapsed().as_secs_f64(),
        out.display()
    );
    if !report.non_flat.is_empty() {
        println!("NOT FLAT:");
        for f in &report.non_flat {
            println!("  {f}");
        }
    }
}

/// Replaces the table between `<!-- gas-table:start -->` and `<!-- gas-table:end -->`.
fn update_readme(path: &std::path::Path, table: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (start, end) = ("<!-- gas-table:start -->", "<!-- gas-table:end -->");
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        return Err("no gas-table markers".into());
    };
    let updated = format!("{}{start}\n{table}{}", &text[..a], &text[b..]);
    if updated != text {
        std::fs::write(path, updated).map_err(|e| e.to_string())?;
    }
    Ok(())
}
