import { z } from 'zod';
import { requireInput } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { everyPair } from '../pairs/strategies.js';
import { Rng } from '../random/rng.js';
import type { MultiOrderTable } from '../result/estimate-result.js';
import { sampleMultiOrderAdaptive } from '../sampling/adaptive-sampler.js';
import { sampleMultiOrder, type SamplingMode } from '../sampling/multi-order-sampler.js';
import { ordersFromRatios, PAPER_RATIOS } from '../sampling/orders.js';
import { recordStrengthSides, type StrengthInterval } from '../sampling/strength-interval.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import type { Estimator, EstimatorContext, SampleEstimate } from './estimator.js';

/** Options of the sampled multi-order estimators. */
export const sampledOptionsSchema = z
  .object({
    /** Order ratios `r`, orders `floor((n−2)·r)` (default the 13 paper ratios). */
    ratios: z
      .array(z.number().min(0).max(1))
      .min(1)
      .default([...PAPER_RATIOS]),
    /** Contexts per (pair, order) (ICLR 2022: 100). */
    contexts: z.number().int().min(1).max(1_000_000).default(100),
    /** Runs with fresh contexts, for the instability (1 skips it). */
    repeats: z.number().int().min(1).max(100).default(1),
    /**
     * How `E_pairs |I^(m)|` is estimated from the sampled Δv: `plain` (the papers' mean of |Î|,
     * biased up by noise), `cross-fit`, `deconvolution` or `bracket` (docs/j-accuracy.md).
     */
    strength: z.enum(['plain', 'cross-fit', 'deconvolution', 'bracket']).default('plain'),
    /**
     * `false`: draw `contexts` contexts at every order, `m = 0` and `m = n−2` included, as the
     * ICLR-2022 code does (protocol `iclr2022`); absent or `true`: enumerate orders with at most
     * `contexts` distinct contexts (exact there). Optional without a default, so the recorded
     * options of other protocols stay as they were.
     */
    enumerateSmallOrders: z.boolean().optional(),
    /**
     * Reference mode: contexts in antithetic pairs (the first and last `m` players of one random
     * order; `contexts` even). Unbiased; on the closed-form bottleneck games it cuts the context
     * variance 1.3–2.2× at the middle orders, on the CIFAR CNN about 1.0× (docs/j-accuracy.md).
     * Optional without a default, so the recorded options of the protocols stay as they were.
     */
    antithetic: z.boolean().optional(),
  })
  .strict();

/** Parsed options of a sampled estimator. */
export type SampledEstimatorOptions = z.infer<typeof sampledOptionsSchema>;

function sampledOrders(n: number, options: SampledEstimatorOptions): { orders: number[]; ratios: number[] } {
  return { orders: ordersFromRatios(n, options.ratios), ratios: [...options.ratios] };
}

/**
 * A sampled multi-order estimator in `mode`. Pairs come from the context's strategy, drawn from
 * the stream `seed → pairs → sample`; repeat `r` draws its contexts from `seed/sample/r`. The
 * randomness therefore depends on the seed and the sample index only: a sample computed alone,
 * in a full run, after a resume or by another worker gives the same values.
 */
