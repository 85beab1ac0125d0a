import { describe, expect, it } from 'vitest';
import { bitCount } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { fitTwoPhaseSigma2, normaliseOrderDistribution, twoPhaseOrderDistribution } from './two-phase-fit.js';
import {
  twoPhaseApply,
  twoPhaseApplyTranspose,
  twoPhasePencilEigenvalues,
  twoPhaseSpectrum,
} from './two-phase-operator.js';
import { twoPhaseClassTable, twoPhaseMatrix, twoPhaseRowNorms } from './two-phase.js';

const MATH_MD_N8 = [0.9539, 0.8482, 0.65, 0.3768, 0.1847, 0.0818, 0.0339, 0.0134, 0.0051];

/** A coalition of size `k` drawn at random. */
function randomSet(rng: Rng, n: number, k: number): number {
  const players = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
  return players.reduce((m, i) => m | (1 << i), 0);
}

/** Euclidean norm of row `S` of `M̂(σ²)`, through the fast transposed operator. */
function rowNorm(n: number, sigma2: number, S: number): number {
  const e = new Float64Array(2 ** n);
  e[S] = 1;
  return Math.hypot(...twoPhaseApplyTranspose(n, sigma2, e));
}

/** Sparse "converged" interactions: `count` random sets with orders spread over 1…n. */
function plantedTruths(seed: string, n: number, vectors: number, count: number): Float64Array[] {
  const rng = Rng.create(seed);
  return Array.from({ length: vectors }, () => {
    const w = new Float64Array(2 ** n);
    for (let t = 0; t < count; t++) w[randomSet(rng, n, 1 + rng.int(n))] = rng.normal();
    return w;
  });
}

