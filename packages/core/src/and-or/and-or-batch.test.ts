import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { extractAndOrBatch } from './and-or-batch.js';
import { extractAndOr } from './and-or-extraction.js';
import type { AndOrDecomposition } from './and-or-types.js';

/** `S` random tables of `2^n` values (sample-major), drawn from a seed. */
function randomTables(seed: string, n: number, samples: number): Float64Array {
  const rng = Rng.create(seed);
  return Float64Array.from({ length: samples * 2 ** n }, () => rng.normal());
}

const table = (values: Float64Array, n: number, s: number) => values.subarray(s * 2 ** n, (s + 1) * 2 ** n);

/** `h(T)` by its definition, summing over every `S` (no transforms). */
function rebuildDirect(and: Float64Array, or: Float64Array, T: number): number {
  let h = or[0];
  for (let S = 0; S < and.length; S++) {
    if ((S & T) === S) h += and[S];
    if (S !== 0 && (S & T) !== 0) h += or[S];
  }
  return h;
}

/** Dense matrices of the authors' code: `I = M v` (their get_reward2Iand_mat / get_reward2Ior_mat). */
function denseMatrices(n: number): { and: Float64Array; or: Float64Array } {
  const N = 2 ** n;
  const and = new Float64Array(N * N);
  const or = new Float64Array(N * N);
  for (let S = 0; S < N; S++) {
    for (let L = 0; L < N; L++) {
      if ((L & S) !== L) continue;
      const sign = (bitCount(S) - bitCount(L)) % 2 ? -1 : 1;
      and[S * N + L] = sign;
      if (S !== 0) or[S * N + (N - 1 - L)] = -sign; // −(−1)^{|S|−|L|} v(N∖L)
    }
  }
  or[0] = 1; // I_or(∅) = v(∅)
  return { and, or };
}

/**
 * A dense re-implementation of the authors' `_train_p_q` (and_or_harsanyi_utils.py:187-255):
 * p = q = 0; each iteration clamps q, computes I = M v, and steps (torch SGD, momentum 0.9,
 * lr from numpy.logspace(log lr, log lr − 1, niter)) unless it is the last one.
 */
function authorsDense(v: Float64Array, lr: number, niter: number, qthres: number) {
  const N = v.length;
  const M = denseMatrices(Math.log2(N));
  const qb = qthres * Math.abs(v[N - 1] - v[0]);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  const bp = new Float64Array(N);
  const bq = new Float64Array(N);
  for (let it = 0; it < niter; it++) {
    for (let k = 0; k < N; k++) q[k] = Math.max(Math.min(q[k], qb), -qb);
    const va = Float64Array.from(v, (x, k) => 0.5 * (x + q[k]) + p[k]);
    const vo = Float64Array.from(v, (x, k) => 0.5 * (x + q[k]) - p[k]);
    const sa = new Float64Array(N);
    const so = new Float64Array(N);
    for (let S = 0; S < N; S++) {
      let a = 0;
      let o = 0;
      for (let L = 0; L < N; L++) {
        a += M.and[S * N + L] * va[L];
        o += M.or[S * N + L] * vo[L];
      }
      sa[S] = Math.sign(a);
      so[S] = Math.sign(o);
    }
    if (it + 1 >= niter) break;
    const eta = 10 ** (Math.log10(lr) - it / (niter - 1));
    for (let L = 0; L < N; L++) {
      let ga = 0;
      let go = 0;
      for (let S = 0; S < N; S++) {
        ga += M.and[S * N + L] * sa[S];
        go += M.or[S * N + L] * so[S];
      }
      bp[L] = 0.9 * bp[L] + (ga - go);
      bq[L] = 0.9 * bq[L] + 0.5 * (ga + go);
      p[L] -= eta * bp[L];
      q[L] -= eta * bq[L];
    }
  }
  return { p, q };
}

