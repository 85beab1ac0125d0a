import { readFileSync } from 'node:fs';
import type { AnalysisRendering } from '@orderlens/core';
import { svgToPng, writeFileAtomic } from './plots.js';
import { writeAndOrPlot } from './and-or-plots.js';
import { writeStrengthPlot } from './strength-plots.js';

/**
 * The CLI's rendering of a finished analysis, the same for `analyze`, studies and the
 * coordinator of workers: a PNG beside each SVG picture of the adapter (adapters depend on core
 * only and write SVG), the interaction-strength plot, and the AND-OR picture of an `and-or` result.
 */
export const cliAnalysisRendering: AnalysisRendering = {
  pictures(written) {
    const out: Record<string, string[]> = { ...written };
    for (const [k, paths] of Object.entries(written)) {
      const pngs = paths
        .filter((p) => p.endsWith('.svg'))
        .map((p) => {
          const png = p.replace(/\.svg$/, '.png');
          writeFileAtomic(png, svgToPng(readFileSync(p, 'utf8')));
          return png;
        });
      if (pngs.length) out[k] = [...paths, ...pngs];
    }
    return out;
  },
  strengthPlot(result, dir, label) {
    return writeStrengthPlot(dir, [{ label, result }], `Interaction strength over orders — ${label}`);
  },
  async plots(result, dir, label) {
    const andOr = await writeAndOrPlot(dir, result, `AND-OR interactions — ${label}`);
    return andOr ? { 'and-or': andOr } : {};
  },
};
