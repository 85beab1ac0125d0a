import sharp from 'sharp';
import { requireInput } from '@orderlens/core';
import type { PatchGrid } from '../grid/patch-grid.js';
import { checkRawImage, type RawImage } from '../image/raw-image.js';

/** A perceptually ordered colour map (viridis, 9 stops), `t ∈ [0, 1]` → RGB bytes. */
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Viridis colour of `t ∈ [0, 1]`. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as [number, number, number];
}

/** Options of {@link heatmapPanels}. */
export interface HeatmapOptions {
  /** Integer upscaling of every panel (nearest neighbour), default so that panels are ≥ 192 px. */
  readonly scale?: number;
  /** Opacity of the colour over the image, default 0.6. */
  readonly alpha?: number;
  /** Share one colour scale across the heat maps (default false: each map uses its own max). */
  readonly sharedScale?: boolean;
  /** Gap between panels in pixels (after scaling), default 4. */
  readonly gap?: number;
}

/**
 * A PNG with the image and one heat map per entry of `maps` (each a value per grid player)
 * side by side, each heat map blended over a grey copy of the image. Values are scaled to
 * `[0, max]` of each map (or of all maps with `sharedScale`); `NaN` cells show the image only.
 */
export async function heatmapPanels(
  image: RawImage,
  grid: PatchGrid,
  maps: ReadonlyArray<ArrayLike<number>>,
  options: HeatmapOptions = {},
): Promise<Buffer> {
  checkRawImage(image);
  requireInput(
    grid.height === image.height && grid.width === image.width,
    'grid',
    `the grid covers ${grid.height}×${grid.width} but the image is ${image.height}×${image.width}`,
  );
  for (const [k, m] of maps.entries())
    requireInput(
      m.length === grid.n,
      `maps[${k}]`,
      `expected ${grid.n} values (one per patch), got ${m.length}`,
    );
  const H = image.height;
  const W = image.width;
  const scale = options.scale ?? Math.max(1, Math.ceil(192 / Math.max(H, W)));
  const alpha = options.alpha ?? 0.6;
  const gap = options.gap ?? 4;
  const finiteMax = (m: ArrayLike<number>) =>
    Array.from(m).reduce((a, v) => (Number.isFinite(v) && v > a ? v : a), 0);
  const globalMax = Math.max(...maps.map(finiteMax));
  const panels = 1 + maps.length;
  const PW = W * scale;
  const PH = H * scale;
  const outW = panels * PW + (panels - 1) * gap;
  const out = Buffer.alloc(outW * PH * 3, 255);
  const pix = grid.playerOfPixel();
  const rgb = (y: number, x: number): [number, number, number] => {
    const o = (y * W + x) * image.channels;
    return image.channels === 3
      ? [image.data[o], image.data[o + 1], image.data[o + 2]]
      : [image.data[o], image.data[o], image.data[o]];
  };
  for (let panel = 0; panel < panels; panel++) {
    const map = panel === 0 ? undefined : maps[panel - 1];
    const max = map ? (options.sharedScale ? globalMax : finiteMax(map)) : 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let [r, g, b] = rgb(y, x);
        if (map) {
          const grey = 0.299 * r + 0.587 * g + 0.114 * b;
          const v = map[pix[y * W + x]];
          if (Number.isFinite(v)) {
            const [cr, cg, cb] = viridis(max > 0 ? v / max : 0);
            r = (1 - alpha) * grey + alpha * cr;
            g = (1 - alpha) * grey + alpha * cg;
            b = (1 - alpha) * grey + alpha * cb;
          } else {
            r = g = b = grey;
          }
        }
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const o = ((y * scale + dy) * outW + panel * (PW + gap) + x * scale + dx) * 3;
            out[o] = Math.round(r);
            out[o + 1] = Math.round(g);
            out[o + 2] = Math.round(b);
          }
        }
      }
    }
  }
  return sharp(out, { raw: { width: outW, height: PH, channels: 3 } })
    .png()
    .toBuffer();
}
