#!/usr/bin/env bash
# Proves the README's command-line examples on a real node: builds `wasmd` v0.53.0 (the
# wasmd of Osmosis v26 and tests/e2e) from the Go module proxy, starts a single-node chain
# (bonded denom uatom, 20 s unbonding, 1 s blocks), stores artifacts/restake_hub.wasm and a
# cw20-base token, then runs every `wasmd tx wasm execute` / `wasmd query wasm
# contract-state smart` line of README.md verbatim, in an order that makes a journey of them.
#
# The script supplies only what the README leaves to the reader: $HUB, $VAL and $TOKEN, the
# `cosmos1...` placeholders (each becomes the named account's address) and the transport
# flags every transaction needs on a real chain (`-y --gas auto --gas-adjustment 2`, the
# node's home). Each line must succeed, or fail with the contract's own refusal where the
# journey makes it refuse (vetoed slash, opt-out delay not over); anything else fails the
# script. Output: docs/local-node.md (every command, its gas and result).
#
# Usage: scripts/local-node.sh            (needs Go, as tests/e2e does; ~4 min cold)
#        KEEP=1 scripts/local-node.sh     (leaves the node running afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
# jq reads the node's JSON answers: Debian's package, installed as root, else the command
if ! command -v jq >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
  else
    echo "local-node.sh needs jq: run sudo apt-get install -y jq (or your system's package), then again" >&2
    exit 1
  fi
fi
root=$PWD
work="$root/target/local-node"
bin="$work/bin/wasmd"
home="$work/home"
chain=restake-local
mkdir -p "$work/bin"
step() { echo; echo "=== $*"; }

step "wasmd v0.53.0 from the Go module proxy"
if [ ! -x "$bin" ]; then
  dir=$(go mod download -json github.com/CosmWasm/wasmd@v0.53.0 | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$work/wasmd-src"
  cp -r "$dir" "$work/wasmd-src"
  chmod -R u+w "$work/wasmd-src"
  (cd "$work/wasmd-src" && go build -o "$bin" ./cmd/wasmd)
fi
"$bin" version --long 2>&1 | grep -E "^(version|commit):"

step "wasm artifacts"
[ -f artifacts/restake_hub.wasm ] || ./scripts/build-wasm.sh
cw20="$work/cw20_base.wasm"
if [ ! -f "$cw20" ]; then
  # cw20-base as published (its own entry points: not the `library` build the workspace uses)
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cw20-base-2.0.0 2>/dev/null | head -n1)
  if [ -z "$src" ]; then cargo fetch --locked >/dev/null; src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cw20-base-2.0.0 | head -n1); fi
  rm -rf "$work/cw20-src" && cp -r "$src" "$work/cw20-src" && chmod -R u+w "$work/cw20-src"
  echo '[workspace]' >>"$work/cw20-src/Cargo.toml"
  cp Cargo.lock "$work/cw20-src/Cargo.lock" # the workspace's versions (cosmwasm-std as the hub's)
  (cd "$work/cw20-src" && RUSTFLAGS='-C link-arg=-s' CARGO_TARGET_DIR="$work/cw20-target" \
    cargo build --release --lib --target wasm32-unknown-unknown -q)
  tools/node_modules/.bin/wasm-opt --enable-bulk-memory-opt --enable-sign-ext \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    -Oz "$work/cw20-target/wasm32-unknown-unknown/release/cw20_base.wasm" -o "$cw20"
fi

step "a single-node chain ($chain)"
pkill -f "$bin --home $home start" 2>/dev/null || true; sleep 1
rm -rf "$home"
w() { "$bin" --home "$home" "$@"; }
w init node --chain-id "$chain" --default-denom uatom >/dev/null 2>&1
names=(validator alice owner new-owner oracle-admin oracle-slasher oracle-resolver bridge keeper anyone)
for n in "${names[@]}"; do
  w keys add "$n" --keyring-backend test >/dev/null 2>&1
  w genesis add-genesis-account "$n" 1000000000000uatom,1000000000000uosmo,1000000000000untrn \
    --keyring-backend test >/dev/null
