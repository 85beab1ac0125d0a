import { describeAdapter, finishedSample } from '@orderlens/core/testing';
import { tabularAdapter } from '../index.js';

// Three attributes with an SII matrix: the pair matrix is drawn.
describeAdapter('tabular', () => ({
  adapter: tabularAdapter,
  sample: () => finishedSample({ kind: 'attributes', n: 3, names: ['age', 'education', 'hours'] }),
}));
