import { describe, expect, it } from 'vitest';
import { salientReconstructionError } from './and-or-matching.js';
import {
  andOrSparsity,
  andOrSparsityVerdict,
  summariseAndOrSparsity,
  type AndOrSparsitySummary,
} from './and-or-sparsity.js';
import type { AndOrDecomposition } from './and-or-types.js';

// A planted game on n = 4: baseline 0.5, salient AND terms {0,1} = 2 and {2,3} = −1, salient OR
// term {1,3} = 1, and two small terms left out of the salient sets: AND {0,2} = 0.1 and
// OR {1,2} = −0.2. v(T) is written from the terms directly, not through the rebuild under test.
const n = 4;
const size = 2 ** n;
const andTerms: Array<[number, number]> = [
  [0b0011, 2],
  [0b1100, -1],
  [0b0101, 0.1],
];
const orTerms: Array<[number, number]> = [
  [0b1010, 1],
  [0b0110, -0.2],
];
const planted = (T: number) => {
  let x = 0.5;
  for (const [S, a] of andTerms) if ((S & T) === S) x += a;
  for (const [S, b] of orTerms) if (S & T) x += b;
  return x;
};
const values = Float64Array.from({ length: size }, (_, T) => planted(T));

function decomposition(salientAnd: number[], salientOr: number[]): AndOrDecomposition {
  const and = new Float64Array(size);
  const or = new Float64Array(size);
  and[0] = 0.5;
  for (const [S, a] of andTerms) and[S] = a;
  for (const [S, b] of orTerms) or[S] = b;
  const salient = { and: Uint32Array.from(salientAnd), or: Uint32Array.from(salientOr) };
  return {
    n,
    preset: 'orderlens',
    and,
    or,
    p: new Float64Array(size),
    q: new Float64Array(size),
    qBound: 0,
    initialLoss: 8,
    finalLoss: 4.8,
    steps: 0,
    keptIteration: 0,
    matchingResidual: 0,
    reconstructionError: 0,
    salientReconstructionError: salientReconstructionError(values, and, or, salient),
    tau: 0.5,
    salient,
  };
}

describe('AND-OR sparsity of a planted decomposition', () => {
  // The empty set is listed as salient: it is the baseline and must not be counted.
  const d = decomposition([0, 0b0011, 0b1100], [0b1010]);

  it('counts the salient non-empty terms and their share of the L1 mass exactly', () => {
    const s = andOrSparsity(d);
    expect(s.salientCount).toBe(3);
    expect(s.terms).toBe(30);
    expect(s.salientShare).toBeCloseTo(4 / 4.3, 14);
  });

  it('rebuild error: what the two left-out terms contribute, relative to the game', () => {
    // Left out: +0.1 on the 4 coalitions ⊇ {0,2} (all of which meet {1,2}) and −0.2 on the 12
    // coalitions meeting {1,2}: 4·0.1² + 8·0.2² = 0.36.
    let norm = 0;
    for (let T = 0; T < size; T++) norm += (planted(T) - planted(0)) ** 2;
    expect(andOrSparsity(d).rebuildError).toBeCloseTo(Math.sqrt(0.36 / norm), 14);
    // Everything salient: the rebuild is exact.
    const all = decomposition([0b0011, 0b1100, 0b0101], [0b1010, 0b0110]);
    expect(andOrSparsity(all).rebuildError).toBeLessThan(1e-15);
    expect(andOrSparsity(all).salientShare).toBeCloseTo(1, 14);
  });

  it('summarises samples (mean, range, loss ratio) and refuses mixed n', () => {
    const all = decomposition([0b0011, 0b1100, 0b0101], [0b1010, 0b0110]);
    const { perSample, summary } = summariseAndOrSparsity([d, all]);
    expect(perSample.map((s) => s.salientCount)).toEqual([3, 5]);
    expect(summary.salientCount).toEqual({ mean: 4, min: 3, max: 5 });
    expect(summary.salientFraction).toBeCloseTo(4 / 30, 14);
    expect(summary.salientShare.max).toBeCloseTo(1, 14);
    expect(summary.lossRatio).toBeCloseTo(0.6, 14);
    expect(() => summariseAndOrSparsity([d, { ...d, n: 5 }])).toThrow(/n = 4/);
    expect(() => summariseAndOrSparsity([])).toThrow(/at least one/);
  });
});

describe('AND-OR sparsity verdict', () => {
  const summary = (fraction: number, error: number): AndOrSparsitySummary => ({
    samples: 1,
    n: 10,
    terms: 2046,
    salientCount: { mean: fraction * 2046, min: 0, max: 0 },
    salientFraction: fraction,
    salientShare: { mean: 0.9, min: 0.9, max: 0.9 },
    rebuildError: { mean: error, min: error, max: error },
    lossRatio: 0.5,
  });

  it('sparse only when few terms are salient and they rebuild the game', () => {
    expect(andOrSparsityVerdict(summary(0.04, 0.05)).sparse).toBe(true);
    const many = andOrSparsityVerdict(summary(0.3, 0.01));
    expect([many.sparse, many.few, many.faithful]).toEqual([false, false, true]);
    expect(many.text).toMatch(/^not sparse: 30\.0 %/);
    const unfaithful = andOrSparsityVerdict(summary(0.01, 0.5));
    expect([unfaithful.sparse, unfaithful.few, unfaithful.faithful]).toEqual([false, true, false]);
    expect(unfaithful.text).toMatch(/do not rebuild/);
  });
});
