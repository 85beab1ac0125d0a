import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { requireInput, Rng, writeJsonAtomic } from '@orderlens/core';
import { parseOrderLossSpec, type OrderLossConventions, type OrderLossTerm } from '@orderlens/core/math';
import { tfjsBackendLabel } from '../backend/init-tfjs.js';
import { saveLayersModel } from '../io/model-files.js';
import { buildMlp } from '../models/build-mlp.js';
import { readCheckpointManifest } from './checkpoint.js';
import { evaluateAccuracy, inputShapeFor } from './dataset.js';
import {
  SNAPSHOT_INDEX,
  SNAPSHOT_INDEX_SCHEMA,
  readSnapshotIndex,
  type SnapshotEntry,
  type SnapshotIndex,
} from './snapshot-index.js';
import { trainClassifier, type EpochStats, type TrainClassifierOptions } from './train-classifier.js';
import { trainingInterrupted, withTrainingOptionNames } from './training-interruption.js';
import { twoClassLogits } from './two-class-logits.js';

/**
 * File name of the preprocessing {@link trainTabularModel} saves beside the model unless told
 * otherwise (the name `@orderlens/tabular` reads back, its `PREPROCESSING_FILE`).
 */
export const TABULAR_PREPROCESSING_FILE = 'preprocessing.json';

/**
 * What {@link trainTabularModel} needs of the rows' preprocessing (structural: the tabular
 * package's `TabularPreprocessor` fits; nothing here knows about CSV files or census).
 */
export interface TabularTrainingPreprocessor {
  /** Class names of the target; their count sets the model's outputs (at least 2). */
  readonly classes?: readonly string[] | undefined;
  /** Players the order losses draw coalitions over (the columns before encoding). */
  readonly playerCount: number;
  /** Writes the preprocessing to `path` (beside the model and in every snapshot). */
  save(path: string): void;
}

/**
 * Numeric rows {@link trainTabularModel} trains or evaluates on (structural: the tabular
 * package's `TabularRows` fits).
 */
export interface TabularTrainingRows {
  /** Inputs, `rows × featureCount` row-major. */
  readonly x: Float32Array;
  /** Class labels, length `rows`. */
  readonly y: Int32Array;
  /** Number of rows. */
  readonly rows: number;
  /** Model inputs per row. */
  readonly featureCount: number;
  /** Names of the model inputs, recorded in `training.json`. */
  readonly featureNames: readonly string[];
  /** For each model input, the player (column) it belongs to; length `featureCount`. */
  readonly playerOfFeature: Int32Array;
  /** The preprocessing that produced the rows, saved beside the model. */
  readonly preprocessor: TabularTrainingPreprocessor;
}

/** Layers of the named MLP architectures (Dense layers in total, output included). */
export const MLP_ARCHITECTURES: Readonly<Record<string, number>> = { mlp2: 2, mlp5: 5, mlp8: 8 };

/** Everything that determines a trained tabular model. */
export interface TabularTrainSpec {
  /** Dense layers in total (5 = MLP-5). */
  layers: number;
  /** Units per hidden layer. */
  hidden: number;
  /** Order-loss preset or spec (`normal`, `low`, `mid`, `high`, `boost-high`, `plus:r1,r2;minus:r1,r2`). */
  loss: string;
  /** Weight λ1 of every plus term. */
  lambdaPlus: number;
  /** Weight λ2 of every minus term. */
  lambdaMinus: number;
  /** Epochs in total (restored ones included when resuming). */
  epochs: number;
  /** Rows per step. */
  batchSize: number;
  /** Optimizer learning rate. */
  learningRate: number;
  /** Seed of initialisation, sampling, coalitions and label noise. */
  seed: number;
  /** Class-balanced sampling, as the papers' census models (default true). */
  balance: boolean;
  /** `adam` (default) or `sgd` (with `momentum`, default 0.9); absent fields keep old specs as they were. */
  optimizer?: 'adam' | 'sgd';
  /** Momentum of `sgd`. */
  momentum?: number;
  /** Order-loss sizes and coefficient (default `round`/`drawn`; `ICLR2022_LOSS_CONVENTIONS`). */
  lossConventions?: OrderLossConventions;
}

