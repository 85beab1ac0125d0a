import { theoryStrength } from '@orderlens/core/theory';
import type { ReportEntry } from './collect-results.js';
import { CHART_FONT, HIDDEN_SIGNAL, VISIBLE_FILTER, modelColour } from './palette.js';

/** One point of a strength chart. */
export interface StrengthRow {
  readonly model: string;
  readonly modality: string;
  /** `measured`, or the theory curve's name. */
  readonly curve: string;
  readonly ratio: number;
  readonly order: number;
  /** Strength divided by its mean over the curve's orders. */
  readonly J: number;
  /** `J ± error` (measured curves with a standard error). */
  readonly lo?: number;
  readonly hi?: number;
  readonly n: number;
}

/** Theory at the true `n` (shown only for n ≤ this, see {@link strengthRows}). */
export const THEORY_MAX_N = 40;
export const THEORY_AT_N = 'theory F̂ at n';
export const THEORY_AT_FIT = 'theory F̂ at fitted n′';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * The rows of every strength curve, all on one axis: x is the order ratio m/(n−2), so models
 * with different `n` and modalities line up, and y is the curve divided by its own mean over
 * orders (the result's `J`, recomputed from `raw` whatever normalisation the result chose).
 * Theory: `F̂` at the true `n` where it is readable (n ≤ 40: at image scale it spans tens of
 * decades and would flatten every measured curve) and `F̂` at the fitted `n′` over its own
 * dense orders — the same curves `strength.png` of an analysis shows.
 */
export function strengthRows(entries: readonly ReportEntry[]): StrengthRow[] {
  const rows: StrengthRow[] = [];
  for (const { label, result } of entries) {
    const { n, orders, ratios, aggregate, modality } = result;
    const scale = mean(aggregate.raw) || 1;
    orders.forEach((m, k) => {
      const J = aggregate.raw[k] / scale;
      const err = aggregate.rawError?.[k];
      rows.push({
        model: label,
        modality,
        curve: 'measured',
        ratio: ratios[k],
        order: m,
        J,
        ...(err !== undefined && Number.isFinite(err) && err > 0
          ? { lo: J - err / scale, hi: J + err / scale }
          : {}),
        n,
      });
    });
    const theory = (name: string, nT: number, os: number[]) => {
      const values = theoryStrength(nT, os);
      const s = mean(values) || 1;
      os.forEach((m, k) =>
        rows.push({
          model: label,
          modality,
          curve: name,
          ratio: m / (nT - 2),
          order: m,
          J: values[k] / s,
          n: nT,
        }),
      );
    };
    if (n > 2 && n <= THEORY_MAX_N)
      theory(
        THEORY_AT_N,
        n,
        [...new Set(orders)].sort((a, b) => a - b),
      );
    const nEff = aggregate.theory.effectiveN;
    if (nEff !== undefined && nEff > 2)
      theory(
        THEORY_AT_FIT,
        nEff,
        Array.from({ length: nEff - 1 }, (_, m) => m),
      );
  }
  return rows.filter((r) => Number.isFinite(r.J) && Number.isFinite(r.ratio));
}

/** Options of {@link strengthSpec}. */
export interface StrengthSpecOptions {
  readonly title: string;
  /** One panel per modality (shared axes) instead of one chart. */
  readonly byModality?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/**
 * The Vega-Lite spec of the strength chart: measured `J` solid with points (hover: values and
 * standard error), error bars, theory dashed in the model's colour. Colours are fixed per model;
 * the `hiddenModels` signal filters models out (the page's toggles set it).
 */
export function strengthSpec(
  entries: readonly ReportEntry[],
  rows: readonly StrengthRow[],
  options: StrengthSpecOptions,
): Record<string, unknown> {
  const labels = entries.map((e) => e.label);
  const curves = [THEORY_AT_N, THEORY_AT_FIT].filter((c) => rows.some((r) => r.curve === c));
  const encoding = {
    x: {
      field: 'ratio',
      type: 'quantitative',
      title: 'order ratio m/(n−2)',
      scale: { domain: [0, 1], nice: false },
    },
    y: { field: 'J', type: 'quantitative', title: 'J(m) / mean over orders', scale: { zero: true } },
    color: {
      field: 'model',
      type: 'nominal',
      title: 'model',
      scale: { domain: labels, range: labels.map((_, k) => modelColour(k)) },
      // Panels per modality sit beside the main chart, whose legend (and the toggles) name the models.
      legend: options.byModality ? null : { orient: 'bottom', direction: 'vertical', labelLimit: 360 },
    },
    order: { field: 'ratio', type: 'quantitative' },
  };
  const tooltip = [
    { field: 'model', type: 'nominal' },
    { field: 'modality', type: 'nominal' },
    { field: 'curve', type: 'nominal' },
    { field: 'n', type: 'quantitative' },
    { field: 'order', type: 'quantitative', title: 'order m' },
    { field: 'ratio', type: 'quantitative', format: '.3f' },
    { field: 'J', type: 'quantitative', format: '.4g', title: 'J / mean' },
    { field: 'lo', type: 'quantitative', format: '.4g', title: '−1 s.e.' },
    { field: 'hi', type: 'quantitative', format: '.4g', title: '+1 s.e.' },
  ];
  const layer = [
    {
      transform: [{ filter: "datum.curve === 'measured'" }],
      mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 },
      encoding: { tooltip },
    },
    {
      transform: [{ filter: "datum.curve === 'measured' && isValid(datum.lo)" }],
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6 },
      encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, tooltip },
    },
    ...(curves.length > 0
      ? [
          {
            transform: [{ filter: "datum.curve !== 'measured'" }],
            mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
            encoding: {
              strokeDash: {
                field: 'curve',
                type: 'nominal',
                title: 'theory',
                scale: { domain: curves, range: curves.map((c) => (c === THEORY_AT_N ? [7, 4] : [2, 3])) },
                legend: options.byModality ? null : { orient: 'bottom', direction: 'vertical' },
              },
              detail: { field: 'curve' },
              tooltip,
            },
          },
        ]
      : []),
  ];
  const width = options.width ?? (options.byModality ? 230 : 540);
  const height = options.height ?? (options.byModality ? 150 : 320);
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    background: 'white',
    params: [{ name: HIDDEN_SIGNAL, value: [] }],
    data: { values: rows },
    transform: [VISIBLE_FILTER],
    config: { font: CHART_FONT },
  };
  if (!options.byModality) return { ...base, width, height, encoding, layer };
  return {
    ...base,
    facet: { field: 'modality', type: 'nominal', title: 'modality' },
    columns: 2,
    spec: { width, height, encoding, layer },
    resolve: { scale: { y: 'shared' } },
  };
}
