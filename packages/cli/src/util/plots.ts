import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { encodePng, OrderlensInputError, writeFileAtomic } from '@orderlens/core';

/** Kept here for callers that import it with the plot helpers. */
export { writeFileAtomic };

/** A rendered chart. */
export interface Plot {
  /** Standalone SVG document. */
  readonly svg: string;
  /** PNG rendering of `svg` (2× scale, white background). */
  readonly png: Buffer;
  /** The Vega-Lite spec it was made from (handy for notebooks and debugging). */
  readonly spec: Record<string, unknown>;
}

/** One line of a {@link linePlot}. */
export interface LineSeries {
  readonly label: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Draw dashed without point markers (theory / reference curves). */
  readonly dashed?: boolean;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  readonly series: readonly LineSeries[];
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Fixed y range, e.g. `[0, 1]` for accuracies. */
  readonly yDomain?: [number, number];
  /** Fixed x range. */
  readonly xDomain?: [number, number];
  /** Logarithmic y axis (non-positive values are dropped). */
  readonly logY?: boolean;
  /** Chart area size in CSS pixels (default 480 × 300). */
  readonly width?: number;
  readonly height?: number;
}

/** Font stack for chart text; resvg resolves it against system fonts (DejaVu on Debian/Ubuntu). */
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Renders a Vega-Lite spec headless to SVG and PNG. */
export async function renderVegaLite(spec: Record<string, unknown>): Promise<Plot> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { svg, png: svgToPng(svg), spec };
  } finally {
    view.finalize();
  }
}

/**
 * DejaVu Sans ships with the package (its licence beside it) so that PNG text renders on a
 * machine without system fonts.
 */
const BUNDLED_FONT = fileURLToPath(new URL('../../assets/fonts/DejaVuSans.ttf', import.meta.url));

/**
 * Rasterises an SVG with resvg, with the bundled DejaVu Sans and the system fonts; set
 * `ORDERLENS_FONT_FILE` to a .ttf/.otf to add another.
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fontFile = process.env.ORDERLENS_FONT_FILE;
  const fontFiles = [...(existsSync(BUNDLED_FONT) ? [BUNDLED_FONT] : []), ...(fontFile ? [fontFile] : [])];
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: true,
      fontFiles,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/** A generic line chart (accuracy curves, strength curves, losses). */
export async function linePlot(options: LinePlotOptions): Promise<Plot> {
  if (options.series.length === 0)
    throw new OrderlensInputError('series', 'expected at least one series to plot');
  const rows: Array<{ x: number; y: number; series: string; dashed: boolean }> = [];
  const labels: string[] = [];
  for (const [k, s] of options.series.entries()) {
    if (s.x.length !== s.y.length) {
      throw new OrderlensInputError(
        `series[${k}]`,
        `x has ${s.x.length} values but y has ${s.y.length} (${JSON.stringify(s.label)})`,
      );
    }
    // Repeated labels would merge two lines; keep them apart.
    let label = s.label;
    for (let dup = 2; labels.includes(label); dup++) label = `${s.label} (${dup})`;
    labels.push(label);
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || (options.logY && y <= 0)) continue;
      rows.push({ x, y, series: label, dashed: s.dashed === true });
    }
  }
  const single = options.series.length === 1;
  const encoding = {
    x: {
      field: 'x',
      type: 'quantitative',
      title: options.xLabel,
      ...(options.xDomain ? { scale: { domain: options.xDomain, nice: false } } : {}),
    },
    y: {
      field: 'y',
      type: 'quantitative',
      title: options.yLabel,
      scale: {
        ...(options.yDomain ? { domain: options.yDomain } : {}),
        ...(options.logY ? { type: 'log' } : { zero: false }),
      },
    },
    // One colour scale shared by both layers gives one legend, in series order.
    color: single
      ? { value: '#4c78a8' }
      : {
          field: 'series',
          type: 'nominal',
          title: null,
          sort: labels,
          // Past ten series the default palette repeats colours: twenty distinct ones instead.
          scale: { domain: labels, ...(labels.length > 10 ? { scheme: 'tableau20' } : {}) },
        },
    order: { field: 'x', type: 'quantitative' },
  };
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 300,
    background: 'white',
    data: { values: rows },
    encoding,
    layer: [
      // Measured series: solid lines with point markers.
      {
        transform: [{ filter: '!datum.dashed' }],
        mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
      },
      // Reference / theory series: dashed, no markers.
      { transform: [{ filter: 'datum.dashed' }], mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 2 } },
    ],
    config: { font: FONT, legend: { labelLimit: 360, orient: 'bottom', direction: 'vertical' } },
  };
  return renderVegaLite(spec);
}

/** One measured curve of a {@link strengthPlot}: `J` per order, located by `ratios` (m/(n−2)) or `orders` (m). */
export interface StrengthPlotCurve {
  readonly label: string;
  readonly orders?: readonly number[];
  readonly ratios?: readonly number[];
  readonly J: readonly number[];
}

/** A theory curve over order ratios m/(n−2). */
export interface TheoryCurve {
  readonly label: string;
  readonly ratios: readonly number[];
  readonly values: readonly number[];
}

/** Options of {@link strengthPlot}. */
export interface StrengthPlotOptions {
  readonly curves: readonly StrengthPlotCurve[];
  /** Theory curve(s) (e.g. core `theoryStrength`), drawn dashed. */
  readonly theory?: TheoryCurve | readonly TheoryCurve[];
  readonly title: string;
  readonly yLabel: string;
  readonly logY?: boolean;
}

