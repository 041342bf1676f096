#!/usr/bin/env bash
# Sampling profile of the CPU backend on this VM (no hardware counters:
# cpu-clock only). Needs `apt-get install linux-perf`.
# usage: profile.sh BINARY ENTITIES TICKS
set -e
bin=$1; ent=$2; ticks=$3
perf record -e cpu-clock -F 1999 -o perf-$ent.data "$bin" bench --entities "$ent" --backend cpu --ticks "$ticks"
perf report -i perf-$ent.data --no-children --sort symbol | grep -v '^#' | head -20
# Hottest instructions of steer_one (samples skid a little past the stall).
perf annotate -i perf-$ent.data --stdio -s evosim::cpu::steer::steer_one > annotate-$ent.txt
grep -E '^\s+[0-9]+\.[0-9]+ +:' annotate-$ent.txt | sort -rn | head -30
