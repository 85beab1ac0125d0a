import { join } from 'node:path';
import { OrderlensInputError, type InteractionResult } from '@orderlens/core';
import { CHART_FONT } from '../report/palette.js';
import { renderVegaLite, writePlot, type Plot } from './plots.js';

/** Colours of the two kinds of interaction (ColorBrewer Dark2), the same as the report's. */
const AND_COLOUR = '#d95f02';
const OR_COLOUR = '#7570b3';

/**
 * The AND-OR picture of a result from the `and-or` estimator, two panels: the strength Σ|I| of
 * the salient AND and OR interactions of each order (mean over samples), and every interaction's
 * |I(S)| sorted from the strongest down (log–log; the salience threshold as a rule) — how few
 * interactions carry the output, and at which orders they sit.
 *
 * @throws {@link OrderlensInputError} when the result has no AND-OR aggregate.
 */
export async function andOrPlot(result: InteractionResult, title: string): Promise<Plot> {
  const a = result.aggregate.andOr;
  if (!a)
    throw new OrderlensInputError(
      '--estimator',
      'the AND-OR picture needs a result of the and-or estimator (aggregate.andOr is missing)',
    );
  const byOrder: Array<{ order: number; kind: string; strength: number; count: number }> = [];
  for (const [kind, values] of [
    ['AND', a.and],
    ['OR', a.or],
  ] as const)
    values.forEach((v, m) => {
      if (Number.isFinite(v)) byOrder.push({ order: m, kind, strength: v, count: a.salientCount[m] ?? 0 });
    });
  const sorted: Array<{ rank: number; kind: string; strength: number }> = [];
  if (a.sparsity)
    for (const [kind, values] of [
      ['AND', a.sparsity.and],
      ['OR', a.sparsity.or],
    ] as const)
      values.forEach((v, k) => {
        // A log axis has no place for 0 (past the last set) or a non-finite value.
        if (Number.isFinite(v) && v > 0) sorted.push({ rank: a.sparsity!.ranks[k], kind, strength: v });
      });
  const thresholds = result.samples
    .map((s) => s.andOr?.threshold)
    .filter((t): t is number => t !== undefined && t > 0);
  const threshold = thresholds.length ? thresholds.reduce((x, y) => x + y, 0) / thresholds.length : undefined;
  const colour = {
    field: 'kind',
    type: 'nominal',
    title: 'interaction',
    scale: { domain: ['AND', 'OR'], range: [AND_COLOUR, OR_COLOUR] },
  };
  const samples = result.samples.length;
  const perOrder = {
    title: { text: 'salient strength per order', fontSize: 12 },
    width: 300,
    height: 220,
    data: { values: byOrder },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'order', type: 'ordinal', title: 'order m = |S|', axis: { labelAngle: 0 } },
      xOffset: { field: 'kind', sort: ['AND', 'OR'] },
      y: { field: 'strength', type: 'quantitative', title: 'Σ |I(S)| of salient S' },
      color: colour,
    },
  };
  const sortedPanel = {
    title: { text: 'every interaction, strongest first', fontSize: 12 },
    width: 300,
    height: 220,
    layer: [
      {
        data: { values: sorted },
        mark: { type: 'line', strokeWidth: 2, point: { size: 14, filled: true } },
        encoding: {
          x: {
            field: 'rank',
            type: 'quantitative',
            title: 'rank of |I(S)|',
            scale: { type: 'log', domain: [1, Math.max(2, ...sorted.map((r) => r.rank))], nice: false },
          },
          y: { field: 'strength', type: 'quantitative', title: '|I(S)|', scale: { type: 'log' } },
          color: colour,
        },
      },
      ...(threshold !== undefined
        ? [
            {
              data: { values: [{ threshold, label: 'salience threshold' }] },
              mark: { type: 'rule', strokeDash: [5, 3], color: '#555' },
              encoding: { y: { field: 'threshold', type: 'quantitative' } },
            },
            {
              data: { values: [{ threshold, label: 'salience threshold' }] },
              mark: { type: 'text', align: 'right', dy: -6, fontSize: 10, color: '#555', x: 'width' },
              encoding: { y: { field: 'threshold', type: 'quantitative' }, text: { field: 'label' } },
            },
          ]
        : []),
    ],
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle:
        samples === 1
          ? `1 sample, n = ${result.n}`
          : `${samples} samples, n = ${result.n}; mean over samples`,
    },
    background: 'white',
    hconcat: sorted.length ? [perOrder, sortedPanel] : [perOrder],
    config: { font: CHART_FONT, legend: { orient: 'bottom' } },
  };
  return renderVegaLite(spec);
}

/** Writes `and-or.svg/png` of an and-or result into `dir`; undefined for other estimators. */
export async function writeAndOrPlot(
  dir: string,
  result: InteractionResult,
  title: string,
): Promise<{ svg: string; png: string } | undefined> {
  if (!result.aggregate.andOr) return undefined;
  return writePlot(join(dir, 'and-or'), await andOrPlot(result, title));
}
