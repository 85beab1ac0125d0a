import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { exactFromTable } from '../exact/exact-interactions.js';
import { binomial, bitCount } from '../math/combinatorics.js';
import {
  ICLR2022_LOSS_CONVENTIONS,
  nestedCoefficient,
  nestedSizes,
  orderLossExpectation,
  orderLossWeights,
  sampleNestedCoalitions,
} from './nested-coalitions.js';
import { ORDER_LOSS_PRESETS, parseOrderLossSpec } from './order-loss-terms.js';

/** Mean of v over all coalitions of size k. */
function meanOfSize(values: Float64Array, n: number, k: number): number {
  let s = 0;
  for (let mask = 0; mask < values.length; mask++) if (bitCount(mask) === k) s += values[mask];
  return s / binomial(n, k);
}

describe('Theorem 2: E Δu(r1, r2) in terms of multi-order interactions', () => {
  const n = 7;
  const rng = Rng.create('theorem-2');
  const values = Float64Array.from({ length: 2 ** n }, () => rng.normal());
  const r = exactFromTable(values);
  for (const [s1, s2] of [
    [2, 5],
    [3, 7],
    [1, 4],
    [0, 4],
    [0, 7],
    [5, 6],
  ]) {
    it(`holds for s1 = ${s1}, s2 = ${s2}`, () => {
      const coef = s1 === 0 ? 1 : s2 / s1;
      // S2 uniform among size-s2 sets and S1 uniform inside it make S1 uniform among size-s1 sets.
      const expected = meanOfSize(values, n, s2) - coef * meanOfSize(values, n, s1);
      const w = orderLossWeights(n, s1, s2);
      // With r1 = 0 (coefficient 1) the first-order terms no longer cancel: E Σ_{i∈S2} μ_i remains.
      let firstOrder = 0;
      for (let i = 0; i < n; i++) firstOrder += values[1 << i] - values[0];
      let predicted = s1 === 0 ? (s2 / n) * firstOrder : (1 - coef) * values[0];
      r.multiOrder!.values.forEach((row) => row.forEach((v, m) => (predicted += 2 * w[m] * v)));
      expect(Math.abs(predicted - expected)).toBeLessThan(1e-12);
    });
  }
});

describe('nested coalition sampling', () => {
  it('draws S1 ⊊ S2 of the requested sizes, deterministically from the stream', () => {
    const a = sampleNestedCoalitions(12, 0.3, 0.7, Rng.create(1).fork('x'));
    const b = sampleNestedCoalitions(12, 0.3, 0.7, Rng.create(1).fork('x'));
    expect(a).toEqual(b);
    const { s1, s2 } = nestedSizes(12, 0.3, 0.7);
    expect(a.s1.reduce((x, y) => x + y, 0)).toBe(s1);
    expect(a.s2.reduce((x, y) => x + y, 0)).toBe(s2);
    for (let i = 0; i < 12; i++) if (a.s1[i]) expect(a.s2[i]).toBe(1);
  });

  it('makes every player equally likely to be in S1 and S2', () => {
    const n = 10;
    const counts1 = new Float64Array(n);
    const counts2 = new Float64Array(n);
    const root = Rng.create(7);
    const N = 20000;
    for (let t = 0; t < N; t++) {
      const { s1, s2 } = sampleNestedCoalitions(n, 0.3, 0.6, root.fork(t));
      for (let i = 0; i < n; i++) {
        counts1[i] += s1[i];
        counts2[i] += s2[i];
      }
    }
    for (let i = 0; i < n; i++) {
      // Binomial standard error ≈ sqrt(p(1-p)/N) ≈ 0.0035; allow 5 of them.
      expect(Math.abs(counts1[i] / N - 0.3)).toBeLessThan(0.018);
      expect(Math.abs(counts2[i] / N - 0.6)).toBeLessThan(0.018);
    }
  });

  it('uses coefficient 1 when r1 = 0', () => {
    expect(nestedCoefficient(0, 0.5)).toBe(1);
    expect(nestedCoefficient(0.3, 0.6)).toBeCloseTo(2);
  });

  it('uses the ratio of the sizes actually drawn, which makes the first-order terms cancel', () => {
    // r = 0.3, 0.7 at n = 12 draws 4 and 8 players.
    expect(nestedSizes(12, 0.3, 0.7)).toEqual({ s1: 4, s2: 8 });
    expect(nestedCoefficient(0.3, 0.7, 12)).toBe(2);
    // r1 > 0 that rounds to an empty S1 falls back to coefficient 1 (Δu = v(S2) − v(∅)).
    expect(nestedCoefficient(0.05, 0.5, 8)).toBe(1);
  });
});

