import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '../errors/errors.js';
import { sampleMultiOrder } from '../sampling/multi-order-sampler.js';
import { referencePairs } from '../sampling/reference-pairs.js';
import { Rng } from '../random/rng.js';
import { seededUnanimityGame } from '../testing/index.js';
import { instability } from './instability.js';
import { strengthCurve } from './strength-curve.js';

const perSample = [
  [1, 2, 3],
  [10, 10, 10],
];

describe('strengthCurve', () => {
  it("'none' is the mean over samples", () => {
    expect(strengthCurve(perSample, 'none')).toEqual({
      orders: [0, 1, 2],
      J: [5.5, 6, 6.5],
      normalization: 'none',
    });
  });

  it("'mean' (J) divides the sample mean by its mean over orders", () => {
    const c = strengthCurve(perSample, 'mean', [0, 5, 10]);
    expect(c.orders).toEqual([0, 5, 10]);
    c.J.forEach((v, k) => expect(v).toBeCloseTo([5.5 / 6, 1, 6.5 / 6][k], 14));
    expect(c.J.reduce((a, b) => a + b) / 3).toBeCloseTo(1, 14);
  });

  it("'per-sample-mean' (J̄) normalises every sample first", () => {
    const c = strengthCurve(perSample, 'per-sample-mean');
    c.J.forEach((v, k) => expect(v).toBeCloseTo([0.75, 1, 1.25][k], 14));
  });

  it("'order-0' (Ĵ) divides by the first order", () => {
    const c = strengthCurve(perSample, 'order-0');
    c.J.forEach((v, k) => expect(v).toBeCloseTo([1, 6 / 5.5, 6.5 / 5.5][k], 14));
  });

  it('leaves an all-zero curve at zero instead of NaN', () => {
    expect(strengthCurve([[0, 0]], 'mean').J).toEqual([0, 0]);
    expect(
      strengthCurve(
        [
          [0, 0],
          [2, 4],
        ],
        'per-sample-mean',
      ).J,
    ).toEqual([(0 + 2 / 3) / 2, (0 + 4 / 3) / 2]);
  });

  it('rejects bad input', () => {
    expect(() => strengthCurve([], 'mean')).toThrow(/perSample/);
    expect(() => strengthCurve([[1, 2], [3]], 'mean')).toThrow(/perSample\[1\]/);
    expect(() => strengthCurve([[1, NaN]], 'mean')).toThrow(/perSample\[0\]\[1\]/);
    expect(() => strengthCurve([[1, 2]], 'median' as never)).toThrow(OrderlensInputError);
    expect(() => strengthCurve([[1, 2]], 'mean', [0])).toThrow(/orders/);
  });
});

describe('instability', () => {
  it('matches hand computations', () => {
    // q = 2: |1 − 3| / mean(1, 3) = 1.
    expect(instability([[[1]], [[3]]])).toBeCloseTo(1, 14);
    // q = 3, values 1, 2, 3: mean pairwise |diff| = 4/3, mean |J| = 2 → 2/3.
    expect(instability([[[1]], [[2]], [[3]]])).toBeCloseTo(2 / 3, 14);
    // Averages over samples and orders; an all-zero cell counts 0.
    expect(
      instability([
        [
          [1, 0],
          [2, 5],
        ],
        [
          [3, 0],
          [2, 5],
        ],
      ]),
    ).toBeCloseTo((1 + 0 + 0 + 0) / 4, 14);
    // Signs do not cancel in the denominator.
    expect(instability([[[-1]], [[1]]])).toBeCloseTo(2, 14);
  });

  it('falls as sampled estimates get more contexts (about 1/√K)', async () => {
    const pairs = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 10, rng: Rng.create('inst') });
    const game = seededUnanimityGame({
      n: 64,
      seed: 'inst',
      numTerms: 10,
      maxOrder: 8,
      anchors: pairs,
      anchorSizes: [2, 5, 12],
    });
    const orders = [6, 20, 40];
    const measure = async (contexts: number) => {
      const repeats: number[][][] = [];
      for (let q = 0; q < 4; q++) {
        const r = await sampleMultiOrder(game, { pairs, orders, contexts, mode: 'reference', seed: `q${q}` });
        const perPair = orders.map(
          (_, k) => r.multiOrder!.values.reduce((a, row) => a + Math.abs(row[k]), 0) / pairs.length,
        );
        repeats.push([perPair]);
      }
      return instability(repeats);
    };
    const coarse = await measure(8);
    const fine = await measure(128);
    expect(fine).toBeLessThan(coarse / 2);
    expect(fine).toBeLessThan(0.1);
  });

  it('rejects bad input', () => {
    expect(() => instability([[[1]]])).toThrow(/repeats: expected at least 2/);
    expect(() => instability([[[1]], [[1], [2]]])).toThrow(/repeats\[1\]/);
    expect(() => instability([[[1, 2]], [[1]]])).toThrow(/repeats\[1\]\[0\]/);
    expect(() => instability([[[1]], [[Infinity]]])).toThrow(/repeats\[1\]\[0\]\[0\]/);
  });
});
