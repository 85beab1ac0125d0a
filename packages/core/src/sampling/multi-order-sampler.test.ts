import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { OrderlensInputError } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { TableGame } from '../game/table-game.js';
import type { UnanimityGame } from '../game/unanimity-game.js';
import { Rng } from '../random/rng.js';
import { countingGame, evaluatorGame, seededUnanimityGame } from '../testing/index.js';
import { sampleMultiOrder, type SampleMultiOrderOptions, type SamplingMode } from './multi-order-sampler.js';
import { ordersFromRatios } from './orders.js';
import { referencePairs } from './reference-pairs.js';

/** Estimates over `seeds` runs: the across-seed mean and its standard error, per (pair, order). */
async function overSeeds(game: Game, opts: Omit<SampleMultiOrderOptions, 'seed'>, seeds: number) {
  const runs: number[][][] = [];
  for (let s = 0; s < seeds; s++)
    runs.push((await sampleMultiOrder(game, { ...opts, seed: `s${s}` })).multiOrder!.values);
  const P = opts.pairs.length;
  const K = opts.orders.length;
  const mean = Array.from({ length: P }, (_, p) =>
    Array.from({ length: K }, (_, k) => runs.reduce((a, r) => a + r[p][k], 0) / seeds),
  );
  const se = mean.map((row, p) =>
    row.map((mu, k) => Math.sqrt(runs.reduce((a, r) => a + (r[p][k] - mu) ** 2, 0) / (seeds - 1) / seeds)),
  );
  return { mean, se, runs };
}

/** Checks every estimate lies within 3 standard errors of the closed form of the unanimity game. */
function expectWithin3Se(
  game: UnanimityGame,
  pairs: Array<[number, number]>,
  orders: number[],
  mean: number[][],
  se: number[][],
) {
  let informative = 0;
  pairs.forEach(([i, j], p) =>
    orders.forEach((m, k) => {
      const exact = game.multiOrder(i, j, m);
      const tol = 3 * se[p][k] + 1e-9 * (1 + Math.abs(exact));
      expect(
        Math.abs(mean[p][k] - exact),
        `pair ${p} order ${m}: ${mean[p][k]} vs ${exact} (se ${se[p][k]})`,
      ).toBeLessThanOrEqual(tol);
      if (se[p][k] > 1e-6) informative++;
    }),
  );
  // The check must be about sampled, varying estimates, not only constant ones.
  expect(informative).toBeGreaterThanOrEqual((pairs.length * orders.length) / 2);
}

const n64Pairs = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 12, rng: Rng.create('pairs64') });
const game64 = seededUnanimityGame({
  n: 64,
  seed: 'g64',
  numTerms: 12,
  maxOrder: 10,
  anchors: n64Pairs.slice(0, 4),
  anchorSizes: [2, 4, 8, 16],
});
const orders64 = [1, 8, 20, 40, 56];