/** What {@link trainTabularModel} wrote and measured (also in `training.json`, with relative file names). */
export interface TabularTrainSummary {
  readonly schema: 'orderlens/tabular-training@1';
  readonly spec: TabularTrainSpec;
  readonly terms: OrderLossTerm[];
  readonly dataset: string;
  readonly trainRows: number;
  readonly featureNames: readonly string[];
  readonly baseline: number[];
  readonly history: EpochStats[];
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly backend: string;
  readonly wallTimeMs: number;
  readonly modelFile: string;
  readonly preprocessingFile: string;
  /** Epochs restored from a checkpoint (absent when training started from scratch). */
  readonly resumedEpochs?: number;
  /** Label noise applied to the training rows (absent without `labelNoise`). */
  readonly labelNoise?: { readonly fraction: number; readonly flipped: number };
  /** The model snapshots written (absent without `snapshots`). */
  readonly snapshots?: { readonly dir: string; readonly epochs: number[] };
}

/**
 * Flips a seeded fraction of labels (the two-phase paper adds label noise so that over-fitting
 * shows): `round(fraction · N)` rows drawn without replacement from `Rng(seed).fork('label-noise')`
 * get another class (the other one for two classes, a uniformly drawn other one otherwise).
 * Returns a copy (`y` is not changed) and the flipped rows, ascending, so a run can record which
 * rows were relabelled (`orderlens mislabeled` compares them with clean ones).
 */
export function addLabelNoise(
  y: Int32Array,
  fraction: number,
  classes: number,
  seed: number | string,
): { y: Int32Array; flipped: number; rows: number[] } {
  requireInput(
    Number.isFinite(fraction) && fraction >= 0 && fraction < 1,
    '--label-noise',
    `expected a fraction in [0, 1), got ${fraction}`,
  );
  const out = Int32Array.from(y);
  const count = Math.round(fraction * y.length);
  if (count === 0 || classes < 2) return { y: out, flipped: 0, rows: [] };
  const rng = Rng.create(seed).fork('label-noise');
  const rows = rng.sample(
    Array.from({ length: y.length }, (_, i) => i),
    count,
  );
  for (const r of rows) out[r] = (y[r] + 1 + rng.int(classes - 1)) % classes;
  return { y: out, flipped: count, rows: [...rows].sort((a, b) => a - b) };
}

/** File beside the snapshots (or the model, without snapshots) naming the rows whose labels were flipped. */
export const RELABELLED_FILE = 'relabelled.json';

/**
 * The `orderlens/relabelled-samples@1` document of a label-noise run: the flipped rows as positions
 * among the training rows the trainer was given (with `--dataset census --train-rows N`, the first
 * N rows of the census training split, so the positions are those of `--dataset census --split
 * train`), with each row's original and trained label — `orderlens mislabeled` explains a
 * relabelled row for its trained label, as the data there hold the original one.
 */
export function relabelledRowsDocument(
  train: TabularTrainingRows,
  noisy: { readonly y: Int32Array; readonly rows: readonly number[] },
  fraction: number,
  seed: number | string,
  dataset: string,
): Record<string, unknown> {
  return {
    schema: 'orderlens/relabelled-samples@1',
    description: `training rows whose labels orderlens train tabular flipped (--label-noise ${fraction}, --seed ${seed}); positions among the ${train.rows} training rows of ${dataset}, in their order`,
    generatedBy: 'orderlens train tabular',
    trainingRows: train.rows,
    relabelled: [...noisy.rows],
    samples: noisy.rows.map((r) => ({
      position: r,
      trainingIndex: r,
      originalLabel: train.y[r],
      trainedLabel: noisy.y[r],
    })),
  };
}

/** Mean cross-entropy of `model` (eval mode) on (`x`, `y`), binary sigmoid outputs as two classes. */
export async function evaluateCrossEntropy(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  featureCount: number,
  batchSize = 2048,
): Promise<number> {
  const shape = inputShapeFor(model, featureCount);
  const n = y.length;
  let sum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const B = Math.min(batchSize, n - start);
    const loss = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * featureCount, (start + B) * featureCount), [B, ...shape]);
      const out = model.apply(xs, { training: false }) as tf.Tensor | tf.Tensor[];
      const z = twoClassLogits((Array.isArray(out) ? out[0] : out) as tf.Tensor2D);
      const oneHot = tf.oneHot(tf.tensor1d(y.subarray(start, start + B), 'int32'), z.shape[1]);
      return tf.sum(tf.losses.softmaxCrossEntropy(oneHot, z, undefined, 0, tf.Reduction.NONE));
    });
    sum += (await loss.data())[0];
    loss.dispose();
  }
  return sum / Math.max(1, n);
}

/** Parses the order-loss spec (`--order-loss` in the CLI): a preset or a term list; `normal` has no terms. */
function lossTerms(spec: string): OrderLossTerm[] {
  return parseOrderLossSpec(spec, 'loss');
}

