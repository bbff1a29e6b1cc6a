#!/usr/bin/env bash
# Browser tests of the staker dashboard (web/): installs Debian's Chromium if missing,
# builds the dashboard (npm ci, type-check, vite build) and the `restake` CLI, then runs
# web/tests in headless Chromium against `restake serve` on shipped scenarios. Every number
# on the pages is compared with the same LCD queries; screenshots land in docs/screenshots/.
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

step "browser tests (headless Chromium)"
(cd web && RESTAKE_BIN="$target/debug/restake" CHROMIUM_PATH=/usr/bin/chromium \
  node --test --test-concurrency=1 tests/)

step "done in $(( $(date +%s) - start ))s; screenshots: docs/screenshots/{overview,staker,service}.png"
