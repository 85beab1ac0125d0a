import { theoryStrength } from '@orderlens/core/theory';
import type { ReportEntry } from './collect-results.js';
import { clipPolyline } from '../util/theory-fit.js';
import { agreementCaveat, theoryAgreement } from '@orderlens/core/theory';
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
  /**
   * The bar of a measured point: the result's interval of `J(m)` where it has one (`bar` says its
   * level), else `J ± 1 standard error`.
   */
  readonly lo?: number;
  readonly hi?: number;
  /** What `lo`/`hi` are: `95 % interval` or `±1 s.e.`. */
  readonly bar?: string;
  /** False where the result's interval is wider than its target (the J(m) there is not certain). */
  readonly atTarget?: boolean;
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
    // The run-wide interval (samples with their interval's sides) says more than ±1 s.e.: it
    // holds the bias bound, and whether each order reached its target.
    const interval =
      aggregate.strengthInterval?.lower.length === orders.length ? aggregate.strengthInterval : undefined;
    orders.forEach((m, k) => {
      const J = aggregate.raw[k] / scale;
      const err = aggregate.rawError?.[k];
      const bar = interval
        ? {
            lo: interval.lower[k] / scale,
            hi: interval.upper[k] / scale,
            bar: `${Math.round(100 * interval.level)} % interval, target ±${Number((100 * interval.targetError).toPrecision(3))} %`,
            atTarget: interval.targetMet[k],
          }
        : err !== undefined && Number.isFinite(err) && err > 0
          ? { lo: J - err / scale, hi: J + err / scale, bar: '±1 s.e.' }
          : {};
      rows.push({ model: label, modality, curve: 'measured', ratio: ratios[k], order: m, J, ...bar, n });
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
  /** One panel per modality, each on its own y axis, instead of one chart. */
  readonly byModality?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** The y range the measured rows (with their error bars) span, padded by 6%, from 0 when near it. */
export function measuredRange(rows: readonly StrengthRow[]): [number, number] {
  const ys = rows
    .filter((r) => r.curve === 'measured')
    .flatMap((r) => [r.J, r.lo ?? r.J, r.hi ?? r.J])
    .filter(Number.isFinite);
  if (ys.length === 0) return [0, 1];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = 0.06 * (hi - lo || Math.abs(hi) || 1);
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

/**
 * One line per model whose interval of `J(m)` misses its target at some orders (circled in the
 * chart): the printed value there is not certain to the target, whatever the curve looks like.
 */
export function intervalNotes(rows: readonly StrengthRow[]): string[] {
  const notes: string[] = [];
  for (const model of [...new Set(rows.map((r) => r.model))]) {
    const missed = rows.filter((r) => r.model === model && r.curve === 'measured' && r.atTarget === false);
    if (missed.length === 0) continue;
    const ratios = missed.map((r) => Number(r.ratio.toFixed(2))).join(', ');
    notes.push(
      `${model}: J(m) not certain to its target at ratio${missed.length > 1 ? 's' : ''} ${ratios} (circled; bars: ${missed[0].bar})`,
    );
  }
  return notes;
}

/**
 * Caveats of the theory curves, one line each: where a theory curve leaves the measured range
 * (it is clipped) and where its shape disagrees with its model's measured curve or fits it
 * poorly ({@link agreementCaveat}).
 */
export function theoryNotes(rows: readonly StrengthRow[]): string[] {
  const [lo, hi] = measuredRange(rows);
  const notes: string[] = [];
  const models = [...new Set(rows.map((r) => r.model))];
  for (const model of models) {
    const mine = rows.filter((r) => r.model === model);
    const measured = mine.filter((r) => r.curve === 'measured');
    for (const curve of [THEORY_AT_N, THEORY_AT_FIT]) {
      const theory = mine.filter((r) => r.curve === curve);
      if (theory.length === 0) continue;
      const caveats: string[] = [];
      // Clipping by less than a fifth of the axis still reads right; more is said.
      const peak = Math.max(...theory.map((r) => r.J));
      const off = theory.filter((r) => r.J < lo || r.J > hi).length;
      if (peak > hi + 0.2 * (hi - lo))
        caveats.push(
          `clipped (reaches ${Number(peak.toPrecision(3))}; ${off} of ${theory.length} orders off the axis)`,
        );
      const caveat = agreementCaveat(
        theoryAgreement(
          { ratios: measured.map((r) => r.ratio), values: measured.map((r) => r.J) },
          { ratios: theory.map((r) => r.ratio), values: theory.map((r) => r.J) },
        ),
      );
      if (caveat) caveats.push(caveat);
      const name = curve === THEORY_AT_FIT ? `F̂ at fitted n′ = ${theory[0].n}` : `F̂ at n = ${theory[0].n}`;
      if (caveats.length) notes.push(`${model}, ${name}: ${caveats.join('; ')}`);
    }
  }
  return notes;
}

/**
 * The rows a chart draws: measured rows as they are, each theory curve clipped to `rangeOf` its
 * modality ({@link clipPolyline}: resvg drops a dashed line that runs far outside the frame), in
 * parts (`part`) that are drawn as separate lines. A point where a curve crosses the axis' end
 * has no order of its own.
 */
function chartRows(
  rows: readonly StrengthRow[],
  rangeOf: (modality: string) => [number, number],
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = rows
    .filter((r) => r.curve === 'measured')
    .map((r) => ({ ...r, part: `${r.model}|measured` }));
  const groups = new Map<string, StrengthRow[]>();
  for (const r of rows)
    if (r.curve !== 'measured') {
      const key = `${r.model}|${r.curve}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
  for (const [key, group] of groups) {
    const sorted = [...group].sort((a, b) => a.ratio - b.ratio);
    const [lo, hi] = rangeOf(sorted[0].modality);
    const { model, modality, curve, n } = sorted[0];
    clipPolyline(
      sorted.map((r) => r.ratio),
      sorted.map((r) => r.J),
      lo,
      hi,
    ).forEach((pts, k) =>
      pts.forEach(({ x, y }) => {
        const part = `${key}|${k}`;
        const original = sorted.find((r) => r.ratio === x && r.J === y);
        out.push(original ? { ...original, part } : { model, modality, curve, n, ratio: x, J: y, part });
      }),
    );
  }
  return out;
}

/** Most caveat lines under the chart's title; the rest are counted. */
const MAX_NOTES = 6;

/**
 * The Vega-Lite spec of the strength chart: measured `J` solid with points (hover: values and
 * standard error), error bars, theory dashed in the model's colour. Colours are fixed per model;
 * the `hiddenModels` signal filters models out (the page's toggles set it).
 *
 * The measured curves set the y axis (each modality's panel its own): the theory at the true n
 * reaches several times the mean at m = 0 and would squeeze the measured curves into a band, so
 * it is clipped, and the title's subtitle says where, and where a theory curve's shape disagrees
 * with its model's curve.
 */
export function strengthSpec(
  entries: readonly ReportEntry[],
  rows: readonly StrengthRow[],
  options: StrengthSpecOptions,
): Record<string, unknown> {
  const labels = entries.map((e) => e.label);
  const curves = [THEORY_AT_N, THEORY_AT_FIT].filter((c) => rows.some((r) => r.curve === c));
  const encodingFor = (domain: [number, number]) => ({
    x: {
      field: 'ratio',
      type: 'quantitative',
      title: 'order ratio m/(n−2)',
      scale: { domain: [0, 1], nice: false },
    },
    y: {
      field: 'J',
      type: 'quantitative',
      title: 'J(m) / mean over orders',
      scale: { domain, nice: false },
    },
    color: {
      field: 'model',
      type: 'nominal',
      title: 'model',
      scale: { domain: labels, range: labels.map((_, k) => modelColour(k)) },
      // Panels per modality sit beside the main chart, whose legend (and the toggles) name the models.
      legend: options.byModality
        ? null
        : { orient: 'bottom', direction: 'vertical', labelLimit: 360, symbolLimit: 1000 },
    },
    order: { field: 'ratio', type: 'quantitative' },
  });
  const tooltip = [
    { field: 'model', type: 'nominal' },
    { field: 'modality', type: 'nominal' },
    { field: 'curve', type: 'nominal' },
    { field: 'n', type: 'quantitative' },
    { field: 'order', type: 'quantitative', title: 'order m' },
    { field: 'ratio', type: 'quantitative', format: '.3f' },
    { field: 'J', type: 'quantitative', format: '.4g', title: 'J / mean' },
    { field: 'lo', type: 'quantitative', format: '.4g', title: 'bar from' },
    { field: 'hi', type: 'quantitative', format: '.4g', title: 'bar to' },
    { field: 'bar', type: 'nominal', title: 'bar' },
    { field: 'atTarget', type: 'nominal', title: 'within the target' },
  ];
  const layer = [
    {
      transform: [{ filter: "datum.curve === 'measured'" }],
      mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2, clip: true },
      encoding: { tooltip },
    },
    {
      transform: [{ filter: "datum.curve === 'measured' && isValid(datum.lo)" }],
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6, clip: true },
      encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, tooltip },
    },
    {
      // An order whose interval misses its target: a ring around the point (the subtitle says which).
      transform: [{ filter: "datum.curve === 'measured' && datum.atTarget === false" }],
      mark: { type: 'point', shape: 'circle', size: 170, filled: false, strokeWidth: 1.6, clip: true },
      encoding: { color: { value: '#c0392b' }, tooltip },
    },
    ...(curves.length > 0
      ? [
          {
            transform: [{ filter: "datum.curve !== 'measured'" }],
            mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8, clip: true },
            encoding: {
              strokeDash: {
                field: 'curve',
                type: 'nominal',
                title: 'theory',
                scale: { domain: curves, range: curves.map((c) => (c === THEORY_AT_N ? [7, 4] : [2, 3])) },
                legend: options.byModality
                  ? null
                  : {
                      orient: 'bottom',
                      direction: 'vertical',
                      symbolType: 'stroke',
                      symbolSize: 900,
                      labelLimit: 360,
                    },
              },
              detail: { field: 'part' },
              tooltip,
            },
          },
        ]
      : []),
  ];
  const width = options.width ?? (options.byModality ? 230 : 540);
  const height = options.height ?? (options.byModality ? 150 : 320);
  const notes = [...intervalNotes(rows), ...theoryNotes(rows)];
  const shown =
    notes.length > MAX_NOTES
      ? [...notes.slice(0, MAX_NOTES - 1), `… and ${notes.length - MAX_NOTES + 1} more theory caveats`]
      : notes;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: shown.length
      ? { text: options.title, subtitle: shown, subtitleColor: '#9a4a00', subtitleFontSize: 11 }
      : options.title,
    background: 'white',
    params: [{ name: HIDDEN_SIGNAL, value: [] }],
    transform: [VISIBLE_FILTER],
    config: { font: CHART_FONT },
  };
  const overall = measuredRange(rows);
  if (!options.byModality)
    return {
      ...base,
      data: { values: chartRows(rows, () => overall) },
      width,
      height,
      encoding: encodingFor(overall),
      layer,
    };
  // One panel per modality, each with the range of its own measured curves: a shared axis lets
  // the modality with the widest curves (or a theory curve) flatten the others.
  const modalities = [...new Set(rows.map((r) => r.modality))].sort();
  const rangeOf = new Map(modalities.map((m) => [m, measuredRange(rows.filter((r) => r.modality === m))]));
  return {
    ...base,
    data: { values: chartRows(rows, (m) => rangeOf.get(m)!) },
    columns: 2,
    concat: modalities.map((modality) => ({
      title: { text: modality, fontSize: 12 },
      width,
      height,
      transform: [{ filter: { field: 'modality', equal: modality } }],
      encoding: encodingFor(rangeOf.get(modality)!),
      layer,
    })),
  };
}
