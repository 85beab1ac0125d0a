import type { SampleResult } from '@orderlens/core';
import { describeAdapter } from '@orderlens/core/testing';
import { textAdapter } from '../index.js';

// Three words with an exact SII matrix: the word arcs are drawn.
const sample: SampleResult = {
  id: 'dev-0',
  index: 0,
  label: 1,
  players: {
    kind: 'words',
    n: 3,
    text: 'a fine film',
    words: ['a', 'fine', 'film'],
    tokenSpans: [
      [1, 2],
      [2, 3],
      [3, 4],
    ],
  },
  strength: [0.5, 0.25],
  sii: [
    [0, 0.2, -0.1],
    [0.2, 0, 0.4],
    [-0.1, 0.4, 0],
  ],
  modelCalls: 8,
};

describeAdapter('text', () => ({ adapter: textAdapter, sample: () => sample }));
