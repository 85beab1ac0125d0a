import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-vision-cli-');
afterAll(() => tmp.cleanup());

describe('orderlens analyze vision / structure', () => {
  it('analyze vision writes result.json, the J(m) plot and heat maps', async () => {
    const out = join(tmp.dir, 'an');
    const r = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--grid',
      '6',
      '--pairs',
      '8',
      '--contexts',
      '6',
      '--ratios',
      '0,0.3,0.7,1',
      '--per-class',
      '1',
      '--samples',
      '2',
      '--heatmaps',
      '1',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/analyze vision: 2 samples, n = 36 \(6×6 patches\), protocol lite/);
    const res = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(res.schema).toBe('orderlens/interaction-result@1');
    expect(res.method).toBe('vision-protocol');
    expect(res.strength.J).toHaveLength(4);
    expect(res.details.samples).toHaveLength(2);
    expect(res.details.instability).toBeGreaterThan(0);
    expect(res.modelCalls).toBeGreaterThan(0);
    for (const f of ['strength.svg', 'strength.png', 'heatmap-0.png'])
      expect(existsSync(join(out, f))).toBe(true);
  });

  it('analyze vision masks a feature map named in meta.json', async () => {
    const out = join(tmp.dir, 'fm');
    const r = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--feature-map',
      '--grid',
      '4',
      '--pairs',
      '5',
      '--contexts',
      '4',
      '--ratios',
      '0,0.5,1',
      '--repeats',
      '1',
      '--per-class',
      '1',
      '--samples',
      '1',
      '--heatmaps',
      '0',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/4×4 cells of relu2/);
    const res = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(res.details.players).toBe('feature map relu2');
    expect(res.details.instability).toBeNull();
  });

  it('structure writes accuracy curves and areas', async () => {
    const out = join(tmp.dir, 'st');
    const r = await runCli([
      'structure',
      '--model',
      cnn,
      '--grid',
      '4',
      '--samples',
      '20',
      '--steps',
      '5',
      '--repeats',
      '2',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'structure.json'), 'utf8'));
    expect(res.masked).toEqual([0, 4, 8, 12, 16]);
    expect(res.accuracy.random[4]).toBe(res.accuracy['central-surrounding'][4]);
    expect(Object.keys(res.areas).sort()).toEqual(['central-surrounding', 'random-surrounding']);
    expect(existsSync(join(out, 'structure.png'))).toBe(true);
  });

  it('reports bad input with the field and exit code 2', async () => {
    const base = ['--out', join(tmp.dir, 'bad'), '-q'];
    const grid = await runCli(['structure', '--model', cnn, '--grid', '40', '--samples', '2', ...base]);
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/grid: a 40×40 grid is larger than the 32×32 image/);
    const tensor = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--feature-map',
      'nope',
      '--grid',
      '4',
      '--samples',
      '1',
      ...base,
    ]);
    expect(tensor.code).toBe(2);
    expect(tensor.stderr).toMatch(/tensor: unknown tensor "nope"/);
    const shape = await runCli([
      'structure',
      '--model',
      cnn,
      '--dataset',
      'fashion-mnist',
      '--samples',
      '2',
      ...base,
    ]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/model input: .* takes 3×32×32 images .* data are 1×28×28/);
    const dir = join(tmp.dir, 'imgs');
    mkdirSync(join(dir, 'cat'), { recursive: true });
    writeFileSync(join(dir, 'cat', 'broken.png'), 'not an image');
    const unreadable = await runCli(['structure', '--model', cnn, '--images', dir, ...base]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/image: cannot read .*broken\.png/);
  });
});

describe('orderlens train vision and the pretrained nsfwjs network', () => {
  it('trains a patch CNN with an order loss (tfjs) and analyses it', async () => {
    const out = join(tmp.dir, 'tr');
    const r = await runCli([
      'train',
      'vision',
      '--limit',
      '200',
      '--epochs',
      '1',
      '--order-loss',
      'high',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.orderLoss.terms).toEqual([{ kind: 'minus', r1: 0, r2: 0.5 }]);
    expect(meta.history[0].minus).not.toBe(0);
    expect(meta.input.layout).toBe('NHWC');
    const an = await runCli([
      'analyze',
      'vision',
      '--model',
      join(out, 'model.json'),
      '--dataset',
      'cifar10',
      '--grid',
      '4',
      '--pairs',
      '3',
      '--contexts',
      '2',
      '--ratios',
      '0,1',
      '--repeats',
      '1',
      '--per-class',
      '1',
      '--samples',
      '1',
      '--heatmaps',
      '0',
      '--out',
      join(out, 'an'),
      '-q',
    ]);
    expect(an.stderr).toBe('');
    expect(an.stdout).toMatch(/analyze vision: 1 samples, n = 16/);
    const bad = await runCli([
      'train',
      'vision',
      '--limit',
      '20',
      '--grid',
      '5',
      '--out',
      join(out, 'bad'),
      '-q',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--grid: the patch network needs square cells/);
  });

  it('runs nsfwjs MobileNetV2 offline from the weights in its npm package', async () => {
    const dir = join(tmp.dir, 'nsfw-imgs', 'Neutral');
    mkdirSync(dir, { recursive: true });
    const { loadCifar10Subset, datasetImage, encodePng } = await import('@orderlens/vision');
    const ds = loadCifar10Subset('test', { limit: 2 });
    for (const k of [0, 1]) writeFileSync(join(dir, `${k}.png`), await encodePng(datasetImage(ds, k)));
    const out = join(tmp.dir, 'nsfw');
    const r = await runCli([
      'analyze',
      'vision',
      '--model',
      'nsfwjs',
      '--images',
      join(tmp.dir, 'nsfw-imgs'),
      '--resize',
      '224x224',
      '--grid',
      '2',
      '--pairs',
      '1',
      '--contexts',
      '1',
      '--ratios',
      '0,1',
      '--repeats',
      '1',
      '--per-class',
      '1',
      '--heatmaps',
      '0',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    // Both CIFAR images are classified Neutral (class 2), so one correct sample per class is kept.
    expect(res.details.selection.accuracy).toBe(1);
    expect(res.details.samples[0].label).toBe(2);
  });
});
