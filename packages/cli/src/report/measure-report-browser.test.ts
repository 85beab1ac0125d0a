/**
 * The measures of interactions in the report: real noise-sensitivity, generalization and
 * transfer runs on the census networks (the ONNX fixture and the TF.js quickstart model), then
 * `orderlens report` over their folder — a chart per measure with a line per network, drawn in
 * headless Chromium, filtered by the model toggles, and a PNG per measure in the Markdown form.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks, openHeadlessPage, scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const onnx = join(ROOT, 'fixtures/census-mlp5/model.onnx');
const quickstart = join(ROOT, 'packages/cli/assets/quickstart/model.json');
const tmp = tempDir('orderlens-measure-report-');
const root = join(tmp.dir, 'measures');

async function cli(args: string[]): Promise<void> {
  const r = await runCli(['--quiet', ...args]);
  expect(r.code, `${args.slice(0, 2).join(' ')}: ${r.stderr}`).toBe(0);
}

beforeAll(async () => {
  const noise = ['--delta', '0.2', '--draws', '3', '--samples', '2'];
  await cli(['noise-sensitivity', 'tabular', '--model', onnx, ...noise, '--out', join(root, 'noise-onnx')]);
  await cli([
    'noise-sensitivity',
    'tabular',
    '--model',
    quickstart,
    ...noise,
    '--out',
    join(root, 'noise-quickstart'),
  ]);
  const andOr = ['--samples', '2', '--niter', '50'];
  await cli(['generalization', 'tabular', '--model', onnx, ...andOr, '--out', join(root, 'gen-onnx')]);
  await cli([
    'transfer',
    'tabular',
    '--models',
    `${onnx},${quickstart}`,
    ...andOr,
    '--out',
    join(root, 'transfer'),
  ]);
}, scaledTimeout(600_000));
afterAll(() => tmp.cleanup());

describe('orderlens report over measure results', () => {
  it('writes a chart per measure, a line per network', async () => {
    const r = await runCli(['report', root]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    for (const id of ['noise', 'generalization', 'transfer', 'sparsity'])
      expect(html).toContain(`id="chart-measure-${id}"`);
    // The noise chart's data: one curve per network, the V^(s) of each result file.
    const data = JSON.parse(
      html.match(/<script id="report-data" type="application\/json">(.*?)<\/script>/s)![1],
    );
    const noise = data.charts.find((c: { id: string }) => c.id === 'chart-measure-noise');
    const values = (
      noise.spec.data as Array<{ name: string; values?: Array<{ model: string; x: number; y: number }> }>
    ).flatMap((d) => d.values ?? []);
    expect(new Set(values.map((v) => v.model))).toEqual(new Set(['noise-onnx', 'noise-quickstart']));
    const result = JSON.parse(readFileSync(join(root, 'noise-onnx', 'result.json'), 'utf8'));
    const onnxPoints = values.filter((v) => v.model === 'noise-onnx').sort((a, b) => a.x - b.x);
    expect(onnxPoints.map((v) => v.y)).toEqual(result.measures.noiseSensitivity.variance);
  });

  it.skipIf(lacks('chromium', 'the report opened in headless Chromium'))(
    'draws every measure chart in headless Chromium, and the toggles take a network out',
    async () => {
      const { page, errors, requests, close } = await openHeadlessPage({ width: 1280, height: 900 });
      try {
        await page.goto(`file://${join(root, 'report.html')}`);
        await page.waitForFunction(
          () => (window as unknown as { __orderlensChartsReady?: boolean }).__orderlensChartsReady === true,
          null,
          { timeout: scaledTimeout(60_000) },
        );
        const lines = (id: string) => page.locator(`#${id} g.mark-line.role-mark path`).count();
        const points = (id: string) => page.locator(`#${id} g.mark-symbol.role-mark path`).count();
        for (const id of ['noise', 'generalization', 'transfer', 'sparsity'])
          expect(await lines(`chart-measure-${id}`), id).toBeGreaterThan(0);
        // Noise: two networks, one curve each; 12 orders with a positive variance each.
        expect(await lines('chart-measure-noise')).toBe(2);
        expect(await points('chart-measure-noise')).toBe(24);
        await page.locator('#measures').screenshot({ path: join(tmp.dir, 'measures.png') });
        const toggled = () =>
          page.evaluate(() => (window as unknown as { __orderlensToggled?: number }).__orderlensToggled ?? 0);
        await page.locator('#toggles input[data-model="noise-quickstart"]').uncheck();
        await expect.poll(toggled).toBe(1);
        expect(await lines('chart-measure-noise')).toBe(1);
        expect(await points('chart-measure-noise')).toBe(12);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    },
    180_000,
  );

  it('--format md: a PNG per measure', async () => {
    const r = await runCli(['report', root, '--format', 'md']);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(root, 'report.md'), 'utf8');
    for (const id of ['noise', 'generalization', 'transfer', 'sparsity']) {
      expect(md).toContain(`(report-measure-${id}.png)`);
      expect(
        readFileSync(join(root, `report-measure-${id}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
  });
});
