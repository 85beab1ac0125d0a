import { describe, expect, it } from 'vitest';
import { sampleMultiOrder } from '../sampling/multi-order-sampler.js';
import { bottleneckGame } from './bottleneck-games.js';
import { expectInputError } from './expect-input-error.js';

describe('bottleneckGame', () => {
  it('its closed form equals the enumerated mean of Δv at every order (n = 12)', async () => {
    const n = 12;
    const pairs: Array<[number, number]> = [
      [0, 1],
      [2, 7],
      [5, 11],
    ];
    const game = bottleneckGame({ n, pairs, seed: 4, depth: 4, rareSize: 8 });
    const orders = Array.from({ length: n - 1 }, (_, m) => m);
    // Enough contexts that every order is enumerated (C(10, 5) = 252): exact means.
    const res = await sampleMultiOrder(game, { pairs, orders, contexts: 252, seed: 0, mode: 'reference' });
    expect((res.details as { enumeratedOrders: number[] }).enumeratedOrders).toEqual(orders);
    pairs.forEach(([i, j], p) =>
      orders.forEach((m, k) =>
        expect(res.multiOrder!.values[p][k]).toBeCloseTo(game.multiOrder(i, j, m), 10),
      ),
    );
    const J = game.meanAbs(pairs, orders);
    orders.forEach((_, k) =>
      expect(J[k]).toBeCloseTo(
        pairs.reduce((a, _p, p) => a + Math.abs(res.multiOrder!.values[p][k]), 0) / 3,
        10,
      ),
    );
    expect(game.modelCalls).toBe(res.modelCalls);
  });

  it('has a deep trough and a rise at the top orders (n = 256)', () => {
    const n = 256;
    const pairs: Array<[number, number]> = Array.from({ length: 40 }, (_, p) => [p, 255 - p]);
    const game = bottleneckGame({ n, pairs, seed: 1, depth: 4 });
    const [j0, jMid, jTop] = game.meanAbs(pairs, [0, 127, 254]);
    expect(jMid).toBeLessThan(j0 / 8);
    expect(jTop).toBeGreaterThan(j0);
  });

  it('refuses too few players and no pairs, naming the option', () => {
    expectInputError(() => bottleneckGame({ n: 4, pairs: [[0, 1]], seed: 0 }), 'n', /at least 8/);
    expectInputError(() => bottleneckGame({ n: 16, pairs: [], seed: 0 }), 'pairs', /at least one pair/);
  });
});
