/**
 * The measure commands end to end on the shipped census MLP (a real ONNX Runtime session, the
 * census test and training rows): noise sensitivity counted by purpose and resumed, generalization
 * over the two splits, transfer between the ONNX model and its tfjs twin (the same weights), and
 * bad input refused naming the option before any model is opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult, type InteractionResult } from '@orderlens/core';
import { transferMeasure } from '@orderlens/core/math';
import { expectInputError } from '@orderlens/core/testing';
import { runCli } from '../../program.js';
import { tempDir } from '../../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../../${rel}`, import.meta.url));
const onnx = repo('fixtures/census-mlp5/model.onnx');
const tfjs = repo('fixtures/census-mlp5/tfjs/model.json');
const pointnet = repo('fixtures/modelnet10-pointnet/model.onnx');
const bert = repo('fixtures/sst2-bert');
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const pcdDir = repo('packages/pointcloud/data/modelnet10/pcd');
const sst2Dev = repo('packages/nlp/data/sst2/dev.tsv');
const sst2Train = repo('fixtures/two-phase/sst2-bert/label-noise/train.tsv');
const tmp = tempDir('orderlens-measures-');
afterAll(() => tmp.cleanup());
const read = (path: string): InteractionResult => parseResult(JSON.parse(readFileSync(path, 'utf8')), path);

describe('orderlens noise-sensitivity | generalization | transfer (census MLP)', () => {
  it('noise-sensitivity writes V^(s) per order, counts noise calls, and a resume recomputes nothing', async () => {
    const out = join(tmp.dir, 'noise');
    const args = [
      'noise-sensitivity',
      'tabular',
      '--model',
      onnx,
      '--delta',
      '0.2',
      '--draws',
      '3',
      '--samples',
      '2',
      '--out',
      out,
      '-q',
    ];
    const r = await runCli(args);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/V\^\(s\) by order: 1:/);
    const res = read(join(out, 'result.json'));
    const m = res.measures!.noiseSensitivity!;
    expect(m.orders).toHaveLength(12);
    expect(m.variance.every((v) => v > 0)).toBe(true);
    // δ is in the model's input units (z-scored attributes): their spread is recorded and printed.
    const scale = m.scale!;
    expect(scale.space).toBe('model-input');
    expect(scale.perFeature!.names).toHaveLength(scale.perFeature!.std.length);
    expect(scale.perFeature!.names).toContain('Age');
    expect(scale.std!).toBeGreaterThan(0.5);
    expect(r.stdout).toContain(`δ/σ = ${(0.2 / scale.std!).toPrecision(3)}`);
    expect(r.stdout).toMatch(/δ\/σ per column: [\d.]+ \(.+\) to [\d.]+ \(.+\), median/);
    expect(res.modelCalls.noise).toBe(2 * 3 * 4096);
    expect(res.modelCalls.estimation).toBe(2 * 4096);
    expect(existsSync(join(out, 'noise-sensitivity.svg'))).toBe(true);
    expect(existsSync(join(out, 'noise-sensitivity.png'))).toBe(true);
    const again = await runCli([...args, '--resume']);
    expect(again.code).toBe(0);
    const resumed = read(join(out, 'result.json'));
    expect(resumed.measures).toEqual(res.measures);
    expect(resumed.modelCalls).toEqual(res.modelCalls);
  });

  it('noise-sensitivity on text perturbs the word embeddings (SST-2 BERT): noise counted, same seed same numbers', async () => {
    const out = (name: string) => join(tmp.dir, name);
    const args = (dir: string, delta = '0.01') => [
      'noise-sensitivity',
      'text',
      '--model',
      repo('fixtures/sst2-bert'),
      '--sentence',
      'an unflinchingly bleak and desperate , often-funny story',
      '--label',
      '1',
      '--words',
      '4',
      '--estimator',
      'exact',
      '--delta',
      delta,
      '--draws',
      '3',
      '--out',
      dir,
      '-q',
    ];
    const r = await runCli(args(out('text-a')));
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const a = read(join(out('text-a'), 'result.json'));
    const m = a.measures!.noiseSensitivity!;
    expect(m.orders).toEqual([1, 2, 3, 4]);
    expect(m.variance.every((v) => v > 0)).toBe(true);
    expect(a.modelCalls.noise).toBe(3 * 16);
    // δ's scale is recorded: the table the noise is added to and the RMS of its entries
    // (0.0211929… computed with numpy from the ONNX initializer, independently of orderlens).
    expect(m.scale).toEqual({
      space: 'word-embeddings',
      table: 'word.weight',
      width: 128,
      rms: expect.closeTo(0.021192916838782088, 7),
    });
    expect(r.stdout).toContain(
      'δ = 0.01 on the word-embeddings (word.weight), whose RMS is 0.0212: δ/RMS = 0.472',
    );
    // A resume that finds every unit stored still records it (no noise draw built the model).
    expect((await runCli([...args(out('text-a')), '--resume'])).code).toBe(0);
    expect(read(join(out('text-a'), 'result.json')).measures).toEqual(a.measures);
    // The same seed draws the same noise; a larger δ moves the single words' interactions more.
    expect((await runCli(args(out('text-b')))).code).toBe(0);
    expect(read(join(out('text-b'), 'result.json')).measures).toEqual(a.measures);
    expect((await runCli(args(out('text-c'), '0.05'))).code).toBe(0);
    const big = read(join(out('text-c'), 'result.json')).measures!.noiseSensitivity!;
    expect(big.variance[0]).toBeGreaterThan(m.variance[0]);
  });

  it('generalization analyses both splits with the and-or estimator and writes the Jaccard per order', async () => {
    const out = join(tmp.dir, 'gen');
    const r = await runCli([
      'generalization',
      'tabular',
      '--model',
      onnx,
      '--samples',
      '2',
      '--niter',
      '300',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const res = read(join(out, 'result.json'));
    const g = res.measures!.generalization!;
    expect(g.orders).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(g.classes).toEqual([0, 1]);
    expect(g.trainCounts).toEqual([1, 1]);
    for (const x of g.mean.filter((v): v is number => v !== null)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(read(join(out, 'train', 'result.json')).provenance.options.split).toBe('train');
    expect(res.provenance.options.split).toBe('test');
    // Every AND-OR sample carries its sparsity curves, and the run their mean.
    expect(res.samples[0].andOr!.sparsity!.share).toHaveLength(10);
    expect(res.aggregate.andOr!.sparsity!.andCount).toHaveLength(10);
    expect(existsSync(join(out, 'generalization.svg'))).toBe(true);
  });

  it('transfer between the ONNX model and its tfjs twin finds the same salient interactions', async () => {
    const out = join(tmp.dir, 'transfer');
    const r = await runCli([
      'transfer',
      'tabular',
      '--models',
      `${onnx},${tfjs}`,
      '--samples',
      '3',
      // No SGD step: the sparsest of the three starting splits. After thousands of sign-SGD steps
      // the twins' 1e-7 float differences grow into different decompositions (docs/measures.md).
      '--niter',
      '0',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const t = read(join(out, 'result.json')).measures!.transfer!;
    const pair = t.acrossNetworks![0];
    expect(pair.samples).toHaveLength(3);
    // Same weights, float32 in both runtimes: (almost) every salient interaction is shared.
    expect(pair.aInB.overall!).toBeGreaterThan(0.99);
    expect(pair.bInA.overall!).toBeGreaterThan(0.99);
    // Players that differ are refused by name.
    const a = read(join(out, 'models', 'census-mlp5', 'result.json'));
    const renamed: InteractionResult = {
      ...a,
      samples: a.samples.map((s) => ({
        ...s,
        players: {
          kind: 'attributes' as const,
          n: 12,
          names: s.players.kind === 'attributes' ? [...s.players.names.slice(1), 'x'] : [],
        },
      })),
    };
    expectInputError(
      () =>
        transferMeasure(
          [
            { label: 'a', result: a },
            { label: 'b', result: renamed },
          ],
          '--models',
        ),
      '--models',
      /different players/,
    );
  });

  it('generalization on an adapter without --split: the two options name each side’s data (vision --dataset)', async () => {
    const out = join(tmp.dir, 'gen-vision');
    const cnn = repo('fixtures/cifar-cnn/model.onnx');
    const args = [
      'generalization',
      'vision',
      '--model',
      cnn,
      '--grid',
      '8',
      '--central',
      '6',
      '--samples',
      '2',
    ];
    const r = await runCli([
      ...args,
      '--niter',
      '20',
      '--train-split',
      'cifar10-train',
      '--test-split',
      'cifar10',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const train = read(join(out, 'train', 'result.json'));
    const test = read(join(out, 'test', 'result.json'));
    expect(train.provenance.options).toMatchObject({ dataset: 'cifar10-train' });
    expect(test.provenance.options).toMatchObject({ dataset: 'cifar10' });
    const m = read(join(out, 'result.json')).measures!.generalization!;
    expect(m.orders).toEqual([1, 2, 3, 4, 5, 6]);
    // Without the two options there is no split to fall back on: refused by name.
    const bad = await runCli([
      ...args,
      '--test-split',
      'cifar10',
      '--out',
      join(tmp.dir, 'gen-vision-bad'),
      '-q',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --train-split: .*--dataset/m);
  });

  it('generalization refuses a split without a class the other has, from the data, before any model call', async () => {
    // Three clouds (chair, monitor, toilet) against the ten classes of the training clouds.
    const out = join(tmp.dir, 'gen-missing-class');
    const r = await runCli([
      ...['generalization', 'pointcloud', '--model', pointnet, '--anchors', pcdDir, '--regions', '8'],
      ...['--players', '4', '--train-split', 'modelnet10:train', '--test-split', pcdDir, '--out', out, '-q'],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --test-split: has no sample of class 0, 1, 3, 4, 6, 7, 8 \(the training split has 60, 60, 60, 60, 60, 60, 60\)/m,
    );
    expect(existsSync(join(out, 'train'))).toBe(false);
  });

  it('refuses bad input naming the option, before any model is opened', async () => {
    const cases: Array<[string[], string]> = [
      [['noise-sensitivity', 'tabular', '--model', onnx, '--delta', '0'], '--delta'],
      [['noise-sensitivity', 'tabular', '--model', onnx, '--delta', '-0.5'], '--delta'],
      [['noise-sensitivity', 'tabular', '--model', onnx, '--delta', 'abc'], '--delta'],
      [['noise-sensitivity', 'tabular', '--model', onnx, '--delta', '0.1', '--draws', '1'], '--draws'],
      [['generalization', 'tabular', '--model', onnx, '--test-split', 'dev'], '--test-split'],
      [['generalization', 'tabular', '--model', onnx, '--train-split', 'test'], '--test-split'],
      [['generalization', 'tabular', '--model', onnx, '--estimator', 'exact'], '--estimator'],
      [['transfer', 'tabular', '--models', `${onnx},${onnx}`], '--models'],
      [['transfer', 'tabular', '--models', onnx, '--estimator', 'shared'], '--estimator'],
      // Players of each sample's own: per-cloud regions, each sentence's words, each image's cells.
      [
        [
          'generalization',
          'pointcloud',
          '--model',
          pointnet,
          ...['--train-split', 'modelnet10:train'],
          ...['--test-split', 'modelnet10:test'],
        ],
        '--anchors',
      ],
      [['transfer', 'pointcloud', '--models', pointnet], '--anchors'],
      [['transfer', 'text', '--models', bert], '--models'],
      // More than 20 players: the option that sets them, before the selection.
      [
        [
          'generalization',
          'pointcloud',
          '--model',
          pointnet,
          '--anchors',
          pcdDir,
          '--regions',
          '30',
          '--players',
          '21',
          ...['--train-split', 'modelnet10:train', '--test-split', 'modelnet10:test'],
        ],
        '--players',
      ],
      [
        [
          'noise-sensitivity',
          'pointcloud',
          '--model',
          pointnet,
          '--regions',
          '30',
          '--players',
          '21',
          '--protocol',
          'sampled',
          '--delta',
          '0.01',
        ],
        '--players',
      ],
      [
        ['generalization', 'text', '--model', bert, ...['--train-split', sst2Dev, '--test-split', sst2Train]],
        '--test-split',
      ],
      [
        [
          'generalization',
          'vision',
          '--model',
          cnn,
          '--grid',
          '8',
          '--central-random',
          '10',
          ...['--train-split', 'cifar10-train', '--test-split', 'cifar10'],
        ],
        '--central-random',
      ],
    ];
    for (const [args, field] of cases) {
      const out = join(tmp.dir, `bad-${field}-${Math.random().toString(36).slice(2)}`);
      const r = await runCli([...args, '--out', out, '-q']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^error: ${field}: `));
      expect(existsSync(join(out, 'run')), args.join(' ')).toBe(false);
      expect(existsSync(join(out, 'train', 'run')), args.join(' ')).toBe(false);
    }
  });
});