/**
 * Strength curves `J(m)`. The x axis is the order ratio m/(n−2) when every curve (and the theory)
 * has ratios — curves of different `n` are then comparable — otherwise the order m.
 */
export async function strengthPlot(options: StrengthPlotOptions): Promise<Plot> {
  const byRatio = options.curves.every((c) => c.ratios !== undefined);
  const series: LineSeries[] = options.curves.map((c, k) => {
    const x = byRatio ? c.ratios : c.orders;
    if (!x)
      throw new OrderlensInputError(
        `curves[${k}]`,
        `curve ${JSON.stringify(c.label)} needs orders or ratios`,
      );
    return { label: c.label, x, y: c.J };
  });
  const theories =
    options.theory === undefined
      ? []
      : Array.isArray(options.theory)
        ? (options.theory as readonly TheoryCurve[])
        : [options.theory as TheoryCurve];
  for (const t of theories) {
    if (!byRatio)
      throw new OrderlensInputError(
        'theory',
        'a theory curve needs every measured curve to have ratios (m/(n−2))',
      );
    series.push({ label: t.label, x: t.ratios, y: t.values, dashed: true });
  }
  return linePlot({
    series,
    title: options.title,
    xLabel: byRatio ? 'order ratio m/(n−2)' : 'order m',
    yLabel: options.yLabel,
    xDomain: byRatio ? [0, 1] : undefined,
    logY: options.logY,
  });
}

/**
 * Writes `<base>.svg` and `<base>.png` atomically (temporary file, then rename). A `.svg`/`.png`
 * suffix on `basePath` is dropped. Returns the two paths.
 */
export function writePlot(basePath: string, plot: Pick<Plot, 'svg' | 'png'>): { svg: string; png: string } {
  const base = basePath.replace(/\.(svg|png)$/i, '');
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  writeFileAtomic(paths.svg, plot.svg);
  writeFileAtomic(paths.png, plot.png);
  return paths;
}

/** Options of {@link heatmapPng}. */
export interface HeatmapOptions {
  /** Output size in pixels (cells are scaled up with nearest neighbour, so patches stay sharp). */
  readonly width: number;
  readonly height: number;
  /**
   * `diverging` (default): blue (negative) – white – red (positive), symmetric around 0.
   * `sequential`: viridis from min to max.
   */
  readonly colormap?: 'diverging' | 'sequential';
  /** Value range; default symmetric ±max|v| (diverging) or [min, max] (sequential). */
  readonly range?: [number, number];
  /**
   * Alpha: a constant in [0, 1] (default 1), or `magnitude` — opacity ∝ |v| / max|v|, so an
   * overlay shows the image where values are near zero.
   */
  readonly alpha?: number | 'magnitude';
}

const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [lerp(a[0], b[0], f), lerp(a[1], b[1], f), lerp(a[2], b[2], f)];
}

function diverging(t: number): [number, number, number] {
  // t in [-1, 1]: -1 → (33,102,172) blue, 0 → white, 1 → (178,24,43) red (ColorBrewer RdBu ends).
  const c = Math.min(1, Math.max(-1, t));
  const end = c < 0 ? [33, 102, 172] : [178, 24, 43];
  const f = Math.abs(c);
  return [lerp(255, end[0], f), lerp(255, end[1], f), lerp(255, end[2], f)];
}

/**
 * A `rows × cols` grid of values (row-major) as an RGBA PNG of `width × height` pixels — e.g.
 * per-patch attributions, to overlay on an image. Non-finite values are transparent.
 */
export function heatmapPng(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  options: HeatmapOptions,
): Buffer {
  if (!Number.isInteger(rows) || rows <= 0)
    throw new OrderlensInputError('rows', `expected a positive integer, got ${rows}`);
  if (!Number.isInteger(cols) || cols <= 0)
    throw new OrderlensInputError('cols', `expected a positive integer, got ${cols}`);
  if (values.length !== rows * cols)
    throw new OrderlensInputError(
      'values',
      `expected rows × cols = ${rows * cols} values, got ${values.length}`,
    );
  const { width, height } = options;
  if (!Number.isInteger(width) || width <= 0)
    throw new OrderlensInputError('width', `expected a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height <= 0)
    throw new OrderlensInputError('height', `expected a positive integer, got ${height}`);
  const mode = options.colormap ?? 'diverging';
  let lo = Infinity;
  let hi = -Infinity;
  let maxAbs = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const [r0, r1] = options.range ?? (mode === 'diverging' ? [-maxAbs, maxAbs] : [lo, hi]);
  const span = r1 - r0;
  const cellRgba = new Uint8Array(rows * cols * 4);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue; // stays fully transparent
    const t = span > 0 ? (v - r0) / span : 0.5;
    const [r, g, b] = mode === 'diverging' ? diverging(2 * t - 1) : viridis(t);
    const a = options.alpha === 'magnitude' ? (maxAbs > 0 ? Math.abs(v) / maxAbs : 0) : (options.alpha ?? 1);
    cellRgba[4 * k] = Math.round(r);
    cellRgba[4 * k + 1] = Math.round(g);
    cellRgba[4 * k + 2] = Math.round(b);
    cellRgba[4 * k + 3] = Math.round(255 * Math.min(1, Math.max(0, a)));
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(cols - 1, Math.floor((x * cols) / width));
      const src = 4 * (row * cols + col);
      const dst = 4 * (y * width + x);
      rgba[dst] = cellRgba[src];
      rgba[dst + 1] = cellRgba[src + 1];
      rgba[dst + 2] = cellRgba[src + 2];
      rgba[dst + 3] = cellRgba[src + 3];
    }
  }
  return encodePng(rgba, width, height);
}
