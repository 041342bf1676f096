#!/usr/bin/env bash
# Issue 19's browser figure, before and after in one run: the page built
# (scripts/build-web.sh) from each commit, measured in turn with
# web/tests/gpu-rate.mjs (headless Chromium, WebGPU on SwiftShader,
# backend=gpu, present=copy, 5,000 entities, 2 threads, the panels shown,
# 60 s after 20 warm-up ticks) at speed 1 (the page's default: a tick a
# frame) and speed 16, alternated twice.
#
#   docs/bench-issue19/browser-run.sh OUT_DIR NAME=WEB_ROOT [NAME=WEB_ROOT ...]
#   # e.g. before=/work/wt-42e44cc/target/web after=target/web
set -euo pipefail
out=$1; shift
mkdir -p "$out"
for pass in 1 2; do
  for speed in 1 16; do
    for page in "$@"; do
      name=${page%%=*} root=${page#*=}
      echo "browser-run: pass $pass, speed $speed, $name ($root)" >&2
      WEB_ROOT=$root node web/tests/gpu-rate.mjs 5000 60 2 "$speed" \
        > "$out/browser-$name-speed$speed-$pass.json"
    done
  done
done
