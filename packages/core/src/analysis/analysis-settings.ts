import { z } from 'zod';
import { optionField, settingsBlock } from '../options/option-block.js';
import { integerText, positiveText, unitListText } from '../options/option-text.js';

/**
 * The analysis settings every modality shares (protocol, estimator and its options, sample
 * selection): one schema, which `planAnalysis` reads the settings by and from which the CLI
 * derives their flags and help (each named by the CLI's table, `--<key>` by default). Every
 * field is optional: the adapter's protocol fills in. Fields keep the order of `--help`.
 */
export const ANALYSIS_SETTINGS = settingsBlock({
  protocol: optionField(z.string().optional().describe('analysis recipe'), { argument: '<name>' }),
  estimator: optionField(
    z.string().optional().describe("override the protocol's estimator (exact, reference, shared, and-or, …)"),
    { argument: '<name>' },
  ),
  contexts: optionField(
    integerText(1).optional().describe('contexts per pair and order (sampled estimators)'),
    { argument: '<k>' },
  ),
  repeats: optionField(
    integerText(1)
      .optional()
      .describe('repeats with fresh contexts, for the instability (sampled estimators; 1 skips it)'),
    { argument: '<q>' },
  ),
  ratios: optionField(
    unitListText().optional().describe("order ratios, e.g. 0,0.1,0.5,1 (default: the protocol's)"),
    { argument: '<list>' },
  ),
  pairs: optionField(integerText(1).optional().describe('pairs per sample (sampled estimators)'), {
    argument: '<k>',
  }),
  radius: optionField(
    integerText(1)
      .optional()
      .describe('neighbourhood radius of grid pairs / distance of sequence pairs / k of spatial pairs'),
    { argument: '<r>' },
  ),
  maxPlayers: optionField(
    integerText(2).optional().describe('exact and AND-OR estimators: refuse samples with more players'),
    { argument: '<k>' },
  ),
  preset: optionField(
    z
      .string()
      .optional()
      .describe(
        "AND-OR estimator: orderlens (default) or authors (the interaction-concept code's conventions)",
      ),
    { argument: '<name>' },
  ),
  niter: optionField(
    integerText(0).optional().describe('AND-OR estimator: optimiser iterations (default 20000)'),
    {
      argument: '<k>',
    },
  ),
  targetError: optionField(
    positiveText()
      .optional()
      .describe(
        'adaptive estimator: relative half-width of the 95 % interval of J(m) at which an order stops receiving contexts (default 0.05)',
      ),
    { argument: '<x>' },
  ),
  budgetContexts: optionField(
    positiveText()
      .optional()
      .describe(
        'adaptive estimator: average contexts per pair and order the run may spend (default 16, about 1/6 of the reference calls)',
      ),
    { argument: '<k>' },
  ),
  antithetic: optionField(
    z
      .boolean()
      .optional()
      .describe(
        'reference estimator: draw the contexts of each pair and order in antithetic pairs (the first and the last m players of one random order): unbiased, fewer calls for the same noise where the game is smooth in the coalition size (docs/j-accuracy.md); needs an even --contexts',
      ),
    {},
  ),
  samples: optionField(integerText(1).optional().describe('at most this many samples in total'), {
    argument: '<k>',
  }),
  perClass: optionField(integerText(1).optional().describe('at most this many samples per class'), {
    argument: '<k>',
  }),
  allSamples: optionField(
    z.boolean().optional().describe('take samples whether or not the model classifies them correctly'),
    {},
  ),
});

/** The analysis settings after {@link ANALYSIS_SETTINGS} read them. */
export type ParsedAnalysisSettings = z.output<typeof ANALYSIS_SETTINGS.schema>;
