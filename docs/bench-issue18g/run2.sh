#!/bin/bash
# Issue 18, eleventh session: the CPU backend before (67d4fc4) and after
# (f8eba51: the view-cone test without a square root) in one run,
# alternating, at 100k (four pairs) and 1M (two pairs), 2 threads. Needs
# release builds at /tmp/b/evosim-67d4fc4 and /tmp/b/evosim-f8eba51; writes
# the JSON into $1 (default .). About 12 minutes on the 2-core VM.
set -e
out=${1:-.}
for pass in 1 2 3 4; do
  for b in 67d4fc4 f8eba51; do
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/cone100k-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in 67d4fc4 f8eba51; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/cone1m-$b-$pass.json" > /dev/null
  done
done
echo done
