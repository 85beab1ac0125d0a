import { Option, type Command } from 'commander';
import { z } from 'zod';
import { OrderlensInputError, optionField, settingsBlock } from '@orderlens/core';
import { parseOrderLossSpec, type OrderLossTerm } from '@orderlens/core/math';
import { parseSeed } from '../util/options.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  numberFlag,
  parseBlockFlags,
  parsedText,
} from '../util/option-schema.js';

/**
 * The optimizers `--optimizer` offers and their default learning rates: Adam as before; SGD with
 * momentum at the two-phase paper's rate (App. F.2: lr 0.01, momentum 0.9, no decay), so
 * `--optimizer sgd` alone gives the paper's recipe.
 */
export const TRAINING_OPTIMIZERS = { adam: { lr: 0.001 }, sgd: { lr: 0.01, momentum: 0.9 } } as const;

/** An optimizer `--optimizer` names. */
export type TrainingOptimizer = keyof typeof TRAINING_OPTIMIZERS;

/** What differs between the training commands in the shared block: defaults and wording. */
export interface TrainingOptionDefaults<Backends = unknown> {
  readonly epochs: string;
  readonly batchSize: string;
  /** Default learning rate; none when the optimizer sets it (say so in `learningRateHelp`). */
  readonly learningRate?: string;
  readonly learningRateHelp: string;
  /** What one "batch" is (rows, images). */
  readonly batchOf: string;
  readonly tfjsBackend?: string;
  /**
   * What the trainer's runtime allows, given by the command (the runtime is a plugin, which only
   * its command groups import): the largest learning rate, and how `--tfjs-backend` is read.
   */
  readonly runtime: {
    readonly maxLearningRate: number;
    readonly parseBackends: (text: string, field: string) => Backends;
  };
}

/** A flag's default text, or none: commander shows it and the schema reads it like typed text. */
const withDefault = <S extends z.ZodType>(schema: S, text: string | undefined) =>
  text === undefined ? schema.optional() : schema.prefault(text as z.input<S>);

/**
 * The one schema of the training flags, shared by `train tabular` and `train vision` with one
 * name each; a command passes its defaults and wording. The flags, their help and defaults are
 * derived from it ({@link addTrainingOptions}) and parsed by it ({@link parseTrainingOptions}).
 * `--optimizer`/`--momentum` are registered by the commands whose trainer offers SGD.
 */
export function trainingOptionsBlock<Backends>(d: TrainingOptionDefaults<Backends>) {
  return settingsBlock({
    orderLoss: optionField(
      parsedText((spec, field): { spec: string; terms: OrderLossTerm[] } => ({
        spec,
        terms: parseOrderLossSpec(spec, field),
      }))
        .prefault('normal')
        .describe(
          'order losses: normal, low, mid, high, boost-high, or terms like "plus:0.3,0.7;minus:0,0.5"',
        ),
      { argument: '<spec>' },
    ),
    lambdaPlus: optionField(numberFlag({ min: 0 }).prefault('1').describe('weight of every plus (L+) term'), {
      argument: '<λ1>',
    }),
    lambdaMinus: optionField(
      numberFlag({ min: 0 }).prefault('1').describe('weight of every minus (L−) term'),
      { argument: '<λ2>' },
    ),
    epochs: optionField(integerFlag({ min: 1 }).prefault(d.epochs).describe('training epochs'), {
      argument: '<k>',
    }),
    batchSize: optionField(integerFlag({ min: 1 }).prefault(d.batchSize).describe(`${d.batchOf} per step`), {
      argument: '<k>',
    }),
    // Adam and SGD diverge long before 10 (a loss of 1e35 is no model), so larger rates are refused.
    learningRate: optionField(
      withDefault(numberFlag({ greaterThan: 0, max: d.runtime.maxLearningRate }), d.learningRate).describe(
        d.learningRateHelp,
      ),
      { argument: '<rate>' },
    ),
    // "0" and 0 are the same seed, "0x10" a string seed (a trainer that needs a number says so).
    seed: optionField(
      parsedText(parseSeed).prefault('0').describe('seed of initialisation, shuffling and coalitions'),
      { argument: '<k>' },
    ),
    tfjsBackend: optionField(
      withDefault(parsedText(d.runtime.parseBackends), d.tfjsBackend).describe(
        'tfjs backends to try in order (e.g. wasm,cpu)',
      ),
      { argument: '<list>' },
    ),
    optimizer: optionField(
      choiceFlag(Object.keys(TRAINING_OPTIMIZERS) as TrainingOptimizer[])
        .prefault('adam')
        .describe("adam or sgd (SGD with momentum: the two-phase paper's recipe)"),
      { argument: '<name>' },
    ),
    momentum: optionField(
      numberFlag({ min: 0 })
        .optional()
        .describe(`momentum of --optimizer sgd, in [0, 1) (default ${TRAINING_OPTIMIZERS.sgd.momentum})`),
      { argument: '<m>' },
    ),
  });
}

