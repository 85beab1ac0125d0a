import * as tf from '@tensorflow/tfjs';
import { requireInput, requirePositiveInt, Rng } from '@orderlens/core';
import {
  buildOrderLossInputs,
  orderLossObjective,
  validateOrderLossConfig,
  type OrderLossConfig,
} from './order-loss-batch.js';
import { accuracyOf, checkDataset, inputShapeFor, predictClasses } from './dataset.js';
import {
  loadCheckpoint,
  readCheckpointManifest,
  trainingFingerprint,
  writeCheckpoint,
  type TrainingFingerprint,
} from './checkpoint.js';
import { readOptimizerState, restoreOptimizerState, type OptimizerState } from './optimizer-state.js';

/** Statistics of one training epoch. */
export interface EpochStats {
  /** 0-based epoch index. */
  epoch: number;
  /** Mean total loss over the epoch's steps (`CE + λ1·ΣL+ + λ2·ΣL−`). */
  loss: number;
  /** Mean cross-entropy on the clean inputs. */
  crossEntropy: number;
  /** Mean of `Σ L+` over the `plus` terms (0 without such terms). */
  plus: number;
  /** Mean of `Σ L−` over the `minus` terms (0 without such terms). */
  minus: number;
  /** Accuracy on the whole training set after the epoch (eval mode, unbalanced). */
  accuracy: number;
  /** Accuracy on `validation` after the epoch, when given. */
  validationAccuracy?: number;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  /**
   * Optimizer steps of the epoch (`⌈N / batchSize⌉`): what a plan's step count is checked
   * against. Absent in histories restored from checkpoints written before it was recorded.
   */
  steps?: number;
}

/** Where training is: step `step` of `steps` of epoch `epoch` of `epochs` (1-based). */
export interface TrainingStepProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly steps: number;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  /** The model to train in place (its first output gives the logits). */
  model: tf.LayersModel;
  /** Inputs, `N × featureCount` row-major (reshaped to the model's input shape). */
  x: Float32Array;
  /** Class labels, length `N`. */
  y: Int32Array;
  /** Values per sample. */
  featureCount: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seed of shuffling, balanced sampling and coalition draws. */
  seed: number | string;
  /**
   * Class-balanced sampling: each epoch draws `N` rows, each by picking a class uniformly, then a
   * row of that class uniformly (with replacement). Default false: a plain shuffle of all rows.
   */
  balance?: boolean;
  /** Order losses (MATH.md): one nested pair `S1 ⊊ S2` per sample, term and step. */
  orderLosses?: OrderLossConfig;
  /** Called after every epoch (awaited). */
  onEpoch?: (stats: EpochStats) => void | Promise<void>;
  /**
   * Called after every optimizer step, with the epoch and the step in it (both 1-based): a long
   * epoch can then show progress inside it.
   */
  onStep?: (p: TrainingStepProgress) => void;
  /**
   * `adam` (default; β1 0.9, β2 0.999, ε 1e−7, tfjs defaults) or `sgd` (SGD with momentum
   * {@link TrainClassifierOptions.momentum}, classic not Nesterov).
   */
  optimizer?: 'adam' | 'sgd';
  /** Momentum of `sgd` (default 0.9). */
  momentum?: number;
  /** Held-out data whose accuracy is reported each epoch. */
  validation?: { x: Float32Array; y: Int32Array };
  /**
   * Write a checkpoint into `dir` (model weights, optimizer state, epochs done, history and the
   * run's fingerprint) after every `every`-th epoch (default 1), after the last epoch, and
   * when `signal` stops training. See {@link writeCheckpoint} for the layout; the folder holds
   * nothing else of value and is replaced as training goes on.
   */
  checkpoint?: { dir: string; every?: number };
  /**
   * Continue the run whose checkpoint is in this folder: the model's weights (the model must be
   * built like the checkpointed one), the optimizer state and the history are restored and
   * training goes on at the next epoch. The result is bit-identical to an uninterrupted run with
   * the same options, because every epoch's randomness is forked from `seed` by epoch number.
   * All options that shape the trajectory must equal the checkpointed run's (architecture, data,
   * optimizer, learning rate, momentum, batch size, seed, balance, order losses); `epochs` may
   * grow, and `validation` may change (it is only reported).
   */
  resumeFrom?: string;
  /**
   * Stops training at the next epoch boundary once aborted (after writing a checkpoint when
   * `checkpoint` is set); the result then has `interrupted: true`. With a signal, training
   * yields to the event loop after every step, so aborts from timers or signal handlers
   * (SIGINT) are seen while it runs.
   */
  signal?: AbortSignal;
}

