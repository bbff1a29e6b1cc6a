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
#
# Output: artifacts/restake_hub.wasm and artifacts/checksums.txt (the hub's alone, as
# docs/deploy.md reads it), artifacts/restake_vault.wasm and artifacts/restake_vault.sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
binaryen=$(sed -n 's/.*"binaryen": "\(.*\)".*/\1/p' tools/package.json)
if [ "$(node -p 'require("./tools/node_modules/binaryen/package.json").version' 2>/dev/null)" != "$binaryen" ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
# cargo names files by the paths it is given (CARGO_HOME as set) or finds (the physical
# working folder): both spellings of each are mapped, the most specific last (rustc
# applies the last mapping that matches).
cargo_home=${CARGO_HOME:-$HOME/.cargo}
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
flags=(-C link-arg=-s)
remap() { # remap FROM TO, for FROM as written and as resolved
  flags+=("--remap-path-prefix=$1=$2")
  local real
  real=$(cd "$1" 2>/dev/null && pwd -P) || return 0
  [ "$real" = "$1" ] || flags+=("--remap-path-prefix=$real=$2")
}
remap "$cargo_home" /cargo
remap "$PWD" /restake-hub
mkdir -p "$target"
remap "$target" /restake-hub/target
contracts=(restake_hub restake_vault)
# CARGO_ENCODED_RUSTFLAGS (0x1f between flags) keeps paths with spaces whole.
CARGO_ENCODED_RUSTFLAGS=$(IFS=$'\x1f'; echo "${flags[*]}") \
  cargo build --release --lib --locked --target wasm32-unknown-unknown -p restake-hub -p restake-vault
mkdir -p artifacts
for c in "${contracts[@]}"; do
  tools/node_modules/.bin/wasm-opt \
    --enable-bulk-memory-opt --enable-sign-ext \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    -Oz "$target/wasm32-unknown-unknown/release/$c.wasm" -o "artifacts/$c.wasm"
done
(cd artifacts && sha256sum restake_hub.wasm > checksums.txt && sha256sum restake_vault.wasm > restake_vault.sha256)
echo "artifacts/restake_hub.wasm: $(stat -c %s artifacts/restake_hub.wasm) bytes, sha256 $(cut -d' ' -f1 artifacts/checksums.txt)"
echo "artifacts/restake_vault.wasm: $(stat -c %s artifacts/restake_vault.wasm) bytes, sha256 $(cut -d' ' -f1 artifacts/restake_vault.sha256)"
