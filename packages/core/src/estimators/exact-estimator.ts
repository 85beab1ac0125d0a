import { z } from 'zod';
import { requireInput } from '../errors/errors.js';
import { DEFAULT_MAX_EXACT_PLAYERS, exactInteractions } from '../exact/exact-interactions.js';
import type { Game } from '../game/game.js';
import { ordersFromRatios } from '../sampling/orders.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import type { Estimator, EstimatorContext, SampleEstimate } from './estimator.js';

/** Options of the `exact` estimator. */
export const exactOptionsSchema = z
  .object({
    /** Order ratios to report (default every order `0 … n−2`). */
    ratios: z.array(z.number().min(0).max(1)).min(1).optional(),
    /** Refuse games with more players (default 24: `2^24` coalitions). */
    maxPlayers: z.number().int().min(2).max(26).default(DEFAULT_MAX_EXACT_PLAYERS),
    /** Keep the `2^n` Harsanyi and OR tables in the result (large for n > 14). */
    keepTables: z.boolean().default(false),
  })
  .strict();

/** Parsed options of the `exact` estimator. */
export type ExactEstimatorOptions = z.infer<typeof exactOptionsSchema>;

function exactOrders(n: number, options: ExactEstimatorOptions): { orders: number[]; ratios: number[] } {
  if (options.ratios) return { orders: ordersFromRatios(n, options.ratios), ratios: [...options.ratios] };
  const orders = Array.from({ length: Math.max(0, n - 1) }, (_, m) => m);
  return { orders, ratios: orders.map((m) => (n > 2 ? m / (n - 2) : 0)) };
}

/**
 * Every coalition enumerated once (`2^n` values through the Evaluator), then the fast Möbius
 * transform: `I^(m)(i,j)` of every pair and order, SII, Shapley values, identity residuals.
 */
export const exactEstimator: Estimator<ExactEstimatorOptions> = {
  name: 'exact',
  description: 'every coalition once, then every I^(m)(i,j), SII and Shapley values in closed form (n ≤ 24)',
  limits: { minPlayers: 2, maxPlayers: DEFAULT_MAX_EXACT_PLAYERS },
  options: exactOptionsSchema,
  usesPairs: false,
  orders: exactOrders,
  async estimate(
    game: Game,
    options: ExactEstimatorOptions,
    context: EstimatorContext,
  ): Promise<SampleEstimate> {
    const t0 = performance.now();
    const n = game.n;
    requireInput(n >= 2, 'players', `the exact estimator needs at least 2 players, got ${n}`);
    const { orders, ratios } = exactOrders(n, options);
    const before = game.modelCalls ?? 0;
    const res = await exactInteractions(game, {
      orders: options.ratios ? orders : undefined,
      maxPlayers: options.maxPlayers,
      signal: context.signal,
      chunkSize: context.chunkSize,
      onProgress: context.onProgress,
    });
    const mo = res.multiOrder!;
    const harsanyi = res.harsanyi!;
    let vFull = 0;
    for (const h of harsanyi) vFull += h;
    const residual = Math.max(0, ...Object.values(res.residuals ?? {}).filter((v) => Number.isFinite(v)));
    return {
      orders,
      ratios,
      strength: meanAbsOverPairs(mo.values, mo.orders.length),
      multiOrder: { orders: mo.orders, ratios, pairs: mo.pairs, values: mo.values },
      sii: res.sii,
      shapley: Array.from(res.shapley ?? []),
      ...(options.keepTables ? { harsanyi: Array.from(harsanyi), or: Array.from(res.or ?? []) } : {}),
      vEmpty: harsanyi[0],
      vFull,
      residual,
      modelCalls: game.modelCalls !== undefined ? game.modelCalls - before : harsanyi.length,
      wallTimeMs: performance.now() - t0,
    };
  },
};
