import { meanAbsOverPairs } from '../strength/mean-abs.js';
import { requireInput, requirePositiveInt } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { binomial } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { resultMeta, type EstimateResult } from '../result/estimate-result.js';
import { strengthCurve } from '../strength/strength-curve.js';
import {
  estimateStrength,
  STRENGTH_ESTIMATORS,
  type StrengthEstimate,
  type StrengthEstimatorName,
} from './bias-corrected-strength.js';
import { DeltaEvaluator } from './delta-evaluator.js';
import { strengthInterval, type StrengthInterval } from './strength-interval.js';
import { allContexts, ContextSampler, drawPermutationPrefix, sharedContext } from './contexts.js';

/**
 * How contexts are drawn.
 * - `reference`: the ICLR-2022 protocol — every (pair, order) draws its own `contexts` contexts,
 *   uniformly and with replacement, from the stream `Rng.create(seed).fork(pairIndex, order)`;
 *   4 coalitions per (pair, context).
 * - `shared`: per order, `contexts` random permutations of `N` (stream `fork('shared', order, k)`)
 *   are shared by all pairs; each pair's context from a permutation is its first `m` players once
 *   `i, j` are deleted, exactly uniform among size-`m` subsets of `N ∖ {i, j}` (see
 *   {@link sharedContext}). Estimates stay unbiased for every pair and order, while coalitions such
 *   as `v(prefix)` and `v(prefix ∪ {i})` are computed once for all pairs that need them.
 *   Estimates of different pairs are correlated (they share permutations); each pair's standard
 *   error is still valid because its own contexts are independent across permutations.
 */
export type SamplingMode = 'reference' | 'shared';

/** Progress of {@link sampleMultiOrder}, reported after every request to the game. */
export interface SamplingProgress {
  /** (pair, order, context) triples done. */
  readonly done: number;
  /** (pair, order, context) triples in the run. */
  readonly total: number;
  /** Coalitions sent to `game.evaluate` so far. */
  readonly coalitionsRequested: number;
}

/** Options of {@link sampleMultiOrder}. */
export interface SampleMultiOrderOptions {
  /** Player pairs `(i, j)`, `i ≠ j`. */
  readonly pairs: ReadonlyArray<readonly [number, number]>;
  /** Orders `m ∈ 0 … n−2` (duplicates allowed; they share one estimate). */
  readonly orders: readonly number[];
  /** Ratios the orders came from, stored with the result (same length as `orders`). */
  readonly ratios?: readonly number[];
  /** Contexts per (pair, order) (100 in the ICLR code). */
  readonly contexts: number;
  /** Seed of every random choice. */
  readonly seed: number | string;
  readonly mode: SamplingMode;
  /**
   * Coalitions per `game.evaluate` request (default 16384): the streaming chunk size, which bounds
   * memory (at most this many coalitions are held at once; at least one context, 4 coalitions).
   * The model batch size is the Evaluator's. Results do not depend on it.
   */
  readonly batchSize?: number;
  readonly onProgress?: (p: SamplingProgress) => void;
  /** Stops the run between requests. */
  readonly signal?: AbortSignal;
  /**
   * How `E_pairs |I^(m)|` (and so `strength`) is estimated from the sampled `Δv` (default
   * `'plain'`, the paper's mean of `|Î|`; see {@link StrengthEstimatorName}). The per-pair
   * `values` are the plain means whatever the estimator.
   */
  readonly strengthEstimator?: StrengthEstimatorName;
  /** Also return every sampled `Δv` (`deltas[pair][order][context]`), e.g. for benches. */
  readonly keepDeltas?: boolean;
  /**
   * Enumerate the contexts of orders that have at most `contexts` of them (default true: exact
   * values at `m = 0`, `m = n−2` and tiny `n`). `false` draws `contexts` contexts at every order,
   * as the ICLR-2022 code does (gen_pairs_pixel.py draws `samples_number_of_s` contexts for every
   * ratio, the empty one 100 times at `m = 0`): the same values at `m = 0` and `n−2` (every draw
   * is the one context there), sampled ones where `C(n−2, m)` is small but above 1.
   */
  readonly enumerateSmallOrders?: boolean;
  /**
   * Reference mode: draw the contexts of a (pair, order) in antithetic pairs — the first and the
   * last `m` players of one random order of `N ∖ {i, j}` ({@link ContextSampler.drawAntithetic}) —
   * and treat each pair's mean `Δv` as one sample (so `contexts` must be even; the standard error,
   * the kept `Δv` and the strength estimators see `contexts / 2` independent pair means). Each
   * context is still uniform, so every estimate keeps its expectation; the variance falls where
   * `Δv` of nearly disjoint contexts are negatively correlated. Default false.
   */
  readonly antithetic?: boolean;
}

