import { optionName } from '../errors/option-names.js';
import { OrderlensInputError } from '../errors/errors.js';
import { ModelGame } from '../game/model-game.js';
import type { ModelOutput, ModelRunner } from '../model/contracts.js';
import type { NamedTensors, TensorData } from '../model/tensor.js';
import { ModelGateway } from '../runtime/model-gateway.js';
import { checkBatchSize } from './analysis-units.js';
import type { AnalysisOptions } from './run-analysis.js';

/**
 * What an analysis will cost, known before its first counted model call: the model rows one
 * sample needs (counted exactly on the first candidate, see {@link planAnalysisCost}), the
 * selection's predictions, and a time estimate from a short measured warm-up of the model.
 */
export interface AnalysisCost {
  /** Players of the first candidate (other samples may differ, e.g. sentences). */
  readonly players: number;
  /** Model rows the estimator asks for on the first candidate, after de-duplication. */
  readonly callsPerSample: number;
  /** Samples the run takes at most (`--samples`, `--per-class` × classes, or every candidate). */
  readonly samples: number;
  /** Predictions the selection makes at most (0 when it predicts nothing; it stops once it has its samples). */
  readonly selectionCalls: number;
  /** `samples × callsPerSample + selectionCalls`. */
  readonly totalCalls: number;
  readonly batchSize: number;
  /** Rows per call the runtime actually runs (below `batchSize` when it splits batches itself). */
  readonly modelBatchRows: number;
  /** Rows the warm-up ran (not counted in the result's `modelCalls`; 0 without a warm-up). */
  readonly warmupRows: number;
  /** Measured seconds per model row at `batchSize` (absent without a warm-up). */
  readonly secondsPerCall?: number;
  /** Measured seconds of masking and estimator work per sample, without the model. */
  readonly overheadSecondsPerSample: number;
  /** Estimated wall time of the whole run (absent without a warm-up). */
  readonly estimatedSeconds?: number;
}

/** Options of {@link planAnalysisCost}. */
export interface CostPlanOptions {
  /** Time the model on one batch (a few runs, the fastest after the first); default true. */
  readonly warmup?: boolean;
}

/**
 * Plans the cost of `options` without any counted model call. The estimator runs once on the
 * first candidate against a runner that answers zeros and only counts: which coalitions an
 * estimator asks for depends on the seed and the players, never on the values, so the count is
 * exact for that candidate (after the same de-duplication and cache as the real run). AND-OR
 * optimiser iterations are skipped there (they cost no model calls). The first full batch it
 * masked is then run twice on the real model to measure the time per row.
 */
