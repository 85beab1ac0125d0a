import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, type JobsOptions } from 'bullmq';
import {
  InterruptedError,
  SELECTION_UNIT,
  aggregateStudyModel,
  type AnalysisRendering,
  openStudyFolder,
  openStudyModel,
  sampleUnitId,
  studyPaths,
  writeStudyStatus,
  type InteractionResult,
  type StoredSelection,
  type Study,
  type StudyRunSettings,
  type StudyRunSummary,
  type StudyStatus,
} from '@orderlens/core';
import { DEFAULT_QUEUE, jobId, runKey, type JobPayload } from './jobs.js';
import { redisConnection } from './redis.js';

/** What a distributed study run tells its caller while it waits. */
export type DistributedEvent =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | {
      readonly type: 'progress';
      /** Sample units finished (on disk) and known in all (selections still to come count as unknown). */
      readonly done: number;
      readonly total: number;
      readonly modelsDone: number;
      readonly models: number;
      /** Jobs of the queue (all studies on it) waiting / running / failed. */
      readonly waiting: number;
      readonly active: number;
      readonly failed: number;
      /**
       * Workers connected to the queue at the last check (BullMQ's client list); undefined
       * before the first check.
       */
      readonly workers?: number;
    }
  | { readonly type: 'model-done'; readonly id: string; readonly result: InteractionResult }
  | { readonly type: 'model-failed'; readonly id: string; readonly error: string };

/** Options of {@link runStudyDistributed}. */
export interface DistributedRunOptions extends StudyRunSettings {
  /** The study folder, on a file system every worker shares (same path on every machine). */
  readonly out: string;
  readonly redis: string;
  readonly queue?: string;
  readonly resume?: boolean;
  /** Plot and picture rendering of each aggregated model (the CLI's, so results match `analyze`'s). */
  readonly rendering?: AnalysisRendering;
  // Device, threads, denormals and batch size (StudyRunSettings) are the final aggregation's:
  // workers choose their own.
  /** Aborting stops waiting; the jobs stay queued and a `--resume` collects them. */
  readonly signal?: AbortSignal;
  /** Tries per job (default 3), with exponential backoff from `backoffMs` (default 1000). */
  readonly attempts?: number;
  readonly backoffMs?: number;
  /** How often the folder is read (default 250 ms) and the queue reconciled (default 2000 ms). */
  readonly pollMs?: number;
  readonly reconcileMs?: number;
  readonly onEvent?: (e: DistributedEvent) => void;
}

/** What a distributed run did: a local run's summary plus the jobs this process enqueued. */
export interface DistributedRunSummary extends StudyRunSummary {
  readonly enqueued: number;
}

/** Where one model stands in the coordinator. */
interface ModelState {
  phase: 'pending' | 'done' | 'failed';
  /** Samples of its selection, once the selection unit is on disk. */
  samples?: number;
}

/** A completed job whose unit is still not visible after this long is enqueued again. */
const COMPLETED_BUT_MISSING_MS = 60_000;

/**
 * Runs a study on workers (`orderlens study run --redis`): opens the study folder as a local
 * run does, enqueues one selection job per model, then one job per (model, sample) once the
 * model's selection is on disk, and waits. The folder is the truth: a unit counts when its file
 * exists, whoever wrote it, so a restarted coordinator, a restarted (even emptied) Redis or a
 * dead worker cost at most a re-enqueue — job ids are fixed (`<runKey>.<model>.<sample>`), so
 * adding a job twice adds it once. When every unit of a model is there, the model is
 * aggregated here with core's `aggregateStudyModel`, the code of a local run, which gives the
 * same `result.json`. A job that failed for good (after its retries, or refused) fails its
 * model, with the job's error recorded in `status.json`; the other models go on.
 */
