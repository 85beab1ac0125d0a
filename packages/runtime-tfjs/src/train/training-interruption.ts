import { InterruptedError, OrderlensInputError } from '@orderlens/core';

/**
 * Runs a training call, naming the CLI's options in its input errors (`resumeFrom` →
 * `--resume`: a checkpoint that does not match; `epochs` → `--epochs`). Other errors pass
 * through unchanged.
 */
export async function withTrainingOptionNames<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OrderlensInputError && (e.field === 'resumeFrom' || e.field === 'epochs')) {
      throw new OrderlensInputError(
        e.field === 'resumeFrom' ? '--resume' : '--epochs',
        e.message.slice(e.field.length + 2),
      );
    }
    throw e;
  }
}

/**
 * The error a training run ends with after Ctrl-C (the CLI exits 130): how far it got and how to
 * go on. `epochsDone` counts the epochs in the checkpoint in `dir` (restored ones included); 0
 * means nothing was saved.
 */
export function trainingInterrupted(epochsDone: number, epochs: number, dir: string): InterruptedError {
  if (epochsDone === 0)
    return new InterruptedError('interrupted before the first epoch finished; nothing was saved');
  return new InterruptedError(
    `interrupted after epoch ${epochsDone} of ${epochs}; the checkpoint in ${dir} keeps it: run the same command with --resume to continue`,
  );
}
