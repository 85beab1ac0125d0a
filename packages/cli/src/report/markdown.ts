import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '@orderlens/core';
import { renderVegaLite, svgToPng, writePlot } from '../util/plots.js';
import type { ReportEntry } from './collect-results.js';
import type { ReportContent } from './report-content.js';
import { SETTINGS_COLUMNS } from './settings-table.js';

/** Table cells: pipes and line breaks would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';

/**
 * A README-ready summary: `report.md` and PNGs beside it (`report-*.png`; the strength charts
 * also as SVG) — the same charts as the HTML page, rendered headless, the settings table, and one
 * picture per sample view (scenes: the still the adapter gives, e.g. a point cloud's PNG from its fixed camera). Returns the
 * paths written, `report.md` first.
 */
export async function writeMarkdownReport(
  content: ReportContent,
  entries: readonly ReportEntry[],
  mdPath: string,
): Promise<string[]> {
  const dir = dirname(mdPath);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const lines: string[] = [`# ${content.title}`, ''];
  lines.push(
    `${content.models.length} result(s): ${content.models.map((m) => `\`${m.label}\` (${m.modality})`).join(', ')}.`,
    '',
  );
  for (const chart of [content.strength, content.byModality, content.andOr, ...content.measures]) {
    if (!chart) continue;
    const plot = await renderVegaLite(chart.spec);
    const paths = writePlot(join(dir, `report-${chart.id.replace(/^chart-/, '')}`), plot);
    written.push(paths.png, paths.svg);
    lines.push(`## ${chart.title}`, '', `![${chart.title}](${basename(paths.png)})`, '');
    if (chart === content.strength)
      lines.push(
        'x: order ratio m/(n−2); y: each curve divided by its mean over orders. Dashed: theory F̂ at the true n (n ≤ 40); dotted: F̂ at the fitted n′.',
        '',
      );
  }
  lines.push('## Settings, model calls and wall times', '');
  lines.push(
    `| ${SETTINGS_COLUMNS.map(([, t]) => t).join(' | ')} |`,
    `|${SETTINGS_COLUMNS.map(() => ' --- |').join('')}`,
  );
  for (const r of content.settings)
    lines.push(`| ${SETTINGS_COLUMNS.map(([k]) => cell(r[k])).join(' | ')} |`);
  lines.push('', '## Per-sample views', '');
  for (const s of content.samples) {
    lines.push(`### ${s.model} · ${s.sampleId} (label ${s.label}, n = ${s.n})`, '');
    for (const [j, v] of s.views.entries()) {
      const base = join(dir, `report-${slug(s.model)}-${slug(s.sampleId)}-${j}`);
      let png: Buffer | undefined;
      if (v.kind === 'image') png = Buffer.from(v.png);
      else if (v.kind === 'svg') png = svgToPng(v.svg);
      else if (v.kind === 'chart') png = (await renderVegaLite(v.spec)).png;
      else if (v.still) png = Buffer.from(v.still);
      if (!png) {
        lines.push(`_${v.caption}: no PNG (open report.html for the 3-D view)_`, '');
        continue;
      }
      writeFileAtomic(`${base}.png`, png);
      written.push(`${base}.png`);
      lines.push(`![${cell(v.caption)}](${basename(base)}.png)`, '', `_${v.caption}_`, '');
    }
    for (const n of s.notes) lines.push(`_${n}_`, '');
    if (s.salient.length)
      lines.push('Strongest AND-OR interactions:', '', ...s.salient.map((l) => `- \`${l}\``), '');
  }
  writeFileAtomic(mdPath, lines.join('\n'));
  return [mdPath, ...written];
}
