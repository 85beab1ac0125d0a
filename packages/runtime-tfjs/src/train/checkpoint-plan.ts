import { join, resolve } from 'node:path';
import { OrderlensInputError } from '@orderlens/core';
import { hasCheckpoint, readCheckpointManifest } from './checkpoint.js';

/** Sub-folder of a training command's `--out` that holds its checkpoint. */
export const CHECKPOINT_SUBDIR = 'checkpoint';

/** Where a training command checkpoints, and whether it continues from there. */
export interface TrainingCheckpointPlan {
  /** `<out>/checkpoint`. */
  dir: string;
  /** Set with `--resume`: the checkpoint to continue (the same folder). */
  resumeFrom?: string;
  /** Epochs the checkpoint to continue holds (0 without `--resume`). */
  epochsDone: number;
}

/**
 * Decides how a training command uses `<out>/checkpoint`, before any data is loaded:
 * `--resume` needs a checkpoint there; without it, a checkpoint of an interrupted run is
 * refused (it would be overwritten) while one of a finished run is simply replaced.
 */
export function planTrainingCheckpoint(outDir: string, resume: boolean): TrainingCheckpointPlan {
  const dir = join(resolve(outDir), CHECKPOINT_SUBDIR);
  if (resume) {
    // Reads (and checks) the manifest now, so a missing or damaged checkpoint fails fast.
    const m = readCheckpointManifest(dir, '--resume');
    return { dir, resumeFrom: dir, epochsDone: m.epochsDone };
  }
  if (hasCheckpoint(dir)) {
    let unfinished: { done: number; planned: number } | undefined;
    try {
      const m = readCheckpointManifest(dir, '--out');
      if (m.epochsDone < m.epochsPlanned) unfinished = { done: m.epochsDone, planned: m.epochsPlanned };
    } catch {
      // A damaged checkpoint holds nothing to keep; the new run replaces it.
    }
    if (unfinished !== undefined) {
      throw new OrderlensInputError(
        '--out',
        `${resolve(outDir)} holds an interrupted training run (${unfinished.done} of ${unfinished.planned} epochs done); pass --resume to continue it, or delete ${dir} to start afresh`,
      );
    }
  }
  return { dir, epochsDone: 0 };
}
