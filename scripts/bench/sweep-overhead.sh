#!/usr/bin/env bash
# sweep-overhead.sh OUTDIR [EVOSIM] — what `evosim sweep` costs over its runs:
# one experiment of RUNS runs (ENTITIES creatures, TICKS ticks, a row every
# 100 ticks) as a sweep with --jobs 1 and --jobs 2, and the same runs as
# separate `evosim run` processes (the lines `--dry-run` prints, with
# --threads 1 and --stats-csv at the same period), one at a time and two at
# a time. Prints the wall seconds of each and the ratios.
#
# docs/BENCHMARKS.md's "Experiments" table comes from it:
#   scripts/bench/sweep-overhead.sh /tmp/sweep-bench target/release/evosim
#
# Environment: RUNS (64, a multiple of 8), ENTITIES (3000), TICKS (3000).
# About 30 minutes on 2 cores at the defaults.
set -euo pipefail
out=${1:?usage: sweep-overhead.sh OUTDIR [EVOSIM]}
bin=$(realpath "${2:-target/release/evosim}")
runs=${RUNS:-64}
rm -rf "$out" && mkdir -p "$out"
cat > "$out/sweep.toml" <<TOML
seed = 11
repetitions = $((runs / 8))
ticks = ${TICKS:-3000}
every = 100
record = ["population", "births", "deaths", "kills", "starved", "tribe_population"]
[set]
entities = ${ENTITIES:-3000}
[vary]
"mutation.rate" = { from = 0.0, to = 0.7, steps = 8 }
TOML
"$bin" sweep "$out/sweep.toml" --dry-run | grep '^evosim run ' > "$out/runs.txt"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

printf 'runs %s, entities %s, ticks %s\n' "$runs" "${ENTITIES:-3000}" "${TICKS:-3000}"
# A run that fails (a seed whose terrain leaves a tribe no ground to spawn
# on) fails in every variant alike: the exit status is not the measurement.
t0=$(now); "$bin" sweep "$out/sweep.toml" --out "$out/jobs1" --jobs 1 --quiet || true; t1=$(now)
sweep1=$(secs "$t0" "$t1"); printf 'sweep --jobs 1                 %8.1f s\n' "$sweep1"
"$bin" sweep "$out/sweep.toml" --out "$out/jobs2" --jobs 2 --quiet || true; t2=$(now)
sweep2=$(secs "$t1" "$t2"); printf 'sweep --jobs 2                 %8.1f s\n' "$sweep2"
printf 'speedup 1 -> 2 jobs: %.2fx\n' "$(echo "$sweep1 / $sweep2" | bc -l)"
# The same runs as processes: `evosim run` replaced by the binary's path.
k=0
while read -r line; do
  echo "${line/#evosim/$bin} --backend cpu --threads 1 --quiet --stats-every 100 --stats-csv $out/run-$k.csv"
  k=$((k + 1))
done < "$out/runs.txt" > "$out/commands.txt"
t3=$(now); bash "$out/commands.txt" > /dev/null 2>&1; t4=$(now)
sep1=$(secs "$t3" "$t4"); printf 'separate runs, one at a time   %8.1f s\n' "$sep1"
printf 'overhead, 1 job:  %+.1f%%\n' "$(echo "($sweep1 / $sep1 - 1) * 100" | bc -l)"
t5=$(now); xargs -P 2 -I{} bash -c "{} > /dev/null 2>&1" < "$out/commands.txt" || true; t6=$(now)
sep2=$(secs "$t5" "$t6"); printf 'separate runs, two at a time   %8.1f s\n' "$sep2"
printf 'overhead, 2 jobs: %+.1f%%\n' "$(echo "($sweep2 / $sep2 - 1) * 100" | bc -l)"
