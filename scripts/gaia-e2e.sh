#!/usr/bin/env bash
# End-to-end tests on gaiad v25.1.1, the Cosmos Hub's own binary (tests/gaia, docs/gaia.md):
# builds gaiad (cached outside the repository) and the wasm files the tests store if missing
# or stale, starts a fresh local network (scripts/gaia-node.sh), runs the tests against it,
# and stops the node whatever happens. Prints how long each step and each test took and
# the hub's real gas table.
#
#   scripts/gaia-e2e.sh                 everything
#   scripts/gaia-e2e.sh --write-gas     the same, and rewrite docs/gas-chain-gaiad.json from
#                                       this run (the gas bench shows it beside Osmosis's)
#   scripts/gaia-e2e.sh hub_smoke       only the tests whose name contains this
#
# The tests share one node and run side by side (GAIA_E2E_THREADS, default 8: they mostly
# wait for blocks, unbonding and voting periods); what must not overlap takes a lock
# (tests/gaia/src/lock.rs). GAIA_E2E_THREADS=1 runs them one at a time.
#
# Wasm files: artifacts/restake_hub.wasm, artifacts/restake_migrate_v0_1.wasm and
# artifacts/restake_vault.wasm (scripts/build-wasm.sh, rebuilt when a contract source is
# newer; the vault's journey stores both the hub and the vault), and restake-hub v0.1
# from commit a1d8858 for the migration test (scripts/build-wasm-v0_1.sh, cached outside
# the repository like gaiad).
#
# Settings: the node's (see scripts/gaia-node.sh); here the unbonding time defaults to 30 s,
# the home to target/gaia-e2e and the ports to 26800 + ..., away from a node you run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
write_gas=0
filter=()
for arg in "$@"; do
  case "$arg" in
    --write-gas) write_gas=1 ;;
    *) filter+=("$arg") ;;
  esac
done
export GAIA_HOME="${GAIA_HOME:-target/gaia-e2e}"
export GAIA_PORT_BASE="${GAIA_PORT_BASE:-26800}"
export GAIA_UNBONDING="${GAIA_UNBONDING:-30s}"
export GAIA_ENV="$PWD/$GAIA_HOME/gaia.env"
threads="${GAIA_E2E_THREADS:-8}"
start=$(date +%s)
last=$start
timings=()
step() { echo; echo "=== [$(($(date +%s) - start)) s] $*"; }
took() {
  local now
  now=$(date +%s)
  timings+=("$(printf '%-34s %4d s' "$1" $((now - last)))")
  last=$now
}

step "gaiad v25.1.1"
scripts/gaia-node.sh build
took "gaiad build (or cache)"

step "wasm files"
# stale WASM SOURCES...: missing, or older than a source file
stale() {
  local wasm=$1
  shift
  [ ! -f "$wasm" ] || [ -n "$(find "$@" \( -name '*.rs' -o -name Cargo.toml \) -newer "$wasm" | head -1)" ]
}
hub_sources=(contracts/restake-hub packages/restake-types)
if stale artifacts/restake_hub.wasm "${hub_sources[@]}"; then
  ./scripts/build-wasm.sh hub
else
  echo "artifacts/restake_hub.wasm is up to date ($(stat -c %s artifacts/restake_hub.wasm) bytes)"
fi
if stale artifacts/restake_migrate_v0_1.wasm "${hub_sources[@]}" contracts/restake-migrate-v0_1; then
  ./scripts/build-wasm.sh migrator
else
  echo "artifacts/restake_migrate_v0_1.wasm is up to date"
fi
if stale artifacts/restake_vault.wasm contracts/restake-vault packages/restake-types; then
  ./scripts/build-wasm.sh vault
else
  echo "artifacts/restake_vault.wasm is up to date ($(stat -c %s artifacts/restake_vault.wasm) bytes)"
fi
# The migration test needs v0.1's sources (commit a1d8858): a shallow clone lacks them.
skip=()
if git cat-file -e "a1d8858^{commit}" 2>/dev/null || [ -n "${RESTAKE_GAIA_V0_1_WASM:-}" ]; then
  RESTAKE_GAIA_V0_1_WASM=${RESTAKE_GAIA_V0_1_WASM:-$(scripts/build-wasm-v0_1.sh)}
  export RESTAKE_GAIA_V0_1_WASM
  echo "restake-hub v0.1: $RESTAKE_GAIA_V0_1_WASM"
else
  echo "NOTE: commit a1d8858 (restake-hub v0.1) is not in this clone (shallow?): the migration"
  echo "      test is skipped. Run git fetch --unshallow to include it."
  skip=(--skip hub_migration_from_v0_1)
fi
took "wasm"

step "compile the tests (before the node starts)"
cargo build -p restake-gaia --locked --bin gaia-gas-report
cargo test -p restake-gaia --locked --no-run
took "compile tests"

step "a fresh local network"
trap 'scripts/gaia-node.sh stop || true' EXIT
scripts/gaia-node.sh start
took "node start"

step "tests ($threads at a time)"
gas_dir="$PWD/$GAIA_HOME/gas"
rm -rf "$gas_dir"
export RESTAKE_GAIA_GAS_DIR="$gas_dir"
log="$PWD/$GAIA_HOME/tests.log"
set +e
# each test prints its own wall time ("test time: ..."): libtest's --report-time is nightly-only
cargo test -p restake-gaia --locked --test all_tests -- --ignored --test-threads="$threads" \
  --nocapture "${skip[@]}" "${filter[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
took "tests"

scripts/gaia-node.sh stop
trap - EXIT
took "node stop"

step "timings"
printf '  %s\n' "${timings[@]}"
echo "  total                              $(($(date +%s) - start)) s"
echo
echo "each test (wall time, side by side):"
grep -E '^test time: ' "$log" | sed 's/^test time: /  /' || true
if [ -d "$gas_dir" ]; then
  json="$PWD/$GAIA_HOME/gas-chain-gaiad.json"
  md="$PWD/$GAIA_HOME/gas.md"
  GAIA_GAS_PRICE="${GAIA_GAS_PRICE:-0.005}" "${CARGO_TARGET_DIR:-target}/debug/gaia-gas-report" "$gas_dir" "$json" "$md"
  echo
  echo "restake-hub gas_used on gaiad:"
  cat "$md"
  if [ "$write_gas" = 1 ] && [ "$rc" = 0 ] && [ ${#filter[@]} -eq 0 ]; then
    cp "$json" docs/gas-chain-gaiad.json
    echo "wrote docs/gas-chain-gaiad.json"
  elif [ "$write_gas" = 1 ]; then
    echo "docs/gas-chain-gaiad.json not written: only a green run of every test writes it"
  fi
fi
exit $rc
