import { join } from 'node:path';
import type { OrderLossConventions } from '@orderlens/core/math';
import { initTfjs, type TfjsBackendName } from '../backend/init-tfjs.js';
import { hasCheckpoint } from './checkpoint.js';
import { trainTabularModel, type TabularTrainingRows } from './tabular-mlp.js';

/**
 * One MLP to train in its own folder: what an experiment (the census reproduction of
 * `@orderlens/tabular`) asks a trainer for. Shaped like that package's `CensusTrainJob`, which
 * this runtime does not import.
 */
export interface TabularTrainJob {
  readonly layers: number;
  readonly hidden: number;
  /** The order loss (preset or spec) and its weights. */
  readonly config: { readonly loss: string; readonly lambdaPlus: number; readonly lambdaMinus: number };
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly momentum?: number;
  readonly balance: boolean;
  readonly seed: number;
  readonly lossConventions?: OrderLossConventions;
  readonly train: TabularTrainingRows;
  readonly test: TabularTrainingRows;
  readonly baseline: Float32Array;
  /** The model's folder: `model.json`, weights, preprocessing, `training.json`, `checkpoint/`. */
  readonly dir: string;
}

/** What training one {@link TabularTrainJob} gave. */
export interface TabularTrainOutcome {
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly wallTimeMs: number;
  /** The trainer's own record of its settings. */
  readonly spec: Record<string, unknown>;
  /** Per epoch: wall seconds and optimizer steps. */
  readonly history: ReadonlyArray<{ readonly seconds: number; readonly steps?: number }>;
}

/** A tfjs trainer of tabular MLPs, and the device its models are opened on afterwards. */
export interface TabularTrainer {
  /**
   * Trains `job` in `job.dir`; `onProgress` hears the share of the job done and the epoch and
   * step under way after every optimizer step.
   */
  train(
    job: TabularTrainJob,
    onProgress?: (fraction: number, detail: string) => void,
  ): Promise<TabularTrainOutcome>;
  /** The device of the one `--device` policy that runs on the backend training used. */
  readonly device: 'wasm' | 'cpu';
}

/**
 * Starts tfjs on the first of `backends` that works and returns a trainer of tabular MLPs on
 * it. Training sees `signal`: an abort finishes the epoch under way, keeps it in
 * `<job.dir>/checkpoint`, and with `resume` a later run continues that model from there
 * (bit-identical); without `resume` a fresh run replaces what an earlier one left there.
 */
export async function tfjsTabularTrainer(options: {
  readonly backends: readonly TfjsBackendName[];
  readonly resume: boolean;
  readonly signal?: AbortSignal;
  /** Name of the data, recorded in each model's `training.json`. */
  readonly dataset: string;
  /** File name of the preprocessing written beside each model. */
  readonly preprocessingFile: string;
}): Promise<TabularTrainer> {
  await initTfjs(options.backends);
  return {
    device: options.backends[0] === 'wasm' ? 'wasm' : 'cpu',
    async train(job, onProgress) {
      // Opening a model for an analysis may have started another backend since: train on ours.
      await initTfjs(options.backends);
      const spec = {
        layers: job.layers,
        hidden: job.hidden,
        loss: job.config.loss,
        lambdaPlus: job.config.lambdaPlus,
        lambdaMinus: job.config.lambdaMinus,
        epochs: job.epochs,
        batchSize: job.batchSize,
        learningRate: job.learningRate,
        seed: job.seed,
        balance: job.balance,
        // Only what differs from the old defaults is written, so Adam runs keep their specs.
        ...(job.optimizer !== 'adam' ? { optimizer: job.optimizer, momentum: job.momentum } : {}),
        ...(job.lossConventions ? { lossConventions: job.lossConventions } : {}),
      };
      const checkpointDir = join(job.dir, 'checkpoint');
      const s = await trainTabularModel({
        spec,
        train: job.train,
        test: job.test,
        baseline: job.baseline,
        outDir: job.dir,
        checkpoint: { dir: checkpointDir },
        ...(options.resume && hasCheckpoint(checkpointDir) ? { resumeFrom: checkpointDir } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        dataset: options.dataset,
        preprocessingFile: options.preprocessingFile,
        ...(onProgress
          ? {
              onStep: (p) =>
                onProgress(
                  (p.epoch - 1 + p.step / p.steps) / p.epochs,
                  `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.steps}`,
                ),
            }
          : {}),
      });
      return {
        trainAccuracy: s.trainAccuracy,
        testAccuracy: s.testAccuracy,
        wallTimeMs: s.wallTimeMs,
        spec: { ...s.spec },
        history: s.history.map((h) => ({
          seconds: h.seconds,
          ...(h.steps !== undefined ? { steps: h.steps } : {}),
        })),
      };
    },
  };
}