/** What {@link sampleMultiOrder} returns: an {@link EstimateResult} with the strength estimate. */
export interface MultiOrderSampleResult extends EstimateResult {
  /**
   * `E_pairs |I^(m)|` per requested order by the chosen estimator, with its standard error (from
   * the contexts and over pairs) and estimated bias; `strength` is its normalised curve.
   */
  readonly strengthEstimate: StrengthEstimate;
  /**
   * The heavy-tail-aware 95 % interval of `J(m)` per requested order ({@link strengthInterval}),
   * where the estimator keeps every `Δv` (`cross-fit`, `bracket`) in reference mode.
   */
  readonly interval?: StrengthInterval;
  /** The sampled `Δv` per pair and requested order, in context order (with `keepDeltas`). */
  readonly deltas?: Float64Array[][];
}

/** Default coalitions per `game.evaluate` request. */
export const DEFAULT_SAMPLING_BATCH = 16384;

/**
 * Monte-Carlo estimate of the multi-order interactions
 * `I^(m)(i,j) = E_{S⊆N∖{i,j}, |S|=m} Δv(i,j,S)` for the given pairs and orders.
 *
 * Where an order has at most `contexts` distinct contexts (`C(n−2, m) ≤ contexts`: `m = 0`,
 * `m = n−2`, tiny `n`), every context is enumerated once instead, giving the exact value with a
 * standard error of 0 (unless `enumerateSmallOrders` is false). Otherwise the standard error is the sample standard deviation of `Δv`
 * over the contexts divided by `√contexts` (`NaN` when `contexts = 1`).
 *
 * Coalitions stream to `game.evaluate` in requests of at most `batchSize` coalitions (with in-request
 * de-duplication in `shared` mode), so memory stays bounded at any `n`. The same seed gives
 * bit-identical values whatever `batchSize`, because randomness is keyed by (pair, order, context)
 * and each estimate accumulates its contexts in a fixed order.
 *
 * The result's `strength` is `J(m)` = mean over pairs of `|I^(m)|`, normalised by its mean over the
 * requested orders (`'mean'`). `modelCalls` is the growth of `game.modelCalls` over the run when the
 * game counts calls, else the number of coalitions requested.
 */
