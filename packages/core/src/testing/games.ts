import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import { Evaluator, type EvaluatorOptions } from '../evaluator/evaluator.js';
import type { Game } from '../game/game.js';
import { UnanimityGame, type UnanimityTerm } from '../game/unanimity-game.js';
import { Rng } from '../random/rng.js';

/** Options of {@link seededUnanimityGame}. */
export interface SeededUnanimityOptions {
  readonly n: number;
  readonly seed: number | string;
  /** Random terms with sizes uniform in `[1, maxOrder]` (default 0). */
  readonly numTerms?: number;
  readonly maxOrder?: number;
  /**
   * Pairs that must interact: for each pair and each size in `anchorSizes`, one term holding the
   * pair plus `size − 2` random other players, so `I^(m)(i,j)` varies over orders.
   */
  readonly anchors?: ReadonlyArray<readonly [number, number]>;
  readonly anchorSizes?: readonly number[];
}

/** A reproducible random {@link UnanimityGame} with N(0,1) coefficients, drawn from an {@link Rng}. */
export function seededUnanimityGame(options: SeededUnanimityOptions): UnanimityGame {
  const { n, seed } = options;
  const rng = Rng.create(seed);
  const all = Array.from({ length: n }, (_, i) => i);
  const terms: UnanimityTerm[] = [];
  const numTerms = options.numTerms ?? 0;
  const maxOrder = Math.min(n, options.maxOrder ?? n);
  for (let t = 0; t < numTerms; t++) {
    const size = 1 + rng.int(maxOrder);
    terms.push({ players: rng.fork('term', t).sample(all, size), value: rng.normal() });
  }
  (options.anchors ?? []).forEach(([i, j], a) => {
    const others = all.filter((p) => p !== i && p !== j);
    for (const size of options.anchorSizes ?? [2]) {
      const extra = rng.fork('anchor', a, size).sample(others, Math.max(0, size - 2));
      terms.push({ players: [i, j, ...extra], value: rng.normal() });
    }
  });
  return new UnanimityGame(n, rng.normal(), terms);
}

/** A game with a synchronous evaluation (tables, unanimity games). */
export interface SyncGame {
  readonly n: number;
  evaluateSync(batch: CoalitionBatch): Float64Array;
}

/** A game that counts the coalitions and requests it receives. */
export interface CountingGame extends Game {
  coalitions: number;
  requests: number;
}

/** Wraps a game so that tests can count what an estimator asks for (no `modelCalls`). */
export function countingGame(game: Game): CountingGame {
  const g: CountingGame = {
    n: game.n,
    coalitions: 0,
    requests: 0,
    async evaluate(batch: CoalitionBatch) {
      g.coalitions += batch.count;
      g.requests++;
      return game.evaluate(batch);
    },
  };
  return g;
}

/** A {@link SyncGame} behind core's {@link Evaluator}, as a model game would be. */
export function evaluatorGame(
  game: SyncGame,
  options: EvaluatorOptions = {},
): Game & { evaluator: Evaluator } {
  const evaluator = new Evaluator(
    async (batch, start, end) => game.evaluateSync(batch.slice(start, end)),
    options,
  );
  return {
    n: game.n,
    evaluator,
    get modelCalls() {
      return evaluator.modelCalls;
    },
    evaluate: (batch) => evaluator.evaluate(batch),
  };
}
