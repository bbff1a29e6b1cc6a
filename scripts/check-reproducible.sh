#!/usr/bin/env bash
# Proves the wasm build is reproducible: copies this tree's sources (tracked and untracked,
# not ignored: what a clean checkout of the same state holds) into another folder, builds
# there with its own target folder and its own CARGO_HOME (crates unpacked anew from the
# same downloaded .crate files, so no network), and compares the sha256 with
# artifacts/restake_hub.wasm. Different folder, different registry path, same bytes.
#
# Usage: scripts/check-reproducible.sh        (builds artifacts/restake_hub.wasm first if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f artifacts/restake_hub.wasm ] || ./scripts/build-wasm.sh
cargo_home=${CARGO_HOME:-$HOME/.cargo}
work=$(mktemp -d "${TMPDIR:-/tmp}/restake-rebuild.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy="$work/elsewhere/restake-hub-rebuild"
mkdir -p "$copy" "$work/cargo-home/registry"

git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$copy"
# binaryen as installed here (tools/package-lock.json): hard links, no download
cp -al tools/node_modules "$copy/tools/node_modules"
# the registry's index and .crate files, hard-linked; cargo unpacks them under the new home
for d in index cache; do
  [ -d "$cargo_home/registry/$d" ] && cp -al "$cargo_home/registry/$d" "$work/cargo-home/registry/$d"
done
for f in config.toml config; do
  [ -f "$cargo_home/$f" ] && cp "$cargo_home/$f" "$work/cargo-home/$f"
done

(cd "$copy" && CARGO_HOME="$work/cargo-home" CARGO_TARGET_DIR="$work/target" ./scripts/build-wasm.sh) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; echo "the second build failed"; exit 1; }

here=$(sha256sum artifacts/restake_hub.wasm | cut -d' ' -f1)
there=$(sha256sum "$copy/artifacts/restake_hub.wasm" | cut -d' ' -f1)
echo "built in $PWD:                 $here"
echo "built in $copy (own target dir and CARGO_HOME): $there"
if [ "$here" != "$there" ]; then
  echo "the wasm is not reproducible: the two builds differ"
  for w in artifacts/restake_hub.wasm "$copy/artifacts/restake_hub.wasm"; do
    echo "$w: $(stat -c %s "$w") bytes; machine paths inside: $(grep -a -o -E '(/[A-Za-z0-9._-]+){2,}/(src|registry)/' "$w" | sort -u | head -5 | tr '\n' ' ')"
  done
  exit 1
fi
echo "reproducible: both builds give sha256 $here"
