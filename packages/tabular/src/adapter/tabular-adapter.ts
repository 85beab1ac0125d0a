import type { ModalityAdapter } from '@orderlens/core';
import { TABULAR_OPTIONS } from './tabular-options.js';
import { TABULAR_PROTOCOLS } from './tabular-protocols.js';
import { openTabularSession } from './tabular-session.js';
import { tabularViews } from './tabular-views.js';

/**
 * Tables as games: each attribute (a group of model inputs for one-hot columns) is a player,
 * absent attributes take the baseline (the training mean by default). `n = 12` for census, so
 * the exact estimator computes every interaction of every order.
 */
export const tabularAdapter: ModalityAdapter = {
  name: 'tabular',
  description: 'tabular classifiers: one player per attribute, mean baseline',
  options: TABULAR_OPTIONS,
  views: tabularViews,
  protocols: TABULAR_PROTOCOLS,
  defaultProtocol: 'exact',
  defaultSelection: { rule: 'correct', samples: 100, balance: true },
  dataSources: ['census', '--csv <file>'],
  sampleSource: { option: 'split', kind: 'split' },
  open: openTabularSession,
};
