#!/usr/bin/env bash
# Issue 19's before/after in one run: two release binaries (BEFORE: the
# commit before the work, AFTER: with it), alternated twice, on the
# GPU backend (lavapipe here) at 5k and 100k and the CPU backend at 100k.
#
#   docs/bench-issue19/run.sh BEFORE_BIN AFTER_BIN OUT_DIR
set -euo pipefail
before=$1 after=$2 out=$3
mkdir -p "$out"
for pass in 1 2; do
  for which in before after; do
    bin=$before; [ "$which" = after ] && bin=$after
    "$bin" bench --entities 5k,100k --backend gpu --ticks 200 --warmup 20 --quiet \
      --json "$out/gpu-$which-$pass.json" > "$out/gpu-$which-$pass.txt"
    "$bin" bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet \
      --json "$out/cpu-$which-$pass.json" > "$out/cpu-$which-$pass.txt"
  done
done
