import { z } from 'zod';
import {
  integerText,
  optionField,
  parseBudget,
  parseDevice,
  parseRewardName,
  parseSettingsBlock,
  settingsBlock,
} from '@orderlens/core';
import { flagOfPath } from '../util/errors.js';
import { KEEP_DENORMALS_HELP, parseSeed } from '../util/options.js';

/**
 * How an analysis runs, beside what it computes (the analysis settings): reward, seed, device,
 * budget, batching, threads. One schema, from which `addAnalysisOptions` derives the flags (named
 * by {@link flagOfPath}) and their help, and by which {@link parseRunOptions} reads them. A default
 * is the flag's text (`.prefault`), read by the field's schema like a value the user typed.
 */
export const RUN_OPTIONS = settingsBlock({
  reward: optionField(
    z
      .unknown()
      .transform((raw) => parseRewardName(String(raw), flagOfPath('reward')))
      .prefault('log-odds')
      .describe('log-odds | logit | log-prob | prob'),
    { argument: '<name>' },
  ),
  seed: optionField(
    z
      .unknown()
      .transform((raw) => parseSeed(String(raw), flagOfPath('seed')))
      .prefault('0')
      .describe('seed of every random choice'),
    { argument: '<s>' },
  ),
  device: optionField(
    z
      .unknown()
      .transform((raw) => parseDevice(String(raw), flagOfPath('device')))
      .prefault('auto')
      .describe('auto | cpu | cuda | webgpu | wasm (auto: the best available, recorded in the result)'),
    { argument: '<name>' },
  ),
  budget: optionField(
    z
      .unknown()
      .transform((raw) => parseBudget(String(raw), flagOfPath('budget')))
      .optional()
      .describe(
        'refuse to start when the plan needs more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
      ),
    { argument: '<calls|time>' },
  ),
  batchSize: optionField(
    integerText(1).prefault('256').describe('inputs per model call (never changes the numbers)'),
    { argument: '<k>' },
  ),
  threads: optionField(integerText(1).optional().describe('intra-op threads of the runtime'), {
    argument: '<k>',
  }),
  keepDenormals: optionField(z.boolean().optional().describe(KEEP_DENORMALS_HELP), {}),
});

/** The run options after {@link RUN_OPTIONS} read them. */
export type RunOptions = z.output<typeof RUN_OPTIONS.schema>;

/** Reads the run options from commander's flags; an error names the flag the user typed. */
export function parseRunOptions(flags: object): RunOptions {
  return parseSettingsBlock(RUN_OPTIONS, flags, flagOfPath);
}
