import { z } from 'zod';
import { extractAndOr } from '../and-or/and-or-extraction.js';
import { salientInteractions, salientStrengthByOrder } from '../and-or/and-or-salient.js';
import { requireInput } from '../errors/errors.js';
import { gameTable } from '../exact/exact-interactions.js';
import type { Game } from '../game/game.js';
import { exactFromTable } from '../exact/exact-interactions.js';
import { sparsityCurves } from '../measures/sparsity-curves.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import type { Estimator, EstimatorContext, SampleEstimate } from './estimator.js';

/** Largest `n` for AND-OR extraction: it holds several `2^n` tables and iterates over them. */
export const AND_OR_MAX_PLAYERS = 20;

/** Options of the `and-or` estimator. */
export const andOrOptionsSchema = z
  .object({
    /** `orderlens` (sparsest pure split start, best iterate) or `authors` (their code's conventions; docs/and-or.md). */
    preset: z.enum(['orderlens', 'authors']).default('orderlens'),
    niter: z.number().int().min(0).max(10_000_000).default(20_000),
    /** Noise bound (default per preset). */
    qthres: z.number().min(0).optional(),
    lr: z.number().positive().optional(),
  })
  .strict();

/** Parsed options of the `and-or` estimator. */
export type AndOrEstimatorOptions = z.infer<typeof andOrOptionsSchema>;

/**
 * Sparse AND-OR interactions of any game (two-phase-dynamics paper): `v = v_and + v_or` with
 * learned `p`, bounded noise `q`, universal matching checked on every coalition. Also reports
 * `J(m)` from the exact table it enumerated, so both paradigms come from the same model calls.
 */
export const andOrEstimator: Estimator<AndOrEstimatorOptions> = {
  name: 'and-or',
  description: 'sparse AND and OR interactions with universal matching (n ≤ 20)',
  limits: { minPlayers: 2, maxPlayers: AND_OR_MAX_PLAYERS },
  options: andOrOptionsSchema,
  usesPairs: false,
  orders(n) {
    const orders = Array.from({ length: Math.max(0, n - 1) }, (_, m) => m);
    return { orders, ratios: orders.map((m) => (n > 2 ? m / (n - 2) : 0)) };
  },
  async estimate(
    game: Game,
    options: AndOrEstimatorOptions,
    context: EstimatorContext,
  ): Promise<SampleEstimate> {
    const t0 = performance.now();
    const n = game.n;
    requireInput(
      n <= AND_OR_MAX_PLAYERS,
      'players',
      `AND-OR extraction evaluates all 2^n coalitions: n = ${n} means 2^${n} model calls; at most ${AND_OR_MAX_PLAYERS} players`,
    );
    const before = game.modelCalls ?? 0;
    const values = await gameTable(game, { maxPlayers: AND_OR_MAX_PLAYERS, signal: context.signal });
    const dec = extractAndOr(values, {
      preset: options.preset,
      niter: options.niter,
      ...(options.qthres !== undefined ? { qthres: options.qthres } : {}),
      ...(options.lr !== undefined ? { lr: options.lr } : {}),
      signal: context.signal,
    });
    const { orders, ratios } = this.orders(n, options);
    const exact = exactFromTable(values);
    const salient = salientInteractions(dec);
    const byOrder = salientStrengthByOrder(dec);
    return {
      orders,
      ratios,
      strength: meanAbsOverPairs(exact.multiOrder!.values, orders.length),
      multiOrder: exact.multiOrder,
      andOr: {
        preset: options.preset,
        salient,
        strengthByOrder: byOrder,
        threshold: dec.tau,
        reconstructionError: dec.salientReconstructionError,
        matchingResidual: dec.matchingResidual,
        initialLoss: dec.initialLoss,
        finalLoss: dec.finalLoss,
        iterations: options.niter,
        // Sorted strengths, salient counts and rebuilt share as the threshold varies (MATH.md).
        sparsity: sparsityCurves(values, dec.and, dec.or),
      },
      vEmpty: values[0],
      vFull: values[values.length - 1],
      modelCalls: game.modelCalls !== undefined ? game.modelCalls - before : values.length,
      wallTimeMs: performance.now() - t0,
    };
  },
};