describe('fast two-phase operator M̂(σ²)', () => {
  it('equals the dense (JᵀJ + 2^n diag(c))^{-1} JᵀJ, entry by entry, as do the order classes', () => {
    const n = 6;
    const N = 2 ** n;
    for (const sigma2 of [1e-4, 0.01, 0.05, 1]) {
      const M = twoPhaseMatrix(n, sigma2);
      const table = twoPhaseClassTable(n, sigma2);
      let fast = 0;
      let classes = 0;
      for (let T = 0; T < N; T++) {
        const e = new Float64Array(N);
        e[T] = 1;
        const col = twoPhaseApply(n, sigma2, e);
        const row = twoPhaseApplyTranspose(n, sigma2, e);
        for (let S = 0; S < N; S++) {
          fast = Math.max(fast, Math.abs(col[S] - M[S * N + T]), Math.abs(row[S] - M[T * N + S]));
          classes = Math.max(classes, Math.abs(table.entry(S, T) - M[S * N + T]));
        }
      }
      expect(fast).toBeLessThan(1e-12);
      expect(classes).toBeLessThan(1e-11);
    }
  });

  it('uses the pencil eigenvalues (5 ∓ √17)/2 of C = [[2,1],[1,1]] against E = diag(1, 2)', () => {
    const [l0, l1] = twoPhasePencilEigenvalues();
    expect(l0).toBeCloseTo((5 - Math.sqrt(17)) / 2, 14);
    expect(l1).toBeCloseTo((5 + Math.sqrt(17)) / 2, 14);
    expect(Array.from(twoPhaseSpectrum(5, 0).scale)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('is the identity at σ² = 0 (Theorem 5)', () => {
    const w = plantedTruths('identity', 9, 1, 20)[0];
    twoPhaseApply(9, 0, w).forEach((x, S) => expect(x).toBeCloseTo(w[S], 12));
  });
});

describe('row norms of M̂(σ²)', () => {
  it("match MATH.md's n = 8, σ² = 0.01 figures, by order classes and by the fast operator", () => {
    twoPhaseRowNorms(8, 0.01).forEach((v, k) => expect(v).toBeCloseTo(MATH_MD_N8[k], 4));
    for (let k = 0; k <= 8; k++) expect(rowNorm(8, 0.01, (1 << k) - 1)).toBeCloseTo(MATH_MD_N8[k], 4);
  });

  it('depend only on the order |S|, at n = 12 (random sets of every order)', () => {
    const n = 12;
    const rng = Rng.create('row-norms-12');
    for (const sigma2 of [1e-7, 1e-5, 1e-3]) {
      const byClass = twoPhaseRowNorms(n, sigma2);
      for (let k = 0; k <= n; k++) {
        for (let r = 0; r < 2; r++)
          expect(rowNorm(n, sigma2, randomSet(rng, n, k))).toBeCloseTo(byClass[k], 9);
      }
    }
  });

  it('Proposition 1: ‖row S‖/‖row S′‖ > 1 for |S| < |S′|, shrinking as σ² decreases', () => {
    const n = 10;
    const sigmas = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
    const norms = sigmas.map((s) => twoPhaseRowNorms(n, s));
    for (let k = 0; k < n; k++) {
      for (let k2 = k + 1; k2 <= n; k2++) {
        const ratios = norms.map((r) => r[k] / r[k2]);
        for (let i = 0; i < ratios.length; i++) {
          expect(ratios[i]).toBeGreaterThan(1);
          if (i > 0) expect(ratios[i]).toBeLessThan(ratios[i - 1]);
        }
      }
    }
  });
});

describe('predicted per-order distribution and the σ² fit', () => {
  it('averages 1 over orders, is the converged distribution at σ² = 0, and loses high orders as σ² grows', () => {
    const n = 10;
    const truths = plantedTruths('distribution', n, 6, 30);
    const num = new Float64Array(n + 1);
    for (const w of truths) for (let S = 0; S < w.length; S++) num[bitCount(S)] += Math.abs(w[S]);
    const atZero = twoPhaseOrderDistribution(n, 0, truths);
    normaliseOrderDistribution(num, n).forEach((x, k) => expect(atZero[k]).toBeCloseTo(x, 12));
    const small = twoPhaseOrderDistribution(n, 1e-6, truths);
    const large = twoPhaseOrderDistribution(n, 1e-3, truths);
    for (const d of [small, large]) expect(d.reduce((a, b) => a + b, 0) / n).toBeCloseTo(1, 12);
    // The mass moves to low orders: the top orders shrink, order 1 grows.
    expect(large[n - 1]).toBeLessThan(small[n - 1]);
    expect(large[0]).toBeGreaterThan(small[0]);
  });

  it('recovers a planted σ² from its own predicted distribution', () => {
    const n = 10;
    const truths = plantedTruths('fit', n, 8, 25);
    for (const sigma2 of [3e-6, 3e-5, 3e-4]) {
      const measured = twoPhaseOrderDistribution(n, sigma2, truths).map((x) => 5 * x); // any scale
      const fit = fitTwoPhaseSigma2(measured, truths);
      expect(Math.abs(Math.log10(fit.sigma2 / sigma2))).toBeLessThan(1e-4);
      expect(fit.loss).toBeLessThan(1e-12);
      expect(fit.atBoundary).toBe(false);
      expect(fit.orders).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it('stays near the planted σ² under 5 % noise on the measured distribution', () => {
    const n = 10;
    const truths = plantedTruths('fit-noise', n, 8, 25);
    const sigma2 = 3e-5;
    const rng = Rng.create('noise');
    const measured = twoPhaseOrderDistribution(n, sigma2, truths).map((x) => x * (1 + 0.05 * rng.normal()));
    const fit = fitTwoPhaseSigma2(measured, truths);
    expect(Math.abs(Math.log10(fit.sigma2 / sigma2))).toBeLessThan(0.3);
  });

  it('rejects bad input', () => {
    const truths = plantedTruths('bad', 4, 1, 3);
    expect(() => fitTwoPhaseSigma2([1, 1, 1], truths)).toThrow(/^measured:/);
    expect(() => fitTwoPhaseSigma2([1, 1, -1, 1], truths)).toThrow(/^measured\[2\]:/);
    expect(() => fitTwoPhaseSigma2([1, 1, 1, 1], [])).toThrow(/^truths:/);
    expect(() => twoPhaseOrderDistribution(4, 0.1, [new Float64Array(8)])).toThrow(/^truths\[0\]:/);
    expect(() => twoPhaseApply(4, -1, new Float64Array(16))).toThrow(/^sigma2:/);
    expect(() => twoPhaseApply(25, 0, new Float64Array(1))).toThrow(/^n:/);
  });
});
