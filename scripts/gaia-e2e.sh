#!/usr/bin/env bash
# End-to-end tests on gaiad v25.1.1, the Cosmos Hub's own binary (tests/gaia, docs/gaia.md):
# builds gaiad (cached outside the repository) and the hub's wasm if missing, starts a fresh
# local network (scripts/gaia-node.sh), runs the tests against it one at a time, and stops
# the node whatever happens. Prints how long each step took and the hub's real gas table.
#
#   scripts/gaia-e2e.sh                 everything
#   scripts/gaia-e2e.sh hub_smoke       only the tests whose name contains this
#
# Settings: the node's (see scripts/gaia-node.sh); here the unbonding time defaults to 30 s,
# the home to target/gaia-e2e and the ports to 26800 + ..., away from a node you run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export GAIA_HOME="${GAIA_HOME:-target/gaia-e2e}"
export GAIA_PORT_BASE="${GAIA_PORT_BASE:-26800}"
export GAIA_UNBONDING="${GAIA_UNBONDING:-30s}"
export GAIA_ENV="$PWD/$GAIA_HOME/gaia.env"
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

step "restake_hub.wasm"
wasm=artifacts/restake_hub.wasm
if [ ! -f "$wasm" ] || [ -n "$(find contracts/restake-hub packages/restake-types \( -name '*.rs' -o -name Cargo.toml \) -newer "$wasm" | head -1)" ]; then
  ./scripts/build-wasm.sh
else
  echo "$wasm is up to date ($(stat -c %s "$wasm") bytes)"
fi
took "wasm"

step "compile the tests (before the node starts)"
cargo test -p restake-gaia --locked --no-run
took "compile tests"

step "a fresh local network"
trap 'scripts/gaia-node.sh stop || true' EXIT
scripts/gaia-node.sh start
took "node start"

step "tests (one at a time)"
export RESTAKE_GAIA_GAS_MD="$PWD/$GAIA_HOME/gas.md"
set +e
cargo test -p restake-gaia --locked -- --ignored --test-threads=1 --nocapture "$@"
rc=$?
set -e
took "tests"

scripts/gaia-node.sh stop
trap - EXIT
took "node stop"

step "timings"
printf '  %s\n' "${timings[@]}"
echo "  total                              $(($(date +%s) - start)) s"
[ -f "$RESTAKE_GAIA_GAS_MD" ] && { echo; echo "restake-hub gas_used on gaiad:"; cat "$RESTAKE_GAIA_GAS_MD"; }
exit $rc
