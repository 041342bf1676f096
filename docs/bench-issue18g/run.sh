#!/bin/bash
# Issue 18, eleventh session: the CPU backend before (4802ed3) and after
# (67d4fc4: the lane filter skips the torus wrap where the search square
# lies inside the world) in one run, alternating, at 100k (four pairs) and
# 1M (two pairs), 2 threads. Needs release builds at /tmp/b/evosim-4802ed3
# and /tmp/b/evosim-67d4fc4; writes the JSON into $1 (default .). About
# 12 minutes on the 2-core VM.
set -e
out=${1:-.}
for pass in 1 2 3 4; do
  for b in 4802ed3 67d4fc4; do
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/cpu100k-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in 4802ed3 67d4fc4; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/cpu1m-$b-$pass.json" > /dev/null
  done
done
echo done
