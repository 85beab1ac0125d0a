import { existsSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  InterruptedError,
  checkBudget,
  describeWork,
  formatSeconds,
  markRunComplete,
  openAnalysisRun,
  openModel,
  type RunStore,
  writeJsonAtomic,
  type DeviceName,
  type ModalityAdapter,
  type RewardName,
  type AnalysisBudget,
  type SelectionSpec,
} from '@orderlens/core';
import {
  dynamicsRunUnits,
  planModelDynamics,
  runModelDynamics,
  type DynamicsCost,
  type DynamicsResult,
} from '@orderlens/core/dynamics';
import { checkpointSeriesIdentity, type FolderCheckpoint } from '@orderlens/runtime-tfjs';
import { globalFlags, ioOf } from '../../util/io.js';
import { packageVersions } from '../../util/plugins.js';
import { progressFor } from '../../util/progress.js';
import { writeDynamicsFigures, type DynamicsFigures } from './dynamics-plots.js';

/** Everything one dynamics run needs, checked by the caller before it is built. */
export interface DynamicsRunRequest {
  readonly command: Command;
  readonly adapter: ModalityAdapter;
  readonly adapterOptions: Record<string, unknown>;
  /** The checkpoints, in epoch order (`readCheckpointFolder`). */
  readonly folder: readonly FolderCheckpoint[];
  /** The field checkpoint errors name (`--checkpoints`, `--series`). */
  readonly field: string;
  readonly selection: SelectionSpec;
  /** Candidates given instead of chosen by `selection` (`orderlens mislabeled`'s groups). */
  readonly candidates?: readonly number[];
  readonly reward: RewardName;
  readonly andOr: {
    readonly preset: 'orderlens' | 'authors';
    readonly niter: number;
    readonly qthres?: number;
    readonly lr?: number;
    readonly shiftEmpty?: boolean;
  };
  readonly device: DeviceName;
  readonly threads?: number;
  readonly batchSize: number;
  /** Output folder (already probed writable). */
  readonly out: string;
  /** Epochs drawn in the distribution figure. */
  readonly curves: number;
  /** Recorded in the document's provenance. */
  readonly options: Record<string, unknown>;
  /**
   * Where finished checkpoints are kept ({@link openDynamicsRunStore}), and the prefix of this
   * run's unit names in it (two groups of `orderlens mislabeled` share one store).
   */
  readonly store?: { readonly run: RunStore; readonly prefix?: string };
}

/**
 * The run store of a dynamics command, `<out>/run/`: one unit per measured checkpoint, written
 * atomically as it is finished. Opened before any model, so that a fresh run into an unfinished
 * run, or a `--resume` with other options (the series — its files' hashes —, the modality and its
 * options, and `fingerprint`: everything else that changes the numbers, not `--batch-size` or
 * `--threads`), is refused before work starts. As for `analyze`
 * (`openAnalysisRun`), a finished run (marked by {@link finishDynamicsRunStore}) is replaced by a
 * run without `--resume`.
 */
export function openDynamicsRunStore(
  command: string,
  out: string,
  series: {
    /** The checkpoint folder as given. */
    readonly checkpoints: string;
    readonly folder: readonly FolderCheckpoint[];
    readonly adapter: ModalityAdapter;
    readonly adapterOptions: Record<string, unknown>;
  },
  fingerprint: Record<string, unknown>,
  resume: boolean,
): RunStore {
  return openAnalysisRun({
    out,
    command,
    resume,
    fingerprint: {
      checkpoints: resolve(series.checkpoints),
      series: checkpointSeriesIdentity(series.folder),
      modality: series.adapter.name,
      adapterOptions: series.adapterOptions,
      ...fingerprint,
    },
  });
}

/** Marks the run finished, after its documents were written. */
export function finishDynamicsRunStore(store: RunStore): void {
  markRunComplete(store, store.size);
}

/**
 * The options as recorded in `dynamics.json`: absolute paths (the series or checkpoint folder, a
 * sentences file) become paths relative to the output folder, so a committed document names no
 * machine's directories and still leads from where it lies to what it measured.
 */
export function portableOptions(options: Record<string, unknown>, out: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [
      k,
      typeof v === 'string' && isAbsolute(v) ? relative(out, v) || '.' : v,
    ]),
  );
}

/** Figure paths relative to the output folder they are written into (see {@link portableOptions}). */
function portableOutputs(figures: DynamicsFigures, out: string): DynamicsFigures {
  const rel = (f: { svg: string; png: string }) => ({
    svg: isAbsolute(f.svg) ? relative(out, f.svg) : f.svg,
    png: isAbsolute(f.png) ? relative(out, f.png) : f.png,
  });
  return {
    distribution: rel(figures.distribution),
    paradigms: rel(figures.paradigms),
    losses: rel(figures.losses),
    sigma2: rel(figures.sigma2),
  };
}

/** How a dynamics command plans its run ({@link planDynamicsRun}). */
export interface DynamicsPlanRequest extends Omit<DynamicsRunRequest, 'store' | 'curves' | 'options'> {
  /** Refuse a plan above it (`--budget`). */
  readonly budget?: AnalysisBudget;
  /** Print the plan on stdout (and nothing on stderr): `--dry-run`. */
  readonly dryRun?: boolean;
  /** A `--resume`: checkpoints already stored in `<out>/run/` cost nothing but their check. */
  readonly resume?: boolean;
  /** Prefix of this run's unit names in the store (see {@link DynamicsRunRequest.store}). */
  readonly prefix?: string;
  /** What the plan line is called (`plan`, `plan (relabelled)`). */
  readonly label?: string;
}

