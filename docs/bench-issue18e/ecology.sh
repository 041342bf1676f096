#!/bin/bash
# Issue 18, ninth session: the ecology before (f32 food amounts, 6f5d450) and
# after (16-bit quanta): 10k entities, 10,000 ticks, seeds 42, 7, 3 and 5,
# population per tribe every 500 ticks. Needs /tmp/b/evosim-before and
# /tmp/b/evosim-after; writes eco-<build>-<seed>.csv and .json into $1
# (default .). About 8 minutes on the 2-core VM.
set -e
out=${1:-.}
for seed in 42 7 3 5; do
  for b in before after; do
    /tmp/b/evosim-$b run --backend cpu --entities 10k --ticks 10000 --seed $seed \
      --stats-csv "$out/eco-$b-$seed.csv" --stats-every 500 --quiet --json | tail -n 1 > "$out/eco-$b-$seed.json"
  done
done
echo done
