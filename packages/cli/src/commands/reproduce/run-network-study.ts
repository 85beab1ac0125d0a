import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  loadStudy,
  parseBudget,
  runStudy,
  writeJsonAtomic,
  type AnalysisBudget,
  type AnalysisRendering,
  type DeviceName,
} from '@orderlens/core';
import type { ioOf } from '../../util/io.js';
import { packageVersions } from '../../util/plugins.js';
import { planStudy } from '../../util/study-plan.js';
import { defaultRepositoryRoot } from './bottleneck.js';

/** What {@link runNetworkStudy} takes: a reproduction's study of the project's networks. */
export interface NetworkStudyRun {
  /** The study document built from the network list (models under `root`). */
  readonly study: Record<string, unknown>;
  /** Networks that could not enter the study (missing files), each with the reason. */
  readonly missing: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** File name of the study document written into `out` (e.g. `bottleneck-study.json`). */
  readonly fileName: string;
  readonly out: string;
  /** The repository checkout the study names its models under (`--root`). */
  readonly root: string;
  readonly resume: boolean;
  readonly device?: DeviceName;
  readonly threads?: number;
  readonly quiet: boolean;
  readonly io: ReturnType<typeof ioOf>;
  /** Pictures and plots of each finished model (the CLI's, so its results match `analyze`'s). */
  readonly rendering?: AnalysisRendering;
  /** Refuse a plan above it (`--budget`), before any model is computed. */
  readonly budget?: AnalysisBudget;
  /** Print the plan of every network on stdout and write nothing (`--dry-run`). */
  readonly dryRun?: boolean;
}

/**
 * Writes the study of a reproduction and runs it into `<out>/study`, reporting progress and
 * failures on stderr. Returns that folder and every network that failed, with its reason (a
 * network that could not enter the study or whose model failed): the reproduction names each in
 * its report rather than skipping it.
 */
export async function runNetworkStudy(
  run: NetworkStudyRun,
): Promise<{ studyOut: string; failures: Map<string, string> } | undefined> {
  const { io } = run;
  const failures = new Map(run.missing.map((m) => [m.id, m.reason]));
  const studyOut = join(run.out, 'study');
  // The study names the networks under --root (the checkout); its files may lie there or in this
  // installation's own checkout (fixtures linked from it).
  const roots = [...new Set([run.root, resolve(defaultRepositoryRoot())])];
  const options = {
    ...(run.device ? { device: run.device } : {}),
    ...(run.threads ? { threads: run.threads } : {}),
  };
  if (run.dryRun) {
    for (const m of run.missing) io.stdout(`  ${m.id}: cannot run (${m.reason})\n`);
    if ((run.study.models as unknown[]).length === 0) return undefined;
    // A dry run writes nothing into --out: the study document goes to a temporary folder.
    const dir = mkdtempSync(join(tmpdir(), 'orderlens-plan-'));
    try {
      const file = join(dir, run.fileName);
      writeJsonAtomic(file, run.study);
      await planStudy(loadStudy(file, { roots }), studyOut, options, run.budget, io.stdout, run.resume);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return undefined;
  }
  if ((run.study.models as unknown[]).length === 0) return { studyOut, failures };
  const file = join(run.out, run.fileName);
  writeJsonAtomic(file, run.study);
  const study = loadStudy(file, { roots });
  // The cost of every network still to compute, before the first, and --budget checked on it.
  await planStudy(
    study,
    studyOut,
    options,
    run.budget,
    (m) => (run.quiet ? undefined : io.stderr(m)),
    run.resume,
  );
  const summary = await runStudy(study, {
    out: studyOut,
    resume: run.resume,
    ...(run.device ? { device: run.device } : {}),
    ...(run.threads ? { threads: run.threads } : {}),
    packages: packageVersions(),
    signal: io.signal,
    ...(run.rendering ? { rendering: run.rendering } : {}),
    onEvent: (e) => {
      if (e.type === 'warning') io.stderr(`warning: ${e.message}\n`);
      else if (e.type === 'model-started' && !run.quiet) io.stderr(`${e.id}: ${e.samples} samples\n`);
      else if (e.type === 'model-failed') io.stderr(`error: ${e.id} failed: ${e.error.message}\n`);
    },
  });
  for (const f of summary.failed) failures.set(f.id, f.error);
  return { studyOut, failures };
}

/**
 * The options every reproduction over the project's networks shares: where the checkout is, the
 * seed, the device, the output folder and resuming it.
 */
export function addNetworkStudyOptions(cmd: Command, defaultOut: string): Command {
  return cmd
    .option(
      '--root <dir>',
      'repository checkout holding fixtures/ and packages/ (default: the one this CLI runs from)',
    )
    .option('--seed <k>', 'seed of every random choice', '0')
    .option('--device <name>', 'auto | cpu | cuda | webgpu | wasm')
    .option('--threads <k>', 'intra-op threads of the runtime')
    .option('--out <dir>', 'output directory', defaultOut)
    .option('--resume', 'continue an interrupted run in --out (finished samples are kept)')
    .option(
      '--budget <calls|time>',
      'refuse to start when the networks left need more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
    )
    .option(
      '--dry-run',
      'print the plan of every network (model calls, time measured on a short warm-up of each model) and exit; writes nothing',
    );
}

/** `--budget` and `--dry-run` of a reproduction over the project's networks, parsed. */
export function networkStudyPlanFlags(flags: { budget?: string; dryRun?: boolean }): {
  budget?: AnalysisBudget;
  dryRun: boolean;
} {
  return {
    ...(flags.budget !== undefined ? { budget: parseBudget(flags.budget) } : {}),
    dryRun: flags.dryRun === true,
  };
}
