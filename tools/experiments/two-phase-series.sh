#!/usr/bin/env bash
# The two-phase paper's measurement on the point-cloud, text and CIFAR-10 series (issue 21;
# docs/two-phase.md). The series are trained by tools/training/two_phase_series.py (Debian's torch,
# CPU). This runs `orderlens reproduce two-phase` on each with the paper's players and the `authors`
# preset, with --samples reduced from the paper's 50 (SAMPLES, default 10) for the wall time of 2
# shared cores.
#
# Usage: tools/experiments/two-phase-series.sh [out-dir] [series…]
#   (default out/two-phase-series; series: modelnet10-pointnet sst2-bert cifar10-vgg11);
# needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/two-phase-series}"
shift || true
SAMPLES="${SAMPLES:-10}"
CLI="node packages/cli/bin/orderlens.js"
for name in "${@:-modelnet10-pointnet sst2-bert cifar10-vgg11}"; do
  for s in $name; do
    $CLI reproduce two-phase --series "fixtures/two-phase/$s" --samples "$SAMPLES" --out "$OUT/$s-authors"
  done
done
