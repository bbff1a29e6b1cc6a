#!/usr/bin/env bash
# The project's test command (README "Set up and run"), and all CI runs (.ci/run calls it
# as is). On a machine with rustup, Go, Node.js and npm it first installs what it needs
# (scripts/setup.sh) or stops at once with the exact command to run, then checks
# everything, printing each stage's time:
#
#   setup · format · lints · wasm (build, cosmwasm-check, size cap) · reproducible wasm ·
#   tests (workspace, e2e on a real chain, gas bench quick mode) · generated files up to
#   date (schema/, docs/interface.md) · TypeScript client (fresh, type-checks, npm pack) ·
#   publish dry run (crates) · dashboard browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
start=$(date +%s)
logs=target/test-logs
times=()
current=""
trap 'echo; echo "=== FAILED in stage \"$current\" after $(( $(date +%s) - start ))s"' ERR

# stage NAME COMMAND...: runs one stage, prints its time.
stage() {
  current=$1
  shift
  local t0
  t0=$(date +%s)
  echo
  echo "=== [$(( t0 - start ))s] $current"
  "$@"
  local dt=$(( $(date +%s) - t0 ))
  times+=("$(printf '%6ss  %s' "$dt" "$current")")
  echo "--- $current: ${dt}s"
}

wasm() {
  ./scripts/build-wasm.sh
  cosmwasm-check artifacts/restake_hub.wasm
  local size
  size=$(stat -c %s artifacts/restake_hub.wasm)
  if [ "$size" -gt 819200 ]; then
    echo "artifacts/restake_hub.wasm is $size bytes: over wasmd's default upload limit (800 KiB)"
    return 1
  fi
  echo "size: $size bytes ($(( size * 1000 / 819200 / 10 )).$(( size * 1000 / 819200 % 10 )) % of 800 KiB)"
}

tests() {
  mkdir -p "$logs"
  cargo test --workspace --locked 2>&1 | tee "$logs/cargo-test.log"
}

generated() {
  cargo run -q --locked -p restake-types --bin schema >/dev/null
  (cd contracts/example-service && cargo run -q --locked -p example-service --bin example-service-schema >/dev/null)
  cargo run -q --locked -p restake-cli -- schema --markdown docs/interface.md >/dev/null
  git diff --exit-code -- schema contracts/example-service/schema docs/interface.md || {
    echo "generated files are stale: run cargo run -p restake-types --bin schema, example-service's"
    echo "schema bin, and cargo run -p restake-cli -- schema --markdown docs/interface.md"
    return 1
  }
  echo "schema/, contracts/example-service/schema and docs/interface.md are up to date"
}

typescript() {
  ./scripts/check-ts.sh
  # What `npm publish` would ship: the compiled client (prepack builds dist/).
  (cd clients/ts && npm pack --dry-run --loglevel=notice 2>&1 | tee "../../$logs/npm-pack.log" | grep -E "name:|version:|total files:|dist/index")
  grep -q "dist/index.js" "$logs/npm-pack.log" || { echo "npm pack would not ship dist/index.js"; return 1; }
}

publish() {
  # The published crates, packaged and built from their packages as crates.io would see
  # them (restake-hub rides along: restake-multitest depends on it).
  # Its own target folder: restake-hub is a cdylib, so cargo names its rlib without a
  # hash (target/debug/deps/librestake_hub.rlib), and the packaged copy built here would
  # replace the workspace's; the next build linking it then fails with mismatched
  # cosmwasm-std types (seen in the dashboard stage's `cargo build -p restake-cli`).
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/publish-check" \
    cargo publish --dry-run --allow-dirty --locked -p restake-types -p restake-hub -p restake-multitest
}

web() {
  ./scripts/test-web.sh 2>&1 | tee "$logs/test-web.log"
}

stage "setup (scripts/setup.sh)" ./scripts/setup.sh
mkdir -p "$logs"
stage "format (cargo fmt --check)" cargo fmt --all -- --check
stage "lints (cargo clippy -D warnings)" cargo clippy --workspace --all-targets --locked -- -D warnings
stage "wasm: build, cosmwasm-check, size" wasm
stage "reproducible wasm (scripts/check-reproducible.sh)" ./scripts/check-reproducible.sh
stage "tests (workspace; e2e on Osmosis v26; gas bench quick mode)" tests
stage "generated files up to date" generated
stage "TypeScript client (scripts/check-ts.sh, npm pack)" typescript
stage "publish dry run (restake-types, restake-hub, restake-multitest)" publish
stage "dashboard browser tests (scripts/test-web.sh)" web
trap - ERR

echo
echo "=== done in $(( $(date +%s) - start ))s"
printf '%s\n' "${times[@]}"
# One closing line for every test run above: cargo's test binaries and node's test runner
# (TAP "# pass N" when piped, "ℹ pass N" on a terminal).
count() { # count FILE LINE-REGEX FIELD-REGEX: the sum of FIELD's numbers on matching lines
  awk -v line="$2" -v field="$3" '$0 ~ line {
    while (match($0, field)) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); n += s; $0 = substr($0, RSTART + RLENGTH) }
  } END { print n + 0 }' "$1"
}
c="$logs/cargo-test.log"
w="$logs/test-web.log"
passed=$(( $(count "$c" '^test result:' '[0-9]+ passed') + $(count "$w" '^(# |ℹ )pass ' '[0-9]+') ))
failed=$(( $(count "$c" '^test result:' '[0-9]+ failed') + $(count "$w" '^(# |ℹ )fail ' '[0-9]+') ))
skipped=$(( $(count "$c" '^test result:' '[0-9]+ ignored') + $(count "$w" '^(# |ℹ )skipped ' '[0-9]+') ))
echo "tests: $passed passed, $failed failed, $skipped skipped"