describe('order-loss conventions (drawn sizes vs the ICLR-2022 trainer)', () => {
  it('int sizes truncate r·n like Python int(), the ratio coefficient is r2/r1', () => {
    expect(nestedSizes(12, 0.3, 0.7, 'int')).toEqual({ s1: 3, s2: 8 });
    expect(nestedSizes(12, 0.6, 1, 'int')).toEqual({ s1: 7, s2: 12 });
    // The trainer's 16×16 grid: int(0.3·256) = 76, int(0.7·256) = 179.
    expect(nestedSizes(256, 0.3, 0.7, 'int')).toEqual({ s1: 76, s2: 179 });
    expect(nestedCoefficient(0.3, 0.7, 12, { coefficient: 'ratio' })).toBeCloseTo(7 / 3, 12);
    expect(nestedCoefficient(0.3, 0.7, 12, { sizes: 'int' })).toBeCloseTo(8 / 3, 12);
    expect(nestedCoefficient(0.3, 0.7, 12, ICLR2022_LOSS_CONVENTIONS)).toBeCloseTo(7 / 3, 12);
    expect(nestedCoefficient(0, 0.5, 12, ICLR2022_LOSS_CONVENTIONS)).toBe(1);
    expect(() => nestedCoefficient(0.3, 0.7, 12, { coefficient: 'x' as 'drawn' })).toThrow(
      /conventions.coefficient/,
    );
  });

  it('draws int-sized nested coalitions', () => {
    const { s1, s2 } = sampleNestedCoalitions(12, 0.3, 0.7, Rng.create(2), 'int');
    expect(s1.reduce((a, b) => a + b, 0)).toBe(3);
    expect(s2.reduce((a, b) => a + b, 0)).toBe(8);
    for (let i = 0; i < 12; i++) if (s1[i]) expect(s2[i]).toBe(1);
  });

  const n = 7;
  const rng = Rng.create('theorem-2-any-coefficient');
  const values = Float64Array.from({ length: 2 ** n }, () => rng.normal());
  const r = exactFromTable(values);
  let firstOrder = 0;
  for (let i = 0; i < n; i++) firstOrder += values[1 << i] - values[0];
  for (const [s1, s2, coef, label] of [
    [2, 4, 0.7 / 0.3, 'ratio r2/r1 = 2.33 with int sizes 2, 4'],
    [2, 4, 2, 'drawn 4/2'],
    [0, 3, 1, 'S1 = ∅'],
    [4, 7, 1 / 0.6, 'ratio 1/0.6 with sizes 4, 7'],
  ] as const) {
    it(`Theorem 2 with coefficient ${label}`, () => {
      const expected = meanOfSize(values, n, s2) - coef * meanOfSize(values, n, s1);
      const e = orderLossExpectation(n, s1, s2, coef);
      let predicted = e.constant * values[0] + e.firstOrder * firstOrder;
      r.multiOrder!.values.forEach((row) => row.forEach((v, m) => (predicted += 2 * e.weights[m] * v)));
      expect(Math.abs(predicted - expected)).toBeLessThan(1e-12);
      if (s1 > 0 && coef === s2 / s1) {
        expect(e.firstOrder).toBeCloseTo(0, 14);
        const w = orderLossWeights(n, s1, s2);
        e.weights.forEach((x, m) => expect(x).toBeCloseTo(w[m], 14));
      }
    });
  }
});

describe('order loss specs', () => {
  it('parses presets and free terms', () => {
    expect(parseOrderLossSpec('low')).toEqual([...ORDER_LOSS_PRESETS.low]);
    expect(parseOrderLossSpec('normal')).toEqual([]);
    expect(parseOrderLossSpec('plus:0.3,0.7;minus:0,0.5')).toEqual([
      { kind: 'plus', r1: 0.3, r2: 0.7 },
      { kind: 'minus', r1: 0, r2: 0.5 },
    ]);
  });
  it('rejects bad specs naming the field', () => {
    expect(() => parseOrderLossSpec('medium')).toThrow(/losses: cannot read "medium"/);
    expect(() => parseOrderLossSpec('plus:0.7,0.3')).toThrow(/losses: expected 0 ≤ r1 < r2 ≤ 1/);
  });
});
