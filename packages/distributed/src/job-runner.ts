import { statSync } from 'node:fs';
import {
  OrderlensInputError,
  SELECTION_UNIT,
  computeSample,
  computeSelection,
  loadStudy,
  openStudyModel,
  readStudyManifest,
  sampleUnitId,
  storedSample,
  studyModel,
  type AnalysisEvent,
  type DeviceName,
  type StoredSelection,
  type Study,
  type StudyManifest,
  type StudyModelSession,
} from '@orderlens/core';
import { parseJobPayload, type JobOutcome, type JobPayload } from './jobs.js';
import type { WorkerRoots } from './roots.js';
import { WarmModels } from './warm-models.js';
import { writeJsonOnce } from './write-once.js';

/** Options of {@link StudyJobRunner}. */
export interface JobRunnerOptions {
  /** Folders the worker may read (every path of a job and of its study must lie inside). */
  readonly roots: WorkerRoots;
  /** Device policy of this worker (overrides the study's; default: the study's, else auto). */
  readonly device?: DeviceName;
  readonly threads?: number;
  readonly batchSize?: number;
  /** Opened models kept warm between jobs (default 4). */
  readonly warmModels?: number;
  readonly packages?: Record<string, string>;
  /** The worker's name, recorded in each job's outcome. */
  readonly name: string;
  /** Runtime fallbacks and adapter warnings. */
  readonly log?: (message: string) => void;
}

/** Progress of the unit a job computes. */
export interface UnitProgress {
  readonly done: number;
  readonly total: number;
}

/** A study model opened by a worker, with a slot for the progress of its current job. */
interface WarmModel {
  readonly ctx: StudyModelSession;
  listen?: (e: AnalysisEvent) => void;
  dispose(): Promise<void>;
}

/**
 * Runs the jobs of distributed studies, without knowing about the queue: checks the payload
 * and every path against the roots, opens the study model (kept warm), and computes the unit
 * with core's own unit functions — the code of a local run — writing it at most once. A unit
 * already in the store is left as is and reported as such (`wrote: false`), so a job run
 * twice, or a unit a local run finished, costs no model call and writes nothing.
 */
export class StudyJobRunner {
  private readonly models: WarmModels<WarmModel>;
  /** Studies read, by study file: a job stream of one study reads and hashes it once. */
  private readonly studies = new Map<string, { mtimeMs: number; study: Study }>();

  constructor(private readonly options: JobRunnerOptions) {
    this.models = new WarmModels(options.warmModels ?? 4);
  }

  /** Keys of the models held warm (sha256 of the model file first). */
  warmKeys(): string[] {
    return this.models.keys();
  }

  /**
   * Runs the job `name` with payload `data`.
   *
   * @throws {@link OrderlensInputError} for a job that can never succeed (unknown kind, bad
   * payload, a path outside the roots, a study folder or model that changed, a sample out of
   * range); other errors may succeed on a retry.
   */
  async run(name: string, data: unknown, onProgress?: (p: UnitProgress) => void): Promise<JobOutcome> {
    const t0 = performance.now();
    const job = parseJobPayload(name, data);
    const { study, dir, manifest } = this.studyOf(job);
    const m = studyModel(study, job.modelId);
    // A model with a path outside the roots was neither opened nor hashed by the loader.
    if (m.refused)
      throw m.refused instanceof OrderlensInputError
        ? m.refused
        : new OrderlensInputError(`models[${m.index}]`, m.refused.message);
    this.options.roots.checkModel(m);
    const was = manifest.models.find((x) => x.id === m.id);
    if (!was || was.model.sha256 !== m.model.sha256)
      throw new OrderlensInputError(
        'job.modelId',
        `model "${m.id}" (${m.model.file}) is not the model the study in ${dir} was started with; refused`,
      );
    // The model's bytes first, so a replaced file is never served from a warm entry.
    const key = `${m.model.sha256}:${study.hash}:${m.id}:${dir}`;
    return this.models.use(
      key,
      () => this.open(study, dir, m.id),
      async (warm) => {
        warm.listen = (e) => {
          if (e.type === 'progress') onProgress?.({ done: e.done, total: e.total });
        };
        try {
          const r = await this.compute(warm.ctx, job);
          return {
            ...r,
            kind: job.kind,
            modelId: m.id,
            wallTimeMs: performance.now() - t0,
            worker: this.options.name,
          };
        } finally {
          warm.listen = undefined;
        }
      },
    );
  }

