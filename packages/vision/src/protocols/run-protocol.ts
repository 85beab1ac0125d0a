import {
  Rng,
  instability,
  meanAbsOverPairs,
  ordersFromRatios,
  referencePairs,
  requireInput,
  sampleMultiOrder,
  strengthCurve,
  type Game,
  type MultiOrderTable,
  type StrengthCurve,
} from '@orderlens/core';
import type { VisionProtocol } from './protocol.js';

/** Progress of {@link runVisionProtocol}. */
export interface ProtocolProgress {
  /** Sample being analysed (1-based) and the number of samples. */
  readonly sample: number;
  readonly samples: number;
  /** Repeat being run (1-based). */
  readonly repeat: number;
  readonly repeats: number;
  /** (pair, order, context) triples done and total within this sample and repeat. */
  readonly done: number;
  readonly total: number;
  /** Model calls so far over the whole run (samples restored through `completed` included). */
  readonly modelCalls: number;
}

/** Progress of {@link runProtocolSample}: {@link ProtocolProgress} without the run-wide fields. */
export interface ProtocolSampleProgress {
  /** Repeat being run (1-based). */
  readonly repeat: number;
  readonly repeats: number;
  /** (pair, order, context) triples done and total within this repeat. */
  readonly done: number;
  readonly total: number;
  /** Model calls of this sample so far. */
  readonly modelCalls: number;
}

/** The grid and orders a protocol works on: everything but the games. */
export interface ProtocolPlan {
  readonly protocol: VisionProtocol;
  readonly rows: number;
  readonly cols: number;
  /** Players, `rows × cols`. */
  readonly n: number;
  /** Orders `floor((n−2)·r)` of the protocol's ratios. */
  readonly orders: number[];
}

