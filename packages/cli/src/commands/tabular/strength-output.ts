import { join } from 'node:path';
import { theoryStrength, writeJsonAtomic } from '@orderlens/core';
import type { TabularStrengthReport } from '@orderlens/tabular';
import { strengthPlot, writePlot, type TheoryCurve } from '../../util/plots.js';

/** One analysed model. */
export interface AnalyzedModel {
  readonly label: string;
  readonly model: string;
  readonly backend: string;
  readonly report: TabularStrengthReport;
}

/** Scales a curve to average 1 (how `J(m)` is normalised), so theory and measurement share an axis. */
export function meanNormalised(values: readonly number[]): number[] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return m > 0 ? values.map((v) => v / m) : [...values];
}

/**
 * Theory curves to draw beside measured ones: `F̂` at the true `n`, and at each fitted `n'` when
 * there are at most two models (more would clutter the chart; every `n'` is in the JSON).
 */
export function theoryCurves(models: readonly AnalyzedModel[]): TheoryCurve[] {
  const first = models[0].report;
  const curves: TheoryCurve[] = [
    { label: `theory F̂ (n = ${first.n})`, ratios: first.ratios, values: meanNormalised(first.theory.F) },
  ];
  for (const m of models.length <= 2 ? models : []) {
    // Drawn at its own orders k/(n′−2): sampled on the measured ratio grid, a small n′ would
    // show as a staircase.
    const nEff = m.report.fit.nEff;
    const ks = Array.from({ length: Math.max(1, nEff - 1) }, (_, k) => k);
    curves.push({
      label: `F̂ at n′ = ${nEff} (${m.label})`,
      ratios: ks.map((k) => (nEff > 2 ? k / (nEff - 2) : 0)),
      values: meanNormalised(theoryStrength(nEff, ks)),
    });
  }
  return curves;
}

/**
 * Writes `strength.json` (every curve, per-sample strengths, theory and fits) and
 * `strength.svg`/`strength.png` (one `J(m)` curve per model, theory dashed) into `outDir`.
 */
export async function writeStrengthOutputs(
  outDir: string,
  models: readonly AnalyzedModel[],
  context: { data: string; baseline: string; title?: string; extra?: Record<string, unknown> },
): Promise<{ json: string; svg: string; png: string }> {
  const json = join(outDir, 'strength.json');
  writeJsonAtomic(json, {
    schema: 'orderlens/tabular-strength@1',
    createdAt: new Date().toISOString(),
    data: context.data,
    baseline: context.baseline,
    normalization: {
      J: 'mean',
      Jbar: 'per-sample-mean',
      Jhat: 'order-0',
      theory: 'mean (for plotting) / order-0 (theory.F)',
    },
    ...context.extra,
    models: models.map((m) => ({ label: m.label, model: m.model, backend: m.backend, ...m.report })),
  });
  const plot = await strengthPlot({
    curves: models.map((m) => ({ label: m.label, ratios: m.report.ratios, J: m.report.J.J })),
    theory: theoryCurves(models),
    title: context.title ?? `Interaction strength J(m) over order (${context.data})`,
    yLabel: 'J(m), normalised to mean 1',
  });
  const paths = writePlot(join(outDir, 'strength'), plot);
  return { json, ...paths };
}

/** One summary line per model. */
export function strengthSummary(m: AnalyzedModel): string {
  const r = m.report;
  const low = r.J.J.slice(0, Math.max(1, Math.round(r.J.J.length * 0.3)));
  return (
    `${m.label}: accuracy ${(100 * r.accuracy).toFixed(2)}%, ${r.samples.length} samples, J(0) = ${r.J.J[0].toFixed(3)}, ` +
    `low-order mean ${(low.reduce((a, b) => a + b, 0) / low.length).toFixed(3)}, n′ = ${r.fit.nEff}, ` +
    `${(r.wallTimeMs / 1000).toFixed(1)} s (${Math.round((100 * r.runtimeMs) / Math.max(1, r.wallTimeMs))}% in ${m.backend})`
  );
}
