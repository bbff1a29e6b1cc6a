#!/usr/bin/env bash
# A local Cosmos Hub network on the Hub's own binary: gaiad v25.1.1 (Cosmos SDK 0.53,
# wasmd 0.60, x/liquid), built from the Go module proxy and cached outside the repository.
# See docs/gaia.md for what a contract sees on this chain.
#
#   scripts/gaia-node.sh build                  build (or reuse) gaiad, print its path
#   scripts/gaia-node.sh start                  a fresh network in the background; waits for
#                                               blocks; writes the env file (see `env`)
#   scripts/gaia-node.sh stop                   stop the node started by `start`
#   scripts/gaia-node.sh add-validator NAME AMOUNT
#                                               a validator created after genesis with AMOUNT
#                                               uatom self-bond and a consensus key no node
#                                               runs: the chain jails and slashes it for
#                                               downtime about GAIA_SIGNED_BLOCKS_WINDOW blocks
#                                               after it is bonded
#   scripts/gaia-node.sh env                    print the env file (RPC/REST/gRPC URLs, chain
#                                               id, home, key names and mnemonics)
#   scripts/gaia-node.sh status                 height and validators
#
# Settings (environment, read by `start`; defaults in brackets):
#   GAIA_HOME [target/gaia-node]  GAIA_CHAIN_ID [restake-gaia]  GAIA_PORT_BASE [26700]
#     ports: RPC BASE+57, P2P BASE+56, REST BASE-25343 (1357 by default), gRPC BASE-17543
#     (9157): all on 127.0.0.1, away from the defaults other local nodes use
#   GAIA_BLOCK_TIME [1s]           timeout_commit and timeout_propose
#   GAIA_UNBONDING [40s]           staking unbonding_time
#   GAIA_VOTING_PERIOD [20s]       gov voting_period
#   GAIA_EXPEDITED_VOTING [10s]    gov expedited_voting_period (must be shorter)
#   GAIA_GLOBAL_LSC [0.1]          liquid global_liquid_staking_cap
#   GAIA_VALIDATOR_LSC [0.5]       liquid validator_liquid_staking_cap
#   GAIA_SIGNED_BLOCKS_WINDOW [10] slashing signed_blocks_window
#   GAIA_MIN_SIGNED [0.5]          slashing min_signed_per_window
#   GAIA_DOWNTIME_JAIL [60s]       slashing downtime_jail_duration (gaiad: at least 1 minute)
#   GAIA_SLASH_DOWNTIME [0.1]      slashing slash_fraction_downtime
#   GAIA_GAS_PRICE [0.005]         feemarket min_base_gas_price and base_gas_price (uatom)
#   GAIA_MAX_BLOCK_GAS [75000000]  feemarket max_block_utilization and consensus max_gas
#                                  (mainnet's; gaiad's default is 30000000): no transaction
#                                  may use more gas than this
#   GAIA_MAX_VALIDATORS [180]      staking max_validators (mainnet's; gaiad's default is 100)
#   GAIA_VALIDATOR_STAKE [1000000000000] the genesis validator's self-bond (uatom): keep
#                                  validators added later far below 1/3 of it, or the chain
#                                  halts when they stop signing
#   GAIA_ACCOUNT_BALANCE [100000000000000] uatom of each funded account
#   XDG_CACHE_HOME                 gaiad is cached in ${XDG_CACHE_HOME:-~/.cache}/restake-hub/
#
# Needs Go (1.26: see docs/gaia.md for the sonic upgrade), Node.js (JSON edits) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

version=v25.1.1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/restake-hub/gaiad-$version"
bin="$cache/gaiad"

