#!/usr/bin/env bash
# The restake-hub v0.1 wasm, for the migration test on gaiad (tests/gaia, issue 20): built
# once from commit a1d8858 (the last v0.1 layout on main) with that commit's own
# scripts/build-wasm.sh, and cached outside the repository by commit, like gaiad.
#
#   scripts/build-wasm-v0_1.sh          prints the cached wasm's path (builds it if missing)
#
# The sources come from `git archive` (no worktree to clean up) into target/wasm-v0_1/src,
# inside this repository so that rust-toolchain.toml (Rust 1.95.0) applies to them too;
# the build has its own target folder (target/wasm-v0_1/target, kept for a rebuild) and reuses binaryen from
# tools/node_modules (the same 132.0.0 that commit asks for). About 2 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=a1d8858
cache="${XDG_CACHE_HOME:-$HOME/.cache}/restake-hub/wasm-v0.1-$commit"
wasm="$cache/restake_hub.wasm"
if [ -f "$wasm" ]; then
  echo "$wasm"
  exit 0
fi
git cat-file -e "$commit^{commit}" 2>/dev/null \
  || { echo "commit $commit (restake-hub v0.1) is not in this clone: git fetch --unshallow" >&2; exit 1; }
t0=$(date +%s)
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
work="$PWD/target/wasm-v0_1"
rm -rf "$work/src"
mkdir -p "$work/src"
git archive "$commit" | tar -x -C "$work/src"
cp -al tools/node_modules "$work/src/tools/node_modules"
# that script reads target/ by its relative name: the target folder kept beside the sources
mkdir -p "$work/target"
ln -s ../target "$work/src/target"
(cd "$work/src" && env -u CARGO_TARGET_DIR ./scripts/build-wasm.sh) >&2
mkdir -p "$cache"
cp "$work/src/artifacts/restake_hub.wasm" "$wasm.tmp"
mv "$wasm.tmp" "$wasm"
rm -rf "$work/src"
echo "restake-hub v0.1 ($commit) built in $(($(date +%s) - t0)) s: $(stat -c %s "$wasm") bytes" >&2
echo "$wasm"
