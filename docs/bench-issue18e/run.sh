#!/bin/bash
# Issue 18, ninth session: the food amount in 16-bit quanta (the change that
# landed with this folder), before (6f5d450) and after, in one run,
# alternating. Needs release builds at /tmp/b/evosim-before and
# /tmp/b/evosim-after; writes the JSON into $1 (default .). About 12 minutes
# on the 2-core VM (lavapipe for the GPU rows).
set -e
out=${1:-.}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
for pass in 1 2; do
  for b in before after; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --warmup 1 --quiet --json "$out/cpu1m-$b-$pass.json" > /dev/null
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 100 --warmup 10 --quiet --json "$out/cpu100k-$b-$pass.json" > /dev/null
  done
done
for b in before after; do
  /tmp/b/evosim-$b bench --entities 1M --backend gpu --ticks 3 --warmup 1 --quiet --json "$out/gpu1m-$b.json" > /dev/null
  /tmp/b/evosim-$b bench --entities 100k --backend gpu --ticks 40 --warmup 5 --quiet --json "$out/gpu100k-$b.json" > /dev/null
done
echo done
