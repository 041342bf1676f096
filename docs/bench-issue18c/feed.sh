#!/bin/bash
# Issue 18, sixth session: GPU feed with a buffer of grazers per food cell
# (`eaters`, 5463b56) against the grazer table in steer's scratch (the commit
# after 497e084), on lavapipe, alternating. Needs release builds at
# /tmp/b/evosim-eaters and /tmp/b/evosim-table; writes the JSON into $1.
set -e
out=${1:-.}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
for pass in 1 2; do
  for b in eaters table; do
    /tmp/b/evosim-$b bench --entities 1M --backend gpu --ticks 3 --warmup 1 --quiet --json "$out/feed1m-$b-$pass.json" > /dev/null
    /tmp/b/evosim-$b bench --entities 100k --backend gpu --ticks 40 --warmup 5 --quiet --json "$out/feed100k-$b-$pass.json" > /dev/null
  done
done
echo done
