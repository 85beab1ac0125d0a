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

/**
 * Measured (solid, points) and predicted (dashed) per-order distributions, one colour per epoch,
 * so that each measured curve and its theory curve read as a pair.
 */
function distributionSpec(
  result: DynamicsResult,
  shown: DynamicsResult['checkpoints'],
): Record<string, unknown> {
  const rows: Array<{ order: number; value: number; epoch: string; curve: string }> = [];
  const epochs: string[] = [];
  for (const c of shown) {
    const label = c.fit ? `epoch ${c.epoch} (σ² = ${fmtSigma2(c.fit.sigma2)})` : `epoch ${c.epoch}`;
    epochs.push(label);
    c.andOr.orders.forEach((k, i) => {
      rows.push({ order: k, value: c.andOr.distribution[i], epoch: label, curve: 'measured' });
      if (c.fit)
        rows.push({ order: k, value: c.fit.predicted[i], epoch: label, curve: 'theory at fitted σ²' });
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Salient AND-OR strength per order over training (n = ${result.n}, ${result.samples.length} samples)`,
    width: 480,
    height: 300,
    background: 'white',
    data: { values: rows },
    encoding: {
      x: { field: 'order', type: 'quantitative', title: 'order k = |S|', scale: { nice: false } },
      y: { field: 'value', type: 'quantitative', title: 'normalised strength (mean 1 over orders)' },
      color: { field: 'epoch', type: 'nominal', title: null, sort: epochs, scale: { domain: epochs } },
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
      detail: { field: 'curve' },
      order: { field: 'order', type: 'quantitative' },
    },
    mark: { type: 'line', strokeWidth: 2, point: false },
    config: {
      font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
      legend: { labelLimit: 360, orient: 'bottom', direction: 'vertical' },
    },
  };
}

/**
 * The figures of a dynamics run, into `dir`:
 * (a) `distribution`: the salient AND-OR strength per order at a few epochs (solid) with the
 *     theory at each one's fitted σ² (dashed);
 * (b) `paradigms`: at the last checkpoint, the AND-OR per-order strength beside the multi-order
 *     `J(m)`, both normalised to mean 1 (item 6: both paradigms, one model, the same tables);
 * (c) `losses`: train and test loss and their gap over epochs;
 * (d) `sigma2`: the fitted σ² over epochs (log scale).
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

  const fitted = cps.filter((c) => c.fit !== null);
  const sigma2 = writePlot(
    join(dir, 'sigma2'),
    await linePlot({
      series: [{ label: 'fitted σ²', x: fitted.map((c) => c.epoch), y: fitted.map((c) => c.fit!.sigma2) }],
      title: 'Fitted noise level σ² of the two-phase theory over epochs',
      xLabel: 'epoch',
      yLabel: 'σ²',
      logY: true,
    }),
  );
  return { distribution, paradigms, losses, sigma2 };
}
