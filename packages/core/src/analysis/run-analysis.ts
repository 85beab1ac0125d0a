import type { ModalitySession, SelectionSpec } from '../adapter/modality-adapter.js';
import { requireInput } from '../errors/errors.js';
import type { Estimator } from '../estimators/estimator.js';
import { ModelGame } from '../game/model-game.js';
import type { PairStrategy } from '../pairs/pair-strategy.js';
import { RESULT_SCHEMA, type InteractionResult, type SampleResult } from '../result/interaction-result.js';
import type { RewardName } from '../reward/reward.js';
import { addCallCounts, emptyCallCounts, ModelGateway, type CallCounts } from '../runtime/model-gateway.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import { aggregateSamples } from './aggregate.js';
import { interruptedRun, markRunComplete, openAnalysisRun } from './analysis-run.js';
import type { RunStore } from './run-store.js';
import { selectSamples, type SelectedSamples } from './select-samples.js';

/** What an analysis tells its caller while it runs (the CLI renders these). */
export type AnalysisEvent =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'selected'; readonly samples: number; readonly resumed: number }
  | {
      readonly type: 'progress';
      readonly sample: number;
      readonly samples: number;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'sample';
      readonly sample: number;
      readonly samples: number;
      readonly id: string;
      readonly modelCalls: number;
    };

/** Options of {@link runAnalysis}. */
export interface AnalysisOptions {
  /** The modality's id (recorded). */
  readonly modality: string;
  readonly session: ModalitySession;
  readonly model: OpenedModel;
  readonly estimator: Estimator<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Parsed estimator options (`estimator.options` already applied). */
  readonly estimatorOptions: Record<string, unknown>;
  readonly pairs?: PairStrategy;
  readonly selection: SelectionSpec;
  readonly reward: RewardName;
  readonly seed: number | string;
  /** Coalitions per model call (default 256). Never changes the numbers. */
  readonly batchSize?: number;
  /** Coalitions per request from the estimator to the game (memory bound). Never changes the numbers. */
  readonly chunkSize?: number;
  /** Memoised values per sample beyond the dense range (see the Evaluator). */
  readonly cacheLimit?: number;
  /** Resumable run folder: `<out>/run/`; without it nothing is stored. */
  readonly run?: { readonly out: string; readonly resume: boolean; readonly command?: string };
  /**
   * Everything else that determines the numbers (adapter options, protocol name): fingerprinted,
   * so a resume with other settings is refused.
   */
  readonly fingerprint?: Record<string, unknown>;
  /** Options as given, for the result's provenance. */
  readonly options?: Record<string, unknown>;
  /** Package versions for the provenance (`@orderlens/core` → `0.1.0`, …). */
  readonly packages?: Record<string, string>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AnalysisEvent) => void;
}

/** A stored sample: its result block and the calls it cost (by purpose). */
interface StoredSample {
  readonly sample: SampleResult;
  readonly calls: Partial<CallCounts>;
}

/** A stored selection: the samples chosen and the calls choosing them cost. */
interface StoredSelection {
  readonly selection: Omit<SelectedSamples, 'warnings'> & { warnings: string[] };
  readonly calls: Partial<CallCounts>;
}

/**
 * One analysis of one model on one modality: select samples (predictions counted as
 * `selection`), estimate each sample with the estimator (every coalition through an Evaluator,
 * counted as `estimation`), store each finished sample atomically, aggregate, and return the
 * `orderlens/interaction-result@2` document. With `run`, a resume skips finished samples (and
 * the selection), refuses changed settings or a changed model, and the result's `modelCalls`
 * are the totals over every process that worked on the run.
 */
