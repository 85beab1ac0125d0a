import {
  predictedClass,
  CoalitionBatch,
  Evaluator,
  Rng,
  requireInput,
  timeModelRows,
  type ModelRunner,
  type NamedTensors,
} from '@orderlens/core';
import type { PatchGrid } from '../grid/patch-grid.js';
import type { ImageShape } from '../image/raw-image.js';
import { datasetChannelMean, datasetImage, type ImageDataset } from '../data/dataset.js';
import {
  byteMeanToModel,
  resolvePreprocessing,
  toModelInput,
  type PreprocessOptions,
} from '../image/preprocess.js';
import { buildBaseline, type BaselineSpec } from '../masking/baseline.js';
import { PatchMasker } from '../masking/patch-masker.js';
import { STRUCTURE_MODES, keptPlayers, type StructureMode } from './blocks.js';

/** One image for the structure experiment, in model space. */
export interface StructureSample {
  readonly x: Float32Array;
  readonly baseline: Float32Array;
  readonly label: number;
}

/** Options of {@link structureCurves}. */
export interface StructureOptions {
  readonly runner: ModelRunner;
  readonly samples: readonly StructureSample[];
  readonly shape: ImageShape;
  readonly grid: PatchGrid;
  /** Model input name (default the runner's first input). */
  readonly inputName?: string;
  /** Numbers of masked patches (default 11 evenly spaced values from 0 to n). */
  readonly masked?: readonly number[];
  readonly modes?: readonly StructureMode[];
  /** Random draws per image and `k` for the random modes (default 4). */
  readonly repeats?: number;
  readonly seed?: number | string;
  /** Images per model call (default 256). */
  readonly batchSize?: number;
  readonly onProgress?: (p: {
    readonly image: number;
    readonly images: number;
    readonly modelCalls: number;
  }) => void;
  readonly signal?: AbortSignal;
}

/** Accuracy curves of the structure experiment. */
export interface StructureResult {
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  /** Masked patch counts `k`. */
  readonly masked: number[];
  /** `k / n`. */
  readonly ratios: number[];
  /** Accuracy per mode, aligned with `masked`. */
  readonly accuracy: Partial<Record<StructureMode, number[]>>;
  /**
   * Area between each surrounding curve and the random curve,
   * `∫₀¹ (acc_surrounding − acc_random) d(k/n)` (trapezoid rule): positive when the model does
   * better when the patches it keeps form one contiguous block, i.e. it relies on structure.
   */
  readonly areas: Partial<Record<'central-surrounding' | 'random-surrounding', number>>;
  readonly images: number;
  readonly modelCalls: number;
  readonly wallTimeMs: number;
}

/** Evenly spaced masked counts `round(t·n/(steps−1))`, `t = 0 … steps−1`, deduplicated. */
export function defaultMaskedCounts(n: number, steps = 11): number[] {
  return [...new Set(Array.from({ length: steps }, (_, t) => Math.round((t * n) / (steps - 1))))];
}

/**
 * The first `count` images of `dataset` as structure samples: each preprocessed for the model, its
 * baseline built by `baseline` (`mean`: the dataset's channel mean in model space), its label.
 */
export function structureSamples(
  dataset: ImageDataset,
  count: number,
  preprocess: PreprocessOptions,
  baseline: BaselineSpec,
  shape: ImageShape,
): StructureSample[] {
  const pre = resolvePreprocessing(preprocess, dataset.channels);
  const datasetMean = byteMeanToModel(datasetChannelMean(dataset), pre);
  return Array.from({ length: Math.min(count, dataset.count) }, (_, k) => {
    const x = toModelInput(datasetImage(dataset, k), preprocess);
    return { x, baseline: buildBaseline(baseline, x, shape, datasetMean), label: dataset.labels[k] };
  });
}

/**
 * Accuracy as `k` of the `n` patches are masked, in each {@link StructureMode} (MATH.md,
 * "Experiments on structure"). Every model call goes through an {@link Evaluator} per image, so
 * identical masks (e.g. `k = 0` in every mode) are run once.
 */
