import { dirname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { probeWritableFile, writeFileAtomic } from '@orderlens/core';
import { loadReportEntries, requireReportFolder } from './collect-results.js';
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
  /**
   * What was left out, with why: symbolic links met in the folder (not followed; a loop named as
   * one), and output files a result records that were not embedded (outside its folder, not a
   * picture).
   */
  readonly warnings: readonly string[];
}

/**
 * Finds every `result.json` under `dir` (recursively, skipping `run/` folders), validates each
 * and writes the report. The output file is checked first, like every command's `--out`: an
 * existing folder, a path under `/proc`, a read-only or unwritable place is an input error
 * naming `--out` before any result is read, and nothing is left behind.
 */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const root = resolve(dir);
  requireReportFolder(root);
  const format = options.format ?? 'html';
  const path = probeWritableFile(
    resolve(options.out ?? join(root, format === 'md' ? 'report.md' : 'report.html')),
    '--out',
    format === 'md' ? 'report.md' : 'report.html',
  );
  const skipped: string[] = [];
  const entries = loadReportEntries(root, (p, why) => skipped.push(`${p} is ${why}`));
  const content = buildReportContent(root, entries, { title: options.title, maxSamples: options.maxSamples });
  mkdirSync(dirname(path), { recursive: true });
  const models = entries.map((e) => e.label);
  const warnings = () => [
    ...skipped,
    ...new Set(entries.flatMap((e) => e.refused.map((w) => `${e.path}: ${w}`))),
  ];
  if (format === 'md') {
    const files = await writeMarkdownReport(content, entries, path);
    return { path, files, models, warnings: warnings() };
  }
  writeFileAtomic(path, reportHtml(content));
  return { path, files: [path], models, warnings: warnings() };
}
