import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  checkStudyFolder,
  loadStudy,
  optionField,
  parseBudget,
  parseDevice,
  probeWritableDir,
  runStudy,
  settingsBlock,
  type Study,
} from '@orderlens/core';
import { planStudy } from '../../util/study-plan.js';
import { INTERRUPT_POLICIES, globalFlags, interruptPolicy, ioOf } from '../../util/io.js';
import { KEEP_DENORMALS_HELP } from '../../util/options.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { runStudyOnQueue, type QueueFlags } from './distributed-options.js';
import { packageVersions } from '../../util/plugins.js';
import {
  deviceNoticesOnce,
  formatDuration,
  progressFor,
  type ProgressReporter,
} from '../../util/progress.js';
import { cliAnalysisRendering } from '../../util/analysis-rendering.js';

interface StudyRunFlags extends QueueFlags {
  out: string;
  resume?: boolean;
  device?: string;
  batchSize?: string;
  threads?: string;
  keepDenormals?: boolean;
  dryRun?: boolean;
  budget?: string;
  root?: string[];
}

/**
 * The counted flags of `study run`, one schema; `--help` and the parsing are derived from it.
 * None has a default here: the study's models, the runtime and the queue have their own.
 */
export const STUDY_RUN_OPTIONS = settingsBlock({
  batchSize: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('inputs per model call where a model names none (never changes the numbers)'),
    { argument: '<k>' },
  ),
  threads: optionField(integerFlag({ min: 1 }).optional().describe('intra-op threads of the runtime'), {
    argument: '<k>',
  }),
  attempts: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('tries per job before its model fails, with --redis (default 3)'),
    { argument: '<k>' },
  ),
});