/** Options of {@link trainTabularModel}. */
export interface TrainTabularModelOptions {
  /** What to train. */
  spec: TabularTrainSpec;
  /** Rows trained on. */
  train: TabularTrainingRows;
  /** Held-out rows, evaluated after every epoch. */
  test: TabularTrainingRows;
  /** Values of absent inputs in the order losses, one per input. */
  baseline: Float32Array;
  /** Where `model.json` + weights, the preprocessing and `training.json` go. */
  outDir: string;
  /** Name of the data, recorded in `training.json`. */
  dataset: string;
  /** File name of the preprocessing beside the model (default {@link TABULAR_PREPROCESSING_FILE}). */
  preprocessingFile?: string;
  /** Called after every epoch. */
  onEpoch?: (stats: EpochStats) => void;
  /** Called after every optimizer step (see {@link TrainClassifierOptions.onStep}). */
  onStep?: TrainClassifierOptions['onStep'];
  /** Write a checkpoint into `dir` after every epoch. */
  checkpoint?: { dir: string };
  /** Continue the checkpoint in this folder. */
  resumeFrom?: string;
  /** Stops training at the next epoch boundary. */
  signal?: AbortSignal;
  /** Flip this fraction of the training labels (seeded by `spec.seed`) before training. */
  labelNoise?: number;
  /**
   * Save the model after these epochs (0: before training) into `<dir>/epoch-<e>/` (model.json,
   * weights, preprocessing) and list them, with train/test loss and accuracy, in
   * `<dir>/index.json`; each snapshot folder is renamed into place whole, and the index is
   * rewritten after each one, so an interrupted run leaves a valid series.
   */
  snapshots?: { dir: string; epochs: readonly number[] };
}

/**
 * Trains an MLP with tfjs (optionally with order losses whose masked inputs use `baseline`),
 * writes `model.json` + weights, the preprocessing and `training.json` into `outDir`.
 *
 * With `checkpoint` a checkpoint is written after every epoch; `resumeFrom` continues one
 * (bit-identical to an uninterrupted run). When `signal` aborts, training stops at the next
 * epoch boundary and an `InterruptedError` saying how to resume is thrown; the final files are
 * then not written.
 */
