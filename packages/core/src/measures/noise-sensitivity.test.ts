import { describe, expect, it } from 'vitest';
import { zetaInPlace } from '../exact/mobius.js';
import { bitCount } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { exponentialFit, InteractionVariance, noiseSensitivityByOrder } from './noise-sensitivity.js';

/**
 * A game whose Harsanyi interactions respond to the noise as a known function of the order:
 * `I(S | x + ε) = a_S + g^{|S|} · ε`, `ε ~ N(0, δ²)` one scalar per draw, so
 * `Var_ε I(S) = g^{2|S|} δ²` and `V^(s) = g^{2s} δ²` exactly for the drawn ε's sample variance.
 */
function noisyGame(n: number, g: number, eps: number): Float64Array {
  const I = Float64Array.from({ length: 2 ** n }, (_, S) => Math.sin(S + 1) + g ** bitCount(S) * eps);
  I[0] = 0.3; // v(x_∅) does not see the input
  return zetaInPlace(I);
}

function sampleVariance(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

describe('noise sensitivity V^(s)', () => {
  it('gives g^{2s} · Var(ε) for a game whose interactions scale as g^{|S|} ε', () => {
    const n = 6;
    const g = 1.7;
    const rng = Rng.create(3);
    const eps = Array.from({ length: 25 }, () => 0.2 * rng.normal());
    const acc = new InteractionVariance(n);
    for (const e of eps) acc.addGame(noisyGame(n, g, e));
    const V = acc.byOrder();
    const s2 = sampleVariance(eps);
    expect(V[0]).toBeCloseTo(0, 20);
    for (let s = 1; s <= n; s++) expect(V[s] / (g ** (2 * s) * s2)).toBeCloseTo(1, 10);
    const agg = noiseSensitivityByOrder([V]);
    expect(agg.orders).toEqual([1, 2, 3, 4, 5, 6]);
    expect(agg.fit!.growth).toBeCloseTo(g * g, 10);
    expect(agg.fit!.r2).toBeCloseTo(1, 12);
  });

  it('converges to g^{2s} δ² as the draws grow, and averages over samples', () => {
    const n = 4;
    const delta = 0.5;
    const perSample = [1.2, 2].map((g, x) => {
      const rng = Rng.create('noise').fork(x);
      const acc = new InteractionVariance(n);
      for (let d = 0; d < 4000; d++) acc.addGame(noisyGame(n, g, delta * rng.normal()));
      return acc.byOrder();
    });
    const agg = noiseSensitivityByOrder(perSample);
    for (const s of agg.orders) {
      const want = ((1.2 ** (2 * s) + 2 ** (2 * s)) / 2) * delta ** 2;
      expect(Math.abs(agg.variance[s - 1] / want - 1)).toBeLessThan(0.08);
      expect(agg.varianceError[s - 1]).toBeGreaterThan(0);
    }
  });

  it('averages over every set of an order, including the ones the noise does not move', () => {
    // Only the set {0, 1} responds: V^(2) = δ²·1/C(4,2), other orders 0.
    const acc = new InteractionVariance(4);
    const eps = [0.1, -0.3, 0.4];
    for (const e of eps) {
      const I = new Float64Array(16);
      I[0b11] = e;
      acc.addInteractions(I);
    }
    const V = acc.byOrder();
    expect(V[2]).toBeCloseTo(sampleVariance(eps) / 6, 14);
    expect(V[1]).toBe(0);
    expect(V[3]).toBe(0);
  });

  it('refuses fewer than two draws and tables of another size', () => {
    const acc = new InteractionVariance(3);
    acc.addGame(new Float64Array(8));
    expectInputError(() => acc.byOrder(), 'draws', /at least 2 draws/);
    expectInputError(() => acc.addGame(new Float64Array(16)), 'values', /2\^3/);
  });

  it('exponentialFit recovers ln y = a + b x and ignores non-positive points', () => {
    const fit = exponentialFit([1, 2, 3, 4], [2 * Math.exp(0.5), 2 * Math.exp(1), 0, 2 * Math.exp(2)])!;
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.intercept).toBeCloseTo(Math.log(2), 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(exponentialFit([1, 2], [1, 0])).toBeNull();
  });
});
