import { join } from 'node:path';
import type { InteractionResult, ResultMeasures } from '@orderlens/core';
import { linePlot, writePlot, type LineSeries } from '../../util/plots.js';

/** Points of a per-order curve with nulls (undefined orders) dropped. */
function defined(orders: readonly number[], ys: ReadonlyArray<number | null>): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  orders.forEach((o, k) => {
    if (ys[k] !== null) {
      x.push(o);
      y.push(ys[k]!);
    }
  });
  return { x, y };
}

/** `noise-sensitivity.svg/png`: `V^(s)` over orders on a log axis, one line per network, with the fit. */
export async function writeNoisePlot(
  dir: string,
  results: ReadonlyArray<{ label: string; result: InteractionResult }>,
): Promise<{ svg: string; png: string }> {
  const series: LineSeries[] = [];
  for (const { label, result } of results) {
    const m = result.measures!.noiseSensitivity!;
    series.push({ label: `${label}: V^(s), δ = ${m.delta}, ${m.draws} draws`, x: m.orders, y: m.variance });
    if (m.fit)
      series.push({
        label: `${label}: fit e^(a + b·s), ×${m.fit.growth.toFixed(2)} per order, R² ${m.fit.r2.toFixed(3)}`,
        x: m.orders,
        y: m.orders.map((s) => Math.exp(m.fit!.intercept + m.fit!.slope * s)),
        dashed: true,
      });
  }
  const plot = await linePlot({
    series,
    title: 'Variance of interactions under input noise',
    xLabel: 'order s = |S|',
    yLabel: 'V^(s) = E_x E_|S|=s Var_ε I(S|x+ε)',
    logY: true,
  });
  return writePlot(join(dir, 'noise-sensitivity'), plot);
}

/** `generalization.svg/png`: `E_c Sim(train, test)` over orders, one line per network. */
export async function writeGeneralizationPlot(
  dir: string,
  results: ReadonlyArray<{ label: string; measure: NonNullable<ResultMeasures['generalization']> }>,
): Promise<{ svg: string; png: string }> {
  const plot = await linePlot({
    series: results.map(({ label, measure }) => ({ label, ...defined(measure.orders, measure.mean) })),
    title: 'Generalization of salient interactions: train/test Jaccard similarity',
    xLabel: 'order k = |S|',
    yLabel: 'E_c Sim(Ī_train, Ī_test)',
    yDomain: [0, 1],
  });
  return writePlot(join(dir, 'generalization'), plot);
}

/** `transfer.svg/png`: shares of salient interactions shared across samples and networks, over orders. */
export async function writeTransferPlot(
  dir: string,
  measure: NonNullable<ResultMeasures['transfer']>,
  label: string,
): Promise<{ svg: string; png: string }> {
  const series: LineSeries[] = [];
  if (measure.acrossSamples)
    series.push({
      label: `${label}: across samples of a class`,
      ...defined(measure.acrossSamples.orders, measure.acrossSamples.share),
    });
  for (const t of measure.acrossNetworks ?? []) {
    series.push({ label: `${t.a} salient on ${t.b}`, ...defined(t.aInB.orders, t.aInB.share) });
    series.push({ label: `${t.b} salient on ${t.a}`, ...defined(t.bInA.orders, t.bInA.share) });
  }
  const plot = await linePlot({
    series,
    title: 'Transferability of salient interactions',
    xLabel: 'order k = |S|',
    yLabel: 'share also salient',
    yDomain: [0, 1],
  });
  return writePlot(join(dir, 'transfer'), plot);
}
