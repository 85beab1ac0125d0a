import type { SampleResult } from '@orderlens/core';
import { describeAdapter } from '@orderlens/core/testing';
import { visionAdapter } from '../index.js';

// A 2×2 grid whose multi-order table covers every pair at two orders: the heat map is drawn.
const sample: SampleResult = {
  id: 'test-0',
  index: 0,
  label: 3,
  players: { kind: 'grid', n: 4, rows: 2, cols: 2, height: 28, width: 28 },
  strength: [0.5, 0.25],
  multiOrder: {
    orders: [0, 2],
    pairs: [
      [0, 1],
      [2, 3],
      [0, 3],
    ],
    values: [
      [0.1, -0.2],
      [0.3, 0.4],
      [-0.5, 0.6],
    ],
  },
  modelCalls: 16,
};

describeAdapter('vision', () => ({ adapter: visionAdapter, sample: () => sample }));
