import { describe, expect, it } from 'vitest';
import { TableGame } from '../game/table-game.js';
import { Rng } from '../random/rng.js';
import { sampleMultiOrder } from './multi-order-sampler.js';

describe('enumerateSmallOrders: false (ICLR-2022 contexts)', () => {
  const n = 8;
  const rng = Rng.create('draw-small');
  const game = new TableGame(
    n,
    Float64Array.from({ length: 2 ** n }, () => rng.normal()),
  );
  const pairs: Array<[number, number]> = [
    [0, 1],
    [2, 5],
  ];
  const orders = [0, 1, 3, n - 2];

  it('draws `contexts` contexts at every order, m = 0 and m = n−2 included', async () => {
    const drawn = await sampleMultiOrder(game, {
      pairs,
      orders,
      contexts: 100,
      seed: 1,
      mode: 'reference',
      enumerateSmallOrders: false,
    });
    expect(drawn.details!.contextsEvaluated).toBe(pairs.length * orders.length * 100);
    expect(drawn.details!.enumeratedOrders).toEqual([]);
    const enumerated = await sampleMultiOrder(game, {
      pairs,
      orders,
      contexts: 100,
      seed: 1,
      mode: 'reference',
    });
    // Default: C(6,0) = 1, C(6,1) = 6, C(6,3) = 20 and C(6,6) = 1 contexts, all ≤ 100, enumerated.
    expect(enumerated.details!.contextsEvaluated).toBe(pairs.length * (1 + 6 + 20 + 1));
    // At m = 0 and m = n−2 every draw is the one context, so the values agree exactly.
    for (let p = 0; p < pairs.length; p++) {
      expect(drawn.multiOrder!.values[p][0]).toBe(enumerated.multiOrder!.values[p][0]);
      expect(drawn.multiOrder!.values[p][3]).toBeCloseTo(enumerated.multiOrder!.values[p][3], 12);
      expect(drawn.multiOrder!.standardErrors![p][0]).toBe(0);
    }
  });

  it('rejects a non-boolean', async () => {
    await expect(
      sampleMultiOrder(game, {
        pairs,
        orders,
        contexts: 10,
        seed: 1,
        mode: 'reference',
        enumerateSmallOrders: 'no' as unknown as boolean,
      }),
    ).rejects.toThrow(/enumerateSmallOrders/);
  });
});
