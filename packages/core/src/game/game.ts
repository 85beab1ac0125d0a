import type { CoalitionBatch } from '../coalition/coalition-batch.js';

/**
 * A cooperative game: a set function `v: 2^N → ℝ` over `n` players, evaluated in batches.
 *
 * Estimators only ever see this interface, whether `v` is a stored table, a closed-form test
 * game, or a model on masked inputs (see {@link ModelGame}).
 */
export interface Game {
  /** Number of players. */
  readonly n: number;
  /** `v(S)` for every coalition of the batch, in batch order. */
  evaluate(batch: CoalitionBatch): Promise<Float64Array>;
  /** Model calls made so far (0 for games that call no model). */
  readonly modelCalls?: number;
}
