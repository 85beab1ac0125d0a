import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractAndOrBatch } from '../and-or/and-or-batch.js';
import { optionName } from '../errors/option-names.js';
import { OrderlensInputError } from '../errors/errors.js';
import { ModelGame } from '../game/model-game.js';
import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { Masker, ModelOutput, ModelRunner } from '../model/contracts.js';
import type { NamedTensors, TensorData } from '../model/tensor.js';
import { ModelGateway } from '../runtime/model-gateway.js';
import { NOISE_MAX_PLAYERS } from '../measures/run-noise-sensitivity.js';
import { SELECTION_UNIT } from './analysis-run.js';
import { checkBatchSize, sampleUnitId, type StoredSelection } from './analysis-units.js';
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
  /** Model rows building one sample's players costs (a feature-map prefix: 1; else 0). */
  readonly playerCallsPerSample: number;
  /** Noise-sensitivity calls per sample: draws × 2^n (0 without noise draws). */
  readonly noiseCallsPerSample: number;
  /** `samples × (callsPerSample + playerCallsPerSample + noiseCallsPerSample) + selectionCalls`. */
  readonly totalCalls: number;
  /** Samples a resumed run had finished already (not in `samples`, no calls). */
  readonly samplesDone: number;
  readonly batchSize: number;
  /** Rows per call the runtime actually runs (below `batchSize` when it splits batches itself). */
  readonly modelBatchRows: number;
  /** Rows the warm-up ran (not counted in the result's `modelCalls`; 0 without a warm-up). */
  readonly warmupRows: number;
  /** Measured seconds per model row at `batchSize` (absent without a warm-up). */
  readonly secondsPerCall?: number;
  /** Measured seconds of masking and estimator work per sample, without the model. */
  readonly overheadSecondsPerSample: number;
  /** AND-OR optimiser seconds per sample (iterations × measured seconds per iteration; 0 without). */
  readonly optimiserSecondsPerSample: number;
  /** Estimated wall time of the whole run (absent without a warm-up). */
  readonly estimatedSeconds?: number;
}

/** Options of {@link planAnalysisCost}. */
export interface CostPlanOptions {
  /** Time the model on one batch (a few runs, the fastest after the first); default true. */
  readonly warmup?: boolean;
  /** Noisy copies per sample of the noise-sensitivity measure (each enumerates all 2^n coalitions). */
  readonly noiseDraws?: number;
  /**
   * The option that sets how many players a sample has (`--players`, `--words`, `--grid`), named
   * when the first candidate has more than the estimator or the noise measure handles.
   */
  readonly playersField?: string;
  /**
   * What a resumed run has finished ({@link storedRunProgress}): the plan covers the rest, and
   * with nothing left it is made without the model (no players, no count, no warm-up).
   */
  readonly resumed?: StoredRunProgress;
}

/** How far a stored run got: its selection (when made) and the samples finished since. */
export interface StoredRunProgress {
  /** Samples the stored selection holds (undefined before the selection was stored). */
  readonly samples?: number;
  /** Samples with every unit finished. */
  readonly samplesDone: number;
}

/**
 * The progress of the run stored in `<out>/run/`, read without opening it (nothing is written):
 * a sample is done when every unit `unitsOfSample(s)` names is stored (default `sample-<s>`).
 * Undefined where no run is stored.
 */
