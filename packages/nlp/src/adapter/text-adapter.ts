import {
  estimators,
  OrderlensInputError,
  type AdapterPlanCheck,
  type AnalysisProtocol,
  type ModalityAdapter,
} from '@orderlens/core';
import { parseArcSource } from '../pictures/word-arcs.js';
import { DEFAULT_MAX_PLAYERS, parseTextOptions, TEXT_OPTIONS } from './text-options.js';
import { openTextSession } from './text-session.js';
import { textViews } from './text-views.js';

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
  views: textViews,
  defaultProtocol: 'exact',
  // The papers analyse sentences the model classifies correctly.
  defaultSelection: { rule: 'correct' },
  dataSources: [
    '--sentences <file.txt>',
    '--sentences <file.tsv> (sentence, label columns)',
    '--sentence <text> (repeatable)',
  ],
  open: (request) => openTextSession(request),
  checkPlan: checkArcsAgainstPlan,
};

/**
 * Refuses, when the analysis is planned, a word-arc picture the chosen estimator cannot give:
 * `--arcs sii` without the exact estimator (only it computes SII), and `--arcs order:<m>` for an
 * order the estimator will not report for the `--words` players. Otherwise every sentence would
 * be computed and the run would fail writing its picture, with no result.
 */
export function checkArcsAgainstPlan(plan: AdapterPlanCheck): void {
  const o = parseTextOptions(plan.adapterOptions);
  const arcs = parseArcSource(o.arcs, plan.optionField('arcs'));
  if (arcs.kind === 'sii' && plan.estimatorName !== 'exact')
    throw new OrderlensInputError(
      plan.optionField('arcs'),
      `sii needs the exact estimator; protocol ${plan.protocol} uses ${plan.estimatorName}, which gives no pairwise SII: use --arcs auto, mean or order:<m>`,
    );
  if (arcs.kind === 'order' && o.words !== 'all') {
    const { orders } = estimators.get(plan.estimatorName).orders(o.words, plan.estimatorOptions);
    if (!orders.includes(arcs.order))
      throw new OrderlensInputError(
        plan.optionField('arcs'),
        `order ${arcs.order} is not computed for ${o.words} players under protocol ${plan.protocol}; the orders are ${orders.join(', ')}`,
      );
  }
}
