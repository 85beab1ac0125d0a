import { join } from 'node:path';
import type { DynamicsResult } from '@orderlens/core/dynamics';
import { linePlot, renderVegaLite, writePlot, type LineSeries } from '../../util/plots.js';

/** Paths of the figures `orderlens dynamics` writes (SVG and PNG each). */
export interface DynamicsFigures {
  readonly distribution: { svg: string; png: string };
  readonly paradigms: { svg: string; png: string };
  readonly losses: { svg: string; png: string };
  readonly sigma2: { svg: string; png: string };
}

/**
 * Up to `count` checkpoints spread over the series, first and last always among them (on a
 * log-like spacing, since the early epochs change most).
 */
export function epochsToShow(epochs: readonly number[], count: number): number[] {
  if (epochs.length <= count) return epochs.map((_, k) => k);
  const picks = new Set<number>([0, epochs.length - 1]);
  for (let j = 1; picks.size < count && j < count * 4; j++) {
    const t = j / (count - 1);
    picks.add(Math.min(epochs.length - 1, Math.round((epochs.length - 1) * t * t)));
  }
  return [...picks].sort((a, b) => a - b);
}

function fmtSigma2(s: number): string {
  return s.toExponential(1);
}

/** What a panel or point of a fitted σ² says about where the fit landed. */
export function sigma2Note(fit: { sigma2: number; atBoundary: boolean }): string {
  return `σ² = ${fmtSigma2(fit.sigma2)}${fit.atBoundary ? ' (edge of the search range: a bound, not a fit)' : ''}`;
}

/**
 * Measured (solid) and predicted (dashed) per-order distributions, one small panel per epoch.
 * In one shared panel the theory curves hid: fits in the flat part of the σ² range (every
 * σ² below about 1e-7 predicts w* itself) drew the same dashed curve several times, each on top
 * of the one before, and the last checkpoint's theory lies on its measured curve (it is w*).
 * Each panel says its σ², the fit loss, and whether σ² sits at the edge of its search range.
 */
