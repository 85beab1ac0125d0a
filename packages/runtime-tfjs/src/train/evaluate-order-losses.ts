import * as tf from '@tensorflow/tfjs';
import { requirePositiveInt, Rng } from '@orderlens/core';
import { checkDataset, inputShapeFor } from './dataset.js';
import {
  buildOrderLossInputs,
  orderLossObjective,
  validateOrderLossConfig,
  type OrderLossConfig,
} from './order-loss-batch.js';

/** Options of {@link evaluateOrderLosses}. */
export interface EvaluateOrderLossesOptions {
  model: tf.LayersModel;
  x: Float32Array;
  y: Int32Array;
  featureCount: number;
  /** Terms, players, mapping and baseline (the λs are ignored: raw term values are returned). */
  orderLosses: OrderLossConfig;
  /** Seed of the coalition draws (sample `i` uses `fork('order', i)`). */
  seed: number | string;
  /** Rows per forward pass (default 512); does not change the result. */
  batchSize?: number;
}

/**
 * Mean cross-entropy and mean value of each order-loss term (`L+` or `L−`, in `terms` order)
 * over a data set, in eval mode: how strongly a trained model shows the interactions the terms
 * target. Comparing models on the same seed uses the same coalitions for both.
 */
export async function evaluateOrderLosses(
  options: EvaluateOrderLossesOptions,
): Promise<{ crossEntropy: number; terms: number[] }> {
  const { model, x, y, featureCount, orderLosses, seed } = options;
  const batchSize = options.batchSize ?? 512;
  requirePositiveInt(batchSize, 'batchSize');
  const { n, classes } = checkDataset(model, x, y, featureCount, 'x', 'y');
  validateOrderLossConfig(orderLosses, featureCount);
  const shape = inputShapeFor(model, featureCount);
  const T = orderLosses.terms.length;
  const rng = Rng.create(seed).fork('order');
  const sums = new Float64Array(1 + T);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    const B = rows.length;
    const data = buildOrderLossInputs(x, rows, featureCount, orderLosses, (b) => rng.fork(start + b));
    const values = tf.tidy(() => {
      const xs = tf.tensor(data, [B * (1 + 2 * T), ...shape]);
      const out = model.apply(xs, { training: false }) as tf.Tensor | tf.Tensor[];
      const z = (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
      const oneHot = tf.oneHot(
        tf.tensor1d(
          Int32Array.from(rows, (r) => y[r]),
          'int32',
        ),
        classes,
      ) as tf.Tensor2D;
      const { ce, terms } = orderLossObjective(z, oneHot, orderLosses);
      return tf.stack([ce, ...terms]);
    });
    const v = await values.data();
    values.dispose();
    for (let k = 0; k <= T; k++) sums[k] += v[k] * B;
  }
  return { crossEntropy: sums[0] / n, terms: Array.from(sums.subarray(1), (s) => s / n) };
}
