#!/usr/bin/env bash
# Builds the optimized wasm contracts that chains accept (see TOOLCHAIN notes in the README):
# Rust 1.95 emits bulk-memory and sign-ext instructions the CosmWasm VM rejects, so
# binaryen's wasm-opt lowers them to MVP instructions and optimizes for size.
# Output: artifacts/restake_hub.wasm, artifacts/restake_vault.wasm and artifacts/checksums.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  (cd tools && npm ci --no-audit --no-fund --silent)
fi
contracts=(restake_hub restake_vault)
RUSTFLAGS='-C link-arg=-s' cargo build --release --lib --locked --target wasm32-unknown-unknown \
  -p restake-hub -p restake-vault
mkdir -p artifacts
for c in "${contracts[@]}"; do
  tools/node_modules/.bin/wasm-opt \
    --enable-bulk-memory-opt --enable-sign-ext \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    -Oz "target/wasm32-unknown-unknown/release/$c.wasm" -o "artifacts/$c.wasm"
  echo "artifacts/$c.wasm: $(stat -c %s "artifacts/$c.wasm") bytes"
done
(cd artifacts && sha256sum "${contracts[@]/%/.wasm}" > checksums.txt)
