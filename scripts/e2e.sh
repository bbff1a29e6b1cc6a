#!/usr/bin/env bash
# End-to-end tests on a real Cosmos SDK chain (tests/e2e, docs/e2e.md): osmosis-test-tube runs
# an Osmosis v26 node (SDK 0.50, wasmd 0.53, wasmvm 2.1) in process; the tests store
# artifacts/restake_hub.wasm as built and drive it with signed transactions.
#
#   scripts/e2e.sh               run the tests, print the real gas table
#   scripts/e2e.sh --write-gas   also rewrite docs/gas-chain.json from this run
#
# Needs Go (1.22+) and Debian's libclang-dev (installed here if missing). The first build
# compiles the Osmosis node from Go sources: 11-15 min on 2 cores with empty caches, ~30 s
# with a warm Go build cache, seconds once built (the tests themselves take ~3 s). Debug profile on purpose: the chain is Go
# code built the same way in either profile, and a release build would add minutes of LTO
# for the Rust side and a second copy of the node (see docs/e2e.md).
set -euo pipefail
cd "$(dirname "$0")/.."

write_gas=""
for arg in "$@"; do
  case "$arg" in
    --write-gas) write_gas=1 ;;
    *) echo "usage: scripts/e2e.sh [--write-gas]"; exit 2 ;;
  esac
done

command -v go >/dev/null || {
  echo "e2e: Go is required (osmosis-test-tube builds an Osmosis node from Go sources)"
  exit 1
}

# bindgen (osmosis-test-tube's build script) needs libclang and clang's headers.
if [ -z "${LIBCLANG_PATH:-}" ] && ! dpkg -s libclang-dev >/dev/null 2>&1; then
  echo "e2e: installing libclang-dev"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libclang-dev
fi

# The tests store the optimized artifact as is: build it if it is missing or older than
# the contract's sources.
wasm=artifacts/restake_hub.wasm
if [ ! -f "$wasm" ]; then
  echo "e2e: $wasm is missing: building it"
  ./scripts/build-wasm.sh
elif [ -n "$(find contracts/restake-hub packages/restake-types \( -name '*.rs' -o -name Cargo.toml \) \
              -newer "$wasm" | head -1)" ]; then
  echo "e2e: $wasm is older than the contract's sources: rebuilding it"
  ./scripts/build-wasm.sh
fi

if [ -n "$write_gas" ]; then
  export RESTAKE_E2E_GAS_JSON=docs/gas-chain.json
fi
cargo test -p restake-e2e --locked -- --nocapture
