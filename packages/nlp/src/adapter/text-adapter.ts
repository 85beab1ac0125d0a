import type { AnalysisProtocol, ModalityAdapter } from '@orderlens/core';
import { DEFAULT_MAX_PLAYERS, TEXT_OPTIONS } from './text-options.js';
import { openTextSession } from './text-session.js';

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

/**
 * The `text` modality: sentences from a file or the command line, a local Hugging Face
 * tokenizer, words as players (all word-pieces of a word together), `[MASK]` or attention-mask
 * masking. Registered on import of `@orderlens/nlp`.
 */
export const textAdapter: ModalityAdapter = {
  name: 'text',
  description:
    'sentences through a Hugging Face text classifier (ONNX); players are words, absent words become [MASK]',
  options: TEXT_OPTIONS,
  protocols: TEXT_PROTOCOLS,
  defaultProtocol: 'exact',
  // The papers analyse sentences the model classifies correctly.
  defaultSelection: { rule: 'correct' },
  dataSources: [
    '--sentences <file.txt>',
    '--sentences <file.tsv> (sentence, label columns)',
    '--sentence <text> (repeatable)',
  ],
  open: (request) => openTextSession(request),
};