describe('batched AND-OR extraction', () => {
  it('gives bit for bit what one-by-one runs give, across cache-sized chunks', () => {
    for (const [n, samples, preset] of [
      [7, 5, 'orderlens'],
      [10, 10, 'orderlens'], // chunks of 7 and 3 samples
      [6, 4, 'authors'],
    ] as const) {
      const values = randomTables(`batch-${n}`, n, samples);
      const options = {
        preset,
        niter: 300,
        qthres: 0.04,
        tau: 0.05,
        lr: preset === 'authors' ? 1e-3 : undefined,
      };
      const batch = extractAndOrBatch(values, n, options);
      expect(batch.samples).toBe(samples);
      for (let s = 0; s < samples; s++) {
        const one = extractAndOr(table(values, n, s).slice(), options);
        const b = batch.decompositions[s];
        for (const key of ['and', 'or', 'p', 'q'] as const)
          expect(Array.from(b[key])).toEqual(Array.from(one[key]));
        expect(b.finalLoss).toBe(one.finalLoss);
        expect(b.keptIteration).toBe(one.keptIteration);
        expect(Array.from(b.salient.and)).toEqual(Array.from(one.salient.and));
      }
    }
  });

  it('accepts an array of tables like one flat array', () => {
    const n = 5;
    const values = randomTables('array-form', n, 3);
    const flat = extractAndOrBatch(values, n, { niter: 100 });
    const list = extractAndOrBatch(
      [0, 1, 2].map((s) => Array.from(table(values, n, s))),
      n,
      { niter: 100 },
    );
    list.decompositions.forEach((d, s) =>
      expect(Array.from(d.p)).toEqual(Array.from(flat.decompositions[s].p)),
    );
  });

  it('is reproducible from the seed of its input', () => {
    const run = (seed: string) => extractAndOrBatch(randomTables(seed, 6, 3), 6, { niter: 500 });
    const a = run('seed-1');
    const b = run('seed-1');
    const c = run('seed-2');
    a.decompositions.forEach((d, s) => {
      expect(Array.from(d.and)).toEqual(Array.from(b.decompositions[s].and));
      expect(Array.from(d.q)).toEqual(Array.from(b.decompositions[s].q));
    });
    expect(Array.from(c.decompositions[0].and)).not.toEqual(Array.from(a.decompositions[0].and));
  });

  it('holds universal matching to 1e-6 on every coalition and never lets |q| exceed its bound', () => {
    const n = 6;
    const samples = 4;
    const values = randomTables('matching', n, samples);
    for (const preset of ['orderlens', 'authors'] as const) {
      const r = extractAndOrBatch(values, n, {
        preset,
        niter: 2000,
        qthres: 0.04,
        lr: preset === 'authors' ? 1e-3 : undefined,
      });
      let atBound = 0;
      r.decompositions.forEach((d: AndOrDecomposition, s) => {
        // The authors preset extracts from v − v(∅) (their `0-v0`): that is the game it matches.
        const raw = table(values, n, s);
        const v = preset === 'authors' ? raw.map((x) => x - raw[0]) : raw;
        const Q = 0.04 * Math.abs(v[2 ** n - 1] - v[0]);
        expect(d.qBound).toBe(Q);
        for (const x of d.q) {
          expect(Math.abs(x)).toBeLessThanOrEqual(Q); // exactly, no tolerance
          if (Math.abs(x) === Q) atBound++;
        }
        let worst = 0;
        let rebuildError = 0;
        for (let T = 0; T < 2 ** n; T++) {
          const h = rebuildDirect(d.and, d.or, T);
          worst = Math.max(worst, Math.abs(h - (v[T] + d.q[T])));
          rebuildError = Math.max(rebuildError, Math.abs(h - v[T]));
        }
        expect(worst).toBeLessThan(1e-6);
        expect(d.matchingResidual).toBeLessThan(1e-12);
        expect(d.reconstructionError).toBeCloseTo(rebuildError, 10);
        expect(d.reconstructionError).toBeLessThanOrEqual(Q + 1e-12);
      });
      expect(atBound).toBeGreaterThan(0); // the bound binds, so the check means something
    }
  });

  it('authors preset: the dense algorithm of their code (zero start, last iterate, logspace schedule)', () => {
    const n = 4;
    const v = randomTables('authors-dense', n, 1);
    const niter = 40;
    const d = extractAndOr(v, { preset: 'authors', lr: 1e-3, niter, qthres: 0.04 });
    // Their code is handed rewards already shifted by v(∅) (`0-v0`).
    const ref = authorsDense(
      v.map((x) => x - v[0]),
      1e-3,
      niter,
      0.04,
    );
    expect(d.steps).toBe(niter - 1);
    expect(d.keptIteration).toBe(niter - 1);
    for (let k = 0; k < v.length; k++) {
      expect(d.p[k]).toBeCloseTo(ref.p[k], 12);
      expect(d.q[k]).toBeCloseTo(Math.max(Math.min(ref.q[k], d.qBound), -d.qBound), 12);
    }
  });

  it('authors preset: defaults, merged singletons and the 1 %-of-max salient rule with ≥', () => {
    const n = 5;
    const v = randomTables('authors-salient', n, 1);
    const zero = extractAndOr(v, { preset: 'authors', niter: 0 });
    expect(Array.from(zero.p)).toEqual(new Array(2 ** n).fill(0));
    const d = extractAndOr(v, { preset: 'authors', niter: 50 });
    expect(d.qBound).toBeCloseTo(0.04 * Math.abs(v[31] - v[0]), 15);
    for (const S of [0, 1, 2, 4, 8, 16]) expect(d.or[S]).toBe(0);
    const all = [...d.and, ...d.or].map(Math.abs);
    expect(d.tau).toBe(0.01 * Math.max(...all));
    const expected = [...d.and.keys()].filter((S) => Math.abs(d.and[S]) >= d.tau);
    expect(Array.from(d.salient.and)).toEqual(expected);
    // A threshold equal to an interaction's size keeps it (≥), unlike the orderlens rule (>).
    const edge = Math.abs(d.and[3]);
    expect(extractAndOr(v, { preset: 'authors', niter: 50, tau: edge }).salient.and).toContain(3);
    expect(
      extractAndOr(v, { preset: 'orderlens', niter: 0, tau: Math.abs(extractAndOr(v, { niter: 0 }).and[3]) })
        .salient.and,
    ).not.toContain(3);
  });

  it('shiftEmpty: extracts from v − v(∅); on in the authors preset, off in orderlens', () => {
    const n = 5;
    const v = randomTables('shift', n, 1);
    expect(v[0]).not.toBe(0);
    const shifted = v.map((x) => x - v[0]);
    for (const preset of ['orderlens', 'authors'] as const) {
      const on = extractAndOr(v, { preset, niter: 200, lr: 1e-3, shiftEmpty: true });
      const ref = extractAndOr(shifted, { preset, niter: 200, lr: 1e-3, shiftEmpty: false });
      expect(Array.from(on.and)).toEqual(Array.from(ref.and));
      expect(Array.from(on.or)).toEqual(Array.from(ref.or));
      expect(on.tau).toBe(ref.tau);
      // The empty coalition keeps only the noise term q(∅) (matching: v_and(∅) + v_or(∅) = v(∅) + q(∅)).
      expect(Math.abs(on.and[0] + on.or[0])).toBeLessThanOrEqual(on.qBound + 1e-12);
      // A constant added to the game changes nothing once shifted …
      const lifted = extractAndOr(
        v.map((x) => x + 7),
        { preset, niter: 200, lr: 1e-3, shiftEmpty: true },
      );
      lifted.and.forEach((x, S) => expect(x).toBeCloseTo(on.and[S], 9));
      // … and the empty terms carry v(∅) without the shift.
      const off = extractAndOr(v, { preset, niter: 200, lr: 1e-3, shiftEmpty: false });
      expect(Math.abs(off.and[0] + off.or[0] - v[0])).toBeLessThanOrEqual(off.qBound + 1e-12);
      expect(Math.abs(v[0])).toBeGreaterThan(2 * off.qBound); // so the two checks differ
    }
    expect(extractAndOrBatch(v, n, { preset: 'authors', niter: 1 }).settings.shiftEmpty).toBe(true);
    expect(extractAndOrBatch(v, n, { niter: 1 }).settings.shiftEmpty).toBe(false);
  });

  it('orderlens preset: salient τ = 0.03 · E_x|v(N) − v(∅)| over the batch', () => {
    const n = 5;
    const values = randomTables('orderlens-tau', n, 3);
    const r = extractAndOrBatch(values, n, { niter: 10 });
    const gaps = [0, 1, 2].map((s) => Math.abs(values[s * 32 + 31] - values[s * 32]));
    for (const d of r.decompositions)
      expect(d.tau).toBeCloseTo((0.03 * gaps.reduce((a, b) => a + b)) / 3, 14);
  });

  it('reports progress per chunk and stops on an aborted signal', () => {
    const n = 4;
    const values = randomTables('progress', n, 2);
    const seen: Array<[number, number, number]> = [];
    extractAndOrBatch(values, n, {
      niter: 30,
      reportEvery: 10,
      onProgress: (it, losses, first) => seen.push([it, losses.length, first]),
    });
    expect(seen).toEqual([
      [10, 2, 0],
      [20, 2, 0],
      [30, 2, 0],
    ]);
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    expect(() =>
      extractAndOrBatch(values, n, { niter: 30, reportEvery: 10, signal: controller.signal }),
    ).toThrow('stopped');
  });

  it('rejects bad input naming the field', () => {
    const v = new Float64Array(24);
    expect(() => extractAndOrBatch(v, 4)).toThrow(OrderlensInputError);
    expect(() => extractAndOrBatch(v, 4)).toThrow(/^values:/);
    expect(() => extractAndOrBatch(new Float64Array(8), 23)).toThrow(/^n:/);
    expect(() => extractAndOrBatch([new Float64Array(8), new Float64Array(4)], 3)).toThrow(/^values\[1\]:/);
    expect(() => extractAndOr(new Float64Array(6))).toThrow(/^values:/);
    expect(() => extractAndOr(new Float64Array(8), { qthres: -1 })).toThrow(/^qthres:/);
    expect(() => extractAndOr(new Float64Array(8), { niter: 1.5 })).toThrow(/^niter:/);
    // @ts-expect-error an unknown preset
    expect(() => extractAndOr(new Float64Array(8), { preset: 'paper' })).toThrow(/^preset:/);
  });
});
