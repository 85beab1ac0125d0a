import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  loadStudy,
  optionField,
  parseBudget,
  parseDevice,
  probeWritableDir,
  readStudyResult,
  runStudy,
  settingsBlock,
  writeJsonAtomic,
  type AnalysisBudget,
  type AnalysisRendering,
  type DeviceName,
  type InteractionResult,
} from '@orderlens/core';
import { selectNetworks, type BottleneckNetwork } from '@orderlens/core/reproductions';
import { globalFlags, interruptPolicy, INTERRUPT_POLICIES, ioOf } from '../../util/io.js';
import { z } from 'zod';
import { parseList } from '../../util/options.js';
import { addBlockOptions, integerFlag, parseBlockFlags, parsedText } from '../../util/option-schema.js';
import { packageVersions } from '../../util/plugins.js';
import { planStudy } from '../../util/study-plan.js';

/** The checkout this CLI runs from (src/ and dist/ are both four levels below it). */
export function defaultRepositoryRoot(): string {
  return fileURLToPath(new URL('../../../../../', import.meta.url));
}

/**
 * The start of a reproduction's action, after its flags are read: Ctrl-C drops the sample under
 * way (finished ones stay for `--resume`), the clock of the report starts, and `--out` is checked
 * writable before any model runs.
 */
export function startReproduction(cmd: Command, outFlag: string, dryRun = false) {
  interruptPolicy(cmd, INTERRUPT_POLICIES.dropSample);
  // A dry run writes nothing, so it neither creates nor probes --out.
  const out = dryRun ? resolve(outFlag) : probeWritableDir(resolve(outFlag), '--out');
  return { io: ioOf(cmd), t0: performance.now(), out };
}

/** The flags {@link addNetworkStudyOptions} adds, with `--networks`, as commander reads them. */
export interface NetworkStudyFlags {
  networks?: string;
  root?: string;
  seed: string;
  device?: string;
  threads?: string;
  out: string;
  resume?: boolean;
  budget?: string;
  dryRun?: boolean;
}

/** The settings every reproduction over the project's networks reads the same way. */
export interface NetworkStudySettings {
  readonly networks: BottleneckNetwork[];
  readonly root: string;
  readonly seed: number;
  readonly device?: DeviceName;
  readonly threads?: number;
}

/**
 * The flags every reproduction over the project's networks shares (`reproduce bottleneck`,
 * `reproduce and-or-sparsity`), besides `--out` whose default is each command's: one schema,
 * from which {@link addNetworkStudyOptions} derives the flags, help and defaults and by which
 * {@link networkStudySettings} and {@link networkStudyPlanFlags} read them.
 */
export const NETWORK_STUDY_OPTIONS = settingsBlock({
  root: optionField(
    z
      .string()
      .optional()
      .describe('repository checkout holding fixtures/ and packages/ (default: the one this CLI runs from)'),
    { argument: '<dir>', path: true },
  ),
  networks: optionField(
    parsedText(parseList)
      .optional()
      .describe('measure only these networks (ids as in the report; default all)'),
    { argument: '<list>' },
  ),
  seed: optionField(integerFlag({ min: 0 }).prefault('0').describe('seed of every random choice'), {
    argument: '<k>',
  }),
  device: optionField(parsedText(parseDevice).optional().describe('auto | cpu | cuda | webgpu | wasm'), {
    argument: '<name>',
  }),
  threads: optionField(integerFlag({ min: 1 }).optional().describe('intra-op threads of the runtime'), {
    argument: '<k>',
    affectsResult: false,
  }),
  resume: optionField(
    z.boolean().optional().describe('continue an interrupted run in --out (finished samples are kept)'),
    {},
  ),
  budget: optionField(
    parsedText(parseBudget)
      .optional()
      .describe(
        'refuse to start when the networks left need more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
      ),
    { argument: '<calls|time>', affectsResult: false },
  ),
  dryRun: optionField(
    z
      .boolean()
      .optional()
      .describe(
        'print the plan of every network (model calls, time measured on a short warm-up of each model) and exit; writes nothing',
      ),
    { affectsResult: false },
  ),
});

/** The fields listed before `--out` in help; the others follow it. */
const BEFORE_OUT = ['root', 'networks', 'seed', 'device', 'threads'];

