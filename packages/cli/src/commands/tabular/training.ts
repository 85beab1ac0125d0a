import { basename, join } from 'node:path';
import { parseOrderLossSpec, requireInput, writeJsonAtomic, type OrderLossTerm } from '@orderlens/core';
import {
  buildMlp,
  evaluateAccuracy,
  saveLayersModel,
  tfjsBackendLabel,
  trainClassifier,
  type EpochStats,
} from '@orderlens/runtime-tfjs';
import { trainingInterrupted, withTrainingOptionNames } from '../../util/training-checkpoint.js';
import { PREPROCESSING_FILE } from './model-files.js';
import type { TabularRows } from './data.js';

/** Layers of the named architectures (Dense layers in total, output included). */
export const ARCHITECTURES: Readonly<Record<string, number>> = { mlp2: 2, mlp5: 5, mlp8: 8 };

/** Everything that determines a trained tabular model. */
export interface TabularTrainSpec {
  /** Dense layers in total (5 = MLP-5). */
  layers: number;
  hidden: number;
  /** Order-loss preset or spec (`normal`, `low`, `mid`, `high`, `boost-high`, `plus:r1,r2;minus:r1,r2`). */
  loss: string;
  lambdaPlus: number;
  lambdaMinus: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Class-balanced sampling, as the papers' census models (default true). */
  balance: boolean;
}

/** What training wrote and measured. */
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
}

/** Parses `--loss`: a preset or a term list; `normal` has no terms. */
export function lossTerms(spec: string): OrderLossTerm[] {
  return parseOrderLossSpec(spec, '--loss');
}

/**
 * Trains an MLP with tfjs (optionally with order losses whose masked inputs use `baseline`),
 * writes `model.json` + weights, `preprocessing.json` and `training.json` into `outDir`.
 *
 * With `checkpoint` a checkpoint is written after every epoch; `resumeFrom` continues one
 * (bit-identical to an uninterrupted run). When `signal` aborts, training stops at the next
 * epoch boundary and an `InterruptedError` saying how to resume is thrown; the final files are
 * then not written.
 */
export async function trainTabularModel(options: {
  spec: TabularTrainSpec;
  train: TabularRows;
  test: TabularRows;
  baseline: Float32Array;
  outDir: string;
  dataset: string;
  onEpoch?: (stats: EpochStats) => void;
  checkpoint?: { dir: string };
  resumeFrom?: string;
  signal?: AbortSignal;
}): Promise<TabularTrainSummary> {
  const t0 = performance.now();
  const { spec, train, test, baseline } = options;
  const terms = lossTerms(spec.loss);
  const d = train.featureCount;
  requireInput(
    baseline.length === d,
    '--baseline',
    `has ${baseline.length} values, the data has ${d} inputs`,
  );
  const classes = Math.max(2, train.preprocessor.classes?.length ?? 2);
  const model = buildMlp({ inputDim: d, hidden: spec.hidden, layers: spec.layers, classes, seed: spec.seed });
  const players = train.preprocessor.playerCount;
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
      orderLosses: terms.length
        ? {
            terms,
            lambdaPlus: spec.lambdaPlus,
            lambdaMinus: spec.lambdaMinus,
            players,
            playerOfFeature: train.playerOfFeature,
            baseline,
          }
        : undefined,
      validation: { x: test.x, y: test.y },
      onEpoch: options.onEpoch,
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
  const preprocessingFile = join(options.outDir, PREPROCESSING_FILE);
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
  };
  // Relative names in the file, so a model directory can be moved or shipped.
  writeJsonAtomic(join(options.outDir, 'training.json'), {
    ...summary,
    modelFile: basename(modelFile),
    preprocessingFile: PREPROCESSING_FILE,
  });
  model.dispose();
  return summary;
}
