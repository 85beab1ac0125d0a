import * as tf from '@tensorflow/tfjs';
import { twoClassLogits } from './two-class-logits.js';
import { OrderlensInputError, requireInput, requirePositiveInt } from '@orderlens/core';

/**
 * The per-sample input shape of a single-input LayersModel (batch dimension dropped), checked
 * against `featureCount` so flat rows can be reshaped to it (e.g. `[28, 28, 1]` for 784).
 */
export function inputShapeFor(model: tf.LayersModel, featureCount: number): number[] {
  requireInput(
    model.inputs.length === 1,
    'model',
    `expected a model with one input, got ${model.inputs.length}`,
  );
  const shape = model.inputs[0].shape.slice(1);
  requireInput(
    shape.every((d) => d !== null && d > 0),
    'model',
    `the model's input shape [${model.inputs[0].shape.map((d) => d ?? 'null').join(', ')}] must be fixed apart from the batch`,
  );
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  requireInput(
    size === featureCount,
    'featureCount',
    `the model takes ${size} values per sample (shape [${shape.join(', ')}]), got featureCount = ${featureCount}`,
  );
  return shape as number[];
}

/** Number of classes of a classifier (last dimension of its first output). */
export function classCount(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  const c = shape[shape.length - 1];
  requireInput(
    shape.length === 2 && c !== null && c > 0,
    'model',
    `expected logits of shape [batch, classes], got [${shape.map((d) => d ?? 'null').join(', ')}]`,
  );
  // A single sigmoid logit is a two-class model (see `twoClassLogits`).
  return c === 1 ? 2 : (c as number);
}

/** Validates `x`, `y` for a classifier; returns the row count and the number of classes. */
export function checkDataset(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  featureCount: number,
  xField: string,
  yField: string,
): { n: number; classes: number } {
  requirePositiveInt(featureCount, 'featureCount');
  inputShapeFor(model, featureCount);
  requireInput(x instanceof Float32Array, xField, 'expected a Float32Array');
  requireInput(y instanceof Int32Array, yField, 'expected an Int32Array of class labels');
  requireInput(
    x.length === y.length * featureCount,
    xField,
    `expected ${y.length} rows × ${featureCount} features = ${y.length * featureCount} values, got ${x.length}`,
  );
  requireInput(y.length > 0, yField, 'expected at least one sample');
  const classes = classCount(model);
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < classes))
      throw new OrderlensInputError(yField, `label ${y[i]} at row ${i} is outside [0, ${classes})`);
  }
  return { n: y.length, classes };
}

/** Arg-max class of every row of `x` (eval mode, in chunks of `batchSize`). */
export async function predictClasses(
  model: tf.LayersModel,
  x: Float32Array,
  featureCount: number,
  batchSize = 2048,
): Promise<Int32Array> {
  const shape = inputShapeFor(model, featureCount);
  const n = x.length / featureCount;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const B = Math.min(batchSize, n - start);
    const pred = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * featureCount, (start + B) * featureCount), [B, ...shape]);
      const z = model.apply(xs, { training: false }) as tf.Tensor | tf.Tensor[];
      return tf.argMax(twoClassLogits((Array.isArray(z) ? z[0] : z) as tf.Tensor2D), 1);
    });
    out.set((await pred.data()) as Int32Array, start);
    pred.dispose();
  }
  return out;
}

/** Accuracy of `model` on (`x`, `y`). */
export async function evaluateAccuracy(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  featureCount: number,
): Promise<number> {
  checkDataset(model, x, y, featureCount, 'x', 'y');
  return accuracyOf(await predictClasses(model, x, featureCount), y);
}

/** Fraction of `pred` equal to `y`. */
export function accuracyOf(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return y.length === 0 ? 0 : ok / y.length;
}
