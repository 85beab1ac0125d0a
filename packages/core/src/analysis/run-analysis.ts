import type { ModalitySession, SelectionSpec } from '../adapter/modality-adapter.js';
import type { Estimator } from '../estimators/estimator.js';
import type { PairStrategy } from '../pairs/pair-strategy.js';
import type { InteractionResult } from '../result/interaction-result.js';
import type { RewardName } from '../reward/reward.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import { analysisResult } from './analysis-result.js';
import { interruptedRun, markRunComplete } from './analysis-run.js';
import {
  checkBatchSize,
  computeSample,
  computeSelection,
  countSamplesDone,
  openAnalysisStore,
  sampleUnitId,
  storedSample,
  type StoredSample,
} from './analysis-units.js';

/** What an analysis tells its caller while it runs (the CLI renders these). */
export type AnalysisEvent =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'selected'; readonly samples: number; readonly resumed: number }
  | {
      readonly type: 'progress';
      readonly sample: number;
      readonly samples: number;
      /** Work done and total within the sample, in the estimator's own unit. */
      readonly done: number;
      readonly total: number;
      /** Model rows this sample has cost so far. */
      readonly modelCalls: number;
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
  readonly run?: {
    readonly out: string;
    readonly resume: boolean;
    readonly command?: string;
    /**
     * Writes the finished result (e.g. `<out>/result.json` with pictures added). Called before
     * the run is marked complete, so a crash while writing leaves a run that `--resume` finishes
     * without model calls, never a "complete" run without its result. Its return value is what
     * {@link runAnalysis} returns.
     */
    readonly finish?: (result: InteractionResult) => InteractionResult | Promise<InteractionResult>;
  };
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

/**
 * One analysis of one model on one modality: select samples (predictions counted as
 * `selection`), estimate each sample with the estimator (every coalition through an Evaluator,
 * counted as `estimation`), store each finished sample atomically, aggregate, and return the
 * `orderlens/interaction-result@3` document. With `run`, a resume skips finished samples (and
 * the selection), refuses changed settings or a changed model, and the result's `modelCalls`
 * are the totals over every process that worked on the run.
 *
 * It is the three steps a study or a worker also calls one at a time:
 * {@link computeSelection}, {@link computeSample} per sample, {@link analysisResult}.
 */
export async function runAnalysis(options: AnalysisOptions): Promise<InteractionResult> {
  const t0 = performance.now();
  const emit = options.onEvent ?? (() => undefined);
  checkBatchSize(options);
  const store = openAnalysisStore(options);
  const selected = await computeSelection(options, store);
  for (const w of selected.selection.warnings) emit({ type: 'warning', message: w });
  const S = selected.selection.indices.length;
  const resumed = store ? selected.selection.indices.filter((_, s) => store.has(sampleUnitId(s))).length : 0;
  emit({ type: 'selected', samples: S, resumed });
  const units: StoredSample[] = new Array<StoredSample>(S);
  for (let s = 0; s < S; s++) {
    const done = storedSample(store, selected, s);
    if (done) {
      units[s] = done;
      continue;
    }
    if (options.signal?.aborted) throw interruptedRun(store!, countSamplesDone(store, S), S);
    units[s] = await computeSample(options, selected, s, store);
  }
  const computed = analysisResult(options, selected, units, { wallTimeMs: performance.now() - t0 });
  // The result is written first, the completion marker after it (see `run.finish`).
  const result = options.run?.finish ? await options.run.finish(computed) : computed;
  if (store) markRunComplete(store, S);
  return result;
}
