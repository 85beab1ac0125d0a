import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ModalitySession } from '../adapter/modality-adapter.js';
import { analysisResult } from '../analysis/analysis-result.js';
import { finishAnalysis, type AnalysisRendering } from '../analysis/finish-analysis.js';
import { markRunComplete, openAnalysisRun } from '../analysis/analysis-run.js';
import {
  finishedPlan,
  planAnalysisCost,
  storedRunProgress,
  type AnalysisCost,
} from '../analysis/cost-plan.js';
import {
  analysisFingerprint,
  computeSample,
  sampleUnitId,
  computeSelection,
  storedSample,
  type StoredSample,
  type StoredSelection,
} from '../analysis/analysis-units.js';
import { resultAdapterOptions } from '../analysis/plan.js';
import {
  checkNoiseOptions,
  computeNoiseUnit,
  noiseUnitId,
  withNoiseMeasure,
  type StoredNoiseUnit,
} from '../measures/run-noise-sensitivity.js';
import type { RunStore } from '../analysis/run-store.js';
import type { AnalysisEvent, AnalysisOptions } from '../analysis/run-analysis.js';
import { OrderlensInputError } from '../errors/errors.js';
import { estimators } from '../estimators/registry.js';
import { pairStrategy } from '../pairs/strategies.js';
import type { InteractionResult } from '../result/interaction-result.js';
import type { DeviceName } from '../runtime/device-policy.js';
import { openModel, type OpenedModel } from '../runtime/runner-registry.js';
import type { Study, StudyModel } from './load-study.js';
import { studyPaths } from './study-folder.js';
import { locateError } from './study-source.js';
import { flagName } from '../adapter/option-values.js';
import { ANALYSIS_SETTING_KEYS } from '../analysis/plan.js';

/**
 * How a study's models are opened and run, shared by a local run, its models and a distributed
 * run's aggregation; none of it changes the numbers.
 */
export interface StudyRunSettings {
  /** Overrides the study's device. */
  readonly device?: DeviceName;
  readonly threads?: number;
  /** Keep denormal floats (ONNX Runtime flushes them by default; see OpenModelRequest). */
  readonly keepDenormals?: boolean;
  /** Coalitions per model call (the model's own `batchSize`, else this, else 256). */
  readonly batchSize?: number;
  /** Package versions, for the manifest and the results' provenance. */
  readonly packages?: Record<string, string>;
}

/** Options of {@link openStudyModel}. */
export interface OpenStudyModelOptions extends StudyRunSettings {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AnalysisEvent) => void;
  /** Fallback messages of the runtime, adapter warnings. */
  readonly log?: (message: string) => void;
}

/**
 * One model of a study, opened: the model, its adapter session and its run store
 * (`<out>/models/<id>/run/`). Everything a unit needs; open once per model and process (a
 * worker keeps it for every job of the model), then {@link StudyModelSession.dispose}.
 */
export interface StudyModelSession {
  readonly study: Study;
  readonly model: StudyModel;
  /** The study folder. */
  readonly out: string;
  readonly opened: OpenedModel;
  readonly session: ModalitySession;
  readonly store: RunStore;
  /** The options `runAnalysis` would get for this model. */
  readonly analysis: AnalysisOptions;
  /** Warnings the adapter gave while opening (kept in the result). */
  readonly warnings: readonly string[];
  dispose(): Promise<void>;
}

/** The model `id` of a study, or an input error listing the ids. */
export function studyModel(study: Study, id: string): StudyModel {
  const m = study.models.find((x) => x.id === id);
  if (!m)
    throw new OrderlensInputError(
      'model',
      `the study has no model "${id}"; its models: ${study.models.map((x) => x.id).join(', ')}`,
    );
  return m;
}

/**
 * Opens model `id` of a study whose folder `out` is already open ({@link openStudyFolder}):
 * the model through the runner registry (one device policy), the adapter's session, and its
 * run store — continued when it exists, refused when its settings or model bytes changed.
 * Adapter errors that name an option (`--grid`) are reported at the study line that set it.
 */
