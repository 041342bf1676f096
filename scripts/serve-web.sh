#!/usr/bin/env bash
# Serves target/web/ (built by scripts/build-web.sh) on http://127.0.0.1:PORT/
# (default 8080), cross-origin isolated (COOP same-origin, COEP require-corp),
# .wasm as application/wasm: the demo at /, the package at /pkg/evosim.js,
# the examples at /examples/. Needs Node.js; Ctrl-C stops it.
#
#   scripts/serve-web.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-8080}"
case "$port" in
    ''|*[!0-9]*) echo "serve-web: PORT must be a number, not '$port'" >&2; exit 2 ;;
esac
if [ ! -f target/web/index.html ]; then
    echo "serve-web: target/web/ is not built: run scripts/build-web.sh first" >&2
    exit 1
fi
exec node web/serve.mjs target/web "$port"
