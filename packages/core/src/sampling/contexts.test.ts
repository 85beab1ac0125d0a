import { describe, expect, it } from 'vitest';
import { binomial } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { allContexts, ContextSampler, drawPermutationPrefix, sharedContext } from './contexts.js';

function bits(words: Uint32Array, n: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < n; p++) if (words[p >>> 5] & (1 << (p & 31))) out.push(p);
  return out;
}

function subsets(pool: number[], m: number): number[][] {
  if (m === 0) return [[]];
  if (pool.length < m) return [];
  const [h, ...t] = pool;
  return [...subsets(t, m - 1).map((s) => [h, ...s]), ...subsets(t, m)];
}

describe('antithetic contexts', () => {
  it('are the first and last m players of one uniform order: uniform, of size m, overlapping in max(0, 2m − L)', () => {
    const n = 12;
    const [i, j] = [3, 7];
    const L = n - 2;
    const sampler = new ContextSampler(n);
    sampler.reset(i, j);
    const rng = Rng.create('anti');
    const a = new Uint32Array(1);
    const b = new Uint32Array(1);
    const draws = 6000;
    for (const m of [1, 3, 5, 6, 9]) {
      const inFirst = new Array<number>(n).fill(0);
      const inSecond = new Array<number>(n).fill(0);
      const pairCounts = new Map<string, number>();
      let wrongShape = 0;
      for (let d = 0; d < draws; d++) {
        sampler.drawAntithetic(rng, m, a, b);
        const s = bits(a, n);
        const t = bits(b, n);
        if (
          s.length !== m ||
          t.length !== m ||
          s.filter((p) => t.includes(p)).length !== Math.max(0, 2 * m - L)
        )
          wrongShape++;
        for (const p of s) inFirst[p]++;
        for (const p of t) inSecond[p]++;
        const key = t.join(',');
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
      }
      expect(wrongShape, `m = ${m}: draws with a wrong size or overlap`).toBe(0);
      // Every player of the pool is in each context with probability m / L (±5 s.e.), i and j never.
      const pr = m / L;
      const tol = 5 * Math.sqrt((pr * (1 - pr)) / draws);
      for (let p = 0; p < n; p++) {
        const want = p === i || p === j ? 0 : pr;
        expect(Math.abs(inFirst[p] / draws - want), `first, m = ${m}, player ${p}`).toBeLessThanOrEqual(tol);
        expect(Math.abs(inSecond[p] / draws - want), `second, m = ${m}, player ${p}`).toBeLessThanOrEqual(
          tol,
        );
      }
      // The second context takes every m-subset about equally often (χ² over C(L, m) cells).
      const cells = binomial(L, m);
      const expected = draws / cells;
      if (expected >= 5) {
        let chi2 = 0;
        for (const c of pairCounts.values()) chi2 += (c - expected) ** 2 / expected;
        chi2 += (cells - pairCounts.size) * expected;
        expect(chi2 / (cells - 1), `m = ${m}`).toBeLessThan(1.6);
      }
    }
  });
});

describe('shared contexts', () => {
  it('give every pair an exactly uniform context (exhaustive over all permutation summaries)', () => {
    // Every (a, b, prefix) is equally likely; count the contexts they induce for each pair.
    const n = 6;
    for (let m = 0; m <= n - 2; m++) {
      for (const [i, j] of [
        [0, 1],
        [2, 5],
        [4, 3],
      ]) {
        const counts = new Map<string, number>();
        const prefix = new Uint32Array(1);
        const out = new Uint32Array(1);
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            if (a === b) continue;
            const rest = [...Array(n).keys()].filter((p) => p !== a && p !== b);
            for (const s of subsets(rest, m)) {
              prefix[0] = s.reduce((acc, p) => acc | (1 << p), 0);
              sharedContext(prefix, a, b, i, j, out);
              const ctx = bits(out, n);
              expect(ctx).toHaveLength(m);
              expect(ctx).not.toContain(i);
              expect(ctx).not.toContain(j);
              const key = ctx.join(',');
              counts.set(key, (counts.get(key) ?? 0) + 1);
            }
          }
        }
        expect(counts.size).toBe(binomial(n - 2, m));
        const expected = (n * (n - 1) * binomial(n - 2, m)) / binomial(n - 2, m);
        for (const c of counts.values()) expect(c).toBe(expected);
      }
    }
  });

  it('works across 32-bit words (players 31, 32, 63)', () => {
    const n = 70;
    const sampler = new ContextSampler(n);
    const prefix = new Uint32Array(3);
    const out = new Uint32Array(3);
    for (let k = 0; k < 200; k++) {
      const m = k % (n - 1);
      const { a, b } = drawPermutationPrefix(Rng.create(k), n, Math.min(m, n - 2), sampler, prefix);
      expect(a).not.toBe(b);
      const pre = bits(prefix, n);
      expect(pre).toHaveLength(Math.min(m, n - 2));
      expect(pre).not.toContain(a);
      expect(pre).not.toContain(b);
      for (const [i, j] of [
        [31, 63],
        [32, 0],
      ]) {
        sharedContext(prefix, a, b, i, j, out);
        const ctx = bits(out, n);
        expect(ctx).toHaveLength(Math.min(m, n - 2));
        expect(ctx).not.toContain(i);
        expect(ctx).not.toContain(j);
      }
    }
  });
});

describe('ContextSampler', () => {
  it('draws uniform subsets of N∖{i,j} (chi-square, both the direct and the complement branch)', () => {
    const n = 7;
    for (const m of [2, 4]) {
      const sampler = new ContextSampler(n);
      sampler.reset(1, 4);
      const rng = Rng.create(`chi-${m}`);
      const out = new Uint32Array(1);
      const counts = new Map<number, number>();
      const draws = 20000;
      for (let t = 0; t < draws; t++) {
        sampler.draw(rng, m, out);
        expect(out[0] & ((1 << 1) | (1 << 4))).toBe(0);
        counts.set(out[0], (counts.get(out[0]) ?? 0) + 1);
      }
      const cells = binomial(5, m);
      expect(counts.size).toBe(cells);
      const e = draws / cells;
      let chi2 = 0;
      for (const c of counts.values()) chi2 += (c - e) ** 2 / e;
      expect(chi2).toBeLessThan(27.9); // 99.9 % quantile of χ²(9)
      for (const key of counts.keys()) expect(bits(Uint32Array.of(key), n)).toHaveLength(m);
    }
  });

  it('handles n = 256 bitsets', () => {
    const n = 256;
    const sampler = new ContextSampler(n);
    sampler.reset(31, 255);
    const out = new Uint32Array(8);
    const rng = Rng.create(3);
    for (const m of [0, 1, 100, 200, 253, 254]) {
      sampler.draw(rng, m, out);
      const ctx = bits(out, n);
      expect(ctx).toHaveLength(m);
      expect(ctx).not.toContain(31);
      expect(ctx).not.toContain(255);
    }
  });
});

describe('allContexts', () => {
  it('lists every size-m subset of N∖{i,j} once', () => {
    const n = 7;
    const out = new Uint32Array(1);
    for (let m = 0; m <= n - 2; m++) {
      const seen = new Set<number>();
      for (const _ of allContexts(n, m, 2, 6, out)) {
        expect(bits(out, n)).toHaveLength(m);
        expect(out[0] & ((1 << 2) | (1 << 6))).toBe(0);
        seen.add(out[0]);
      }
      expect(seen.size).toBe(binomial(n - 2, m));
    }
  });
});
