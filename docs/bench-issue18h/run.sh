#!/bin/bash
# Issue 18, twelfth session: the CPU backend before (bbeea71) and after
# (the commit named in $2: feed in parallel) in one run, alternating, at
# 100k (four pairs) and 1M (two pairs), 2 threads. Needs release builds at
# /tmp/b/evosim-bbeea71 and /tmp/b/evosim-$2; writes the JSON into $1.
# About 12 minutes on the 2-core VM.
set -e
out=${1:-.}
after=${2:?the commit after}
for pass in 1 2 3 4; do
  for b in bbeea71 $after; do
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/feed100k-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in bbeea71 $after; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/feed1m-$b-$pass.json" > /dev/null
  done
done
echo done
