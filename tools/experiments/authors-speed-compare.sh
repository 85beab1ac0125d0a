#!/usr/bin/env bash
# The authors' ICLR-2022 J(m) code against orderlens on the same CIFAR AlexNet and images, back to
# back on this machine (issue 26): seconds, model calls and J(m) of each, and the accuracy of each
# against a bounded reference on orderlens' pairs. See docs/j-accuracy.md ("Against the authors'
# code") for what it measured.
#
#   tools/experiments/authors-speed-compare.sh <bottleneck git dir> [out dir]
#
# <bottleneck git dir>: a clone (or bare mirror) of Nebularaid2000/bottleneck; it is exported to
# <out>/authors and never copied into this repository. Environment: IMAGES (5), PAIRS (20),
# CONTEXTS (20, the authors' side and orderlens' `reference`), BEST (10: contexts of orderlens'
# bracketed run), REF (100: contexts of the reference), THREADS (1, both sides), KEEP_REF (1:
# reuse <out>/ref from an earlier run with the same settings). Needs `npm run build` first and
# /usr/bin/python3 with torch and onnx. Each run records wall and CPU seconds (user + system of
# the process and its threads): on a shared machine the CPU seconds are the fairer comparison.
set -euo pipefail
AUTHORS_GIT=${1:?usage: authors-speed-compare.sh <Nebularaid2000/bottleneck git dir> [out dir]}
OUT=${2:-/tmp/orderlens-authors-compare}
IMAGES=${IMAGES:-5}
PAIRS=${PAIRS:-20}
CONTEXTS=${CONTEXTS:-20}
BEST=${BEST:-10}
REF=${REF:-100}
THREADS=${THREADS:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="node $ROOT/packages/cli/dist/bin.js"
MODEL=$ROOT/fixtures/cifar-alexnet

git --git-dir="$AUTHORS_GIT" rev-parse HEAD >/dev/null 2>&1 ||
  { echo "argument 1: $AUTHORS_GIT is not a git directory of Nebularaid2000/bottleneck" >&2; exit 2; }
mkdir -p "$OUT"
rm -rf "$OUT/authors" && mkdir -p "$OUT/authors"
git --git-dir="$AUTHORS_GIT" archive HEAD | tar x -C "$OUT/authors"

# timed NAME CMD…: runs CMD, writes <out>/NAME.time.json with its wall and CPU seconds
timed() {
  local name=$1
  shift
  local TIMEFORMAT='%3R %3U %3S'
  local t
  t=$({ time "$@" >"$OUT/$name.log" 2>&1; } 2>&1)
  read -r wall user sys <<<"$t"
  echo "{\"seconds\": $wall, \"cpuSeconds\": $(echo "$user + $sys" | bc)}" >"$OUT/$name.time.json"
}

# orderlens: one run (start-up and image selection included)
orderlens() { # name protocol contexts|- [extra flags]
  local name=$1 protocol=$2 k=$3
  shift 3
  local contexts=(--contexts "$k")
  [ "$k" = - ] && contexts=() # the adaptive protocol allocates its own
  timed "$name" $CLI analyze vision --model "$MODEL" --dataset cifar10 --samples "$IMAGES" --pairs "$PAIRS" \
    "${contexts[@]}" --repeats 1 --protocol "$protocol" --threads "$THREADS" --heatmaps 0 \
    --out "$OUT/$name" "$@"
  echo "$name: $(cat "$OUT/$name.time.json") $(tail -n 2 "$OUT/$name.log" | head -n 1)"
}

# back to back: orderlens' best, the authors' code, orderlens with the authors' protocol
orderlens best unbiased "$BEST"
timed authors /usr/bin/python3 "$ROOT/tools/experiments/bottleneck_authors_jm.py" --authors "$OUT/authors" \
  --samples-from "$OUT/best/result.json" --pairs "$PAIRS" --contexts "$CONTEXTS" --threads "$THREADS" \
  --out "$OUT/authors.json"
echo "authors: $(cat "$OUT/authors.time.json") $(tail -n 1 "$OUT/authors.log")"
orderlens paper reference "$CONTEXTS"
orderlens best-denormals unbiased "$BEST" --keep-denormals
orderlens adaptive adaptive -
# the reference: many contexts on orderlens' pairs, bracketed (its bias bound is half the gap
# between the plain and cross-fit means); not part of the timing comparison
if [ "${KEEP_REF:-0}" = 1 ] && [ -f "$OUT/ref/result.json" ]; then
  echo "ref: kept from an earlier run"
else
  orderlens ref unbiased "$REF"
fi

/usr/bin/python3 "$ROOT/tools/experiments/bottleneck_authors_report.py" "$OUT" | tee "$OUT/report.md"