describe('sampleMultiOrder is unbiased against closed forms', () => {
  for (const mode of ['reference', 'shared'] as SamplingMode[]) {
    it(`n = 64, ${mode}`, async () => {
      const pairs = n64Pairs.slice(0, 4);
      const { mean, se, runs } = await overSeeds(game64, { pairs, orders: orders64, contexts: 48, mode }, 24);
      expectWithin3Se(game64, pairs, orders64, mean, se);
      // Each run's reported standard error tracks the spread of the estimate across seeds.
      const res = await sampleMultiOrder(game64, { pairs, orders: orders64, contexts: 48, mode, seed: 's0' });
      expect(res.multiOrder!.values).toEqual(runs[0]);
      let ratioSum = 0;
      let cnt = 0;
      pairs.forEach((_, p) =>
        orders64.forEach((__, k) => {
          const sd = se[p][k] * Math.sqrt(24);
          if (sd > 1e-6) {
            ratioSum += res.multiOrder!.standardErrors![p][k] / sd;
            cnt++;
          }
        }),
      );
      expect(ratioSum / cnt).toBeGreaterThan(0.7);
      expect(ratioSum / cnt).toBeLessThan(1.4);
    });
  }

  it('n = 256 (16×16 grid pairs, bitsets over 8 words), both modes', async () => {
    const pairs = referencePairs({ rows: 16, cols: 16, radius: 2, numPairs: 3, rng: Rng.create('pairs256') });
    const game = seededUnanimityGame({
      n: 256,
      seed: 'g256',
      numTerms: 6,
      maxOrder: 8,
      anchors: pairs,
      anchorSizes: [2, 3, 6, 12],
    });
    const orders = ordersFromRatios(256, [0.05, 0.3, 0.6, 0.9]);
    for (const mode of ['reference', 'shared'] as SamplingMode[]) {
      const { mean, se } = await overSeeds(game, { pairs, orders, contexts: 40, mode }, 12);
      expectWithin3Se(game, pairs, orders, mean, se);
    }
  });

  it('antithetic contexts (reference mode): unbiased at n = 64, standard errors from the pair means', async () => {
    const pairs = n64Pairs.slice(0, 4);
    const opts = { pairs, orders: orders64, contexts: 48, mode: 'reference' as const, antithetic: true };
    const { mean, se } = await overSeeds(game64, opts, 24);
    expectWithin3Se(game64, pairs, orders64, mean, se);
    const res = await sampleMultiOrder(game64, {
      ...opts,
      seed: 's0',
      keepDeltas: true,
      strengthEstimator: 'bracket',
    });
    // 24 pair means per sampled cell; every context was evaluated (4 coalitions each).
    expect(res.deltas![0][1]).toHaveLength(24);
    expect(res.modelCalls).toBe(4 * 4 * 5 * 48);
    expect(res.details).toMatchObject({ antithetic: true });
    let ratioSum = 0;
    let cnt = 0;
    pairs.forEach((_, p) =>
      orders64.forEach((__, k) => {
        const sd = se[p][k] * Math.sqrt(24);
        if (sd > 1e-6) {
          ratioSum += res.multiOrder!.standardErrors![p][k] / sd;
          cnt++;
        }
      }),
    );
    expect(ratioSum / cnt).toBeGreaterThan(0.7);
    expect(ratioSum / cnt).toBeLessThan(1.4);
  });

  it('squared error falls like 1/K as contexts K grow (log-log slope ≈ −1)', async () => {
    const pairs = n64Pairs.slice(0, 4);
    const orders = [20, 40];
    const Ks = [4, 16, 64, 256];
    const seeds = 30;
    const logK: number[] = [];
    const logMse: number[] = [];
    for (const K of Ks) {
      let se2 = 0;
      for (let s = 0; s < seeds; s++) {
        const r = await sampleMultiOrder(game64, {
          pairs,
          orders,
          contexts: K,
          mode: 'reference',
          seed: `k${K}-${s}`,
        });
        pairs.forEach(([i, j], p) =>
          orders.forEach((m, k) => (se2 += (r.multiOrder!.values[p][k] - game64.multiOrder(i, j, m)) ** 2)),
        );
      }
      logK.push(Math.log(K));
      logMse.push(Math.log(se2 / seeds));
    }
    const mx = logK.reduce((a, b) => a + b) / Ks.length;
    const my = logMse.reduce((a, b) => a + b) / Ks.length;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < Ks.length; t++) {
      sxy += (logK[t] - mx) * (logMse[t] - my);
      sxx += (logK[t] - mx) ** 2;
    }
    const slope = sxy / sxx;
    expect(slope).toBeGreaterThan(-1.2);
    expect(slope).toBeLessThan(-0.8);
  });
});