export async function runAnalysis(options: AnalysisOptions): Promise<InteractionResult> {
  const t0 = performance.now();
  const emit = options.onEvent ?? (() => undefined);
  const { session, model, estimator } = options;
  const batchSize = options.batchSize ?? 256;
  requireInput(
    Number.isInteger(batchSize) && batchSize > 0,
    '--batch-size',
    `expected a positive integer, got ${batchSize}`,
  );
  const store: RunStore | undefined = options.run
    ? openAnalysisRun({
        out: options.run.out,
        command: options.run.command ?? `analyze ${options.modality}`,
        resume: options.run.resume,
        model: { file: model.file, sha256: model.sha256 },
        fingerprint: {
          modality: options.modality,
          estimator: { name: estimator.name, options: options.estimatorOptions },
          pairs: options.pairs ? { name: options.pairs.name, parameters: options.pairs.parameters } : null,
          selection: options.selection,
          reward: options.reward,
          seed: options.seed,
          data: session.data,
          details: session.details,
          ...(options.fingerprint ?? {}),
        },
      })
    : undefined;

  const gateway = new ModelGateway();
  const total = emptyCallCounts();

  // Selection: stored as a unit, so a resume neither repeats nor changes it.
  let stored = store?.get<StoredSelection>('selection');
  if (!stored) {
    const before = gateway.calls;
    const sel = await selectSamples(
      session,
      gateway.wrap(model.runner, 'selection'),
      options.selection,
      batchSize,
    );
    stored = { selection: sel, calls: diff(gateway.calls, before) };
    store?.put('selection', stored);
  }
  const selection = stored.selection;
  addCallCounts(total, stored.calls);
  for (const w of selection.warnings) emit({ type: 'warning', message: w });
  const S = selection.indices.length;
  const unitOf = (s: number) => `sample-${s}`;
  const resumed = store ? selection.indices.filter((_, s) => store.has(unitOf(s))).length : 0;
  emit({ type: 'selected', samples: S, resumed });

  const samples: SampleResult[] = new Array<SampleResult>(S);
  let orders: number[] | undefined;
  let ratios: number[] | undefined;
  let n: number | undefined;
  for (let s = 0; s < S; s++) {
    const k = selection.indices[s];
    const done = store?.get<StoredSample>(unitOf(s));
    if (done) {
      requireInput(
        done.sample.index === k,
        '--resume',
        `sample ${s} of the run is candidate ${done.sample.index}, but the selection now gives ${k}; rerun without --resume into another --out`,
      );
      samples[s] = done.sample;
      addCallCounts(total, done.calls);
      continue;
    }
    if (options.signal?.aborted) throw interruptedRun(store!, countDone(store, S, unitOf), S);
    const before = gateway.calls;
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
      const game = new ModelGame(players.masker, gateway.wrap(players.runner ?? model.runner, 'estimation'), {
        reward: { name: options.reward, label },
        batchSize,
        cacheLimit: options.cacheLimit,
        signal: options.signal,
      });
      const est = await estimator.estimate(game, options.estimatorOptions, {
        seed: options.seed,
        sampleIndex: s,
        players: players.descriptor,
        pairs: options.pairs,
        chunkSize: options.chunkSize,
        signal: options.signal,
        onProgress: (d, t) => emit({ type: 'progress', sample: s, samples: S, done: d, total: t }),
      });
      const { orders: o, ratios: r, ...rest } = est;
      const calls = diff(gateway.calls, before);
      const sample: SampleResult = {
        id,
        index: k,
        label,
        players: players.descriptor as SampleResult['players'],
        ...rest,
        modelCalls: calls.total ?? 0,
      };
      n ??= nn;
      orders ??= o;
      ratios ??= r;
      samples[s] = sample;
      addCallCounts(total, calls);
      store?.put(unitOf(s), { sample, calls } satisfies StoredSample);
      emit({ type: 'sample', sample: s, samples: S, id, modelCalls: sample.modelCalls });
    } catch (e) {
      if (options.signal?.aborted && store)
        throw interruptedRun(
          store,
          countDone(store, S, unitOf),
          S,
          `sample ${s + 1} (${id}), which was under way,`,
        );
      throw withSample(e, id);
    } finally {
      await players.dispose?.();
    }
  }
  n ??= samples[0].players.n;
  ({ orders, ratios } =
    orders && ratios ? { orders, ratios } : estimator.orders(n, options.estimatorOptions));
  for (const [s, smp] of samples.entries())
    requireInput(
      smp.players.n === n,
      `samples[${s}]`,
      `has ${smp.players.n} players, the others ${n}: results over different player counts are not averaged`,
    );

  const result: InteractionResult = {
    schema: RESULT_SCHEMA,
    modality: options.modality,
    estimator: { name: estimator.name, options: options.estimatorOptions },
    ...(options.pairs ? { pairs: { name: options.pairs.name, parameters: options.pairs.parameters } } : {}),
    reward: options.reward,
    n,
    orders,
    ratios,
    samples,
    aggregate: aggregateSamples(samples, n, orders, ratios),
    selection: {
      rule: selection.rule,
      candidates: selection.candidates,
      ...(selection.correct !== undefined ? { correct: selection.correct } : {}),
      ...(selection.accuracy !== undefined ? { accuracy: selection.accuracy } : {}),
      ...(selection.requested !== undefined ? { requested: selection.requested } : {}),
      warnings: selection.warnings,
    },
    modelCalls: total,
    provenance: {
      packages: options.packages ?? {},
      model: { file: model.file, sha256: model.sha256, format: model.format, backend: model.runner.backend },
      data: session.data,
      options: options.options ?? {},
      seed: options.seed,
      device: model.device,
      createdAt: new Date().toISOString(),
      wallTimeMs: performance.now() - t0,
    },
  };
  if (store) markRunComplete(store, S);
  return result;
}

function diff(after: CallCounts, before: CallCounts): CallCounts {
  const out = emptyCallCounts();
  for (const k of ['selection', 'estimation', 'feature-map-prefix', 'attack'] as const)
    out[k] = after[k] - before[k];
  out.total = after.total - before.total;
  return out;
}

function countDone(store: RunStore | undefined, S: number, unitOf: (s: number) => string): number {
  if (!store) return 0;
  let c = 0;
  for (let s = 0; s < S; s++) if (store.has(unitOf(s))) c++;
  return c;
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
