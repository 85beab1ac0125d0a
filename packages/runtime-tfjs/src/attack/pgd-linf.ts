import * as tf from '@tensorflow/tfjs';
import { ModelGateway, requireInput, requirePositiveInt, type CallCounts } from '@orderlens/core';
import { accuracyOf, checkDataset, inputShapeFor, predictClasses } from '../train/dataset.js';
import { sumCrossEntropy } from '../runner/tfjs-runner.js';

/** Options of {@link pgdLinf}. */
export interface PgdLinfOptions {
  /** Classifier under attack (first output = logits). */
  model: tf.LayersModel;
  /** Clean inputs, `N × featureCount`. */
  x: Float32Array;
  /** True labels, length `N`. */
  y: Int32Array;
  featureCount: number;
  /**
   * L∞ radius (default 0.6, the papers' census setting), or one radius per feature (length
   * `featureCount`): ε given in each feature's raw units becomes `ε/σ_f` on z-scored inputs.
   */
  eps?: number | Float32Array;
  /** Number of steps (default 100). */
  steps?: number;
  /** Size of each sign step (default 0.01), or one per feature, as `eps`. */
  stepSize?: number | Float32Array;
  /** Rows attacked at once (default 1024); does not change the result. */
  batchSize?: number;
  /**
   * Keep every feature inside a range (length `featureCount` each), e.g. the data's per-feature
   * minimum and maximum, after every step, so that PGD cannot leave the values real rows take
   * (the `get_tabular_dataset_bound` of the authors' Learn repository computes such bounds).
   * Default: no clipping, only the ε-ball projection.
   */
  clip?: { min: Float32Array; max: Float32Array };
  /**
   * Counts the model rows PGD runs, as `attack`: each step one forward-and-gradient row per
   * attacked row, and one prediction per row for each of the clean and adversarial accuracies
   * (default: a gateway of its own; its counts are returned as `modelCalls` either way).
   */
  gateway?: ModelGateway;
}

/** What {@link pgdLinf} returns. */
export interface PgdLinfResult {
  /** Adversarial inputs, same layout as `x`; every value within `eps` of `x`. */
  adversarial: Float32Array;
  /** Accuracy on `x`. */
  cleanAccuracy: number;
  /** Accuracy on `adversarial`. */
  adversarialAccuracy: number;
  /** Model rows this attack ran, by purpose (all `attack`): `N·(steps + 2)`. */
  modelCalls: CallCounts;
}

/**
 * Untargeted PGD under L∞ (Madry et al.): starting at `x` (no random start),
 * `x ← Π_{‖x−x0‖∞≤ε}(x + α·sign(∇_x CE(f(x), y)))`, projecting after every step. Inputs are
 * clipped to a data range only with `clip` (then the projection is onto the intersection of the
 * ε-ball and the box, which is a box too: `[max(x0−ε, min), min(x0+ε, max)]`).
 */
