import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { PatchGrid, parseGridSize } from './patch-grid.js';

describe('PatchGrid', () => {
  it('puts boundaries at floor(k·H/g), also when g does not divide H', () => {
    const g = new PatchGrid(10, 3, 32, 7);
    expect(Array.from(g.rowBounds)).toEqual([0, 3, 6, 9, 12, 16, 19, 22, 25, 28, 32]);
    expect(Array.from(g.colBounds)).toEqual([0, 2, 4, 7]);
    expect(g.n).toBe(30);
  });

  it('assigns every pixel to the one cell whose rectangle holds it (many sizes)', () => {
    for (const [rows, cols, H, W] of [
      [16, 16, 32, 32],
      [7, 7, 28, 28],
      [5, 3, 17, 11],
      [13, 9, 13, 31],
      [1, 1, 5, 5],
      [6, 4, 29, 6],
    ]) {
      const g = new PatchGrid(rows, cols, H, W);
      const pix = g.playerOfPixel();
      const counts = new Int32Array(g.n);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const p = pix[y * W + x];
          const r = g.cell(p);
          expect(y >= r.top && y < r.bottom && x >= r.left && x < r.right).toBe(true);
          expect(g.playerAt(y, x)).toBe(p);
          counts[p]++;
        }
      }
      // Cells differ by at most one pixel per side.
      for (let p = 0; p < g.n; p++) {
        const r = g.cell(p);
        expect(counts[p]).toBe((r.bottom - r.top) * (r.right - r.left));
        expect(r.bottom - r.top).toBeGreaterThanOrEqual(Math.floor(H / rows));
        expect(r.bottom - r.top).toBeLessThanOrEqual(Math.ceil(H / rows));
      }
    }
  });

  it('maps channels of a pixel to its cell in both layouts', () => {
    const g = new PatchGrid(3, 2, 5, 4);
    const nchw = g.playerOfElement({ channels: 3, height: 5, width: 4, layout: 'NCHW' });
    const nhwc = g.playerOfElement({ channels: 3, height: 5, width: 4, layout: 'NHWC' });
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < 4; x++) {
          expect(nchw[(c * 5 + y) * 4 + x]).toBe(g.playerAt(y, x));
          expect(nhwc[(y * 4 + x) * 3 + c]).toBe(g.playerAt(y, x));
        }
      }
    }
  });

  it('refuses a grid larger than the image, naming the field', () => {
    expect(() => new PatchGrid(33, 16, 32, 32)).toThrow(OrderlensInputError);
    expect(() => PatchGrid.square(40, 32, 32)).toThrow(/grid: a 40×40 grid is larger than the 32×32 image/);
  });

  it('aligns a ViT grid to its patch size', () => {
    const g = PatchGrid.forVit(16, 224, 224);
    expect([g.rows, g.cols]).toEqual([14, 14]);
    expect(g.cell(15)).toEqual({ top: 16, bottom: 32, left: 16, right: 32 });
    expect(() => PatchGrid.forVit(5, 32, 32)).toThrow(/patchSize/);
  });

  it('parses grid sizes', () => {
    expect(parseGridSize('16')).toEqual({ rows: 16, cols: 16 });
    expect(parseGridSize('7x5')).toEqual({ rows: 7, cols: 5 });
    expect(() => parseGridSize('a')).toThrow(/grid/);
  });
});
