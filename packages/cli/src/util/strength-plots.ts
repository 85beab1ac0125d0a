import { join } from 'node:path';
import { type InteractionResult } from '@orderlens/core';
import { theoryStrength } from '@orderlens/core/theory';
import { strengthPlot, writePlot } from './plots.js';

function normMean(xs: readonly number[]): number[] {
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return xs.map((x) => x / (m || 1));
}

/**
 * `strength.svg/png` for one or several results: each result's `J(m)` (mean over orders = 1)
 * over the order ratio, the theory `F̂` at the true `n` where it is readable (n ≤ 40: at
 * image scale it spans tens of decades and would flatten the measured curves) and the theory at
 * each result's fitted `n′`, at its own orders.
 */
export async function writeStrengthPlot(
  outDir: string,
  results: ReadonlyArray<{ label: string; result: InteractionResult }>,
  title: string,
  base = 'strength',
): Promise<{ svg: string; png: string }> {
  const theory: Array<{ label: string; ratios: number[]; values: number[] }> = [];
  const seenN = new Set<number>();
  for (const { label, result } of results) {
    const { n, ratios, aggregate } = result;
    if (n <= 40 && !seenN.has(n)) {
      seenN.add(n);
      theory.push({
        label: `theory F̂(m), n = ${n}`,
        ratios,
        values: normMean(theoryStrength(n, result.orders)),
      });
    }
    const nEff = aggregate.theory.effectiveN;
    if (nEff !== undefined && nEff > 2) {
      const ks = Array.from({ length: nEff - 1 }, (_, k) => k);
      theory.push({
        label: `theory at fitted n′ = ${nEff}${results.length > 1 ? ` (${label})` : ''}`,
        ratios: ks.map((k) => k / (nEff - 2)),
        values: normMean(theoryStrength(nEff, ks)),
      });
    }
  }
  const plot = await strengthPlot({
    curves: results.map(({ label, result }) => ({
      label: `${label}: J(m), ${result.samples.length} samples (${result.estimator.name})`,
      ratios: result.ratios,
      J: result.aggregate.strength.J,
    })),
    theory,
    title,
    yLabel: 'J(m) (mean over orders = 1)',
  });
  return writePlot(join(outDir, base), plot);
}
