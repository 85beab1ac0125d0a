import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { BudgetExceededError } from '../errors/errors.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { Rng } from '../random/rng.js';
import { Evaluator } from './evaluator.js';

function randomBatch(n: number, count: number, seed: number, distinct: number): CoalitionBatch {
  const rng = Rng.create(seed);
  const pool = Array.from({ length: distinct }, () =>
    Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5),
  );
  const b = new CoalitionBatch(n);
  for (let k = 0; k < count; k++) b.pushPlayers(pool[rng.int(distinct)]);
  return b;
}

describe('Evaluator', () => {
  const game = UnanimityGame.random(
    70,
    40,
    (() => {
      const r = Rng.create(3);
      return () => r.next();
    })(),
  );

  it('keeps request order, de-duplicates and caches across requests', async () => {
    const seen: number[] = [];
    const ev = new Evaluator(
      async (b, s, e) => {
        seen.push(e - s);
        return game.evaluateSync(b.slice(s, e));
      },
      { batchSize: 8 },
    );
    const batch = randomBatch(70, 100, 1, 20);
    const out = await ev.evaluate(batch);
    expect(Array.from(out)).toEqual(Array.from(game.evaluateSync(batch)));
    expect(ev.modelCalls).toBeLessThanOrEqual(20);
    expect(Math.max(...seen)).toBeLessThanOrEqual(8);
    const calls = ev.modelCalls;
    await ev.evaluate(batch);
    expect(ev.modelCalls).toBe(calls);
  });

  it('gives identical values for any batch size, pipelined or not', async () => {
    const batch = randomBatch(70, 300, 2, 150);
    const ref = game.evaluateSync(batch);
    for (const batchSize of [1, 7, 64, 1000]) {
      const plain = new Evaluator(async (b, s, e) => game.evaluateSync(b.slice(s, e)), { batchSize });
      const piped = new Evaluator(
        { prepare: (b, s, e) => b.slice(s, e), execute: async (p) => game.evaluateSync(p as CoalitionBatch) },
        { batchSize },
      );
      expect(Array.from(await plain.evaluate(batch))).toEqual(Array.from(ref));
      expect(Array.from(await piped.evaluate(batch))).toEqual(Array.from(ref));
    }
  });

  it('overlaps preparing the next batch with executing the current one', async () => {
    const events: string[] = [];
    const ev = new Evaluator(
      {
        prepare: (_b, s) => {
          events.push(`prepare ${s}`);
          return s;
        },
        execute: async (p, count) => {
          events.push(`start ${p}`);
          await new Promise((r) => setTimeout(r, 1));
          events.push(`end ${p}`);
          return new Float64Array(count);
        },
      },
      { batchSize: 2 },
    );
    await ev.evaluate(CoalitionBatch.fromMasks(4, [1, 2, 3, 4, 5, 6]));
    expect(events.slice(0, 4)).toEqual(['prepare 0', 'start 0', 'prepare 2', 'end 0']);
  });

  it('keeps at most cacheLimit values beyond the dense range, the first ones', async () => {
    const ev = new Evaluator(async (b, s, e) => game.evaluateSync(b.slice(s, e)), { cacheLimit: 3 });
    const first = CoalitionBatch.fromSets(70, [[1], [2], [3], [4], [5]]);
    await ev.evaluate(first);
    expect(ev.cachedValues).toBe(3);
    await ev.evaluate(CoalitionBatch.fromSets(70, [[1], [2], [3]]));
    expect(ev.modelCalls).toBe(5);
    await ev.evaluate(CoalitionBatch.fromSets(70, [[4], [5]]));
    expect(ev.modelCalls).toBe(7);
  });

  it('enforces the budget before calling the model', async () => {
    let called = false;
    const ev = new Evaluator(
      async (_b, s, e) => {
        called = true;
        return new Float64Array(e - s);
      },
      { budget: 5 },
    );
    await expect(ev.evaluate(CoalitionBatch.fromMasks(4, [0, 1, 2, 3, 4, 5]))).rejects.toThrow(
      BudgetExceededError,
    );
    expect(called).toBe(false);
  });

  it('reports progress and can be aborted', async () => {
    const progress: number[] = [];
    const controller = new AbortController();
    const ev = new Evaluator(
      async (_b, s, e) => {
        if (e >= 4) controller.abort(new Error('stop requested'));
        return new Float64Array(e - s);
      },
      { batchSize: 2, onProgress: (p) => progress.push(p.done), signal: controller.signal },
    );
    await expect(ev.evaluate(CoalitionBatch.fromMasks(4, [0, 1, 2, 3, 4, 5, 6, 7]))).rejects.toThrow(
      'stop requested',
    );
    expect(progress).toEqual([2, 4]);
  });

  it('rejects bad options naming them', () => {
    expect(() => new Evaluator(async () => new Float64Array(), { batchSize: 0 })).toThrow(/batchSize/);
  });
});