/** Reads `--networks` (among `from`), `--root`, `--seed`, `--device` and `--threads` (each error names its flag). */
export function networkStudySettings(
  flags: NetworkStudyFlags,
  from: readonly BottleneckNetwork[],
): NetworkStudySettings {
  const o = parseBlockFlags(NETWORK_STUDY_OPTIONS, flags);
  return {
    networks: selectNetworks(o.networks, from, '--networks'),
    root: resolve(o.root ?? defaultRepositoryRoot()),
    seed: o.seed,
    ...(o.device !== undefined ? { device: o.device } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  };
}

/** A network the reproduction could not measure, and why. */
export interface FailedNetworkRow {
  readonly network: BottleneckNetwork;
  readonly status: 'failed';
  readonly reason: string;
}

/**
 * One row per network, in order: the study result of each that finished, made into the
 * reproduction's row by `done`, or the reason it failed.
 */
export function networkRows<Row>(
  networks: readonly BottleneckNetwork[],
  studyOut: string,
  failures: ReadonlyMap<string, string>,
  done: (network: BottleneckNetwork, result: InteractionResult) => Row,
): Array<Row | FailedNetworkRow> {
  return networks.map((network) => {
    const result = failures.has(network.id) ? undefined : readStudyResult(studyOut, network.id);
    if (!result)
      return { network, status: 'failed', reason: failures.get(network.id) ?? 'no result was written' };
    return done(network, result);
  });
}

/** A failed network as the reproduction's JSON summary lists it. */
export const failedNetworkEntry = (r: FailedNetworkRow) => ({
  id: r.network.id,
  modality: r.network.modality,
  status: 'failed',
  reason: r.reason,
});

/** Named and exit 1: a network that could not be measured is never left out silently. */
export function refuseFailedNetworks(rows: ReadonlyArray<{ readonly status: string }>): void {
  const failed = rows.filter((r): r is FailedNetworkRow => r.status === 'failed');
  if (failed.length)
    throw new Error(
      `${failed.length} of ${rows.length} networks failed: ${failed.map((f) => `${f.network.id} (${f.reason})`).join('; ')}; the report lists them`,
    );
}

/** The command line a report names: `base`, then the given flags among `keys` as typed. */
export function reproductionCommand<K extends string>(
  base: string,
  flags: Partial<Record<K, string>>,
  keys: readonly K[],
): string {
  return (
    base +
    keys
      .filter((k) => flags[k] !== undefined)
      .map((k) => ` --${k} ${flags[k]}`)
      .join('')
  );
}

/** What {@link runNetworkStudy} takes: a reproduction's study of the project's networks. */
export interface NetworkStudyRun {
  /** The study document built from the network list (models under `root`). */
  readonly study: Record<string, unknown>;
  /** Networks that could not enter the study (missing files), each with the reason. */
  readonly missing: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** File name of the study document written into `out` (e.g. `bottleneck-study.json`). */
  readonly fileName: string;
  readonly out: string;
  /** The checkout (`root`), device and threads the reproduction's flags gave. */
  readonly settings: NetworkStudySettings;
  readonly resume: boolean;
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
  cmd: Command,
  run: NetworkStudyRun,
): Promise<{ studyOut: string; failures: Map<string, string> } | undefined> {
  const io = ioOf(cmd);
  const { quiet } = globalFlags(cmd);
  const { root, device, threads } = run.settings;
  const failures = new Map(run.missing.map((m) => [m.id, m.reason]));
  const studyOut = join(run.out, 'study');
  // The study names the networks under --root (the checkout); its files may lie there or in this
  // installation's own checkout (fixtures linked from it).
  const roots = [...new Set([root, resolve(defaultRepositoryRoot())])];
  const options = { ...(device ? { device } : {}), ...(threads ? { threads } : {}) };
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
    (m) => (quiet ? undefined : io.stderr(m)),
    run.resume,
  );
  const summary = await runStudy(study, {
    out: studyOut,
    resume: run.resume,
    ...(device ? { device } : {}),
    ...(threads ? { threads } : {}),
    packages: packageVersions(),
    signal: io.signal,
    ...(run.rendering ? { rendering: run.rendering } : {}),
    onEvent: (e) => {
      if (e.type === 'warning') io.stderr(`warning: ${e.message}\n`);
      else if (e.type === 'model-started' && !quiet) io.stderr(`${e.id}: ${e.samples} samples\n`);
      else if (e.type === 'model-failed') io.stderr(`error: ${e.id} failed: ${e.error.message}\n`);
    },
  });
  for (const f of summary.failed) failures.set(f.id, f.error);
  return { studyOut, failures };
}

/**
 * The options every reproduction over the project's networks shares: which networks, where the
 * checkout is, the seed, the device, the output folder and resuming it.
 */
export function addNetworkStudyOptions(cmd: Command, defaultOut: string): Command {
  const keys = NETWORK_STUDY_OPTIONS.descriptors.map((d) => d.key);
  addBlockOptions(cmd, NETWORK_STUDY_OPTIONS, { keys: BEFORE_OUT });
  cmd.option('--out <dir>', 'output directory', defaultOut);
  return addBlockOptions(cmd, NETWORK_STUDY_OPTIONS, { keys: keys.filter((k) => !BEFORE_OUT.includes(k)) });
}

/** `--budget` and `--dry-run` of a reproduction over the project's networks, parsed. */
export function networkStudyPlanFlags(flags: { budget?: string; dryRun?: boolean }): {
  budget?: AnalysisBudget;
  dryRun: boolean;
} {
  const { budget, dryRun } = parseBlockFlags(NETWORK_STUDY_OPTIONS, flags);
  return { ...(budget !== undefined ? { budget } : {}), dryRun: dryRun === true };
}
