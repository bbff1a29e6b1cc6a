#!/usr/bin/env bash
# Browser tests of the staker dashboard (web/): installs Debian's Chromium if missing,
# builds the dashboard (npm ci, type-check, vite build), the `restake` CLI, the hub's wasm
# (unless artifacts/ has it: test.sh's wasm stage builds it first) and gaiad (cached in
# ~/.cache/restake-hub), then runs web/tests in headless Chromium:
#   tests/dashboard.test.mjs  against `restake serve` on shipped scenarios and fixtures
#   tests/node.test.mjs       against a local gaiad node it starts and stops itself
#                             (WEB_GAIA_PORT_BASE, default 26900), with a Keplr-API test wallet
# Every number on the pages is compared with the same LCD queries; screenshots land in
# docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - start ))s] $*"; }

step "chromium"
if ! [ -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true

step "dashboard: npm ci, type-check, build (web/dist)"
(cd web && npm ci --no-audit --no-fund && npm run build)

step "restake CLI"
cargo build --locked -p restake-cli
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac

step "hub and vault wasm (artifacts/restake_hub.wasm, artifacts/restake_vault.wasm)"
[ -f artifacts/restake_hub.wasm ] || ./scripts/build-wasm.sh
[ -f artifacts/restake_vault.wasm ] || ./scripts/build-wasm.sh vault
ls -l artifacts/restake_hub.wasm artifacts/restake_vault.wasm

step "gaiad v25.1.1 (cached, or built from the Go module proxy)"
./scripts/gaia-node.sh build

step "browser tests (headless Chromium)"
(cd web && RESTAKE_BIN="$target/debug/restake" CHROMIUM_PATH=/usr/bin/chromium \
  node --test --test-concurrency=1 tests/)

step "done in $(( $(date +%s) - start ))s; screenshots: docs/screenshots/{overview,staker,service}{,-phone}.png"
