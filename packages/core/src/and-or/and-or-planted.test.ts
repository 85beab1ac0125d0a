import { describe, expect, it } from 'vitest';
import { extractAndOr } from './and-or-extraction.js';
import type { AndOrDecomposition } from './and-or-types.js';

// A planted game mixing AND and OR terms: v(T) = v0 + Σ a_S 1(S ⊆ T) + Σ b_S 1(S ∩ T ≠ ∅), n = 6.
// Its sparse decomposition has L1 = 7. No pure split is that sparse: written as AND terms only,
// each OR term of size k becomes 2^k − 1 AND terms (and vice versa), so the pure AND split has
// L1 12.6 and the half-half split 18.3; the optimiser must move mass between the two.
const n = 6;
const size = 2 ** n;
const v0 = 0.5;
const andTerms: Array<[number, number]> = [
  [0b000011, 2.0],
  [0b011100, -1.5],
  [0b110010, 1.0],
];
const orTerms: Array<[number, number]> = [
  [0b101000, 1.2],
  [0b100101, -0.8],
];
const values = Float64Array.from({ length: size }, (_, T) => {
  let x = v0;
  for (const [S, a] of andTerms) if ((S & T) === S) x += a;
  for (const [S, b] of orTerms) if (S & T) x += b;
  return x;
});
const plantedL1 = 7;

/**
 * Largest deviation from the planted decomposition. The empty set and singletons are compared as
 * AND + OR sums: their AND and OR terms trigger on the same coalitions, so only the sum is defined.
 */
function deviation(d: AndOrDecomposition): number {
  const wantAnd = new Float64Array(size);
  const wantOr = new Float64Array(size);
  for (const [S, a] of andTerms) wantAnd[S] = a;
  for (const [S, b] of orTerms) wantOr[S] = b;
  wantAnd[0] = v0;
  let worst = 0;
  for (let S = 0; S < size; S++) {
    if ((S & (S - 1)) === 0) worst = Math.max(worst, Math.abs(d.and[S] + d.or[S] - wantAnd[S] - wantOr[S]));
    else worst = Math.max(worst, Math.abs(d.and[S] - wantAnd[S]), Math.abs(d.or[S] - wantOr[S]));
  }
  return worst;
}

const reachesPlanted = (d: AndOrDecomposition) => deviation(d) < 0.05 && d.finalLoss < plantedL1 * 1.03;

describe('AND-OR extraction on a planted AND + OR game', () => {
  it('the optimiser reaches the planted sparse decomposition, and the same check fails without iterating', () => {
    const options = { qthres: 0, preset: 'orderlens' } as const;
    const d = extractAndOr(values, { ...options, niter: 20000 });
    expect(reachesPlanted(d)).toBe(true);
    expect(d.keptIteration).toBeGreaterThan(10000); // the best iterate comes late: iterating did it
    expect(d.matchingResidual).toBeLessThan(1e-12);

    const start = extractAndOr(values, { ...options, niter: 0 });
    expect(start.steps).toBe(0);
    expect(reachesPlanted(start)).toBe(false);
    expect(deviation(start)).toBeGreaterThan(1);
    expect(start.finalLoss).toBeCloseTo(12.6, 9); // the sparsest pure split (all AND)
  });

  it('finds the planted salient sets and the OR terms of the planted masks', () => {
    const d = extractAndOr(values, { qthres: 0, niter: 20000, tau: 0.1 });
    const andSets = Array.from(d.salient.and).filter((S) => S & (S - 1));
    const orSets = Array.from(d.salient.or).filter((S) => S & (S - 1));
    expect(andSets).toEqual(andTerms.map(([S]) => S).sort((a, b) => a - b));
    expect(orSets).toEqual(orTerms.map(([S]) => S).sort((a, b) => a - b));
  });
});
