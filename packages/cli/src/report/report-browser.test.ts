import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks, openHeadlessPage, scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
// A PointNet-shaped ONNX model built in memory (runtime-onnx's testing helpers), for when the fixture is absent.
import { writeTinyPointNet } from '@orderlens/runtime-onnx/testing';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const at = (rel: string) => join(ROOT, rel);
const tmp = tempDir('orderlens-report-browser-');
const study = join(tmp.dir, 'study');
/** Models analysed, in the order the report lists them (sorted by folder). */
const analysed: string[] = [];

/** Small real analyses of every modality whose model is in the repository, study layout. */
async function analyse(id: string, args: string[]): Promise<void> {
  const r = await runCli(['--quiet', 'analyze', ...args, '--out', join(study, 'models', id)]);
  expect(r.code, `${id}: ${r.stderr}`).toBe(0);
  analysed.push(id);
}

beforeAll(async () => {
  const census = at('fixtures/census-mlp5/model.onnx');
  await analyse('census-mlp5', ['tabular', '--model', census, '--samples', '2']);
  // Same data, another runtime and the AND-OR estimator: a second tabular curve and the AND-OR chart.
  await analyse('census-quickstart-and-or', [
    'tabular',
    '--model',
    at('packages/cli/assets/quickstart/model.json'),
    '--samples',
    '1',
    '--estimator',
    'and-or',
  ]);
  await analyse('cifar-cnn', [
    'vision',
    '--model',
    at('fixtures/cifar-cnn/model.onnx'),
    '--grid',
    '4',
    '--samples',
    '1',
    '--pairs',
    '4',
    '--contexts',
    '2',
    '--repeats',
    '1',
  ]);
  if (existsSync(at('fixtures/sst2-bert/onnx/model.onnx')))
    await analyse('sst2-bert', [
      'text',
      '--model',
      at('fixtures/sst2-bert'),
      '--sentences',
      at('packages/nlp/data/sst2/dev.tsv'),
      '--samples',
      '2',
      '--words',
      '6',
      '--short-sentences',
      'skip',
    ]);
  else console.warn('report-browser.test: fixtures/sst2-bert is absent, so the report has no text result');
  let pointnet = at('fixtures/modelnet10-pointnet/model.onnx');
  if (!existsSync(pointnet)) {
    console.warn(
      'report-browser.test: fixtures/modelnet10-pointnet is absent; the point-cloud result comes from an untrained tiny PointNet',
    );
    pointnet = writeTinyPointNet(tmp.dir, 'points');
  }
  await analyse('modelnet10-pointnet', [
    'pointcloud',
    '--model',
    pointnet,
    '--samples',
    '1',
    '--players',
    '6',
  ]);
  analysed.sort();
}, scaledTimeout(600_000));
afterAll(() => tmp.cleanup());