/** `orderlens study run <file> --out <dir>`. */
export function registerStudyRun(group: Command): void {
  const cmd = group
    .command('run')
    .description(
      'run every model of a study file (YAML or JSON); one folder per study, each (model, sample) unit stored atomically',
    )
    .argument(
      '<study>',
      'study file (.yaml, .yml or .json); model and data paths are relative to it and must lie inside its folder or a --root',
    )
    .requiredOption(
      '--out <dir>',
      'study folder: study.json, status.json, models/<id>/result.json and models/<id>/run/',
    )
    .option(
      '--resume',
      'continue the study in --out (refused if the study or a model file changed), computing only unfinished units',
    )
    .option(
      '--root <dir>',
      "another folder the study's models and data may be read from, besides the study's own folder (repeatable; docs/security.md)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--device <name>', "auto | cpu | cuda | webgpu | wasm (default: the study's, else auto)");
  addBlockOptions(cmd, STUDY_RUN_OPTIONS, { keys: ['batchSize', 'threads'] })
    .option('--keep-denormals', KEEP_DENORMALS_HELP)
    .option(
      '--redis <url>',
      'run the units on workers (`orderlens worker`) through this Redis, e.g. redis://host:6379; --out must be a folder the workers share (docs/distributed.md)',
    )
    .option('--queue <name>', 'queue name, with --redis (default orderlens)');
  addBlockOptions(cmd, STUDY_RUN_OPTIONS, { keys: ['attempts'] })
    .option(
      '--dry-run',
      "check the study file and print every model's plan (settings, model calls, time measured on a short warm-up of the model); run nothing, write nothing",
    )
    .option(
      '--budget <calls|time>',
      'refuse to start when the models left need more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
    );
  cmd.action(async (file: string, flags: StudyRunFlags, command: Command) => {
    const io = ioOf(command);
    // Each (model, sample) is a unit: the one under way is dropped, the finished ones stay.
    interruptPolicy(command, INTERRUPT_POLICIES.dropSample);
    const t0 = performance.now();
    // The whole study is checked (file, line and field on error) before anything is written.
    // A study file may come from someone else: it reads only under its folder and the --roots.
    const roots = (flags.root ?? []).map((d) => {
      if (!existsSync(d) || !statSync(d).isDirectory())
        throw new OrderlensInputError(
          '--root',
          `${d} is not a folder; expected a folder the study may read from`,
        );
      return resolve(d);
    });
    const study = loadStudy(file, { roots });
    const device = flags.device !== undefined ? parseDevice(flags.device) : undefined;
    const { batchSize, threads, attempts } = parseBlockFlags(STUDY_RUN_OPTIONS, {
      batchSize: flags.batchSize,
      threads: flags.threads,
      attempts: flags.attempts,
    });
    const budget = flags.budget !== undefined ? parseBudget(flags.budget) : undefined;
    if (budget && flags.redis !== undefined && !flags.dryRun)
      throw new OrderlensInputError(
        '--budget',
        'with --redis the units run on the workers, whose cost is not planned here; check the plan with --dry-run instead',
      );
    if (flags.dryRun) {
      io.stdout(formatPlan(study));
      // Every model left, counted and timed (a folder given with --resume plans what is left).
      await planStudy(study, resolve(flags.out), { device, batchSize, threads }, budget, io.stdout);
      return;
    }
    // A folder that holds another study, or this one without --resume, is refused before the
    // plan's warm-up opens and times every model.
    checkStudyFolder(study, resolve(flags.out), { resume: flags.resume === true });
    // On workers the units run elsewhere, on other machines: the cost is theirs to plan.
    if (flags.redis === undefined)
      await planStudy(
        study,
        resolve(flags.out),
        { device, batchSize, threads, keepDenormals: flags.keepDenormals === true },
        budget,
        (m) => (globalFlags(command).quiet ? undefined : io.stderr(m)),
        flags.resume === true,
      );
    const out = probeWritableDir(resolve(flags.out), '--out');
    // The units on workers, the aggregation here (same code, same numbers as below).
    if (flags.redis !== undefined)
      return runStudyOnQueue(
        study,
        out,
        { ...flags, attempts },
        { device, batchSize, threads, keepDenormals: flags.keepDenormals === true },
        command,
      );
    let progress: ProgressReporter | undefined;
    const onceDevice = deviceNoticesOnce();
    const summary = await runStudy(study, {
      out,
      resume: flags.resume === true,
      device,
      batchSize,
      threads,
      keepDenormals: flags.keepDenormals === true,
      packages: packageVersions(),
      signal: io.signal,
      rendering: cliAnalysisRendering,
      onEvent: (e) => {
        const log = (m: string) => (progress ? progress.log(m) : io.stderr(`${m}\n`));
        if (e.type === 'warning') log(`warning: ${e.message}`);
        else if (e.type === 'log') onceDevice(e.message, log);
        else if (e.type === 'model-skipped') log(`model ${e.index + 1}/${e.models} ${e.id}: done already`);
        else if (e.type === 'model-started') {
          progress?.finish();
          progress = progressFor(command, {
            label: `model ${e.index + 1}/${e.models} ${e.id}`,
            unit: 'samples',
          });
          if (e.resumed > 0) progress.log(`${e.id}: resuming, ${e.resumed} of ${e.samples} samples done`);
          progress.update(e.resumed, e.samples);
        } else if (e.type === 'unit') {
          progress?.update(e.status.models.find((m) => m.id === e.id)?.done ?? e.sample + 1, e.samples);
        } else if (e.type === 'model-done') {
          progress?.finish();
          progress = undefined;
          const J = e.result.aggregate.strength.J;
          io.stdout(
            `${e.id}: ${e.result.samples.length} samples, n = ${e.result.n}, ${e.result.estimator.name}, ${e.result.modelCalls.total} model calls; ` +
              `J(m) by ratio ${e.result.ratios.map((r, k) => `${+r.toFixed(3)}:${J[k].toFixed(3)}`).join(' ')}\n`,
          );
        } else if (e.type === 'model-failed') {
          progress?.finish();
          progress = undefined;
          io.stderr(`error: model ${e.id} failed: ${e.error.message}\n`);
        }
      },
    });
    progress?.finish();
    const s = summary.status.totals;
    io.stdout(
      `study ${study.name}: ${s.done}/${s.models} models done${s.failed ? `, ${s.failed} failed` : ''}; ` +
        `this run computed ${summary.computedUnits} sample units with ${summary.modelCalls} model calls ` +
        `in ${formatDuration((performance.now() - t0) / 1000)}; wrote ${out}\n`,
    );
    // Exit 1 naming what failed; the finished models and units stay for a --resume.
    if (summary.failed.length)
      throw new Error(
        `${summary.failed.length} of ${s.models} models failed (${summary.failed.map((f) => f.id).join(', ')}); fix them and run again with --resume`,
      );
  });
}

/** One line per model: what `study run` would compute (for `--dry-run`). */
export function formatPlan(study: Study): string {
  const lines = study.models.map((m) => {
    const p = m.plan;
    const sel = p.selection;
    const samples = `${sel.rule === 'correct' ? 'correct' : 'any'} samples${sel.samples !== undefined ? ` ≤ ${sel.samples}` : ''}${sel.perClass !== undefined ? `, ≤ ${sel.perClass} per class` : ''}`;
    const est = Object.entries(p.estimatorOptions)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    return (
      `  ${m.id}: ${m.modality} ${m.model.path} (sha256 ${m.model.sha256.slice(0, 12)}…), seed ${m.seed}, ` +
      `${p.protocol} → ${p.estimatorName}${est ? ` (${est})` : ''}${p.pairs ? `, pairs ${p.pairs.name}` : ''}, ${samples}, reward ${m.reward}`
    );
  });
  return `study ${study.name} (${study.source.display}): ${study.models.length} models, hash ${study.hash.slice(0, 12)}…\n${lines.join('\n')}\n`;
}
