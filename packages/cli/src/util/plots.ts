import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { encodePng, OrderlensInputError, writeFileAtomic } from '@orderlens/core';

/** Kept here for callers that import it with the plot helpers. */
export { writeFileAtomic };
import { modelColour } from '../report/palette.js';
import { clipPolyline } from './theory-fit.js';
import { agreementCaveat, theoryAgreement } from '@orderlens/core/theory';

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
  /** Error bars: `y ± error[i]` drawn as a vertical bar at each point (e.g. one standard error). */
  readonly error?: readonly number[];
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
  const rows: Array<{ x: number; y: number; series: string; dashed: boolean; lo?: number; hi?: number }> = [];
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
      const e = s.error?.[i];
      const bar =
        e !== undefined && Number.isFinite(e) && e > 0 && !(options.logY && y - e <= 0)
          ? { lo: y - e, hi: y + e }
          : {};
      rows.push({ x, y, series: label, dashed: s.dashed === true, ...bar });
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
          // Fixed colours by position, distinct past ten series (a 10-colour scheme repeats).
          scale: { domain: labels, range: labels.map((_, k) => modelColour(k)) },
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
      // Error bars of the series that have them.
      ...(rows.some((r) => r.lo !== undefined)
        ? [
            {
              transform: [{ filter: 'isValid(datum.lo)' }],
              mark: { type: 'rule', strokeWidth: 1.5 },
              encoding: { y: { ...encoding.y, field: 'lo' }, y2: { field: 'hi' } },
            },
          ]
        : []),
    ],
    config: { font: FONT, legend: LEGEND },
  };
  return renderVegaLite(spec);
}

/** Legends below the chart, one entry a line, never cut short ("…4 entries"). */
const LEGEND = { labelLimit: 640, orient: 'bottom', direction: 'vertical', symbolLimit: 1000 } as const;

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
  /**
   * The label of the measured curve this theory belongs to (fitted to it, or at its `n`): drawn
   * in that curve's colour and checked against it (a caveat under the title when the shapes
   * disagree or the fit is poor). Without it the curve is grey and stands alone.
   */
  readonly of?: string;
  /** The kind of theory curve, for the dash legend (default: `label`). */
  readonly kind?: string;
}

/** Options of {@link strengthPlot}. */
export interface StrengthPlotOptions {
  readonly curves: readonly StrengthPlotCurve[];
  /** Theory curve(s) (e.g. core `theoryStrength`), drawn dashed. */
  readonly theory?: TheoryCurve | readonly TheoryCurve[];
  readonly title: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  /** Extra lines under the title (caveats of the caller), before the ones the chart finds. */
  readonly notes?: readonly string[];
}

/** Greys of theory curves that belong to no measured curve. */
const THEORY_GREYS = ['#444444', '#888888', '#aaaaaa'];

/** Most caveat lines under a title; the rest are counted. */
const MAX_NOTES = 5;