export async function openStudyModel(
  study: Study,
  out: string,
  id: string,
  options: OpenStudyModelOptions = {},
): Promise<StudyModelSession> {
  const m = studyModel(study, id);
  const paths = studyPaths(out);
  const { plan } = m;
  const warnings: string[] = [];
  const opened = await openModel({
    spec: m.model.file,
    device: options.device ?? study.device ?? 'auto',
    threads: options.threads,
    keepDenormals: options.keepDenormals,
    log: options.log,
    field: `models[${m.index}].model`,
  }).catch((e: unknown) => {
    throw locateError(study.source, e);
  });
  let session: ModalitySession | undefined;
  try {
    session = await plan.adapter
      .open({
        options: plan.adapterOptions,
        model: opened,
        signal: options.signal,
        warn: (msg) => {
          warnings.push(msg);
          options.log?.(`warning: ${m.id}: ${msg}`);
        },
      })
      .catch((e: unknown) => {
        throw locateError(study.source, asStudyField(e, m, study));
      });
    const analysis = studyAnalysisOptions(study, m, opened, session, options);
    if (m.noise)
      try {
        checkNoiseOptions({ ...analysis, noise: m.noise });
      } catch (e) {
        // The schema checked δ and the draws: what is left is the adapter (a text model on a
        // runtime that cannot edit its graph cannot perturb its embeddings).
        const where = `${study.file.models[m.index]?.noise ? `models[${m.index}]` : `defaults.${m.modality}`}.noise`;
        throw e instanceof OrderlensInputError
          ? new OrderlensInputError(where, `${e.message.slice(e.field.length + 2)} (model "${m.id}")`)
          : e;
      }
    const runDir = paths.run(m.id);
    const store = openAnalysisRun({
      out: paths.modelDir(m.id),
      command: `study ${m.modality}`,
      // Continue what is there (workers and restarts share the store); never wipe it.
      resume: existsSync(join(runDir, 'manifest.json')),
      model: { file: opened.file, sha256: opened.sha256 },
      fingerprint: analysisFingerprint(analysis),
    });
    const s = session;
    return {
      study,
      model: m,
      out: paths.dir,
      opened,
      session: s,
      store,
      analysis,
      warnings,
      dispose: async () => {
        try {
          await s.dispose?.();
        } finally {
          await opened.runner.dispose();
        }
      },
    };
  } catch (e) {
    await session?.dispose?.();
    await opened.runner.dispose();
    throw e;
  }
}

/** The options `runAnalysis` would get for study model `m` (shared by a run and its plan). */
function studyAnalysisOptions(
  study: Study,
  m: StudyModel,
  opened: OpenedModel,
  session: ModalitySession,
  options: OpenStudyModelOptions,
): AnalysisOptions {
  const { plan } = m;
  const estimator = estimators.get(plan.estimatorName);
  const batchSize = m.batchSize ?? options.batchSize ?? 256;
  return {
    modality: plan.adapter.name,
    session,
    model: opened,
    estimator,
    estimatorOptions: plan.estimatorOptions,
    pairs: plan.pairs ? pairStrategy(plan.pairs) : undefined,
    selection: plan.selection,
    reward: m.reward,
    seed: m.seed,
    batchSize,
    cacheLimit: 250_000,
    // The same fingerprint `orderlens analyze` (or `noise-sensitivity`) gives its run, under the
    // study's command name.
    fingerprint: {
      protocol: plan.protocol,
      adapterOptions: resultAdapterOptions(plan),
      ...(m.noise ? { noise: m.noise } : {}),
    },
    options: {
      protocol: plan.protocol,
      ...plan.adapterOptions,
      batchSize,
      device: options.device ?? study.device ?? 'auto',
    },
    packages: options.packages,
    signal: options.signal,
    onEvent: options.onEvent,
  };
}

/**
 * The plan of study model `id` ({@link planAnalysisCost}): opens the model and its session,
 * counts one sample's calls, times the model, and closes them again; nothing is written. A model
 * with `noise` counts its draws; with `resume`, a model whose run in `out` holds finished samples
 * plans the rest (a finished one plans nothing and opens no model).
 */
export async function planStudyModel(
  study: Study,
  out: string,
  id: string,
  options: OpenStudyModelOptions = {},
  resume = true,
): Promise<AnalysisCost> {
  const m = studyModel(study, id);
  const { plan } = m;
  const resumed = resume
    ? storedRunProgress(
        studyPaths(out).modelDir(m.id),
        m.noise ? (s) => [sampleUnitId(s), noiseUnitId(s)] : undefined,
      )
    : undefined;
  if (resumed?.samples !== undefined && resumed.samplesDone >= resumed.samples)
    return finishedPlan(m.batchSize ?? options.batchSize ?? 256, resumed.samplesDone);
  const opened = await openModel({
    spec: m.model.file,
    device: options.device ?? study.device ?? 'auto',
    threads: options.threads,
    keepDenormals: options.keepDenormals,
    log: options.log,
    field: `models[${m.index}].model`,
  }).catch((e: unknown) => {
    throw locateError(study.source, e);
  });
  try {
    const session = await plan.adapter
      .open({ options: plan.adapterOptions, model: opened, signal: options.signal })
      .catch((e: unknown) => {
        throw locateError(study.source, asStudyField(e, m, study));
      });
    try {
      return await planAnalysisCost(studyAnalysisOptions(study, m, opened, session, options), {
        ...(m.noise ? { noiseDraws: m.noise.draws } : {}),
        ...(resumed ? { resumed } : {}),
      });
    } finally {
      await session.dispose?.();
    }
  } finally {
    await opened.runner.dispose();
  }
}

