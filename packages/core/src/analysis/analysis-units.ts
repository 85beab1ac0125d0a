import { optionName } from '../errors/option-names.js';
import { requireInput } from '../errors/errors.js';
import { ModelGame } from '../game/model-game.js';
import type { SampleResult } from '../result/interaction-result.js';
import { ModelGateway, type CallCounts } from '../runtime/model-gateway.js';
import { interruptedRun, openAnalysisRun, SELECTION_UNIT } from './analysis-run.js';
import type { RunStore } from './run-store.js';
import type { AnalysisOptions } from './run-analysis.js';
import { selectSamples, type SelectedSamples } from './select-samples.js';

/*
 * The units of an analysis, each computable on its own: the selection (which candidates are
 * analysed) and one unit per selected sample. `runAnalysis` runs them in order in one process;
 * a study runs them per model, and a worker can run any one of them given the same options —
 * every sample draws its randomness from `seed` and its own index, so the numbers do not depend
 * on who computes it, in which order, or after how many restarts.
 */

export { SELECTION_UNIT };

/** Unit id of sample `s` (its position in the selection) in an analysis run store. */
export function sampleUnitId(s: number): string {
  return `sample-${s}`;
}

/** A stored selection: the samples chosen and the calls choosing them cost. */
export interface StoredSelection {
  readonly selection: Omit<SelectedSamples, 'warnings'> & { warnings: string[] };
  readonly calls: Partial<CallCounts>;
}

/** A stored sample: its result block, the calls it cost (by purpose), and what it reported. */
export interface StoredSample {
  readonly sample: SampleResult;
  readonly calls: Partial<CallCounts>;
  /** Orders and ratios the estimator reported (absent in units written before they were kept). */
  readonly orders?: number[];
  readonly ratios?: number[];
  /** Wall time of this unit, for ETAs (not part of the numbers). */
  readonly wallTimeMs?: number;
}

/** Refuses a batch size that is not a positive integer (before any work). */
export function checkBatchSize(options: Pick<AnalysisOptions, 'batchSize'>): number {
  const batchSize = options.batchSize ?? 256;
  requireInput(
    Number.isInteger(batchSize) && batchSize > 0,
    'batchSize',
    `expected a positive integer, got ${batchSize}`,
  );
  return batchSize;
}

/**
 * Everything that determines an analysis's numbers, as fingerprinted into its run store: a
 * resume (or a worker joining the run) with anything else is refused.
 */
export function analysisFingerprint(options: AnalysisOptions): Record<string, unknown> {
  const { session, estimator } = options;
  return {
    modality: options.modality,
    estimator: { name: estimator.name, options: options.estimatorOptions },
    pairs: options.pairs ? { name: options.pairs.name, parameters: options.pairs.parameters } : null,
    selection: options.selection,
    reward: options.reward,
    seed: options.seed,
    data: session.data,
    details: session.details,
    ...(options.fingerprint ?? {}),
  };
}

/** Opens the run store of `options.run` (`<out>/run/`), or returns undefined without one. */
export function openAnalysisStore(options: AnalysisOptions): RunStore | undefined {
  if (!options.run) return undefined;
  return openAnalysisRun({
    out: options.run.out,
    command: options.run.command ?? `analyze ${options.modality}`,
    resume: options.run.resume,
    model: { file: options.model.file, sha256: options.model.sha256 },
    fingerprint: analysisFingerprint(options),
  });
}

/**
 * The selection unit: read from `store` when finished, else computed (model predictions counted
 * as `selection`) and stored, so a resume neither repeats nor changes it.
 */
export async function computeSelection(options: AnalysisOptions, store?: RunStore): Promise<StoredSelection> {
  const stored = store?.get<StoredSelection>(SELECTION_UNIT);
  if (stored) return stored;
  const gateway = new ModelGateway();
  const runner = gateway.wrap(options.model.runner, 'selection');
  // Labels the data does not give are the model's predictions, counted as `labels`.
  await options.session.predictLabels?.(gateway.wrap(options.model.runner, 'labels'));
  const sel = await selectSamples(options.session, runner, options.selection, checkBatchSize(options));
  const unit: StoredSelection = { selection: sel, calls: gateway.calls };
  store?.put(SELECTION_UNIT, unit);
  return unit;
}

/**
 * The finished unit of sample `s`, or undefined. A unit whose candidate is not the one the
 * selection now gives is refused (the data changed under the run).
 */
export function storedSample(
  store: RunStore | undefined,
  selected: StoredSelection,
  s: number,
): StoredSample | undefined {
  const done = store?.get<StoredSample>(sampleUnitId(s));
  if (!done) return undefined;
  const k = selected.selection.indices[s];
  requireInput(
    done.sample.index === k,
    'resume',
    `sample ${s} of the run is candidate ${done.sample.index}, but the selection now gives ${k}; rerun without ${optionName('resume')} into another ${optionName('out')}`,
  );
  return done;
}

