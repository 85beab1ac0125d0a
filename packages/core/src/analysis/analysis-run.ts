import { optionName } from '../errors/option-names.js';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InterruptedError, OrderlensInputError } from '../errors/errors.js';
import { writeJsonAtomic } from '../result/estimate-result.js';
import { RunStore } from './run-store.js';

/** The unit holding an analysis's sample selection (the samples and their labels). */
export const SELECTION_UNIT = 'selection';

/** Marker of a finished run, written after the result. */
export const RUN_COMPLETE_FILE = 'complete.json';

/** The model identity fingerprinted into a run, so a replaced model file is refused on resume. */
export interface RunModelIdentity {
  readonly file: string;
  readonly sha256: string;
}

/**
 * Opens the resumable run folder of an analysis (`<out>/run/`). A finished run (its marker
 * written after the result) is replaced by a new run without `--resume`, as a finished training
 * checkpoint is; an unfinished one is refused unless resumed, so no computed sample is lost. On
 * resume a model whose bytes changed is refused by name before anything else is compared.
 */
export function openAnalysisRun(options: {
  out: string;
  command: string;
  resume: boolean;
  model?: RunModelIdentity;
  fingerprint: Record<string, unknown>;
}): RunStore {
  const dir = join(resolve(options.out), 'run');
  if (!options.resume && existsSync(join(dir, RUN_COMPLETE_FILE))) {
    // Rename first, so a crash half-way through the removal never leaves a half run behind.
    const old = `${dir}.old-${process.pid}`;
    renameSync(dir, old);
    rmSync(old, { recursive: true, force: true });
  }
  const manifestPath = join(dir, 'manifest.json');
  if (options.resume && options.model && existsSync(manifestPath)) {
    let previous: { options?: { model?: RunModelIdentity } } | undefined;
    try {
      previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof previous;
    } catch {
      previous = undefined; // RunStore.open reports an unreadable manifest.
    }
    const was = previous?.options?.model;
    if (was && was.sha256 !== options.model.sha256)
      throw new OrderlensInputError(
        'model',
        `${options.model.file} is not the model the run in ${dir} was started with (sha256 ${was.sha256.slice(0, 12)}… then, ${options.model.sha256.slice(0, 12)}… now); rerun without ${optionName('resume')} into another ${optionName('out')}`,
      );
  }
  if (options.resume && !existsSync(manifestPath))
    throw new OrderlensInputError(
      'resume',
      `there is no run to resume in ${options.out} (no ${manifestPath})`,
    );
  const store = RunStore.open({
    dir,
    command: options.command,
    options: { ...options.fingerprint, ...(options.model ? { model: options.model } : {}) },
    resume: options.resume,
    dirField: 'out',
    // A run that failed after selecting its samples but before its first sample (a bad option
    // met late) can be rerun with corrected options: the selection is recomputed.
    restartableUnits: [SELECTION_UNIT],
  });
  rmSync(join(dir, RUN_COMPLETE_FILE), { force: true });
  return store;
}

/** Marks a run finished (after its result was written). */
export function markRunComplete(store: RunStore, samples: number): void {
  writeJsonAtomic(join(store.dir, RUN_COMPLETE_FILE), {
    optionsHash: store.manifest.optionsHash,
    samples,
    finishedAt: new Date().toISOString(),
  });
}

/** The error of an interrupted analysis: what was saved, what was dropped, how to continue. */
export function interruptedRun(
  store: RunStore,
  saved: number,
  total: number,
  dropped?: string,
): InterruptedError {
  return new InterruptedError(
    `interrupted: ${dropped ? `${dropped} was dropped; ` : ''}${saved} of ${total} samples saved in ${store.dir}; run the same command with ${optionName('resume')} to continue`,
  );
}