  /** Disposes every warm model. */
  dispose(): Promise<void> {
    return this.models.dispose();
  }

  private async compute(
    ctx: StudyModelSession,
    job: JobPayload,
  ): Promise<Pick<JobOutcome, 'wrote' | 'modelCalls' | 'samples' | 'sampleIndex'>> {
    // Units other workers wrote since this model was opened.
    ctx.store.refresh();
    if (job.kind === 'selection') {
      const stored = ctx.store.get<StoredSelection>(SELECTION_UNIT);
      if (stored) return { wrote: false, modelCalls: 0, samples: stored.selection.indices.length };
      // Computed without the store, then written once: two workers on one selection agree
      // (it is deterministic) and only the first file stays.
      const unit = await computeSelection(ctx.analysis);
      const wrote = writeJsonOnce(ctx.store.unitPath(SELECTION_UNIT), unit);
      ctx.store.refresh();
      return { wrote, modelCalls: unit.calls.total ?? 0, samples: unit.selection.indices.length };
    }
    const s = job.sampleIndex;
    const selected = ctx.store.get<StoredSelection>(SELECTION_UNIT);
    // Not an input error: the coordinator enqueues samples after the selection, and a shared
    // file system may show the selection's file a moment late — a retry finds it.
    if (!selected) throw new Error(`model "${ctx.model.id}" has no selection unit yet`);
    const S = selected.selection.indices.length;
    if (s >= S)
      throw new OrderlensInputError(
        'job.sampleIndex',
        `model "${ctx.model.id}" has ${S} samples; sample ${s} does not exist`,
      );
    if (storedSample(ctx.store, selected, s)) return { wrote: false, modelCalls: 0, sampleIndex: s };
    const unit = await computeSample(ctx.analysis, selected, s);
    const wrote = writeJsonOnce(ctx.store.unitPath(sampleUnitId(s)), unit);
    ctx.store.refresh();
    return { wrote, modelCalls: unit.sample.modelCalls, sampleIndex: s };
  }

  /** The study folder of a job, its manifest and the study, every path checked against the roots. */
  private studyOf(job: JobPayload): { study: Study; dir: string; manifest: StudyManifest } {
    const { roots } = this.options;
    const dir = roots.resolve(job.studyDir, 'job.studyDir');
    const manifest = readStudyManifest(dir, 'job.studyDir');
    if (manifest.studyHash !== job.studyHash)
      throw new OrderlensInputError(
        'job.studyHash',
        `${dir} holds the study "${manifest.name}" with another hash than the job's; refused`,
      );
    const file = roots.resolve(manifest.file, 'study.json file');
    const mtimeMs = statSync(file).mtimeMs;
    let hit = this.studies.get(file);
    if (!hit || hit.mtimeMs !== mtimeMs || hit.study.hash !== manifest.studyHash) {
      // The study's own paths are confined to the roots while it is read, before any model file
      // is opened or hashed (a model outside the roots is refused unread).
      hit = {
        mtimeMs,
        study: loadStudy(file, {
          roots: roots.dirs,
          studyFolder: false,
          perModel: true,
          hint: 'start the worker with another --root to allow it',
        }),
      };
      this.studies.set(file, hit);
    }
    if (hit.study.hash !== manifest.studyHash)
      throw new OrderlensInputError(
        'job.studyHash',
        `${file} changed since the study in ${dir} was started (another hash); refused`,
      );
    return { study: hit.study, dir, manifest };
  }

  private async open(study: Study, dir: string, id: string): Promise<WarmModel> {
    const warm: { listen?: (e: AnalysisEvent) => void } = {};
    const ctx = await openStudyModel(study, dir, id, {
      device: this.options.device,
      threads: this.options.threads,
      batchSize: this.options.batchSize,
      packages: this.options.packages,
      log: this.options.log,
      onEvent: (e) => warm.listen?.(e),
    });
    return Object.assign(warm, { ctx, dispose: () => ctx.dispose() });
  }
}
