import { describe, expect, it } from 'vitest';
import { UnanimityGame, type UnanimityTerm } from '../game/unanimity-game.js';
import { OrderlensInputError } from '../errors/errors.js';
import { Rng } from '../random/rng.js';
import {
  crossFitAbs,
  deconvolveMeanAbs,
  estimateStrength,
  foldedNormalBias,
  normalCdf,
  type StrengthEstimatorName,
} from './bias-corrected-strength.js';
import { sampleMultiOrder } from './multi-order-sampler.js';

/**
 * A sum-of-unanimity game whose first `zero` pairs have a true `I^(m)(i,j) = 0` at every order but
 * noisy `Δv`: two terms of the same size (so the same weight at every order) with opposite values
 * hold the pair and different other players. The remaining pairs add a strong pairwise term (`3`),
 * so their `|I|` is far above the noise, and one pair has a moderate size-6 term.
 */
function noisyGame(n: number, pairs: Array<[number, number]>, zero: number): UnanimityGame {
  const rng = Rng.create(`noisy${n}`);
  const terms: UnanimityTerm[] = [];
  pairs.forEach(([i, j], p) => {
    const others = Array.from({ length: n }, (_, x) => x).filter((x) => x !== i && x !== j);
    for (const size of [3, 4]) {
      const a = rng.fork(p, size, 'a').sample(others, size - 2);
      const b = rng.fork(p, size, 'b').sample(others, size - 2);
      terms.push({ players: [i, j, ...a], value: 1 }, { players: [i, j, ...b], value: -1 });
    }
    if (p >= zero) terms.push({ players: [i, j], value: p === zero ? 0.2 : 3 });
    if (p === zero + 1) terms.push({ players: [i, j, ...rng.fork(p, 'm').sample(others, 4)], value: 1.5 });
  });
  return new UnanimityGame(n, 0.5, terms);
}

/** Mean and standard error over repeats of each order's estimate, and the exact `E_pairs |I|`. */
async function overRepeats(n: number, estimators: StrengthEstimatorName[], subset?: (p: number) => boolean) {
  const pairs: Array<[number, number]> = Array.from({ length: 8 }, (_, p) => [2 * p, 2 * p + 1]);
  const game = noisyGame(n, pairs, 4);
  const orders = [0.1, 0.3, 0.5, 0.7, 0.9].map((r) => Math.floor((n - 2) * r));
  const keepPairs = pairs.map((_, p) => subset?.(p) ?? true);
  const truth = orders.map((m) => {
    const abs = pairs.filter((_, p) => keepPairs[p]).map(([i, j]) => Math.abs(game.multiOrder(i, j, m)));
    return abs.reduce((a, b) => a + b, 0) / abs.length;
  });
  const R = 300;
  const runs = new Map<StrengthEstimatorName, number[][]>(estimators.map((e) => [e, []]));
  for (let r = 0; r < R; r++) {
    const res = await sampleMultiOrder(game, {
      pairs,
      orders,
      contexts: 10,
      seed: `r${r}`,
      mode: 'reference',
      keepDeltas: true,
    });
    const deltas = res.deltas!.filter((_, p) => keepPairs[p]);
    for (const e of estimators) runs.get(e)!.push(estimateStrength({ deltas }, e).meanAbs);
  }
  const stats = (e: StrengthEstimatorName) =>
    orders.map((_, k) => {
      const xs = runs.get(e)!.map((row) => row[k]);
      const mu = xs.reduce((a, b) => a + b, 0) / R;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / (R - 1));
      return { mean: mu, se: sd / Math.sqrt(R) };
    });
  return { truth, stats, orders };
}

