//! The vault's gas replayed in the VM with 1 and 10 holders (skipped, with a note, when
//! artifacts/restake_vault.wasm has not been built): every message runs from the wasm, and
//! costs the same storage operations and queries at both counts.

use restake_bench::vault::{run, vault_wasm_path};

#[test]
fn the_vaults_messages_run_in_the_vm_and_do_not_grow_with_holders() {
    if !vault_wasm_path().exists() {
        eprintln!(
            "note: {} is missing; run scripts/build-wasm.sh to benchmark it. Skipping.",
            vault_wasm_path().display()
        );
        return;
    }
    let rows = run(&[1, 10]).expect("every message replays");
    for one in rows.iter().filter(|r| r.holders == 1) {
        let ten = rows
            .iter()
            .find(|r| r.holders == 10 && r.message == one.message)
            .expect("both counts");
        assert_eq!(
            (one.reads, one.writes, one.queries),
            (ten.reads, ten.writes, ten.queries),
            "{}",
            one.message
        );
        assert!(one.vm_gas > 0);
        let drift = one.vm_gas.abs_diff(ten.vm_gas) as f64 / one.vm_gas as f64;
        assert!(
            drift < 0.05,
            "{}: vm gas {} vs {}",
            one.message,
            one.vm_gas,
            ten.vm_gas
        );
    }
}
