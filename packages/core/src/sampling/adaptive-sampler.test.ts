import { describe, expect, it } from 'vitest';
import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { Game } from '../game/game.js';
import { bottleneckGame } from '../testing/bottleneck-games.js';
import { expectInputErrorAsync } from '../testing/expect-input-error.js';
import { seededUnanimityGame } from '../testing/games.js';
import { sampleMultiOrderAdaptive } from './adaptive-sampler.js';
import { ordersFromRatios, PAPER_RATIOS } from './orders.js';

const n = 64;
const orders = ordersFromRatios(n, [...PAPER_RATIOS]);
const pairs: Array<[number, number]> = Array.from({ length: 12 }, (_, p) => [p, 63 - p]);
const sampledOrders = orders.filter((m) => m > 0 && m < n - 2).length;

/** Records every coalition a game is asked for, as a string of its words. */
function recording(game: Game): Game & { seen: string[] } {
  const seen: string[] = [];
  return {
    n: game.n,
    seen,
    async evaluate(batch: CoalitionBatch) {
      const W = batch.words;
      for (let k = 0; k < batch.count; k++)
        seen.push(Array.from(batch.data.subarray(k * W, (k + 1) * W)).join(','));
      return game.evaluate(batch);
    },
  };
}

describe('sampleMultiOrderAdaptive', () => {
  it('stops after the initial contexts where every order is already within the target', async () => {
    // Only pair terms: Δv is the same in every context, so every interval is a point.
    const game = seededUnanimityGame({ n, seed: 'flat', anchors: pairs, anchorSizes: [2] });
    const rec = recording(game);
    const res = await sampleMultiOrderAdaptive(rec, { pairs, orders, seed: 1 });
    expect(res.rounds).toBe(1);
    expect(res.targetMet.every(Boolean)).toBe(true);
    expect(res.contextsPerOrder.filter((k) => k === 8)).toHaveLength(sampledOrders);
    pairs.forEach(([i, j], p) =>
      orders.forEach((_, k) =>
        expect(res.multiOrder!.values[p][k]).toBeCloseTo(game.multiOrder(i, j, orders[k]), 12),
      ),
    );
    // m = 0 and n − 2 have one context; the sampled orders 8 each; 4 coalitions a context, no repeats.
    expect(rec.seen.length).toBeLessThanOrEqual(4 * pairs.length * (8 * sampledOrders + 2));
  });

  it('spends more contexts where the interval is wide, within the budget, and flags the orders it could not bring to the target', async () => {
    const game = bottleneckGame({ n, pairs, seed: 3 });
    const rec = recording(game);
    const res = await sampleMultiOrderAdaptive(rec, {
      pairs,
      orders,
      seed: 2,
      budgetContexts: 24,
      targetError: 0.1,
    });
    expect(res.rounds).toBeGreaterThan(1);
    const sampled = res.contextsPerOrder.filter((_, k) => orders[k] > 0 && orders[k] < n - 2);
    expect(Math.max(...sampled)).toBeGreaterThan(Math.min(...sampled));
    expect(sampled.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(24 * sampledOrders);
    res.targetMet.forEach((met, k) => expect(met).toBe(res.interval.relativeError[k] <= 0.1));
    expect(res.targetMet.some((m) => !m)).toBe(true);
    // An order that met its target holds the exact J(m) inside its interval.
    const truth = game.meanAbs(pairs, orders);
    orders.forEach((_, k) => {
      if (res.targetMet[k]) expect(Math.abs(res.interval.estimate[k] / truth[k] - 1)).toBeLessThan(0.25);
    });
  });

  it('never evaluates a coalition twice, and gives the same result whatever the batch size', async () => {
    const game = bottleneckGame({ n, pairs, seed: 5 });
    const small = recording(game);
    // Orders 1 and n − 3 have 62 and 1891 contexts: i.i.d. draws repeat there, and v(S), v(S ∪ {i})
    // recur across pairs, so the run-wide table has work to do.
    const opts = { pairs, orders: [1, n - 3, ...orders], seed: 'b', maxContexts: 32 };
    const a = await sampleMultiOrderAdaptive(small, { ...opts, batchSize: 20 });
    const b = await sampleMultiOrderAdaptive(game, opts);
    expect(new Set(small.seen).size).toBe(small.seen.length);
    expect(a.strengthEstimate.meanAbs).toEqual(b.strengthEstimate.meanAbs);
    expect(a.interval).toEqual(b.interval);
    expect(a.contextsPerOrder).toEqual(b.contextsPerOrder);
    expect(a.modelCalls).toBe(b.modelCalls);
  });

  it('refuses budgets below the initial contexts and single-context starts, naming the option', async () => {
    const game = bottleneckGame({ n, pairs, seed: 1 });
    await expectInputErrorAsync(
      () => sampleMultiOrderAdaptive(game, { pairs, orders, seed: 1, initialContexts: 8, budgetContexts: 4 }),
      'budgetContexts',
      /at least initialContexts \(8\)/,
    );
    await expectInputErrorAsync(
      () => sampleMultiOrderAdaptive(game, { pairs, orders, seed: 1, initialContexts: 1 }),
      'initialContexts',
      /at least 2/,
    );
    await expectInputErrorAsync(
      () => sampleMultiOrderAdaptive(game, { pairs, orders, seed: 1, targetError: 0 }),
      'targetError',
      /positive/,
    );
  });
});
