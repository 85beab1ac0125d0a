import { describe, expect, it } from 'vitest';
import { CoalitionBatch, Rng } from '@orderlens/core';
import { PatchGrid } from '../grid/patch-grid.js';
import { elementIndex, type ImageShape } from '../image/raw-image.js';
import { buildBaseline, gaussianBlur, parseBaseline } from './baseline.js';
import { PatchMasker } from './patch-masker.js';

function randomImage(size: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Independent check: the owner of (y, x) found by scanning the cell rectangles. */
function ownerByRects(grid: PatchGrid, y: number, x: number): number {
  for (let p = 0; p < grid.n; p++) {
    const r = grid.cell(p);
    if (y >= r.top && y < r.bottom && x >= r.left && x < r.right) return p;
  }
  throw new Error('pixel without a cell');
}

describe('PatchMasker', () => {
  for (const [layout, H, W, rows, cols] of [
    ['NCHW', 32, 32, 16, 16],
    ['NCHW', 30, 27, 7, 5],
    ['NHWC', 29, 31, 4, 6],
    ['NHWC', 28, 28, 7, 7],
  ] as const) {
    it(`keeps original pixels in present cells and exactly the baseline elsewhere (${layout} ${H}×${W}, grid ${rows}×${cols})`, () => {
      const rng = Rng.create(`mask-${layout}-${H}-${W}`);
      const shape: ImageShape = { channels: 3, height: H, width: W, layout };
      const size = 3 * H * W;
      const x = randomImage(size, rng.fork('x'));
      const baseline = randomImage(size, rng.fork('b'));
      const grid = new PatchGrid(rows, cols, H, W);
      const masker = new PatchMasker({ x, baseline, shape, grid, inputName: 'pixels' });
      expect(masker.n).toBe(rows * cols);
      const batch = new CoalitionBatch(grid.n);
      batch.pushEmpty();
      batch.pushPlayers(Array.from({ length: grid.n }, (_, i) => i));
      for (let k = 0; k < 6; k++)
        batch.pushPlayers(
          rng.fork('S', k).sample(
            Array.from({ length: grid.n }, (_, i) => i),
            1 + rng.int(grid.n - 1),
          ),
        );
      const out = masker.mask(batch, 1, batch.count).pixels;
      expect(out.dims).toEqual(layout === 'NCHW' ? [batch.count - 1, 3, H, W] : [batch.count - 1, H, W, 3]);
      const data = out.data as Float32Array;
      for (let k = 1; k < batch.count; k++) {
        const present = new Set(batch.players(k));
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < H; y++) {
            for (let xx = 0; xx < W; xx++) {
              const e = elementIndex(shape, c, y, xx);
              const want = present.has(ownerByRects(grid, y, xx)) ? x[e] : baseline[e];
              if (data[(k - 1) * size + e] !== want)
                throw new Error(`coalition ${k}, (c=${c}, y=${y}, x=${xx}) wrong`);
            }
          }
        }
      }
      // The full coalition reproduces the image bit for bit; the empty one the baseline.
      expect(Array.from(data.subarray(0, size))).toEqual(Array.from(x));
      const empty = masker.mask(batch, 0, 1).pixels.data as Float32Array;
      expect(Array.from(empty)).toEqual(Array.from(baseline));
    });
  }

  it('handles more than 32 players (multi-word coalitions)', () => {
    const shape: ImageShape = { channels: 1, height: 10, width: 10, layout: 'NCHW' };
    const grid = PatchGrid.square(10, 10, 10);
    const x = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    const masker = new PatchMasker({ x, baseline: new Float32Array(100), shape, grid });
    const batch = CoalitionBatch.fromSets(100, [[0, 33, 64, 99]]);
    const out = masker.mask(batch, 0, 1).input.data as Float32Array;
    const nz = Array.from(out).flatMap((v, i) => (v !== 0 ? [i] : []));
    expect(nz).toEqual([0, 33, 64, 99]);
  });

  it('rejects inputs of the wrong size', () => {
    const shape: ImageShape = { channels: 3, height: 8, width: 8, layout: 'NCHW' };
    const grid = PatchGrid.square(4, 8, 8);
    expect(
      () => new PatchMasker({ x: new Float32Array(10), baseline: new Float32Array(192), shape, grid }),
    ).toThrow(/input: expected 192 values/);
    expect(
      () =>
        new PatchMasker({
          x: new Float32Array(192),
          baseline: new Float32Array(192),
          shape,
          grid: PatchGrid.square(4, 9, 8),
        }),
    ).toThrow(/grid/);
  });
});

describe('baselines', () => {
  const shape: ImageShape = { channels: 3, height: 9, width: 7, layout: 'NCHW' };
  const rng = Rng.create('baseline');
  const x = Float32Array.from({ length: 189 }, () => rng.normal());

  it('builds mean, zero and custom baselines per channel', () => {
    const m = buildBaseline({ kind: 'mean' }, x, shape, [1, 2, 3]);
    for (let c = 0; c < 3; c++) expect(m[elementIndex(shape, c, 4, 5)]).toBe(c + 1);
    expect(buildBaseline({ kind: 'zero' }, x, shape).every((v) => v === 0)).toBe(true);
    const cst = buildBaseline(parseBaseline('value:0.5'), x, shape);
    expect(cst.every((v) => v === 0.5)).toBe(true);
    expect(() => buildBaseline({ kind: 'mean' }, x, shape)).toThrow(/dataset mean/);
    expect(() => buildBaseline({ kind: 'custom', values: [1, 2] }, x, shape)).toThrow(/baseline/);
    expect(() => parseBaseline('noise')).toThrow(/baseline: unknown baseline/);
  });

  it('blurs with a normalised Gaussian: constants stay, interior matches a direct 2-D sum', () => {
    const flat = new Float32Array(189).fill(2.5);
    for (const v of gaussianBlur(flat, shape, 1.5)) expect(v).toBeCloseTo(2.5, 5);
    const sigma = 0.8;
    const b = buildBaseline(parseBaseline(`blur:${sigma}`), x, shape);
    const R = Math.ceil(3 * sigma);
    let wsum = 0;
    let acc = 0;
    const [c, y0, x0] = [1, 4, 3];
    for (let dy = -R; dy <= R; dy++) {
      for (let dx = -R; dx <= R; dx++) {
        const w = Math.exp(-(dy * dy + dx * dx) / (2 * sigma * sigma));
        wsum += w;
        acc += w * x[elementIndex(shape, c, y0 + dy, x0 + dx)];
      }
    }
    expect(b[elementIndex(shape, c, y0, x0)]).toBeCloseTo(acc / wsum, 5);
  });
});
