import type { ReportEntry } from './collect-results.js';
import { CHART_FONT, HIDDEN_SIGNAL, VISIBLE_FILTER, modelColour } from './palette.js';
import type { ReportChart } from './report-content.js';

/*
 * The measures of interactions (docs/measures.md) as report charts: one chart per measure that
 * at least one result carries, a line per network (colour: the model's, as in every chart of the
 * page; dash: which curve of the measure), filtered by the model toggles.
 */

/** One point of a measure's curve. */
export interface MeasureRow {
  readonly model: string;
  /** Which curve of the measure (e.g. `across samples`, `a salient on b`). */
  readonly curve: string;
  readonly x: number;
  readonly y: number;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function push(
  rows: MeasureRow[],
  model: string,
  curve: string,
  xs: readonly number[],
  ys: ReadonlyArray<number | null>,
) {
  xs.forEach((x, k) => {
    const y = ys[k];
    if (finite(y)) rows.push({ model, curve, x, y });
  });
}

/** `V^(s)` per order (noise-sensitivity results). */
export function noiseRows(entries: readonly ReportEntry[]): MeasureRow[] {
  const rows: MeasureRow[] = [];
  for (const { label, result } of entries) {
    const m = result.measures?.noiseSensitivity;
    if (!m) continue;
    // Zero variances (e.g. order 0) cannot sit on a log axis: left out.
    push(
      rows,
      label,
      `V^(s), δ = ${m.delta}`,
      m.orders,
      m.variance.map((v) => (v > 0 ? v : null)),
    );
  }
  return rows;
}

/** `E_c Sim(train, test)` per order (generalization results). */
export function generalizationRows(entries: readonly ReportEntry[]): MeasureRow[] {
  const rows: MeasureRow[] = [];
  for (const { label, result } of entries) {
    const m = result.measures?.generalization;
    if (m) push(rows, label, 'E_c Sim(train, test)', m.orders, m.mean);
  }
  return rows;
}

/** Shares of salient interactions also salient elsewhere, per order (transfer results). */
export function transferRows(entries: readonly ReportEntry[]): MeasureRow[] {
  const rows: MeasureRow[] = [];
  for (const { label, result } of entries) {
    const m = result.measures?.transfer;
    if (!m) continue;
    if (m.acrossSamples)
      push(rows, label, 'across samples of a class', m.acrossSamples.orders, m.acrossSamples.share);
    for (const t of m.acrossNetworks ?? []) {
      push(rows, label, `${t.a} salient on ${t.b}`, t.aInB.orders, t.aInB.share);
      push(rows, label, `${t.b} salient on ${t.a}`, t.bInA.orders, t.bInA.share);
    }
  }
  return rows;
}

/** Salient AND + OR interactions per sample as the threshold fraction grows (every AND-OR result). */
export function sparsityRows(entries: readonly ReportEntry[]): MeasureRow[] {
  const rows: MeasureRow[] = [];
  for (const { label, result } of entries) {
    const s = result.aggregate.andOr?.sparsity;
    if (!s) continue;
    // Zero counts cannot sit on the log axis: left out.
    const positive = (xs: readonly number[]) => xs.map((v) => (v > 0 ? v : null));
    push(rows, label, 'AND', s.fractions, positive(s.andCount));
    push(rows, label, 'OR', s.fractions, positive(s.orCount));
  }
  return rows;
}

/** Vega-Lite spec of one measure: lines over `x`, colour by model, dash by curve. */
export function measureSpec(
  rows: readonly MeasureRow[],
  labels: readonly string[],
  axes: { title: string; x: string; y: string; logX?: boolean; logY?: boolean; yDomain?: [number, number] },
): Record<string, unknown> {
  const present = labels.filter((l) => rows.some((r) => r.model === l));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: axes.title,
    background: 'white',
    width: 420,
    height: 240,
    params: [{ name: HIDDEN_SIGNAL, value: [] }],
    data: { values: rows },
    transform: [VISIBLE_FILTER],
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: axes.x,
        ...(axes.logX ? { scale: { type: 'log' } } : {}),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: axes.y,
        scale: axes.logY
          ? { type: 'log' }
          : { ...(axes.yDomain ? { domain: axes.yDomain } : {}), zero: true },
      },
      color: {
        field: 'model',
        type: 'nominal',
        title: 'model',
        // Only the models this measure has, each in its page-wide colour.
        scale: { domain: present, range: present.map((l) => modelColour(labels.indexOf(l))) },
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 360 },
      },
      strokeDash: {
        field: 'curve',
        type: 'nominal',
        title: 'curve (solid, dashed, dotted, … in this order)',
        legend: {
          orient: 'bottom',
          direction: 'vertical',
          labelLimit: 360,
          symbolType: 'stroke',
          symbolStrokeColor: '#444',
          symbolStrokeWidth: 2,
        },
      },
      detail: [{ field: 'model' }, { field: 'curve' }],
      order: { field: 'x', type: 'quantitative' },
      tooltip: [
        { field: 'model', type: 'nominal' },
        { field: 'curve', type: 'nominal' },
        { field: 'x', type: 'quantitative', title: axes.x, format: '.4g' },
        { field: 'y', type: 'quantitative', title: axes.y, format: '.4g' },
      ],
    },
    config: { font: CHART_FONT },
  };
}

/** One chart per measure some result carries, in a fixed order (none when no result has one). */
export function measureCharts(entries: readonly ReportEntry[]): ReportChart[] {
  const labels = entries.map((e) => e.label);
  const charts: ReportChart[] = [];
  const add = (id: string, title: string, rows: MeasureRow[], axes: Parameters<typeof measureSpec>[2]) => {
    if (rows.length > 0) charts.push({ id, title, spec: measureSpec(rows, labels, axes), toggles: true });
  };
  add('chart-measure-noise', 'Noise sensitivity V^(s)', noiseRows(entries), {
    title: 'Variance of interactions under input noise',
    x: 'order s = |S|',
    y: 'V^(s) = E_x E_|S|=s Var_ε I(S|x+ε)',
    logY: true,
  });
  add('chart-measure-generalization', 'Generalization: train/test Jaccard', generalizationRows(entries), {
    title: 'Train/test Jaccard similarity of salient interactions',
    x: 'order k = |S|',
    y: 'E_c Sim(Ī_train, Ī_test)',
    yDomain: [0, 1],
  });
  add('chart-measure-transfer', 'Transferability', transferRows(entries), {
    title: 'Share of salient interactions also salient elsewhere',
    x: 'order k = |S|',
    y: 'share also salient',
    yDomain: [0, 1],
  });
  add('chart-measure-sparsity', 'Sparsity of AND-OR interactions', sparsityRows(entries), {
    title: 'Salient interactions per sample vs threshold',
    x: 'threshold τ / |v(N) − v(∅)|',
    y: 'interactions above τ (mean per sample)',
    logX: true,
    logY: true,
  });
  return charts;
}