/** Number of finished sample units of a run of `S` samples. */
export function countSamplesDone(store: RunStore | undefined, S: number): number {
  if (!store) return 0;
  let c = 0;
  for (let s = 0; s < S; s++) if (store.has(sampleUnitId(s))) c++;
  return c;
}

/**
 * Computes ONE sample unit — sample `s` of the selection — and stores it in `store` (atomically)
 * when given: players (extra model calls counted as the adapter records them), the estimator
 * through a {@link ModelGame} (counted as `estimation`), limits checked first. It does not look
 * at what is already stored; callers skip finished units with {@link storedSample}.
 */
export async function computeSample(
  options: AnalysisOptions,
  selected: StoredSelection,
  s: number,
  store?: RunStore,
): Promise<StoredSample> {
  const t0 = performance.now();
  const emit = options.onEvent ?? (() => undefined);
  const { session, model, estimator } = options;
  const batchSize = checkBatchSize(options);
  const S = selected.selection.indices.length;
  requireInput(Number.isInteger(s) && s >= 0 && s < S, 'sample', `expected 0 ≤ sample < ${S}, got ${s}`);
  const k = selected.selection.indices[s];
  const gateway = new ModelGateway();
  // A no-op when the selection ran in this process; after a resume, this sample's label only.
  await session.predictLabels?.(gateway.wrap(model.runner, 'labels'), [k]);
  const { id, label } = session.candidate(k);
  let players;
  try {
    players = await session.players(k, gateway);
  } catch (e) {
    throw withSample(e, id);
  }
  try {
    const lim = estimator.limits;
    const nn = players.descriptor.n;
    requireInput(
      lim.maxPlayers === undefined || nn <= lim.maxPlayers,
      'players',
      `sample ${id} has ${nn} players; the ${estimator.name} estimator handles at most ${lim.maxPlayers}`,
    );
    requireInput(
      lim.minPlayers === undefined || nn >= lim.minPlayers,
      'players',
      `sample ${id} has ${nn} players; the ${estimator.name} estimator needs at least ${lim.minPlayers}`,
    );
    // The estimator reports per request (thousands of coalitions); a slow model (a 224×224
    // MobileNet on WebAssembly) can spend minutes on one. Each finished model batch re-sends the
    // last fraction with the fresh call count, at most once a second, so the line keeps moving.
    let last = { done: 0, total: 0, at: performance.now() };
    const progress = (done: number, total: number) => {
      last = { done, total, at: performance.now() };
      emit({ type: 'progress', sample: s, samples: S, done, total, modelCalls: gateway.calls.total ?? 0 });
    };
    const game = new ModelGame(players.masker, gateway.wrap(players.runner ?? model.runner, 'estimation'), {
      reward: { name: options.reward, label },
      batchSize,
      cacheLimit: options.cacheLimit,
      signal: options.signal,
      onLogits: () => {
        if (performance.now() - last.at >= 1000) progress(last.done, Math.max(last.total, 1));
      },
    });
    const est = await estimator.estimate(game, options.estimatorOptions, {
      seed: options.seed,
      sampleIndex: s,
      players: players.descriptor,
      pairs: options.pairs,
      chunkSize: options.chunkSize,
      signal: options.signal,
      onProgress: progress,
    });
    const { orders, ratios, ...rest } = est;
    const calls = gateway.calls;
    const sample: SampleResult = {
      id,
      index: k,
      label,
      players: players.descriptor as SampleResult['players'],
      ...rest,
      modelCalls: calls.total ?? 0,
    };
    const unit: StoredSample = {
      sample,
      calls,
      orders,
      ratios,
      wallTimeMs: performance.now() - t0,
    };
    store?.put(sampleUnitId(s), unit);
    emit({ type: 'sample', sample: s, samples: S, id, modelCalls: sample.modelCalls });
    return unit;
  } catch (e) {
    if (options.signal?.aborted && store)
      throw interruptedRun(
        store,
        countSamplesDone(store, S),
        S,
        `sample ${s + 1} (${id}), which was under way,`,
      );
    throw withSample(e, id);
  } finally {
    await players.dispose?.();
  }
}

/** Adds the sample id to an error's message, keeping its type (input errors stay input errors). */
function withSample(e: unknown, id: string): unknown {
  if (
    e instanceof Error &&
    !e.message.includes(id) &&
    e.name !== 'AbortError' &&
    e.name !== 'InterruptedError'
  )
    e.message = `${e.message} (sample ${id})`;
  return e;
}
