#!/usr/bin/env bash
# Issue 20's cost of the species bookkeeping at 100k on the CPU backend:
# the build before it (d17f54f) against the build with it, four pairs, the
# order alternating between pairs. BEFORE and AFTER are the two release
# binaries (build each in its own checkout with its own target folder: two
# checkouts sharing one target folder overwrite each other's library).
set -euo pipefail
cd "$(dirname "$0")"
BEFORE=${BEFORE:?path of the evosim binary built from d17f54f}
AFTER=${AFTER:?path of the evosim binary built from this work}
for pair in "1 before after" "2 before after" "3 after before" "4 after before"; do
  set -- $pair
  i=$1; shift
  for b in "$@"; do
    bin=$BEFORE; [ "$b" = after ] && bin=$AFTER
    "$bin" bench --entities 100k --backend cpu --ticks 200 --warmup 20 --json "$b-$i.json" > "$b-$i.txt"
  done
done
