import { join } from 'node:path';
import { type InteractionResult } from '@orderlens/core';
import { theoryStrength } from '@orderlens/core/theory';
import { strengthPlot, writePlot, type TheoryCurve } from './plots.js';

function normMean(xs: readonly number[]): number[] {
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return xs.map((x) => x / (m || 1));
}

/**
 * `strength.svg/png` for one or several results: each result's `J(m)` (mean over orders = 1)
 * over the order ratio, the theory `F̂` at the true `n` where it is readable (n ≤ 40: at
 * image scale it spans tens of decades and would flatten the measured curves) and the theory at
 * each result's fitted `n′`, at its own orders, in that result's colour. The measured curves set
 * the axis ({@link strengthPlot} clips the theory and says where it disagrees).
 */
export async function writeStrengthPlot(
  outDir: string,
  results: ReadonlyArray<{ label: string; result: InteractionResult }>,
  title: string,
  base = 'strength',
): Promise<{ svg: string; png: string }> {
  const theory: TheoryCurve[] = [];
  const curves = results.map(({ label, result }) => {
    const nEff = result.aggregate.theory.effectiveN;
    return {
      label:
        `${label}: J(m), ${result.samples.length} samples (${result.estimator.name})` +
        (nEff !== undefined && nEff > 2 ? `, fitted n′ = ${nEff}` : ''),
      ratios: result.ratios,
      J: result.aggregate.strength.J,
    };
  });
  const nsOf = new Map<number, number>();
  for (const { result } of results) nsOf.set(result.n, (nsOf.get(result.n) ?? 0) + 1);
  const seenN = new Set<number>();
  for (const [k, { result }] of results.entries()) {
    const { n, ratios, aggregate } = result;
    // F̂ at n belongs to the result when it is the only one of that n; shared, it is grey.
    const own = nsOf.get(n) === 1 ? curves[k].label : undefined;
    if (n <= 40 && !seenN.has(n)) {
      seenN.add(n);
      theory.push({
        label: `theory F̂(m), n = ${n}`,
        kind: 'theory F̂ at n',
        ratios,
        values: normMean(theoryStrength(n, result.orders)),
        of: own,
      });
    }
    const nEff = aggregate.theory.effectiveN;
    if (nEff !== undefined && nEff > 2) {
      const ks = Array.from({ length: nEff - 1 }, (_, i) => i);
      theory.push({
        label: `theory at fitted n′ = ${nEff}${results.length > 1 ? ` (${results[k].label})` : ''}`,
        kind: 'theory F̂ at fitted n′',
        ratios: ks.map((i) => i / (nEff - 2)),
        values: normMean(theoryStrength(nEff, ks)),
        of: curves[k].label,
      });
    }
  }
  const plot = await strengthPlot({
    curves,
    theory,
    title,
    yLabel: 'J(m) (mean over orders = 1)',
  });
  return writePlot(join(outDir, base), plot);
}
