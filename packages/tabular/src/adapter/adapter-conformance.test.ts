import type { SampleResult } from '@orderlens/core';
import { describeAdapter } from '@orderlens/core/testing';
import { tabularAdapter } from '../index.js';

// Three attributes with an exact SII matrix: the pair matrix is drawn.
const sample: SampleResult = {
  id: 'test-0',
  index: 0,
  label: 0,
  players: { kind: 'attributes', n: 3, names: ['age', 'education', 'hours'] },
  strength: [0.5, 0.25],
  sii: [
    [0, 0.2, -0.1],
    [0.2, 0, 0.4],
    [-0.1, 0.4, 0],
  ],
  modelCalls: 8,
};

describeAdapter('tabular', () => ({ adapter: tabularAdapter, sample: () => sample }));
