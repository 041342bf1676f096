#!/bin/bash
# Issue 18, tenth session: the ecology with food cells of 32 wu (capacity 16,
# the default before this change) and of 64 wu (capacity 64, the terrain's
# cell size: the same food per area), with one binary (/tmp/b/evosim-A,
# 61b21b3) and the scenario's [food] table as the only difference. 10k
# entities, 10,000 ticks, seeds 42, 7, 3 and 5, population per tribe every
# 500 ticks; then tests/ecology.rs' world (1,500 entities, 36,000 ticks),
# seeds 42 and 7, every 60 ticks. Writes into $1 (default .). About 12
# minutes on the 2-core VM.
set -e
out=${1:-.}
bin=${EVOSIM:-/tmp/b/evosim-A}
here=$(cd "$(dirname "$0")" && pwd)
scen() {
  case $1 in
    32) echo "$here/../../scenarios/default.toml" ;;
    64) echo "$out/food64.toml" ;;
  esac
}
cp "$here/../../scenarios/default.toml" "$out/food64.toml"
printf '\n[food]\ncell_size = 64\ncapacity = 64\n' >> "$out/food64.toml"
for seed in 42 7 3 5; do
  for c in 32 64; do
    "$bin" run --backend cpu --entities 10k --ticks 10000 --seed $seed --scenario "$(scen $c)" \
      --stats-csv "$out/eco-$c-$seed.csv" --stats-every 500 --quiet --json | tail -n 1 > "$out/eco-$c-$seed.json"
  done
done
for seed in 42 7; do
  for c in 32 64; do
    "$bin" run --backend cpu --entities 1500 --ticks 36000 --seed $seed --scenario "$(scen $c)" \
      --stats-csv "$out/e1500-$c-$seed.csv" --stats-every 60 --quiet --json | tail -n 1 > "$out/e1500-$c-$seed.json"
  done
done
rm "$out/food64.toml"
echo done