/** An adapter's error naming a CLI flag, renamed to the study field that set the option. */
function asStudyField(e: unknown, m: StudyModel, study: Study): unknown {
  if (!(e instanceof OrderlensInputError)) return e;
  const d = m.plan.adapter.options.descriptors.find((o) => flagName(o) === e.field);
  // An adapter option that is also a shared setting (`maxPlayers`) is set at the entry's level.
  const setting = ANALYSIS_SETTING_KEYS.find((k) => k === d?.key || k === e.field);
  const key = d?.key ?? setting;
  if (!key) return e;
  const entry = study.file.models[m.index];
  const inOptions = d !== undefined && setting === undefined;
  const own = inOptions ? entry.options && key in entry.options : key in entry;
  const path = inOptions
    ? own
      ? `models[${m.index}].options.${key}`
      : `defaults.${m.modality}.options.${key}`
    : own
      ? `models[${m.index}].${key}`
      : `defaults.${m.modality}.${key}`;
  return new OrderlensInputError(path, `${e.message.slice(e.field.length + 2)} (model "${m.id}")`);
}

/**
 * The selection unit of a study model: read when finished, else computed and stored. Every
 * sample unit needs it; concurrent computations of it agree (it is deterministic) and the
 * store writes atomically.
 */
export function studySelection(ctx: StudyModelSession): Promise<StoredSelection> {
  return computeSelection(ctx.analysis, ctx.store);
}

/** Outcome of {@link computeStudyUnit}. */
export interface StudyUnitOutcome {
  readonly unit: StoredSample;
  /** False when the unit was already finished (no model call was made). */
  readonly computed: boolean;
}

/**
 * Computes ONE (model, sample) unit of a study — sample `s` of the model's selection — and
 * writes it atomically into the model's run store; a finished unit is returned as stored,
 * without a model call. Its randomness comes from the model's seed and `s` alone, so the
 * numbers equal a local run's whichever process computes it, in whatever order.
 */
export async function computeStudyUnit(ctx: StudyModelSession, s: number): Promise<StudyUnitOutcome> {
  // Another process may have finished it since this one opened the store.
  ctx.store.refresh();
  const selected = await studySelection(ctx);
  const done = storedSample(ctx.store, selected, s);
  if (done) return { unit: done, computed: false };
  return { unit: await computeSample(ctx.analysis, selected, s, ctx.store), computed: true };
}

/** Samples of a study model still to compute (after its selection). */
export async function pendingStudyUnits(ctx: StudyModelSession): Promise<number[]> {
  ctx.store.refresh();
  const selected = await studySelection(ctx);
  return selected.selection.indices
    .map((_, s) => s)
    .filter((s) => storedSample(ctx.store, selected, s) === undefined);
}

/**
 * Aggregates a study model's finished units into its `orderlens/interaction-result@3` document
 * and finishes it as `orderlens analyze` does ({@link finishAnalysis}: the adapter's pictures,
 * the rendering's plot, `<out>/models/<id>/result.json`), then marks the run complete. Refused
 * while units are missing.
 */
export async function aggregateStudyModel(
  ctx: StudyModelSession,
  rendering?: AnalysisRendering,
  /** Told the model calls of each noise unit computed here (not of those read from the store). */
  onNoiseCalls?: (calls: number) => void,
): Promise<InteractionResult> {
  const t0 = performance.now();
  ctx.store.refresh();
  const selected = await studySelection(ctx);
  const S = selected.selection.indices.length;
  const units = selected.selection.indices.map((_, s) => storedSample(ctx.store, selected, s));
  const missing = units.flatMap((u, s) => (u ? [] : [s]));
  if (missing.length)
    throw new OrderlensInputError(
      'model',
      `model "${ctx.model.id}" has ${missing.length} of ${S} samples unfinished (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''})`,
    );
  const finished = units as StoredSample[];
  const wallTimeMs = finished.reduce((a, u) => a + (u.wallTimeMs ?? 0), 0) + (performance.now() - t0);
  const analysed = analysisResult(ctx.analysis, selected, finished, { wallTimeMs });
  // Noise units (a model with `noise`) are computed here, after every sample unit, each stored as
  // it finishes: a restart or `--resume` computes only the missing ones.
  const noise = ctx.model.noise;
  let result = analysed;
  if (noise) {
    // The analysis's fingerprint has the noise already (openStudyModel).
    const options = { ...ctx.analysis, noise };
    const tNoise = performance.now();
    const units: StoredNoiseUnit[] = [];
    for (let s = 0; s < S; s++) {
      const stored = ctx.store.get<StoredNoiseUnit>(noiseUnitId(s));
      if (stored) {
        units.push(stored);
        continue;
      }
      const unit = await computeNoiseUnit(options, selected, s, ctx.store);
      onNoiseCalls?.(unit.calls.total ?? 0);
      units.push(unit);
    }
    const scale = await ctx.session.noiseScale?.();
    result = withNoiseMeasure(analysed, units, noise, wallTimeMs + (performance.now() - tNoise), scale);
  }
  const final = await finishAnalysis(result, {
    dir: studyPaths(ctx.out).modelDir(ctx.model.id),
    resultPath: studyPaths(ctx.out).result(ctx.model.id),
    session: ctx.session,
    warnings: ctx.warnings,
    modelLabel: basename(ctx.opened.file),
    rendering,
  });
  markRunComplete(ctx.store, S);
  return final;
}

/** The finished result of a study model, or undefined. */
export function readStudyResult(out: string, id: string): InteractionResult | undefined {
  const path = studyPaths(out).result(id);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as InteractionResult) : undefined;
}
