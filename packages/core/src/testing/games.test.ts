import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { countingGame, evaluatorGame, seededUnanimityGame } from './games.js';

describe('test games', () => {
  it('seededUnanimityGame is reproducible and anchors its pairs', () => {
    const a = seededUnanimityGame({ n: 40, seed: 1, numTerms: 5, anchors: [[3, 31]], anchorSizes: [2, 6] });
    const b = seededUnanimityGame({ n: 40, seed: 1, numTerms: 5, anchors: [[3, 31]], anchorSizes: [2, 6] });
    expect(a.terms).toEqual(b.terms);
    const anchored = a.terms
      .filter((t) => t.players.includes(3) && t.players.includes(31))
      .map((t) => t.players.length);
    expect(anchored).toEqual(expect.arrayContaining([2, 6]));
  });

  it('unanimity games count terms holding the top bit of a word (players 31, 63, 255)', () => {
    // Regression: `(x & w) !== w` compared a signed int32 with an unsigned word when bit 31 was set.
    for (const [n, p] of [
      [32, 31],
      [64, 63],
      [256, 255],
    ]) {
      const g = new UnanimityGame(n, 0, [{ players: [0, p], value: 2 }]);
      const batch = CoalitionBatch.fromSets(n, [[0, p], [0], [p], []]);
      expect(Array.from(g.evaluateSync(batch))).toEqual([2, 0, 0, 0]);
    }
  });

  it('countingGame and evaluatorGame count coalitions and model calls', async () => {
    const g = new UnanimityGame(4, 1, [{ players: [0, 1], value: 1 }]);
    const c = countingGame(evaluatorGame(g, { batchSize: 2 }));
    const v = await c.evaluate(CoalitionBatch.fromMasks(4, [3, 3, 1, 0]));
    expect(Array.from(v)).toEqual([2, 2, 1, 1]);
    expect(c.coalitions).toBe(4);
    expect(c.requests).toBe(1);
  });
});
