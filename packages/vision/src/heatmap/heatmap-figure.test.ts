import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkGoldenPng, decodePng, inkIn, systemFontIs } from '@orderlens/core/testing';
import { PatchGrid } from '../grid/patch-grid.js';
import { heatmapFigure, heatmapPanels } from './heatmap-image.js';

const GOLDEN = fileURLToPath(new URL('./__golden__/heatmap.png', import.meta.url));

/** A fixed 32×32 gradient image, a 4×4 grid, a rising low-order map and a high-order map with gaps. */
function fixture() {
  const H = 32;
  const W = 32;
  const data = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([8 * x, 8 * y, 128], (y * W + x) * 3);
  const low = Array.from({ length: 16 }, (_, k) => k / 15);
  const high = Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? NaN : 0.002 * (15 - k)));
  return {
    image: { data, height: H, width: W, channels: 3 },
    grid: PatchGrid.square(4, H, W),
    maps: [low, high],
  };
}

describe('heat map figure', () => {
  it('has a title, panel names and a colour bar per map (golden picture)', async () => {
    const { image, grid, maps } = fixture();
    const png = await heatmapFigure(image, grid, maps, {
      title: 'sample 3 (class cat): interaction strength per patch',
      panelNames: ['low orders, m/(n−2) ≤ 0.1', 'high orders, m/(n−2) ≥ 0.7'],
      valueLabel: 'mean |I(i,j)| of pairs with the patch',
    });
    // The bare panels are 3 × 192 + 2 × 4 wide and 192 high; the figure adds the words around them.
    const bare = await sharp(await heatmapPanels(image, grid, maps)).metadata();
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(bare.width!);
    expect(meta.height).toBeGreaterThan(bare.height! + 60);
    // Text goes through librsvg and the system's fonts: with the golden's font the picture must
    // match; with another, only the drawing must (another font moves ~4% of the tiles), and the
    // words are checked by where their ink is.
    const sameFont = systemFontIs('DejaVu Sans');
    expect(checkGoldenPng(png, GOLDEN, sameFont ? {} : { maxDifferentBlocks: 0.08 })).toBeUndefined();
    const pic = decodePng(png);
    const panel = 192 + 4;
    expect(inkIn(pic, 0, 0, pic.width, 30), 'title').toBeGreaterThan(150);
    for (let k = 0; k < 3; k++)
      expect(inkIn(pic, 8 + k * panel, 33, 8 + k * panel + 192, 49), `name of panel ${k}`).toBeGreaterThan(
        40,
      );
    for (let k = 1; k < 3; k++) {
      const x0 = 8 + k * panel + 6;
      const at = (x: number) =>
        Array.from(pic.rgb.subarray(3 * (255 * pic.width + x), 3 * (255 * pic.width + x) + 3));
      // The colour bar runs from viridis' dark purple to its yellow, with 0 and the maximum under it.
      const [r0, g0, b0] = at(x0 + 3);
      const [r1, g1, b1] = at(x0 + 192 - 12 - 3);
      expect(r0 < 110 && g0 < 60 && b0 > 60, `colour bar ${k} starts purple`).toBe(true);
      expect(r1 > 200 && g1 > 200 && b1 < 100, `colour bar ${k} ends yellow`).toBe(true);
      expect(inkIn(pic, x0, 261, x0 + 192 - 12, 286), `labels of colour bar ${k}`).toBeGreaterThan(40);
    }
  });

  it('refuses a panel name list of the wrong length, naming the option', async () => {
    const { image, grid, maps } = fixture();
    await expect(heatmapFigure(image, grid, maps, { panelNames: ['one'] })).rejects.toThrow(/panelNames/);
  });
});
