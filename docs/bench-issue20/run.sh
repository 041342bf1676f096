#!/usr/bin/env bash
# Issue 20's cost of the species bookkeeping at 100k on the CPU backend:
# the build before it (d17f54f) against the build with it, alternated.
# BEFORE and AFTER are the two release binaries (build each in its own
# checkout with its own target folder: two checkouts sharing one target
# folder overwrite each other's library).
set -euo pipefail
cd "$(dirname "$0")"
BEFORE=${BEFORE:?path of the evosim binary built from d17f54f}
AFTER=${AFTER:?path of the evosim binary built from this work}
for i in 1 2; do
  for b in before after; do
    bin=$BEFORE; [ "$b" = after ] && bin=$AFTER
    "$bin" bench --entities 100k --backend cpu --ticks 200 --warmup 20 --json "$b-$i.json" > "$b-$i.txt"
  done
done
for i in 3 4; do
  for b in after before; do
    bin=$BEFORE; [ "$b" = after ] && bin=$AFTER
    "$bin" bench --entities 100k --backend cpu --ticks 200 --warmup 20 --json "$b-$i.json" > "$b-$i.txt"
  done
done
