#!/usr/bin/env bash
# Paired comparison of release builds on this noisy VM: N rounds, each
# running every build once in turn (`evosim bench --entities ENT --backend
# cpu --ticks 50 --warmup 10`), then per build the mean steer and tick times
# and the mean ratio to the first build over the rounds with its standard
# error. Builds are ${B:-/tmp/b}/evosim-NAME.
# usage: paired.sh TAG N ENT base other...
tag=$1; n=$2; ent=$3; shift 3
for i in $(seq 1 $n); do for b in "$@"; do
  ${B:-/tmp/b}/evosim-$b bench --entities $ent --backend cpu --ticks 50 --warmup 10 --json $tag-$b-$i.json >/dev/null 2>&1
done; done
python3 - "$tag" "$n" "$@" <<'PY'
import json,statistics as st,sys,math
tag,n=sys.argv[1],int(sys.argv[2]); bs=sys.argv[3:]
def load(b): return [json.load(open(f'{tag}-{b}-{i}.json'))['results'][0] for i in range(1,n+1)]
base=load(bs[0])
for b in bs:
  s=load(b)
  for key,get in [('steer',lambda x:x['passes']['steer']),('tick',lambda x:x['median_ms'])]:
    v=[get(x) for x in s]; d=[get(x)/get(y)-1 for x,y in zip(s,base)]
    se=st.stdev(d)/math.sqrt(n) if n>1 else 0
    print(f"{b:8s} {key:5s} mean {st.mean(v):6.2f}  vs {bs[0]}: {100*st.mean(d):+5.1f}% ± {100*se:.1f}%")
  print('   ', s[0]['state_hash'])
PY
