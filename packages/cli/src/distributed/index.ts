/*
 * Studies on many machines (docs/distributed.md): a coordinator enqueues a study's units on a
 * BullMQ queue in Redis, workers compute them into the shared study folder. BullMQ is a CLI
 * concern; core's study and analysis units do the work, unchanged.
 */
export * from './jobs.js';
export * from './redis.js';
export * from './roots.js';
export * from './write-once.js';
export * from './warm-models.js';
export * from './job-runner.js';
export * from './worker.js';
export * from './coordinator.js';
export * from './queue-status.js';
