import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job, type JobJson } from 'bullmq';
import { OrderlensInputError } from '@orderlens/core';
import { DEFAULT_QUEUE, type JobOutcome } from './jobs.js';
import { StudyJobRunner, type JobRunnerOptions } from './job-runner.js';
import { redisConnection } from './redis.js';

/** What a worker tells its caller (`orderlens worker` prints these). */
export type WorkerEvent =
  | { readonly type: 'job-started'; readonly id: string; readonly name: string; readonly attempt: number }
  | { readonly type: 'job-done'; readonly id: string; readonly outcome: JobOutcome }
  | { readonly type: 'job-failed'; readonly id: string; readonly error: string; readonly final: boolean }
  | { readonly type: 'error'; readonly message: string };

/** Options of {@link startStudyWorker}. */
export interface StudyWorkerOptions extends Omit<JobRunnerOptions, 'name'> {
  /** Redis URL (checked with `parseRedisUrl`). */
  readonly redis: string;
  readonly queue?: string;
  /** Jobs run at once (default 1); jobs of one model still run one after another. */
  readonly concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (default 30 000 ms). A worker that dies stops
   * renewing; after this its job counts as stalled and another worker takes it up.
   */
  readonly lockDurationMs?: number;
  /** How often the stalled-job check runs (default: half the lock duration). */
  readonly stalledIntervalMs?: number;
  /** The worker's name (default `<host>:<pid>`), shown by `study status --redis`. */
  readonly name?: string;
  readonly onEvent?: (e: WorkerEvent) => void;
}

/** A started worker. */
export interface StudyWorker {
  readonly name: string;
  readonly worker: Worker;
  /** Stops taking jobs, waits for those under way, closes the models and the connection. */
  close(): Promise<void>;
}

/** Key of the stand-in data of a job whose stored data is not JSON (see {@link StudyQueueWorker}). */
const MALFORMED = 'orderlens.malformedJobData';

/**
 * A BullMQ worker that fails a job whose stored data is not JSON, at once. BullMQ parses a
 * job's data before it calls the processor; a parse error there escapes the job (it is never
 * failed, its lock expires, it stalls and is taken again, forever). Here the job is built with
 * a stand-in payload naming the parse error instead, which the processor turns into a final
 * failure with that reason (shown by `study status --redis`).
 */
class StudyQueueWorker extends Worker {
  protected override createJob(data: JobJson, jobId: string): Job {
    try {
      return super.createJob(data, jobId);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      const raw = typeof data.data === 'string' ? data.data : '';
      const reason = `job data is not JSON (${e.message}); it begins ${JSON.stringify(raw.slice(0, 60))}`;
      return super.createJob({ ...data, data: JSON.stringify({ [MALFORMED]: reason }) }, jobId);
    }
  }
}

/** The reason of a stand-in payload made by {@link StudyQueueWorker}, else undefined. */
function malformedReason(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const v = (data as Record<string, unknown>)[MALFORMED];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Starts a worker on the study queue: takes jobs (BullMQ), runs each with a
 * {@link StudyJobRunner}, reports progress on the job, and keeps models warm between jobs.
 * A job that can never succeed (an input error: unknown kind, bad payload, path outside the
 * roots) fails at once with its reason; any other error is retried with backoff by the queue.
 */
export async function startStudyWorker(options: StudyWorkerOptions): Promise<StudyWorker> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const emit = options.onEvent ?? (() => undefined);
  const runner = new StudyJobRunner({ ...options, name });
  const connection = redisConnection(options.redis);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const process_ = async (job: Job): Promise<JobOutcome> => {
    emit({ type: 'job-started', id: job.id ?? '?', name: job.name, attempt: job.attemptsMade + 1 });
    const malformed = malformedReason(job.data);
    if (malformed !== undefined) {
      // Stored data that parses, so the queue (and `study status`) can list the failed job.
      await job.updateData({ [MALFORMED]: malformed }).catch(() => undefined);
      throw new UnrecoverableError(`job.data: ${malformed}; refused`);
    }
    let last = 0;
    try {
      return await runner.run(job.name, job.data, (p) => {
        // Progress is a Redis write: a few a second are plenty for a status line.
        const now = performance.now();
        if (now - last < 500 && p.done < p.total) return;
        last = now;
        void job.updateProgress({ done: p.done, total: p.total }).catch(() => undefined);
      });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      // Retrying a refusal gives the same refusal: fail it now, with its message kept.
      if (error instanceof OrderlensInputError) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
  const worker = new StudyQueueWorker(options.queue ?? DEFAULT_QUEUE, process_, {
    connection,
    name,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
    // A job whose workers die twice in a row is failed (and recorded) rather than retried forever.
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('completed', (job, outcome: JobOutcome) =>
    emit({ type: 'job-done', id: job.id ?? '?', outcome }),
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    emit({ type: 'job-failed', id: job.id ?? '?', error: err.message, final });
  });
  // Connection errors (Redis restarting) are reported, never thrown: the worker reconnects.
  worker.on('error', (err) => emit({ type: 'error', message: err.message }));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    worker,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await runner.dispose();
        await connection.quit().catch(() => connection.disconnect());
      })()),
  };
}
