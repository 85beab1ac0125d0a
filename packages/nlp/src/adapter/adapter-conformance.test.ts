import { describeAdapter, finishedSample } from '@orderlens/core/testing';
import { textAdapter } from '../index.js';

// Three words with an SII matrix: the word arcs are drawn.
describeAdapter('text', () => ({
  adapter: textAdapter,
  sample: () =>
    finishedSample({
      kind: 'words',
      n: 3,
      text: 'a fine film',
      words: ['a', 'fine', 'film'],
      tokenSpans: [
        [1, 2],
        [2, 3],
        [3, 4],
      ],
    }),
}));