home="${GAIA_HOME:-$root/target/gaia-node}"
case "$home" in /*) ;; *) home="$root/$home" ;; esac
chain="${GAIA_CHAIN_ID:-restake-gaia}"
base="${GAIA_PORT_BASE:-26700}"
rpc_port=$((base + 57))
p2p_port=$((base + 56))
rest_port=$((base - 25343))
grpc_port=$((base - 17543))
envfile="$home/gaia.env"
pidfile="$home/gaiad.pid"
log="$home/gaiad.log"
keyring=(--keyring-backend test)
# the funded accounts of the genesis (test keyring); `faucet` funds validators added later
accounts=(faucet alice bob carol dave owner keeper service)

say() { echo "gaia-node: $*" >&2; }
die() { say "$*"; exit 1; }
g() { "$bin" --home "$home/node" "$@"; }
# js 'expression of `d` (stdin parsed as JSON)': prints the value (strings as is)
js() { node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const d=JSON.parse(s);const v=('"$1"');process.stdout.write(typeof v==="string"?v:JSON.stringify(v));});'; }
rpc() { curl -fsS --max-time 5 "http://127.0.0.1:$rpc_port/$1"; }
height() { rpc status 2>/dev/null | js 'd.result.sync_info.latest_block_height' 2>/dev/null || echo 0; }

build() {
  if [ -x "$bin" ]; then
    echo "$bin"
    return
  fi
  command -v go >/dev/null || die "Go is required to build gaiad"
  local t0 dir src
  t0=$(date +%s)
  say "building gaiad $version from the Go module proxy (about 10 min on 2 cores with a cold Go cache)"
  mkdir -p "$cache"
  dir=$(go mod download -json "github.com/cosmos/gaia/v25@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download github.com/cosmos/gaia/v25@$version failed"
  src=$(mktemp -d "$cache/src.XXXXXX")
  cp -r "$dir/." "$src"
  chmod -R u+w "$src"
  # sonic v1.13.2 (gaia's) does not build with Go 1.26 (`undefined: GoMapIterator`)
  (cd "$src" && go get github.com/bytedance/sonic@v1.15.5 && go build -o "$bin.tmp" \
    -ldflags "-X github.com/cosmos/cosmos-sdk/version.Name=gaia -X github.com/cosmos/cosmos-sdk/version.AppName=gaiad -X github.com/cosmos/cosmos-sdk/version.Version=$version" \
    ./cmd/gaiad)
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  say "gaiad built in $(($(date +%s) - t0)) s: $bin"
  echo "$bin"
}

need_tools() {
  command -v node >/dev/null || die "Node.js is required (genesis edits)"
  if ! command -v curl >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "curl is required: apt-get install -y curl"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
  fi
}

stop() {
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      say "stopped gaiad (pid $pid)"
    fi
    rm -f "$pidfile"
  fi
  # the env file describes a running node only
  rm -f "$envfile"
}

# waits for transaction $1 to land; prints its JSON; fails on a non-zero code
wait_tx() {
  local res=""
  for _ in $(seq 60); do
    res=$(g query tx "$1" -o json 2>/dev/null) && break
    sleep 0.5
  done
  [ -n "$res" ] || die "transaction $1 was not included in 30 s"
  if [ "$(echo "$res" | js 'd.code')" != 0 ]; then
    die "transaction $1 failed: $(echo "$res" | js 'd.raw_log')"
  fi
  echo "$res"
}
tx() {
  local out
  out=$(g tx "$@" -y "${keyring[@]}" --chain-id "$chain" --gas 400000 --fees 20000uatom -o json) \
    || die "gaiad tx $*: $out"
  [ "$(echo "$out" | js 'd.code')" = 0 ] || die "gaiad tx $* refused: $(echo "$out" | js 'd.raw_log')"
  wait_tx "$(echo "$out" | js 'd.txhash')" >/dev/null
}

start() {
  need_tools
  build >/dev/null
  stop
  local t0
  t0=$(date +%s)
  rm -rf "$home"
  mkdir -p "$home"
  g init node --chain-id "$chain" --default-denom uatom >/dev/null 2>&1
  local mnemonics=() addresses=() balance="${GAIA_ACCOUNT_BALANCE:-100000000000000}"
  # the keys in parallel (a gaiad start costs ~0.7 s; the test keyring is one file per key)
  mkdir -p "$home/keys"
  for n in validator "${accounts[@]}"; do
    g keys add "$n" "${keyring[@]}" --output json >"$home/keys/$n.json" 2>&1 &
  done
  wait
  for n in validator "${accounts[@]}"; do
    local k
    k=$(grep '^{' "$home/keys/$n.json") || die "gaiad keys add $n: $(cat "$home/keys/$n.json")"
    mnemonics+=("$n=$(echo "$k" | js 'd.mnemonic')")
    addresses+=("$(echo "$k" | js 'd.address')")
  done
  rm -rf "$home/keys"
  # the funded accounts, written straight into the genesis (one `add-genesis-account` each
  # would cost a second per account)
  node - "$home/node/config/genesis.json" "$balance" "${addresses[@]}" <<'EOF'
const fs = require("fs");
const [file, amount, ...addresses] = process.argv.slice(2);
const g = JSON.parse(fs.readFileSync(file, "utf8"));
const { auth, bank } = g.app_state;
addresses.forEach((address, i) => {
  auth.accounts.push({ "@type": "/cosmos.auth.v1beta1.BaseAccount", address, pub_key: null,
                       account_number: String(i), sequence: "0" });
  bank.balances.push({ address, coins: [{ denom: "uatom", amount }] });
});
const total = BigInt(amount) * BigInt(addresses.length);
bank.supply = [{ denom: "uatom", amount: String(total) }];
fs.writeFileSync(file, JSON.stringify(g, null, 1));
EOF
  g genesis gentx validator "${GAIA_VALIDATOR_STAKE:-1000000000000}uatom" --chain-id "$chain" \
    --moniker genesis-validator --commission-rate 0.1 "${keyring[@]}" >/dev/null 2>&1
  g genesis collect-gentxs >/dev/null 2>&1

  local genesis="$home/node/config/genesis.json"
  GAIA_UNBONDING="${GAIA_UNBONDING:-40s}" GAIA_VOTING_PERIOD="${GAIA_VOTING_PERIOD:-20s}" \
  GAIA_EXPEDITED_VOTING="${GAIA_EXPEDITED_VOTING:-10s}" GAIA_GLOBAL_LSC="${GAIA_GLOBAL_LSC:-0.1}" \
  GAIA_VALIDATOR_LSC="${GAIA_VALIDATOR_LSC:-0.5}" GAIA_SIGNED_BLOCKS_WINDOW="${GAIA_SIGNED_BLOCKS_WINDOW:-10}" \
  GAIA_MIN_SIGNED="${GAIA_MIN_SIGNED:-0.5}" GAIA_DOWNTIME_JAIL="${GAIA_DOWNTIME_JAIL:-60s}" \
  GAIA_SLASH_DOWNTIME="${GAIA_SLASH_DOWNTIME:-0.1}" GAIA_GAS_PRICE="${GAIA_GAS_PRICE:-0.005}" \
  GAIA_MAX_BLOCK_GAS="${GAIA_MAX_BLOCK_GAS:-75000000}" GAIA_MAX_VALIDATORS="${GAIA_MAX_VALIDATORS:-180}" \
  node - "$genesis" <<'EOF'
const fs = require("fs");
const file = process.argv[2];
const g = JSON.parse(fs.readFileSync(file, "utf8"));
const e = process.env, a = g.app_state;
// LegacyDec JSON: 18 decimals, from the decimal string as written (no float rounding)
const dec = (x) => {
  const m = /^(\d*)(?:\.(\d{0,18}))?$/.exec(String(x).trim());
  if (!m || (m[1] === "" && !m[2])) throw new Error(`not a decimal: ${x}`);
  return `${m[1] || "0"}.${(m[2] || "").padEnd(18, "0")}`;
};
a.staking.params.unbonding_time = e.GAIA_UNBONDING;
a.staking.params.max_validators = Number(e.GAIA_MAX_VALIDATORS);
a.gov.params.voting_period = e.GAIA_VOTING_PERIOD;
a.gov.params.expedited_voting_period = e.GAIA_EXPEDITED_VOTING;
a.gov.params.min_deposit = [{ denom: "uatom", amount: "1000000" }];
a.gov.params.expedited_min_deposit = [{ denom: "uatom", amount: "2000000" }];
a.gov.params.max_deposit_period = "60s";
a.slashing.params.signed_blocks_window = e.GAIA_SIGNED_BLOCKS_WINDOW;
a.slashing.params.min_signed_per_window = dec(e.GAIA_MIN_SIGNED);
a.slashing.params.downtime_jail_duration = e.GAIA_DOWNTIME_JAIL;
a.slashing.params.slash_fraction_downtime = dec(e.GAIA_SLASH_DOWNTIME);
a.liquid.params.global_liquid_staking_cap = dec(e.GAIA_GLOBAL_LSC);
a.liquid.params.validator_liquid_staking_cap = dec(e.GAIA_VALIDATOR_LSC);
a.feemarket.params.fee_denom = "uatom";
a.feemarket.params.min_base_gas_price = dec(e.GAIA_GAS_PRICE);
a.feemarket.state.base_gas_price = dec(e.GAIA_GAS_PRICE);
a.feemarket.params.max_block_utilization = e.GAIA_MAX_BLOCK_GAS;
g.consensus.params.block.max_gas = e.GAIA_MAX_BLOCK_GAS;
// a constant gas price: the base fee never moves with block usage
a.feemarket.params.min_learning_rate = dec("0");
a.feemarket.params.max_learning_rate = dec("0");
a.wasm.params.code_upload_access = { permission: "Everybody", addresses: [] };
a.wasm.params.instantiate_default_permission = "Everybody";
a.mint.params.mint_denom = "uatom";
a.crisis && (a.crisis.constant_fee = { denom: "uatom", amount: "1000" });
fs.writeFileSync(file, JSON.stringify(g, null, 1));
EOF
  g genesis validate >/dev/null 2>&1 || die "genesis does not validate: $(g genesis validate 2>&1 | grep "^Error")"

  local config="$home/node/config/config.toml" app="$home/node/config/app.toml" bt="${GAIA_BLOCK_TIME:-1s}"
  sed -i "s/^timeout_commit = .*/timeout_commit = \"$bt\"/; s/^timeout_propose = .*/timeout_propose = \"$bt\"/" "$config"
  sed -i "/^\[rpc\]/,/^\[/ s|^laddr = .*|laddr = \"tcp://127.0.0.1:$rpc_port\"|" "$config"
  sed -i "/^\[p2p\]/,/^\[/ s|^laddr = .*|laddr = \"tcp://127.0.0.1:$p2p_port\"|" "$config"
  sed -i 's|^cors_allowed_origins = .*|cors_allowed_origins = ["*"]|; s|^pprof_laddr = .*|pprof_laddr = ""|' "$config"
  sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "0uatom"/' "$app"
  # the CLI (gaiad --home ...) talks to this node with the test keyring
  sed -i "s|^node = .*|node = \"tcp://127.0.0.1:$rpc_port\"|; s|^keyring-backend = .*|keyring-backend = \"test\"|; s|^chain-id = .*|chain-id = \"$chain\"|" "$home/node/config/client.toml"
  sed -i "/^\[api\]/,/^\[/ { s/^enable = .*/enable = true/; s/^enabled-unsafe-cors = .*/enabled-unsafe-cors = true/; s|^address = .*|address = \"tcp://127.0.0.1:$rest_port\"| }" "$app"
  sed -i "/^\[grpc\]/,/^\[/ { s/^enable = .*/enable = true/; s|^address = .*|address = \"127.0.0.1:$grpc_port\"| }" "$app"
  sed -i "/^\[grpc-web\]/,/^\[/ s/^enable = .*/enable = false/" "$app"

  nohup "$bin" --home "$home/node" start >"$log" 2>&1 &
  echo $! >"$pidfile"
  local h=0
  for _ in $(seq 120); do
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "gaiad exited: $(tail -n 20 "$log")"
    h=$(height)
    [ "$h" -ge 2 ] && break
    sleep 0.5
  done
  [ "$h" -ge 2 ] || die "no blocks after 60 s: $(tail -n 20 "$log")"
  # the REST server starts beside the node: wait for it too
  for _ in $(seq 40); do
    curl -fsS --max-time 2 "http://127.0.0.1:$rest_port/cosmos/base/tendermint/v1beta1/node_info" >/dev/null 2>&1 && break
    sleep 0.5
  done

  local valoper
  valoper=$(g keys show validator --bech val -a "${keyring[@]}")
  {
    echo "# written by scripts/gaia-node.sh start ($(date -u +%FT%TZ))"
    echo "GAIA_BIN='$bin'"
    echo "GAIA_HOME='$home/node'"
    echo "GAIA_CHAIN_ID='$chain'"
    echo "GAIA_RPC='http://127.0.0.1:$rpc_port'"
    echo "GAIA_REST='http://127.0.0.1:$rest_port'"
    echo "GAIA_GRPC='http://127.0.0.1:$grpc_port'"
    echo "GAIA_DENOM='uatom'"
    echo "GAIA_PREFIX='cosmos'"
    echo "GAIA_GAS_PRICE='${GAIA_GAS_PRICE:-0.005}'"
    echo "GAIA_KEYRING_BACKEND='test'"
    echo "GAIA_UNBONDING_SECONDS='$(dur_seconds "${GAIA_UNBONDING:-40s}")'"
    echo "GAIA_VOTING_PERIOD_SECONDS='$(dur_seconds "${GAIA_VOTING_PERIOD:-20s}")'"
    echo "GAIA_SIGNED_BLOCKS_WINDOW='${GAIA_SIGNED_BLOCKS_WINDOW:-10}'"
    echo "GAIA_SLASH_DOWNTIME='${GAIA_SLASH_DOWNTIME:-0.1}'"
    echo "GAIA_VALIDATOR='$valoper'"
    echo "GAIA_KEYS='validator ${accounts[*]}'"
    for kv in "${mnemonics[@]}"; do
      local n=${kv%%=*}
      echo "GAIA_MNEMONIC_$(echo "$n" | tr '[:lower:]-' '[:upper:]_')='${kv#*=}'"
    done
  } >"$envfile"
  say "gaiad $version, chain $chain, height $h, started in $(($(date +%s) - t0)) s (pid $(cat "$pidfile"))"
  say "RPC http://127.0.0.1:$rpc_port  REST http://127.0.0.1:$rest_port  gRPC 127.0.0.1:$grpc_port"
  say "env file: $envfile"
}

