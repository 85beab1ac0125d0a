import { describe, expect, it } from 'vitest';
import { extractAndOr } from '../and-or/and-or-extraction.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { generalizationByOrder, jaccardSimilarity } from './generalization.js';
import type { SalientEntry, SalientSample } from './salient-samples.js';

const n = 8;
const sample = (id: string, label: number, salient: SalientEntry[]): SalientSample => ({
  id,
  label,
  n,
  salient,
});
const and = (mask: number, value = 1): SalientEntry => ({ mask, kind: 'and', value });
const or = (mask: number, value = 1): SalientEntry => ({ mask, kind: 'or', value });

/** `count` disjoint-enough sets of order `k` over 8 players, starting at `offset` in a fixed list. */
function setsOfOrder(k: number, count: number, offset: number): number[] {
  const out: number[] = [];
  for (let m = 1; m < 2 ** n && out.length < offset + count; m++) if (popcount(m) === k) out.push(m);
  return out.slice(offset, offset + count);
}
function popcount(m: number): number {
  return m
    .toString(2)
    .split('')
    .filter((c) => c === '1').length;
}

describe('generalizationByOrder', () => {
  it('planted interactions shared by a known share p of train and test give Jaccard p / (2 − p) per order', () => {
    // Per order k: the training samples of a class carry K sets, the test samples the first
    // p·K of them and K − p·K others, all of strength 1: Σ min = pK, Σ max = 2K − pK.
    const K = 4;
    const shares: Record<number, number> = { 1: 1, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0 };
    const train: SalientSample[] = [];
    const test: SalientSample[] = [];
    for (const label of [0, 1])
      for (let r = 0; r < 3; r++) {
        const tr: SalientEntry[] = [];
        const te: SalientEntry[] = [];
        for (const [k, p] of Object.entries(shares).map(([k, p]) => [Number(k), p])) {
          const shared = Math.round(p * K);
          const sets = setsOfOrder(k, 2 * K, label);
          for (const m of sets.slice(0, K)) tr.push(and(m));
          for (const m of [...sets.slice(0, shared), ...sets.slice(K, 2 * K - shared)]) te.push(and(m));
        }
        train.push(sample(`train-${label}-${r}`, label, tr));
        test.push(sample(`test-${label}-${r}`, label, te));
      }
    const g = generalizationByOrder(train, test);
    expect(g.classes).toEqual([0, 1]);
    expect(g.trainCounts).toEqual([3, 3]);
    for (const [k, p] of Object.entries(shares)) {
      expect(g.mean[Number(k) - 1]).toBeCloseTo(p / (2 - p), 12);
      expect(g.classesDefined[Number(k) - 1]).toBe(2);
    }
    // Orders with no salient interaction anywhere are undefined, not 0 or 1.
    expect(g.mean.slice(5)).toEqual([null, null, null]);
  });

  it('splits signed AND and OR strengths into positive and negative parts, and compares magnitudes', () => {
    const train = [sample('a', 0, [and(0b11, 2), and(0b110, 1), or(0b1100, 1)])];
    // Same set, opposite sign: nothing shared. Same set as OR instead of AND: nothing shared.
    // Half the strength: min/max = 1/2.
    const test = [sample('b', 0, [and(0b11, 1), and(0b110, -1), and(0b1100, 1)])];
    const g = generalizationByOrder(train, test);
    // Σ min = 1 (set 0b11); Σ max = 2 + 1 + 1 + 1 + 1 = 6.
    expect(g.mean[1]).toBeCloseTo(1 / 6, 12);
    expect(g.byClass[0][1]).toBeCloseTo(1 / 6, 12);
  });

  it("compares a single player's AND and OR terms as one (only their sum is defined)", () => {
    const g = generalizationByOrder([sample('a', 0, [and(0b100, 1)])], [sample('b', 0, [or(0b100, 1)])]);
    expect(g.mean[0]).toBe(1);
  });

  it('averages a class over its samples before comparing (the distribution, not per-sample pairs)', () => {
    // Train: two samples, one with S, one without → mean 0.5 on S. Test: one sample with S → 1.
    const train = [sample('a', 0, [and(0b101)]), sample('b', 0, [])];
    const test = [sample('c', 0, [and(0b101)])];
    expect(generalizationByOrder(train, test).mean[1]).toBeCloseTo(0.5, 12);
  });

  it('averages over the classes where the similarity is defined', () => {
    // Class 0 has order-2 interactions (Sim 1); class 1 has none of order 2, so it does not pull the mean to 0.5.
    const train = [sample('a', 0, [and(0b11), and(0b1)]), sample('b', 1, [and(0b10)])];
    const test = [sample('c', 0, [and(0b11)]), sample('d', 1, [and(0b10)])];
    const g = generalizationByOrder(train, test);
    expect(g.byClass[1][1]).toBeNull();
    expect(g.mean[1]).toBe(1);
    expect(g.classesDefined[1]).toBe(1);
    expect(g.mean[0]).toBeCloseTo(0.5, 12); // class 0: 0/1, class 1: 1
  });

  it('on extracted AND-OR interactions of planted games, recovers the planted share', () => {
    // Games v(T) = Σ a_S 1(S ⊆ T) with four order-2 terms; the test games share two of them.
    const m = 6;
    const game = (terms: number[]) =>
      Float64Array.from({ length: 2 ** m }, (_, T) => terms.reduce((s, S) => s + ((S & T) === S ? 1 : 0), 0));
    const salientOf = (id: string, terms: number[]): SalientSample => {
      const d = extractAndOr(game(terms), { qthres: 0, niter: 2000 });
      const salient = [
        ...Array.from(d.salient.and, (S) => ({ mask: S, kind: 'and' as const, value: d.and[S] })),
        ...Array.from(d.salient.or, (S) => ({ mask: S, kind: 'or' as const, value: d.or[S] })),
      ].filter((e) => Math.abs(e.value) > 0.1);
      return { id, label: 0, n: m, salient };
    };
    const g = generalizationByOrder(
      [salientOf('tr', [0b000011, 0b001100, 0b110000, 0b100001])],
      [salientOf('te', [0b000011, 0b001100, 0b010010, 0b001001])],
    );
    expect(g.mean[1]).toBeCloseTo(2 / 6, 2);
  });

  it('refuses a split without a sample of a class, naming the split', () => {
    const train = [sample('a', 0, [and(3)]), sample('b', 1, [and(3)])];
    const test = [sample('c', 0, [and(3)])];
    expectInputError(
      () => generalizationByOrder(train, test, { train: '--train-split', test: '--test-split' }),
      '--test-split',
      /no sample of class 1/,
    );
    expectInputError(
      () => generalizationByOrder(test, train, { train: '--train-split', test: '--test-split' }),
      '--train-split',
      /no sample of class 1/,
    );
    expectInputError(
      () =>
        generalizationByOrder(
          train,
          [
            { id: 'x', label: 0, n: 5, salient: [] },
            { id: 'y', label: 1, n: 5, salient: [] },
          ],
          { train: '--train-split', test: '--test-split' },
        ),
      '--test-split',
      /players/,
    );
  });

  it('jaccardSimilarity is Σ min / Σ max, null on zero vectors', () => {
    expect(jaccardSimilarity([1, 2, 0], [2, 1, 1])).toBeCloseTo(2 / 5, 12);
    expect(jaccardSimilarity([0, 0], [0, 0])).toBeNull();
  });
});
