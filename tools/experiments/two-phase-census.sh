#!/usr/bin/env bash
# Two-phase dynamics of a census MLP-5 (issue 15, items 4–6; docs/two-phase.md).
#
# Trains MLP-5 (100 units) on the first 2,000 census training rows with 20 % of their labels
# flipped (the two-phase paper adds label noise so that over-fitting shows), saving snapshots at
# 13 epochs from the initialisation to epoch 100, then measures at every snapshot, on the same
# 10 test rows and 12 attributes: the salient AND-OR strength per order, J(m), the fitted σ² of
# the two-phase theory, and the train/test loss gap. About 15–25 minutes on 2 shared cores.
#
# Usage: tools/experiments/two-phase-census.sh [out-dir] (default out/two-phase-census);
# needs `npm run build` (or `npx tsc -b packages/cli`) first.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/two-phase-census}"
CLI="node packages/cli/bin/orderlens.js"

$CLI train tabular --dataset census --arch mlp5 --hidden 100 \
  --epochs 100 --train-rows 2000 --batch-size 32 --lr 0.001 --seed 0 \
  --label-noise 0.2 --save-epochs 0,1,2,3,5,8,12,20,30,45,60,80,100 \
  --out "$OUT/model"

$CLI dynamics --checkpoints "$OUT/model/checkpoints" --modality tabular --dataset census \
  --samples 10 --preset orderlens --niter 10000 --curves 5 \
  --out "$OUT/dynamics"

# Issue 21: the same MLP-5 with the two-phase paper's recipe (SGD lr 0.01, momentum 0.9, batch 128,
# 1 % label noise), measured by `reproduce two-phase` (authors preset, 10 samples). Its checkpoints
# are committed as fixtures/two-phase/census-mlp5 (this command writes byte-identical files).
$CLI train tabular --dataset census --arch mlp5 --hidden 100 --epochs 100 --train-rows 2000 \
  --batch-size 128 --optimizer sgd --seed 0 --label-noise 0.01 \
  --save-epochs 0,1,2,3,5,8,12,18,27,40,60,80,100 --out "$OUT/sgd-model"
$CLI reproduce two-phase --series "$OUT/sgd-model/checkpoints" --modality tabular --samples 10 \
  --out "$OUT/sgd-two-phase"

# Issue 25: relabelled against clean training rows of the SGD model over its checkpoints. The
# training wrote which rows it flipped (sgd-model/checkpoints/relabelled.json, with the labels
# trained on, which the census training split does not hold).
$CLI mislabeled --checkpoints "$OUT/sgd-model/checkpoints" --modality tabular --dataset census --split train \
  --relabelled "$OUT/sgd-model/checkpoints/relabelled.json" --samples 10 --epochs 0,3,12,40,100 --niter 5000 \
  --out "$OUT/sgd-mislabeled"
