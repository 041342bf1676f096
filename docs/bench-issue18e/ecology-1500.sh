#!/bin/bash
# Issue 18, ninth session: tests/ecology.rs' world (1,500 entities, ten
# minutes, 36,000 ticks) before (6f5d450) and after the 16-bit food, seeds
# 42 (the test's) and 7, sampled every second. Needs /tmp/b/evosim-before
# and /tmp/b/evosim-after; writes e1500-<build>-<seed>.csv/.json into $1.
set -e
out=${1:-.}
for seed in 42 7; do
  for b in before after; do
    /tmp/b/evosim-$b run --backend cpu --entities 1500 --ticks 36000 --seed $seed \
      --stats-csv "$out/e1500-$b-$seed.csv" --stats-every 60 --quiet --json | tail -n 1 > "$out/e1500-$b-$seed.json"
  done
done
echo done
