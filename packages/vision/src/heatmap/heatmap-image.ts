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

/** Options of {@link heatmapFigure}: those of {@link heatmapPanels} and the words around them. */
export interface HeatmapFigureOptions extends HeatmapOptions {
  /** Title above the panels (e.g. the sample and its class). */
  readonly title?: string;
  /** Name of each heat map, shown above it (default `map 1`, `map 2`, …); the image is `image`. */
  readonly panelNames?: readonly string[];
  /** What the colour stands for, under the colour bars (default `strength`). */
  readonly valueLabel?: string;
}

/** Escapes text for an SVG text node. */
function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A tick label of a colour bar: 3 significant digits, exponent form when tiny or huge. */
function tick(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** Font of the figure's words; librsvg resolves it through fontconfig (DejaVu on Debian/Ubuntu). */
const FIGURE_FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

/**
 * {@link heatmapPanels} with what a reader needs to read them: a title, a name over each panel
 * (`image`, then `panelNames`) and under each heat map a viridis colour bar from 0 to the value
 * its brightest colour stands for (each map's own maximum, or the shared one).
 */
export async function heatmapFigure(
  image: RawImage,
  grid: PatchGrid,
  maps: ReadonlyArray<ArrayLike<number>>,
  options: HeatmapFigureOptions = {},
): Promise<Buffer> {
  const names = maps.map((_, k) => options.panelNames?.[k] ?? `map ${k + 1}`);
  requireInput(
    options.panelNames === undefined || options.panelNames.length === maps.length,
    'panelNames',
    `expected one name per map (${maps.length}), got ${options.panelNames?.length}`,
  );
  const panels = await heatmapPanels(image, grid, maps, options);
  const { width: panelsW, height: PH } = await sharp(panels).metadata();
  const gap = options.gap ?? 4;
  const PW = (panelsW! - maps.length * gap) / (maps.length + 1);
  const finiteMax = (m: ArrayLike<number>) =>
    Array.from(m).reduce((a, v) => (Number.isFinite(v) && v > a ? v : a), 0);
  const globalMax = Math.max(0, ...maps.map(finiteMax));
  const margin = 8;
  const titleH = options.title ? 24 : 0;
  const nameH = 18;
  const barH = 10;
  const footH = 8 + barH + 28;
  const W = panelsW! + 2 * margin;
  const H = margin + titleH + nameH + PH! + footH;
  const top = margin + titleH + nameH;
  const stops = Array.from({ length: 9 }, (_, k) => {
    const [r, g, b] = viridis(k / 8);
    return `<stop offset="${k / 8}" stop-color="rgb(${r},${g},${b})"/>`;
  }).join('');
  const parts: string[] = [
    `<defs><linearGradient id="viridis" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>`,
  ];
  if (options.title)
    parts.push(
      `<text x="${W / 2}" y="${margin + 16}" text-anchor="middle" font-size="15" font-weight="bold">${xmlText(options.title)}</text>`,
    );
  ['image', ...names].forEach((name, k) => {
    const cx = margin + k * (PW + gap) + PW / 2;
    parts.push(`<text x="${cx}" y="${top - 5}" text-anchor="middle" font-size="12">${xmlText(name)}</text>`);
  });
  maps.forEach((m, k) => {
    const x0 = margin + (k + 1) * (PW + gap) + 6;
    const w = PW - 12;
    const y0 = top + PH! + 8;
    const max = options.sharedScale ? globalMax : finiteMax(m);
    parts.push(
      `<rect x="${x0}" y="${y0}" width="${w}" height="${barH}" fill="url(#viridis)" stroke="#444" stroke-width="0.5"/>`,
      `<text x="${x0}" y="${y0 + barH + 12}" font-size="10">0</text>`,
      `<text x="${x0 + w}" y="${y0 + barH + 12}" text-anchor="end" font-size="10">${tick(max)}</text>`,
      `<text x="${x0 + w / 2}" y="${y0 + barH + 24}" text-anchor="middle" font-size="10" fill="#444">${xmlText(
        options.valueLabel ?? 'strength',
      )}</text>`,
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FIGURE_FONT}">${parts.join('')}</svg>`;
  return sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite([
      { input: panels, left: margin, top },
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
}
