// Tabular: wall time of the exact bottleneck curve J(m) for 100 census samples (n = 12, 2^12
// coalitions each) and the share of it spent inside the runtime, for the quickstart tfjs MLP-5
// (wasm) and the ONNX fixture MLP-5 (onnxruntime cpu). "Raw runtime" runs the same 100 × 4096
// masked rows straight through the runner in batches of 4096, with no masking, game or transform,
// so the ratio is the toolkit's overhead. Prints ratios; asserts nothing.
import { fileURLToPath } from 'node:url';
import { CoalitionBatch, float32Tensor, type ModelRunner } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { initTfjs, TfjsRunner, tfjsBackendLabel } from '@orderlens/runtime-tfjs';
import { analyzeTabularExact, loadCensus, TabularMasker } from '@orderlens/tabular';

const census = loadCensus();
const d = 12;
const samples = 100;
const x = census.test.x.subarray(0, 1000 * d);
const y = census.test.y.subarray(0, 1000);

const allCoalitions = CoalitionBatch.fromMasks(
  d,
  Array.from({ length: 1 << d }, (_v, m) => m),
);

async function rawRuntimeMs(runner: ModelRunner, indices: number[]): Promise<number> {
  // Pre-build the masked inputs so only the runtime is timed.
  const batches = indices.map((i) =>
    new TabularMasker(x.subarray(i * d, (i + 1) * d), { baseline: census.baseline }).mask(
      allCoalitions,
      0,
      1 << d,
    ),
  );
  const t0 = performance.now();
  for (const b of batches)
    await runner.run({ [runner.inputNames[0]]: float32Tensor(b.x.data as Float32Array, [1 << d, d]) });
  return performance.now() - t0;
}

async function bench(label: string, runner: ModelRunner): Promise<void> {
  await analyzeTabularExact({ runner, x, y, featureCount: d, baseline: census.baseline, samples: 3 }); // warm-up
  const r = await analyzeTabularExact({ runner, x, y, featureCount: d, baseline: census.baseline, samples });
  const raw = await rawRuntimeMs(
    runner,
    r.samples.map((s) => s.index),
  );
  console.log(
    `${label.padEnd(24)} | ${r.samples.length} samples | ${r.wallTimeMs.toFixed(0).padStart(6)} ms | ${(r.wallTimeMs / r.samples.length).toFixed(1).padStart(6)} ms/sample | ` +
      `in runtime ${((100 * r.runtimeMs) / r.wallTimeMs).toFixed(0)}% | raw runtime ${raw.toFixed(0)} ms | wall / raw ${(r.wallTimeMs / raw).toFixed(2)}× | n′ = ${r.fit.nEff}`,
  );
}

console.log(
  'exact J(m) over 100 census test samples (n = 12, 4096 coalitions per sample, 409,600 model rows)',
);
await initTfjs(['wasm', 'cpu']);
const tfjs = await TfjsRunner.load(
  fileURLToPath(new URL('../../packages/cli/assets/quickstart/model.json', import.meta.url)),
);
await bench(`tfjs:${tfjsBackendLabel()} MLP-5`, tfjs);
await tfjs.dispose();
const onnx = await OnnxRunner.create(
  fileURLToPath(new URL('../../fixtures/census-mlp5/model.onnx', import.meta.url)),
  { providers: ['cpu'], intraOpNumThreads: 1 },
);
await bench('onnx:cpu MLP-5', onnx);
await onnx.dispose();
