import { float32Tensor } from '@orderlens/core';
import { describeMasker } from '@orderlens/core/testing';
import { TabularMasker } from './tabular-masker.js';

const row = Float32Array.from([0.5, -1, 2, 3, 4, 5, 6, 7]);
const baseline = Float32Array.from([9, 9, 9, 9, 9, 9, 9, 9]);
// Inputs 2 and 3 belong to one player (a one-hot attribute); input 7 is never masked.
const playerOfFeature = Int32Array.from([0, 1, 2, 2, 3, 4, 5, -1]);

describeMasker('tabular TabularMasker (grouped inputs, one fixed input)', () => ({
  masker: new TabularMasker(row, { baseline, playerOfFeature, inputName: 'x' }),
  full: { x: float32Tensor(row, [1, 8]) },
  empty: { x: float32Tensor(Float32Array.from([9, 9, 9, 9, 9, 9, 9, 7]), [1, 8]) },
}));
