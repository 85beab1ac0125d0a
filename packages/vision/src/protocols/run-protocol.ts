import {
  Rng,
  instability,
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
  /** Model calls so far over the whole run. */
  readonly modelCalls: number;
}

/** Options of {@link runVisionProtocol}. */
export interface RunProtocolOptions {
  readonly protocol: VisionProtocol;
  /** Number of samples; `game(s)` is asked for each `s < samples`. */
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
  readonly signal?: AbortSignal;
}

/** Per-sample outcome of a protocol run. */
export interface ProtocolSampleResult {
  /** The first repeat's multi-order interactions (pairs × orders). */
  readonly multiOrder: MultiOrderTable;
  /** `E_pairs |I^(m)|` per order, for each repeat. */
  readonly strengthByRepeat: number[][];
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
  readonly modelCalls: number;
  readonly wallTimeMs: number;
}

/**
 * Runs a {@link VisionProtocol} on a list of games: per sample, pairs are drawn once with core's
 * `referencePairs` (stream `seed → pairs → s`), then `repeats` runs of `sampleMultiOrder` with
 * independent contexts (seed `seed/s/r`) estimate `I^(m)(i, j)`. The strength per sample is
 * `E_pairs |I^(m)|`; the curve and its instability over the repeats come from core.
 */
export async function runVisionProtocol(options: RunProtocolOptions): Promise<VisionProtocolResult> {
  const t0 = performance.now();
  const { protocol, samples, seed } = options;
  requireInput(
    Number.isInteger(samples) && samples > 0,
    'samples',
    `expected at least one sample, got ${samples}`,
  );
  const rows = options.rows ?? protocol.grid;
  const cols = options.cols ?? protocol.grid;
  const n = rows * cols;
  const orders = ordersFromRatios(n, protocol.ratios);
  const root = Rng.create(seed);
  const perSample: ProtocolSampleResult[] = [];
  let modelCalls = 0;
  for (let s = 0; s < samples; s++) {
    const game = await options.game(s);
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
      rng: root.fork('pairs', s),
    });
    const strengthByRepeat: number[][] = [];
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
        batchSize: options.batchSize,
        signal: options.signal,
        onProgress: (p) =>
          options.onProgress?.({
            sample: s + 1,
            samples,
            repeat: r + 1,
            repeats: protocol.repeats,
            done: p.done,
            total: p.total,
            modelCalls:
              modelCalls +
              (game.modelCalls !== undefined ? game.modelCalls - before : calls + p.coalitionsRequested),
          }),
      });
      const mo = res.multiOrder!;
      first ??= mo;
      strengthByRepeat.push(meanAbsPerOrder(mo));
      calls += res.modelCalls;
    }
    modelCalls += calls;
    perSample.push({ multiOrder: first!, strengthByRepeat, modelCalls: calls });
  }
  const firstRepeat = perSample.map((p) => p.strengthByRepeat[0]);
  const repeats =
    protocol.repeats >= 2
      ? Array.from({ length: protocol.repeats }, (_, r) => perSample.map((p) => p.strengthByRepeat[r]))
      : undefined;
  return {
    protocol,
    n,
    rows,
    cols,
    orders,
    ratios: [...protocol.ratios],
    strength: strengthCurve(firstRepeat, 'mean', orders),
    strengthPerSample: strengthCurve(firstRepeat, 'per-sample-mean', orders),
    instability: repeats ? instability(repeats) : null,
    samples: perSample,
    modelCalls,
    wallTimeMs: performance.now() - t0,
  };
}

/** `E_pairs |I^(m)(i,j)|` for each order of a multi-order table. */
export function meanAbsPerOrder(mo: MultiOrderTable): number[] {
  return mo.orders.map(
    (_, k) => mo.values.reduce((acc, row) => acc + Math.abs(row[k]), 0) / mo.values.length,
  );
}