describe('shared mode', () => {
  it('is unbiased on an arbitrary table game where every context matters (n = 8, all pairs)', async () => {
    const n = 8;
    const rng = Rng.create('table8');
    const table = Array.from({ length: 2 ** n }, () => rng.normal());
    const game = new TableGame(n, table);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
    const orders = [2, 3, 4];
    const brute = (i: number, j: number, m: number) => {
      let s = 0;
      let c = 0;
      for (let mask = 0; mask < 2 ** n; mask++) {
        if (mask & ((1 << i) | (1 << j)) || popcount(mask) !== m) continue;
        s +=
          table[mask | (1 << i) | (1 << j)] - table[mask | (1 << i)] - table[mask | (1 << j)] + table[mask];
        c++;
      }
      return s / c;
    };
    const { mean, se } = await overSeeds(game, { pairs, orders, contexts: 8, mode: 'shared' }, 60);
    let chi2 = 0;
    pairs.forEach(([i, j], p) =>
      orders.forEach((m, k) => (chi2 += ((mean[p][k] - brute(i, j, m)) / se[p][k]) ** 2)),
    );
    // 84 standardised errors: χ²(84) has mean 84 and sd ≈ 13; a biased context law lands far above.
    expect(chi2 / (pairs.length * orders.length)).toBeLessThan(1.5);
    pairs.forEach(([i, j], p) =>
      orders.forEach((m, k) =>
        expect(Math.abs(mean[p][k] - brute(i, j, m))).toBeLessThanOrEqual(4 * se[p][k]),
      ),
    );
  });

  it('requests far fewer coalitions than the reference protocol for grid pairs', async () => {
    const pairs = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 40, rng: Rng.create('many') });
    const orders = [3, 16, 31, 47, 60];
    const calls: Record<string, number> = {};
    for (const mode of ['reference', 'shared'] as SamplingMode[]) {
      const g = countingGame(game64);
      const r = await sampleMultiOrder(g, { pairs, orders, contexts: 20, mode, seed: 1 });
      expect(r.modelCalls).toBe(g.coalitions);
      expect(r.details!.coalitionsRequested).toBe(g.coalitions);
      expect(r.details!.protocolCoalitions).toBe(4 * 40 * 5 * 20);
      calls[mode] = g.coalitions;
    }
    expect(calls.reference).toBe(4 * 40 * 5 * 20);
    expect(calls.shared).toBeLessThan(0.7 * calls.reference);
  });

  it('saves model calls behind an Evaluator too, and reports them', async () => {
    const pairs = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 40, rng: Rng.create('many') });
    const a = evaluatorGame(game64, { cache: false });
    const b = evaluatorGame(game64, { cache: false });
    const ra = await sampleMultiOrder(a, {
      pairs,
      orders: orders64,
      contexts: 16,
      mode: 'reference',
      seed: 2,
    });
    const rb = await sampleMultiOrder(b, { pairs, orders: orders64, contexts: 16, mode: 'shared', seed: 2 });
    expect(ra.modelCalls).toBe(a.modelCalls);
    expect(rb.modelCalls).toBe(b.modelCalls);
    expect(rb.modelCalls).toBeLessThan(0.7 * ra.modelCalls);
  });

  it('evaluates no coalition twice across requests: the same model calls at batch sizes 4 and 16384 (issue 12)', async () => {
    const pairs = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 40, rng: Rng.create('many') });
    const calls: number[] = [];
    const coalitions: number[] = [];
    for (const batchSize of [4, 16384]) {
      const g = evaluatorGame(game64, { cache: false });
      const c = countingGame(g);
      const r = await sampleMultiOrder(c, {
        pairs,
        orders: orders64,
        contexts: 16,
        mode: 'shared',
        seed: 3,
        batchSize,
      });
      calls.push(r.modelCalls);
      coalitions.push(c.coalitions);
      expect(r.modelCalls).toBe(g.modelCalls);
    }
    expect(calls[0]).toBe(calls[1]);
    expect(coalitions[0]).toBe(coalitions[1]);
  });
});

describe('determinism', () => {
  it('gives bit-identical results whatever the Evaluator batch size and the request size', async () => {
    const pairs = referencePairs({ rows: 16, cols: 16, radius: 2, numPairs: 5, rng: Rng.create('det') });
    const game = seededUnanimityGame({
      n: 256,
      seed: 'det',
      numTerms: 10,
      maxOrder: 6,
      anchors: pairs,
      anchorSizes: [2, 5],
    });
    const orders = [0, 12, 127, 254];
    for (const mode of ['reference', 'shared'] as SamplingMode[]) {
      const base = await sampleMultiOrder(game, { pairs, orders, contexts: 12, mode, seed: 9 });
      for (const evalBatch of [1, 7, 64]) {
        for (const batchSize of [4, 28, 1000]) {
          const g = evaluatorGame(game, { batchSize: evalBatch });
          const r = await sampleMultiOrder(g, { pairs, orders, contexts: 12, mode, seed: 9, batchSize });
          expect(r.multiOrder!.values).toEqual(base.multiOrder!.values);
          expect(r.multiOrder!.standardErrors).toEqual(base.multiOrder!.standardErrors);
          expect(r.strength!.J).toEqual(base.strength!.J);
        }
      }
      const other = await sampleMultiOrder(game, { pairs, orders, contexts: 12, mode, seed: 10 });
      expect(other.multiOrder!.values).not.toEqual(base.multiOrder!.values);
    }
  });
});