function sampledEstimator(
  name: string,
  mode: SamplingMode,
  description: string,
): Estimator<SampledEstimatorOptions> {
  return {
    name,
    description,
    limits: { minPlayers: 2 },
    options: sampledOptionsSchema,
    usesPairs: true,
    // sampleMultiOrder refuses these too, but only when the first sample is drawn.
    checkOptions: (o) => {
      if (!o.antithetic) return undefined;
      if (mode !== 'reference')
        return {
          keys: ['antithetic'],
          message: `antithetic contexts need independent contexts per pair (the reference estimator); the ${name} estimator shares its contexts between pairs`,
        };
      if (o.contexts % 2 !== 0)
        return {
          keys: ['contexts', 'antithetic'],
          message: `antithetic contexts come in pairs: expected an even number of contexts, got ${o.contexts}`,
        };
      return undefined;
    },
    orders: sampledOrders,
    async estimate(
      game: Game,
      options: SampledEstimatorOptions,
      context: EstimatorContext,
    ): Promise<SampleEstimate> {
      const t0 = performance.now();
      const { seed, sampleIndex: s } = context;
      requireInput(game.n >= 2, 'players', `sampled estimators need at least 2 players, got ${game.n}`);
      const { orders, ratios } = sampledOrders(game.n, options);
      const strategy = context.pairs ?? everyPair();
      const pairs = strategy.pairs({ players: context.players, rng: Rng.create(seed).fork('pairs', s) });
      const strengthByRepeat: number[][] = [];
      let first: MultiOrderTable | undefined;
      let firstEstimate: { standardError: number[]; bias: number[] } | undefined;
      let firstInterval: StrengthInterval | undefined;
      const before = game.modelCalls ?? 0;
      let requested = 0;
      for (let r = 0; r < options.repeats; r++) {
        const res = await sampleMultiOrder(game, {
          pairs,
          orders,
          ratios,
          contexts: options.contexts,
          seed: `${String(seed)}/${s}/${r}`,
          mode,
          strengthEstimator: options.strength,
          ...(options.enumerateSmallOrders !== undefined
            ? { enumerateSmallOrders: options.enumerateSmallOrders }
            : {}),
          ...(options.antithetic !== undefined ? { antithetic: options.antithetic } : {}),
          batchSize: context.chunkSize,
          signal: context.signal,
          onProgress: (p) => context.onProgress?.(r * p.total + p.done, options.repeats * p.total),
        });
        const mo = res.multiOrder!;
        first ??= mo;
        firstEstimate ??= res.strengthEstimate;
        if (r === 0) firstInterval = res.interval;
        // The estimator's strength (the plain mean of |Î| unless a corrected one was asked for).
        strengthByRepeat.push(
          options.strength === 'plain'
            ? meanAbsOverPairs(mo.values, mo.orders.length)
            : [...res.strengthEstimate.meanAbs],
        );
        requested += res.modelCalls;
      }
      const mo = first!;
      return {
        orders,
        ratios,
        strength: strengthByRepeat[0],
        strengthByRepeat,
        strengthError: firstEstimate ? [...firstEstimate.standardError] : strengthStandardError(mo),
        ...(firstEstimate && options.strength !== 'plain' ? { strengthBias: [...firstEstimate.bias] } : {}),
        // Bracketed and cross-fit runs also record the interval of each order (issue 26).
        ...(firstInterval
          ? {
              strengthLower: [...firstInterval.lower],
              strengthUpper: [...firstInterval.upper],
              strengthLevel: firstInterval.level,
              strengthSides: recordStrengthSides(firstInterval.sides),
            }
          : {}),
        multiOrder: mo,
        modelCalls: game.modelCalls !== undefined ? game.modelCalls - before : requested,
        wallTimeMs: performance.now() - t0,
      };
    },
  };
}

/**
 * Standard error of `E_pairs |Î^(m)|` from the per-pair standard errors (delta method,
 * `|Î|` treated as locally linear): `sqrt(Σ_p se_p²) / P`. It measures the context noise only.
 */
function strengthStandardError(mo: MultiOrderTable): number[] | undefined {
  const se = mo.standardErrors;
  if (!se || se.length === 0) return undefined;
  return mo.orders.map((_, k) => {
    let s = 0;
    for (const row of se) s += Number.isFinite(row[k]) ? row[k] ** 2 : 0;
    return Math.sqrt(s) / se.length;
  });
}

/** The ICLR-2022 estimator: independent contexts per (pair, order). */
export const referenceEstimator = sampledEstimator(
  'reference',
  'reference',
  'sampled I^(m)(i,j), independent contexts per pair and order (ICLR 2022)',
);

/** Contexts shared by the pairs of a sample (fewer unique coalitions; correlated pair errors). */
export const sharedEstimator = sampledEstimator(
  'shared',
  'shared',
  'sampled I^(m)(i,j), contexts shared between pairs (fewer model calls)',
);