describe('estimateStrength on sum-of-unanimity games with known I^(m)', () => {
  for (const n of [64, 256]) {
    it(`n = ${n}, pairs with true I = 0: cross-fit is unbiased, the plain mean of |Î| is not`, async () => {
      const { truth, stats } = await overRepeats(n, ['plain', 'cross-fit'], (p) => p < 4);
      truth.forEach((t) => expect(t).toBeLessThan(1e-12));
      const plain = stats('plain');
      const cross = stats('cross-fit');
      let biased = 0;
      cross.forEach((c, k) => {
        expect(Math.abs(c.mean - truth[k]), `order ${k}`).toBeLessThanOrEqual(4 * c.se + 1e-12);
        if (plain[k].mean - truth[k] > 10 * plain[k].se) biased++;
      });
      // The plain estimate is biased at the middle orders, where the noise terms fire.
      expect(biased).toBeGreaterThanOrEqual(3);
    });

    it(`n = ${n}, all pairs (zero, weak, moderate and strong): cross-fit within its error, plain above`, async () => {
      const { truth, stats } = await overRepeats(n, ['plain', 'cross-fit', 'deconvolution']);
      const plain = stats('plain');
      const cross = stats('cross-fit');
      const deconv = stats('deconvolution');
      cross.forEach((c, k) => {
        // Only the weak pair (|I| = 0.2 against Δv noise ±1) can pull cross-fit down, by at most
        // 0.34·σ/√9 ≤ 0.12 over 8 pairs.
        expect(c.mean - truth[k], `order ${k}`).toBeLessThanOrEqual(4 * c.se + 1e-12);
        expect(c.mean - truth[k], `order ${k}`).toBeGreaterThanOrEqual(-4 * c.se - 0.12 / 8);
        expect(plain[k].mean).toBeGreaterThanOrEqual(truth[k] - 4 * plain[k].se);
        // Deconvolution is not exactly unbiased, but is closer than plain at the middle order.
      });
      expect(Math.abs(deconv[2].mean - truth[2])).toBeLessThan(Math.abs(plain[2].mean - truth[2]));
      expect(plain[2].mean - truth[2]).toBeGreaterThan(10 * plain[2].se);
    });
  }
});

describe('estimator building blocks', () => {
  it('normalCdf and the folded-normal bias', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(foldedNormalBias(0, 1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 7);
    expect(foldedNormalBias(10, 1)).toBeCloseTo(0, 7);
    expect(foldedNormalBias(1, 0)).toBe(0);
  });

  it('crossFitAbs uses each sample with the sign of the others', () => {
    expect(crossFitAbs([])).toBe(0);
    expect(crossFitAbs([-2])).toBe(2);
    expect(crossFitAbs([3, 3, 3])).toBe(3);
    // Signs of the others: S − x = [2, 5, −1] → (1·1 + 1·(−2) − 1·4) / 3.
    expect(crossFitAbs([1, -2, 4])).toBeCloseTo(-5 / 3, 14);
  });

  it('deconvolveMeanAbs recovers E|μ| of well-separated means', () => {
    const rng = Rng.create('deconv');
    const mus = Float64Array.from({ length: 400 }, (_, p) => (p % 2 ? 2 : -1) + 0.1 * rng.normal());
    const taus = new Float64Array(400).fill(0.1);
    expect(deconvolveMeanAbs(mus, taus).meanAbs).toBeCloseTo(1.5, 1);
    expect(deconvolveMeanAbs([], []).meanAbs).toBe(0);
  });

  it('exact orders have no error bar and no bias; moments serve plain and deconvolution', () => {
    const deltas = [
      [[1], [1, 2, 3]],
      [[-3], [0, -1, 1]],
    ];
    const est = estimateStrength({ deltas, exact: [true, false] }, 'plain');
    expect(est.meanAbs[0]).toBe(2);
    expect(est.standardError[0]).toBe(0);
    expect(est.bias[0]).toBe(0);
    expect(est.meanAbs[1]).toBeCloseTo(1, 14);
    expect(est.standardError[1]).toBeCloseTo(Math.sqrt(1 / 3 + 1 / 3) / 2, 14);
    expect(est.bias[1]).toBeGreaterThan(0);
    const moments = deltas.map((row) =>
      row.map((x) => {
        const mu = x.reduce((a, b) => a + b, 0) / x.length;
        const v = x.length > 1 ? x.reduce((a, b) => a + (b - mu) ** 2, 0) / (x.length - 1) : 0;
        return { mean: mu, variance: v, count: x.length };
      }),
    );
    expect(estimateStrength({ moments, exact: [true, false] }, 'plain').meanAbs).toEqual(est.meanAbs);
    expect(() => estimateStrength({ moments }, 'cross-fit')).toThrow(OrderlensInputError);
    expect(() => estimateStrength({ deltas }, 'nope' as StrengthEstimatorName)).toThrow(OrderlensInputError);
  });
});
