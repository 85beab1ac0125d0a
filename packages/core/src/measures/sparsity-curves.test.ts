import { describe, expect, it } from 'vitest';
import { extractAndOr } from '../and-or/and-or-extraction.js';
import { meanSparsityCurves, sortedStrengths, sparsityCurves, sparsityRanks } from './sparsity-curves.js';

// A planted sparse game over 6 players: AND terms 3, −2, 1, 0.25 and OR terms 1.5, −0.5,
// v(∅) = 0.4, so |v(N) − v(∅)| = 3 − 2 + 1 + 0.25 + 1.5 − 0.5 = 3.25.
const n = 6;
const size = 2 ** n;
const andTerms: Array<[number, number]> = [
  [0b000011, 3],
  [0b011100, -2],
  [0b100000, 1],
  [0b110011, 0.25],
];
const orTerms: Array<[number, number]> = [
  [0b101000, 1.5],
  [0b000110, -0.5],
];
const v0 = 0.4;
const and = new Float64Array(size);
const or = new Float64Array(size);
for (const [S, a] of andTerms) and[S] = a;
for (const [S, b] of orTerms) or[S] = b;
and[0] = v0;
// The game, rebuilt naively (independently of the transforms the code uses).
const values = Float64Array.from({ length: size }, (_, T) => {
  let x = v0;
  for (const [S, a] of andTerms) if ((S & T) === S) x += a;
  for (const [S, b] of orTerms) if (S & T) x += b;
  return x;
});

/** `1 − Σ_T (v − h)² / Σ_T (v − v(∅))²` with `h` keeping the terms above `tau`, computed naively. */
function naiveShare(tau: number): number {
  let err = 0;
  let norm = 0;
  for (let T = 0; T < size; T++) {
    let h = v0;
    for (const [S, a] of andTerms) if (Math.abs(a) > tau && (S & T) === S) h += a;
    for (const [S, b] of orTerms) if (Math.abs(b) > tau && S & T) h += b;
    err += (values[T] - h) ** 2;
    norm += (values[T] - v0) ** 2;
  }
  return 1 - err / norm;
}

describe('sparsity curves', () => {
  it('sorts AND and OR strengths descending, counts the salient ones and rebuilds the output share', () => {
    const fractions = [0, 0.1, 0.2, 0.5, 1];
    const c = sparsityCurves(values, and, or, fractions);
    expect(c.ranks.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(c.and.slice(0, 5)).toEqual([3, 2, 1, 0.25, 0]);
    expect(c.or.slice(0, 3)).toEqual([1.5, 0.5, 0]);
    fractions.forEach((f, k) => expect(c.thresholds[k]).toBeCloseTo(f * 3.25, 12));
    // τ = 0, 0.325, 0.65, 1.625, 3.25.
    expect(c.andCount).toEqual([4, 3, 3, 2, 0]);
    expect(c.orCount).toEqual([2, 2, 1, 0, 0]);
    expect(c.share[0]).toBeCloseTo(1, 12);
    for (const [k, tau] of c.thresholds.entries()) expect(c.share[k]).toBeCloseTo(naiveShare(tau), 12);
    expect(c.share[4]).toBeLessThan(c.share[2]);
  });

  it('on an extracted decomposition of the planted game, the salient ones rebuild the output', () => {
    const d = extractAndOr(values, { qthres: 0, niter: 20000 });
    const c = sparsityCurves(values, d.and, d.or, [0.05]);
    // At τ = 0.16 every planted term is kept and the optimiser's near-zero residue is dropped.
    expect(c.andCount[0] + c.orCount[0]).toBeLessThanOrEqual(6 + 2); // singletons may split AND/OR
    expect(c.share[0]).toBeGreaterThan(0.99);
  });

  it('keeps every rank up to 16, then about eight per doubling, ending at the last set', () => {
    expect(sparsityRanks(5)).toEqual([1, 2, 3, 4, 5]);
    const r = sparsityRanks(4095);
    expect(r.slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(r[r.length - 1]).toBe(4095);
    expect(r.length).toBeLessThan(16 + 8 * 8 + 2);
    expect(new Set(r).size).toBe(r.length);
    expect(Array.from(sortedStrengths([9, -1, 3, 0]))).toEqual([3, 1, 0]);
  });

  it('averages curves over samples', () => {
    const a = sparsityCurves(values, and, or, [0.1]);
    const half = sparsityCurves(
      values.map((x) => x / 2),
      and.map((x) => x / 2),
      or.map((x) => x / 2),
      [0.1],
    );
    const m = meanSparsityCurves([a, half]);
    expect(m.and[0]).toBeCloseTo(2.25, 12);
    expect(m.andCount[0]).toBe(3);
    expect(m.share[0]).toBeCloseTo(a.share[0], 12);
  });
});