/** What {@link trainClassifier} returns. */
export interface TrainResult {
  /** All epochs done, those restored from `resumeFrom` included. */
  history: EpochStats[];
  /** The first epoch trained by this call (the checkpoint's `epochsDone` when resuming, else 0). */
  startEpoch: number;
  /** True when `signal` stopped training before `epochs` epochs. */
  interrupted: boolean;
}

/**
 * Trains a classifier with cross-entropy, optionally plus the order losses of MATH.md:
 * `Loss = CE(f(x), y) + λ1·Σ_plus L+(r1,r2) + λ2·Σ_minus L−(r1,r2)`, all batch means.
 *
 * Randomness comes from `Rng.create(seed)`: the epoch's row order from `fork('shuffle', e)` (or
 * `fork('balance', e)`), and the coalitions of the sample at position `i` of epoch `e` from
 * `fork('order', e, i)`, so results do not depend on the batch size's effect on scheduling.
 * The clean rows and all masked copies go through the model in ONE forward pass per step
 * (`training: true`), so layers with batch statistics (BatchNorm) see them together.
 *
 * Because no random stream carries over from one epoch to the next, a run can stop at any
 * epoch boundary and continue later: with `checkpoint` the weights, the optimizer's state
 * and the history are saved after epochs, and `resumeFrom` continues from them with final
 * weights bit-identical to those of an uninterrupted run.
 */