export function storedRunProgress(
  out: string,
  unitsOfSample: (s: number) => readonly string[] = (s) => [sampleUnitId(s)],
): StoredRunProgress | undefined {
  const units = join(out, 'run', 'units');
  if (!existsSync(join(out, 'run', 'manifest.json'))) return undefined;
  const selectionFile = join(units, `${SELECTION_UNIT}.json`);
  if (!existsSync(selectionFile)) return { samplesDone: 0 };
  let samples: number;
  try {
    const stored = JSON.parse(readFileSync(selectionFile, 'utf8')) as StoredSelection;
    samples = stored.selection.indices.length;
  } catch {
    return undefined; // The run store reports an unreadable unit when it opens the run.
  }
  let samplesDone = 0;
  for (let s = 0; s < samples; s++)
    if (unitsOfSample(s).every((id) => existsSync(join(units, `${id}.json`)))) samplesDone++;
  return { samples, samplesDone };
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
  const resumed = plan.resumed;
  if (resumed?.samples !== undefined && resumed.samplesDone >= resumed.samples)
    // A finished run: its resume makes no model call, so its plan opens nothing to count or time.
    return finishedPlan(batchSize, resumed.samplesDone);
  // Building the players may call the model (a feature-map prefix, once per sample): counted
  // here, on a gateway of the plan's own, and planned for every sample.
  const playerGateway = new ModelGateway();
  const players = await session.players(0, playerGateway);
  const playerCallsPerSample = playerGateway.calls.total;
  // Masking every coalition of a sample only to count it cost minutes on 224×224 images (nsfwjs:
  // 526,821 masked inputs of 150,528 floats): mask the first rows for real (the warm-up batch and
  // a timing of the masker), count the rest with empty placeholders.
  const masker = new PlanMasker(players.masker, 4 * batchSize);
  const counter = new CountingRunner(players.runner ?? model.runner, batchSize, masker);
  let callsPerSample: number;
  let overhead: number;
  let secondsPerCall: number | undefined;
  let warmupRows = 0;
  let modelBatchRows = batchSize;
  let optimiserSeconds = 0;
  try {
    checkPlayerLimits(options, players.descriptor.n, session.candidate(0).id, plan);
    // Not through a ModelGateway: these rows never reach the model, and every gateway's count is
    // a count of real model rows.
    const game = new ModelGame(masker, counter, {
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
    callsPerSample = counter.rows;
    // The pass's own time with the skipped masking added back at the measured rate per row.
    overhead =
      (performance.now() - t0) / 1000 +
      (masker.maskedRows > 0 ? (masker.seconds / masker.maskedRows) * masker.skippedRows : 0);
    const niter = options.estimatorOptions.niter;
    if (typeof niter === 'number' && niter > 0)
      optimiserSeconds = niter * andOrSecondsPerIteration(players.descriptor.n, options.estimatorOptions);
    if (plan.warmup !== false && counter.sample) {
      const runner = players.runner ?? model.runner;
      // The warm-up rows are the plan's: counted here and kept in its provenance, not in the
      // analysis's `modelCalls` (no gateway sees them, so a resume's counts stay the samples').
      const timed = await timeModelRows(runner, counter.sample, counter.sampleRows);
      warmupRows = timed.warmupRows;
      secondsPerCall = timed.secondsPerRow;
      modelBatchRows = Math.min(batchSize, runner.maxBatchRows ?? batchSize);
    }
  } finally {
    await players.dispose?.();
  }
  const n = players.descriptor.n;
  // A resume computes only the samples its stored selection has not finished, without selecting.
  const selected = resumed?.samples !== undefined;
  const samplesDone = resumed?.samplesDone ?? 0;
  const samples = selected ? resumed.samples! - samplesDone : plannedSamples(options);
  const selectionCalls = selected || options.selection.rule === 'all' ? 0 : session.candidates;
  // Every noisy copy enumerates all 2^n coalitions of its sample (`computeNoiseUnit`).
  const noiseCallsPerSample = (plan.noiseDraws ?? 0) * 2 ** n;
  const totalCalls = samples * (callsPerSample + playerCallsPerSample + noiseCallsPerSample) + selectionCalls;
  return {
    players: n,
    callsPerSample,
    playerCallsPerSample,
    noiseCallsPerSample,
    samples,
    samplesDone,
    selectionCalls,
    totalCalls,
    batchSize,
    modelBatchRows,
    warmupRows,
    overheadSecondsPerSample: overhead,
    optimiserSecondsPerSample: optimiserSeconds,
    ...(secondsPerCall !== undefined
      ? {
          secondsPerCall,
          estimatedSeconds: totalCalls * secondsPerCall + samples * (overhead + optimiserSeconds),
        }
      : {}),
  };
}

/** The plan of a run whose every sample is finished: nothing to compute, nothing measured. */
export function finishedPlan(batchSize: number, samplesDone: number): AnalysisCost {
  return {
    players: 0,
    callsPerSample: 0,
    playerCallsPerSample: 0,
    noiseCallsPerSample: 0,
    samples: 0,
    samplesDone,
    selectionCalls: 0,
    totalCalls: 0,
    batchSize,
    modelBatchRows: batchSize,
    warmupRows: 0,
    overheadSecondsPerSample: 0,
    optimiserSecondsPerSample: 0,
    estimatedSeconds: 0,
  };
}

/**
 * Measured seconds of one AND-OR optimiser iteration on `n` players (the estimator's own options:
 * preset, learning rate, noise bound). The iterations cost no model call, but at `niter` 20,000
 * on 2^n coalitions they can take longer than the model: timed on a table of 2^n made-up values
 * (an iteration's work depends on n, not on the values) between the first and the last of a few
 * iterations, after the set-up.
 */
export function andOrSecondsPerIteration(n: number, options: Record<string, unknown>): number {
  const size = 2 ** n;
  const values = new Float64Array(size);
  // A fixed, value-independent pattern (no seed needed: only the time is kept).
  for (let i = 0; i < size; i++) values[i] = Math.sin(i * 12.9898) * 0.5;
  // About 2^21 coalition updates in all: the first iterations run before V8 has optimised the
  // loop (several times slower on the census MLP), so the rate is taken over the second half.
  const iterations = Math.max(4, Math.min(1024, Math.floor(2 ** (21 - n))));
  const stamps: number[] = [];
  extractAndOrBatch(values, n, {
    ...(options.preset === 'authors' || options.preset === 'orderlens' ? { preset: options.preset } : {}),
    ...(typeof options.lr === 'number' ? { lr: options.lr } : {}),
    ...(typeof options.qthres === 'number' ? { qthres: options.qthres } : {}),
    niter: iterations,
    reportEvery: 1,
    onProgress: () => stamps.push(performance.now()),
  });
  const half = Math.floor(stamps.length / 2);
  if (stamps.length - half < 2) return 0;
  return (stamps[stamps.length - 1] - stamps[half]) / 1000 / (stamps.length - 1 - half);
}

/**
 * The estimator's player limits on the first candidate, said as the flags that change them
 * (the same check every sample gets later, but before the selection, and naming flags): the
 * adapter's player option where the caller names it (`plan.playersField`), and the noise
 * measure's own limit ({@link NOISE_MAX_PLAYERS}: every draw enumerates all `2^n` coalitions).
 */
function checkPlayerLimits(options: AnalysisOptions, n: number, id: string, plan: CostPlanOptions): void {
  const { estimator } = options;
  const own = options.estimatorOptions.maxPlayers;
  const max = typeof own === 'number' ? own : estimator.limits.maxPlayers;
  const fewer = `use fewer players (${plan.playersField ?? `e.g. a smaller ${optionName('grid')}`})`;
  if (max !== undefined && n > max)
    throw new OrderlensInputError(
      plan.playersField ?? 'estimator',
      `the first sample (${id}) has ${n} players; the ${estimator.name} estimator handles at most ${max}` +
        `${typeof own === 'number' ? ` (${optionName('maxPlayers')})` : ''}: ${fewer}` +
        // AND-OR extraction enumerates every coalition whatever the estimator options: no sampled variant.
        (estimator.name === 'and-or' ? '' : ` or a sampled estimator (${optionName('estimator')} reference)`),
    );
  if (plan.noiseDraws !== undefined && n > NOISE_MAX_PLAYERS)
    throw new OrderlensInputError(
      plan.playersField ?? 'players',
      `the first sample (${id}) has ${n} players; the noise measure enumerates all 2^n coalitions per draw and handles at most ${NOISE_MAX_PLAYERS}: ${fewer}`,
    );
  const min = estimator.limits.minPlayers;
  if (min !== undefined && n < min)
    throw new OrderlensInputError(
      plan.playersField ?? 'estimator',
      `the first sample (${id}) has ${n} players; the ${estimator.name} estimator needs at least ${min}`,
    );
}

/** What {@link timeModelRows} measured. */
export interface ModelTiming {
  /** Seconds per input row, the fastest batch after the first. */
  readonly secondsPerRow: number;
  /** Rows run to measure it (counted by no gateway: not in any result's `modelCalls`). */
  readonly warmupRows: number;
}

/**
 * Times `runner` on one batch of `rows` rows: the warm-up of every plan. The first runs of a
 * session allocate (arenas, thread pools, wasm memory) and can take several times a steady run
 * (ONNX Runtime's first two on the CIFAR CNN: 850 ms, then 150 ms): it runs at least four times,
 * until two agree within 20 % (or 5 s have passed, or eight runs), and takes the fastest after
 * the first.
 */
export async function timeModelRows(
  runner: ModelRunner,
  fullBatch: NamedTensors,
  fullRows: number,
): Promise<ModelTiming> {
  let batch = fullBatch;
  let rows = fullRows;
  let warmupRows = 0;
  // A slow model (nsfwjs, a 224×224 MobileNetV2 on WebAssembly: 0.1–0.2 s per row here) would
  // spend minutes on two full batches: time a slice first, and keep to the slice when slow.
  if (rows > WARMUP_SLICE_ROWS) {
    const slice = leadingRows(batch, WARMUP_SLICE_ROWS);
    const t1 = performance.now();
    await runner.run(slice);
    warmupRows += WARMUP_SLICE_ROWS;
    if (performance.now() - t1 > 1000) {
      batch = slice;
      rows = WARMUP_SLICE_ROWS;
    }
  }
  let best = Infinity;
  let last = Infinity;
  const start = performance.now();
  for (let k = 0; k < 8; k++) {
    const t1 = performance.now();
    await runner.run(batch);
    const t = performance.now() - t1;
    warmupRows += rows;
    if (k > 0) best = Math.min(best, t);
    const steady = k >= 3 && Math.abs(t - last) <= 0.2 * Math.min(t, last);
    last = t;
    if (steady || (k >= 1 && performance.now() - start > 5000)) break;
  }
  return { secondsPerRow: best / 1000 / rows, warmupRows };
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

/**
 * The cost of any planned work, as `--budget` checks it: the model calls in all, what they are
 * (`4,096 per sample × 2 samples + 1,000 for the selection`), and the estimated seconds when
 * the model was timed. An {@link AnalysisCost} is one; a command over several models or
 * checkpoints adds theirs up ({@link sumCosts}).
 */
export interface PlannedWork {
  readonly totalCalls: number;
  readonly breakdown?: string;
  readonly estimatedSeconds?: number;
}

/** What the calls of an analysis's plan are, as the budget error says them. */
function analysisBreakdown(cost: AnalysisCost): string {
  return `${formatCount(cost.callsPerSample + cost.playerCallsPerSample + cost.noiseCallsPerSample)} per sample × ${cost.samples} samples + ${formatCount(cost.selectionCalls)} for the selection`;
}

/** Several plans as one (a study's models, a reproduction's networks); `breakdown` says what they are. */
export function sumCosts(parts: readonly PlannedWork[], breakdown: string): PlannedWork {
  const timed = parts.every((p) => p.estimatedSeconds !== undefined);
  return {
    totalCalls: parts.reduce((a, p) => a + p.totalCalls, 0),
    breakdown,
    ...(timed ? { estimatedSeconds: parts.reduce((a, p) => a + p.estimatedSeconds!, 0) } : {}),
  };
}

/** Refuses a plan above `budget`, naming the flag and what would fit. */
export function checkBudget(
  cost: AnalysisCost | PlannedWork,
  budget: AnalysisBudget,
  field = 'budget',
  remedy = `use fewer ${optionName('samples')}, a cheaper ${optionName('protocol')}, or raise ${optionName('budget')}`,
): void {
  const breakdown = 'callsPerSample' in cost ? analysisBreakdown(cost) : cost.breakdown;
  if (budget.kind === 'calls') {
    if (cost.totalCalls > budget.calls)
      throw new OrderlensInputError(
        field,
        `the plan needs about ${formatCount(cost.totalCalls)} model calls${breakdown ? ` (${breakdown})` : ''}, above the budget of ${formatCount(budget.calls)}; ${remedy}`,
      );
    return;
  }
  if (cost.estimatedSeconds === undefined) return;
  if (cost.estimatedSeconds > budget.seconds)
    throw new OrderlensInputError(
      field,
      `the plan takes about ${formatSeconds(cost.estimatedSeconds)} (${formatCount(cost.totalCalls)} model calls), above the budget of ${formatSeconds(budget.seconds)}; ${remedy}`,
    );
}

/** A {@link PlannedWork} as the line a command prints before its run. */
export function describeWork(work: PlannedWork, label = 'plan'): string {
  return `${label}: ${formatCount(work.totalCalls)} model calls${work.breakdown ? ` (${work.breakdown})` : ''}${work.estimatedSeconds !== undefined ? `, about ${formatSeconds(work.estimatedSeconds)}` : ''}`;
}

/** The plan as the lines a command prints before the run. */
export function describeCost(cost: AnalysisCost): string {
  if (cost.samples === 0 && cost.samplesDone > 0)
    return `plan: every one of the ${cost.samplesDone} samples of the run is finished: no model calls (nothing is warmed up or timed)`;
  const time =
    cost.estimatedSeconds !== undefined
      ? `, about ${formatSeconds(cost.estimatedSeconds)} (${formatSeconds(1 / cost.secondsPerCall!, 'rate')} model calls/s at batch ${cost.batchSize}${cost.modelBatchRows < cost.batchSize ? `, run ${cost.modelBatchRows} rows per call by the runtime` : ''}, measured on ${cost.warmupRows} warm-up rows)`
      : '';
  const extra = [
    cost.playerCallsPerSample ? `${formatCount(cost.playerCallsPerSample)} building the players` : '',
    cost.noiseCallsPerSample
      ? `${formatCount(cost.noiseCallsPerSample)} noise (draws × 2^${cost.players})`
      : '',
  ].filter(Boolean);
  const perSample = extra.length
    ? `${formatCount(cost.callsPerSample)} + ${extra.join(' + ')} = ${formatCount(cost.callsPerSample + cost.playerCallsPerSample + cost.noiseCallsPerSample)}`
    : formatCount(cost.callsPerSample);
  const done = cost.samplesDone ? ` (${cost.samplesDone} finished already)` : '';
  const optimiser = cost.optimiserSecondsPerSample
    ? `; AND-OR optimiser about ${formatSeconds(cost.optimiserSecondsPerSample)} per sample, included`
    : '';
  return (
    `plan: ${perSample} model calls per sample (n = ${cost.players} players on the first candidate) × ` +
    `${cost.samples} samples${done} + at most ${formatCount(cost.selectionCalls)} selection calls = ${formatCount(cost.totalCalls)} model calls at most${time}${optimiser}`
  );
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Seconds as the plan says them (`42 s`, `3.5 min`, `2.1 h`; `rate`: a number of calls/s). */
export function formatSeconds(s: number, as: 'time' | 'rate' = 'time'): string {
  if (as === 'rate') return s >= 100 ? formatCount(s) : s.toPrecision(2);
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Seconds one model call may take when orderlens picks the batch size (see {@link pacedBatchSize}). */
export const PACED_BATCH_SECONDS = 3;

/**
 * The batch size for a run whose user left `--batch-size` at its default: the planned one, or
 * fewer rows (a multiple of the rows the runtime runs at once) when one batch would take more
 * than `seconds` at the measured speed — a 256-row batch of nsfwjs takes about a minute here, and
 * progress, Ctrl-C and the resume units all wait for the batch. The numbers and the model calls
 * do not depend on the batch size.
 */
export function pacedBatchSize(cost: AnalysisCost, seconds = PACED_BATCH_SECONDS): number {
  if (cost.secondsPerCall === undefined || cost.secondsPerCall * cost.batchSize <= seconds)
    return cost.batchSize;
  // A runtime that splits batches itself (tfjs on WebAssembly) runs `modelBatchRows` at a time.
  const unit = cost.modelBatchRows < cost.batchSize ? Math.max(1, cost.modelBatchRows) : 1;
  return Math.max(unit, Math.floor(seconds / cost.secondsPerCall / unit) * unit);
}

/** Rows of the first warm-up run, which decides whether a full batch is affordable. */
const WARMUP_SLICE_ROWS = 16;

/** The first `rows` rows of every tensor (views, no copy). */
function leadingRows(inputs: NamedTensors, rows: number): NamedTensors {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, t]) => {
      const perRow = t.data.length / t.dims[0]!;
      return [k, { ...t, dims: [rows, ...t.dims.slice(1)], data: t.data.subarray(0, rows * perRow) }];
    }),
  ) as NamedTensors;
}

/**
 * A masker for the plan: the first `realRows` rows are masked by the adapter's masker (timed),
 * later batches are placeholders that carry only their row count (dims `[rows]`, no data). The
 * coalitions asked for, and so the count, do not depend on the masked inputs.
 */
class PlanMasker implements Masker {
  readonly n: number;
  maskedRows = 0;
  skippedRows = 0;
  seconds = 0;
  private readonly real = new WeakSet<NamedTensors>();

  constructor(
    private readonly masker: Masker,
    private readonly realRows: number,
  ) {
    this.n = masker.n;
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    const rows = end - start;
    if (this.maskedRows >= this.realRows) {
      this.skippedRows += rows;
      return { placeholder: { type: 'float32', data: new Float32Array(0), dims: [rows] } };
    }
    const t0 = performance.now();
    const inputs = this.masker.mask(batch, start, end);
    this.seconds += (performance.now() - t0) / 1000;
    this.maskedRows += rows;
    this.real.add(inputs);
    return inputs;
  }

  /** Whether `inputs` are real masked inputs (not a placeholder). */
  isReal(inputs: NamedTensors): boolean {
    return this.real.has(inputs);
  }

  recycle(inputs: NamedTensors): void {
    if (this.real.has(inputs)) this.masker.recycle?.(inputs);
  }
}

/**
 * A runner that answers zero logits and keeps the first batch of `batchSize` real rows (copied:
 * the masker reuses its buffers) for the warm-up. It never reaches the model.
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
    private readonly masker: PlanMasker,
  ) {
    this.inputNames = model.inputNames;
  }

  run(inputs: NamedTensors): Promise<ModelOutput> {
    const first = Object.values(inputs)[0] as TensorData | undefined;
    const rows = first?.dims[0] ?? 0;
    this.rows += rows;
    if (rows > this.sampleRows && this.sampleRows < this.batchSize && this.masker.isReal(inputs)) {
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