export async function planAnalysisCost(
  options: AnalysisOptions,
  plan: CostPlanOptions = {},
): Promise<AnalysisCost> {
  const { session, model, estimator } = options;
  const batchSize = checkBatchSize(options);
  // Building the players may call the model (a feature-map prefix): not counted, not in the plan.
  const players = await session.players(0, new ModelGateway());
  const counter = new CountingRunner(players.runner ?? model.runner, batchSize);
  let callsPerSample: number;
  let overhead: number;
  let secondsPerCall: number | undefined;
  let warmupRows = 0;
  let modelBatchRows = batchSize;
  try {
    checkPlayerLimits(options, players.descriptor.n, session.candidate(0).id);
    // Not through a ModelGateway: these rows never reach the model, and every gateway's count is
    // a count of real model rows.
    const game = new ModelGame(players.masker, counter, {
      // The label only picks which zero logit is read; the count does not depend on it.
      reward: { name: options.reward, label: 0 },
      batchSize,
      cacheLimit: options.cacheLimit,
      signal: options.signal,
    });
    const estimatorOptions =
      'niter' in options.estimatorOptions
        ? { ...options.estimatorOptions, niter: 0 }
        : options.estimatorOptions;
    const t0 = performance.now();
    await estimator.estimate(game, estimatorOptions, {
      seed: options.seed,
      sampleIndex: 0,
      players: players.descriptor,
      pairs: options.pairs,
      chunkSize: options.chunkSize,
      signal: options.signal,
    });
    overhead = (performance.now() - t0) / 1000;
    callsPerSample = counter.rows;
    if (plan.warmup !== false && counter.sample) {
      const runner = players.runner ?? model.runner;
      // The warm-up rows are the plan's: counted here and kept in its provenance, not in the
      // analysis's `modelCalls` (no gateway sees them, so a resume's counts stay the samples').
      // The first runs of a session allocate (arenas, thread pools, wasm memory) and can take
      // several times a steady run (ONNX Runtime's first two on the CIFAR CNN: 850 ms, then
      // 150 ms): run at least four times, until two agree within 20 % (or 5 s have passed, or
      // eight runs), and take the fastest after the first.
      let best = Infinity;
      let last = Infinity;
      const start = performance.now();
      for (let k = 0; k < 8; k++) {
        const t1 = performance.now();
        await runner.run(counter.sample);
        const t = performance.now() - t1;
        warmupRows += counter.sampleRows;
        if (k > 0) best = Math.min(best, t);
        const steady = k >= 3 && Math.abs(t - last) <= 0.2 * Math.min(t, last);
        last = t;
        if (steady || (k >= 1 && performance.now() - start > 5000)) break;
      }
      secondsPerCall = best / 1000 / counter.sampleRows;
      modelBatchRows = Math.min(batchSize, runner.maxBatchRows ?? batchSize);
    }
  } finally {
    await players.dispose?.();
  }
  const samples = plannedSamples(options);
  const selectionCalls = options.selection.rule === 'all' ? 0 : session.candidates;
  const totalCalls = samples * callsPerSample + selectionCalls;
  return {
    players: players.descriptor.n,
    callsPerSample,
    samples,
    selectionCalls,
    totalCalls,
    batchSize,
    modelBatchRows,
    warmupRows,
    ...(secondsPerCall !== undefined
      ? {
          secondsPerCall,
          overheadSecondsPerSample: overhead,
          estimatedSeconds: totalCalls * secondsPerCall + samples * overhead,
        }
      : { overheadSecondsPerSample: overhead }),
  };
}

/**
 * The estimator's player limits on the first candidate, said as the flags that change them
 * (the same check every sample gets later, but before the selection, and naming flags).
 */
function checkPlayerLimits(options: AnalysisOptions, n: number, id: string): void {
  const { estimator } = options;
  const own = options.estimatorOptions.maxPlayers;
  const max = typeof own === 'number' ? own : estimator.limits.maxPlayers;
  if (max !== undefined && n > max)
    throw new OrderlensInputError(
      'estimator',
      `the first sample (${id}) has ${n} players; the ${estimator.name} estimator handles at most ${max}` +
        `${typeof own === 'number' ? ` (${optionName('maxPlayers')})` : ''}: use fewer players (e.g. a smaller ${optionName('grid')}) or a sampled estimator (${optionName('estimator')} reference)`,
    );
  const min = estimator.limits.minPlayers;
  if (min !== undefined && n < min)
    throw new OrderlensInputError(
      'estimator',
      `the first sample (${id}) has ${n} players; the ${estimator.name} estimator needs at least ${min}`,
    );
}

/** Samples a selection takes at most, before the model has said which are correct. */
export function plannedSamples(options: Pick<AnalysisOptions, 'selection' | 'session'>): number {
  const { selection, session } = options;
  let n = session.candidates;
  if (selection.perClass !== undefined && session.classes !== undefined)
    n = Math.min(n, selection.perClass * session.classes);
  if (selection.samples !== undefined) n = Math.min(n, selection.samples);
  return n;
}

/**
 * A limit on a run: model calls (`2e6`, `500000`) or time (`90s`, `10m`, `2h`), as
 * `--budget` takes it.
 */
export type AnalysisBudget =
  { readonly kind: 'calls'; readonly calls: number } | { readonly kind: 'time'; readonly seconds: number };

