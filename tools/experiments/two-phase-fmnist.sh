#!/usr/bin/env bash
# The two-phase paper's measurement on the Fashion-MNIST VGG-11 series (issue 21; docs/two-phase.md).
#
# The series (fixtures/two-phase/fmnist-vgg11) is trained by tools/training/fmnist_vgg11_series.py
# (Debian's torch, CPU; about 25 minutes on 2 shared cores). This script runs
# `orderlens reproduce two-phase` on it with the paper's settings (50 test samples, 10 random cells
# of the central 6×6 of an 8×8 grid over the feature map after the 2nd ReLU, log-odds, 10,000
# iterations), once with the `authors` preset (the paper's salient rule) and once with `orderlens`
# (the sparsity check of the diagnosis). About 10 minutes each on 2 shared cores.
#
# Usage: tools/experiments/two-phase-fmnist.sh [out-dir] (default out/two-phase-fmnist);
# needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/two-phase-fmnist}"
CLI="node packages/cli/bin/orderlens.js"
SERIES=fixtures/two-phase/fmnist-vgg11

for preset in authors orderlens; do
  $CLI reproduce two-phase --series "$SERIES" --preset "$preset" --out "$OUT/$preset"
done
