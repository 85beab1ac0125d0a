import { join } from 'node:path';
import { Rng, writeJsonAtomic } from '@orderlens/core';
import type { OrderLossTerm } from '@orderlens/core/math';
import { saveLayersModel } from '../io/model-files.js';
import { buildPatchCnn } from '../models/build-patch-cnn.js';
import { trainClassifier, type EpochStats } from './train-classifier.js';
import { trainingInterrupted } from './training-interruption.js';

/**
 * What {@link trainPatchCnn} trains on: images as model inputs (NHWC, normalised with their own
 * channel statistics), their labels, and the patch grid whose cells are the order losses' players.
 */
export interface PatchCnnTrainingSet {
  readonly shape: { readonly height: number; readonly width: number; readonly channels: number };
  /** Inputs, `count × size` row-major. */
  readonly x: Float32Array;
  /** Values per image. */
  readonly size: number;
  readonly labels: Int32Array;
  readonly count: number;
  readonly classNames: readonly string[];
  /** Side of a grid cell in pixels (the patch embedding's stride). */
  readonly patch: number;
  /** Channel statistics the inputs were normalised with, and where the images came from. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly source: string;
  /** The grid: its shape, its players and the player of each input value. */
  readonly grid: {
    readonly rows: number;
    readonly cols: number;
    readonly n: number;
    readonly playerOfFeature: Int32Array;
  };
}

/** Options of {@link trainPatchCnn}. */
export interface TrainPatchCnnOptions {
  readonly data: PatchCnnTrainingSet;
  /** The order losses as given (`spec`) and parsed (`terms`; none: cross-entropy only). */
  readonly orderLoss: {
    readonly spec: string;
    readonly terms: readonly OrderLossTerm[];
    readonly lambdaPlus: number;
    readonly lambdaMinus: number;
  };
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Seed of initialisation (a string seed is hashed to a number), shuffling and coalitions. */
  readonly seed: number | string;
  /** Output folder: model.json, weights.bin and meta.json. */
  readonly out: string;
  /** Checkpoint folder written after every epoch, and the one to continue from, if any. */
  readonly checkpoint: { readonly dir: string; readonly resumeFrom?: string };
  /** The tfjs backend in use, recorded in meta.json. */
  readonly backend: string;
  /** What wrote the model, recorded in meta.json. */
  readonly generatedBy: string;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (stats: EpochStats) => void;
}

/**
 * Builds the patch CNN ({@link buildPatchCnn}) for a training set, trains it with cross-entropy
 * and the order losses over its patch grid, and saves it with a `meta.json` that the vision
 * adapter reads (input layout, classes, normalisation) and that records the training. Ctrl-C
 * (`signal`) ends with {@link trainingInterrupted} after the checkpoint is written.
 */
export async function trainPatchCnn(
  o: TrainPatchCnnOptions,
): Promise<{ readonly history: EpochStats[]; readonly modelFile: string }> {
  const { data, orderLoss } = o;
  const { shape } = data;
  const seedNum = typeof o.seed === 'number' ? o.seed : Rng.create(o.seed).int(1 << 30);
  const model = buildPatchCnn(shape, data.patch, data.classNames.length, seedNum);
  try {
    const result = await trainClassifier({
      model,
      x: data.x,
      y: data.labels,
      featureCount: data.size,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed: o.seed,
      ...(orderLoss.terms.length > 0
        ? {
            orderLosses: {
              terms: orderLoss.terms,
              lambdaPlus: orderLoss.lambdaPlus,
              lambdaMinus: orderLoss.lambdaMinus,
              players: data.grid.n,
              playerOfFeature: data.grid.playerOfFeature,
              // The dataset mean is 0 after normalisation with its own statistics.
              baseline: new Float32Array(data.size),
            },
          }
        : {}),
      ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
      checkpoint: { dir: o.checkpoint.dir },
      resumeFrom: o.checkpoint.resumeFrom,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (result.interrupted) throw trainingInterrupted(result.history.length, o.epochs, o.checkpoint.dir);
    // Restored epochs included.
    const history: EpochStats[] = result.history;
    const modelFile = await saveLayersModel(model, o.out);
    const cell = shape.height / data.grid.rows;
    // Atomic (temporary file, then rename), like every result file.
    writeJsonAtomic(
      join(o.out, 'meta.json'),
      {
        model: `patch CNN (tfjs): ${cell}×${cell} stride-${cell} conv (as dense) 32 ReLU, per-token dense 16 ReLU, Dense 64 ReLU, Dense ${data.classNames.length}`,
        generatedBy: o.generatedBy,
        backend: o.backend,
        input: {
          shape: ['batch', shape.height, shape.width, shape.channels],
          layout: 'NHWC',
          channelOrder: 'RGB',
        },
        classes: data.classNames,
        normalization: {
          formula: '(pixel / 255 - mean[c]) / std[c]',
          mean: data.mean,
          std: data.std,
          source: data.source,
        },
        orderLoss: {
          spec: orderLoss.spec,
          terms: orderLoss.terms,
          grid: { rows: data.grid.rows, cols: data.grid.cols },
          lambdaPlus: orderLoss.lambdaPlus,
          lambdaMinus: orderLoss.lambdaMinus,
        },
        training: {
          epochs: history.length,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          seed: o.seed,
          images: data.count,
          ...(result.startEpoch > 0 ? { resumedEpochs: result.startEpoch } : {}),
        },
        history,
      },
      1,
    );
    return { history, modelFile };
  } finally {
    model.dispose();
  }
}
