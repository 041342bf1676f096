#!/usr/bin/env bash
# Builds the browser demo into target/web/: the evosim-web crate for
# wasm32-unknown-unknown (release), its JS bindings (wasm-bindgen --target web),
# the page (web/index.html, bootstrap.js, style.css) and the bundled scenarios.
# Installs the wasm32 target and the wasm-bindgen-cli matching Cargo.lock when
# missing (from crates.io: nothing is downloaded at run time).
#
#   scripts/build-web.sh            # then scripts/serve-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/web

if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
    echo "build-web: installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
    echo "build-web: installing wasm-bindgen-cli $want (found: ${have:-none}; takes a few minutes once)"
    cargo install wasm-bindgen-cli --version "$want"
fi

echo "build-web: cargo build --target wasm32-unknown-unknown --release -p evosim-web"
# No line tables in the browser build: they only make the download bigger.
CARGO_PROFILE_RELEASE_DEBUG=0 cargo build --target wasm32-unknown-unknown --release -p evosim-web

rm -rf "$out"
mkdir -p "$out/pkg" "$out/scenarios"
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/evosim_web.wasm"
cp web/index.html web/bootstrap.js web/style.css "$out/"
cp scenarios/*.toml "$out/scenarios/"
size=$(du -k "$out/pkg/evosim_web_bg.wasm" | cut -f1)
echo "build-web: built $out/ (wasm ${size} KiB); serve it with scripts/serve-web.sh"