export async function sampleMultiOrder(
  game: Game,
  options: SampleMultiOrderOptions,
): Promise<MultiOrderSampleResult> {
  const t0 = performance.now();
  requireInput(game !== undefined && typeof game.evaluate === 'function', 'game', 'expected a Game');
  const n = game.n;
  requireInput(
    Number.isInteger(n) && n >= 2,
    'game.n',
    `multi-order interactions need at least 2 players, got ${n}`,
  );
  const { pairs, orders, ratios, contexts, seed, mode } = options;
  const batchSize = options.batchSize ?? DEFAULT_SAMPLING_BATCH;
  requireInput(
    mode === 'reference' || mode === 'shared',
    'mode',
    `expected 'reference' or 'shared', got ${String(mode)}`,
  );
  requirePositiveInt(contexts, 'contexts');
  const estimator = options.strengthEstimator ?? 'plain';
  requireInput(
    STRENGTH_ESTIMATORS.includes(estimator),
    'strengthEstimator',
    `expected one of ${STRENGTH_ESTIMATORS.join(', ')}, got ${String(estimator)}`,
  );
  requirePositiveInt(batchSize, 'batchSize');
  requireInput(
    typeof seed === 'string' || Number.isFinite(seed),
    'seed',
    `expected a finite number or a string, got ${String(seed)}`,
  );
  requireInput(
    Array.isArray(pairs) && pairs.length > 0,
    'pairs',
    'expected a non-empty array of [i, j] pairs',
  );
  pairs.forEach((pr, k) => {
    requireInput(Array.isArray(pr) && pr.length === 2, `pairs[${k}]`, 'expected [i, j]');
    const [i, j] = pr;
    for (const x of [i, j]) {
      requireInput(Number.isInteger(x) && x >= 0 && x < n, `pairs[${k}]`, `player ${x} outside [0, ${n})`);
    }
    requireInput(i !== j, `pairs[${k}]`, `a pair needs two distinct players, got [${i}, ${j}]`);
  });
  requireInput(Array.isArray(orders) && orders.length > 0, 'orders', 'expected a non-empty array of orders');
  orders.forEach((m, k) => {
    requireInput(
      Number.isInteger(m) && m >= 0 && m <= n - 2,
      `orders[${k}]`,
      `expected an integer order in 0…${n - 2}, got ${m}`,
    );
  });
  if (ratios !== undefined) {
    requireInput(
      Array.isArray(ratios) && ratios.length === orders.length,
      'ratios',
      `expected one ratio per order (${orders.length}), got ${Array.isArray(ratios) ? ratios.length : typeof ratios}`,
    );
  }

  // One estimate per distinct order; duplicates (e.g. ratios 0 and .05 at small n) share it.
  const uniqueOrders = [...new Set(orders)];
  const U = uniqueOrders.length;
  const P = pairs.length;
  const enumerateSmall = options.enumerateSmallOrders ?? true;
  requireInput(
    typeof enumerateSmall === 'boolean',
    'enumerateSmallOrders',
    `expected true or false, got ${String(enumerateSmall)}`,
  );
  const antithetic = options.antithetic ?? false;
  requireInput(
    typeof antithetic === 'boolean',
    'antithetic',
    `expected true or false, got ${String(antithetic)}`,
  );
  if (antithetic) {
    requireInput(
      mode === 'reference',
      'antithetic',
      `antithetic contexts need mode 'reference', got '${mode}'`,
    );
    requireInput(
      contexts % 2 === 0,
      'contexts',
      `antithetic contexts come in pairs: expected an even number of contexts, got ${contexts}`,
    );
  }
  const enumerated = uniqueOrders.map((m) => enumerateSmall && Math.round(binomial(n - 2, m)) <= contexts);
  const perUnit = uniqueOrders.map((m, u) => (enumerated[u] ? Math.round(binomial(n - 2, m)) : contexts));
  const total = P * perUnit.reduce((a, b) => a + b, 0);
  /** Samples per (pair, order): contexts, or antithetic pair means. */
  const samplesPerUnit = perUnit.map((k, u) => (antithetic && !enumerated[u] ? k / 2 : k));

  const root = Rng.create(seed);
  const W = Math.max(1, Math.ceil(n / 32));
  const ctx = new Uint32Array(W);
  const anti = new Uint32Array(W);
  const stream = mode === 'reference' ? referenceStream() : sharedStream();

  function* referenceStream(): Generator<number> {
    const sampler = new ContextSampler(n);
    for (let p = 0; p < P; p++) {
      const [i, j] = pairs[p];
      for (let u = 0; u < U; u++) {
        const m = uniqueOrders[u];
        const unit = p * U + u;
        if (enumerated[u]) {
          for (const _ of allContexts(n, m, i, j, ctx)) yield unit;
          continue;
        }
        const rng = root.fork(p, m);
        sampler.reset(i, j);
        if (antithetic) {
          for (let k = 0; k < contexts; k += 2) {
            sampler.drawAntithetic(rng, m, ctx, anti);
            yield unit;
            ctx.set(anti);
            yield unit;
          }
          continue;
        }
        for (let k = 0; k < contexts; k++) {
          sampler.draw(rng, m, ctx);
          yield unit;
        }
      }
    }
  }

  function* sharedStream(): Generator<number> {
    const sampler = new ContextSampler(n);
    const prefix = new Uint32Array(W);
    for (let u = 0; u < U; u++) {
      const m = uniqueOrders[u];
      if (enumerated[u]) {
        for (let p = 0; p < P; p++) {
          const [i, j] = pairs[p];
          for (const _ of allContexts(n, m, i, j, ctx)) yield p * U + u;
        }
        continue;
      }
      for (let k = 0; k < contexts; k++) {
        const { a, b } = drawPermutationPrefix(root.fork('shared', m, k), n, m, sampler, prefix);
        for (let p = 0; p < P; p++) {
          sharedContext(prefix, a, b, pairs[p][0], pairs[p][1], ctx);
          yield p * U + u;
        }
      }
    }
  }

  // Welford accumulators per (pair, unique order), fed in a fixed context order.
  const count = new Float64Array(P * U);
  const mean = new Float64Array(P * U);
  const m2 = new Float64Array(P * U);
  // Every Δv is kept only where an estimator (or the caller) needs more than mean and variance.
  const keep = options.keepDeltas === true || estimator === 'cross-fit' || estimator === 'bracket';
  const kept = keep
    ? Array.from({ length: P * U }, (_, unit) => new Float64Array(samplesPerUnit[unit % U]))
    : undefined;
  // Antithetic mode: the first Δv of a pair waits here for the second.
  const firstOfPair = antithetic ? new Float64Array(P * U) : undefined;
  const waiting = antithetic ? new Uint8Array(P * U) : undefined;

  const maxContexts = Math.max(1, Math.floor(batchSize / 4));
  const callsBefore = game.modelCalls;
  // Shared mode remembers every coalition of the run (not only of one request), so that no
  // coalition is evaluated twice and the number of model calls does not depend on `batchSize`
  // (issue 12); reference mode sends each request as built.
  const evaluator: DeltaEvaluator = new DeltaEvaluator(game, W, {
    contextsPerRequest: maxContexts,
    capacity: Math.min(4 * maxContexts, 4 * total),
    dedupe: mode === 'shared',
    signal: options.signal,
    onDelta: (unit, delta0) => {
      let x = delta0;
      if (firstOfPair && waiting && !enumerated[unit % U]) {
        if (!waiting[unit]) {
          firstOfPair[unit] = x;
          waiting[unit] = 1;
          return;
        }
        waiting[unit] = 0;
        x = (firstOfPair[unit] + x) / 2;
      }
      if (kept) kept[unit][count[unit]] = x;
      const cnt = ++count[unit];
      const delta = x - mean[unit];
      mean[unit] += delta / cnt;
      m2[unit] += delta * (x - mean[unit]);
    },
    onFlushed: () =>
      options.onProgress?.({ done: evaluator.done, total, coalitionsRequested: evaluator.requested }),
  });

  for (const unit of stream) {
    const p = Math.floor(unit / U);
    await evaluator.add(ctx, pairs[p][0], pairs[p][1], unit);
  }
  await evaluator.flush();
  const requested = evaluator.requested;

  const slotOf = orders.map((m) => uniqueOrders.indexOf(m));
  const values: number[][] = [];
  const standardErrors: number[][] = [];
  for (let p = 0; p < P; p++) {
    const row: number[] = [];
    const se: number[] = [];
    for (const u of slotOf) {
      const unit = p * U + u;
      row.push(mean[unit]);
      if (enumerated[u]) se.push(0);
      else se.push(count[unit] > 1 ? Math.sqrt(m2[unit] / (count[unit] - 1) / count[unit]) : NaN);
    }
    values.push(row);
    standardErrors.push(se);
  }
  const exactOrders = slotOf.map((u) => enumerated[u]);
  const strengthEstimate = estimateStrength(
    kept
      ? { deltas: pairs.map((_, p) => slotOf.map((u) => kept[p * U + u])), exact: exactOrders }
      : {
          moments: pairs.map((_, p) =>
            slotOf.map((u) => {
              const unit = p * U + u;
              const variance = count[unit] > 1 ? m2[unit] / (count[unit] - 1) : 0;
              return { mean: mean[unit], variance, count: count[unit] };
            }),
          ),
          exact: exactOrders,
        },
    estimator,
  );
  // The interval assumes independent cells across pairs: reference mode only (shared permutations
  // correlate the pairs of an order).
  const interval =
    kept && mode === 'reference' && (estimator === 'bracket' || estimator === 'cross-fit')
      ? strengthInterval({
          deltas: pairs.map((_, p) => slotOf.map((u) => kept[p * U + u])),
          exact: exactOrders,
        })
      : undefined;
  // The plain strength stays computed from the values themselves, bit-identical to before.
  const meanAbs = estimator === 'plain' ? meanAbsOverPairs(values, orders.length) : strengthEstimate.meanAbs;

  const callsAfter = game.modelCalls;
  const modelCalls =
    typeof callsBefore === 'number' && typeof callsAfter === 'number' ? callsAfter - callsBefore : requested;
  return {
    ...resultMeta({
      method: 'sampled-multi-order',
      n,
      seed,
      modelCalls,
      wallTimeMs: performance.now() - t0,
      details: {
        mode,
        contexts,
        batchSize,
        coalitionsRequested: requested,
        // What the ICLR protocol would request: 4 coalitions × pairs × orders × contexts.
        protocolCoalitions: 4 * P * U * contexts,
        contextsEvaluated: total,
        enumeratedOrders: uniqueOrders.filter((_, u) => enumerated[u]),
        strengthEstimator: estimator,
        ...(antithetic ? { antithetic: true } : {}),
      },
    }),
    multiOrder: {
      orders: [...orders],
      ...(ratios !== undefined ? { ratios: [...ratios] } : {}),
      pairs: pairs.map(([i, j]) => [i, j] as [number, number]),
      values,
      standardErrors,
    },
    strength: strengthCurve([meanAbs], 'mean', [...orders]),
    strengthEstimate,
    ...(interval ? { interval } : {}),
    ...(kept && options.keepDeltas
      ? { deltas: pairs.map((_, p) => slotOf.map((u) => kept[p * U + u])) }
      : {}),
  };
}
