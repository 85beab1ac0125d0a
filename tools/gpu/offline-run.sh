#!/usr/bin/env bash
# On a GPU machine without a package registry, from a copy of the repository that holds .gpu/
# (tools/gpu/offline-bundle.sh): the GPU check (tools/gpu/check.sh, CPU against each GPU provider)
# and the CIFAR VGG-11 series at the paper's size trained on the GPU and measured by
# `orderlens reproduce two-phase` (tools/experiments/two-phase-gpu.sh), each under a time limit.
#
#   OUT=out/gpu LIMIT=520 bash tools/gpu/offline-run.sh
#   env: EPOCHS (256), WIDTH (1), SAMPLES (10), CHECK_SAMPLES (2), PY (python3 with torch+onnx),
#        TDEV (torch device, cuda), LIMIT (seconds for the whole script)
# Everything it writes ends in $OUT: run.log, train.log, gpu-check.log, tp-*.log, results.tar.gz.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out/gpu}; mkdir -p "$OUT"
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
LIMIT=${LIMIT:-520}; EPOCHS=${EPOCHS:-256}; WIDTH=${WIDTH:-1}; TDEV=${TDEV:-cuda}
SAMPLES=${SAMPLES:-10}; CHECK_SAMPLES=${CHECK_SAMPLES:-2}; PY=${PY:-python3}
work="${WORK:-/tmp/orderlens-gpu}"; mkdir -p "$work"
log() { echo "[$(el)s] $*" | tee -a "$OUT/run.log"; }
if ! command -v node >/dev/null; then
  mkdir -p "$work/bin" && xz -dc .gpu/node.xz > "$work/bin/node" && chmod +x "$work/bin/node"
  export PATH="$work/bin:$PATH"
fi
[ -f packages/cli/dist/bin.js ] || tar -xJf .gpu/app.tar.xz
if command -v nvidia-smi >/dev/null && ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  for f in .gpu/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done; ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
log "node $(node --version); $(nvidia-smi -L 2>&1 | head -1)"
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' >> "$OUT/run.log" 2>&1
# 1. the paper-size series on the GPU, in the background
( PYTHONUNBUFFERED=1 timeout $(( LIMIT / 2 )) $PY tools/training/two_phase_series.py --modality cifar \
    --widths "$WIDTH" --device "$TDEV" --epochs "$EPOCHS" --saves 13 --threads 4 --out "$work/series" \
    > "$OUT/train.log" 2>&1; echo "train exit $? at $(el)s" >> "$OUT/train.log" ) &
train=$!
# 2. the GPU check, meanwhile
timeout $(( LIMIT * 2 / 5 )) bash tools/gpu/check.sh --no-install --samples "$CHECK_SAMPLES" --out "$work/check" \
  > "$OUT/gpu-check.log" 2>&1
log "check exit $?"
wait $train; log "training: $(tail -1 "$OUT/train.log")"
device=cpu; grep -q "onnx webgpu: loads" "$OUT/gpu-check.log" && device=webgpu
# 3. the two-phase measurement: the authors preset first, then orderlens while time remains
left() { echo $(( LIMIT - $(el) )); }
if [ -f "$work/series/index.json" ]; then
  for preset in authors orderlens; do
    [ "$(left)" -gt 60 ] || { log "no time left for --preset $preset"; break; }
    log "reproduce two-phase --preset $preset --device $device ($(left) s left)"
    timeout $(( $(left) - 15 )) node packages/cli/dist/bin.js reproduce two-phase --series "$work/series" \
      --samples "$SAMPLES" --preset "$preset" --device "$device" --out "$work/tp-$preset" > "$OUT/tp-$preset.log" 2>&1
    log "--preset $preset exit $?"
  done
fi
(cd "$work" && tar -czf - --exclude='*.onnx' --exclude='run' series tp-authors tp-orderlens check 2>/dev/null) > "$OUT/results.tar.gz"
log "end"
