import type { z } from 'zod';
import type { PlayersDescriptor } from '../adapter/players-descriptor.js';
import type { Game } from '../game/game.js';
import type { PairStrategy } from '../pairs/pair-strategy.js';
import type { SampleResult } from '../result/interaction-result.js';

/** What an estimator is told about the sample it estimates, besides the game. */
export interface EstimatorContext {
  /** Seed of the whole run; estimators fork their streams from it by `sampleIndex`. */
  readonly seed: number | string;
  /** Index of the sample in the run: it keys the sample's random streams. */
  readonly sampleIndex: number;
  readonly players: PlayersDescriptor;
  /** Pairs for pair-based estimators (default: the estimator's own, e.g. all pairs). */
  readonly pairs?: PairStrategy;
  /** Coalitions per request to the game (streaming chunk); results never depend on it. */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  /** Work done and total in the estimator's own unit (coalitions, contexts, iterations). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Limits checked before any work. */
export interface EstimatorLimits {
  /** Largest number of players (exact and AND-OR enumerate `2^n` coalitions). */
  readonly maxPlayers?: number;
  /** Smallest number of players (pairs need 2). */
  readonly minPlayers?: number;
}

/** What an estimator returns for one sample: a sample block of the result document, less its identity. */
export type SampleEstimate = Omit<SampleResult, 'id' | 'index' | 'label' | 'players'> & {
  /** Orders `m` the strength is given at. */
  readonly orders: number[];
  readonly ratios: number[];
};

/**
 * How interactions are estimated on a {@link Game}: exact enumeration, sampled multi-order
 * interactions, sparse AND-OR extraction. One contract, one registry ({@link estimators}), as
 * shapiq's approximators share one base: the analysis runner, studies and workers call
 * `estimate` and never know which estimator it is.
 */
export interface Estimator<O = Record<string, unknown>> {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  readonly limits: EstimatorLimits;
  /** Options schema: validated (and defaulted) before any work. */
  readonly options: z.ZodType<O>;
  /** Whether it measures pairs chosen by a {@link PairStrategy} (sampled estimators). */
  readonly usesPairs: boolean;
  /**
   * Checks across the parsed options that the schema cannot express (it stays an object schema:
   * the plan reads its keys), run when an analysis is planned, before any model call: the options
   * at fault (the plan names the first that the user set) and what was expected, or undefined
   * when they fit together.
   */
  readonly checkOptions?: (options: O) => { keys: string[]; message: string } | undefined;
  /** The orders it will report for `n` players with these options (known before any work). */
  orders(n: number, options: O): { orders: number[]; ratios: number[] };
  /** Estimates one sample. */
  estimate(game: Game, options: O, context: EstimatorContext): Promise<SampleEstimate>;
}
