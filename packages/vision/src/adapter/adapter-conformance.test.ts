import { describeAdapter, finishedSample } from '@orderlens/core/testing';
import { visionAdapter } from '../index.js';

// A 2×2 grid with a multi-order table: the heat map is drawn.
describeAdapter('vision', () => ({
  adapter: visionAdapter,
  sample: () => finishedSample({ kind: 'grid', n: 4, rows: 2, cols: 2, height: 28, width: 28 }),
}));
