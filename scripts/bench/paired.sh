#!/usr/bin/env bash
# paired.sh ENTITIES ROUNDS BASE OTHER... — a paired comparison of release
# builds of evosim on a noisy machine.
#
# Each round runs every build once, in turn (`evosim bench --entities
# ENTITIES --backend cpu --ticks 50 --warmup 10`); then, per build, the mean
# steer and tick times and the mean ratio to BASE over the rounds with its
# standard error. BASE and OTHER are paths of evosim binaries (build each in
# its own checkout: two checkouts sharing one target folder overwrite each
# other's library). The JSON goes to $OUT (default: a new temporary folder,
# printed at the end).
#
#   scripts/bench/paired.sh 100k 12 /path/evosim-before /path/evosim-after
#
# On a 2-core VM whose runs move by ±15% between minutes, a dozen rounds
# resolve about 2%.
set -euo pipefail
ent=${1:?usage: paired.sh ENTITIES ROUNDS BASE OTHER...}
n=${2:?rounds}
shift 2
[ $# -ge 2 ] || { echo "paired.sh: give at least two binaries" >&2; exit 2; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
for i in $(seq 1 "$n"); do
  k=0
  for bin in "$@"; do
    "$bin" bench --entities "$ent" --backend cpu --ticks 50 --warmup 10 --quiet \
      --json "$out/b$k-$i.json" > /dev/null
    k=$((k + 1))
  done
done
python3 - "$out" "$n" "$@" <<'PY'
import json, math, statistics as st, sys
out, n, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(k):
    return [json.load(open(f"{out}/b{k}-{i}.json"))["results"][0] for i in range(1, n + 1)]
base = load(0)
for k, name in enumerate(bins):
    s = load(k)
    for key, get in [("steer", lambda r: r["passes"]["steer"]), ("tick", lambda r: r["median_ms"])]:
        v = [get(r) for r in s]
        d = [get(r) / get(b) - 1 for r, b in zip(s, base)]
        se = st.stdev(d) / math.sqrt(n) if n > 1 else 0.0
        print(f"{name}: {key:5s} mean {st.mean(v):7.2f} ms, against the first: "
              f"{100 * st.mean(d):+5.1f}% ± {100 * se:.1f}%")
    print(f"    state_hash {s[0]['state_hash']}")
PY
echo "JSON in $out"
