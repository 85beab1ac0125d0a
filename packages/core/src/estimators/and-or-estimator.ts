import { z } from 'zod';
import { extractAndOr } from '../and-or/and-or-extraction.js';
import { requireInput } from '../errors/errors.js';
import { gameTable } from '../exact/exact-interactions.js';
import type { Game } from '../game/game.js';
import { bitCount as popcount } from '../math/combinatorics.js';
import { exactFromTable } from '../exact/exact-interactions.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import type { Estimator, EstimatorContext, SampleEstimate } from './estimator.js';

/** Largest `n` for AND-OR extraction: it holds several `2^n` tables and iterates over them. */
export const AND_OR_MAX_PLAYERS = 20;

/** Options of the `and-or` estimator. */
export const andOrOptionsSchema = z
  .object({
    niter: z.number().int().min(0).max(10_000_000).default(20_000),
    qthres: z.number().min(0).default(0.02),
    lr: z.number().positive().optional(),
    /** Salient threshold as a fraction of the largest |I| (papers: 0.05 or 0.01). */
    salientFraction: z.number().min(0).max(1).default(0.05),
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
  async estimate(game: Game, options: AndOrEstimatorOptions, context: EstimatorContext): Promise<SampleEstimate> {
    const t0 = performance.now();
    const n = game.n;
    requireInput(
      n <= AND_OR_MAX_PLAYERS,
      'players',
      `AND-OR extraction evaluates all 2^n coalitions: n = ${n} means 2^${n} model calls; at most ${AND_OR_MAX_PLAYERS} players`,
    );
    const before = game.modelCalls ?? 0;
    const values = await gameTable(game, { maxPlayers: AND_OR_MAX_PLAYERS, signal: context.signal });
    const dec = extractAndOr(values, { niter: options.niter, qthres: options.qthres, lr: options.lr });
    const { orders, ratios } = this.orders(n, options);
    const exact = exactFromTable(values);
    let maxAbs = 0;
    for (let t = 1; t < dec.and.length; t++) maxAbs = Math.max(maxAbs, Math.abs(dec.and[t]), Math.abs(dec.or[t]));
    const tau = options.salientFraction * maxAbs;
    const andByOrder = new Array<number>(n + 1).fill(0);
    const orByOrder = new Array<number>(n + 1).fill(0);
    const salient: Array<{ mask: number; kind: 'and' | 'or'; value: number; order: number }> = [];
    for (let t = 1; t < dec.and.length; t++) {
      const order = popcount(t);
      if (Math.abs(dec.and[t]) >= tau && tau > 0) {
        salient.push({ mask: t, kind: 'and', value: dec.and[t], order });
        andByOrder[order] += Math.abs(dec.and[t]);
      }
      if (Math.abs(dec.or[t]) >= tau && tau > 0) {
        salient.push({ mask: t, kind: 'or', value: dec.or[t], order });
        orByOrder[order] += Math.abs(dec.or[t]);
      }
    }
    salient.sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    // Reconstruction from the salient terms only: how much the sparse explanation leaves out.
    let err = 0;
    let norm = 0;
    for (let s = 0; s < values.length; s++) {
      let h = 0;
      for (const t of salient) {
        if (t.kind === 'and' ? (t.mask & s) === t.mask : (t.mask & s) !== 0) h += t.value;
      }
      err += (values[s] - values[0] - h) ** 2;
      norm += (values[s] - values[0]) ** 2;
    }
    return {
      orders,
      ratios,
      strength: meanAbsOverPairs(exact.multiOrder!.values, orders.length),
      multiOrder: exact.multiOrder,
      andOr: {
        preset: 'orderlens',
        salient,
        strengthByOrder: { and: andByOrder, or: orByOrder },
        threshold: tau,
        reconstructionError: norm > 0 ? Math.sqrt(err / norm) : 0,
        matchingResidual: dec.matchingResidual,
        initialLoss: dec.initialLoss,
        finalLoss: dec.finalLoss,
        iterations: options.niter,
      },
      vEmpty: values[0],
      vFull: values[values.length - 1],
      modelCalls: game.modelCalls !== undefined ? game.modelCalls - before : values.length,
      wallTimeMs: performance.now() - t0,
    };
  },
};
