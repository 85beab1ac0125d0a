// Tabular: wall time of the exact bottleneck curve J(m) for 100 census samples (n = 12, 2^12
// coalitions each) and the share of it spent inside the runtime, for the quickstart tfjs MLP-5
// (wasm) and the ONNX fixture MLP-5 (onnxruntime cpu). The analysis is the pipeline's, unit by
// unit: the models are opened through the runner registry, the tabular adapter reads the census
// test split, `computeSelection` picks 100 correctly classified rows (timed on its own) and
// `computeSample` runs the registered `exact` estimator on each (the timed part).
// "Raw runtime" runs the same 100 × 4096 masked rows straight through the runner in batches of
// 4096, with no masking, game or transform, so the ratio is the toolkit's overhead. Prints
// ratios; asserts nothing.
import { fileURLToPath } from 'node:url';
import {
  CoalitionBatch,
  analysisResult,
  computeSample,
  computeSelection,
  estimators,
  float32Tensor,
  openModel,
  parseAdapterOptions,
  type AnalysisOptions,
  type ModelRunner,
  type OpenedModel,
  type StoredSample,
} from '@orderlens/core';
import '@orderlens/runtime-onnx'; // registers the onnx runner factory
import '@orderlens/runtime-tfjs'; // registers the tfjs runner factory
import { loadCensus, TabularMasker, tabularAdapter } from '@orderlens/tabular';

const census = loadCensus();
const d = 12;
const samples = 100;

const allCoalitions = CoalitionBatch.fromMasks(
  d,
  Array.from({ length: 1 << d }, (_v, m) => m),
);

/** The model with its runner timed: milliseconds spent inside `run`. */
function timed(model: OpenedModel): { model: OpenedModel; ms: () => number; reset: () => void } {
  const inner = model.runner;
  let ms = 0;
  const runner: ModelRunner = {
    get backend() {
      return inner.backend;
    },
    inputNames: inner.inputNames,
    capabilities: inner.capabilities,
    async run(inputs) {
      const t0 = performance.now();
      const out = await inner.run(inputs);
      ms += performance.now() - t0;
      return out;
    },
    dispose: () => inner.dispose(),
  };
  return { model: { ...model, runner }, ms: () => ms, reset: () => (ms = 0) };
}

async function rawRuntimeMs(runner: ModelRunner, indices: number[]): Promise<number> {
  // Pre-build the masked inputs so only the runtime is timed.
  const batches = indices.map((i) =>
    new TabularMasker(census.test.x.subarray(i * d, (i + 1) * d), { baseline: census.baseline }).mask(
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

/** `analyze tabular` on census (test split, mean baseline, exact) through the pipeline's units. */
async function analyse(model: OpenedModel, count: number, clock: ReturnType<typeof timed>) {
  const adapterOptions = parseAdapterOptions(tabularAdapter.options, { dataset: 'census' });
  const session = await tabularAdapter.open({ options: adapterOptions, model });
  const protocol = tabularAdapter.protocols.find((p) => p.name === tabularAdapter.defaultProtocol)!;
  const estimator = estimators.get(protocol.estimator);
  const options: AnalysisOptions = {
    modality: tabularAdapter.name,
    session,
    model,
    estimator,
    estimatorOptions: estimator.options.parse(protocol.estimatorOptions) as Record<string, unknown>,
    selection: { ...tabularAdapter.defaultSelection, samples: count },
    reward: 'log-odds',
    seed: 0,
    batchSize: 4096,
  };
  const s0 = performance.now();
  const selected = await computeSelection(options);
  const selectionMs = performance.now() - s0;
  clock.reset();
  const t0 = performance.now();
  const units: StoredSample[] = [];
  for (let s = 0; s < selected.selection.indices.length; s++)
    units.push(await computeSample(options, selected, s));
  const wallTimeMs = performance.now() - t0;
  const result = analysisResult(options, selected, units, { wallTimeMs });
  return { result, wallTimeMs, runtimeMs: clock.ms(), selectionMs };
}

async function bench(opened: OpenedModel): Promise<void> {
  const label = `${opened.format}:${opened.device} MLP-5`;
  const clock = timed(opened);
  await analyse(clock.model, 3, clock); // warm-up
  const r = await analyse(clock.model, samples, clock);
  const S = r.result.samples.length;
  const raw = await rawRuntimeMs(
    opened.runner,
    r.result.samples.map((s) => s.index),
  );
  console.log(
    `${label.padEnd(24)} | ${S} samples | ${r.wallTimeMs.toFixed(0).padStart(6)} ms | ${(r.wallTimeMs / S).toFixed(1).padStart(6)} ms/sample | ` +
      `in runtime ${((100 * r.runtimeMs) / r.wallTimeMs).toFixed(0)}% | raw runtime ${raw.toFixed(0)} ms | wall / raw ${(r.wallTimeMs / raw).toFixed(2)}× | ` +
      `n′ = ${r.result.aggregate.theory.effectiveN} | selection ${r.result.modelCalls.selection} rows in ${r.selectionMs.toFixed(0)} ms`,
  );
}

console.log(
  'exact J(m) over 100 census test samples (n = 12, 4096 coalitions per sample, 409,600 model rows)',
);
const tfjs = await openModel({
  spec: fileURLToPath(new URL('../../packages/cli/assets/quickstart/model.json', import.meta.url)),
  device: 'wasm',
});
await bench(tfjs);
await tfjs.runner.dispose();
const onnx = await openModel({
  spec: fileURLToPath(new URL('../../fixtures/census-mlp5/model.onnx', import.meta.url)),
  device: 'cpu',
  threads: 1,
});
await bench(onnx);
await onnx.runner.dispose();
