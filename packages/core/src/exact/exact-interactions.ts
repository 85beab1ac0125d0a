import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { resultMeta, type EstimateResult } from '../result/estimate-result.js';
import {
  banzhafFromHarsanyi,
  multiOrderFromHarsanyi,
  pairSizeSums,
  shapleyFromHarsanyi,
  siiFromHarsanyi,
} from './harsanyi-indices.js';
import { mobiusTransform, orInteractions } from './mobius.js';
import { exactResiduals } from './residuals.js';

/** Default largest `n` for exact enumeration: `2^24 ≈ 16.8 M` coalitions. */
export const DEFAULT_MAX_EXACT_PLAYERS = 24;

/** Options of {@link exactInteractions} and {@link gameTable}. */
export interface ExactOptions {
  /** Coalitions per `game.evaluate` call while enumerating (default 65 536). */
  chunkSize?: number;
  /** Refuse games with more players (default 24). */
  maxPlayers?: number;
  /** Orders `m` to report in `multiOrder` (default all `0 … n−2`). */
  orders?: number[];
  /** Called after each chunk with coalitions done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between chunks. */
  signal?: AbortSignal;
  /** Extra metadata for the result. */
  details?: Record<string, unknown>;
  seed?: number | string;
  reward?: string;
}

/** Every coalition's value, enumerated in chunks through `game.evaluate` (so a model game batches). */
export async function gameTable(game: Game, options: ExactOptions = {}): Promise<Float64Array> {
  const n = game.n;
  const maxPlayers = options.maxPlayers ?? DEFAULT_MAX_EXACT_PLAYERS;
  requireInput(
    Number.isInteger(n) && n >= 0 && n <= Math.min(maxPlayers, 30),
    'n',
    `n = ${n} is too large for an exact method: it needs 2^${n} = ${(2 ** n).toLocaleString('en-US')} coalition values (model calls); ` +
      `the limit is n ≤ ${Math.min(maxPlayers, 30)}. Use the sampled estimator instead.`,
  );
  const total = 2 ** n;
  const chunk = options.chunkSize ?? 65536;
  const values = new Float64Array(total);
  for (let start = 0; start < total; start += chunk) {
    if (options.signal?.aborted)
      throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
    const end = Math.min(total, start + chunk);
    const batch = new CoalitionBatch(n, end - start);
    for (let mask = start; mask < end; mask++) batch.pushMask(mask);
    const v = await game.evaluate(batch);
    for (let k = 0; k < v.length; k++) {
      if (!Number.isFinite(v[k]))
        throw new RangeError(
          `game value: v(S) for coalition mask ${start + k} is ${v[k]}, expected a finite number`,
        );
    }
    values.set(v, start);
    options.onProgress?.(end, total);
  }
  return values;
}

/**
 * Every interaction quantity of MATH.md from the full table of a game (`n ≤ 24` by default):
 * Harsanyi (AND) and OR interactions, `I^(m)(i,j)` of all pairs and orders, pairwise SII,
 * Shapley and Banzhaf values, and the identity residuals as a self-check. Needs exactly `2^n`
 * coalition values; the `2^n × 2^n` transform matrix is never built.
 */
export async function exactInteractions(game: Game, options: ExactOptions = {}): Promise<EstimateResult> {
  const t0 = performance.now();
  const values = await gameTable(game, options);
  return {
    ...exactFromTable(values, options),
    modelCalls: game.modelCalls ?? values.length,
    wallTimeMs: performance.now() - t0,
  };
}

/** {@link exactInteractions} for a table already in memory. */
export function exactFromTable(
  values: Float64Array,
  options: Pick<ExactOptions, 'orders' | 'details' | 'seed' | 'reward'> = {},
): EstimateResult {
  const t0 = performance.now();
  const n = Math.round(Math.log2(values.length));
  requireInput(2 ** n === values.length, 'values', `expected a table of length 2^n, got ${values.length}`);
  const harsanyi = mobiusTransform(values);
  const or = orInteractions(values);
  const sums = n >= 2 ? pairSizeSums(harsanyi) : undefined;
  const multi =
    n >= 2 ? multiOrderFromHarsanyi(harsanyi, options.orders, sums) : { orders: [], pairs: [], values: [] };
  const sii = n >= 2 ? siiFromHarsanyi(harsanyi, sums) : Array.from({ length: n }, () => new Float64Array(n));
  const shapley = shapleyFromHarsanyi(harsanyi);
  const banzhaf = banzhafFromHarsanyi(harsanyi);
  const residuals = exactResiduals(
    values,
    harsanyi,
    or,
    shapley,
    n >= 2 && !options.orders ? multi : undefined,
  );
  return {
    ...resultMeta({
      method: 'exact',
      n,
      modelCalls: values.length,
      wallTimeMs: performance.now() - t0,
      seed: options.seed,
      reward: options.reward,
      details: options.details,
    }),
    harsanyi,
    or,
    shapley,
    banzhaf,
    sii: sii.map((row) => Array.from(row)),
    multiOrder: { orders: multi.orders, pairs: multi.pairs, values: multi.values.map((r) => Array.from(r)) },
    residuals,
  };
}