export async function trainClassifier(options: TrainClassifierOptions): Promise<TrainResult> {
  const { model, x, y, featureCount, epochs, batchSize, learningRate, seed } = options;
  requireInput(model instanceof tf.LayersModel, 'model', 'expected a tfjs LayersModel (e.g. from buildMlp)');
  requirePositiveInt(epochs, 'epochs');
  requirePositiveInt(batchSize, 'batchSize');
  requireInput(
    Number.isFinite(learningRate) && learningRate > 0,
    'learningRate',
    `expected a positive number, got ${learningRate}`,
  );
  const { n, classes } = checkDataset(model, x, y, featureCount, 'x', 'y');
  if (options.validation !== undefined)
    checkDataset(
      model,
      options.validation.x,
      options.validation.y,
      featureCount,
      'validation.x',
      'validation.y',
    );
  const order = options.orderLosses;
  if (order !== undefined) validateOrderLossConfig(order, featureCount);
  const kind = options.optimizer ?? 'adam';
  requireInput(
    kind === 'adam' || kind === 'sgd',
    'optimizer',
    `expected 'adam' or 'sgd', got '${String(kind)}'`,
  );
  const momentum = options.momentum ?? 0.9;
  requireInput(
    Number.isFinite(momentum) && momentum >= 0 && momentum < 1,
    'momentum',
    `expected a number in [0, 1), got ${momentum}`,
  );

  const ck = options.checkpoint;
  if (ck !== undefined) {
    requireInput(typeof ck.dir === 'string' && ck.dir.length > 0, 'checkpoint.dir', 'expected a folder path');
    if (ck.every !== undefined) requirePositiveInt(ck.every, 'checkpoint.every');
  }
  const every = ck?.every ?? 1;

  const shape = inputShapeFor(model, featureCount);
  const rng = Rng.create(seed);
  // Computed before anything changes the model (it hashes the data and the architecture).
  const fingerprint: TrainingFingerprint | undefined =
    ck !== undefined || options.resumeFrom !== undefined
      ? trainingFingerprint({
          model,
          x,
          y,
          featureCount,
          optimizer: kind,
          learningRate,
          momentum,
          batchSize,
          seed,
          balance: options.balance === true,
          orderLosses: order,
        })
      : undefined;
  let history: EpochStats[] = [];
  let restored: OptimizerState | undefined;
  let startEpoch = 0;
  if (options.resumeFrom !== undefined) {
    requireInput(
      typeof options.resumeFrom === 'string' && options.resumeFrom.length > 0,
      'resumeFrom',
      'expected a checkpoint folder path',
    );
    // Checked before the model's weights are touched.
    const done = readCheckpointManifest(options.resumeFrom).epochsDone;
    requireInput(
      done <= epochs,
      'epochs',
      `the checkpoint in ${options.resumeFrom} already holds ${done} epochs, more than the ${epochs} asked`,
    );
    const loaded = loadCheckpoint(options.resumeFrom, model, fingerprint!);
    history = loaded.manifest.history;
    restored = loaded.optimizer;
    startEpoch = loaded.manifest.epochsDone;
  }
  const optimizer = kind === 'adam' ? tf.train.adam(learningRate) : tf.train.momentum(learningRate, momentum);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const byClass = options.balance ? rowsByClass(y, classes) : undefined;
  const T = order?.terms.length ?? 0;
  let interrupted = false;
  try {
    if (restored !== undefined) await restoreOptimizerState(optimizer, restored, vars, 'resumeFrom');
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const t0 = performance.now();
      const rows = byClass
        ? balancedRows(byClass, n, rng.fork('balance', epoch))
        : rng.fork('shuffle', epoch).shuffle(Array.from({ length: n }, (_, i) => i));
      const orderRng = rng.fork('order', epoch);
      // Running sums [total, ce, plus, minus] kept on the device; read once per epoch.
      let sums = tf.zeros([4]);
      let steps = 0;
      for (let start = 0; start < n; start += batchSize) {
        steps++;
        // With a signal, give the event loop a turn every step: the steps themselves never
        // yield (tfjs reads resolve as microtasks), so a SIGINT handler would otherwise not
        // run, and so not abort, until training had ended.
        if (options.signal !== undefined) await yieldToEventLoop();
        const batch = rows.slice(start, Math.min(n, start + batchSize));
        const B = batch.length;
        const data =
          order && T > 0
            ? buildOrderLossInputs(x, batch, featureCount, order, (b) => orderRng.fork(start + b))
            : gatherRows(x, batch, featureCount);
        const labels = Int32Array.from(batch, (r) => y[r]);
        const step = tf.tidy(() => {
          const xs = tf.tensor(data, [B * (1 + 2 * T), ...shape]);
          const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes) as tf.Tensor2D;
          let parts: tf.Tensor1D | undefined;
          optimizer.minimize(
            () => {
              const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
              const z = (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
              const { total, ce, terms } = orderLossObjective(z, oneHot, order);
              const plus = sumOf(terms.filter((_, k) => order!.terms[k].kind === 'plus'));
              const minus = sumOf(terms.filter((_, k) => order!.terms[k].kind === 'minus'));
              parts = tf.keep(tf.stack([total, ce, plus, minus]) as tf.Tensor1D);
              return total;
            },
            false,
            vars,
          );
          const next = tf.add(sums, tf.mul(parts!, B));
          parts!.dispose();
          return next;
        });
        sums.dispose();
        sums = step;
        options.onStep?.({ epoch: epoch + 1, epochs, step: steps, steps: Math.ceil(n / batchSize) });
      }
      const s = await sums.data();
      sums.dispose();
      const stats: EpochStats = {
        epoch,
        loss: s[0] / n,
        crossEntropy: s[1] / n,
        plus: s[2] / n,
        minus: s[3] / n,
        accuracy: accuracyOf(await predictClasses(model, x, featureCount), y),
        seconds: 0,
        steps,
      };
      if (options.validation)
        stats.validationAccuracy = accuracyOf(
          await predictClasses(model, options.validation.x, featureCount),
          options.validation.y,
        );
      stats.seconds = (performance.now() - t0) / 1000;
      history.push(stats);
      await options.onEpoch?.(stats);
      const done = epoch + 1;
      if (ck !== undefined && (done % every === 0 || done === epochs || options.signal?.aborted)) {
        await writeCheckpoint(ck.dir, {
          model,
          optimizer: await readOptimizerState(optimizer, kind),
          epochsDone: done,
          epochsPlanned: epochs,
          fingerprint: fingerprint!,
          history,
        });
      }
    }
  } finally {
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() does not call SGD's, which holds the learning rate
    // as a kept scalar `c`; release it so repeated training does not leak a tensor per run.
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (c !== undefined && !c.isDisposed) c.dispose();
  }
  return { history, startEpoch, interrupted };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function sumOf(xs: tf.Scalar[]): tf.Scalar {
  return xs.length === 0 ? tf.scalar(0) : (tf.addN(xs) as tf.Scalar);
}

function gatherRows(x: Float32Array, rows: readonly number[], F: number): Float32Array {
  const out = new Float32Array(rows.length * F);
  for (let b = 0; b < rows.length; b++) out.set(x.subarray(rows[b] * F, rows[b] * F + F), b * F);
  return out;
}

function rowsByClass(y: Int32Array, classes: number): number[][] {
  const by: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) by[y[i]].push(i);
  return by.filter((r) => r.length > 0);
}

function balancedRows(byClass: number[][], n: number, rng: Rng): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const members = byClass[rng.int(byClass.length)];
    out[i] = members[rng.int(members.length)];
  }
  return out;
}