describe('orders with few contexts are enumerated', () => {
  for (const n of [64, 256]) {
    it(`m = 0 and m = n−2 are exact at n = ${n} with 4 coalitions per pair`, async () => {
      const pairs = referencePairs({
        rows: n === 64 ? 8 : 16,
        cols: n === 64 ? 8 : 16,
        radius: 2,
        numPairs: 6,
        rng: Rng.create(n),
      });
      const game = seededUnanimityGame({
        n,
        seed: `few${n}`,
        numTerms: 30,
        maxOrder: 12,
        anchors: pairs,
        anchorSizes: [2, 3, n - 4],
      });
      for (const mode of ['reference', 'shared'] as SamplingMode[]) {
        const g = countingGame(game);
        const r = await sampleMultiOrder(g, { pairs, orders: [0, n - 2], contexts: 100, mode, seed: 1 });
        // Shared mode folds the common coalitions (∅, N) of all pairs into one.
        expect(g.coalitions).toBe(mode === 'reference' ? 2 * 4 * pairs.length : 2 * (3 * pairs.length + 1));
        expect(r.details!.enumeratedOrders).toEqual([0, n - 2]);
        pairs.forEach(([i, j], p) => {
          expect(r.multiOrder!.values[p][0]).toBeCloseTo(game.multiOrder(i, j, 0), 10);
          expect(r.multiOrder!.values[p][1]).toBeCloseTo(game.multiOrder(i, j, n - 2), 10);
          expect(r.multiOrder!.standardErrors![p]).toEqual([0, 0]);
        });
      }
    });
  }

  it('tiny n: every order is exact on an arbitrary table game (brute force)', async () => {
    const n = 6;
    const rng = Rng.create('table');
    const table = Array.from({ length: 2 ** n }, () => rng.normal());
    const game = new TableGame(n, table);
    const pairs: Array<[number, number]> = [
      [0, 1],
      [2, 5],
      [4, 3],
    ];
    const orders = [0, 1, 2, 3, 4];
    const brute = (i: number, j: number, m: number) => {
      let s = 0;
      let c = 0;
      for (let mask = 0; mask < 2 ** n; mask++) {
        if (mask & ((1 << i) | (1 << j)) || popcount(mask) !== m) continue;
        s +=
          table[mask | (1 << i) | (1 << j)] - table[mask | (1 << i)] - table[mask | (1 << j)] + table[mask];
        c++;
      }
      return s / c;
    };
    const g = countingGame(game);
    const r = await sampleMultiOrder(g, { pairs, orders, contexts: 6, mode: 'reference', seed: 0 });
    expect(r.details!.enumeratedOrders).toEqual(orders);
    expect(g.coalitions).toBe(pairs.length * 4 * 2 ** (n - 2));
    pairs.forEach(([i, j], p) =>
      orders.forEach((m, k) => expect(r.multiOrder!.values[p][k]).toBeCloseTo(brute(i, j, m), 12)),
    );
    // With 5 contexts, order 2 (C(4,2) = 6 contexts) is sampled and the others stay exact.
    const r5 = await sampleMultiOrder(game, { pairs, orders, contexts: 5, mode: 'shared', seed: 0 });
    expect(r5.details!.enumeratedOrders).toEqual([0, 1, 3, 4]);
    expect(r5.multiOrder!.standardErrors![0][2]).toBeGreaterThan(0);
    expect(r5.multiOrder!.values[0][3]).toBeCloseTo(brute(0, 1, 3), 12);
  });
});

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

