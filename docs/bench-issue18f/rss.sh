#!/bin/bash
# Issue 18, tenth session: CPU resident memory before (6af3f0e) and after
# feed's food cell per slot moved into the words of sorted_pos (free after
# steer), with the command, each run alone in its process,
# alternating. Needs /tmp/b/evosim-before and /tmp/b/evosim-after; writes
# the JSON into $1 (default .). About 4 minutes on the 2-core VM.
set -e
out=${1:-.}
for pass in 1 2; do
  for b in before after; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/rss1m-$b-$pass.json" > /dev/null
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 100 --warmup 10 --quiet --json "$out/rss100k-$b-$pass.json" > /dev/null
  done
done
echo done
