import { optionName } from '../errors/option-names.js';
import { existsSync } from 'node:fs';
import type { AnalysisRendering } from '../analysis/finish-analysis.js';
import { InterruptedError, OrderlensInputError } from '../errors/errors.js';
import type { InteractionResult } from '../result/interaction-result.js';
import type { Study } from './load-study.js';
import { openStudyFolder, studyPaths } from './study-folder.js';
import {
  aggregateStudyModel,
  computeStudyUnit,
  openStudyModel,
  studySelection,
  type StudyModelSession,
  type StudyRunSettings,
} from './study-model.js';
import { writeStudyStatus, type StudyStatus } from './study-status.js';

/** What a study run tells its caller while it runs (the CLI renders these). */
export type StudyEvent =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'model-skipped'; readonly id: string; readonly index: number; readonly models: number }
  | {
      readonly type: 'model-started';
      readonly id: string;
      readonly index: number;
      readonly models: number;
      readonly samples: number;
      readonly resumed: number;
    }
  | {
      readonly type: 'progress';
      readonly id: string;
      readonly sample: number;
      readonly samples: number;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'unit';
      readonly id: string;
      readonly sample: number;
      readonly samples: number;
      readonly modelCalls: number;
      readonly status: StudyStatus;
    }
  | { readonly type: 'model-done'; readonly id: string; readonly result: InteractionResult }
  | { readonly type: 'model-failed'; readonly id: string; readonly error: Error };

/** Options of {@link runStudy}. */
export interface RunStudyOptions extends StudyRunSettings {
  /** The study folder. */
  readonly out: string;
  /** Continue the study already in `out` (same study and model files), skipping finished units. */
  readonly resume?: boolean;
  /** Aborting stops after the unit under way (SIGINT); everything finished is kept. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: StudyEvent) => void;
  /** Plot and picture rendering of each finished model (the CLI's, so its results match `analyze`'s). */
  readonly rendering?: AnalysisRendering;
}

/** What one {@link runStudy} call did. */
export interface StudyRunSummary {
  readonly out: string;
  /** Whether it continued a study folder. */
  readonly resumed: boolean;
  /** Sample units this process computed (finished ones are never recomputed). */
  readonly computedUnits: number;
  /** Model calls (input rows) of this process, selections included. */
  readonly modelCalls: number;
  /** Models whose result this process wrote, and those that failed. */
  readonly finished: readonly string[];
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: string }>;
  readonly status: StudyStatus;
}

/**
 * Runs a study locally, model after model, unit after unit: opens (or continues) the folder
 * `out`, and for each model not yet done opens it, takes its selection, computes every sample
 * unit not yet finished (each written atomically, so a SIGKILL loses at most the unit under
 * way), aggregates it into `models/<id>/result.json`, and keeps `status.json` current. A model
 * that fails is recorded and the study goes on; an interrupt stops after the current unit with
 * an {@link InterruptedError}. Workers run the same units through {@link computeStudyUnit}.
 */
export async function runStudy(study: Study, options: RunStudyOptions): Promise<StudyRunSummary> {
  const emit = options.onEvent ?? (() => undefined);
  const paths = studyPaths(options.out);
  const folder = openStudyFolder(study, options.out, {
    resume: options.resume,
    packages: options.packages,
  });
  for (const w of folder.warnings) emit({ type: 'warning', message: w });
  const failures: Record<string, string> = {};
  const cache = new Map();
  let running: string | undefined;
  const status = (state: StudyStatus['state'] = 'running') =>
    writeStudyStatus(options.out, { state, running, failures, pid: process.pid }, cache);
  status();
  let computedUnits = 0;
  let modelCalls = 0;
  const finished: string[] = [];
  const M = study.models.length;
  for (const [index, m] of study.models.entries()) {
    if (existsSync(paths.result(m.id))) {
      emit({ type: 'model-skipped', id: m.id, index, models: M });
      continue;
    }
    if (options.signal?.aborted) throw interrupted(options.out, status('interrupted'));
    running = m.id;
    status();
    let ctx: StudyModelSession | undefined;
    try {
      ctx = await openStudyModel(study, options.out, m.id, {
        device: options.device,
        threads: options.threads,
        keepDenormals: options.keepDenormals,
        batchSize: options.batchSize,
        packages: options.packages,
        signal: options.signal,
        log: (message) => emit({ type: 'log', message }),
        onEvent: (e) => {
          if (e.type === 'progress')
            emit({
              type: 'progress',
              id: m.id,
              sample: e.sample,
              samples: e.samples,
              done: e.done,
              total: e.total,
            });
          else if (e.type === 'warning' || e.type === 'log')
            emit({ type: e.type, message: `${m.id}: ${e.message}` });
        },
      });
      const hadSelection = ctx.store.has('selection');
      const selected = await studySelection(ctx);
      if (!hadSelection) modelCalls += selected.calls.total ?? 0;
      for (const w of selected.selection.warnings) emit({ type: 'warning', message: `${m.id}: ${w}` });
      const S = selected.selection.indices.length;
      const resumed = selected.selection.indices.filter((_, s) => ctx!.store.has(`sample-${s}`)).length;
      emit({ type: 'model-started', id: m.id, index, models: M, samples: S, resumed });
      for (let s = 0; s < S; s++) {
        if (options.signal?.aborted && !ctx.store.has(`sample-${s}`))
          throw interrupted(options.out, status('interrupted'));
        const { unit, computed } = await computeStudyUnit(ctx, s);
        if (!computed) continue;
        computedUnits++;
        modelCalls += unit.sample.modelCalls;
        emit({
          type: 'unit',
          id: m.id,
          sample: s,
          samples: S,
          modelCalls: unit.sample.modelCalls,
          status: status(),
        });
      }
      // Noise units are computed while the model is aggregated: their calls are this run's too.
      const result = await aggregateStudyModel(ctx, options.rendering, (calls) => (modelCalls += calls));
      finished.push(m.id);
      running = undefined;
      status();
      emit({ type: 'model-done', id: m.id, result });
    } catch (e) {
      running = undefined;
      if (e instanceof InterruptedError || options.signal?.aborted)
        throw interrupted(options.out, status('interrupted'));
      // A bad study is refused whole before any work; what fails here fails one model.
      const error = e instanceof Error ? e : new Error(String(e));
      if (isStudyRefusal(error)) throw error;
      failures[m.id] = error.message;
      status();
      emit({ type: 'model-failed', id: m.id, error });
    } finally {
      await ctx?.dispose();
    }
  }
  const final = status(Object.keys(failures).length ? 'failed' : 'done');
  return {
    out: paths.dir,
    resumed: folder.resumed,
    computedUnits,
    modelCalls,
    finished,
    failed: Object.entries(failures).map(([id, error]) => ({ id, error })),
    status: final,
  };
}

/** A changed run or model on resume: the whole study is refused, not one model failed. */
function isStudyRefusal(e: Error): boolean {
  return e instanceof OrderlensInputError && (e.field === 'resume' || e.field === 'out');
}

function interrupted(out: string, status: StudyStatus): InterruptedError {
  return new InterruptedError(
    `interrupted: ${status.totals.samplesDone} sample units of ${status.totals.models} models saved in ${out} (${status.totals.done} models done); run the same command with ${optionName('resume')} to continue`,
  );
}