export async function runStudyDistributed(
  study: Study,
  options: DistributedRunOptions,
): Promise<DistributedRunSummary> {
  const emit = options.onEvent ?? (() => undefined);
  const paths = studyPaths(options.out);
  const folder = openStudyFolder(study, options.out, { resume: options.resume, packages: options.packages });
  for (const w of folder.warnings) emit({ type: 'warning', message: w });
  const key = runKey(study.hash, paths.dir);
  const connection = redisConnection(options.redis);
  const queue = new Queue(options.queue ?? DEFAULT_QUEUE, { connection });
  // While Redis is away every command waits and the connection reports each failed reconnect:
  // say so once in a while, and carry on when it is back.
  let lastError = -Infinity;
  const onError = (e: Error) => {
    if (performance.now() - lastError < 10_000) return;
    lastError = performance.now();
    emit({ type: 'warning', message: `redis: ${e.message} (waiting for it)` });
  };
  queue.on('error', onError);
  connection.on('error', onError);
  const jobOptions: JobsOptions = {
    attempts: options.attempts ?? 3,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    // Finished jobs are kept a while for `study status`; the unit files are what counts.
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  const failures: Record<string, string> = {};
  const states = new Map<string, ModelState>(study.models.map((m) => [m.id, { phase: 'pending' }]));
  const statusCache = new Map();
  const status = (state: StudyStatus['state'] = 'running') =>
    writeStudyStatus(options.out, { state, failures, pid: process.pid }, statusCache);
  const before = status().totals;
  const finished: string[] = [];
  let enqueued = 0;
  const added = new Set<string>();
  const completedSince = new Map<string, number>();
  try {
    await queue.waitUntilReady();
    // A new `study run` tries again what failed before (a fixed model file, a new root).
    for (const job of await queue.getFailed())
      if (job.id?.startsWith(`${key}.`)) await job.remove().catch(() => undefined);
    let lastReconcile = -Infinity;
    let lastStatus = 0;
    let lastDone = -1;
    let counts: Record<string, number> = {};
    let workers: number | undefined;
    for (;;) {
      const wanted: Array<{ id: string; model: string; payload: JobPayload }> = [];
      let done = 0;
      let total = 0;
      for (const m of study.models) {
        const st = states.get(m.id)!;
        if (st.phase === 'pending' && existsSync(paths.result(m.id))) {
          st.phase = 'done';
          st.samples = selectionSize(paths.run(m.id));
          emit({ type: 'log', message: `${m.id}: done already` });
        }
        if (st.phase !== 'pending') {
          const n = st.samples ?? 0;
          done += st.phase === 'done' ? n : countUnits(paths.run(m.id), n);
          total += n;
          continue;
        }
        const base = { studyDir: paths.dir, studyHash: study.hash, modelId: m.id };
        st.samples ??= selectionSize(paths.run(m.id));
        if (st.samples === undefined) {
          const payload: JobPayload = { kind: 'selection', ...base };
          wanted.push({ id: jobId(key, payload), model: m.id, payload });
          continue;
        }
        const missing = missingUnits(paths.run(m.id), st.samples);
        done += st.samples - missing.length;
        total += st.samples;
        if (missing.length === 0) {
          await aggregate(m.id);
          continue;
        }
        for (const s of missing) {
          const payload: JobPayload = { kind: 'sample', ...base, sampleIndex: s };
          wanted.push({ id: jobId(key, payload), model: m.id, payload });
        }
      }
      const open = [...states.values()].filter((s) => s.phase === 'pending').length;
      if (open === 0) {
        emit({
          type: 'progress',
          done,
          total,
          modelsDone: study.models.length,
          models: study.models.length,
          waiting: 0,
          active: 0,
          failed: 0,
        });
        break;
      }
      const now = performance.now();
      const fresh = wanted.filter((w) => !added.has(w.id));
      const freshIds = new Set(fresh.map((w) => w.id));
      if (fresh.length) {
        await queue.addBulk(
          fresh.map((w) => ({ name: w.payload.kind, data: w.payload, opts: { ...jobOptions, jobId: w.id } })),
        );
        for (const w of fresh) added.add(w.id);
        enqueued += fresh.length;
      }
      if (now - lastReconcile >= (options.reconcileMs ?? 2000)) {
        lastReconcile = now;
        await reconcile(wanted.filter((w) => !freshIds.has(w.id)));
        counts = await queue.getJobCounts('waiting', 'active', 'failed', 'delayed', 'prioritized');
        workers = (await queue.getWorkers()).length;
      }
      if (done !== lastDone || now === lastReconcile) {
        lastDone = done;
        emit({
          type: 'progress',
          done,
          total,
          modelsDone: study.models.length - open,
          models: study.models.length,
          waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          failed: counts.failed ?? 0,
          ...(workers !== undefined ? { workers } : {}),
        });
      }
      if (now - lastStatus > 1000) {
        lastStatus = now;
        status();
      }
      if (options.signal?.aborted) {
        const s = status('interrupted');
        throw new InterruptedError(
          `interrupted: ${s.totals.samplesDone} sample units saved in ${paths.dir} (${s.totals.done} models done); the jobs stay on the queue and the workers go on — run the same command with --resume to collect them`,
        );
      }
      await sleep(options.pollMs ?? 250, options.signal);
    }
  } finally {
    await queue.close().catch(() => undefined);
    await connection.quit().catch(() => connection.disconnect());
  }
  const final = status(Object.keys(failures).length ? 'failed' : 'done');
  return {
    out: paths.dir,
    resumed: folder.resumed,
    computedUnits: final.totals.samplesDone - before.samplesDone,
    modelCalls: final.totals.modelCalls - before.modelCalls,
    finished,
    failed: Object.entries(failures).map(([id, error]) => ({ id, error })),
    status: final,
    enqueued,
  };

  /** Jobs of units still missing: re-added when Redis lost them, their failures recorded. */
  async function reconcile(jobs: ReadonlyArray<{ id: string; model: string; payload: JobPayload }>) {
    for (const w of jobs) {
      if (states.get(w.model)?.phase !== 'pending') continue;
      const state = await queue.getJobState(w.id);
      if (state === 'unknown') {
        // Lost (Redis restarted without persistence, or the job expired): add it again.
        await queue.add(w.payload.kind, w.payload, { ...jobOptions, jobId: w.id });
        enqueued++;
        emit({ type: 'log', message: `re-enqueued ${w.id} (no longer on the queue)` });
      } else if (state === 'failed') {
        const job = await queue.getJob(w.id);
        const unit = w.payload.kind === 'sample' ? `sample ${w.payload.sampleIndex}` : 'selection';
        fail(w.model, `${unit}: ${job?.failedReason ?? 'failed'}`);
      } else if (state === 'completed') {
        // Done, but its file not visible here yet (a shared file system's attribute cache).
        const since = completedSince.get(w.id) ?? performance.now();
        completedSince.set(w.id, since);
        if (performance.now() - since > COMPLETED_BUT_MISSING_MS) {
          completedSince.delete(w.id);
          await (await queue.getJob(w.id))?.remove().catch(() => undefined);
          await queue.add(w.payload.kind, w.payload, { ...jobOptions, jobId: w.id });
          enqueued++;
          emit({
            type: 'warning',
            message: `${w.id} completed but its unit is not in ${paths.dir}; enqueued again`,
          });
        }
      }
    }
  }

  function fail(id: string, error: string) {
    states.get(id)!.phase = 'failed';
    failures[id] = error;
    status();
    emit({ type: 'model-failed', id, error });
  }

  /** The local run's aggregation, over the units the workers wrote. */
  async function aggregate(id: string) {
    try {
      const ctx = await openStudyModel(study, options.out, id, {
        device: options.device,
        threads: options.threads,
        keepDenormals: options.keepDenormals,
        batchSize: options.batchSize,
        packages: options.packages,
        log: (message) => emit({ type: 'log', message }),
      });
      try {
        const result = await aggregateStudyModel(ctx, options.rendering);
        states.get(id)!.phase = 'done';
        finished.push(id);
        status();
        emit({ type: 'model-done', id, result });
      } finally {
        await ctx.dispose();
      }
    } catch (e) {
      fail(id, e instanceof Error ? e.message : String(e));
    }
  }
}

/** Samples of a model's selection, when its selection unit is on disk. */
function selectionSize(runDir: string): number | undefined {
  const file = join(runDir, 'units', `${SELECTION_UNIT}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as StoredSelection).selection.indices.length;
  } catch {
    return undefined; // Never half-written (atomic), but a shared file system may lag: next tick.
  }
}

/** Sample units of `0..S-1` not on disk. */
function missingUnits(runDir: string, S: number): number[] {
  const dir = join(runDir, 'units');
  const have = new Set(existsSync(dir) ? readdirSync(dir) : []);
  const out: number[] = [];
  for (let s = 0; s < S; s++) if (!have.has(`${sampleUnitId(s)}.json`)) out.push(s);
  return out;
}

function countUnits(runDir: string, S: number): number {
  return S - missingUnits(runDir, S).length;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
