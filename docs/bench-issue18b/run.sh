#!/bin/bash
# Issue 18, fifth session: CPU memory before (d809edf) and after, in one run,
# alternating. Needs release builds at /tmp/evosim-before and /tmp/evosim-after;
# writes the JSON beside this script's working directory ($1, default .).
set -e
out=${1:-.}
for pass in 1 2; do
  for b in before after; do
    /tmp/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/m1-$b-$pass.json" > /dev/null
    /tmp/evosim-$b bench --entities 100k --backend cpu --ticks 100 --warmup 10 --quiet --json "$out/k100-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in before after; do
    /tmp/evosim-$b bench --entities 10k,25k,50k,100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/sweep-$b-$pass.json" > /dev/null
  done
done
echo done