done
w genesis gentx validator 100000000000uatom --chain-id "$chain" --keyring-backend test >/dev/null 2>&1
w genesis collect-gentxs >/dev/null 2>&1
genesis="$home/config/genesis.json"
jq '.app_state.staking.params.unbonding_time = "20s"' "$genesis" >"$genesis.tmp" && mv "$genesis.tmp" "$genesis"
sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$home/config/config.toml"
sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "0uatom"/' "$home/config/app.toml"
# the REST (LCD) API the dashboard reads, open to a page served from another port
sed -i '/^\[api\]/,/^\[/ { s/^enable = .*/enable = true/; s/^enabled-unsafe-cors = .*/enabled-unsafe-cors = true/; s|^address = .*|address = "tcp://127.0.0.1:1317"| }' "$home/config/app.toml"
w start >"$work/node.log" 2>&1 &
node_pid=$!
if [ -z "${KEEP:-}" ]; then trap 'kill $node_pid 2>/dev/null || true' EXIT; fi
for _ in $(seq 60); do
  if w status >/dev/null 2>&1 && [ "$(w status | jq -r '.sync_info.latest_block_height')" -gt 1 ]; then break; fi
  sleep 1
done
addr() { w keys show "$1" -a --keyring-backend test; }

# `wasmd` as the README types it: the node's home, and for transactions the flags a real
# chain needs; waits for the block and fails on a failed transaction.
report="$work/report.md"
: >"$report"
last_gas=""
wasmd() {
  if [ "$1" = tx ]; then
    local out hash res="" code
    # (--gas auto prints "gas estimate: N" before the JSON)
    if ! out=$(w "$@" -y --gas auto --gas-adjustment 2 --keyring-backend test --chain-id "$chain" -o json 2>&1); then
      echo "$out" >&2
      return 1
    fi
    hash=$(echo "$out" | grep '^{' | tail -n1 | jq -r .txhash)
    for _ in $(seq 60); do
      res=$(w query tx "$hash" -o json 2>/dev/null) && break
      sleep 0.5
    done
    [ -n "$res" ] || { echo "transaction $hash was not included" >&2; return 1; }
    code=$(echo "$res" | jq -r .code)
    last_gas=$(echo "$res" | jq -r .gas_used)
    if [ "$code" != 0 ]; then echo "$res" | jq -r .raw_log >&2; return 1; fi
  else
    w "$@"
  fi
}

