#!/bin/bash
# before/after in one run, alternating
cd /tmp/bench
export XDG_RUNTIME_DIR=/tmp/xdg
for pass in 1 2; do
 for b in before after; do
  /tmp/evosim-$b bench --entities 10k,25k,50k,100k --backend cpu --ticks 200 --warmup 20 --quiet --json sweep-$b-$pass.json > sweep-$b-$pass.txt 2>&1
 done
done
for b in before after; do
  /tmp/evosim-$b bench --entities 100k --backend cpu --ticks 60 --warmup 5 --quiet --json rss100k-$b.json > rss100k-$b.txt 2>&1
  /tmp/evosim-$b bench --entities 1M --backend cpu --ticks 10 --quiet --json m1-$b.json > m1-$b.txt 2>&1
done
for b in before after; do
  /tmp/evosim-$b bench --entities 100k --backend both --ticks 100 --warmup 10 --quiet --json lava-$b.json > lava-$b.txt 2>&1
done
/tmp/evosim-after bench --entities 1M,2M --backend gpu --ticks 5 --warmup 2 --quiet --json gpu-big-after.json > gpu-big-after.txt 2>&1
echo done
