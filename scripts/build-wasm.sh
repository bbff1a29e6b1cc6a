#!/usr/bin/env bash
# Builds the optimized wasm contracts that chains accept, reproducibly: the same commit
# gives the same sha256 in any folder, with any CARGO_HOME (scripts/check-reproducible.sh
# proves it for the hub; docs/deploy.md tells voters how to check a proposal with it).
#
# - Rust from rust-toolchain.toml, crates from Cargo.lock (--locked), binaryen from
#   tools/package-lock.json (npm ci).
# - --remap-path-prefix rewrites the workspace, CARGO_HOME and target paths (they end up in
#   panic locations) to fixed names, so no machine path enters the wasm.
# - Rust 1.95 emits bulk-memory and sign-ext instructions the CosmWasm VM rejects, so
#   binaryen's wasm-opt lowers them to MVP instructions and optimizes for size.
# - Size (docs/wasm-bytes.md): LLVM inlines nothing on its own (-inline-threshold=0: 1.7 kB
#   less than opt-level z's default of 5), and wasm-opt first flattens the code and rebuilds
#   its control flow (--flatten --rereloop) before two rounds of -Oz (10 kB less than one
#   -Oz). scripts/wasm-bytes.sh uses the same flags.
# - The standard library is compiled with the contract (-Z build-std, from the toolchain's
#   rust-src component) with panic=immediate-abort: a panic traps at once instead of
#   formatting its message and location, so no panic formatting, panic hook or backtrace
#   printing is linked (36 kB less). A contract panic is a bug either way: the transaction
#   still fails and reverts, but the chain's error says `unreachable` where it used to carry
#   the panic's message. -Z flags on the pinned stable need RUSTC_BOOTSTRAP=1: the compiler
#   and the library sources are still exactly Rust 1.95.0's. Build scripts see the variable
#   too: thiserror's then compiles the unstable `Error::provide` forwarding (never called by
#   the contract) and proc-macro2's its span API (compile time only). Because build scripts
#   rerun when it changes, this build keeps its own target folder ($CARGO_TARGET_DIR/wasm),
#   so it never invalidates the host builds of the tests, the bench and the e2e tools.
#
# Output: artifacts/restake_hub.wasm and artifacts/checksums.txt.
#
#   scripts/build-wasm.sh              the hub (the default)
#   scripts/build-wasm.sh migrator     the one-off v0.1 -> v0.2 storage converter
#                                      (contracts/restake-migrate-v0_1):
#                                      artifacts/restake_migrate_v0_1.wasm and
#                                      artifacts/checksums-migrate-v0_1.txt
#   scripts/build-wasm.sh vault        the auto-allocating vault (contracts/restake-vault):
#                                      artifacts/restake_vault.wasm and
#                                      artifacts/restake_vault.sha256
#   scripts/build-wasm.sh all          all three
#   scripts/build-wasm.sh names OUT    the hub as shipped but keeping its function names
#                                      (for scripts/wasm-bytes.sh): OUT only, built in
#                                      $CARGO_TARGET_DIR/names
#
# The migrator is a crate of its own that turns on restake-hub's `library` and
# `migrate-v0_1` features: it is built by its own cargo command, or cargo would unify
# those features into the hub's wasm (which would then export no entry points).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-hub}
binaryen=$(sed -n 's/.*"binaryen": "\(.*\)".*/\1/p' tools/package.json)
if [ "$(node -p 'require("./tools/node_modules/binaryen/package.json").version' 2>/dev/null)" != "$binaryen" ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
# cargo names files by the paths it is given (CARGO_HOME as set) or finds (the physical
# working folder): both spellings of each are mapped. rustc applies the last mapping that
# matches, so the mappings go longest (most specific) last: a CARGO_HOME or rust-src inside
# the checkout keeps its own fixed name.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
# (names: another folder, so the shipped build's stays as it is)
[ "$mode" = names ] && target="$target/names" || target="$target/wasm"
sysroot=$(rustc --print sysroot)
[ -d "$sysroot/lib/rustlib/src/rust/library" ] \
  || { echo "no rust-src in '$sysroot': run scripts/setup.sh --wasm" >&2; exit 1; }
flags=(-C llvm-args=-inline-threshold=0 -Z unstable-options -C panic=immediate-abort)
keep=() # wasm-opt keeps the names section from a build that is not stripped
if [ "$mode" = names ]; then keep=(--debuginfo); else flags+=(-C link-arg=-s); fi
maps=()
remap() { # remap FROM TO, for FROM as written and as resolved
  maps+=("$1"$'\t'"$2")
  local real
  real=$(cd "$1" 2>/dev/null && pwd -P) || return 0
  [ "$real" = "$1" ] || maps+=("$real"$'\t'"$2")
}
remap "$cargo_home" /cargo
remap "$sysroot/lib/rustlib/src/rust" /rust-src
remap "$PWD" /restake-hub
mkdir -p "$target"
remap "$target" /restake-hub/target
while IFS=$'\t' read -r _ from to; do
  flags+=("--remap-path-prefix=$from=$to")
done < <(for m in "${maps[@]}"; do f=${m%%$'\t'*}; printf '%s\t%s\n' "${#f}" "$m"; done | sort -n -s)
# The standard library's own crates keep opt-level 3, as in the prebuilt library: at the
# contract's opt-level z its allocator, collections and copies cost 7-8 % more VM gas per
# message (deposit 278.2M instead of 261.2M CosmWasm gas) for 3.5 kB less wasm.
std_speed=()
for c in core alloc std dlmalloc; do
  std_speed+=(--config "profile.release.package.$c.opt-level=3")
done
# CARGO_ENCODED_RUSTFLAGS (0x1f between flags) keeps paths with spaces whole.
encoded=$(IFS=$'\x1f'; echo "${flags[*]}")
mkdir -p artifacts

# optimized PACKAGE WASM-NAME OUT
optimized() {
  CARGO_ENCODED_RUSTFLAGS=$encoded RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$target \
    cargo build --release --lib --locked --target wasm32-unknown-unknown -p "$1" \
    -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
    "${std_speed[@]}"
  tools/node_modules/.bin/wasm-opt \
    --enable-bulk-memory-opt --enable-sign-ext \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    --flatten --rereloop -Oz -Oz "${keep[@]}" "$target/wasm32-unknown-unknown/release/$2" -o "$3"
}

# build PACKAGE WASM-NAME CHECKSUM-FILE
build() {
  optimized "$1" "$2" "artifacts/$2"
  (cd artifacts && sha256sum "$2" > "$3")
  echo "artifacts/$2: $(stat -c %s "artifacts/$2") bytes, sha256 $(cut -d' ' -f1 "artifacts/$3")"
}

case "$mode" in
  hub) build restake-hub restake_hub.wasm checksums.txt ;;
  migrator) build restake-migrate-v0_1 restake_migrate_v0_1.wasm checksums-migrate-v0_1.txt ;;
  vault) build restake-vault restake_vault.wasm restake_vault.sha256 ;;
  all)
    build restake-hub restake_hub.wasm checksums.txt
    build restake-migrate-v0_1 restake_migrate_v0_1.wasm checksums-migrate-v0_1.txt
    build restake-vault restake_vault.wasm restake_vault.sha256
    ;;
  names) optimized restake-hub restake_hub.wasm "${2:?usage: $0 names OUT.wasm}" ;;
  *)
    echo "usage: $0 [hub|migrator|vault|all|names OUT.wasm]" >&2
    exit 2
    ;;
esac
