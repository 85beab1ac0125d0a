/**
 * `@orderlens/distributed` — studies on many machines (docs/distributed.md). A coordinator
 * ({@link runStudyDistributed}) enqueues a study's units on a BullMQ queue in Redis; workers
 * ({@link startStudyWorker}) take them and compute them into the shared study folder with
 * core's own unit functions, unchanged, so the numbers are those of a local run. The
 * `orderlens` CLI wires `orderlens worker` and `orderlens study run --redis` to this package;
 * it holds no command-line code itself (no option parsing, no terminal output).
 *
 * @packageDocumentation
 */
export {
  DEFAULT_QUEUE,
  JOB_KINDS,
  jobId,
  jobPayloadSchema,
  parseJobPayload,
  runKey,
  sampleJobSchema,
  selectionJobSchema,
  type JobKind,
  type JobOutcome,
  type JobPayload,
  type SampleJob,
  type SelectionJob,
} from './jobs.js';
export { parseRedisUrl, redactRedisUrl, redisConnection } from './redis.js';
export { WorkerRoots } from './roots.js';
export { writeJsonOnce } from './write-once.js';
export { WarmModels } from './warm-models.js';
export { StudyJobRunner, type JobRunnerOptions, type UnitProgress } from './job-runner.js';
export { startStudyWorker, type StudyWorker, type StudyWorkerOptions, type WorkerEvent } from './worker.js';
export {
  runStudyDistributed,
  type DistributedEvent,
  type DistributedRunOptions,
  type DistributedRunSummary,
} from './coordinator.js';
export { readQueueStatus, readStudyQueueStatus, type QueueStatus } from './queue-status.js';
