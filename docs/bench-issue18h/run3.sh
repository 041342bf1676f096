#!/bin/bash
# Issue 18, twelfth session, at a quiet hour: the session's start (bbeea71)
# against its end (32f8d43), alternating, 100k (three pairs) and 1M (two
# pairs), then lavapipe against the CPU at 100k (`--backend both`). Needs
# release builds at /tmp/b/evosim-bbeea71 and /tmp/b/evosim-32f8d43; writes
# the JSON into $1. About 12 minutes on the 2-core VM.
set -e
out=${1:-.}
for pass in 1 2 3; do
  for b in bbeea71 32f8d43; do
    /tmp/b/evosim-$b bench --entities 100k --backend cpu --ticks 200 --warmup 20 --quiet --json "$out/end100k-$b-$pass.json" > /dev/null
  done
done
for pass in 1 2; do
  for b in bbeea71 32f8d43; do
    /tmp/b/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json "$out/end1m-$b-$pass.json" > /dev/null
  done
done
/tmp/b/evosim-32f8d43 bench --entities 100k --backend both --ticks 30 --warmup 5 --quiet --json "$out/both100k-32f8d43.json" > /dev/null
echo done
