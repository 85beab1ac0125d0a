#!/usr/bin/env bash
# The two-phase measurement at the paper's network size (issue 21): VGG-11 with BatchNorm at full
# width on CIFAR-10, 1 % label noise, the paper's SGD recipe (lr 0.01, momentum 0.9, batch 128),
# 256 epochs, trained on a CUDA GPU by tools/training/two_phase_series.py, then measured by
# `orderlens reproduce two-phase` with both presets.
#
# Usage: tools/experiments/two-phase-gpu.sh [out-dir]
#   env: PYTHON       a python3 with torch (CUDA) and onnx           (default python3)
#        TRAIN_FILES  comma-separated CIFAR-10 binary files to train on, e.g. the original
#                     data_batch_1.bin,…,data_batch_5.bin (default: the 2,000 shipped images)
#        EPOCHS       (default 256)   SAMPLES  test samples per checkpoint (default 50, the paper's)
#        TORCH_DEVICE (default cuda)  DEVICE   orderlens --device for the measurement (default auto)
# Needs `npm ci && npm run build` first. The series (13 checkpoints of about 37 MB each) is written
# to <out-dir>/series; the documents to <out-dir>/{authors,orderlens}.
#
# Status: the whole script has run end to end on a CPU (TORCH_DEVICE=cpu, 1–2 epochs, width 1/8);
# it has not yet run on a GPU machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/two-phase-gpu}"
PYTHON="${PYTHON:-python3}"
EPOCHS="${EPOCHS:-256}"
SAMPLES="${SAMPLES:-50}"
TORCH_DEVICE="${TORCH_DEVICE:-cuda}"
DEVICE="${DEVICE:-auto}"
WIDTH="${WIDTH:-1}"
[ -f packages/cli/dist/bin.js ] || { echo "two-phase-gpu.sh: run npm ci && npm run build first" >&2; exit 2; }
"$PYTHON" -c 'import torch, onnx' 2>/dev/null || { echo "two-phase-gpu.sh: $PYTHON lacks torch or onnx (set PYTHON)" >&2; exit 2; }
mkdir -p "$OUT"
"$PYTHON" tools/training/two_phase_series.py --modality cifar --widths "$WIDTH" --device "$TORCH_DEVICE" \
  --epochs "$EPOCHS" --saves 13 --threads 4 ${TRAIN_FILES:+--train-files "$TRAIN_FILES"} --out "$OUT/series"
for preset in authors orderlens; do
  node packages/cli/dist/bin.js reproduce two-phase --series "$OUT/series" --samples "$SAMPLES" \
    --preset "$preset" --device "$DEVICE" --out "$OUT/$preset"
done
