#!/usr/bin/env bash
# ecology.sh OUTDIR LABEL=BINARY[,SCENARIO]... — the ecology of one or more
# builds or scenarios side by side: for each seed, each LABEL's binary runs
# the scenario (default: the bundled one) on the CPU backend and writes the
# population per tribe every EVERY ticks (OUTDIR/LABEL-SEED.csv) and the
# summary (OUTDIR/LABEL-SEED.json, with births, kills, starved, state_hash).
#
# The tables of docs/TUNING.md come from it:
#   scripts/bench/ecology.sh out before=/path/evosim-old after=/path/evosim-new
#   ENTITIES=1500 TICKS=36000 EVERY=60 SEEDS="42 7" scripts/bench/ecology.sh out ...
#   scripts/bench/ecology.sh out w32=target/release/evosim w64=target/release/evosim,food64.toml
#
# Environment: SEEDS (default "42 7 3 5"), ENTITIES (10k), TICKS (10000),
# EVERY (500). About 2 minutes per run of 10,000 ticks at 10k on 2 cores.
set -euo pipefail
out=${1:?usage: ecology.sh OUTDIR LABEL=BINARY[,SCENARIO]...}
shift
[ $# -ge 1 ] || { echo "ecology.sh: give at least one LABEL=BINARY" >&2; exit 2; }
mkdir -p "$out"
for seed in ${SEEDS:-42 7 3 5}; do
  for spec in "$@"; do
    label=${spec%%=*}
    rest=${spec#*=}
    bin=${rest%%,*}
    scenario=()
    if [ "$rest" != "$bin" ]; then scenario=(--scenario "${rest#*,}"); fi
    "$bin" run --backend cpu --entities "${ENTITIES:-10k}" --ticks "${TICKS:-10000}" \
      --seed "$seed" "${scenario[@]}" \
      --stats-csv "$out/$label-$seed.csv" --stats-every "${EVERY:-500}" --quiet --json \
      | tail -n 1 > "$out/$label-$seed.json"
    echo "$label seed $seed: $(cut -c1-120 "$out/$label-$seed.json")"
  done
done
