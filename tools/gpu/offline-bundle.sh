#!/usr/bin/env bash
# Packs what tools/gpu/check.sh and tools/gpu/offline-run.sh need on a GPU machine that has no
# package registry (an air-gapped or sandboxed node): the node binary, the built packages and the
# subset of node_modules those runs open — found by tracing them here with strace — into
# .gpu/ (add `/.gpu/` to .git/info/exclude). Copy the repository with .gpu/ to the machine and run
# `bash tools/gpu/offline-run.sh` there.
#
#   bash tools/gpu/offline-bundle.sh       (needs npm ci && npm run build, strace, xz; about 2 min)
#
# With apt-get here it also downloads Debian's libvulkan1 (ONNX Runtime's WebGPU provider needs the
# Vulkan loader), which offline-run.sh unpacks on a machine with an NVIDIA GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
for tool in strace xz node; do command -v $tool >/dev/null || { echo "offline-bundle.sh: needs $tool" >&2; exit 2; }; done
[ -f packages/cli/dist/bin.js ] || { echo "offline-bundle.sh: run npm ci && npm run build first" >&2; exit 2; }
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
mkdir -p .gpu
echo "== tracing the runs the bundle must serve"
cli="node packages/cli/dist/bin.js"
trace() { strace -f -qq -e trace=openat,open -o "$stage/trace.$1" "${@:2}" > /dev/null 2>&1 || true; }
trace 1 node tools/gpu/gpu-check.mjs probe
trace 2 $cli reproduce two-phase --series fixtures/two-phase/cifar10-vgg11 --samples 1 --niter 200 --out "$stage/tp" -q
trace 3 $cli analyze vision --model fixtures/cifar-cnn/model.onnx --dataset cifar10 --samples 1 --protocol lite \
  --grid 4 --pairs 40 --out "$stage/an" -q
trace 4 node tools/gpu/gpu-check.mjs compare "$stage/an/result.json" "$stage/an/result.json"
# Every file opened under node_modules, and the package.json of every package touched.
cat "$stage"/trace.* | grep -o "\"$root/node_modules/[^\"]*\"" | tr -d '"' | sed "s|^$root/||" | sort -u |
  while read -r f; do [ -f "$f" ] && echo "$f"; done > "$stage/list"
sed 's|^node_modules/||' "$stage/list" | awk -F/ '{ if ($1 ~ /^@/) print $1"/"$2; else print $1 }' | sort -u |
  while read -r p; do [ -f "node_modules/$p/package.json" ] && echo "node_modules/$p/package.json"; done >> "$stage/list"
find node_modules/onnxruntime-node/bin -path '*linux/x64*' -type f >> "$stage/list"
for p in packages/*; do
  echo "$p/package.json"
  [ -d "$p/dist" ] && find "$p/dist" -type f ! -name '*.map' ! -name '*.d.ts' ! -name '*.test.js' ! -name '*.tsbuildinfo'
done >> "$stage/list"
echo package.json >> "$stage/list"
# Real paths (the workspace links resolve into packages/), then the links themselves.
{ realpath --relative-to=. $(cat "$stage/list"); find node_modules/@orderlens -maxdepth 1 -type l; } | sort -u |
  grep -v -E '/(test-utils|__tests__)/' > "$stage/files"
echo "== packing $(wc -l < "$stage/files") files"
tar -cf - -T "$stage/files" | xz -T2 -6 > .gpu/app.tar.xz
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .gpu/node.xz
if command -v apt-get >/dev/null; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64'
  (cd .gpu && apt-get $o download libvulkan1 >/dev/null 2>&1) || echo "  (libvulkan1 not downloaded: WebGPU will need the machine's own Vulkan loader)"
fi
ls -la .gpu
