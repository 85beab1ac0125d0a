import * as tf from '@tensorflow/tfjs';
import { twoClassLogits } from './two-class-logits.js';
import { requireInput, type Rng } from '@orderlens/core';
import {
  nestedCoefficient,
  sampleNestedCoalitions,
  validateOrderLossConventions,
  validateOrderLossTerm,
  type OrderLossConventions,
  type OrderLossTerm,
} from '@orderlens/core/math';

/** The order losses of MATH.md ("Losses that steer orders") as a training option. */
export interface OrderLossConfig {
  /** Terms (`plus` / `minus`, with ratios `r1 < r2`), e.g. from `parseOrderLossSpec`. */
  terms: readonly OrderLossTerm[];
  /** `λ1`, weight of every `plus` term. */
  lambdaPlus: number;
  /** `λ2`, weight of every `minus` term. */
  lambdaMinus: number;
  /** Number of players `n` the coalitions are drawn over. */
  players: number;
  /** Player owning each flattened per-sample feature, or −1 for a feature that is never masked. */
  playerOfFeature: Int32Array;
  /** Value of each feature when its player is absent (length `featureCount`). */
  baseline: Float32Array;
  /**
   * Sizes `round(r·n)` and coefficient `|S2|/|S1|` (the default, `{ sizes: 'round', coefficient:
   * 'drawn' }`), or the ICLR-2022 trainer's `int(r·n)` and `r2/r1` (`ICLR2022_LOSS_CONVENTIONS`);
   * MATH.md, "Order-loss conventions".
   */
  conventions?: OrderLossConventions;
}

/** Checks an {@link OrderLossConfig} against the data's feature count. */
export function validateOrderLossConfig(c: OrderLossConfig, featureCount: number): void {
  requireInput(Array.isArray(c.terms), 'orderLosses.terms', 'expected an array of { kind, r1, r2 }');
  c.terms.forEach((t, k) => {
    requireInput(
      t.kind === 'plus' || t.kind === 'minus',
      `orderLosses.terms[${k}].kind`,
      `expected 'plus' or 'minus', got '${String(t.kind)}'`,
    );
    validateOrderLossTerm(t, `orderLosses.terms[${k}]`);
  });
  requireInput(
    Number.isFinite(c.lambdaPlus) && c.lambdaPlus >= 0,
    'orderLosses.lambdaPlus',
    `expected a finite number ≥ 0, got ${c.lambdaPlus}`,
  );
  requireInput(
    Number.isFinite(c.lambdaMinus) && c.lambdaMinus >= 0,
    'orderLosses.lambdaMinus',
    `expected a finite number ≥ 0, got ${c.lambdaMinus}`,
  );
  requireInput(
    Number.isInteger(c.players) && c.players >= 1,
    'orderLosses.players',
    `expected a positive integer, got ${c.players}`,
  );
  requireInput(
    c.playerOfFeature instanceof Int32Array && c.playerOfFeature.length === featureCount,
    'orderLosses.playerOfFeature',
    `expected an Int32Array of length featureCount = ${featureCount}, got ${c.playerOfFeature?.length}`,
  );
  for (let f = 0; f < featureCount; f++) {
    const p = c.playerOfFeature[f];
    requireInput(
      p >= -1 && p < c.players,
      'orderLosses.playerOfFeature',
      `feature ${f} maps to player ${p}, expected −1 or [0, ${c.players})`,
    );
  }
  validateOrderLossConventions(c.conventions, 'orderLosses.conventions');
  requireInput(
    c.baseline instanceof Float32Array && c.baseline.length === featureCount,
    'orderLosses.baseline',
    `expected a Float32Array of length featureCount = ${featureCount}, got ${c.baseline?.length}`,
  );
}

/**
 * Builds the masked copies the order losses need for one batch: for every term `t` and every
 * row `b`, one nested pair `S1 ⊊ S2` (drawn from `rngOf(b).fork(t)`), and the inputs `x_{S1}`,
 * `x_{S2}` (present players keep `x`, absent players get the baseline).
 *
 * Layout of the result (`rows = B·(1 + 2T)` samples of `featureCount` values): the clean batch,
 * then for each term its `S1` block, then its `S2` block. Masks are built here rather than in the
 * graph because no gradient flows into them.
 */
