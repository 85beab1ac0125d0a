import type { Command } from 'commander';
import { optionField, parseDevice, settingsBlock } from '@orderlens/core';
import {
  DEFAULT_QUEUE,
  WorkerRoots,
  parseRedisUrl,
  redactRedisUrl,
  startStudyWorker,
  type WorkerEvent,
} from '@orderlens/distributed';
import { globalFlags, ioOf } from '../../util/io.js';
import { KEEP_DENORMALS_HELP } from '../../util/options.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
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

/** The counted flags of `worker`, one schema; `--help` and the parsing are derived from it. */
export const WORKER_OPTIONS = settingsBlock({
  concurrency: optionField(
    integerFlag({ min: 1 })
      .prefault('1')
      .describe('jobs at once (jobs of one model still run one after another)'),
    { argument: '<k>' },
  ),
  threads: optionField(integerFlag({ min: 1 }).optional().describe('intra-op threads of the runtime'), {
    argument: '<k>',
  }),
  batchSize: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('inputs per model call where a model names none (never changes the numbers)'),
    { argument: '<k>' },
  ),
  warmModels: optionField(
    integerFlag({ min: 1 })
      .prefault('4')
      .describe('opened models kept between jobs (least recently used closed first)'),
    { argument: '<k>' },
  ),
  lockMs: optionField(
    integerFlag({ min: 200 })
      .prefault('30000')
      .describe(
        "how long a job's lock lasts without renewal: a dead worker's job is taken up after about this long",
      ),
    { argument: '<ms>' },
  ),
});

/**
 * `orderlens worker --redis URL --root <dir>`: computes the units of distributed studies
 * (docs/distributed.md) until Ctrl-C or SIGTERM, which let the jobs under way finish.
 */
export function register(program: Command): void {
  const cmd = program
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
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE);
  addBlockOptions(cmd, WORKER_OPTIONS, { keys: ['concurrency'] }).option(
    '--device <name>',
    "auto | cpu | cuda | webgpu | wasm (default: the study's, else auto)",
  );
  addBlockOptions(cmd, WORKER_OPTIONS, { keys: ['threads'] }).option('--keep-denormals', KEEP_DENORMALS_HELP);
  addBlockOptions(cmd, WORKER_OPTIONS, { keys: ['batchSize', 'warmModels', 'lockMs'] });
  cmd.action(async (flags: WorkerFlags, command: Command) => {
    const io = ioOf(command);
    const redis = parseRedisUrl(flags.redis);
    const roots = new WorkerRoots(flags.root);
    const { concurrency, threads, batchSize, warmModels, lockMs } = parseBlockFlags(WORKER_OPTIONS, {
      concurrency: flags.concurrency,
      threads: flags.threads,
      batchSize: flags.batchSize,
      warmModels: flags.warmModels,
      lockMs: flags.lockMs,
    });
    const quiet = globalFlags(command).quiet;
    const log = (m: string) => {
      if (!quiet) io.stderr(`${m}\n`);
    };
    const worker = await startStudyWorker({
      redis,
      queue: flags.queue,
      roots,
      concurrency,
      device: flags.device !== undefined ? parseDevice(flags.device) : undefined,
      threads,
      keepDenormals: flags.keepDenormals === true,
      batchSize,
      warmModels,
      lockDurationMs: lockMs,
      packages: packageVersions(),
      log,
      onEvent: (e) => log(describe(e)),
    });
    log(
      `worker ${worker.name} on ${redactRedisUrl(redis)} queue ${flags.queue}; roots ${roots.dirs.join(', ')}; concurrency ${concurrency}`,
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
