import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { extractAndOr, type AndOrOptions } from './and-or-extraction.js';
import type { AndOrDecomposition } from './and-or-types.js';

/** Largest `n` {@link extractAndOrFromGame} evaluates (2^20 ≈ 1 M coalitions, i.e. model calls). */
export const AND_OR_GAME_MAX_PLAYERS = 20;

/**
 * The sparse AND-OR decomposition of a game: evaluates all `2^n` coalitions through
 * `game.evaluate` in one {@link CoalitionBatch} (so a model game batches, dedupes and caches them
 * as it likes), then runs {@link extractAndOr}. Refuses `n > 20`, naming the `2^n` cost.
 */
export async function extractAndOrFromGame(
  game: Game,
  options: AndOrOptions = {},
): Promise<AndOrDecomposition> {
  const n = game.n;
  requireInput(
    Number.isInteger(n) && n >= 0 && n <= AND_OR_GAME_MAX_PLAYERS,
    'n',
    `AND-OR extraction evaluates every coalition: n = ${n} players needs 2^${n} = ` +
      `${(2 ** n).toLocaleString('en-US')} evaluations (model calls); the limit is n ≤ ${AND_OR_GAME_MAX_PLAYERS}`,
  );
  const size = 2 ** n;
  const masks = new Uint32Array(size);
  for (let k = 0; k < size; k++) masks[k] = k;
  const batch = CoalitionBatch.fromMasks(n, masks);
  const values = await game.evaluate(batch);
  requireInput(
    values.length === size,
    'game.evaluate',
    `expected ${size} values for ${size} coalitions, got ${values.length}`,
  );
  return extractAndOr(Float64Array.from(values), options);
}
