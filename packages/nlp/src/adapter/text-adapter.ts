import {
  estimators,
  OrderlensInputError,
  type AdapterPlanCheck,
  type ModalityAdapter,
} from '@orderlens/core';
import { parseArcSource } from '../pictures/word-arcs.js';
import { parseTextOptions, TEXT_OPTIONS } from './text-options.js';
import { TEXT_PROTOCOLS } from './text-protocols.js';
import { openTextSession } from './text-session.js';
import { textViews } from './text-views.js';

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
  sampleSource: { option: 'sentences', kind: 'source' },
  open: (request) => openTextSession(request),
  checkPlan: checkArcsAgainstPlan,
  // Players are each sentence's own words: player j is the j-th chosen word of its sentence, a
  // different word (and position) on every sentence, so no set S means the same on two of them.
  playersOption: 'words',
  unsharedPlayers: () => ({
    reason:
      "a sentence's players are its own words (player j is its j-th chosen word), so a set of players names different words on two sentences and cannot be compared across sentences; no text option gives every sentence the same players",
  }),
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