export async function structureCurves(options: StructureOptions): Promise<StructureResult> {
  const t0 = performance.now();
  const { runner, samples, shape, grid } = options;
  const { n, masked, modes, draws, root } = structureSetup(options);
  const inputName = options.inputName ?? runner.inputNames[0];
  const owner = grid.playerOfElement(shape);
  const correct: Record<string, Float64Array> = {};
  for (const m of modes) correct[m] = new Float64Array(masked.length);
  let modelCalls = 0;
  for (let s = 0; s < samples.length; s++) {
    const { x, baseline, label } = samples[s];
    const masker = new PatchMasker({ x, baseline, shape, grid, inputName, playerOfElement: owner });
    const evaluator = new Evaluator(
      {
        prepare: (b: CoalitionBatch, start: number, end: number): NamedTensors => masker.mask(b, start, end),
        execute: async (inputs: unknown, count: number) => {
          const out = await runner.run(inputs as NamedTensors);
          requireInput(out.rows === count, 'model output', `expected ${count} rows, got ${out.rows}`);
          const hit = new Float64Array(count);
          for (let r = 0; r < count; r++)
            hit[r] = argmax(out.data, r * out.classes, out.classes) === label ? 1 : 0;
          return hit;
        },
      },
      { batchSize: options.batchSize ?? 256, signal: options.signal },
    );
    const { batch, slot } = imageCoalitions(grid, masked, modes, draws, root, s);
    const hits = await evaluator.evaluate(batch);
    slot.forEach(({ mode, k }, t) => (correct[mode][k] += hits[t]));
    modelCalls += evaluator.modelCalls;
    options.onProgress?.({ image: s + 1, images: samples.length, modelCalls });
  }
  const accuracy: Partial<Record<StructureMode, number[]>> = {};
  for (const m of modes) accuracy[m] = Array.from(correct[m], (c) => c / (samples.length * draws[m]));
  const ratios = masked.map((k) => k / n);
  const areas: StructureResult['areas'] = {};
  if (accuracy.random) {
    for (const m of ['central-surrounding', 'random-surrounding'] as const) {
      const acc = accuracy[m];
      if (acc) areas[m] = areaBetween(ratios, acc, accuracy.random);
    }
  }
  return {
    n,
    rows: grid.rows,
    cols: grid.cols,
    masked,
    ratios,
    accuracy,
    areas,
    images: samples.length,
    modelCalls,
    wallTimeMs: performance.now() - t0,
  };
}

/** The checked settings of a structure run (shared by the run and its plan). */
function structureSetup(
  options: Pick<StructureOptions, 'samples' | 'grid' | 'masked' | 'modes' | 'repeats' | 'seed'>,
) {
  requireInput(options.samples.length > 0, 'samples', 'expected at least one image');
  const n = options.grid.n;
  const masked = options.masked ? [...options.masked] : defaultMaskedCounts(n);
  for (const k of masked)
    requireInput(Number.isInteger(k) && k >= 0 && k <= n, 'masked', `expected counts in 0…${n}, got ${k}`);
  const modes = options.modes ? [...options.modes] : [...STRUCTURE_MODES];
  for (const m of modes)
    requireInput(
      STRUCTURE_MODES.includes(m),
      'modes',
      `unknown mode "${m}"; expected ${STRUCTURE_MODES.join(', ')}`,
    );
  const repeats = options.repeats ?? 4;
  requireInput(
    Number.isInteger(repeats) && repeats > 0,
    'repeats',
    `expected a positive integer, got ${repeats}`,
  );
  const draws: Record<string, number> = {};
  // central-surrounding is deterministic: one draw is the whole distribution.
  for (const m of modes) draws[m] = m === 'central-surrounding' ? 1 : repeats;
  return { n, masked, modes, draws, root: Rng.create(options.seed ?? 0) };
}