# "40s", "2m", "1h" -> seconds
dur_seconds() {
  local d=$1
  case "$d" in
    *ms) echo 0 ;;
    *s) echo "${d%s}" ;;
    *m) echo $((${d%m} * 60)) ;;
    *h) echo $((${d%h} * 3600)) ;;
    *) echo "$d" ;;
  esac
}

add_validator() {
  local name=$1 amount=$2
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null || die "the node is not running: $0 start"
  [[ "$amount" =~ ^[0-9]+$ ]] || die "AMOUNT is a number of uatom, not '$amount'"
  if ! g keys show "$name" "${keyring[@]}" >/dev/null 2>&1; then
    g keys add "$name" "${keyring[@]}" >/dev/null 2>&1
  fi
  local addr valoper cons pubkey
  addr=$(g keys show "$name" -a "${keyring[@]}")
  valoper=$(g keys show "$name" --bech val -a "${keyring[@]}")
  tx bank send faucet "$addr" "$((amount + 10000000))uatom" --from faucet
  # a consensus key of its own, in a home no node runs
  cons="$home/validators/$name"
  rm -rf "$cons"
  "$bin" init "$name" --home "$cons" --chain-id "$chain" >/dev/null 2>&1
  pubkey=$("$bin" comet show-validator --home "$cons")
  cat >"$cons/validator.json" <<EOF
{"pubkey": $pubkey, "amount": "${amount}uatom", "moniker": "$name",
 "commission-rate": "0.1", "commission-max-rate": "0.2", "commission-max-change-rate": "0.01",
 "min-self-delegation": "1"}
EOF
  tx staking create-validator "$cons/validator.json" --from "$name"
  echo "GAIA_VALIDATOR_$(echo "$name" | tr '[:lower:]-' '[:upper:]_')='$valoper'" >>"$envfile"
  say "validator $name: $valoper, self-bond ${amount}uatom, signs no block"
  echo "$valoper"
}

status() {
  echo "height $(height)"
  g query staking validators -o json 2>/dev/null | js 'd.validators.map(v=>[v.operator_address,v.description.moniker,v.status,v.tokens,v.jailed?"jailed":""].join(" ")).join("\n")'
  echo
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  add-validator)
    [ $# -eq 3 ] || die "usage: $0 add-validator NAME AMOUNT"
    add_validator "$2" "$3"
    ;;
  env)
    [ -f "$envfile" ] || die "no node is running: $0 start"
    cat "$envfile"
    ;;
  status) status ;;
  *)
    sed -n '2,40p' "$0" | sed -n '/^#/!q;s/^# \{0,1\}//p'
    exit 2
    ;;
esac
