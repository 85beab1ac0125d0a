import type { SampleResult } from '@orderlens/core';
import { describeAdapter } from '@orderlens/core/testing';
import { pointcloudAdapter } from '../index.js';

// Three regions with an exact SII matrix: the scene (centroids only, no point view) is drawn.
const sample: SampleResult = {
  id: 'chair_0001',
  index: 0,
  label: 2,
  players: {
    kind: 'regions',
    n: 3,
    centroids: [
      [0, 0, 0],
      [0.5, 0, 0],
      [0, 0.5, 0.2],
    ],
    pointIndices: [[0, 1], [2], [3, 4, 5]],
  },
  strength: [0.5, 0.25],
  sii: [
    [0, 0.2, -0.1],
    [0.2, 0, 0.4],
    [-0.1, 0.4, 0],
  ],
  modelCalls: 8,
};

describeAdapter('pointcloud', () => ({ adapter: pointcloudAdapter, sample: () => sample }));
