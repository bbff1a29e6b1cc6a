#!/usr/bin/env bash
# The project's test command (README "Run the tests"): builds the optimized wasm, checks
# it, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-wasm.sh
cosmwasm-check artifacts/restake_hub.wasm artifacts/restake_vault.wasm
cargo test --workspace --locked
