/**
 * A job whose stored data is not JSON (written to Redis by something other than orderlens, or
 * corrupted) is failed at once by a worker, with its reason listed by the queue status — before
 * this, BullMQ's parse error escaped the job, which stayed "active" and stalled forever. Runs a
 * real redis-server and an in-process worker.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '@orderlens/core/testing';
import { jobId, runKey } from './jobs.js';
import { readQueueStatus } from './queue-status.js';
import { redisConnection } from './redis.js';
import { WorkerRoots } from './roots.js';
import { startTestRedis, type TestRedis } from './test-utils/redis-server.js';
import { startStudyWorker, type StudyWorker, type WorkerEvent } from './worker.js';

const tmp = tempDir('orderlens-malformed-');
const QUEUE = 'malformed-test';
let redis: TestRedis;
let worker: StudyWorker | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await worker?.close();
  await redis?.dispose();
  tmp.cleanup();
});

it('fails a job whose data is not JSON at once, its reason shown by the queue status', async () => {
  const study = { studyHash: 'f'.repeat(64), dir: tmp.dir };
  const id = jobId(runKey(study.studyHash, study.dir), { modelId: 'm' });
  const connection = redisConnection(redis.url);
  const queue = new Queue(QUEUE, { connection });
  try {
    await queue.add('selection', { kind: 'selection' }, { jobId: id, attempts: 3 });
    // What a hostile or broken producer leaves: the job's data field is not JSON.
    await connection.hset(`bull:${QUEUE}:${id}`, 'data', '{not json');
    const events: WorkerEvent[] = [];
    // Long locks: a job that escaped the processor would stay "active" for the whole test.
    worker = await startStudyWorker({
      redis: redis.url,
      queue: QUEUE,
      roots: new WorkerRoots([tmp.dir]),
      device: 'cpu',
      lockDurationMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    const t0 = Date.now();
    let state = '';
    while (Date.now() - t0 < 10_000) {
      state = await queue.getJobState(id);
      if (state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('failed');
    const failedEvent = events.find((e) => e.type === 'job-failed');
    expect(failedEvent).toMatchObject({ final: true, error: expect.stringMatching(/job data is not JSON/) });
    const status = await readQueueStatus(redis.url, study, QUEUE);
    expect(status.counts.active).toBe(0);
    expect(status.failed).toEqual([
      {
        id: 'm.selection',
        error: expect.stringMatching(/^job\.data: job data is not JSON .*"\{not json"/),
        attempts: 1,
      },
    ]);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}, 30_000);
