import type { AnalysisProtocol } from '@orderlens/core';
import { DEFAULT_MAX_PLAYERS } from './text-options.js';

/**
 * The `text` adapter's protocols: `exact` (default; every coalition of the sentence's players,
 * every order and pair, SII and Shapley values, for at most 12 players unless the shared
 * `--max-players` says otherwise) and `sampled` (the ICLR-2022 reference
 * estimator on pairs of neighbouring players, for sentences with more players than the exact
 * engine affords).
 */
export const TEXT_PROTOCOLS: readonly AnalysisProtocol[] = [
  {
    name: 'exact',
    description: `exact I^(m)(i,j) of every pair and order, SII and Shapley values (2^n coalitions per sentence; n ≤ --max-players, default ${DEFAULT_MAX_PLAYERS})`,
    estimator: 'exact',
    // A sentence with more players fails naming it, with a pointer to the sampled estimator.
    estimatorOptions: { maxPlayers: DEFAULT_MAX_PLAYERS },
  },
  {
    name: 'sampled',
    description:
      'sampled I^(m)(i,j) (ICLR-2022 reference estimator, 100 contexts) on pairs of adjacent players, at the paper order ratios; J(m) from the bias-bracketed |I| (docs/j-accuracy.md)',
    estimator: 'reference',
    // The bracketed strength: the plain mean of |Î| is biased up where |I| is small (issue 11).
    estimatorOptions: { contexts: 100, strength: 'bracket' },
    pairs: { name: 'sequence', maxDistance: 1 },
  },
];
