#!/usr/bin/env bash
# gpu-bench.sh OUTDIR [ENTITIES] — the GPU backend's benchmark on a Linux
# machine with an NVIDIA GPU and no network.
#
# 1. Vulkan: uses the loader the machine has; otherwise unpacks the loader
#    packages it is given (`.gl/*.deb` in the repository root, or the folder
#    named by $EVOSIM_VULKAN_DEBS) into / (needs root); points the loader at
#    the NVIDIA driver's ICD file if it finds none by itself.
# 2. Build: `cargo build --release --offline` when cargo is there; else a
#    prebuilt binary: $EVOSIM_BIN, or .bin/evosim, or target/release/evosim.
#    (The release binary is ~110 MB with line tables; `strip -o .bin/evosim
#    target/release/evosim` makes one small enough to carry to a machine
#    without network or Rust.)
# 3. Runs `evosim bench --backend gpu` at ENTITIES (default 100k,1M,10M) and
#    writes into OUTDIR: bench.json, bench.txt (the table), and machine.txt
#    (GPU, driver, Vulkan devices).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:?usage: scripts/gpu-bench.sh OUTDIR [ENTITIES]}"
entities="${2:-100k,1M,10M}"
ticks="${EVOSIM_BENCH_TICKS:-200}"
warmup="${EVOSIM_BENCH_WARMUP:-20}"
mkdir -p "$out"

echo "== Vulkan loader"
if ! ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null; then
  debs="${EVOSIM_VULKAN_DEBS:-.gl}"
  if compgen -G "$debs/*.deb" >/dev/null; then
    echo "no libvulkan.so.1: unpacking $debs/*.deb into /"
    for f in "$debs"/*.deb; do dpkg -x "$f" /; done
    ldconfig
  else
    echo "no libvulkan.so.1 and no loader packages in $debs/ (see the script's header)" >&2
    exit 2
  fi
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
             /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      case "$icd" in
        /usr/local/*)
          export VK_DRIVER_FILES="$icd"
          egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
          [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
          echo "using the NVIDIA ICD at $icd";;
      esac
      break
    fi
  done
fi
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"

echo "== build"
bin="${EVOSIM_BIN:-}"
if [ -z "$bin" ] && command -v cargo >/dev/null 2>&1 && cargo build --release --offline --bin evosim; then
  bin=target/release/evosim
fi
if [ -z "$bin" ]; then
  for b in .bin/evosim target/release/evosim; do
    if [ -x "$b" ]; then bin="$b"; break; fi
  done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "no way to build (cargo offline failed or missing) and no prebuilt binary" >&2
  exit 2
fi
echo "binary: $bin"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  nproc | sed 's/^/cores: /'
} | tee "$out/machine.txt"

echo "== bench: $entities entities, $ticks ticks after $warmup warm-up"
set -o pipefail
"$bin" bench --backend gpu --entities "$entities" --ticks "$ticks" --warmup "$warmup" \
  --json "$out/bench.json" --quiet | tee "$out/bench.txt"
