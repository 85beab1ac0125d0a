import { requireInput, requirePositiveInt } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { binomial } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';
import { resultMeta } from '../result/estimate-result.js';
import { strengthCurve } from '../strength/strength-curve.js';
import { estimateStrength } from './bias-corrected-strength.js';
import { DeltaEvaluator } from './delta-evaluator.js';
import { allContexts, ContextSampler } from './contexts.js';
import {
  DEFAULT_SAMPLING_BATCH,
  type MultiOrderSampleResult,
  type SamplingProgress,
} from './multi-order-sampler.js';
import { strengthInterval, type StrengthInterval } from './strength-interval.js';

/** Options of {@link sampleMultiOrderAdaptive}. */
export interface AdaptiveSamplingOptions {
  readonly pairs: ReadonlyArray<readonly [number, number]>;
  /** Orders `m ∈ 0 … n−2` (duplicates share one estimate). */
  readonly orders: readonly number[];
  readonly ratios?: readonly number[];
  readonly seed: number | string;
  /** Contexts every sampled (pair, order) cell starts with (default 8, at least 2). */
  readonly initialContexts?: number;
  /**
   * Average contexts per sampled (pair, order) cell the run may spend in all (default 16: with
   * the 4 coalitions of a context, about 1/6 of the 100 contexts of the papers' protocol).
   */
  readonly budgetContexts?: number;
  /** Most contexts one cell may get (default 128). */
  readonly maxContexts?: number;
  /**
   * Relative half-width of the interval of `J(m)` at which an order stops receiving contexts
   * (default 0.05); orders still above it when the budget is spent are optionField in `targetMet`.
   */
  readonly targetError?: number;
  /** Two-sided level of the intervals (default 0.95). */
  readonly level?: number;
  /** Coalitions per `game.evaluate` request (default 16384); results do not depend on it. */
  readonly batchSize?: number;
  readonly onProgress?: (p: SamplingProgress) => void;
  readonly signal?: AbortSignal;
  /** Also return every sampled `Δv` (`deltas[pair][order][context]`). */
  readonly keepDeltas?: boolean;
}

/** What {@link sampleMultiOrderAdaptive} returns. */
export interface AdaptiveSampleResult extends MultiOrderSampleResult {
  /** The interval of `J(m)` at every requested order (bracket midpoint and one-sided bounds). */
  readonly interval: StrengthInterval;
  /** Per requested order: whether the interval's relative half-width reached `targetError`. */
  readonly targetMet: boolean[];
  /** Per requested order: mean contexts per pair spent there. */
  readonly contextsPerOrder: number[];
  /** Allocation rounds run (1: the initial contexts were enough or the budget allowed no more). */
  readonly rounds: number;
}

/**
 * Multi-order interactions with contexts allocated where the error of `J(m)` is (issue 26).
 *
 * Every (pair, order) cell starts with `initialContexts` i.i.d. contexts (context `k` of pair `p`
 * at order `m` is drawn from the stream `fork(p, m, k)`, so a cell's first `k` contexts are the
 * same whatever the allocation). After each round the interval of `J(m)`
 * ({@link strengthInterval}) is computed per order; the orders whose relative half-width is above
 * `targetError`, worst first, double their contexts while the budget lasts; the run stops when
 * every order meets the target, no order can grow (`maxContexts`) or the budget is spent.
 *
 * Contexts are allocated per order, every pair of an order alike, and never per (pair, order)
 * cell: a cell's count then depends on all `P` pairs' samples, hardly on its own. Extending the
 * cells that look ambiguous (small `|Î|`) would keep the cells that look clear by chance at few
 * samples and push both the plain and the cross-fit estimates up — measured on the closed-form
 * games, it broke the lower bound of the interval.
 *
 * Decisions depend on the sampled values only, and every coalition is evaluated once (a run-wide
 * table, across rounds), so the same seed gives the same result whatever `batchSize`. Orders with
 * at most `maxContexts` distinct contexts (`m = 0`, `n − 2`) are enumerated: exact.
 */
