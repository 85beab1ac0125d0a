#!/usr/bin/env bash
# Packed-install test (issue 8): `npm pack` the workspace packages, install them into an empty
# folder outside the repository, and run the analyses on models shipped inside the packages —
# proving that no published code reads a path outside its own package. Then one adapter package
# (vision) is removed from the install: every other command must still work, the vision commands
# must be gone, and a report over a vision result falls back to the pair matrix.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d /tmp/orderlens-packed-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
PKGS=(core runtime-onnx runtime-tfjs tabular vision nlp pointcloud distributed cli)
mkdir -p "$WORK/tarballs" "$WORK/app"
for p in "${PKGS[@]}"; do
  (cd "packages/$p" && npm pack --silent --pack-destination "$WORK/tarballs" >/dev/null)
done
cp .npmrc "$WORK/app/.npmrc"
cd "$WORK/app"
echo '{"name":"orderlens-packed-install","private":true,"type":"module"}' > package.json
npm install --no-audit --no-fund --loglevel=error "$WORK"/tarballs/*.tgz >/dev/null
BIN="$WORK/app/node_modules/.bin/orderlens"
CLI_ASSETS="$WORK/app/node_modules/@orderlens/cli/assets"
VISION_MODELS="$WORK/app/node_modules/@orderlens/vision/models"
"$BIN" -q analyze tabular --model "$CLI_ASSETS/quickstart/model.json" --samples 3 --out "$WORK/out/tabular"
"$BIN" -q analyze vision --model "$VISION_MODELS/fmnist-cnn/model.onnx" --dataset fashion-mnist --grid 4 \
  --samples 1 --pairs 4 --contexts 2 --repeats 1 --heatmaps 1 --out "$WORK/out/vision"
node -e '
const fs = require("fs");
for (const m of ["tabular", "vision"]) {
  const r = JSON.parse(fs.readFileSync(process.argv[1] + "/out/" + m + "/result.json", "utf8"));
  if (r.schema !== "orderlens/interaction-result@3" || r.samples.length < 1) throw new Error(m + ": bad result");
  for (const [k, v] of Object.entries(r.provenance.packages))
    if (!fs.realpathSync(require.resolve(k + "/package.json", { paths: [process.argv[1] + "/app"] })).startsWith(process.argv[1]))
      throw new Error(k + " resolved outside the install folder");
  console.log("packed install: " + m + " ok, " + r.samples.length + " samples, " + r.modelCalls.total + " model calls, packages " + Object.keys(r.provenance.packages).join(" "));
}' "$WORK"

# Leave one adapter out: the CLI reaches adapter packages only through its plugin loader.
rm -rf "$WORK/app/node_modules/@orderlens/vision"
"$BIN" -q analyze tabular --model "$CLI_ASSETS/quickstart/model.json" --samples 2 --out "$WORK/out/tabular-alone"
"$BIN" -q report "$WORK/out" --out "$WORK/report.html"
test -s "$WORK/report.html"
"$BIN" --help > "$WORK/help.txt"
if grep -qE "^  structure" "$WORK/help.txt"; then echo "vision absent, yet its commands are listed" >&2; exit 1; fi
grep -qE "^  (attack|quickstart)" "$WORK/help.txt"
set +e
"$BIN" -q analyze vision --model "$CLI_ASSETS/quickstart/model.json" --out "$WORK/out/v2" 2> "$WORK/vision-err.txt"
status=$?
set -e
if [ "$status" -eq 0 ]; then echo "analyze vision ran without @orderlens/vision" >&2; exit 1; fi
echo "packed install without @orderlens/vision: analyze tabular, report and help ok; analyze vision exits $status: $(head -c 200 "$WORK/vision-err.txt")"