/** Reads `--budget`: a number of model calls (`2e6`) or a duration (`90s`, `10m`, `1.5h`). */
export function parseBudget(raw: string, field = 'budget'): AnalysisBudget {
  const text = raw.trim();
  const time = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (time) {
    const seconds = Number(time[1]) * { s: 1, m: 60, h: 3600 }[time[2] as 's' | 'm' | 'h'];
    if (seconds > 0) return { kind: 'time', seconds };
  } else if (/^\d+(?:\.\d+)?(?:e\d+)?$/i.test(text)) {
    const calls = Number(text);
    if (Number.isFinite(calls) && calls >= 1) return { kind: 'calls', calls: Math.floor(calls) };
  }
  throw new OrderlensInputError(
    field,
    `expected model calls (e.g. 2e6 or 500000) or a time (e.g. 90s, 10m, 2h), got ${JSON.stringify(raw)}`,
  );
}

/** Refuses a plan above `budget`, naming the flag and what would fit. */
export function checkBudget(cost: AnalysisCost, budget: AnalysisBudget, field = 'budget'): void {
  if (budget.kind === 'calls') {
    if (cost.totalCalls > budget.calls)
      throw new OrderlensInputError(
        field,
        `the plan needs about ${formatCount(cost.totalCalls)} model calls (${formatCount(cost.callsPerSample)} per sample × ${cost.samples} samples + ${formatCount(cost.selectionCalls)} for the selection), above the budget of ${formatCount(budget.calls)}; use fewer ${optionName('samples')}, a cheaper ${optionName('protocol')}, or raise ${optionName('budget')}`,
      );
    return;
  }
  if (cost.estimatedSeconds === undefined) return;
  if (cost.estimatedSeconds > budget.seconds)
    throw new OrderlensInputError(
      field,
      `the plan takes about ${formatSeconds(cost.estimatedSeconds)} (${formatCount(cost.totalCalls)} model calls), above the budget of ${formatSeconds(budget.seconds)}; use fewer ${optionName('samples')}, a cheaper ${optionName('protocol')}, or raise ${optionName('budget')}`,
    );
}

/** The plan as the lines a command prints before the run. */
export function describeCost(cost: AnalysisCost): string {
  const time =
    cost.estimatedSeconds !== undefined
      ? `, about ${formatSeconds(cost.estimatedSeconds)} (${formatSeconds(1 / cost.secondsPerCall!, 'rate')} model calls/s at batch ${cost.batchSize}${cost.modelBatchRows < cost.batchSize ? `, run ${cost.modelBatchRows} rows per call by the runtime` : ''}, measured on ${cost.warmupRows} warm-up rows)`
      : '';
  return (
    `plan: ${formatCount(cost.callsPerSample)} model calls per sample (n = ${cost.players} players on the first candidate) × ` +
    `${cost.samples} samples + at most ${formatCount(cost.selectionCalls)} selection calls = ${formatCount(cost.totalCalls)} model calls at most${time}`
  );
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatSeconds(s: number, as: 'time' | 'rate' = 'time'): string {
  if (as === 'rate') return s >= 100 ? s.toFixed(0) : s.toPrecision(2);
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * A runner that answers zero logits and keeps the first batch of `batchSize` rows (copied: the
 * masker reuses its buffers) for the warm-up. It never reaches the model.
 */
class CountingRunner implements ModelRunner {
  readonly backend = 'counting';
  readonly inputNames: readonly string[];
  sample?: NamedTensors;
  sampleRows = 0;
  /** Rows asked for in all. */
  rows = 0;

  constructor(
    model: ModelRunner,
    private readonly batchSize: number,
  ) {
    this.inputNames = model.inputNames;
  }

  run(inputs: NamedTensors): Promise<ModelOutput> {
    const first = Object.values(inputs)[0] as TensorData | undefined;
    const rows = first?.dims[0] ?? 0;
    this.rows += rows;
    if (rows > this.sampleRows && this.sampleRows < this.batchSize) {
      this.sample = Object.fromEntries(
        Object.entries(inputs).map(([k, t]) => [k, { ...t, dims: [...t.dims], data: t.data.slice() }]),
      ) as NamedTensors;
      this.sampleRows = rows;
    }
    return Promise.resolve({ data: new Float32Array(rows * 2), rows, classes: 2 });
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
