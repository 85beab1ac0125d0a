import { float32Tensor } from '@orderlens/core';
import { describeMasker } from '@orderlens/core/testing';
import { PatchGrid } from '../grid/patch-grid.js';
import type { ImageShape } from '../image/raw-image.js';
import { PatchMasker } from './patch-masker.js';

const shape: ImageShape = { channels: 3, height: 8, width: 8, layout: 'NCHW' };
const size = 3 * 8 * 8;
// Distinct sample and baseline values everywhere, so every masked element is attributable.
const x = Float32Array.from({ length: size }, (_, k) => 1 + k);
const baseline = Float32Array.from({ length: size }, (_, k) => -1 - k);
const dims = [1, 3, 8, 8];

describeMasker('vision PatchMasker (4×4 grid, NCHW)', () => ({
  masker: new PatchMasker({ x, baseline, shape, grid: new PatchGrid(4, 4, 8, 8), inputName: 'input' }),
  full: { input: float32Tensor(x, dims) },
  empty: { input: float32Tensor(baseline, dims) },
}));