describe('orderlens report over real results of every modality', () => {
  it('writes report.html with a chart per view', async () => {
    const r = await runCli(['report', study, '--title', 'orderlens report — test study']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${analysed.length} result(s)`);
    const html = readFileSync(join(study, 'report.html'), 'utf8');
    expect(html).toContain('importmap'); // three.js, for the point cloud
    for (const id of analysed) expect(html).toContain(`data-model="${id}"`);
  });

  it.skipIf(lacks('chromium', 'the report opened in headless Chromium'))(
    'opens in headless Chromium: no console errors or requests, every chart and canvas drawn, hover and model toggles work',
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const { page, errors, requests, close } = await openHeadlessPage({ width: 1280, height: 900 });
      try {
        await page.goto(`file://${join(study, 'report.html')}`);
        await page.waitForFunction(
          () => {
            const w = window as unknown as {
              __orderlensChartsReady?: boolean;
              __orderlensCloudsReady?: boolean;
            };
            return w.__orderlensChartsReady === true && w.__orderlensCloudsReady === true;
          },
          null,
          { timeout: scaledTimeout(60_000) },
        );
        await page.screenshot({ path: join(ARTIFACTS, 'report-full.png'), fullPage: true });

        // Every chart: an SVG with drawn marks (Vega groups each mark's items in `g.role-mark`).
        const charts = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('div.chart')].map((el) => ({
            id: el.id,
            svg: el.querySelector('svg') !== null,
            items: el.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > g > path')
              .length,
          })),
        );
        expect(charts.map((c) => c.id)).toEqual(
          expect.arrayContaining(['chart-strength', 'chart-modality', 'chart-and-or']),
        );
        for (const c of charts) {
          expect(c.svg, c.id).toBe(true);
          expect(c.items, c.id).toBeGreaterThan(0);
        }
        // Every canvas (three.js clouds) has drawn pixels; every picture decoded; word arcs drawn.
        const canvases = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLCanvasElement>('canvas')].map((c) => {
            const copy = document.createElement('canvas');
            copy.width = c.width;
            copy.height = c.height;
            const ctx = copy.getContext('2d')!;
            ctx.drawImage(c, 0, 0);
            const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
            return n;
          }),
        );
        expect(canvases.length).toBeGreaterThan(0);
        for (const n of canvases) expect(n).toBeGreaterThan(500);
        const images = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLImageElement>('figure img')].map(
            (i) => i.complete && i.naturalWidth,
          ),
        );
        expect(images.length).toBeGreaterThan(0); // the CIFAR heat map
        for (const w of images) expect(w).toBeGreaterThan(0);
        if (analysed.includes('sst2-bert')) {
          const arcs = await page.evaluate(() => document.querySelectorAll('div.arcs svg path').length);
          expect(arcs).toBeGreaterThan(0);
        }
        await page.locator('#strength').screenshot({ path: join(ARTIFACTS, 'report-strength.png') });

        // Hover: a measured point of the strength chart shows its values.
        // The mouse goes to the point itself: a locator hover would scroll it under the sticky
        // toggle bar. An error bar may lie on top of the point; it carries the same tooltip.
        await page.evaluate(() => window.scrollTo(0, 0));
        const dot = await page.locator('#chart-strength g.mark-symbol.role-mark path').first().boundingBox();
        await page.mouse.move(dot!.x + dot!.width / 2, dot!.y + dot!.height / 2);
        await expect.poll(() => page.locator('#tooltip').isVisible()).toBe(true);
        expect(await page.locator('#tooltip').innerText()).toMatch(/model[\s\S]*J \/ mean/);

        // Toggle: unchecking a model removes its points from the chart and hides its samples.
        const points = () => page.locator('#chart-strength g.mark-symbol.role-mark path').count();
        const toggled = () =>
          page.evaluate(() => (window as unknown as { __orderlensToggled?: number }).__orderlensToggled ?? 0);
        const before = await points();
        const model = 'census-mlp5';
        const box = page.locator(`#toggles input[data-model="${model}"]`);
        await box.uncheck();
        await expect.poll(toggled).toBe(1);
        const after = await points();
        expect(after).toBeLessThan(before);
        expect(await page.locator(`div[data-model-section="${model}"]`).isVisible()).toBe(false);
        await page.locator('#strength').screenshot({ path: join(ARTIFACTS, 'report-strength-toggled.png') });
        await box.check();
        await expect.poll(toggled).toBe(2);
        expect(await points()).toBe(before);
        // "all / none" hides every model: no measured point is left.
        await page.locator('#toggle-all').click();
        await expect.poll(toggled).toBe(3);
        expect(await points()).toBe(0);

        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    },
    180_000,
  );

  it('--format md: a summary with the strength chart and a PNG per sample view', async () => {
    const r = await runCli(['report', study, '--format', 'md']);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(study, 'report.md'), 'utf8');
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toEqual(
      expect.arrayContaining(['report-strength.png', 'report-modality.png', 'report-and-or.png']),
    );
    for (const l of links) expect(readFileSync(join(study, l)).subarray(1, 4).toString()).toBe('PNG');
    // A picture for the cloud (the adapter's PNG) and the heat map, not only charts.
    expect(links.some((l) => l.startsWith('report-modelnet10-pointnet-'))).toBe(true);
    expect(links.some((l) => l.startsWith('report-cifar-cnn-'))).toBe(true);
  });
});