/** The block of one command, whose runtime reads `--tfjs-backend` into `Backends`. */
export type TrainingBlock<Backends> = ReturnType<typeof trainingOptionsBlock<Backends>>;

/** The training flags after the block read them. */
export type TrainingOptions<Backends> = z.output<TrainingBlock<Backends>['schema']>;

/** The fields of the block a command whose trainer knows Adam only leaves out. */
const SGD_KEYS = ['optimizer', 'momentum'];

/**
 * Old names of training flags, kept working: each is hidden from `--help` and, when used, sets
 * the new flag and writes a note on stderr. `train tabular` had `--loss` and `--lr` where
 * `train vision` had `--order-loss` and `--learning-rate`.
 */
export const DEPRECATED_TRAINING_FLAGS = [
  { old: '--loss', oldAttribute: 'loss', flag: '--order-loss', attribute: 'orderLoss' },
  { old: '--lr', oldAttribute: 'lr', flag: '--learning-rate', attribute: 'learningRate' },
] as const;

/**
 * Adds the shared block of training flags to `cmd` (and the hidden deprecated aliases), derived
 * from {@link trainingOptionsBlock}; `optimizers: false` leaves out `--optimizer`/`--momentum`.
 */
export function addTrainingOptions<Backends>(
  cmd: Command,
  block: TrainingBlock<Backends>,
  { optimizers }: { optimizers: boolean },
): Command {
  const keys = block.descriptors.map((d) => d.key).filter((k) => optimizers || !SGD_KEYS.includes(k));
  addBlockOptions(cmd, block, { keys });
  for (const a of DEPRECATED_TRAINING_FLAGS)
    cmd.addOption(new Option(`${a.old} <value>`, `deprecated: use ${a.flag}`).hideHelp());
  return cmd;
}

/**
 * Reads the training flags by the block, then the rules between them: `--momentum` belongs to
 * SGD (given with Adam it would be silently ignored, so it is refused), and the learning rate
 * and momentum left out are the optimizer's.
 */
export function parseTrainingOptions<Backends>(
  block: TrainingBlock<Backends>,
  flags: object,
): TrainingOptions<Backends> & { learningRate: number } {
  const o = parseBlockFlags(block, flags);
  if (o.momentum !== undefined && o.optimizer !== 'sgd')
    throw new OrderlensInputError(
      '--momentum',
      'applies to --optimizer sgd only (Adam has no momentum setting)',
    );
  // Momentum 1 never forgets a gradient: the steps grow without bound.
  if (o.momentum !== undefined && o.momentum >= 1)
    throw new OrderlensInputError('--momentum', `expected a number in [0, 1), got ${o.momentum}`);
  return {
    ...o,
    learningRate: o.learningRate ?? TRAINING_OPTIMIZERS[o.optimizer].lr,
    ...(o.optimizer === 'sgd' ? { momentum: o.momentum ?? TRAINING_OPTIMIZERS.sgd.momentum } : {}),
  };
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
