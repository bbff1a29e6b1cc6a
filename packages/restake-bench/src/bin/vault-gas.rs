//! `cargo run -p restake-bench --release --bin vault-gas [-- 1 1000]`: the vault's own gas
//! per message, replayed from artifacts/restake_vault.wasm in cosmwasm-vm (see
//! `restake_bench::vault`), at each holder count given (default 1 and 1,000).

fn main() {
    let mut levels: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if levels.is_empty() {
        levels = vec![1, 1_000];
    }
    match restake_bench::vault::run(&levels) {
        Ok(rows) => println!("{}", restake_bench::vault::table(&rows, &levels)),
        Err(e) => {
            eprintln!("vault-gas failed: {e}");
            std::process::exit(1);
        }
    }
}
