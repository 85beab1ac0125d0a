import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { OrderlensInputError } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { Rng } from '../random/rng.js';
import { extractAndOr } from './and-or-extraction.js';
import { extractAndOrFromGame } from './and-or-game.js';

describe('extractAndOrFromGame', () => {
  it('evaluates all 2^n coalitions in one batch and extracts from the table', async () => {
    const rng = Rng.create('and-or-game');
    const inner = UnanimityGame.random(6, 8, () => rng.next());
    const batches: number[] = [];
    const game: Game = {
      n: 6,
      evaluate: async (b: CoalitionBatch) => {
        batches.push(b.count);
        return inner.evaluateSync(b);
      },
    };
    const d = await extractAndOrFromGame(game, { niter: 200 });
    expect(batches).toEqual([64]);
    const values = inner.evaluateSync(
      CoalitionBatch.fromMasks(
        6,
        Array.from({ length: 64 }, (_, k) => k),
      ),
    );
    const direct = extractAndOr(values, { niter: 200 });
    expect(Array.from(d.and)).toEqual(Array.from(direct.and));
    expect(d.matchingResidual).toBeLessThan(1e-12);
  });

  it('refuses n > 20, naming the 2^n cost, before evaluating anything', async () => {
    let called = false;
    const game: Game = {
      n: 21,
      evaluate: async () => {
        called = true;
        return new Float64Array(0);
      },
    };
    const err = await extractAndOrFromGame(game).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderlensInputError);
    expect((err as OrderlensInputError).field).toBe('n');
    expect((err as Error).message).toMatch(/2\^21 = 2,097,152 evaluations/);
    expect(called).toBe(false);
  });

  it('rejects a game that returns the wrong number of values', async () => {
    const game: Game = { n: 3, evaluate: async () => new Float64Array(5) };
    await expect(extractAndOrFromGame(game)).rejects.toThrow(/^game.evaluate:/);
  });
});