/** The kept-patch coalitions of image `s`, one per (mode, k, draw), and which (mode, k) each is. */
function imageCoalitions(
  grid: PatchGrid,
  masked: readonly number[],
  modes: readonly StructureMode[],
  draws: Record<string, number>,
  root: Rng,
  s: number,
): { batch: CoalitionBatch; slot: Array<{ mode: string; k: number }> } {
  const batch = new CoalitionBatch(grid.n, 64);
  const slot: Array<{ mode: string; k: number }> = [];
  for (const m of modes)
    for (let ki = 0; ki < masked.length; ki++)
      for (let r = 0; r < draws[m]; r++) {
        batch.pushPlayers(keptPlayers(grid.rows, grid.cols, masked[ki], m, root.fork(s, m, masked[ki], r)));
        slot.push({ mode: m, k: ki });
      }
  return { batch, slot };
}

/** What {@link planStructure} found: the model calls of the run (exact) and its time. */
export interface StructurePlan {
  /** Model rows per image, after the Evaluator's de-duplication (identical masks run once). */
  readonly callsPerImage: readonly number[];
  readonly totalCalls: number;
  /** Measured on one batch of the first image's masked inputs (absent for an empty plan). */
  readonly secondsPerCall?: number;
  readonly warmupRows: number;
  readonly estimatedSeconds?: number;
}

/**
 * The cost of {@link structureCurves} with the same options, before its first counted model call:
 * every image's masks are drawn and de-duplicated as the run will (the masks depend on the seed,
 * the image's position and k, never on the model), so the count is exact; one batch of the
 * first image's masked inputs times the model.
 */
export async function planStructure(options: StructureOptions): Promise<StructurePlan> {
  const { runner, samples, shape, grid } = options;
  const { masked, modes, draws, root } = structureSetup(options);
  const batchSize = options.batchSize ?? 256;
  const callsPerImage: number[] = [];
  let first: CoalitionBatch | undefined;
  for (let s = 0; s < samples.length; s++) {
    const { batch } = imageCoalitions(grid, masked, modes, draws, root, s);
    first ??= batch;
    // An Evaluator that never reaches the model: it only counts the distinct masks.
    const counter = new Evaluator(
      {
        prepare: () => ({}),
        execute: (_: unknown, count: number) => Promise.resolve(new Float64Array(count)),
      },
      { batchSize, signal: options.signal },
    );
    await counter.evaluate(batch);
    callsPerImage.push(counter.modelCalls);
  }
  const totalCalls = callsPerImage.reduce((a, c) => a + c, 0);
  const { x, baseline } = samples[0];
  const inputName = options.inputName ?? runner.inputNames[0];
  const masker = new PatchMasker({
    x,
    baseline,
    shape,
    grid,
    inputName,
    playerOfElement: grid.playerOfElement(shape),
  });
  const rows = Math.min(batchSize, first!.count);
  const timing = await timeModelRows(runner, masker.mask(first!, 0, rows), rows);
  return {
    callsPerImage,
    totalCalls,
    secondsPerCall: timing.secondsPerRow,
    warmupRows: timing.warmupRows,
    estimatedSeconds: totalCalls * timing.secondsPerRow,
  };
}

/** `∫ (a − b) dx` by the trapezoid rule over the points `xs` (sorted by the caller or not). */
export function areaBetween(xs: readonly number[], a: readonly number[], b: readonly number[]): number {
  const idx = xs.map((_, i) => i).sort((i, j) => xs[i] - xs[j]);
  let s = 0;
  for (let t = 1; t < idx.length; t++) {
    const i = idx[t - 1];
    const j = idx[t];
    s += ((xs[j] - xs[i]) * (a[i] - b[i] + a[j] - b[j])) / 2;
  }
  return s;
}

function argmax(data: Float32Array, offset: number, classes: number): number {
  return predictedClass({ data: data.subarray(offset, offset + classes), rows: 1, classes }, 0);
}
