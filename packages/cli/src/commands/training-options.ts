import { Option, type Command } from 'commander';
import { OrderlensInputError } from '@orderlens/core';

/** The flags every training command shares, with one name each (`train tabular`, `train vision`). */
export interface TrainingFlags {
  orderLoss: string;
  lambdaPlus: string;
  lambdaMinus: string;
  epochs: string;
  batchSize: string;
  learningRate?: string;
  seed: string;
  tfjsBackend?: string;
}

/** What differs between the training commands in the shared block: defaults and wording. */
export interface TrainingOptionDefaults {
  readonly epochs: string;
  readonly batchSize: string;
  /** Default learning rate; none when it depends on other flags (say so in `learningRateHelp`). */
  readonly learningRate?: string;
  readonly learningRateHelp: string;
  /** What one "batch" is (rows, images). */
  readonly batchOf: string;
  readonly tfjsBackend?: string;
}

/**
 * Old names of training flags, kept working: each is hidden from `--help` and, when used, sets
 * the new flag and writes a note on stderr. `train tabular` had `--loss` and `--lr` where
 * `train vision` had `--order-loss` and `--learning-rate`.
 */
export const DEPRECATED_TRAINING_FLAGS = [
  { old: '--loss', oldAttribute: 'loss', flag: '--order-loss', attribute: 'orderLoss' },
  { old: '--lr', oldAttribute: 'lr', flag: '--learning-rate', attribute: 'learningRate' },
] as const;

/** Adds the shared block of training flags to `cmd` (and the hidden deprecated aliases). */
export function addTrainingOptions(cmd: Command, d: TrainingOptionDefaults): Command {
  cmd
    .option(
      '--order-loss <spec>',
      'order losses: normal, low, mid, high, boost-high, or terms like "plus:0.3,0.7;minus:0,0.5"',
      'normal',
    )
    .option('--lambda-plus <λ1>', 'weight of every plus (L+) term', '1')
    .option('--lambda-minus <λ2>', 'weight of every minus (L−) term', '1')
    .option('--epochs <k>', 'training epochs', d.epochs)
    .option('--batch-size <k>', `${d.batchOf} per step`, d.batchSize)
    .option('--learning-rate <rate>', d.learningRateHelp, d.learningRate)
    .option('--seed <k>', 'seed of initialisation, shuffling and coalitions', '0')
    .option('--tfjs-backend <list>', 'tfjs backends to try in order (e.g. wasm,cpu)', d.tfjsBackend);
  for (const a of DEPRECATED_TRAINING_FLAGS)
    cmd.addOption(new Option(`${a.old} <value>`, `deprecated: use ${a.flag}`).hideHelp());
  return cmd;
}

/**
 * Moves the values of deprecated flags to their new names (in place), with a note on stderr for
 * each; both names at once is refused, naming the old one.
 */
export function applyDeprecatedTrainingFlags(
  flags: Record<string, unknown>,
  cmd: Command,
  stderr: (text: string) => void,
): void {
  for (const a of DEPRECATED_TRAINING_FLAGS) {
    const value = flags[a.oldAttribute];
    if (value === undefined) continue;
    if (cmd.getOptionValueSource(a.attribute) === 'cli')
      throw new OrderlensInputError(a.old, `is the old name of ${a.flag}; give ${a.flag} alone`);
    stderr(`note: ${a.old} is deprecated; use ${a.flag} (same meaning)\n`);
    flags[a.attribute] = value;
    delete flags[a.oldAttribute];
  }
}
