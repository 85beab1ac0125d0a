#!/usr/bin/env bash
# GPU check: which GPU providers load a model on this machine, and the CIFAR CNN's default
# analysis of 5 images on each of them beside the CPU's (rows/s, J(m), agreement within the
# error bars).
#
#   bash tools/gpu/check.sh [--no-install] [--samples k] [--out dir] [--devices list]
#
# --devices cuda,webgpu skips the probe and compares those devices (`--devices cpu` runs the
# whole comparison CPU against CPU: a check of this script on any machine).
#
# On a bare Linux machine it installs only from Debian (apt: Node.js and npm when missing or too
# old, libvulkan1 for ONNX Runtime's WebGPU provider when an NVIDIA GPU is present) and from the
# npm registry (`npm ci`), then builds. It does NOT download ONNX Runtime's CUDA provider (it
# comes from NuGet, not npm): install it yourself with
#   ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false   (docs/devices.md)
# and this script uses it. tfjs-node-gpu is used where it is installed.
#
# Exit status: 0 when every GPU's J(m) agrees with the CPU's, or when no GPU provider is
# available (said plainly); 1 when a J(m) differs; 2 on a setup failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
install=1
samples=5
out=out/gpu-check
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --samples) samples="$2"; shift ;;
    --out) out="$2"; shift ;;
    --devices) only="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "check.sh: unknown option $1 (expected --no-install, --samples k, --out dir, --devices list)" >&2; exit 2 ;;
  esac
  shift
done
case "$samples" in ''|*[!0-9]*|0) echo "check.sh: --samples expects a positive integer, got '$samples'" >&2; exit 2 ;; esac
for d in ${only//,/ }; do
  case "$d" in cpu|cuda|webgpu) ;; *) echo "check.sh: --devices expects a comma-separated list of cpu, cuda, webgpu; got '$d'" >&2; exit 2 ;; esac
done

say() { printf '%s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || { say "  (no apt-get: install $* yourself)"; return 1; }
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

gpu=""
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then gpu="$(nvidia-smi -L | head -n 1)"; fi
say "== machine"
say "  cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
say "  gpu: ${gpu:-none found (no working nvidia-smi)}"

# Node.js >= 20.19 (package.json engines), from Debian when missing or older.
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ! node_ok; then
  if [ "$install" = 1 ]; then
    say "== installing Node.js and npm from Debian"
    apt_install nodejs npm || true
  fi
  node_ok || { say "check.sh: Node.js >= 20.19 is needed (found: $(node --version 2>/dev/null || echo none)); Debian 13 (trixie) ships it" >&2; exit 2; }
fi
say "  node: $(node --version)"

if [ ! -d node_modules ] || [ ! -f packages/cli/dist/bin.js ]; then
  [ "$install" = 1 ] || { say "check.sh: run npm ci && npm run build first (or leave out --no-install)" >&2; exit 2; }
  say "== npm ci && npm run build (npm registry)"
  [ -d node_modules ] || npm ci --no-audit --no-fund
  npm run build >/dev/null
fi

# WebGPU in onnxruntime-node goes through Vulkan: the loader from Debian, the NVIDIA driver's ICD.
if [ -n "$gpu" ] && [ "$install" = 1 ] && ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  say "== installing libvulkan1 from Debian (ONNX Runtime WebGPU)"
  apt_install libvulkan1 || say "  libvulkan1 not installed: ONNX Runtime WebGPU will not load"
fi

if [ -n "$only" ]; then
  read -r -a devices <<< "${only//,/ }"
  say "== devices given with --devices: ${devices[*]} (not probed)"
else
say "== GPU providers (each must load the CIFAR CNN)"
probe="$(node tools/gpu/gpu-check.mjs probe 2>/dev/null)" || { say "check.sh: the provider probe failed" >&2; exit 2; }
devices=()
while IFS= read -r line; do
  [ -n "$line" ] || continue
  set -- $line
  status="$1"; runtime="$2"; device="$3"; shift 3
  if [ "$status" = ok ]; then
    say "  $runtime $device: loads a model"
    [ "$runtime" = onnx ] && devices+=("$device")
  else
    say "  $runtime $device: unavailable — $*"
  fi
done <<< "$probe"
if grep -q '^ok tfjs' <<< "$probe"; then
  say "  (tfjs-node-gpu loads a model, but the CIFAR CNN has no tfjs export: its analysis runs on ONNX Runtime only)"
fi
fi

if [ ${#devices[@]} -eq 0 ]; then
  say ""
  say "No GPU provider is available on this machine${gpu:+ (a GPU is present, but no runtime could use it)}: nothing to compare with the CPU."
  exit 0
fi

analyze() { # device, folder
  node packages/cli/dist/bin.js analyze vision --model fixtures/cifar-cnn/model.onnx --dataset cifar10 \
    --samples "$samples" --device "$1" --out "$2" -q
}
say "== the CIFAR CNN's default analysis of $samples images, CPU first"
mkdir -p "$out"
analyze cpu "$out/cpu"
results=()
for d in "${devices[@]}"; do
  # A device compared with itself (--devices cpu) gets its own folder.
  dir="$out/$d"; [ "$d" = cpu ] && dir="$out/cpu-again"
  analyze "$d" "$dir"
  results+=("$dir/result.json")
done
say "== rows/s and J(m) beside the CPU's"
node tools/gpu/gpu-check.mjs compare "$out/cpu/result.json" "${results[@]}"
