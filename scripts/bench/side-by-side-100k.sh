#!/usr/bin/env bash
# side-by-side-100k.sh EVOSIM_BIN GENE_SIM_DIR [OUT.jsonl] — evosim's CPU
# backend and the JS original (laubsauger/gene-sim's worker core, through
# ../shared/bench-anchors/gene-sim.sh) at 100k entities, alternating:
# evosim, gene-sim, evosim, gene-sim, evosim, one JSON line per run
# (default OUT: a new temporary file, printed at the end). Compare the ratio
# of runs next to each other: the JS original slows more than evosim when
# the machine is busy. About six minutes on 2 cores.
set -euo pipefail
bin=${1:?usage: side-by-side-100k.sh EVOSIM_BIN GENE_SIM_DIR [OUT.jsonl]}
gs=${2:?gene-sim checkout}
out=${3:-$(mktemp --suffix=.jsonl)}
anchors=${ANCHORS:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench-anchors}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
evosim() {
  "$bin" bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$tmp/e.json" > /dev/null
  python3 - "$tmp/e.json" >> "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(json.dumps({"anchor": "evosim-cpu", "entities": 100000, "median_ms": r["median_ms"],
                  "p95_ms": r["p95_ms"], "steer_ms": r["passes"]["steer"],
                  "population_end": r["population_end"], "threads": r["threads"]}))
PY
}
genesim() {
  "$anchors/gene-sim.sh" "$gs" 100000 100 2> /dev/null | tail -n 1 >> "$out"
}
evosim; genesim; evosim; genesim; evosim
cat "$out"
echo "written to $out"