describe('result and options', () => {
  it('fills the EstimateResult: orders, ratios, pairs, strength J, details, progress', async () => {
    const pairs = n64Pairs.slice(0, 3);
    const ratios = [0, 0.01, 0.5, 1];
    const orders = ordersFromRatios(64, ratios); // [0, 0, 31, 62]: a duplicated order
    const progress: number[] = [];
    const r = await sampleMultiOrder(game64, {
      pairs,
      orders,
      ratios,
      contexts: 10,
      mode: 'reference',
      seed: 'meta',
      batchSize: 40,
      onProgress: (p) => progress.push(p.done / p.total),
    });
    expect(r.method).toBe('sampled-multi-order');
    expect(r.n).toBe(64);
    expect(r.seed).toBe('meta');
    expect(r.multiOrder!.orders).toEqual([0, 0, 31, 62]);
    expect(r.multiOrder!.ratios).toEqual(ratios);
    expect(r.multiOrder!.pairs).toEqual(pairs);
    for (const row of r.multiOrder!.values) expect(row[0]).toBe(row[1]);
    const meanAbs = orders.map(
      (_, k) => r.multiOrder!.values.reduce((a, row) => a + Math.abs(row[k]), 0) / pairs.length,
    );
    const z = meanAbs.reduce((a, b) => a + b) / meanAbs.length;
    expect(r.strength!.normalization).toBe('mean');
    expect(r.strength!.orders).toEqual(orders);
    r.strength!.J.forEach((v, k) => expect(v).toBeCloseTo(meanAbs[k] / z, 12));
    expect(r.details).toMatchObject({ mode: 'reference', contexts: 10, contextsEvaluated: 3 * (1 + 10 + 1) });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('stops when aborted', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('stop here'));
    await expect(
      sampleMultiOrder(game64, {
        pairs: n64Pairs,
        orders: [5],
        contexts: 10,
        mode: 'shared',
        seed: 1,
        signal: ctl.signal,
      }),
    ).rejects.toThrow('stop here');
  });

  it('rejects bad input with the field named', async () => {
    const ok: SampleMultiOrderOptions = {
      pairs: [[0, 1]],
      orders: [1],
      contexts: 4,
      mode: 'reference',
      seed: 1,
    };
    const cases: Array<[Partial<SampleMultiOrderOptions>, RegExp]> = [
      [{ pairs: [] }, /^pairs:/],
      [{ pairs: [[3, 3]] }, /^pairs\[0\]: .*distinct/],
      [{ pairs: [[0, 64]] }, /^pairs\[0\]: player 64/],
      [{ pairs: [[0, 1.5]] }, /^pairs\[0\]/],
      [{ orders: [] }, /^orders:/],
      [{ orders: [63] }, /^orders\[0\]: .*0…62/],
      [{ orders: [2.5] }, /^orders\[0\]/],
      [{ contexts: 0 }, /^contexts:/],
      [{ mode: 'fast' as SamplingMode }, /^mode:/],
      [{ ratios: [0, 1] }, /^ratios:/],
      [{ batchSize: 0 }, /^batchSize:/],
      [{ seed: NaN }, /^seed:/],
      [{ antithetic: true, contexts: 5 }, /^contexts: .*even/],
      [{ antithetic: true, mode: 'shared' }, /^antithetic: .*reference/],
    ];
    for (const [patch, re] of cases) {
      const err = await sampleMultiOrder(game64, { ...ok, ...patch }).catch((e: unknown) => e);
      expect(err, JSON.stringify(patch)).toBeInstanceOf(OrderlensInputError);
      expect((err as Error).message).toMatch(re);
    }
    const tiny: Game = { n: 1, evaluate: async (b: CoalitionBatch) => new Float64Array(b.count) };
    await expect(sampleMultiOrder(tiny, ok)).rejects.toThrow(/game\.n/);
    const wrong: Game = { n: 4, evaluate: async () => new Float64Array(1) };
    await expect(sampleMultiOrder(wrong, ok)).rejects.toThrow(/game\.evaluate/);
  });
});
