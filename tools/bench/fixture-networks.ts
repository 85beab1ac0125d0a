/**
 * The fixture networks of the repository, each with the modality and options of its default
 * analysis, and a way to get the batches that analysis really sends to the model (masked samples,
 * not synthetic tensors): what a speed or denormal measurement should be made on, since both
 * depend on the activations. Used by tools/bench/onnx-tuning.ts and
 * tools/experiments/denormal-census.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adapters,
  estimators,
  pairStrategy,
  parseAdapterOptions,
  planAnalysis,
  runAnalysis,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
  type OpenedModel,
  type TensorData,
} from '@orderlens/core';
import '@orderlens/runtime-onnx';
import '@orderlens/tabular';
import '@orderlens/vision';
import '@orderlens/nlp';
import '@orderlens/pointcloud';

export interface FixtureNetwork {
  name: string;
  /** Model path relative to the repository root (file or Hugging Face-style folder). */
  model: string;
  modality: string;
  /** Adapter options of its default analysis (raw values, as flags give them). */
  options: Record<string, string>;
  /** Batch sizes worth trying: large inputs (point clouds) take smaller batches. */
  batchSizes: number[];
}

export const REPO = new URL('../../', import.meta.url).pathname;

export const FIXTURE_NETWORKS: FixtureNetwork[] = [
  {
    name: 'census-mlp5',
    model: 'fixtures/census-mlp5/model.onnx',
    modality: 'tabular',
    options: {},
    batchSizes: [64, 256, 1024],
  },
  {
    name: 'fmnist-cnn',
    model: 'packages/vision/models/fmnist-cnn/model.onnx',
    modality: 'vision',
    options: { dataset: 'fashion-mnist', grid: '7' },
    batchSizes: [16, 64, 256],
  },
  {
    name: 'cifar-cnn',
    model: 'fixtures/cifar-cnn/model.onnx',
    modality: 'vision',
    options: { dataset: 'cifar10' },
    batchSizes: [16, 64, 256],
  },
  {
    name: 'cifar-vit',
    model: 'fixtures/cifar-vit/model.onnx',
    modality: 'vision',
    options: { dataset: 'cifar10' },
    batchSizes: [16, 64, 256],
  },
  {
    name: 'sst2-bert',
    model: 'fixtures/sst2-bert',
    modality: 'text',
    options: { sentences: 'packages/nlp/data/sst2/dev.tsv', shortSentences: 'skip' },
    batchSizes: [16, 64, 256],
  },
  {
    name: 'sst2-distilbert',
    model: 'fixtures/sst2-distilbert',
    modality: 'text',
    options: { sentences: 'packages/nlp/data/sst2/dev.tsv', shortSentences: 'skip' },
    batchSizes: [16, 64, 256],
  },
  {
    name: 'modelnet10-pointnet',
    model: 'fixtures/modelnet10-pointnet/model.onnx',
    modality: 'pointcloud',
    options: {},
    batchSizes: [8, 32, 128],
  },
  {
    name: 'modelnet10-dgcnn',
    model: 'fixtures/modelnet10-dgcnn/model.onnx',
    modality: 'pointcloud',
    // The model takes 512 points; the ModelNet10 clouds have 1024.
    options: { subsample: 'true' },
    batchSizes: [2, 8, 32],
  },
];

class StopAnalysis extends Error {}

/**
 * Runs the network's default analysis (1 sample, seed 0) on `model` with `batchSize` coalitions
 * per call, handing every batch to `onBatch` before the model runs it; the analysis stops as soon
 * as `onBatch` returns false. Nothing it writes is kept.
 */
export async function driveDefaultAnalysis(
  net: FixtureNetwork,
  model: OpenedModel,
  batchSize: number,
  onBatch: (inputs: NamedTensors, phase: 'selection' | 'estimation') => Promise<boolean>,
): Promise<void> {
  const inner = model.runner;
  // Core reports `selected` once the samples are chosen: every call after it estimates.
  let phase: 'selection' | 'estimation' = 'selection';
  const runner: ModelRunner = {
    backend: inner.backend,
    inputNames: inner.inputNames,
    capabilities: inner.capabilities,
    dispose: () => inner.dispose(),
    async run(inputs: NamedTensors): Promise<ModelOutput> {
      if (!(await onBatch(inputs, phase))) throw new StopAnalysis();
      return inner.run(inputs);
    },
  };
  const adapter = adapters.get(net.modality);
  const raw = Object.fromEntries(
    Object.entries(net.options).map(([k, v]) => [k, k === 'sentences' ? join(REPO, v) : v]),
  );
  const options = parseAdapterOptions(adapter.options, raw);
  const wrapped: OpenedModel = { ...model, runner };
  const out = mkdtempSync(join(tmpdir(), 'orderlens-fixture-analysis-'));
  try {
    const session = await adapter.open({ options, model: wrapped, warn: () => undefined });
    try {
      const plan = planAnalysis(adapter, { samples: '1', allSamples: true }, options);
      await runAnalysis({
        modality: adapter.name,
        session,
        model: wrapped,
        estimator: estimators.get(plan.estimatorName),
        estimatorOptions: plan.estimatorOptions,
        pairs: plan.pairs && pairStrategy(plan.pairs),
        selection: plan.selection,
        reward: 'log-odds',
        seed: 0,
        batchSize,
        run: { out, resume: false },
        onEvent: (e) => {
          if (e.type === 'selected') phase = 'estimation';
        },
      });
    } catch (e) {
      if (!(e instanceof StopAnalysis)) throw e;
    } finally {
      await session.dispose?.();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The first batch of `batchSize` masked rows the default analysis sends (after the selection,
 * whose batches are whole inputs), copied.
 */
export async function firstFullBatch(
  net: FixtureNetwork,
  model: OpenedModel,
  batchSize: number,
): Promise<NamedTensors> {
  let found: NamedTensors | undefined;
  await driveDefaultAnalysis(net, model, batchSize, async (inputs, phase) => {
    const rows = Object.values(inputs)[0]?.dims[0] ?? 0;
    if (phase === 'selection' || rows < batchSize) return true;
    found = Object.fromEntries(
      Object.entries(inputs).map(([k, t]) => [k, { ...t, data: t.data.slice() } as TensorData]),
    );
    return false;
  });
  if (found === undefined) throw new Error(`${net.name}: the analysis never sent a batch of ${batchSize}`);
  return found;
}

/** The first `rows` rows of every tensor (views, no copy). */
export function sliceRows(inputs: NamedTensors, rows: number): NamedTensors {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, t]) => {
      const per = t.data.length / t.dims[0];
      return [
        k,
        {
          type: t.type,
          data: t.data.subarray(0, rows * per),
          dims: [rows, ...t.dims.slice(1)],
        } as TensorData,
      ];
    }),
  );
}
