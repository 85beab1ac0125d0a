import { describeAdapter, finishedSample } from '@orderlens/core/testing';
import { pointcloudAdapter } from '../index.js';

// Three regions with an SII matrix: the scene (centroids only, no point view) is drawn.
describeAdapter('pointcloud', () => ({
  adapter: pointcloudAdapter,
  sample: () =>
    finishedSample({
      kind: 'regions',
      n: 3,
      centroids: [
        [0, 0, 0],
        [0.5, 0, 0],
        [0, 0.5, 0.2],
      ],
      pointIndices: [[0, 1], [2], [3, 4, 5]],
    }),
}));