/** The y range of the measured points, padded by 6% (or ×1.15 on a log axis). */
function measuredDomain(ys: readonly number[], logY: boolean): [number, number] | undefined {
  const v = ys.filter((y) => Number.isFinite(y) && (!logY || y > 0));
  if (v.length === 0) return undefined;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (logY) return [lo / 1.15, hi * 1.15];
  const pad = 0.06 * (hi - lo || Math.abs(hi) || 1);
  // A strength is never negative: keep 0 in view when the curves come near it.
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

/**
 * Strength curves `J(m)`. The x axis is the order ratio m/(n−2) when every curve (and the theory)
 * has ratios — curves of different `n` are then comparable — otherwise the order m.
 *
 * The measured curves set the y axis; theory curves are clipped to it (F̂ at the true n reaches
 * many times the mean at m = 0 and would squeeze every measured curve into a band), and a line
 * under the title says so. Each measured curve has a fixed colour that its own theory curves
 * (`of`) share, dashed; under the title, a caveat for each theory curve whose shape disagrees
 * with its measured curve or fits it poorly.
 */
export async function strengthPlot(options: StrengthPlotOptions): Promise<Plot> {
  const byRatio = options.curves.every((c) => c.ratios !== undefined);
  if (options.curves.length === 0)
    throw new OrderlensInputError('curves', 'expected at least one measured curve to plot');
  const logY = options.logY === true;
  const rows: Array<{ x: number; y: number; group: string; kind: string; curve: string; part: string }> = [];
  const groups: string[] = [];
  const measured = new Map<string, { ratios: readonly number[]; values: readonly number[] }>();
  for (const [k, c] of options.curves.entries()) {
    const x = byRatio ? c.ratios : c.orders;
    if (!x)
      throw new OrderlensInputError(
        `curves[${k}]`,
        `curve ${JSON.stringify(c.label)} needs orders or ratios`,
      );
    if (x.length !== c.J.length)
      throw new OrderlensInputError(
        `curves[${k}]`,
        `x has ${x.length} values but J has ${c.J.length} (${JSON.stringify(c.label)})`,
      );
    let label = c.label;
    for (let dup = 2; groups.includes(label); dup++) label = `${c.label} (${dup})`;
    groups.push(label);
    measured.set(c.label, { ratios: x, values: c.J });
    x.forEach((xi, i) =>
      rows.push({ x: xi, y: c.J[i], group: label, kind: 'measured', curve: label, part: label }),
    );
  }
  const domain = measuredDomain(
    rows.map((r) => r.y),
    logY,
  );
  const theories =
    options.theory === undefined
      ? []
      : Array.isArray(options.theory)
        ? (options.theory as readonly TheoryCurve[])
        : [options.theory as TheoryCurve];
  const notes = [...(options.notes ?? [])];
  const greys: string[] = [];
  const kinds = ['measured'];
  for (const t of theories) {
    if (!byRatio)
      throw new OrderlensInputError(
        'theory',
        'a theory curve needs every measured curve to have ratios (m/(n−2))',
      );
    const own = t.of !== undefined && measured.has(t.of) ? t.of : undefined;
    const group = own ?? t.label;
    if (!own && !greys.includes(group)) greys.push(group);
    const kind = t.kind ?? t.label;
    if (!kinds.includes(kind)) kinds.push(kind);
    // Clipped here, not by the renderer (see clipPolyline): each part inside the axis is a line.
    const byX = t.ratios.map((_, i) => i).sort((a, b) => t.ratios[a] - t.ratios[b]);
    const parts = domain
      ? clipPolyline(
          byX.map((i) => t.ratios[i]),
          byX.map((i) => t.values[i]),
          domain[0],
          domain[1],
          logY,
        )
      : [byX.map((i) => ({ x: t.ratios[i], y: t.values[i] }))];
    parts.forEach((pts, k) =>
      pts.forEach(({ x, y }) => rows.push({ x, y, group, kind, curve: t.label, part: `${t.label}#${k}` })),
    );
    const shown = t.values.filter((v) => Number.isFinite(v) && (!logY || v > 0));
    // Every caveat of one theory curve on one line, so that a dozen models stay readable.
    const caveats: string[] = [];
    const cut = domain && shown.length > 0 ? clipping(shown, domain, logY) : undefined;
    if (cut) caveats.push(cut);
    if (domain && !logY && shown.length > 2) {
      // F̂ at large n is ~1e-70 over most orders: drawn, it is a line on the floor of the axis.
      const floor = domain[0] + 0.01 * (domain[1] - domain[0]);
      const flat = shown.filter((v) => v >= domain[0] && v <= floor).length;
      if (flat > shown.length / 2)
        caveats.push(
          `within 1% of the axis floor at ${flat} of ${shown.length} orders (down to ${fmt(
            Math.min(...shown),
          )}): a flat line here, a log axis shows its shape`,
        );
    }
    if (own) {
      const caveat = agreementCaveat(theoryAgreement(measured.get(own)!, t));
      if (caveat) caveats.push(caveat);
    }
    // One line per caveat under the theory's name: a joined line would make the picture wide.
    if (caveats.length) notes.push(`${t.label}: ${caveats[0]}`, ...caveats.slice(1).map((c) => `   … ${c}`));
  }
  const colourDomain = [...groups, ...greys];
  const colourRange = [
    ...groups.map((_, k) => modelColour(k)),
    ...greys.map((_, k) => THEORY_GREYS[k % THEORY_GREYS.length]),
  ];
  const shownNotes =
    notes.length > MAX_NOTES
      ? [...notes.slice(0, MAX_NOTES - 1), `… and ${notes.length - MAX_NOTES + 1} more caveats`]
      : notes;
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: shownNotes.length
      ? { text: options.title, subtitle: shownNotes, subtitleColor: '#9a4a00', subtitleFontSize: 11 }
      : options.title,
    width: 480,
    height: 300,
    background: 'white',
    data: {
      values: rows.filter((r) => Number.isFinite(r.x) && Number.isFinite(r.y) && (!logY || r.y > 0)),
    },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: byRatio ? 'order ratio m/(n−2)' : 'order m',
        ...(byRatio ? { scale: { domain: [0, 1], nice: false } } : {}),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yLabel,
        scale: {
          ...(domain ? { domain, nice: false } : {}),
          ...(logY ? { type: 'log' } : { zero: false }),
        },
      },
      color: {
        field: 'group',
        type: 'nominal',
        title: null,
        sort: colourDomain,
        scale: { domain: colourDomain, range: colourRange },
      },
      detail: { field: 'part' },
      order: { field: 'x', type: 'quantitative' },
    },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'measured'" }],
        mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2, clip: true },
      },
      {
        transform: [{ filter: "datum.kind !== 'measured'" }],
        mark: { type: 'line', strokeWidth: 1.6, opacity: 0.9, clip: true },
        encoding: {
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: {
              domain: kinds,
              range: kinds.map(
                (_, k) =>
                  [
                    [1, 0],
                    [8, 4],
                    [2, 3],
                    [10, 3, 2, 3],
                  ][k % 4],
              ),
            },
            // Long symbols, or every dash pattern looks like a solid stub.
            legend: { symbolType: 'stroke', symbolSize: 900, symbolStrokeWidth: 2 },
          },
        },
      },
    ],
    config: { font: FONT, legend: LEGEND },
  };
  return renderVegaLite(spec);
}

/**
 * What clipping a theory curve to `domain` hides, or undefined when it hides little: a curve that
 * leaves the axis by under a fifth of its span (a log axis: a factor 2) still reads right.
 */
function clipping(values: readonly number[], domain: [number, number], logY: boolean): string | undefined {
  const [lo, hi] = domain;
  const peak = Math.max(...values);
  const low = Math.min(...values);
  const inside = values.filter((v) => v >= lo && v <= hi).length;
  if (inside === 0) return `outside the measured range (${fmt(low)} to ${fmt(peak)}), not drawn`;
  const above = logY ? peak > 2 * hi : peak > hi + 0.2 * (hi - lo);
  const below = logY ? low < lo / 2 : low < lo - 0.2 * (hi - lo);
  if (!above && !below) return undefined;
  const off = values.length - inside;
  return `clipped to the measured range (${[
    above ? `reaches ${fmt(peak)}` : '',
    below ? `falls to ${fmt(low)}` : '',
  ]
    .filter(Boolean)
    .join(', ')}${off > values.length / 2 ? `; ${off} of ${values.length} orders off the axis` : ''})`;
}

/** A number for a caveat: 3 significant digits, exponent form when tiny or huge. */
function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(1);
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
