import { Queue } from 'bullmq';
import { readStudyManifest, studyPaths } from '@orderlens/core';
import { DEFAULT_QUEUE, runKey } from './jobs.js';
import { redactRedisUrl, redisConnection } from './redis.js';

/** Where a study's queue stands (`orderlens study status --redis`). */
export interface QueueStatus {
  readonly redis: string;
  readonly queue: string;
  /** Jobs of the whole queue by state (a queue may serve several studies). */
  readonly counts: {
    readonly waiting: number;
    readonly active: number;
    readonly delayed: number;
    readonly failed: number;
    readonly completed: number;
  };
  /** Workers connected to the queue now, by name. */
  readonly workers: readonly string[];
  /** This study's jobs that failed for good, with their errors. */
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: string; readonly attempts: number }>;
}

/**
 * Reads the queue of a study run: job counts, the workers connected (BullMQ names each
 * worker's Redis client), and this run's failed jobs (ids start with its run key).
 */
export async function readQueueStatus(
  redis: string,
  study: { studyHash: string; dir: string },
  queueName = DEFAULT_QUEUE,
): Promise<QueueStatus> {
  const connection = redisConnection(redis);
  // A status must not hang on an unreachable Redis: fail after a few tries instead.
  connection.options.maxRetriesPerRequest = 3;
  const queue = new Queue(queueName, { connection });
  // Failures surface as the rejected calls below; the events would only repeat them.
  queue.on('error', () => undefined);
  connection.on('error', () => undefined);
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    const clients = await queue.getWorkers();
    const workers = [
      ...new Set(
        clients.map((w) => {
          const raw = String((w as { rawname?: string }).rawname ?? w.name ?? '');
          const at = raw.indexOf(':w:');
          return at >= 0 ? raw.slice(at + 3) : `${w.addr ?? 'worker'}`;
        }),
      ),
    ].sort();
    const key = `${runKey(study.studyHash, study.dir)}.`;
    const failed = (await queue.getFailed())
      .filter((j) => j.id?.startsWith(key))
      .map((j) => ({ id: j.id!.slice(key.length), error: j.failedReason, attempts: j.attemptsMade }));
    return {
      redis: redactRedisUrl(redis),
      queue: queueName,
      counts: {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
      },
      workers,
      failed,
    };
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

/**
 * {@link readQueueStatus} of the study run whose folder is `out` (the `--out` of
 * `study run --redis`): the run key comes from the folder's `study.json`.
 *
 * @param redis - A Redis URL, checked with `parseRedisUrl` by the caller.
 * @param out - The study folder.
 * @param queueName - The queue the run was enqueued on (default {@link DEFAULT_QUEUE}).
 * @throws core's `OrderlensInputError` (naming `--out`) when `out` holds no study.
 */
export async function readStudyQueueStatus(
  redis: string,
  out: string,
  queueName = DEFAULT_QUEUE,
): Promise<QueueStatus> {
  const manifest = readStudyManifest(out);
  return readQueueStatus(redis, { studyHash: manifest.studyHash, dir: studyPaths(out).dir }, queueName);
}