export async function trainTabularModel(options: TrainTabularModelOptions): Promise<TabularTrainSummary> {
  const t0 = performance.now();
  const { spec, test, baseline } = options;
  const preprocessingName = options.preprocessingFile ?? TABULAR_PREPROCESSING_FILE;
  let train = options.train;
  const terms = lossTerms(spec.loss);
  const d = train.featureCount;
  requireInput(
    baseline.length === d,
    '--baseline',
    `has ${baseline.length} values, the data has ${d} inputs`,
  );
  const classes = Math.max(2, train.preprocessor.classes?.length ?? 2);
  let noise: { fraction: number; flipped: number } | undefined;
  if (options.labelNoise !== undefined && options.labelNoise > 0) {
    const noisy = addLabelNoise(train.y, options.labelNoise, classes, spec.seed);
    const dir = options.snapshots?.dir ?? options.outDir;
    mkdirSync(dir, { recursive: true });
    writeJsonAtomic(
      join(dir, RELABELLED_FILE),
      relabelledRowsDocument(train, noisy, options.labelNoise, spec.seed, options.dataset),
    );
    train = { ...train, y: noisy.y };
    noise = { fraction: options.labelNoise, flipped: noisy.flipped };
  }
  const model = buildMlp({ inputDim: d, hidden: spec.hidden, layers: spec.layers, classes, seed: spec.seed });
  const players = train.preprocessor.playerCount;
  const snap = options.snapshots;
  const saved: SnapshotEntry[] = [];
  let saveSnapshot: ((epoch: number) => Promise<void>) | undefined;
  if (snap !== undefined) {
    const wanted = new Set(snap.epochs);
    for (const e of wanted)
      requireInput(
        Number.isInteger(e) && e >= 0 && e <= spec.epochs,
        '--save-epochs',
        `epoch ${e} is not in 0…${spec.epochs}`,
      );
    const indexPath = join(snap.dir, SNAPSHOT_INDEX);
    const done = options.resumeFrom !== undefined ? readCheckpointManifest(options.resumeFrom).epochsDone : 0;
    if (done > 0) {
      // Resuming: keep the snapshots of the epochs already trained; later ones are redone.
      for (const e of readSnapshotIndex(indexPath)?.checkpoints ?? []) if (e.epoch <= done) saved.push(e);
    } else if (existsSync(snap.dir)) {
      // A fresh run: snapshots of an earlier run in this folder would mix two runs.
      for (const f of readdirSync(snap.dir))
        if (/^epoch-\d+(\.tmp)?$/.test(f) || f === SNAPSHOT_INDEX || (f === RELABELLED_FILE && !noise))
          rmSync(join(snap.dir, f), { recursive: true, force: true });
    }
    saveSnapshot = async (epoch: number) => {
      if (!wanted.has(epoch) || saved.some((e) => e.epoch === epoch)) return;
      const name = `epoch-${epoch}`;
      const tmp = join(snap.dir, `${name}.tmp`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      await saveLayersModel(model, tmp);
      train.preprocessor.save(join(tmp, preprocessingName));
      rmSync(join(snap.dir, name), { recursive: true, force: true });
      renameSync(tmp, join(snap.dir, name));
      saved.push({
        epoch,
        model: `${name}/model.json`,
        trainLoss: await evaluateCrossEntropy(model, train.x, train.y, d),
        testLoss: await evaluateCrossEntropy(model, test.x, test.y, d),
        trainAccuracy: await evaluateAccuracy(model, train.x, train.y, d),
        testAccuracy: await evaluateAccuracy(model, test.x, test.y, d),
      });
      saved.sort((a, b) => a.epoch - b.epoch);
      writeJsonAtomic(indexPath, {
        schema: SNAPSHOT_INDEX_SCHEMA,
        epochs: saved.map((e) => e.epoch),
        labelNoise: options.labelNoise ?? 0,
        checkpoints: saved,
      } satisfies SnapshotIndex);
    };
    if (done === 0) await saveSnapshot(0);
  }
  const result = await withTrainingOptionNames(() =>
    trainClassifier({
      model,
      x: train.x,
      y: train.y,
      featureCount: d,
      epochs: spec.epochs,
      batchSize: spec.batchSize,
      learningRate: spec.learningRate,
      seed: spec.seed,
      balance: spec.balance,
      ...optimizerOptions(spec),
      orderLosses: terms.length
        ? {
            terms,
            lambdaPlus: spec.lambdaPlus,
            lambdaMinus: spec.lambdaMinus,
            players,
            playerOfFeature: train.playerOfFeature,
            baseline,
            ...(spec.lossConventions ? { conventions: spec.lossConventions } : {}),
          }
        : undefined,
      validation: { x: test.x, y: test.y },
      onEpoch: async (stats) => {
        await saveSnapshot?.(stats.epoch + 1);
        options.onEpoch?.(stats);
      },
      ...(options.onStep ? { onStep: options.onStep } : {}),
      checkpoint: options.checkpoint,
      resumeFrom: options.resumeFrom,
      signal: options.signal,
    }),
  );
  if (result.interrupted) {
    model.dispose();
    throw trainingInterrupted(
      options.checkpoint ? result.history.length : 0,
      spec.epochs,
      options.checkpoint?.dir ?? options.outDir,
    );
  }
  const modelFile = await saveLayersModel(model, options.outDir);
  const preprocessingFile = join(options.outDir, preprocessingName);
  train.preprocessor.save(preprocessingFile);
  const last = result.history[result.history.length - 1];
  const summary: TabularTrainSummary = {
    schema: 'orderlens/tabular-training@1',
    spec,
    terms,
    dataset: options.dataset,
    trainRows: train.rows,
    featureNames: train.featureNames,
    baseline: Array.from(baseline),
    history: result.history,
    trainAccuracy: last?.accuracy ?? 0,
    testAccuracy: last?.validationAccuracy ?? (await evaluateAccuracy(model, test.x, test.y, d)),
    backend: `tfjs:${tfjsBackendLabel()}`,
    wallTimeMs: performance.now() - t0,
    modelFile,
    preprocessingFile,
    ...(result.startEpoch > 0 ? { resumedEpochs: result.startEpoch } : {}),
    ...(noise ? { labelNoise: noise } : {}),
    ...(snap ? { snapshots: { dir: snap.dir, epochs: saved.map((e) => e.epoch) } } : {}),
  };
  // Relative names in the file, so a model directory can be moved or shipped.
  writeJsonAtomic(join(options.outDir, 'training.json'), {
    ...summary,
    modelFile: basename(modelFile),
    preprocessingFile: preprocessingName,
    ...(summary.snapshots
      ? { snapshots: { ...summary.snapshots, dir: basename(summary.snapshots.dir) } }
      : {}),
  });
  model.dispose();
  return summary;
}

/** The optimizer fields of a spec for `trainClassifier` (none when the spec does not set them). */
function optimizerOptions(spec: TabularTrainSpec): { optimizer?: 'adam' | 'sgd'; momentum?: number } {
  return {
    ...(spec.optimizer !== undefined ? { optimizer: spec.optimizer } : {}),
    ...(spec.momentum !== undefined ? { momentum: spec.momentum } : {}),
  };
}
