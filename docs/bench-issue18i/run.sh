#!/usr/bin/env bash
# Issue 18, thirteenth session (2026-12-03): the commands behind the two
# leads measured and not kept (docs/BENCHMARKS.md, "Two leads measured and
# not kept"). Release builds in /tmp/b: evosim-head (56ea78c), evosim-grp
# (56ea78c + group-search.patch), evosim-recip2 (56ea78c with the gene decode
# and cos_half_angle by multiplications, in Rust and WGSL). This VM: AMD
# EPYC, 2 cores; nothing else running.
set -euo pipefail
B=${B:-/tmp/b}

# The group search against the lane search: alternated pairs at 100k.
for i in 1 2; do for b in 32f8d43 grp; do
  "$B/evosim-$b" bench --entities 100k --backend cpu --ticks 100 --warmup 20 --json "group100k-$b-$i.json"
done; done

# callgrind, one thread, 10k (instructions are deterministic; wall time on
# this VM is not): steer_one (lane search) against steer (group search).
valgrind --tool=callgrind --callgrind-out-file=cg-head.out "$B/evosim-head" bench --entities 10k --backend cpu --ticks 5 --warmup 1 --threads 1
valgrind --tool=callgrind --callgrind-out-file=cg-grp.out "$B/evosim-grp" bench --entities 10k --backend cpu --ticks 5 --warmup 1 --threads 1

# The hash cell size (an index parameter) swept under callgrind.
for c in 64 80 96 112 128; do
  (cat ../../scenarios/default.toml; printf '\n[hash]\ncell_size = %s\n' "$c") > "sc$c.toml"
  valgrind --tool=callgrind --callgrind-out-file="cgc-$c.out" "$B/evosim-head" bench --scenario "sc$c.toml" --entities 10k --backend cpu --ticks 5 --warmup 1 --threads 1
done

# Divisions against multiplications: eleven alternated pairs at 100k.
for i in 1 2 3; do for b in head recip2; do
  "$B/evosim-$b" bench --entities 100k --backend cpu --ticks 100 --warmup 20 --json "rc100k-$b-$i.json"
done; done
for i in 4 5 6 7 8 9 10 11; do for b in head recip2; do
  "$B/evosim-$b" bench --entities 100k --backend cpu --ticks 60 --warmup 15 --json "rc100k-$b-$i.json"
done; done

# The branch-free lane search: evosim-hits (hits appended by mask bits, the
# column counted from the run's cell starts, ring order by a counting sort)
# and evosim-hits3 (the column from the position), twelve paired rounds.
./paired.sh branchfree 12 100k head hits hits3
valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file=cg-br-head.out "$B/evosim-head" bench --entities 10k --backend cpu --ticks 5 --warmup 1 --threads 1
valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file=cg-br-hits.out "$B/evosim-hits" bench --entities 10k --backend cpu --ticks 5 --warmup 1 --threads 1

# lavapipe: steer.wgsl with a pending list of accepted neighbours
# (evosim-pend) against HEAD, four pairs.
for i in 1 2 3 4; do for b in head pend; do
  "$B/evosim-$b" bench --entities 100k --backend gpu --ticks 40 --warmup 10 --json "lavapipe-pending-$b-$i.json"
done; done
