import { basename } from 'node:path';
import type { AdapterViews, SampleResult, SampleView, SampleViewContext } from '@orderlens/core';
import { patchStrength } from '../heatmap/patch-strength.js';

/**
 * The heat map the vision adapter wrote for the `s`-th sample (`heatmap-<s>.png`: image, low- and
 * high-order strength per patch), else one drawn here from the multi-order table: mean |I^(m)| of
 * the pairs holding each patch, over every order (viridis, patches without pairs transparent).
 */
function heatmapView(sample: SampleResult, context: SampleViewContext): SampleView | string {
  const recorded = context
    .outputs('heatmaps')
    .find((o) => basename(o.path) === `heatmap-${context.index}.png`);
  const png = recorded?.read();
  if (png)
    return {
      kind: 'image',
      caption: 'image · low-order (r ≤ 0.1) · high-order (r ≥ 0.7) interaction strength per patch',
      png,
    };
  const p = sample.players;
  if (p.kind !== 'grid' && p.kind !== 'feature-map') return 'not an image grid';
  if (!sample.multiOrder) return 'no multi-order table, so no heat map';
  const strength = patchStrength(sample.multiOrder, p.n, () => true);
  const values = new Float64Array(p.rows * p.cols).fill(NaN);
  const cells = p.cells ?? Array.from({ length: p.n }, (_, k) => k);
  cells.forEach((c, k) => (values[c] = strength[k]));
  const side = Math.max(8, Math.round(192 / Math.max(p.rows, p.cols)));
  return {
    kind: 'image',
    caption: `mean |I^(m)| per ${p.kind === 'grid' ? 'patch' : 'feature-map cell'} over pairs and orders (no picture was written)`,
    png: context.paint.heatmapPng(values, p.rows, p.cols, {
      width: side * p.cols,
      height: side * p.rows,
      colormap: 'sequential',
    }),
  };
}

/** Report pictures of vision results: a heat map per sample. */
export const visionViews: AdapterViews = {
  sample: (sample, context) => [heatmapView(sample, context)],
};