export async function pgdLinf(options: PgdLinfOptions): Promise<PgdLinfResult> {
  const { model, x, y, featureCount } = options;
  const eps = options.eps ?? 0.6;
  const steps = options.steps ?? 100;
  const stepSize = options.stepSize ?? 0.01;
  const batchSize = options.batchSize ?? 1024;
  const gateway = options.gateway ?? new ModelGateway();
  const before = gateway.calls;
  requireInput(model instanceof tf.LayersModel, 'model', 'expected a tfjs LayersModel');
  checkRadius(eps, 'eps', featureCount, (v) => v >= 0, 'a finite number ≥ 0');
  requireInput(Number.isInteger(steps) && steps >= 0, 'steps', `expected an integer ≥ 0, got ${steps}`);
  checkRadius(stepSize, 'stepSize', featureCount, (v) => v > 0, 'a positive number');
  requirePositiveInt(batchSize, 'batchSize');
  const { n } = checkDataset(model, x, y, featureCount, 'x', 'y');
  const clip = options.clip;
  if (clip !== undefined) {
    requireInput(
      clip.min instanceof Float32Array &&
        clip.max instanceof Float32Array &&
        clip.min.length === featureCount &&
        clip.max.length === featureCount,
      'clip',
      `expected Float32Array min and max of length featureCount = ${featureCount}`,
    );
    for (let f = 0; f < featureCount; f++)
      requireInput(
        clip.min[f] <= clip.max[f],
        'clip',
        `feature ${f} has min ${clip.min[f]} above max ${clip.max[f]}`,
      );
  }
  const shape = inputShapeFor(model, featureCount);
  // A per-feature radius or step broadcasts over the rows of a batch.
  const perFeature = (v: number | Float32Array): number | tf.Tensor =>
    typeof v === 'number' ? v : tf.tensor(v, [1, ...shape]);
  const epsT = perFeature(eps);
  const stepT = perFeature(stepSize);
  const adversarial = new Float32Array(x.length);
  const lossOf = (labels: tf.Tensor1D) => (xx: tf.Tensor) => {
    const out = model.apply(xx, { training: false }) as tf.Tensor | tf.Tensor[];
    return sumCrossEntropy(Array.isArray(out) ? out[0] : out, labels);
  };
  for (let start = 0; start < n; start += batchSize) {
    const B = Math.min(batchSize, n - start);
    const x0 = tf.tensor(x.subarray(start * featureCount, (start + B) * featureCount), [B, ...shape]);
    const labels = tf.tensor1d(y.subarray(start, start + B), 'int32');
    // Both boxes intersected once per batch: ε-ball ∩ data range.
    const lo = clip
      ? tf.tidy(() => tf.maximum(tf.sub(x0, epsT), tf.tensor(clip.min, [1, ...shape])))
      : tf.sub(x0, epsT);
    const hi = clip
      ? tf.tidy(() => tf.minimum(tf.add(x0, epsT), tf.tensor(clip.max, [1, ...shape])))
      : tf.add(x0, epsT);
    const grad = tf.grad(lossOf(labels));
    let xa = x0.clone();
    for (let s = 0; s < steps; s++) {
      const next = tf.tidy(() =>
        tf.minimum(tf.maximum(tf.add(xa, tf.mul(tf.sign(grad(xa)), stepT)), lo), hi),
      );
      xa.dispose();
      xa = next;
      // The model ran forward and backward on the B rows of the batch: B attack rows.
      gateway.record('attack', B);
    }
    adversarial.set((await xa.data()) as Float32Array, start * featureCount);
    tf.dispose([x0, labels, lo, hi, xa]);
  }
  for (const t of [epsT, stepT]) if (typeof t !== 'number') t.dispose();
  const cleanAccuracy = accuracyOf(await predictClasses(model, x, featureCount), y);
  gateway.record('attack', n);
  const adversarialAccuracy = accuracyOf(await predictClasses(model, adversarial, featureCount), y);
  gateway.record('attack', n);
  const after = gateway.calls;
  const modelCalls = { ...after };
  for (const k of Object.keys(modelCalls) as Array<keyof CallCounts>) modelCalls[k] = after[k] - before[k];
  return { adversarial, cleanAccuracy, adversarialAccuracy, modelCalls };
}

/** A radius or step: one finite number, or one per feature (length `featureCount`). */
function checkRadius(
  v: number | Float32Array,
  field: string,
  featureCount: number,
  ok: (x: number) => boolean,
  expected: string,
): void {
  if (typeof v === 'number') {
    requireInput(Number.isFinite(v) && ok(v), field, `expected ${expected}, got ${v}`);
    return;
  }
  requireInput(
    v instanceof Float32Array && v.length === featureCount,
    field,
    `expected ${expected} or a Float32Array of length featureCount = ${featureCount}`,
  );
  v.forEach((x, f) =>
    requireInput(Number.isFinite(x) && ok(x), field, `feature ${f}: expected ${expected}, got ${x}`),
  );
}
