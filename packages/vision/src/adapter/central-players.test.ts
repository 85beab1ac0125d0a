import { CoalitionBatch } from '@orderlens/core';
import { PlayerSubsetMasker } from '@orderlens/core/math';
import { describe, expect, it } from 'vitest';
import { PatchGrid } from '../grid/patch-grid.js';
import { PatchMasker } from '../masking/patch-masker.js';
import { centralCells } from '../index.js';

describe('central players (AND-OR papers: 10 central patches of an 8×8 grid)', () => {
  it('are the cells nearest the centre', () => {
    expect(centralCells(8, 8, 4)).toEqual([27, 28, 35, 36]);
    const ten = centralCells(8, 8, 10);
    expect(ten).toHaveLength(10);
    expect(ten).toEqual(expect.arrayContaining([27, 28, 35, 36]));
    expect(centralCells(3, 3, 1)).toEqual([4]);
  });

  it('mask only their cells; every other cell keeps the image', () => {
    const shape = { channels: 1, height: 8, width: 8, layout: 'NCHW' as const };
    const x = Float32Array.from({ length: 64 }, (_, k) => k + 1);
    const baseline = new Float32Array(64);
    const grid = new PatchGrid(8, 8, 8, 8);
    const cells = centralCells(8, 8, 10);
    const masker = new PlayerSubsetMasker(
      new PatchMasker({ x, baseline, shape, grid, inputName: 'x' }),
      cells,
    );
    expect(masker.n).toBe(10);
    const b = CoalitionBatch.fromSets(10, [[], [0, 9]]);
    const out = masker.mask(b, 0, 2).x.data as Float32Array;
    for (let c = 0; c < 64; c++) {
      const player = cells.indexOf(c);
      // Empty coalition: only player cells are at the baseline.
      expect(out[c]).toBe(player >= 0 ? 0 : c + 1);
      // Players 0 and 9 present: their cells and the non-player cells keep the image.
      expect(out[64 + c]).toBe(player >= 0 && player !== 0 && player !== 9 ? 0 : c + 1);
    }
  });
});
