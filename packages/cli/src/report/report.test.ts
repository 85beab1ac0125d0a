import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultFile } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
import { findResultFiles, loadReportEntries } from './collect-results.js';
import { buildReportContent } from './report-content.js';
import { strengthRows, THEORY_AT_FIT, THEORY_AT_N } from './strength-chart.js';
import { scaledTimeout } from '@orderlens/core/testing';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const tmp = tempDir('orderlens-report-');
/** A study-like folder: `<study>/models/<id>/result.json`. */
const study = join(tmp.dir, 'study');

beforeAll(async () => {
  // One real result (exact, census MLP, one row: ~2 s); a second model id is a copy of it, so
  // labels, toggles and the table see two models without a second analysis.
  const out = join(study, 'models', 'census-mlp5');
  const r = await runCli([
    '--quiet',
    'analyze',
    'tabular',
    '--model',
    join(ROOT, 'fixtures/census-mlp5/model.onnx'),
    '--samples',
    '1',
    '--out',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  cpSync(out, join(study, 'models', 'census-copy'), { recursive: true });
}, scaledTimeout(120_000));
afterAll(() => tmp.cleanup());

describe('finding results', () => {
  it('finds result.json recursively, skips run/ and hidden folders, labels by model id', () => {
    mkdirSync(join(study, '.hidden'), { recursive: true });
    writeFileSync(join(study, '.hidden', 'result.json'), '{}');
    const files = findResultFiles(study);
    expect(files.map((f) => f.slice(study.length + 1))).toEqual([
      'models/census-copy/result.json',
      'models/census-mlp5/result.json',
    ]);
    expect(existsSync(join(study, 'models', 'census-mlp5', 'run'))).toBe(true);
    expect(loadReportEntries(study).map((e) => e.label)).toEqual(['census-copy', 'census-mlp5']);
  });

  it('an invalid result is an input error naming the file and field; an empty folder says what to run', async () => {
    const bad = join(tmp.dir, 'bad');
    mkdirSync(join(bad, 'x'), { recursive: true });
    const doc = JSON.parse(readFileSync(join(study, 'models', 'census-mlp5', 'result.json'), 'utf8'));
    delete doc.aggregate;
    writeFileSync(join(bad, 'x', 'result.json'), JSON.stringify(doc));
    const r = await runCli(['report', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(bad, 'x', 'result.json'));
    expect(r.stderr).toContain('aggregate');
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const e = await runCli(['report', empty]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('no result.json');
    expect((await runCli(['report', study, '--format', 'pdf'])).code).toBe(2);
  });

  it('leaves symbolic links out with a warning, a loop named as one, instead of failing with ELOOP', async () => {
    const looped = join(tmp.dir, 'looped');
    cpSync(join(study, 'models', 'census-mlp5'), join(looped, 'a'), { recursive: true });
    symlinkSync('.', join(looped, 'up')); // a folder link back to its own folder
    symlinkSync('self', join(looped, 'self')); // a link to itself: ELOOP when followed
    const skipped: string[] = [];
    expect(
      findResultFiles(looped, (p, why) => skipped.push(`${p.slice(looped.length + 1)}: ${why}`)),
    ).toEqual([join(looped, 'a', 'result.json')]);
    expect(skipped).toEqual([
      'self: a symbolic link loop (it leads back to itself); links are not followed',
      'up: a symbolic link; links are not followed',
    ]);
    const r = await runCli(['report', looped, '--out', join(tmp.dir, 'looped.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*self is a symbolic link loop \(it leads back to itself\)/m);
    expect(r.stderr).not.toContain('ELOOP');
    // The folder named on the command line being a loop is an input error, not a raw ELOOP.
    const e = await runCli(['report', join(looped, 'self')]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/error: <dir>: .*self is a symbolic link loop/);
  });

  it('checks --out before reading any result, like analyze: no raw EISDIR/ENOENT, no temp file left', async () => {
    const outs = join(tmp.dir, 'outs');
    mkdirSync(join(outs, 'existing-folder'), { recursive: true });
    writeFileSync(join(outs, 'plain'), 'a file');
    const cases: Array<[string, RegExp]> = [
      [
        join(outs, 'existing-folder'),
        /--out: .*existing-folder is a folder; give a file name \(e\.g\. .*existing-folder\/report\.html\)/,
      ],
      [
        '/proc/orderlens-report.html',
        /--out: \/proc\/orderlens-report\.html is under \/proc, a kernel pseudo-file system/,
      ],
      [
        join(outs, 'plain', 'report.html'),
        /--out: .*plain is a file, not a folder; choose another output folder/,
      ],
    ];
    for (const [out, message] of cases) {
      const r = await runCli(['report', study, '--out', out]);
      expect(r.code, out).toBe(2);
      expect(r.stderr, out).toMatch(message);
      expect(r.stderr).not.toMatch(/EISDIR|ENOENT|EROFS|^\s+at /m);
    }
    expect(readdirSync(outs).sort()).toEqual(['existing-folder', 'plain']);
    expect(readdirSync(join(outs, 'existing-folder'))).toEqual([]);
  });
});

describe('report content', () => {
  it('puts every curve on one axis: measured J has mean 1 over orders, theory at n and at the fitted n′', () => {
    const entries = loadReportEntries(study);
    const rows = strengthRows(entries);
    const measured = rows.filter((r) => r.model === 'census-mlp5' && r.curve === 'measured');
    const result = readResultFile(join(study, 'models', 'census-mlp5', 'result.json'));
    expect(measured.length).toBe(result.orders.length);
    expect(measured.reduce((s, r) => s + r.J, 0) / measured.length).toBeCloseTo(1, 10);
    measured.forEach((r, k) => expect(r.J).toBeCloseTo(result.aggregate.strength.J[k], 10));
    expect(rows.some((r) => r.curve === THEORY_AT_N)).toBe(true);
    expect(rows.some((r) => r.curve === THEORY_AT_FIT)).toBe(
      result.aggregate.theory.effectiveN !== undefined,
    );
    const content = buildReportContent(study, entries);
    expect(content.byModality).toBeUndefined(); // one modality: the per-modality chart would repeat
    expect(content.settings[0].calls).toMatch(/total [\d,]+/);
    expect(content.samples.map((s) => s.views[0].kind)).toEqual(['chart', 'chart']);
  });

  it('writes one self-contained HTML page: no external references, CSP forbids requests, data inlined', async () => {
    const r = await runCli(['report', study]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 result(s)');
    const html = readFileSync(join(study, 'report.html'), 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain('vega');
    const json = /<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const data = JSON.parse(json!) as { charts: Array<{ id: string; toggles: boolean }> };
    expect(data.charts.map((c) => c.id)).toContain('chart-strength');
    expect(data.charts.filter((c) => c.toggles).length).toBeGreaterThan(0);
    // No three.js without a point cloud: the page stays small.
    expect(html).not.toContain('importmap');
    expect(html.length).toBeLessThan(1_500_000);
  });

  it('--format md writes report.md and the PNGs it links beside it', async () => {
    const out = join(tmp.dir, 'md', 'summary.md');
    const r = await runCli(['report', study, '--format', 'md', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('| model | modality |');
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toContain('report-strength.png');
    expect(links.length).toBeGreaterThanOrEqual(3); // strength + one matrix per sample
    for (const l of links) {
      const png = readFileSync(join(tmp.dir, 'md', l));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
  });
});
