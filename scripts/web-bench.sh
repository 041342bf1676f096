#!/usr/bin/env bash
# web-bench.sh OUT.json [ENTITIES] [THREADS] — `evosim bench`'s measurement
# inside the browser demo, in Debian's headless Chromium: the CPU backend on
# the default scenario at constant density (seed 42), 20 warm-up then 200
# timed ticks per count, once per thread count (`?bench=ENTITIES&threads=K`).
# Writes {user_agent, browser, …, results: [{entities, backend, threads,
# threads_requested, median_ms, p95_ms, p99_ms, population_start,
# population_end, state_hash, …}]} to OUT.json; progress goes to stderr.
#
#   scripts/web-bench.sh out-web.json                 # 10k,25k,50k,100k × threads 1,2
#   scripts/web-bench.sh out-web.json 10k,25k 1
#
# ENTITIES default 10k,25k,50k,100k; THREADS default 1,2 (`threads` is the
# rayon pool size the page is asked for; each row records the one it ran).
# Environment: WEB_BENCH_TICKS, WEB_BENCH_WARMUP (defaults 200 and 20),
# WEB_BENCH_NO_BUILD=1 (use target/web as it is), CHROMIUM (/usr/bin/chromium).
# Builds the page first with scripts/build-web.sh (quick when nothing changed).
# Needs Node.js, Chromium and playwright-core (`cd web/tests && npm ci`).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    [ -n "${1:-}" ] && echo "web-bench: $1" >&2
    echo "usage: scripts/web-bench.sh OUT.json [ENTITIES] [THREADS]" >&2
    echo "  ENTITIES: counts, comma-separated (10k,25k,50k,100k; 1.5m and 3000 work too)" >&2
    echo "  THREADS: thread counts, comma-separated (default 1,2)" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 3 ] || usage "expected 1 to 3 arguments, got $#"
out="$1"
entities="${2:-10k,25k,50k,100k}"
threads="${3:-1,2}"
count='[0-9]+(\.[0-9]+)?[kKmM]?'
[[ "$entities" =~ ^$count(,$count)*$ ]] || usage "ENTITIES '$entities' is not a list of counts"
[[ "$threads" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || usage "THREADS '$threads' is not a list of thread counts (1 or more)"
for v in "${WEB_BENCH_TICKS:-1}" "${WEB_BENCH_WARMUP:-0}"; do
    [[ "$v" =~ ^[0-9]+$ ]] || usage "WEB_BENCH_TICKS and WEB_BENCH_WARMUP must be tick counts, not '$v'"
done
[ "${WEB_BENCH_TICKS:-1}" -ge 1 ] || usage "WEB_BENCH_TICKS must be at least 1"
[[ "$out" == *.json ]] || usage "OUT '$out' should end in .json"
[ -d "$out" ] && usage "OUT '$out' is a folder"
dir=$(dirname -- "$out")
[ -d "$dir" ] || usage "OUT's folder '$dir' does not exist"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    echo "web-bench: no Chromium at $chromium: apt-get install chromium (or set CHROMIUM)" >&2
    exit 1
fi
if ! command -v node >/dev/null; then
    echo "web-bench: no Node.js: apt-get install nodejs" >&2
    exit 1
fi
if [ ! -d web/tests/node_modules/playwright-core ]; then
    echo "web-bench: no playwright-core: (cd web/tests && npm ci) (it downloads no browser)" >&2
    exit 1
fi

if [ "${WEB_BENCH_NO_BUILD:-0}" = 1 ]; then
    [ -f target/web/index.html ] || { echo "web-bench: WEB_BENCH_NO_BUILD=1 but target/web/ is not built" >&2; exit 1; }
else
    echo "web-bench: building the page (scripts/build-web.sh)" >&2
    scripts/build-web.sh >&2
fi

CHROMIUM="$chromium" WEB_ROOT=target/web exec node web/tests/bench.mjs "$out" "$entities" "$threads"
