import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { PNG_SIGNATURE, pngSize } from '@orderlens/core';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-vision-cli-');
const resultOf = (dir: string) => parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
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
    expect(r.stdout).toMatch(
      /^analyze vision: 2 samples, n = 36, reference \(unbiased\), \d+ model calls on onnx:cpu, instability \d\.\d{4}.*; wrote .*result\.json\n/,
    );
    expect(r.stdout).toMatch(/J\(m\) by ratio: 0:[\d.]+ 0\.3:[\d.]+ 0\.7:[\d.]+ 1:[\d.]+\n/);
    const res = resultOf(out);
    expect(res.schema).toBe('orderlens/interaction-result@3');
    expect(res.modality).toBe('vision');
    expect(res.estimator.name).toBe('reference');
    // The default protocol: the bias-bracketed strength, with its bias bound recorded per order.
    expect(res.estimator.options).toMatchObject({
      contexts: 6,
      repeats: 2,
      ratios: [0, 0.3, 0.7, 1],
      strength: 'bracket',
    });
    expect(res.pairs).toMatchObject({ name: 'grid' });
    expect(res.n).toBe(36);
    expect(res.ratios).toEqual([0, 0.3, 0.7, 1]);
    expect(res.orders).toEqual([0, 10, 23, 34]); // floor(34·r)
    expect(res.aggregate.strength.J).toHaveLength(4);
    expect(res.samples).toHaveLength(2);
    for (const smp of res.samples) {
      expect(smp.players).toMatchObject({ kind: 'grid', n: 36, rows: 6, cols: 6, height: 32, width: 32 });
      expect(smp.multiOrder!.pairs).toHaveLength(8);
      expect(smp.strengthByRepeat).toHaveLength(2);
      expect(smp.strengthError).toHaveLength(4);
      expect(smp.strengthBias).toHaveLength(4); // the bracket's bias bound, per order
    }
    // One sample per class at most.
    expect(new Set(res.samples.map((x) => x.label)).size).toBe(2);
    expect(res.aggregate.instability).toBeGreaterThan(0);
    expect(res.modelCalls.selection).toBeGreaterThan(0);
    expect(res.modelCalls.estimation).toBe(res.samples.reduce((a, x) => a + x.modelCalls, 0));
    expect(res.modelCalls['feature-map-prefix']).toBe(0);
    expect(res.modelCalls.total).toBe(res.modelCalls.selection + res.modelCalls.estimation);
    expect(res.provenance.model).toMatchObject({ file: cnn, format: 'onnx', backend: 'onnx:cpu' });
    expect(res.provenance.model!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.provenance.device).toBe('cpu');
    for (const f of ['strength.svg', 'strength.png', 'heatmap-0.png'])
      expect(existsSync(join(out, f))).toBe(true);
    // --heatmaps 1: one heat map only, and the result lists it.
    expect(existsSync(join(out, 'heatmap-1.png'))).toBe(false);
    expect(res.outputs).toMatchObject({
      strength: { svg: join(out, 'strength.svg'), png: join(out, 'strength.png') },
      heatmaps: [join(out, 'heatmap-0.png')],
    });
    const heat = readFileSync(join(out, 'heatmap-0.png'));
    expect(heat.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // Three panels side by side (image, low orders, high orders): wider than tall.
    const size = pngSize(heat);
    expect(size.width).toBeGreaterThan(2 * size.height);
  });

  it('analyze vision masks a feature map named in meta.json', async () => {
    const out = join(tmp.dir, 'fm');
    const args = (featureMap: string, dir: string) => [
      'analyze',
      'vision',
      '--model',
      cnn,
      '--feature-map',
      featureMap,
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
      dir,
      '-q',
    ];
    const r = await runCli(args('meta', out));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = resultOf(out);
    expect(res.samples).toHaveLength(1);
    expect(res.samples[0].players).toEqual({
      kind: 'feature-map',
      n: 16,
      rows: 4,
      cols: 4,
      tensor: 'relu2',
      height: 32,
      width: 32,
    });
    expect(res.aggregate.instability).toBeNull();
    // The prefix ran once for the one image; every coalition ran the suffix only.
    expect(res.modelCalls['feature-map-prefix']).toBe(1);
    expect(res.modelCalls.estimation).toBe(res.samples[0].modelCalls - 1);
    expect(res.modelCalls.total).toBe(res.modelCalls.selection + res.modelCalls.estimation + 1);
    expect(existsSync(join(out, 'heatmap-0.png'))).toBe(false);
    // Naming the tensor gives the same numbers as taking it from meta.json.
    const named = join(tmp.dir, 'fm-named');
    expect((await runCli(args('relu2', named))).code).toBe(0);
    expect(resultOf(named).aggregate).toEqual(res.aggregate);
    expect(resultOf(named).samples.map(({ wallTimeMs: _t, ...x }) => x)).toEqual(
      res.samples.map(({ wallTimeMs: _t, ...x }) => x),
    );
    // --feature-map needs a value now.
    const bare = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--out',
      join(tmp.dir, 'fm-bare'),
      '-q',
      '--feature-map',
    ]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/error: option '--feature-map <tensor>' argument missing/);
  });

  it('refuses a model without meta.json normalisation unless --mean/--std or --no-normalization', async () => {
    const dir = join(tmp.dir, 'no-meta');
    mkdirSync(dir, { recursive: true });
    const bare = join(dir, 'model.onnx');
    copyFileSync(cnn, bare);
    const args = (model: string, out: string, ...more: string[]) => [
      'analyze',
      'vision',
      '--model',
      model,
      '--dataset',
      'cifar10',
      '--grid',
      '2',
      '--pairs',
      '2',
      '--contexts',
      '2',
      '--ratios',
      '0,1',
      '--repeats',
      '1',
      '--samples',
      '1',
      '--heatmaps',
      '0',
      '--seed',
      '2',
      '--out',
      join(tmp.dir, out),
      '-q',
      ...more,
    ];
    const refused = await runCli(args(bare, 'nm-refused'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: --model: .*no-meta\/model\.onnx has no meta\.json with its normalisation; give --mean and --std .*--no-normalization/,
    );
    expect(existsSync(join(tmp.dir, 'nm-refused', 'result.json'))).toBe(false);
    // The fixture's own normalisation given by hand: the numbers of the model with its meta.json.
    const withMeta = await runCli(args(cnn, 'nm-meta'));
    expect(withMeta.code).toBe(0);
    const byHand = await runCli(
      args(
        bare,
        'nm-hand',
        '--mean',
        '0.4923484949448535,0.48388209826899475,0.4475366134344365',
        '--std',
        '0.24370795311912563,0.2417897825591656,0.25980953636663595',
      ),
    );
    expect(byHand.stderr).toBe('');
    expect(byHand.code).toBe(0);
    const a = resultOf(join(tmp.dir, 'nm-meta'));
    const b = resultOf(join(tmp.dir, 'nm-hand'));
    expect(b.samples.map((x) => x.index)).toEqual(a.samples.map((x) => x.index));
    b.aggregate.raw.forEach((v, k) => expect(v).toBeCloseTo(a.aggregate.raw[k], 6));
    // --no-normalization is accepted (raw pixels·scale), and gives other numbers.
    const raw = await runCli(args(bare, 'nm-raw', '--no-normalization', '--all-samples'));
    expect(raw.code).toBe(0);
    expect(resultOf(join(tmp.dir, 'nm-raw')).provenance.model!.file).toBe(bare);
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
      '--pairs',
      '20',
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
    expect(an.stdout).toMatch(/analyze vision: 1 samples, n = 16, .* model calls on tfjs:/);
    const trained = resultOf(join(out, 'an'));
    expect(trained.provenance.model).toMatchObject({ file: join(out, 'model.json'), format: 'tfjs' });
    expect(trained.samples[0].players).toMatchObject({ kind: 'grid', n: 16, rows: 4, cols: 4 });
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
    const res = resultOf(out);
    // Both CIFAR images are classified Neutral (class 2), so one correct sample per class is kept.
    expect(res.selection).toMatchObject({ candidates: 2, correct: 2, accuracy: 1 });
    expect(res.samples).toHaveLength(1);
    expect(res.samples[0].label).toBe(2);
    expect(res.samples[0].players).toMatchObject({
      kind: 'grid',
      n: 4,
      rows: 2,
      cols: 2,
      height: 224,
      width: 224,
    });
    expect(res.provenance.model!.format).toBe('nsfwjs');
    expect(res.provenance.model!.file).toMatch(/orderlens-nsfwjs-mobilenet_v2[\\/]model\.json$/);
    expect(res.modelCalls.selection).toBe(2);
  });
});

describe('a plan that cannot work is refused before any work', () => {
  it('more pairs than a 5×5 grid holds: refused naming --pairs, nothing in --out; the corrected command runs', async () => {
    const out = join(tmp.dir, 'grid5');
    const base = [
      'analyze',
      'vision',
      '--model',
      cnn,
      '--dataset',
      'cifar10',
      '--grid',
      '5',
      '--protocol',
      'lite',
    ];
    const small = [
      '--samples',
      '1',
      '--contexts',
      '2',
      '--repeats',
      '1',
      '--ratios',
      '0,0.5,1',
      '--heatmaps',
      '0',
    ];
    const bad = await runCli(['--quiet', ...base, ...small, '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: --pairs: a 5×5 grid has only 168 distinct pairs within Chebyshev radius 2, asked for 200; ask for at most 168/,
    );
    expect(existsSync(out)).toBe(false);
    const good = await runCli(['--quiet', ...base, ...small, '--pairs', '20', '--out', out]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(resultOf(out).samples[0].multiOrder!.pairs).toHaveLength(20);
  });
});
