#!/bin/bash
# Issue 18, twelfth session: evosim's CPU backend (the build named in $2,
# at /tmp/b/evosim-$2) and the JS original (laubsauger/gene-sim @ d4ade0d,
# checkout in $1) at 100k entities, alternating evosim, gene-sim, evosim,
# gene-sim, evosim in one run; one JSON line per run into
# side-by-side.jsonl beside this script. About six minutes on the 2-core VM.
set -e
gs=${1:?gene-sim checkout}; build=${2:?evosim build}
here=$(cd "$(dirname "$0")" && pwd); out="$here/side-by-side.jsonl"
evosim() {
  /tmp/b/evosim-$build bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json /tmp/sbs.json > /dev/null
  python3 -c "import json; d=json.load(open('/tmp/sbs.json')); r=d['results'][0]; print(json.dumps({'anchor':'evosim-cpu','build':'$build','entities':100000,'median_ms':r['median_ms'],'p95_ms':r['p95_ms'],'steer_ms':r['passes']['steer'],'population_end':r['population_end'],'threads':r['threads']}))" >> "$out"
}
genesim() {
  /work/shared/bench-anchors/gene-sim.sh "$gs" 100000 100 2>/dev/null | tail -1 >> "$out"
}
evosim; genesim; evosim; genesim; evosim
cat "$out"
