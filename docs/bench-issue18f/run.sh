#!/bin/bash
# Issue 18, tenth session: the GPU buffers before (d183554) and after
# (edb555d: terrain in bytes, food capacities through the terrain map, no
# hash cursor, steer's acceleration in vel, an eighth of slot headroom), in
# one run, alternating; the CPU backend at 100k beside them for the
# lavapipe/CPU ratio (the CPU code did not change). Needs release builds at
# /tmp/b/evosim-before and /tmp/b/evosim-after; writes the JSON into $1
# (default .). About 15 minutes on the 2-core VM (lavapipe for the GPU rows).
set -e
out=${1:-.}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
for pass in 1 2; do
  for b in before after; do
    /tmp/b/evosim-$b bench --entities 100k --backend gpu --ticks 40 --warmup 5 --quiet --json "$out/gpu100k-$b-$pass.json" > /dev/null
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 100 --warmup 10 --quiet --json "$out/cpu100k-$b-$pass.json" > /dev/null
  done
done
for b in before after; do
  /tmp/b/evosim-$b bench --entities 1M --backend gpu --ticks 3 --warmup 1 --quiet --json "$out/gpu1m-$b.json" > /dev/null
done
/tmp/b/evosim-after bench --entities 2M --backend gpu --ticks 2 --warmup 1 --quiet --json "$out/gpu2m-after.json" > /dev/null
echo done