/** Options of {@link runProtocolSample}. */
export interface ProtocolSampleOptions {
  readonly protocol: VisionProtocol;
  /** Index of the sample in the run: it keys the sample's random streams. */
  readonly sample: number;
  /** The sample's game (a `ModelGame` over a patch or feature-map masker). */
  readonly game: Game;
  /** Grid the players live on (default `protocol.grid × protocol.grid`). */
  readonly rows?: number;
  readonly cols?: number;
  /** Seed of the whole run (the sample's streams are forked from it). */
  readonly seed: number | string;
  /** Coalitions per request to the game (core's streaming chunk). */
  readonly batchSize?: number;
  readonly onProgress?: (p: ProtocolSampleProgress) => void;
  /**
   * Stops the sample between requests to the game (core's `sampleMultiOrder`); give the same
   * signal to the game's Evaluator to stop between model batches too. Throws the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link runVisionProtocol}. */
export interface RunProtocolOptions {
  readonly protocol: VisionProtocol;
  /** Number of samples; `game(s)` is asked for each `s < samples` that is not `completed`. */
  readonly samples: number;
  /** The game of sample `s` (a `ModelGame` over a patch or feature-map masker). */
  readonly game: (sample: number) => Game | Promise<Game>;
  /** Grid the players live on (default `protocol.grid × protocol.grid`). */
  readonly rows?: number;
  readonly cols?: number;
  readonly seed: number | string;
  /** Coalitions per request to the game (core's streaming chunk). */
  readonly batchSize?: number;
  readonly onProgress?: (p: ProtocolProgress) => void;
  /**
   * Stops the run: checked before each sample and between requests to the game (pass the same
   * signal to the games' Evaluators to stop between model batches). The run throws the signal's
   * reason; samples already handed to `onSample` are complete and can be resumed.
   */
  readonly signal?: AbortSignal;
  /**
   * The stored result of sample `s` when a previous, interrupted run finished it (a resume):
   * it is used as is, its game is never built. Each sample's randomness is forked from `seed` by
   * the sample index alone, so a resumed run gives exactly the values of an uninterrupted one.
   */
  readonly completed?: (
    sample: number,
  ) => ProtocolSampleResult | undefined | Promise<ProtocolSampleResult | undefined>;
  /** Called (and awaited) once per newly computed sample, e.g. to store it atomically. */
  readonly onSample?: (sample: number, result: ProtocolSampleResult) => void | Promise<void>;
}

/** Per-sample outcome of a protocol run (plain JSON: it can be stored and restored as is). */
export interface ProtocolSampleResult {
  /** The first repeat's multi-order interactions (pairs × orders). */
  readonly multiOrder: MultiOrderTable;
  /** `E_pairs |I^(m)|` per order, for each repeat (by the protocol's strength estimator). */
  readonly strengthByRepeat: number[][];
  /** Standard error of each repeat's `E_pairs |I^(m)|` from the contexts (pairs fixed). */
  readonly strengthStandardErrorByRepeat?: number[][];
  /** Estimated bias of each repeat's `E_pairs |I^(m)|` (core's `StrengthEstimate.bias`). */
  readonly strengthBiasByRepeat?: number[][];
  /** Bound on the bias of each repeat's `E_pairs |I^(m)|` (`bracket` estimator only). */
  readonly strengthBiasBoundByRepeat?: number[][];
  readonly modelCalls: number;
}

/** Outcome of {@link runVisionProtocol}. */
export interface VisionProtocolResult {
  readonly protocol: VisionProtocol;
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  readonly orders: number[];
  readonly ratios: number[];
  /** `J(m)`, mean over samples then normalised by its mean over orders (first repeat). */
  readonly strength: StrengthCurve;
  /** `J̄(m)`, each sample normalised first (first repeat). */
  readonly strengthPerSample: StrengthCurve;
  /** The instability over context repeats (MATH.md), or `null` with a single repeat. */
  readonly instability: number | null;
  readonly samples: ProtocolSampleResult[];
  /** Model calls of all samples (restored ones included). */
  readonly modelCalls: number;
  /** Wall time of this call (restored samples cost nothing). */
  readonly wallTimeMs: number;
}

/** The grid (default `protocol.grid²`) and orders of a protocol. */
export function protocolPlan(protocol: VisionProtocol, rows?: number, cols?: number): ProtocolPlan {
  const r = rows ?? protocol.grid;
  const c = cols ?? protocol.grid;
  requireInput(Number.isInteger(r) && r > 0, 'rows', `expected a positive integer, got ${r}`);
  requireInput(Number.isInteger(c) && c > 0, 'cols', `expected a positive integer, got ${c}`);
  const n = r * c;
  return { protocol, rows: r, cols: c, n, orders: ordersFromRatios(n, protocol.ratios) };
}

/**
 * One sample of a {@link VisionProtocol} — the resumable unit of a protocol run. Pairs are drawn
 * once with core's `referencePairs` (stream `seed → pairs → sample`), then `repeats` runs of
 * `sampleMultiOrder` with independent contexts (seed `seed/sample/r`) estimate `I^(m)(i, j)`.
 * The randomness depends on `seed` and `sample` only, so the result is the same whether the
 * sample is computed alone, in a full run or after a resume (and whatever `batchSize`).
 */
export async function runProtocolSample(options: ProtocolSampleOptions): Promise<ProtocolSampleResult> {
  const { protocol, sample: s, game, seed } = options;
  const { rows, cols, n, orders } = protocolPlan(protocol, options.rows, options.cols);
  requireInput(Number.isInteger(s) && s >= 0, 'sample', `expected a non-negative integer index, got ${s}`);
  requireInput(
    game.n === n,
    'grid',
    `the game of sample ${s} has ${game.n} players but the grid is ${rows}×${cols}`,
  );
  const pairs = referencePairs({
    rows,
    cols,
    radius: protocol.radius,
    numPairs: protocol.pairs,
    rng: Rng.create(seed).fork('pairs', s),
  });
  const strengthByRepeat: number[][] = [];
  const strengthStandardErrorByRepeat: number[][] = [];
  const strengthBiasByRepeat: number[][] = [];
  const strengthBiasBoundByRepeat: number[][] = [];
  let first: MultiOrderTable | undefined;
  let calls = 0;
  const before = game.modelCalls ?? 0;
  for (let r = 0; r < protocol.repeats; r++) {
    const res = await sampleMultiOrder(game, {
      pairs,
      orders,
      ratios: [...protocol.ratios],
      contexts: protocol.contexts,
      seed: `${String(seed)}/${s}/${r}`,
      mode: protocol.mode,
      strengthEstimator: protocol.estimator,
      batchSize: options.batchSize,
      signal: options.signal,
      onProgress: (p) =>
        options.onProgress?.({
          repeat: r + 1,
          repeats: protocol.repeats,
          done: p.done,
          total: p.total,
          modelCalls:
            game.modelCalls !== undefined ? game.modelCalls - before : calls + p.coalitionsRequested,
        }),
    });
    const mo = res.multiOrder!;
    first ??= mo;
    // The plain estimate stays computed from the table, bit-identical to stored results.
    const est = res.strengthEstimate;
    strengthByRepeat.push((protocol.estimator ?? 'plain') === 'plain' ? meanAbsPerOrder(mo) : est.meanAbs);
    strengthStandardErrorByRepeat.push(est.standardError);
    strengthBiasByRepeat.push(est.bias);
    if (est.biasBound) strengthBiasBoundByRepeat.push(est.biasBound);
    calls += res.modelCalls;
  }
  return {
    multiOrder: first!,
    strengthByRepeat,
    strengthStandardErrorByRepeat,
    strengthBiasByRepeat,
    ...(strengthBiasBoundByRepeat.length ? { strengthBiasBoundByRepeat } : {}),
    modelCalls: calls,
  };
}

/**
 * The protocol's curves from per-sample results (fresh or restored): `J(m)` and `J̄(m)` from
 * each sample's first repeat, the instability over the repeats. Checks that every sample result
 * fits the plan (orders, repeats), so results of another setting are never mixed in.
 */
export function aggregateProtocolSamples(
  plan: ProtocolPlan,
  samples: readonly ProtocolSampleResult[],
  wallTimeMs = 0,
): VisionProtocolResult {
  const { protocol, orders } = plan;
  requireInput(samples.length > 0, 'samples', 'expected at least one sample result');
  samples.forEach((p, s) => {
    requireInput(
      Array.isArray(p.strengthByRepeat) &&
        p.strengthByRepeat.length === protocol.repeats &&
        p.strengthByRepeat.every((row) => Array.isArray(row) && row.length === orders.length),
      `samples[${s}].strengthByRepeat`,
      `expected ${protocol.repeats} repeat(s) of ${orders.length} orders`,
    );
    requireInput(
      Array.isArray(p.multiOrder?.orders) &&
        p.multiOrder.orders.length === orders.length &&
        p.multiOrder.orders.every((m, k) => m === orders[k]),
      `samples[${s}].multiOrder.orders`,
      `expected the orders ${orders.join(',')}`,
    );
  });
  const firstRepeat = samples.map((p) => p.strengthByRepeat[0]);
  const repeats =
    protocol.repeats >= 2
      ? Array.from({ length: protocol.repeats }, (_, r) => samples.map((p) => p.strengthByRepeat[r]))
      : undefined;
  return {
    protocol,
    n: plan.n,
    rows: plan.rows,
    cols: plan.cols,
    orders: [...orders],
    ratios: [...protocol.ratios],
    strength: strengthCurve(firstRepeat, 'mean', orders),
    strengthPerSample: strengthCurve(firstRepeat, 'per-sample-mean', orders),
    instability: repeats ? instability(repeats) : null,
    samples: [...samples],
    modelCalls: samples.reduce((a, p) => a + p.modelCalls, 0),
    wallTimeMs,
  };
}

/**
 * Runs a {@link VisionProtocol} on a list of games: {@link runProtocolSample} for each sample,
 * then {@link aggregateProtocolSamples}. With `completed` and `onSample` the samples are
 * resumable units: a run interrupted through `signal` keeps every sample `onSample` received, and
 * a later run that returns them from `completed` skips them and ends with exactly the result of
 * an uninterrupted run.
 */
export async function runVisionProtocol(options: RunProtocolOptions): Promise<VisionProtocolResult> {
  const t0 = performance.now();
  const { protocol, samples, seed, signal } = options;
  requireInput(
    Number.isInteger(samples) && samples > 0,
    'samples',
    `expected at least one sample, got ${samples}`,
  );
  const plan = protocolPlan(protocol, options.rows, options.cols);
  const perSample: ProtocolSampleResult[] = [];
  let modelCalls = 0;
  for (let s = 0; s < samples; s++) {
    const stored = await options.completed?.(s);
    if (stored !== undefined) {
      perSample.push(stored);
      modelCalls += stored.modelCalls;
      continue;
    }
    // Building a game can itself cost model calls (a feature-map prefix): stop before it.
    if (signal?.aborted) throw abortReason(signal);
    const game = await options.game(s);
    const callsBefore = modelCalls;
    const result = await runProtocolSample({
      protocol,
      sample: s,
      game,
      rows: plan.rows,
      cols: plan.cols,
      seed,
      batchSize: options.batchSize,
      signal,
      onProgress: (p) =>
        options.onProgress?.({
          sample: s + 1,
          samples,
          repeat: p.repeat,
          repeats: p.repeats,
          done: p.done,
          total: p.total,
          modelCalls: callsBefore + p.modelCalls,
        }),
    });
    modelCalls += result.modelCalls;
    perSample.push(result);
    await options.onSample?.(s, result);
  }
  return aggregateProtocolSamples(plan, perSample, performance.now() - t0);
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('protocol run aborted');
}

/** `E_pairs |I^(m)(i,j)|` for each order of a multi-order table. */
export function meanAbsPerOrder(mo: MultiOrderTable): number[] {
  return meanAbsOverPairs(mo.values, mo.orders.length);
}
