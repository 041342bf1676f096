#!/bin/bash
# Issue 18, twelfth session: 5663c9b (feed in parallel) against 32f8d43
# (steer's per-neighbour work inlined) in one run, alternating, at 100k
# (four pairs) and 1M (two pairs), 2 threads. Needs release builds at
# /tmp/b/evosim-5663c9b and /tmp/b/evosim-32f8d43; writes the JSON into $1.
# About 12 minutes on the 2-core VM.
set -e
out=${1:-.}
for pass in 1 2 3 4; do
  for b in 5663c9b 32f8d43; do
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/visit100k-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in 5663c9b 32f8d43; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/visit1m-$b-$pass.json" > /dev/null
  done
done
echo done
