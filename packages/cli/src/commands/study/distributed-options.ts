/*
 * The `--redis` side of `study run` and `study status`: flag parsing and terminal output over
 * `@orderlens/distributed`, which holds the coordinator, the workers and the queue.
 */
import type { Command } from 'commander';
import type { Study } from '@orderlens/core';
import {
  DEFAULT_QUEUE,
  parseRedisUrl,
  readStudyQueueStatus,
  redactRedisUrl,
  runStudyDistributed,
  type DistributedRunOptions,
  type QueueStatus,
} from '@orderlens/distributed';
import { ioOf } from '../../util/io.js';
import { packageVersions } from '../../util/plugins.js';
import { formatDuration, progressFor, type ProgressReporter } from '../../util/progress.js';
import { cliAnalysisRendering } from '../../util/analysis-rendering.js';

/** The flags `study run` and `study status` have for a queue (`--redis`, `--queue`, `--attempts`). */
export interface QueueFlags {
  redis?: string;
  queue?: string;
  attempts?: string;
}

/** The queue flags of `study run` once read: `--attempts` checked by `STUDY_RUN_OPTIONS`. */
export interface QueueRunFlags extends Omit<QueueFlags, 'attempts'> {
  attempts?: number;
  resume?: boolean;
}

/**
 * `orderlens study run <file> --out <dir> --redis URL`: the study's units on workers, the
 * aggregation here; prints what a local run prints.
 */
export async function runStudyOnQueue(
  study: Study,
  out: string,
  flags: QueueRunFlags,
  local: Pick<DistributedRunOptions, 'device' | 'threads' | 'keepDenormals' | 'batchSize'>,
  command: Command,
): Promise<void> {
  const io = ioOf(command);
  const t0 = performance.now();
  const redis = parseRedisUrl(flags.redis!);
  const progress: ProgressReporter = progressFor(command, {
    label: `study ${study.name} on ${redactRedisUrl(redis)}`,
    unit: 'samples',
  });
  const hint = noWorkerHint(redactRedisUrl(redis), flags.queue ?? DEFAULT_QUEUE);
  const summary = await runStudyDistributed(study, {
    out,
    redis,
    queue: flags.queue,
    resume: flags.resume === true,
    attempts: flags.attempts,
    ...local,
    packages: packageVersions(),
    signal: io.signal,
    rendering: cliAnalysisRendering,
    onEvent: (e) => {
      if (e.type === 'warning') progress.log(`warning: ${e.message}`);
      else if (e.type === 'log') progress.log(e.message);
      else if (e.type === 'progress') {
        const message = hint(e, performance.now());
        if (message) progress.log(message);
        progress.update(e.done, e.total);
      } else if (e.type === 'model-done') {
        const J = e.result.aggregate.strength.J;
        progress.log(
          `${e.id}: ${e.result.samples.length} samples, n = ${e.result.n}, ${e.result.estimator.name}, ${e.result.modelCalls.total} model calls; ` +
            `J(m) by ratio ${e.result.ratios.map((r, k) => `${+r.toFixed(3)}:${J[k].toFixed(3)}`).join(' ')}`,
        );
      } else if (e.type === 'model-failed') progress.log(`error: model ${e.id} failed: ${e.error}`);
    },
  });
  progress.finish();
  const s = summary.status.totals;
  io.stdout(
    `study ${study.name}: ${s.done}/${s.models} models done${s.failed ? `, ${s.failed} failed` : ''}; ` +
      `workers computed ${summary.computedUnits} sample units with ${summary.modelCalls} model calls ` +
      `(${summary.enqueued} jobs enqueued) in ${formatDuration((performance.now() - t0) / 1000)}; wrote ${out}\n`,
  );
  if (summary.failed.length)
    throw new Error(
      `${summary.failed.length} of ${s.models} models failed (${summary.failed.map((f) => `${f.id}: ${f.error}`).join('; ')}); fix them and run again with --resume`,
    );
}

/**
 * The line `study run --redis` says while jobs wait and no worker is connected to the queue
 * (without it the run printed `0/0 (100%)` and waited in silence): at once, then once a minute
 * while it lasts, and once more when a worker connects.
 */
export function noWorkerHint(
  redis: string,
  queue: string,
  everyMs = 60_000,
): (e: { waiting: number; workers?: number }, now: number) => string | undefined {
  let saidAt: number | undefined;
  return (e, now) => {
    if (e.workers === undefined) return undefined;
    if (e.workers > 0) {
      if (saidAt === undefined) return undefined;
      saidAt = undefined;
      return `${e.workers} worker${e.workers > 1 ? 's' : ''} connected to queue ${queue}`;
    }
    if (e.waiting === 0 || (saidAt !== undefined && now - saidAt < everyMs)) return undefined;
    saidAt = now;
    return (
      `no worker is connected to queue ${queue} on ${redis}; ${e.waiting} job${e.waiting > 1 ? 's' : ''} wait. ` +
      `Start one on a machine that mounts the study folder: orderlens worker --redis ${redis} --root <folder>`
    );
  };
}

/** The queue lines `study status --redis` prints under the folder's table (or its JSON). */
export async function queueStatusOf(
  out: string,
  flags: QueueFlags,
): Promise<{ text: string; json: unknown }> {
  const q = await readStudyQueueStatus(parseRedisUrl(flags.redis!), out, flags.queue ?? DEFAULT_QUEUE);
  return { text: formatQueueStatus(q), json: q };
}

/** The queue status as lines under the study's table. */
export function formatQueueStatus(q: QueueStatus): string {
  const c = q.counts;
  const lines = [
    `queue ${q.queue} on ${q.redis}: ${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed (retry backoff), ${c.failed} failed, ${c.completed} completed`,
    `workers (${q.workers.length}): ${q.workers.join(', ') || 'none connected'}`,
    ...q.failed.map((f) => `  failed job ${f.id} after ${f.attempts} attempt(s): ${f.error}`),
  ];
  return lines.join('\n') + '\n';
}
