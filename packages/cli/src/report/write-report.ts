import { dirname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@orderlens/core';
import { loadReportEntries } from './collect-results.js';
import { reportHtml } from './html-page.js';
import { writeMarkdownReport } from './markdown.js';
import { buildReportContent } from './report-content.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** `html` (default): one self-contained page; `md`: Markdown with PNGs beside it. */
  readonly format?: 'html' | 'md';
  /** Output file; default `<dir>/report.html` or `<dir>/report.md`. */
  readonly out?: string;
  readonly title?: string;
  /** Sample views per model (default 3). */
  readonly maxSamples?: number;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** The report file. */
  readonly path: string;
  /** Every file written (the report first; PNGs of the Markdown format after it). */
  readonly files: readonly string[];
  /** Labels of the results shown. */
  readonly models: readonly string[];
  /** Output files a result records that were not embedded (outside its folder, not a picture), with why. */
  readonly warnings: readonly string[];
}

/**
 * Finds every `result.json` under `dir` (recursively, skipping `run/` folders), validates each
 * and writes the report.
 */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const root = resolve(dir);
  const entries = loadReportEntries(root);
  const content = buildReportContent(root, entries, { title: options.title, maxSamples: options.maxSamples });
  const format = options.format ?? 'html';
  const path = resolve(options.out ?? join(root, format === 'md' ? 'report.md' : 'report.html'));
  mkdirSync(dirname(path), { recursive: true });
  const models = entries.map((e) => e.label);
  const warnings = () => [...new Set(entries.flatMap((e) => e.refused.map((w) => `${e.path}: ${w}`)))];
  if (format === 'md') {
    const files = await writeMarkdownReport(content, entries, path);
    return { path, files, models, warnings: warnings() };
  }
  writeFileAtomic(path, reportHtml(content));
  return { path, files: [path], models, warnings: warnings() };
}
