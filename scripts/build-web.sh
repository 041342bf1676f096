#!/usr/bin/env bash
# Builds the browser package and the demo into target/web/:
#
#   pkg/          the package `evosim` (web/package/: package.json, evosim.js,
#                 evosim.d.ts, worker.js, sim-worker.js) with the evosim-web
#                 crate built for wasm32-unknown-unknown (release) twice, with
#                 its JS bindings and TypeScript declarations (wasm-bindgen
#                 --target web):
#   pkg/threads/  WebAssembly threads: rayon's pool on Web Workers sharing the
#                 wasm memory (wasm-bindgen-rayon). Needs std rebuilt with
#                 atomics, which only nightly can do: built from web/, where
#                 web/rust-toolchain.toml picks nightly and web/.cargo/config.toml
#                 sets build-std, +atomics and the linker flags. Target dir
#                 target/wasm-threads. Loaded by cross-origin isolated pages.
#   pkg/single/   One thread, the pinned stable toolchain. Loaded by pages
#                 that are not cross-origin isolated (no shared memory there).
#   index.html, demo.js, coi-worker.js, style.css, scenarios/
#                 the demo page, one embedder of the package;
#   examples/     web/examples/ (embed.html: a viewer and a headless
#                 simulation in a page of one's own).
#
# Both with +simd128. Installs what is missing: the wasm32 target, nightly's
# rust-src, the wasm-bindgen-cli matching Cargo.lock (from crates.io).
#
# The demo registers coi-worker.js, a service worker that adds COOP/COEP, when
# its server does not send them: it then runs threaded from any static host.
#
#   scripts/build-web.sh            # then scripts/serve-web.sh
#   scripts/build-web.sh --site DIR # and copy the page to DIR, ready to publish
set -euo pipefail
site=
case "${1:-}" in
    "") ;;
    --site)
        site=${2:?"build-web: --site needs a folder (scripts/build-web.sh --site DIR)"}
        [ $# -eq 2 ] || { echo "build-web: unexpected arguments after --site $site" >&2; exit 2; } ;;
    *) echo "build-web: unknown argument '$1' (usage: scripts/build-web.sh [--site DIR])" >&2; exit 2 ;;
esac
if [ -n "$site" ]; then
    site=$(realpath -m "$site")
    if [ -e "$site" ] && [ -n "$(ls -A "$site")" ]; then
        echo "build-web: --site $site is not empty: give a new or empty folder" >&2
        exit 2
    fi
fi
cd "$(dirname "$0")/.."
root=$(pwd)
out=target/web

if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
    echo "build-web: installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "build-web: the threaded build needs a nightly toolchain (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
    echo "build-web: installing nightly's rust-src (the threaded build rebuilds std)"
    rustup component add rust-src --toolchain nightly
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
    echo "build-web: installing wasm-bindgen-cli $want (found: ${have:-none}; takes a few minutes once)"
    cargo install wasm-bindgen-cli --version "$want"
fi

# No line tables in the browser builds: they only make the download bigger.
export CARGO_PROFILE_RELEASE_DEBUG=0

echo "build-web: single-threaded build (stable): cargo build --target wasm32-unknown-unknown --release -p evosim-web"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
    cargo build --target wasm32-unknown-unknown --release -p evosim-web

echo "build-web: threaded build (nightly, from web/): cargo build --release -p evosim-web"
# Run from cargo (`cargo test` runs this script), the environment names the
# outer toolchain (RUSTUP_TOOLCHAIN overrides web/rust-toolchain.toml) and
# its tools: without them, and on nightly explicitly.
(cd web && env -u RUSTUP_TOOLCHAIN -u RUSTC -u RUSTDOC -u RUSTC_WRAPPER -u RUSTFLAGS \
    -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_TARGET -u CARGO \
    CARGO_TARGET_DIR="$root/target/wasm-threads" rustup run nightly cargo build --release -p evosim-web)

rm -rf "$out"
mkdir -p "$out/scenarios"
# The single-threaded build lands where cargo puts it ($CARGO_TARGET_DIR when set).
# The declarations (.d.ts) carry the types tsify derives from the Rust ones.
wasm-bindgen --target web --out-dir "$out/pkg/single" \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/evosim_web.wasm"
wasm-bindgen --target web --out-dir "$out/pkg/threads" \
    target/wasm-threads/wasm32-unknown-unknown/release/evosim_web.wasm
cp web/package/* "$out/pkg/"
cp web/index.html web/demo.js web/coi-worker.js web/style.css "$out/"
cp -r web/examples "$out/examples"
cp scenarios/*.toml "$out/scenarios/"
single=$(du -k "$out/pkg/single/evosim_web_bg.wasm" | cut -f1)
threads=$(du -k "$out/pkg/threads/evosim_web_bg.wasm" | cut -f1)
echo "build-web: built $out/: the package $out/pkg/ (wasm ${single} KiB single-threaded, ${threads} KiB threaded), the demo and examples/; serve them with scripts/serve-web.sh"
if [ -n "$site" ]; then
    mkdir -p "$site"
    cp -r "$out"/index.html "$out"/*.js "$out"/style.css "$out"/scenarios "$out"/pkg "$out"/examples "$site/"
    echo "build-web: wrote the site to $site: publish it as it is on any static host (see web/README.md)"
fi
