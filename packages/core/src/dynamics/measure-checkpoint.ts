import { extractAndOrBatch, type AndOrBatchOptions } from '../and-or/and-or-batch.js';
import { salientOrderDistribution, salientStrengthByOrder } from '../and-or/and-or-salient.js';
import type { AndOrDecomposition } from '../and-or/and-or-types.js';
import { requireInput } from '../errors/errors.js';
import { multiOrderFromHarsanyi } from '../exact/harsanyi-indices.js';
import { mobiusTransform } from '../exact/mobius.js';
import { bitCount } from '../math/combinatorics.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import { strengthCurve } from '../strength/strength-curve.js';
import type { DynamicsCheckpointResult } from './dynamics-result.js';

/** What one checkpoint's tables give: the result block (without fit and bookkeeping) and the decompositions. */
export interface CheckpointMeasurement {
  readonly andOr: DynamicsCheckpointResult['andOr'];
  readonly multiOrder: DynamicsCheckpointResult['multiOrder'];
  readonly meanGap: number;
  /** One per sample, in sample order (the last checkpoint's are the theory's `w*`). */
  readonly decompositions: readonly AndOrDecomposition[];
}

/**
 * Both paradigms from the same game tables (`2^n` values per sample, the same samples at every
 * checkpoint): the sparse AND-OR decompositions, extracted in one batch (`extractAndOrBatch`, so
 * the `orderlens` salient threshold `0.03 · E_x|v(N) − v(∅)|` runs over this checkpoint's
 * samples), their per-order salient distribution, and the multi-order `J(m)` of the Harsanyi
 * transform of the very same tables.
 */
export function measureCheckpoint(
  tables: readonly Float64Array[],
  n: number,
  options: Omit<AndOrBatchOptions, 'onProgress'> = {},
): CheckpointMeasurement {
  requireInput(tables.length > 0, 'samples', 'expected at least one sample table');
  const { decompositions } = extractAndOrBatch(tables, n, options);
  const dist = salientOrderDistribution(decompositions);
  const S = decompositions.length;
  const and = new Array<number>(n + 1).fill(0);
  const or = new Array<number>(n + 1).fill(0);
  const counts = new Array<number>(n + 1).fill(0);
  let reconstruction = 0;
  let matching = 0;
  for (const d of decompositions) {
    const by = salientStrengthByOrder(d);
    for (let k = 0; k <= n; k++) {
      and[k] += by.and[k] / S;
      or[k] += by.or[k] / S;
    }
    for (const m of d.salient.and) counts[bitCount(m)] += 1 / S;
    for (const m of d.salient.or) counts[bitCount(m)] += 1 / S;
    reconstruction += d.salientReconstructionError / S;
    matching = Math.max(matching, d.matchingResidual);
  }
  // J(m) from the same tables: E_(i,j) |I^(m)(i,j)| per sample, mean over samples, mean-1 curve.
  const orders = Array.from({ length: Math.max(0, n - 1) }, (_, m) => m);
  const perSample = tables.map((t) =>
    meanAbsOverPairs(multiOrderFromHarsanyi(mobiusTransform(t), orders).values, orders.length),
  );
  const raw = orders.map((_, k) => perSample.reduce((s, row) => s + row[k], 0) / S);
  const J = strengthCurve(perSample, 'mean', orders).J;
  const meanGap = tables.reduce((s, t) => s + Math.abs(t[t.length - 1] - t[0]), 0) / S;
  return {
    andOr: {
      orders: dist.orders,
      distribution: dist.strength,
      strengthByOrder: { and, or },
      salientCountByOrder: counts,
      salientCount: dist.salientCount,
      tau: decompositions[0].tau,
      salientReconstructionError: reconstruction,
      matchingResidual: matching,
    },
    multiOrder: { orders, J, raw },
    meanGap,
    decompositions,
  };
}
