#!/usr/bin/env bash
# Installs what scripts/test.sh needs on a machine that has rustup, Go, Node.js and npm, or
# stops at once with the exact command to run. Every step is a quick check when its tool is
# already there, so scripts/test.sh runs this first every time.
#
#   Rust 1.95.0 (rust-toolchain.toml) with rustfmt, clippy, rust-src (the wasm build
#                                  compiles the standard library) and the wasm32 target
#   binaryen's wasm-opt            npm ci in tools/ (tools/package-lock.json)
#   Go                             checked (gaiad is built from the Go module proxy)
#   Chromium                       apt-get as root; the dashboard's browser tests
#
# `scripts/setup.sh --wasm`: only what scripts/build-wasm.sh needs (Rust and binaryen), for
# rebuilding the wasm to check a release's checksum (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
wasm_only=""
case "${1:-}" in
  --wasm) wasm_only=1 ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--wasm]" >&2; exit 2 ;;
esac

# Prints what is missing and the exact command that installs it, then stops.
missing() {
  echo "setup: $1" >&2
  echo "  run: $2" >&2
  echo "  then run ./scripts/test.sh again" >&2
  exit 1
}

# Debian packages: installed when we are root, otherwise the command to run.
apt_install() {
  local why=$1
  shift
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing $* ($why)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v apt-get >/dev/null; then
    missing "$why needs the Debian package(s) $*" "sudo apt-get update && sudo apt-get install -y $*"
  else
    missing "$why needs $* (Debian's package names)" "install $* with your system's package manager"
  fi
}

channel=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)

# --- Rust ------------------------------------------------------------------------------
command -v rustup >/dev/null \
  || missing "rustup is not installed" \
    "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain $channel --profile minimal -c rustfmt,clippy,rust-src -t wasm32-unknown-unknown"
# (`rustup show` here fails while the pinned toolchain is missing: ask the stable's rustc)
host=$(RUSTUP_TOOLCHAIN=stable rustc -vV 2>/dev/null | sed -n 's/^host: //p')
[ -n "$host" ] || host=$(rustup toolchain list | sed -n '1s/^[^-]*-\([^ ]*\).*/\1/p')
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
if ! rustup toolchain list | grep -q "^$channel-$host"; then
  # rustup calls a toolchain installed as `stable` "stable", even when it is this very
  # release, and would download it again under its number. `rustup toolchain link` refuses
  # release names, so the number becomes a link to the same folder (no download).
  stable_version=$(rustup run stable rustc --version 2>/dev/null || true)
  if [[ "$stable_version" == "rustc $channel "* ]] && [ -d "$rustup_home/toolchains/stable-$host" ]; then
    ln -s "$rustup_home/toolchains/stable-$host" "$rustup_home/toolchains/$channel-$host"
    echo "setup: Rust $channel is the installed stable: linked it as $channel-$host (no download)"
  else
    echo "setup: installing Rust $channel (rust-toolchain.toml)"
    rustup toolchain install "$channel" --profile minimal -c rustfmt,clippy,rust-src -t wasm32-unknown-unknown \
      || missing "Rust $channel could not be installed" \
        "rustup toolchain install $channel --profile minimal -c rustfmt,clippy,rust-src -t wasm32-unknown-unknown"
  fi
fi
# Quick no-ops when present; they download only what this toolchain lacks.
installed=$(rustup component list --toolchain "$channel" --installed)
for c in rustfmt clippy rust-src; do
  grep -q "^$c" <<<"$installed" || rustup component add --toolchain "$channel" "$c"
done
grep -q "^rust-std-wasm32-unknown-unknown" <<<"$installed" \
  || rustup target add --toolchain "$channel" wasm32-unknown-unknown
echo "setup: $(rustc --version), $(cargo --version | cut -d' ' -f1-2), rustfmt, clippy, rust-src, wasm32-unknown-unknown"

# --- Node, binaryen ------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null \
  || missing "Node.js 20+ and npm are needed (binaryen, the TypeScript client, the dashboard)" \
    "install Node.js 20 or newer with npm (https://nodejs.org), e.g. sudo apt-get install -y nodejs npm"
binaryen=$(sed -n 's/.*"binaryen": "\(.*\)".*/\1/p' tools/package.json)
if [ "$(node -p 'require("./tools/node_modules/binaryen/package.json").version' 2>/dev/null)" != "$binaryen" ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: node $(node --version), npm $(npm --version), binaryen $binaryen ($(tools/node_modules/.bin/wasm-opt --version))"
[ -z "$wasm_only" ] || exit 0

# --- Go (scripts/gaia-e2e.sh builds gaiad v25.1.1 from the Go module proxy) ---------------
command -v go >/dev/null \
  || missing "Go 1.26+ is needed (the e2e tests build gaiad, the Cosmos Hub's node, from Go sources)" \
    "install Go from https://go.dev/dl (1.26 or newer) and put it on PATH"
echo "setup: $(go version | cut -d' ' -f3-)"

# --- Chromium (the dashboard's browser tests) ---------------------------------------------
[ -x /usr/bin/chromium ] || apt_install "the dashboard's browser tests" chromium
echo "setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

command -v git >/dev/null || apt_install "the schema and reproducibility checks" git
