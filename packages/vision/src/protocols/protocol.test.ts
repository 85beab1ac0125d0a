import { describe, expect, it } from 'vitest';
import { CoalitionBatch, PAPER_RATIOS, UnanimityGame, ordersFromRatios, type Game } from '@orderlens/core';
import { localGridGame } from '@orderlens/core/testing';
import { FAST_PROTOCOL, REFERENCE_PROTOCOL, resolveProtocol } from './protocol.js';
import { runVisionProtocol } from './run-protocol.js';

const gridGame = (seed: string) => localGridGame({ side: 16, seed });

/** Wraps a game and histograms the sizes of the coalitions it is asked for. */
class RecordingGame implements Game {
  readonly n: number;
  readonly sizes: Float64Array;
  modelCalls = 0;
  constructor(private readonly inner: UnanimityGame) {
    this.n = inner.n;
    this.sizes = new Float64Array(inner.n + 1);
  }
  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    for (let k = 0; k < batch.count; k++) this.sizes[batch.size(k)]++;
    this.modelCalls += batch.count;
    return this.inner.evaluateSync(batch);
  }
}

describe('vision protocols', () => {
  it('the reference preset matches MATH.md', () => {
    expect(REFERENCE_PROTOCOL).toMatchObject({
      grid: 16,
      radius: 2,
      pairs: 200,
      contexts: 100,
      perClass: 5,
      mode: 'reference',
    });
    expect(REFERENCE_PROTOCOL.ratios).toEqual([...PAPER_RATIOS]);
    expect(FAST_PROTOCOL.mode).toBe('shared');
    expect(resolveProtocol('fast', { contexts: 8, pairs: undefined }).contexts).toBe(8);
    expect(() => resolveProtocol('slow')).toThrow(/protocol: unknown protocol "slow"/);
    expect(() => resolveProtocol('reference', { radius: 0 })).toThrow(/radius/);
  });

  it('the reference preset draws 200 neighbour pairs and 100 uniform contexts per pair and order', async () => {
    const oracle = gridGame('ref');
    const game = new RecordingGame(oracle);
    const protocol = resolveProtocol('reference', { repeats: 1 });
    const res = await runVisionProtocol({ protocol, samples: 1, game: () => game, seed: 11 });
    const n = 256;
    const orders = ordersFromRatios(n, PAPER_RATIOS);
    expect(res.orders).toEqual(orders);
    const { pairs, values, standardErrors } = res.samples[0].multiOrder;
    // 200 distinct unordered pairs of distinct cells within Chebyshev radius 2.
    expect(pairs.length).toBe(200);
    expect(new Set(pairs.map(([i, j]) => `${i},${j}`)).size).toBe(200);
    for (const [i, j] of pairs) {
      expect(i).toBeLessThan(j);
      expect(
        Math.max(Math.abs(Math.floor(i / 16) - Math.floor(j / 16)), Math.abs((i % 16) - (j % 16))),
      ).toBeLessThanOrEqual(2);
    }
    // Each (pair, order, context) asks for S, S∪{i}, S∪{j}, S∪{i,j} with |S| = m: 100 contexts,
    // except m = 0 and m = n − 2, where the single context is enumerated.
    const want = new Float64Array(n + 1);
    for (const m of new Set(orders)) {
      const contexts = m === 0 || m === n - 2 ? 1 : 100;
      want[m] += 200 * contexts;
      want[m + 1] += 2 * 200 * contexts;
      want[m + 2] += 200 * contexts;
    }
    expect(Array.from(game.sizes)).toEqual(Array.from(want));
    expect(res.modelCalls).toBe(4 * 200 * (11 * 100 + 2));
    // The two enumerated orders are exact; at every other order the estimates are unbiased:
    // the mean error over pairs is within a few of its standard errors (errors of different
    // pairs are independent in the reference mode).
    orders.forEach((m, k) => {
      let err = 0;
      let var_ = 0;
      pairs.forEach(([i, j], p) => {
        const exact = oracle.multiOrder(i, j, m);
        if (m === 0 || m === n - 2) expect(values[p][k]).toBeCloseTo(exact, 6);
        err += values[p][k] - exact;
        var_ += standardErrors![p][k] ** 2;
      });
      if (m !== 0 && m !== n - 2) {
        expect(var_).toBeGreaterThan(0);
        expect(Math.abs(err)).toBeLessThan(5 * Math.sqrt(var_) + 1e-6);
      }
    });
    expect(res.instability).toBeNull();
  });

  it('the fast preset shares contexts, is exact where it enumerates, and reports the instability of repeats', async () => {
    const oracle = gridGame('shared');
    const protocol = resolveProtocol('fast', {
      contexts: 30,
      pairs: 40,
      ratios: [0, 0.1, 0.5, 0.9, 1],
      repeats: 3,
    });
    const res = await runVisionProtocol({ protocol, samples: 2, game: () => oracle, seed: 'x' });
    expect(res.samples).toHaveLength(2);
    expect(res.instability).toBeGreaterThan(0);
    expect(res.instability).toBeLessThan(1);
    // J(m) averages 1 over the orders.
    expect(res.strength.J.reduce((a, b) => a + b, 0) / res.strength.J.length).toBeCloseTo(1, 12);
    const mo = res.samples[1].multiOrder;
    mo.pairs.forEach(([i, j], p) =>
      mo.orders.forEach((m, k) => {
        const se = mo.standardErrors![p][k];
        const exact = oracle.multiOrder(i, j, m);
        if (m === 0 || m === 254) expect(mo.values[p][k]).toBeCloseTo(exact, 6);
        else expect(Number.isFinite(se)).toBe(true);
      }),
    );
    // Pairs are drawn once per sample: the same for every repeat and reproducible from the seed.
    const again = await runVisionProtocol({
      protocol: { ...protocol, repeats: 1 },
      samples: 2,
      game: () => oracle,
      seed: 'x',
    });
    expect(again.samples[1].multiOrder.pairs).toEqual(mo.pairs);
    expect(again.samples[1].multiOrder.values).toEqual(mo.values);
  });
});

describe('unbiased protocol', () => {
  it('uses the bracket estimator at under a third of the reference calls and records error bars', async () => {
    const p = resolveProtocol('unbiased');
    expect(p.estimator).toBe('bracket');
    expect(p.mode).toBe('reference');
    const calls = (q: typeof p) => 4 * q.pairs * (11 * q.contexts + 2);
    expect(calls(p)).toBeLessThanOrEqual(calls(REFERENCE_PROTOCOL) / 3);
    expect(() => resolveProtocol('lite', { estimator: 'nope' as 'plain' })).toThrow();
    const small = resolveProtocol('unbiased', { pairs: 6, contexts: 6, repeats: 1 });
    const res = await runVisionProtocol({ protocol: small, samples: 1, game: () => gridGame('u'), seed: 4 });
    const s = res.samples[0];
    expect(s.strengthStandardErrorByRepeat![0]).toHaveLength(PAPER_RATIOS.length);
    expect(s.strengthBiasBoundByRepeat![0].every((b) => b >= 0)).toBe(true);
    const plain = await runVisionProtocol({
      protocol: { ...small, estimator: 'plain' },
      samples: 1,
      game: () => gridGame('u'),
      seed: 4,
    });
    // Same contexts: the bracket midpoint lies within half the plain/cross-fit gap of plain.
    s.strengthByRepeat[0].forEach((v, k) =>
      expect(Math.abs(v - plain.samples[0].strengthByRepeat[0][k])).toBeLessThanOrEqual(
        s.strengthBiasBoundByRepeat![0][k] + 1e-12,
      ),
    );
  });
});
