#!/usr/bin/env bash
# Builds the optimized restake_hub.wasm that chains accept (see TOOLCHAIN notes in the README):
# Rust 1.95 emits bulk-memory and sign-ext instructions the CosmWasm VM rejects, so
# binaryen's wasm-opt lowers them to MVP instructions and optimizes for size.
# Output: artifacts/restake_hub.wasm and artifacts/checksums.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  (cd tools && npm ci --no-audit --no-fund --silent)
fi
RUSTFLAGS='-C link-arg=-s' cargo build --release --lib --locked --target wasm32-unknown-unknown -p restake-hub
mkdir -p artifacts
tools/node_modules/.bin/wasm-opt \
  --enable-bulk-memory-opt --enable-sign-ext \
  --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
  -Oz target/wasm32-unknown-unknown/release/restake_hub.wasm -o artifacts/restake_hub.wasm
(cd artifacts && sha256sum restake_hub.wasm > checksums.txt)
echo "artifacts/restake_hub.wasm: $(stat -c %s artifacts/restake_hub.wasm) bytes"
