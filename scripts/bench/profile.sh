#!/usr/bin/env bash
# profile.sh BINARY ENTITIES TICKS [OUTDIR] — a sampling profile of the CPU
# backend with perf's cpu-clock event (works on VMs without hardware
# counters; `apt-get install linux-perf`). Prints the hottest symbols and the
# hottest instructions of steer_one (samples skid a little past a stall);
# the data and the annotation stay in OUTDIR (default: a new temporary
# folder).
#
#   scripts/bench/profile.sh target/release/evosim 100k 200
set -euo pipefail
bin=${1:?usage: profile.sh BINARY ENTITIES TICKS [OUTDIR]}
ent=${2:?entities}
ticks=${3:?ticks}
out=${4:-$(mktemp -d)}
mkdir -p "$out"
perf record -e cpu-clock -F 1999 -o "$out/perf-$ent.data" \
  "$bin" bench --entities "$ent" --backend cpu --ticks "$ticks" --quiet
perf report -i "$out/perf-$ent.data" --no-children --sort symbol | grep -v '^#' | head -20
perf annotate -i "$out/perf-$ent.data" --stdio -s evosim::cpu::steer::steer_one > "$out/annotate-$ent.txt"
grep -E '^\s+[0-9]+\.[0-9]+ +:' "$out/annotate-$ent.txt" | sort -rn | head -30
echo "profile in $out"
