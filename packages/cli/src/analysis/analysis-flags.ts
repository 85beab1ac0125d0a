import type { AnalysisSettingKey } from '@orderlens/core';

/**
 * The CLI flag of each shared analysis setting: core's plan names a setting by its key (a
 * logical path), the CLI by the flag the user typed. The one table for these settings.
 */
export const ANALYSIS_FLAGS: Readonly<Record<AnalysisSettingKey, string>> = {
  protocol: '--protocol',
  estimator: '--estimator',
  estimatorOptions: '--estimator options',
  contexts: '--contexts',
  repeats: '--repeats',
  ratios: '--ratios',
  pairs: '--pairs',
  radius: '--radius',
  maxPlayers: '--max-players',
  preset: '--preset',
  niter: '--niter',
  samples: '--samples',
  perClass: '--per-class',
  allSamples: '--all-samples',
  targetError: '--target-error',
  budgetContexts: '--budget-contexts',
};