export async function sampleMultiOrderAdaptive(
  game: Game,
  options: AdaptiveSamplingOptions,
): Promise<AdaptiveSampleResult> {
  const t0 = performance.now();
  requireInput(game !== undefined && typeof game.evaluate === 'function', 'game', 'expected a Game');
  const n = game.n;
  requireInput(
    Number.isInteger(n) && n >= 2,
    'game.n',
    `multi-order interactions need at least 2 players, got ${n}`,
  );
  const { pairs, orders, ratios, seed } = options;
  const initial = options.initialContexts ?? 8;
  const budgetPerCell = options.budgetContexts ?? 16;
  const maxContexts = options.maxContexts ?? 128;
  const target = options.targetError ?? 0.05;
  const level = options.level ?? 0.95;
  const batchSize = options.batchSize ?? DEFAULT_SAMPLING_BATCH;
  requirePositiveInt(initial, 'initialContexts');
  requireInput(initial >= 2, 'initialContexts', `expected at least 2 (a variance needs two), got ${initial}`);
  requireInput(
    Number.isFinite(budgetPerCell) && budgetPerCell >= initial,
    'budgetContexts',
    `expected a number of contexts per cell of at least initialContexts (${initial}), got ${budgetPerCell}`,
  );
  requirePositiveInt(maxContexts, 'maxContexts');
  requireInput(
    maxContexts >= initial,
    'maxContexts',
    `expected at least initialContexts (${initial}), got ${maxContexts}`,
  );
  requireInput(
    target > 0 && Number.isFinite(target),
    'targetError',
    `expected a positive relative error, got ${target}`,
  );
  requirePositiveInt(batchSize, 'batchSize');
  requireInput(
    Array.isArray(pairs) && pairs.length > 0,
    'pairs',
    'expected a non-empty array of [i, j] pairs',
  );
  pairs.forEach((pr, k) => {
    requireInput(Array.isArray(pr) && pr.length === 2, `pairs[${k}]`, 'expected [i, j]');
    const [i, j] = pr;
    for (const x of [i, j])
      requireInput(Number.isInteger(x) && x >= 0 && x < n, `pairs[${k}]`, `player ${x} outside [0, ${n})`);
    requireInput(i !== j, `pairs[${k}]`, `a pair needs two distinct players, got [${i}, ${j}]`);
  });
  requireInput(Array.isArray(orders) && orders.length > 0, 'orders', 'expected a non-empty array of orders');
  orders.forEach((m, k) =>
    requireInput(
      Number.isInteger(m) && m >= 0 && m <= n - 2,
      `orders[${k}]`,
      `expected an integer order in 0…${n - 2}, got ${m}`,
    ),
  );
  if (ratios !== undefined)
    requireInput(
      Array.isArray(ratios) && ratios.length === orders.length,
      'ratios',
      `expected one ratio per order (${orders.length})`,
    );

  const uniqueOrders = [...new Set(orders)];
  const U = uniqueOrders.length;
  const P = pairs.length;
  const enumerated = uniqueOrders.map((m) => Math.round(binomial(n - 2, m)) <= maxContexts);
  const sampledCells = P * enumerated.filter((e) => !e).length;
  const budget = Math.floor(budgetPerCell * sampledCells);

  const root = Rng.create(seed);
  const W = Math.max(1, Math.ceil(n / 32));
  const ctx = new Uint32Array(W);
  const sampler = new ContextSampler(n);
  const cells = Array.from({ length: P * U }, (_, c) => ({
    x: new Float64Array(enumerated[c % U] ? Math.round(binomial(n - 2, uniqueOrders[c % U])) : maxContexts),
    count: 0,
  }));

  let planned = 0;
  const callsBefore = game.modelCalls;
  // Every coalition of the run, across rounds, is evaluated once (a run-wide table).
  const evaluator: DeltaEvaluator = new DeltaEvaluator(game, W, {
    contextsPerRequest: Math.max(1, Math.floor(batchSize / 4)),
    dedupe: true,
    signal: options.signal,
    onDelta: (c, x) => {
      const cell = cells[c];
      cell.x[cell.count++] = x;
    },
    onFlushed: () =>
      options.onProgress?.({
        done: evaluator.done,
        total: planned,
        coalitionsRequested: evaluator.requested,
      }),
  });
  const add = (c: number): Promise<void> => {
    const [i, j] = pairs[Math.floor(c / U)];
    return evaluator.add(ctx, i, j, c);
  };
  /** Draws contexts `from … to−1` of cell `c`, in that order. */
  const extend = async (c: number, from: number, to: number): Promise<void> => {
    const p = Math.floor(c / U);
    const m = uniqueOrders[c % U];
    const [i, j] = pairs[p];
    for (let k = from; k < to; k++) {
      sampler.reset(i, j);
      sampler.draw(root.fork(p, m, k), m, ctx);
      await add(c);
    }
  };

  // Round 0: the enumerated orders in full, every sampled cell with its initial contexts.
  planned = cells.reduce((a, cell, c) => a + (enumerated[c % U] ? cell.x.length : initial), 0);
  for (let c = 0; c < P * U; c++) {
    if (enumerated[c % U]) {
      const [i, j] = pairs[Math.floor(c / U)];
      for (const _ of allContexts(n, uniqueOrders[c % U], i, j, ctx)) await add(c);
    } else await extend(c, 0, initial);
  }
  await evaluator.flush();
  let spent = initial * sampledCells;
  /** Contexts per cell of each order (the same for every pair). */
  const perOrderK = enumerated.map((e, u) => (e ? cells[u].count : initial));
  let rounds = 1;

  const deltasOf = () =>
    pairs.map((_, p) => uniqueOrders.map((_m, u) => cells[p * U + u].x.subarray(0, cells[p * U + u].count)));
  let interval = strengthInterval({ deltas: deltasOf(), exact: enumerated }, level);
  while (spent < budget) {
    const failing = uniqueOrders.map((_, u) => !enumerated[u] && !(interval.relativeError[u] <= target));
    if (!failing.some(Boolean)) break;
    // Worst order first: each failing order doubles its contexts (every pair alike) while the
    // budget lasts; the last one may get a partial step.
    const ranked = uniqueOrders
      .map((_, u) => u)
      .filter((u) => failing[u] && perOrderK[u] < maxContexts)
      .sort((a, b) => interval.relativeError[b] - interval.relativeError[a] || a - b);
    const grants: Array<[number, number]> = [];
    let granted = 0;
    for (const u of ranked) {
      const more = Math.min(
        perOrderK[u],
        maxContexts - perOrderK[u],
        Math.floor((budget - spent - granted) / P),
      );
      if (more <= 0) continue;
      grants.push([u, more]);
      granted += more * P;
    }
    if (granted === 0) break;
    grants.sort((a, b) => a[0] - b[0]);
    planned = evaluator.done + granted;
    for (const [u, more] of grants) {
      for (let p = 0; p < P; p++) await extend(p * U + u, perOrderK[u], perOrderK[u] + more);
      perOrderK[u] += more;
    }
    await evaluator.flush();
    spent += granted;
    rounds++;
    interval = strengthInterval({ deltas: deltasOf(), exact: enumerated }, level);
  }

  const deltas = deltasOf();
  const slotOf = orders.map((m) => uniqueOrders.indexOf(m));
  const exactOrders = slotOf.map((u) => enumerated[u]);
  const perOrder = deltas.map((row) => slotOf.map((u) => row[u]));
  const strengthEstimate = estimateStrength({ deltas: perOrder, exact: exactOrders }, 'bracket');
  const values = perOrder.map((row) => row.map((x) => mean(x)));
  const pick = <T>(xs: readonly T[]): T[] => slotOf.map((u) => xs[u]);
  const fullInterval: StrengthInterval = {
    level,
    estimate: pick(interval.estimate),
    lower: pick(interval.lower),
    upper: pick(interval.upper),
    relativeError: pick(interval.relativeError),
    sides: {
      plain: pick(interval.sides.plain),
      crossFit: pick(interval.sides.crossFit),
      plainError: pick(interval.sides.plainError),
      crossFitError: pick(interval.sides.crossFitError),
      plainDf: pick(interval.sides.plainDf),
      crossFitDf: pick(interval.sides.crossFitDf),
    },
  };
  const callsAfter = game.modelCalls;
  const modelCalls =
    typeof callsBefore === 'number' && typeof callsAfter === 'number'
      ? callsAfter - callsBefore
      : evaluator.requested;
  const contextsPerOrder = slotOf.map((u) => {
    let s = 0;
    for (let p = 0; p < P; p++) s += cells[p * U + u].count;
    return s / P;
  });
  return {
    ...resultMeta({
      method: 'sampled-multi-order',
      n,
      modelCalls,
      wallTimeMs: performance.now() - t0,
      seed,
      details: {
        mode: 'adaptive',
        coalitionsRequested: evaluator.requested,
        initialContexts: initial,
        budgetContexts: budgetPerCell,
        maxContexts,
        targetError: target,
        level,
        contextsEvaluated: evaluator.done,
        enumeratedOrders: uniqueOrders.filter((_, u) => enumerated[u]),
        strengthEstimator: 'bracket',
      },
    }),
    multiOrder: {
      orders: [...orders],
      ...(ratios !== undefined ? { ratios: [...ratios] } : {}),
      pairs: pairs.map(([i, j]) => [i, j] as [number, number]),
      values,
      standardErrors: perOrder.map((row) =>
        row.map((x, k) => (exactOrders[k] ? 0 : x.length > 1 ? Math.sqrt(variance(x) / x.length) : NaN)),
      ),
    },
    strength: strengthCurve([strengthEstimate.meanAbs], 'mean', [...orders]),
    strengthEstimate,
    interval: fullInterval,
    targetMet: fullInterval.relativeError.map((e) => e <= target),
    contextsPerOrder,
    rounds,
    ...(options.keepDeltas ? { deltas: perOrder.map((row) => row.map((x) => Float64Array.from(x))) } : {}),
  };
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return x.length ? s / x.length : 0;
}

function variance(x: ArrayLike<number>): number {
  const mu = mean(x);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (x[k] - mu) ** 2;
  return x.length > 1 ? s / (x.length - 1) : 0;
}
