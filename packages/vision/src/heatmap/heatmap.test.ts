import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PatchGrid } from '../grid/patch-grid.js';
import { heatmapPanels, viridis } from './heatmap-image.js';
import { orderBand, patchStrength } from './patch-strength.js';

describe('patch strength heat maps', () => {
  const table = {
    orders: [0, 5, 10],
    ratios: [0, 0.5, 1],
    pairs: [
      [0, 1],
      [1, 2],
    ] as Array<[number, number]>,
    values: [
      [1, -2, 3],
      [-5, 0, 7],
    ],
  };

  it('averages |I| over the pairs holding each patch and the selected orders', () => {
    const low = patchStrength(table, 4, orderBand(table, 12, 'low'));
    expect(Array.from(low.subarray(0, 3))).toEqual([1, 3, 5]);
    expect(Number.isNaN(low[3])).toBe(true);
    const high = patchStrength(table, 4, orderBand(table, 12, 'high'));
    expect(Array.from(high.subarray(0, 3))).toEqual([3, 5, 7]);
    expect(() => patchStrength(table, 4, () => false)).toThrow(/orders/);
  });

  it('draws the image and each map side by side', async () => {
    const grid = PatchGrid.square(2, 4, 4);
    const image = { data: new Uint8Array(48).fill(200), height: 4, width: 4, channels: 3 };
    const png = await heatmapPanels(
      image,
      grid,
      [
        [0, 1, 0.5, NaN],
        [1, 1, 1, 1],
      ],
      { scale: 2, alpha: 1, gap: 0 },
    );
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([3 * 8, 8]);
    const at = (x: number, y: number) =>
      Array.from(
        data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
      );
    expect(at(0, 0)).toEqual([200, 200, 200]);
    expect(at(8 + 4, 0)).toEqual(viridis(1)); // patch 1 is the map's maximum
    expect(at(8 + 0, 0)).toEqual(viridis(0));
    expect(at(8 + 4, 4)).toEqual([200, 200, 200]); // NaN: grey image only
    await expect(heatmapPanels(image, grid, [[1, 2]])).rejects.toThrow(/maps\[0\]/);
  });
});
