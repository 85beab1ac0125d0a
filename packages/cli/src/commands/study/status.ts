import type { Command } from 'commander';
import { OrderlensInputError, readStudyStatus, type StudyStatus } from '@orderlens/core';
import { ioOf } from '../../util/io.js';
import { queueStatusOf, type QueueFlags } from './distributed-options.js';
import { formatDuration } from '../../util/progress.js';

/** `orderlens study status <dir>`. */
export function registerStudyStatus(group: Command): void {
  group
    .command('status')
    .description('where a study folder stands: done / pending / failed per model, model calls so far, ETA')
    .argument('[dir]', 'the study folder (the --out of study run)')
    .option('--out <dir>', 'the study folder (instead of the argument)')
    .option('--json', 'print the status as JSON (orderlens/study-status@1)')
    .option('--redis <url>', 'also show the queue of a study run with --redis: depth, workers, failed jobs')
    .option('--queue <name>', 'queue name, with --redis (default orderlens)')
    .action(
      async (
        dir: string | undefined,
        flags: { out?: string; json?: boolean } & QueueFlags,
        command: Command,
      ) => {
        const io = ioOf(command);
        const out = dir ?? flags.out;
        if (out === undefined)
          throw new OrderlensInputError('dir', 'name the study folder (the --out of study run)');
        // Read from the unit files themselves, so a study killed half-way shows what is on disk.
        const status = readStudyStatus(out);
        const queue = flags.redis !== undefined ? await queueStatusOf(out, flags) : undefined;
        io.stdout(
          flags.json
            ? `${JSON.stringify(queue ? { ...status, queue: queue.json } : status, null, 2)}\n`
            : formatStatus(status, out) + (queue?.text ?? ''),
        );
      },
    );
}

/** The status as a short table. */
export function formatStatus(status: StudyStatus, out: string): string {
  const t = status.totals;
  const eta =
    status.etaMs === null
      ? 'ETA unknown until a sample finishes'
      : t.done === t.models
        ? 'finished'
        : `ETA ${status.etaComplete ? '' : '≥ '}${formatDuration(status.etaMs / 1000)}`;
  const head =
    `study ${status.name} (${out}): ${status.state}${status.pid !== undefined ? ` (pid ${status.pid})` : ''} — ` +
    `${t.done}/${t.models} models done, ${t.failed} failed, ${t.pending} pending; ` +
    `${t.samplesDone}/${t.samples} samples, ${t.modelCalls} model calls; ${eta}\n`;
  const w = Math.max(5, ...status.models.map((m) => m.id.length));
  const rows = status.models.map((m) => {
    const samples = `${m.done}/${m.samples ?? '?'}${m.samplesKnown ? '' : '?'}`;
    const mEta = m.state === 'done' ? '' : m.etaMs === null ? '' : ` ETA ${formatDuration(m.etaMs / 1000)}`;
    return (
      `  ${m.id.padEnd(w)}  ${m.modality.padEnd(10)}  ${m.state.padEnd(7)}  ${samples.padStart(7)} samples  ` +
      `${String(m.modelCalls).padStart(9)} model calls${mEta}${m.error ? `\n    error: ${m.error}` : ''}`
    );
  });
  return head + rows.join('\n') + '\n';
}
