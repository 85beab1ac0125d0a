import { z } from 'zod';
import type { Command } from 'commander';
import { optionField, parseBudget, parseDevice, parseRewardName, settingsBlock } from '@orderlens/core';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  numberFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';

/**
 * The flags of every command over a checkpoint series (`dynamics`, `mislabeled`; `reproduce
 * two-phase` takes its device, batch size and resume): the reward and the AND-OR extraction,
 * then how the run goes. One schema; the flags, help and defaults are derived from it
 * ({@link addCheckpointRunOptions}) and read by it ({@link checkpointRunSettings}).
 */
export const CHECKPOINT_RUN_OPTIONS = settingsBlock({
  reward: optionField(
    parsedText(parseRewardName).prefault('log-odds').describe('log-odds | logit | log-prob | prob'),
    { argument: '<name>' },
  ),
  preset: optionField(
    choiceFlag(['orderlens', 'authors'] as const)
      .prefault('orderlens')
      .describe('AND-OR conventions: orderlens | authors (docs/and-or.md)'),
    { argument: '<name>' },
  ),
  niter: optionField(
    integerFlag({ min: 1 }).prefault('10000').describe('AND-OR optimiser iterations per checkpoint'),
    { argument: '<k>' },
  ),
  qthres: optionField(
    numberFlag({ min: 0 }).optional().describe("AND-OR noise bound (default: the preset's)"),
    {
      argument: '<q>',
    },
  ),
  device: optionField(
    parsedText(parseDevice).prefault('auto').describe('auto | cpu | cuda | webgpu | wasm'),
    {
      argument: '<name>',
    },
  ),
  batchSize: optionField(
    integerFlag({ min: 1 }).prefault('256').describe('inputs per model call (never changes the numbers)'),
    { argument: '<k>', affectsResult: false },
  ),
  threads: optionField(integerFlag({ min: 1 }).optional().describe('intra-op threads of the runtime'), {
    argument: '<k>',
    affectsResult: false,
  }),
  resume: optionField(
    z
      .boolean()
      .optional()
      .describe(
        'continue a killed or interrupted run in --out (same options), measuring only the checkpoints it had not finished',
      ),
    {},
  ),
  budget: optionField(
    parsedText(parseBudget)
      .optional()
      .describe(
        'refuse to start when the plan needs more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
      ),
    { argument: '<calls|time>', affectsResult: false },
  ),
  dryRun: optionField(
    z
      .boolean()
      .optional()
      .describe(
        'print the plan (model calls, and the time measured on a short warm-up of the model and the AND-OR optimiser) and exit; writes nothing',
      ),
    { affectsResult: false },
  ),
});

/** The reward and AND-OR fields, which a command lists beside its own measurement flags. */
export const CHECKPOINT_EXTRACTION_KEYS = ['reward', 'preset', 'niter', 'qthres'] as const;

/** The run fields, which close a command's flags. */
export const CHECKPOINT_RUN_KEYS = ['device', 'batchSize', 'threads', 'resume', 'budget', 'dryRun'] as const;

/** The checkpoint-run flags after the block read them. */
export type CheckpointRunSettings = z.output<typeof CHECKPOINT_RUN_OPTIONS.schema>;

/**
 * Adds the block's `keys` to `cmd` (its run fields by default), help and defaults from the
 * schema; `helpSuffix` adds a command's words to a field's help (mislabeled's reward).
 */
export function addCheckpointRunOptions(
  cmd: Command,
  keys: readonly string[] = CHECKPOINT_RUN_KEYS,
  helpSuffix?: Readonly<Record<string, string>>,
): Command {
  return addBlockOptions(cmd, CHECKPOINT_RUN_OPTIONS, { keys, helpSuffix });
}

/**
 * Reads the checkpoint-run flags (each error names its flag), before any model is opened; with
 * `keys`, only those (a command that registers a few of the block's fields reads its others itself).
 */
export function checkpointRunSettings(flags: object, keys?: readonly string[]): CheckpointRunSettings {
  const raw = keys ? Object.fromEntries(keys.map((k) => [k, (flags as Record<string, unknown>)[k]])) : flags;
  return parseBlockFlags(CHECKPOINT_RUN_OPTIONS, raw);
}
