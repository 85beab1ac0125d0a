import { describe, expect, it } from 'vitest';
import { ordersFromRatios, PAPER_RATIOS } from '../sampling/orders.js';
import { fitEffectiveN, theoryStrength } from './theory-strength.js';
import { twoPhaseMatrix, twoPhaseRowNorms } from './two-phase.js';

describe('theoryStrength', () => {
  it('matches the n = 12 curve of MATH.md', () => {
    const expected = [1, 0.2875, 0.122, 0.0664, 0.0439, 0.0344, 0.0314, 0.0332, 0.0407, 0.0575, 0.0909];
    theoryStrength(12, [...expected.keys()]).forEach((v, m) => expect(v).toBeCloseTo(expected[m], 4));
  });

  it('is 1 at order 0 and 1/(n−1) at n−2, finite at n = 256', () => {
    const f = theoryStrength(256, [0, 127, 254]);
    expect(f[0]).toBeCloseTo(1, 14);
    expect(f[2]).toBeCloseTo(1 / 255, 14);
    expect(f[1]).toBeGreaterThan(0);
    expect(f[1]).toBeLessThan(1e-30);
  });

  it('rejects orders outside 0…n−2', () => {
    expect(() => theoryStrength(12, [11])).toThrow(/orders\[0\]/);
    expect(() => theoryStrength(1, [0])).toThrow(/^n:/);
  });
});

describe('fitEffectiveN', () => {
  it("recovers n' from its own theory curve on the paper grid", () => {
    for (const np of [8, 20, 57]) {
      const f = theoryStrength(np, ordersFromRatios(np, PAPER_RATIOS));
      const fit = fitEffectiveN(PAPER_RATIOS, f, { nMin: 3, nMax: 200 });
      expect(fit.nEff).toBe(np);
      expect(fit.loss).toBeLessThan(1e-20);
      expect(fit.orders).toEqual(ordersFromRatios(np, PAPER_RATIOS));
      fit.curve.forEach((v, k) => expect(v).toBeCloseTo(f[k] / f[0], 12));
    }
  });

  it("stays near n' under 10 % multiplicative noise and any overall scale", () => {
    const np = 30;
    const f = theoryStrength(np, ordersFromRatios(np, PAPER_RATIOS));
    const noisy = f.map((v, k) => 7 * v * (1 + 0.1 * Math.sin(3 * k)));
    const fit = fitEffectiveN(PAPER_RATIOS, noisy, { nMax: 300 });
    expect(Math.abs(fit.nEff - np)).toBeLessThanOrEqual(1);
  });

  it('rejects bad input', () => {
    expect(() => fitEffectiveN([0, 0.5], [1])).toThrow(/measuredJhat/);
    expect(() => fitEffectiveN([0, 0.5], [0, 1])).toThrow(/measuredJhat\[0\]/);
    expect(() => fitEffectiveN([0, 0.5], [1, -1])).toThrow(/measuredJhat\[1\]/);
    expect(() => fitEffectiveN([0, 0.5], [1, 0.5], { nMin: 10, nMax: 5 })).toThrow(/nMax/);
  });
});

describe('two-phase theory', () => {
  it('matches the n = 8, σ² = 0.01 row norms of MATH.md', () => {
    const expected = [0.9539, 0.8482, 0.65, 0.3768, 0.1847, 0.0818, 0.0339, 0.0134, 0.0051];
    twoPhaseRowNorms(8, 0.01).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 4));
  });

  it('agrees with the dense operator, whose row norms depend only on |S|', () => {
    const n = 6;
    const N = 2 ** n;
    for (const sigma2 of [0.001, 0.05, 1]) {
      const M = twoPhaseMatrix(n, sigma2);
      const reduced = twoPhaseRowNorms(n, sigma2);
      for (let s = 0; s < N; s++) {
        let norm2 = 0;
        for (let t = 0; t < N; t++) norm2 += M[s * N + t] ** 2;
        let size = 0;
        for (let x = s; x; x &= x - 1) size++;
        expect(Math.sqrt(norm2)).toBeCloseTo(reduced[size], 9);
      }
    }
  });

  it('is the identity at σ² = 0 and suppresses high orders more as σ² grows', () => {
    expect(twoPhaseRowNorms(10, 0)).toEqual(new Array(11).fill(1));
    const small = twoPhaseRowNorms(10, 0.001);
    const large = twoPhaseRowNorms(10, 0.1);
    for (let k = 1; k <= 10; k++) expect(large[k]).toBeLessThan(small[k]);
    for (let k = 1; k <= 10; k++) expect(large[k]).toBeLessThan(large[k - 1]);
  });

  it('rejects bad input', () => {
    expect(() => twoPhaseRowNorms(0, 0.1)).toThrow(/^n:/);
    expect(() => twoPhaseRowNorms(8, -1)).toThrow(/sigma2/);
    expect(() => twoPhaseMatrix(11, 0.1)).toThrow(/^n:/);
  });
});
