#!/bin/bash
# Issue 18, eleventh session: the ecology before (67d4fc4) and after
# (f8eba51: the view-cone test without a square root) with the default
# scenario: 10k entities, 10,000 ticks, seeds 42, 7, 3 and 5, population per
# tribe every 500 ticks. Needs release builds at /tmp/b/evosim-67d4fc4 and
# /tmp/b/evosim-f8eba51; writes into $1 (default .). About 6 minutes on the
# 2-core VM.
set -e
out=${1:-.}
for seed in 42 7 3 5; do
  for b in 67d4fc4 f8eba51; do
    /tmp/b/evosim-$b run --backend cpu --entities 10k --ticks 10000 --seed $seed \
      --stats-csv "$out/eco-$b-$seed.csv" --stats-every 500 --quiet --json | tail -n 1 > "$out/eco-$b-$seed.json"
  done
done
echo done
