import type { PlayersDescriptor } from '../adapter/players-descriptor.js';
import type { Rng } from '../random/rng.js';

/** An unordered player pair `[i, j]` with `i < j`. */
export type PlayerPair = [number, number];

/** What a {@link PairStrategy} draws from: the players of one sample and a seeded stream. */
export interface PairStrategyContext {
  readonly players: PlayersDescriptor;
  /** The sample's pair stream (forked from the run seed by the sample index). */
  readonly rng: Rng;
}

/**
 * Which pairs `(i, j)` a sampled estimator measures `I^(m)(i, j)` for. Sampled estimators cannot
 * afford all `C(n, 2)` pairs at image scale, so the papers draw pairs from a neighbourhood; the
 * neighbourhood depends on the modality (grid cells, adjacent words, nearby regions), which is
 * why it is a strategy of its own rather than a parameter of the estimator.
 */
export interface PairStrategy {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** The pairs of one sample, deterministic for the context's stream. */
  pairs(context: PairStrategyContext): PlayerPair[];
  /** Parameters that determine the pairs (recorded in results). */
  readonly parameters: Record<string, unknown>;
}