export function distributionSpec(
  result: DynamicsResult,
  shown: DynamicsResult['checkpoints'],
): Record<string, unknown> {
  const rows: Array<{ order: number; value: number; panel: string; curve: string }> = [];
  const panels: string[] = [];
  const last = result.checkpoints[result.checkpoints.length - 1];
  for (const c of shown) {
    // Lines of the panel's header, split at '|' (see `labelExpr` below).
    const label = c.fit
      ? [
          `epoch ${c.epoch}: σ² = ${fmtSigma2(c.fit.sigma2)}, fit loss ${c.fit.loss.toFixed(2)}`,
          ...(c.fit.atBoundary ? ['σ² at an edge of its search range: a bound'] : []),
          ...(c === last ? ['the converged w*: theory and measured coincide'] : []),
        ].join('|')
      : `epoch ${c.epoch}: no salient strength, no fit`;
    panels.push(label);
    c.andOr.orders.forEach((k, i) => {
      rows.push({ order: k, value: c.andOr.distribution[i], panel: label, curve: 'measured' });
      if (c.fit)
        rows.push({ order: k, value: c.fit.predicted[i], panel: label, curve: 'theory at fitted σ²' });
    });
  }
  const columns = Math.min(2, panels.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Salient AND-OR strength per order over training (n = ${result.n}, ${result.samples.length} samples)`,
      subtitle: 'solid: measured; dashed: the two-phase theory at the fitted σ²',
    },
    background: 'white',
    data: { values: rows },
    facet: {
      field: 'panel',
      type: 'nominal',
      sort: panels,
      title: null,
      header: { labelFontSize: 11, labelLimit: 420, labelExpr: "split(datum.label, '|')" },
    },
    columns,
    spec: {
      width: 400,
      height: 170,
      encoding: {
        x: { field: 'order', type: 'quantitative', title: 'order k = |S|', scale: { nice: false } },
        y: { field: 'value', type: 'quantitative', title: 'strength (mean 1)' },
        color: {
          field: 'curve',
          type: 'nominal',
          title: null,
          scale: { domain: ['measured', 'theory at fitted σ²'], range: ['#1f77b4', '#d62728'] },
        },
        strokeDash: {
          field: 'curve',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['measured', 'theory at fitted σ²'],
            range: [
              [1, 0],
              [6, 4],
            ],
          },
        },
        // The measured curve wider, so a theory curve on top of it (w*) leaves it visible.
        strokeWidth: {
          field: 'curve',
          type: 'nominal',
          legend: null,
          sort: ['measured', 'theory at fitted σ²'],
          scale: { domain: ['measured', 'theory at fitted σ²'], range: [3.5, 2] },
        },
        order: { field: 'order', type: 'quantitative' },
      },
      mark: { type: 'line', point: false },
    },
    config: {
      font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
      legend: { orient: 'top' },
    },
  };
}

/**
 * The fitted σ² over epochs on a log axis; a σ² at an end of its search range is drawn as a
 * hollow red point and named in the legend and subtitle: it is a bound, not a fitted value.
 */
export function sigma2Spec(result: DynamicsResult): Record<string, unknown> {
  const fitted = result.checkpoints.filter((c) => c.fit !== null);
  const rows = fitted.map((c) => ({
    epoch: c.epoch,
    sigma2: c.fit!.sigma2,
    kind: c.fit!.atBoundary ? 'at the edge of the search range (a bound)' : 'fitted',
  }));
  const edge = fitted.filter((c) => c.fit!.atBoundary).map((c) => c.epoch);
  const kinds = ['fitted', 'at the edge of the search range (a bound)'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Fitted noise level σ² of the two-phase theory over epochs',
      ...(edge.length
        ? {
            subtitle: `σ² of epoch ${edge.join(', ')} sits at the edge of its search range: a bound, not a fit`,
            subtitleColor: '#d62728',
          }
        : {}),
    },
    width: 480,
    height: 300,
    background: 'white',
    data: { values: rows },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'sigma2', type: 'quantitative', title: 'σ²', scale: { type: 'log' } },
    },
    layer: [
      { mark: { type: 'line', color: '#4c78a8', strokeWidth: 2 } },
      {
        mark: { type: 'point', size: 90, strokeWidth: 2, filled: true },
        encoding: {
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: kinds, range: ['#4c78a8', '#d62728'] },
          },
          shape: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: kinds, range: ['circle', 'diamond'] },
          },
        },
      },
    ],
    config: {
      font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
      legend: { orient: 'bottom', labelLimit: 360 },
    },
  };
}

/**
 * The figures of a dynamics run, into `dir`:
 * (a) `distribution`: the salient AND-OR strength per order at a few epochs (solid), one panel
 *     each, with the theory at its fitted σ² (dashed);
 * (b) `paradigms`: at the last checkpoint, the AND-OR per-order strength beside the multi-order
 *     `J(m)`, both normalised to mean 1 (item 6: both paradigms, one model, the same tables);
 * (c) `losses`: train and test loss and their gap over epochs;
 * (d) `sigma2`: the fitted σ² over epochs (log scale), a σ² at the edge of its search range marked.
 */
export async function writeDynamicsFigures(
  result: DynamicsResult,
  dir: string,
  curves = 5,
): Promise<DynamicsFigures> {
  const cps = result.checkpoints;
  const epochs = cps.map((c) => c.epoch);
  const shown = epochsToShow(epochs, curves);
  const distribution = writePlot(
    join(dir, 'distribution'),
    await renderVegaLite(
      distributionSpec(
        result,
        shown.map((k) => cps[k]),
      ),
    ),
  );

  const last = cps[cps.length - 1];
  const paradigms = writePlot(
    join(dir, 'paradigms'),
    await linePlot({
      series: [
        {
          label: 'AND-OR salient strength, order k = |S|',
          x: last.andOr.orders,
          y: last.andOr.distribution,
        },
        {
          label: 'multi-order J(m), m = context size',
          x: last.multiOrder.orders,
          y: last.multiOrder.J,
        },
      ],
      title: `Two paradigms, one model (epoch ${last.epoch}), the same samples and coalition values`,
      xLabel: 'order (k for AND-OR, m for J)',
      yLabel: 'normalised strength (mean 1 over orders)',
    }),
  );

  const withLoss = cps.filter((c) => c.losses.trainLoss !== null && c.losses.testLoss !== null);
  const lossSeries: LineSeries[] = withLoss.length
    ? [
        { label: 'train loss', x: withLoss.map((c) => c.epoch), y: withLoss.map((c) => c.losses.trainLoss!) },
        { label: 'test loss', x: withLoss.map((c) => c.epoch), y: withLoss.map((c) => c.losses.testLoss!) },
        {
          label: 'gap (test − train)',
          x: withLoss.map((c) => c.epoch),
          y: withLoss.map((c) => c.losses.lossGap!),
          dashed: true,
        },
      ]
    : [{ label: 'no losses recorded', x: [], y: [] }];
  const losses = writePlot(
    join(dir, 'loss-gap'),
    await linePlot({
      series: lossSeries,
      title: 'Train and test loss over epochs',
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
    }),
  );

  const sigma2 = writePlot(join(dir, 'sigma2'), await renderVegaLite(sigma2Spec(result)));
  return { distribution, paradigms, losses, sigma2 };
}
