import type { Command } from 'commander';
import { parseDevice } from '@orderlens/core';
import {
  DEFAULT_QUEUE,
  WorkerRoots,
  parseRedisUrl,
  redactRedisUrl,
  startStudyWorker,
  type WorkerEvent,
} from '@orderlens/distributed';
import { globalFlags, ioOf } from '../../util/io.js';
import { KEEP_DENORMALS_HELP, parseInteger } from '../../util/options.js';
import { packageVersions } from '../../util/plugins.js';

interface WorkerFlags {
  redis: string;
  root: string[];
  queue: string;
  concurrency?: string;
  device?: string;
  threads?: string;
  keepDenormals?: boolean;
  batchSize?: string;
  warmModels?: string;
  lockMs?: string;
}

/**
 * `orderlens worker --redis URL --root <dir>`: computes the units of distributed studies
 * (docs/distributed.md) until Ctrl-C or SIGTERM, which let the jobs under way finish.
 */
export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'take the jobs of studies run with `study run --redis` from a Redis queue and compute them into the shared study folders',
    )
    .requiredOption('--redis <url>', 'the Redis the studies are queued on, e.g. redis://host:6379')
    .requiredOption(
      '--root <dir>',
      'a folder this worker may read study folders, models and data from (repeatable); jobs naming anything outside are refused',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
    .option('--concurrency <k>', 'jobs at once (jobs of one model still run one after another)', '1')
    .option('--device <name>', "auto | cpu | cuda | webgpu | wasm (default: the study's, else auto)")
    .option('--threads <k>', 'intra-op threads of the runtime')
    .option('--keep-denormals', KEEP_DENORMALS_HELP)
    .option('--batch-size <k>', 'inputs per model call where a model names none (never changes the numbers)')
    .option('--warm-models <k>', 'opened models kept between jobs (least recently used closed first)', '4')
    .option(
      '--lock-ms <ms>',
      "how long a job's lock lasts without renewal: a dead worker's job is taken up after about this long",
      '30000',
    )
    .action(async (flags: WorkerFlags, command: Command) => {
      const io = ioOf(command);
      const redis = parseRedisUrl(flags.redis);
      const roots = new WorkerRoots(flags.root);
      const int = (v: string | undefined, field: string, min = 1) =>
        v === undefined ? undefined : parseInteger(v, field, { min });
      const quiet = globalFlags(command).quiet;
      const log = (m: string) => {
        if (!quiet) io.stderr(`${m}\n`);
      };
      const worker = await startStudyWorker({
        redis,
        queue: flags.queue,
        roots,
        concurrency: int(flags.concurrency, '--concurrency'),
        device: flags.device !== undefined ? parseDevice(flags.device) : undefined,
        threads: int(flags.threads, '--threads'),
        keepDenormals: flags.keepDenormals === true,
        batchSize: int(flags.batchSize, '--batch-size'),
        warmModels: int(flags.warmModels, '--warm-models'),
        lockDurationMs: int(flags.lockMs, '--lock-ms', 200),
        packages: packageVersions(),
        log,
        onEvent: (e) => log(describe(e)),
      });
      log(
        `worker ${worker.name} on ${redactRedisUrl(redis)} queue ${flags.queue}; roots ${roots.dirs.join(', ')}; concurrency ${flags.concurrency ?? 1}`,
      );
      // Ctrl-C (the CLI's signal) or SIGTERM (a service manager) stop taking jobs; the jobs
      // under way finish first, so nothing waits for the stalled-job check.
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        io.signal.addEventListener('abort', stop, { once: true });
        process.once('SIGTERM', stop);
        if (io.signal.aborted) stop();
      });
      log(`worker ${worker.name}: stopping after the jobs under way`);
      await worker.close();
    });
}

function describe(e: WorkerEvent): string {
  switch (e.type) {
    case 'job-started':
      return `start ${e.id} (${e.name}, attempt ${e.attempt})`;
    case 'job-done': {
      const o = e.outcome;
      return `done ${e.id}: ${o.wrote ? 'wrote the unit' : 'unit present, left as is'} (${o.modelCalls} model calls, ${(o.wallTimeMs / 1000).toFixed(2)} s)`;
    }
    case 'job-failed':
      return `failed ${e.id}: ${e.error}${e.final ? '' : ' (will retry)'}`;
    case 'error':
      return `warning: queue: ${e.message}`;
  }
}