# The README's lines, by message.
mapfile -t lines < <(awk '/^```sh$/{on=1;next} /^```$/{on=0} on && /^wasmd (tx|query) wasm/' README.md)
line() {
  local found=""
  for l in "${lines[@]}"; do
    if [[ "$l" == *"'{\"$1"* ]]; then found=$l; break; fi
  done
  [ -n "$found" ] || { echo "README.md has no line for $1" >&2; exit 1; }
  # placeholders: each cosmos1... becomes the account its field names
  found=${found//\"slasher\":\"cosmos1...\"/\"slasher\":\"$(addr oracle-slasher)\"}
  found=${found//\"resolver\":\"cosmos1...\"/\"resolver\":\"$(addr oracle-resolver)\"}
  found=${found//\"new_owner\":\"cosmos1...\"/\"new_owner\":\"$(addr new-owner)\"}
  found=${found//\"staker\":\"cosmos1...\"/\"staker\":\"$(addr alice)\"}
  echo "$found"
}
passed=0
# the report's name of a run: the message, and which of its lines ('update_ownership (accept)')
label() {
  local name=${1%%\"*} extra=${1#*\"}
  extra=${extra//[^a-z_]/}
  if [ -n "$extra" ]; then echo "$name ($extra)"; else echo "$name"; fi
}
# run <message> [expected refusal]: runs the README's line for <message> (`"` closes a
# message name; more text picks a line among several of one message)
run() {
  local cmd err rc
  cmd=$(line "$1")
  echo "\$ $cmd"
  set +e
  eval "$cmd" >"$work/out.json" 2>"$work/err.txt"
  rc=$?
  set -e
  err=$(cat "$work/err.txt")
  if [ -n "${2:-}" ]; then
    if [ $rc -eq 0 ] || [[ "$err" != *"$2"* ]]; then
      echo "expected the refusal \"$2\", got rc=$rc: $err"; exit 1
    fi
    echo "  refused as expected: $2"
    echo "| \`$(label "$1")\` | refused: $2 | |" >>"$report"
  elif [ $rc -ne 0 ]; then
    echo "  FAILED: $err"; exit 1
  else
    if [[ "$cmd" == "wasmd tx"* ]]; then
      echo "  ok, gas_used $last_gas"
      echo "| \`$(label "$1")\` | ok | $last_gas |" >>"$report"
    else
      echo "  $(head -c 300 "$work/out.json")"
      echo "| \`$(label "$1")\` (query) | ok | |" >>"$report"
    fi
  fi
  passed=$((passed + 1))
}
store() {
  wasmd tx wasm store "$1" --from owner >/dev/null
  w query wasm list-code -o json | jq -r '.code_infos[-1].code_id'
}

step "store and instantiate"
hub_code=$(store artifacts/restake_hub.wasm)
token_code=$(store "$cw20")
# The README's instantiate JSON, as is (21-day unbonding), then the hub the journey uses,
# whose unbonding_period matches this chain's 20 s.
readme_init=$(awk '/^```json$/{on=1;next} /^```$/{if(on){exit}} on' README.md | tr -d '\n')
instantiate() {
  wasmd tx wasm instantiate "$1" "$2" --label "$3" --admin "$(addr owner)" --from owner
  w query wasm list-contract-by-code "$1" -o json | jq -r '.contracts[-1]'
}
instantiate "$hub_code" "$readme_init" restake-hub-readme >/dev/null
HUB=$(instantiate "$hub_code" '{"unbonding_period":20,"min_deposit":"1000000","max_veto_period":604800,"slash_destination":{"community_pool":{}}}' restake-hub)
TOKEN=$(instantiate "$token_code" '{"name":"Bridge fee","symbol":"BRG","decimals":6,"initial_balances":[{"address":"'"$(addr bridge)"'","amount":"1000000000"}]}' bridge-fee)
VAL=$(w query staking validators -o json | jq -r '.validators[0].operator_address')
export HUB TOKEN VAL
echo "hub $HUB, token $TOKEN, validator $VAL"

step "the README's lines"
run 'register_service"'
# a second service for opt_in's [1,2]: the same line under another name
cmd=$(line 'register_service"' | sed 's/"name":"oracle"/"name":"bridge"/')
echo "(setup) \$ $cmd"; eval "$cmd" >/dev/null
run 'update_service"'
run 'deposit"'
run 'opt_in"'
run 'distribute_rewards"'
# (setup) the README's cw20 line pays service 1 in $TOKEN, which its admin declares first
wasmd tx wasm execute "$HUB" '{"update_service":{"service_id":1,"add_reward_tokens":["'"$TOKEN"'"]}}' --from oracle-admin
run 'send"'
run 'claim_rewards"'
run 'slash"'
run 'slash_request"'
run 'slash_requests"'
run 'veto_slash"'
run 'execute_slash"' "slash request 1 is vetoed, not pending"
run 'opt_out"'
run 'complete_opt_out"' "nothing to complete"
run 'unbond"'
run 'process_unbondings"'
run 'harvest"'
run 'sync_validator"'
run 'position"'
run 'positions"'
run 'pending_rewards"'
run 'unbondings"'
run 'service_stake"'
run 'staker_overview"'
run 'stats"'
run 'config"'
run 'service"'
run 'services"'
echo "waiting for the chain's 20 s unbonding"
sleep 25
balance() { w query bank balance "$(addr "$1")" "$2" -o json | jq -r .balance.amount; }
before=$(balance alice uatom)
run 'claim_unbonded"'
paid=$(( $(balance alice uatom) - before ))
[ "$paid" -eq 400000 ] || { echo "claim_unbonded paid $paid uatom, expected 400000"; exit 1; }
echo "  alice received $paid uatom (the chain's bank module)"
run 'pause"'
run 'update_config"'
run 'set_service_status"'
run 'update_ownership":{"transfer'
run 'update_ownership":"accept'
run 'ownership"'

step "the staker dashboard against this node's LCD (web/scripts/local-node-check.mjs)"
if [ -x /usr/bin/chromium ]; then
  [ -f web/dist/index.html ] || (cd web && npm ci --no-audit --no-fund --silent && npm run build >/dev/null)
  node web/scripts/local-node-check.mjs http://127.0.0.1:1317 "$HUB" "$(addr alice)"
  dashboard="The staker dashboard (web/) was opened on this node's LCD in headless Chromium: the
overview, alice's page and service 1 show the numbers the node reports
(docs/screenshots/local-node-*.png)."
else
  dashboard="(No /usr/bin/chromium: the dashboard check was skipped; scripts/test-web.sh installs it.)"
fi

step "done: $passed README lines on a real node"
{
  echo "# README commands on a local wasmd node"
  echo
  echo "Written by \`scripts/local-node.sh\`: wasmd v0.53.0 built from the Go module proxy, a"
  echo "single-node chain (uatom, 20 s unbonding), every README command line run verbatim."
  echo
  echo "$dashboard"
  echo
  echo "| message | result | gas_used |"
  echo "|---|---|---:|"
  cat "$report"
} >docs/local-node.md
