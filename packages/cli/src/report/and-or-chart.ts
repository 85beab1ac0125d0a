import type { ReportEntry } from './collect-results.js';
import { CHART_FONT, HIDDEN_SIGNAL, VISIBLE_FILTER } from './palette.js';

/** One bar of the AND-OR chart. */
export interface AndOrRow {
  readonly model: string;
  readonly order: number;
  readonly kind: 'AND' | 'OR';
  /** Mean over samples of Σ|I| of the salient interactions of this order. */
  readonly strength: number;
  /** Mean number of salient interactions of this order. */
  readonly count?: number;
}

/** Per-order salient strength of every result that has an AND-OR aggregate (others are left out). */
export function andOrRows(entries: readonly ReportEntry[]): AndOrRow[] {
  const rows: AndOrRow[] = [];
  for (const { label, result } of entries) {
    const a = result.aggregate.andOr;
    if (!a) continue;
    for (const [kind, values] of [
      ['AND', a.and],
      ['OR', a.or],
    ] as const)
      values.forEach((v, m) => {
        if (Number.isFinite(v))
          rows.push({ model: label, order: m, kind, strength: v, count: a.salientCount[m] });
      });
  }
  return rows;
}

/**
 * Vega-Lite spec: one panel per model, a bar per order of the salient strength, AND and OR
 * stacked (hover: strength and the number of salient sets), filtered by the model toggles.
 */
export function andOrSpec(rows: readonly AndOrRow[], title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    params: [{ name: HIDDEN_SIGNAL, value: [] }],
    data: { values: rows },
    transform: [VISIBLE_FILTER],
    facet: { field: 'model', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: { step: 16 },
      height: 180,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'order', type: 'ordinal', title: 'order m (|S|)' },
        y: { field: 'strength', type: 'quantitative', title: 'Σ |I| of salient sets' },
        color: {
          field: 'kind',
          type: 'nominal',
          title: 'interaction',
          scale: { domain: ['AND', 'OR'], range: ['#d95f02', '#7570b3'] },
        },
        tooltip: [
          { field: 'model', type: 'nominal' },
          { field: 'kind', type: 'nominal' },
          { field: 'order', type: 'quantitative', title: 'order m' },
          { field: 'strength', type: 'quantitative', format: '.4g' },
          { field: 'count', type: 'quantitative', format: '.3g', title: 'salient sets' },
        ],
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: { font: CHART_FONT },
  };
}