/** Options of the `adaptive` estimator. */
export const adaptiveOptionsSchema = z
  .object({
    /** Order ratios `r`, orders `floor((n−2)·r)` (default the 13 paper ratios). */
    ratios: z
      .array(z.number().min(0).max(1))
      .min(1)
      .default([...PAPER_RATIOS]),
    /** Contexts every (pair, order) starts with. */
    initialContexts: z.number().int().min(2).max(100_000).default(8),
    /** Average contexts per sampled (pair, order) the run may spend (16: about 1/6 of the papers' calls). */
    budgetContexts: z.number().min(2).max(100_000).default(16),
    /** Most contexts one (pair, order) may get. */
    maxContexts: z.number().int().min(2).max(100_000).default(128),
    /** Relative half-width of the 95 % interval of J(m) at which an order stops growing. */
    targetError: z.number().positive().max(10).default(0.05),
    /** Runs with fresh contexts, for the instability (1 skips it). */
    repeats: z.number().int().min(1).max(100).default(1),
  })
  // No cross-field refinements here: the plan reads the option keys from the object schema;
  // sampleMultiOrderAdaptive checks budgetContexts and maxContexts against initialContexts.
  .strict();

/** Parsed options of the adaptive estimator. */
export type AdaptiveEstimatorOptions = z.infer<typeof adaptiveOptionsSchema>;

/**
 * Sampled `I^(m)(i,j)` with contexts allocated to the orders whose `J(m)` interval is widest
 * (`sampleMultiOrderAdaptive`): `J(m)` is the bracketed estimate, with a heavy-tail-aware 95 %
 * interval per order and a flag where the budget did not reach `targetError`. Repeat `r` draws
 * from `seed/sample/r`, pairs from `seed → pairs → sample`, as the other sampled estimators.
 */
export const adaptiveEstimator: Estimator<AdaptiveEstimatorOptions> = {
  name: 'adaptive',
  description:
    'sampled I^(m)(i,j), contexts allocated to the orders whose J(m) interval is widest, 95 % intervals per order',
  limits: { minPlayers: 2 },
  options: adaptiveOptionsSchema,
  usesPairs: true,
  orders: (n, options) => ({ orders: ordersFromRatios(n, options.ratios), ratios: [...options.ratios] }),
  async estimate(
    game: Game,
    options: AdaptiveEstimatorOptions,
    context: EstimatorContext,
  ): Promise<SampleEstimate> {
    const t0 = performance.now();
    const { seed, sampleIndex: s } = context;
    requireInput(game.n >= 2, 'players', `sampled estimators need at least 2 players, got ${game.n}`);
    const orders = ordersFromRatios(game.n, options.ratios);
    const ratios = [...options.ratios];
    const strategy = context.pairs ?? everyPair();
    const pairs = strategy.pairs({ players: context.players, rng: Rng.create(seed).fork('pairs', s) });
    const before = game.modelCalls ?? 0;
    let requested = 0;
    const runs = [];
    for (let r = 0; r < options.repeats; r++) {
      const res = await sampleMultiOrderAdaptive(game, {
        pairs,
        orders,
        ratios,
        seed: `${String(seed)}/${s}/${r}`,
        initialContexts: options.initialContexts,
        budgetContexts: options.budgetContexts,
        maxContexts: options.maxContexts,
        targetError: options.targetError,
        batchSize: context.chunkSize,
        signal: context.signal,
        // The total is known only at the end: report rounds as they come.
        onProgress: (p) => context.onProgress?.(r * p.total + p.done, options.repeats * p.total),
      });
      runs.push(res);
      requested += res.modelCalls;
    }
    const first = runs[0];
    return {
      orders,
      ratios,
      strength: [...first.strengthEstimate.meanAbs],
      strengthByRepeat: runs.map((r) => [...r.strengthEstimate.meanAbs]),
      strengthError: [...first.strengthEstimate.standardError],
      strengthBias: [...first.strengthEstimate.bias],
      strengthLower: [...first.interval.lower],
      strengthUpper: [...first.interval.upper],
      strengthLevel: first.interval.level,
      strengthTargetMet: [...first.targetMet],
      strengthSides: recordStrengthSides(first.interval.sides),
      multiOrder: first.multiOrder!,
      modelCalls: game.modelCalls !== undefined ? game.modelCalls - before : requested,
      wallTimeMs: performance.now() - t0,
    };
  },
};