export function buildOrderLossInputs(
  x: Float32Array,
  rows: readonly number[],
  featureCount: number,
  config: OrderLossConfig,
  rngOf: (b: number) => Rng,
): Float32Array {
  const B = rows.length;
  const T = config.terms.length;
  const F = featureCount;
  const out = new Float32Array(B * (1 + 2 * T) * F);
  for (let b = 0; b < B; b++) out.set(x.subarray(rows[b] * F, rows[b] * F + F), b * F);
  const pof = config.playerOfFeature;
  const base = config.baseline;
  for (let b = 0; b < B; b++) {
    const src = rows[b] * F;
    const rng = rngOf(b);
    for (let t = 0; t < T; t++) {
      const { r1, r2 } = config.terms[t];
      const { s1, s2 } = sampleNestedCoalitions(
        config.players,
        r1,
        r2,
        rng.fork(t),
        config.conventions?.sizes,
      );
      const o1 = ((1 + 2 * t) * B + b) * F;
      const o2 = ((2 + 2 * t) * B + b) * F;
      for (let f = 0; f < F; f++) {
        const p = pof[f];
        const v = x[src + f];
        out[o1 + f] = p < 0 || s1[p] === 1 ? v : base[f];
        out[o2 + f] = p < 0 || s2[p] === 1 ? v : base[f];
      }
    }
  }
  return out;
}

/** Mean over rows of `CE(softmax(z), y)`. */
export function meanCrossEntropy(z: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(twoClassLogits(z))), 1))) as tf.Scalar;
}

/**
 * The loss terms of one batch from the logits of {@link buildOrderLossInputs}' layout:
 * `ce` = mean CE of the clean rows, and per term the batch mean of `L+ = CE(softmax(Δu), y)` or
 * `L− = Σ_c p_c log p_c` with `p = softmax(Δu)`, `Δu = z(S2) − coef·z(S1)`, `coef = |S2|/|S1|`
 * for the sizes drawn over `players` (`r2/r1` when `players` is not given or the conventions say
 * `coefficient: 'ratio'`; 1 when `S1 = ∅`, so `Δu = v(S2) − v(∅)`).
 *
 * @returns `ce`, the per-term values (in `terms` order) and `total = ce + λ1·Σ L+ + λ2·Σ L−`.
 */
export function orderLossObjective(
  logits: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  config:
    | (Pick<OrderLossConfig, 'terms' | 'lambdaPlus' | 'lambdaMinus' | 'conventions'> & { players?: number })
    | undefined,
): { total: tf.Scalar; ce: tf.Scalar; terms: tf.Scalar[] } {
  const B = oneHot.shape[0];
  const C = logits.shape[1];
  const T = config?.terms.length ?? 0;
  const block = (k: number): tf.Tensor2D => (T === 0 ? logits : tf.slice(logits, [k * B, 0], [B, C]));
  const ce = meanCrossEntropy(block(0), oneHot);
  let total: tf.Scalar = ce;
  const terms: tf.Scalar[] = [];
  for (let t = 0; t < T; t++) {
    const term = config!.terms[t];
    const du = tf.sub(
      block(2 + 2 * t),
      tf.mul(block(1 + 2 * t), nestedCoefficient(term.r1, term.r2, config!.players, config!.conventions)),
    );
    const logp = tf.logSoftmax(twoClassLogits(du as tf.Tensor2D));
    let value: tf.Scalar;
    let lambda: number;
    if (term.kind === 'plus') {
      value = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), 1))) as tf.Scalar;
      lambda = config!.lambdaPlus;
    } else {
      value = tf.mean(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Scalar;
      lambda = config!.lambdaMinus;
    }
    terms.push(value);
    if (lambda !== 0) total = tf.add(total, tf.mul(value, lambda)) as tf.Scalar;
  }
  return { total, ce, terms };
}