/**
 * The plan of a dynamics run (`planModelDynamics`: model calls per checkpoint, the selection, the
 * same-model check, the time from a warm-up of the last checkpoint and of the AND-OR optimiser),
 * printed before any file is written and checked against `--budget`. Called before the run store
 * is opened, so a refused plan leaves `--out` without a run.
 */
export async function planDynamicsRun(r: DynamicsPlanRequest): Promise<DynamicsCost> {
  const io = ioOf(r.command);
  const done = r.resume
    ? r.folder.filter((c) =>
        existsSync(join(r.out, 'run', 'units', `${r.prefix ?? ''}epoch-${c.epoch}.json`)),
      ).length
    : 0;
  const cost = await planModelDynamics({
    checkpoints: r.folder.map((c) => ({
      epoch: c.epoch,
      source: c.file,
      open: () => openModel({ spec: c.file, device: r.device, threads: r.threads, field: r.field }),
    })),
    openSession: (model) => r.adapter.open({ options: r.adapterOptions, model, signal: io.signal }),
    selection: r.selection,
    ...(r.candidates ? { candidates: r.candidates } : {}),
    reward: r.reward,
    andOr: r.andOr,
    batchSize: r.batchSize,
    signal: io.signal,
    checkpointsDone: done,
  });
  const line =
    describeWork(cost, r.label ?? 'plan') +
    (cost.secondsPerCall !== undefined
      ? ` (${formatSeconds(1 / cost.secondsPerCall, 'rate')} model calls/s at batch ${r.batchSize}, measured on ${cost.warmupRows} warm-up rows; AND-OR optimiser about ${formatSeconds(cost.optimiserSecondsPerCheckpoint)} per checkpoint, included)`
      : '');
  if (r.dryRun) io.stdout(`${line}\n`);
  else if (!globalFlags(r.command).quiet) io.stderr(`${line}\n`);
  if (r.budget)
    checkBudget(cost, r.budget, '--budget', 'use fewer --samples, checkpoints or --niter, or raise --budget');
  return cost;
}

/**
 * Runs `runModelDynamics` over a checkpoint folder with progress on stderr, then writes the
 * figures and `dynamics.json` into `out` (shared by `orderlens dynamics` and `reproduce
 * two-phase`). Ctrl-C stops after the current step and writes nothing.
 */
export async function runDynamicsToFolder(
  r: DynamicsRunRequest,
): Promise<{ result: DynamicsResult; path: string }> {
  const io = ioOf(r.command);
  const K = r.folder.length;
  const progress = progressFor(r.command, { label: 'dynamics', total: K, unit: 'checkpoints' });
  progress.log(`dynamics: ${K} checkpoints (epochs ${r.folder.map((c) => c.epoch).join(', ')})`);
  let result: DynamicsResult;
  try {
    result = await runModelDynamics({
      modality: r.adapter.name,
      checkpoints: r.folder.map((c) => ({
        epoch: c.epoch,
        source: relative(process.cwd(), c.file) || basename(c.file),
        architecture: c.architecture,
        losses: c.losses,
        open: () => openModel({ spec: c.file, device: r.device, threads: r.threads, field: r.field }),
      })),
      openSession: (model) =>
        r.adapter.open({
          options: r.adapterOptions,
          model,
          signal: io.signal,
          // Every checkpoint opens the data; say a warning once.
          warn: (() => {
            const said = new Set<string>();
            return (m: string) => {
              if (!said.has(m)) io.stderr(`warning: ${m}\n`);
              said.add(m);
            };
          })(),
        }),
      selection: r.selection,
      ...(r.candidates ? { candidates: r.candidates } : {}),
      reward: r.reward,
      andOr: r.andOr,
      batchSize: r.batchSize,
      signal: io.signal,
      packages: packageVersions(),
      options: portableOptions(r.options, r.out),
      ...(r.store ? { store: dynamicsRunUnits(r.store.run, r.store.prefix) } : {}),
      onEvent: (e) => {
        if (e.type === 'warning') io.stderr(`warning: ${e.message}\n`);
        else if (e.type === 'selected')
          progress.log(`chose ${e.samples} samples with the checkpoint of epoch ${e.epoch}`);
        else if (e.type === 'tables' && e.resumed)
          progress.log(
            `checkpoint ${e.index + 1}: the table of sample ${e.sample + 1} reused from ${r.store!.run.dir} (--resume)`,
          );
        else if (e.type === 'checkpoint') {
          const c = e.result;
          const gap = c.losses.lossGap;
          if (e.resumed) progress.log(`epoch ${c.epoch}: read from ${r.store!.run.dir} (--resume)`);
          else
            progress.log(
              `epoch ${c.epoch}: ${c.andOr.salientCount} salient interactions, ${c.modelCalls} model calls` +
                (gap !== null ? `, loss gap ${gap.toFixed(4)}` : '') +
                ` (${(c.wallTimeMs / 1000).toFixed(1)}s)`,
            );
          progress.update(e.index + 1);
        }
      },
    });
  } catch (e) {
    if (io.signal.aborted)
      throw new InterruptedError(
        r.store
          ? `interrupted: dynamics stopped before every checkpoint was measured; the finished ones are in ${r.store.run.dir}, rerun with --resume to continue`
          : 'interrupted: dynamics stopped before every checkpoint was measured; nothing was written',
      );
    throw e;
  } finally {
    progress.finish();
  }
  const figures = portableOutputs(await writeDynamicsFigures(result, r.out, r.curves), r.out);
  // The session's data source is a path when the data came from a file (the text series' sentences).
  const data = result.fingerprint.data;
  if (typeof data === 'string' && isAbsolute(data))
    result = { ...result, fingerprint: { ...result.fingerprint, data: relative(r.out, data) } };
  const path = join(r.out, 'dynamics.json');
  writeJsonAtomic(path, { ...result, outputs: figures });
  return { result: { ...result, outputs: { ...figures } }, path };
}
