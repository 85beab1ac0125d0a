import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult, type InteractionResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

/*
 * Issue 24, cost before work for every long command: each prints its planned model calls and a
 * time before the first model call, `--dry-run` prints that plan, exits 0 and writes nothing, and
 * `--budget` refuses a plan above it before anything is written. Each dry run here is followed by
 * the real run on the same tiny setting, whose calls must be the ones the plan printed.
 */

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const census = repo('fixtures/census-mlp5/model.onnx');
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-plans-');
afterAll(() => tmp.cleanup());

const num = (s: string) => Number(s.replace(/,/g, ''));
const read = (path: string): InteractionResult => parseResult(JSON.parse(readFileSync(path, 'utf8')), path);

/** A dry run: exit 0, its stdout (the plan), and nothing at `out`. */
async function dryRun(args: string[], out: string): Promise<string> {
  const r = await runCli([...args, '--dry-run']);
  expect(r.stderr).not.toMatch(/^error/m);
  expect(r.code).toBe(0);
  expect(existsSync(out), `a dry run wrote ${out}`).toBe(false);
  return r.stdout;
}

describe('plans of the measures', () => {
  it('noise-sensitivity plans the estimate and the noise draws of each sample exactly', async () => {
    const out = join(tmp.dir, 'noise');
    const args = ['noise-sensitivity', 'tabular', '--model', census, '--delta', '0.2', '--draws', '3'];
    const plan = await dryRun([...args, '--samples', '2', '--out', out], out);
    const m =
      /^plan: ([\d,]+) \+ ([\d,]+) noise \(draws × 2\^12\) = ([\d,]+) model calls per sample \(n = 12 players on the first candidate\) × 2 samples \+ at most ([\d,]+) selection calls = ([\d,]+) model calls at most, about /.exec(
        plan,
      );
    expect(m, plan).not.toBeNull();
    const [estimate, noise, selection, total] = [num(m![1]), num(m![2]), num(m![4]), num(m![5])];
    expect(noise).toBe(3 * 4096);
    expect(total).toBe(2 * (estimate + noise) + selection);

    const r = await runCli([...args, '--samples', '2', '--out', out, '-q']);
    expect(r.code).toBe(0);
    const res = read(join(out, 'result.json'));
    expect(res.modelCalls.estimation).toBe(2 * estimate);
    expect(res.modelCalls.noise).toBe(2 * noise);
    expect(res.modelCalls.selection).toBeLessThanOrEqual(selection);
    expect(res.modelCalls.total).toBeLessThanOrEqual(total);
  });

  it('generalization plans both splits, the AND-OR optimiser included, and writes nothing', async () => {
    const out = join(tmp.dir, 'gen');
    const plan = await dryRun(
      ['generalization', 'tabular', '--model', census, '--samples', '2', '--niter', '300', '--out', out],
      out,
    );
    const lines = plan.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatch(
        /^plan: 4,096 model calls per sample .* × 2 samples .*; AND-OR optimiser about \d+ s per sample, included$/,
      );
  });
});

describe('plans of study run and the network reproductions', () => {
  const dir = join(tmp.dir, 'study');
  const file = join(dir, 'study.yaml');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      [
        'name: plans',
        'seed: 5',
        'models:',
        '  - id: census',
        '    modality: tabular',
        `    model: ${census}`,
        '    samples: 2',
        '    options: { dataset: census }',
        '  - id: noisy',
        '    modality: tabular',
        `    model: ${census}`,
        '    samples: 1',
        '    noise: { delta: 0.2, draws: 2 }',
        '    options: { dataset: census }',
      ].join('\n'),
    );
  });

  it('study run --dry-run plans every model; the run makes those calls', async () => {
    const out = join(dir, 'out');
    const args = ['study', 'run', file, '--root', repo('.'), '--out', out];
    const plan = await dryRun(args, out);
    const total = /^plan of study plans: ([\d,]+) model calls \(2 of 2 models to compute\), about /m.exec(
      plan,
    );
    expect(total, plan).not.toBeNull();
    const census5 =
      /^ {2}census: 4,096 model calls per sample .* × 2 samples \+ at most ([\d,]+) selection/m.exec(plan);
    const noisy = /^ {2}noisy: 4,096 \+ 8,192 noise \(draws × 2\^12\) = 12,288 model calls per sample/m.exec(
      plan,
    );
    expect(census5, plan).not.toBeNull();
    expect(noisy, plan).not.toBeNull();

    const budget = await runCli([...args, '--budget', '1000']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(
      /error: --budget: the plan needs about [\d,]+ model calls \(2 of 2 models to compute\)/,
    );
    expect(existsSync(out)).toBe(false);

    const r = await runCli([...args, '-q']);
    expect(r.code).toBe(0);
    const a = read(join(out, 'models', 'census', 'result.json'));
    const b = read(join(out, 'models', 'noisy', 'result.json'));
    expect(a.modelCalls.estimation).toBe(2 * 4096);
    expect(b.modelCalls.estimation).toBe(4096);
    expect(b.modelCalls.noise).toBe(2 * 4096);
    expect(a.modelCalls.total + b.modelCalls.total).toBeLessThanOrEqual(num(total![1]));

    // Resumed when finished: nothing left to plan, and no model opened for it.
    const again = await dryRun([...args, '--resume'], join(dir, 'none'));
    expect(again).toMatch(/^plan of study plans: 0 model calls \(0 of 2 models to compute\)/m);
    expect(again).toContain('  census: finished already, no model calls');
  });

  it('reproduce bottleneck --dry-run plans each network and writes nothing; the run makes those calls', async () => {
    const out = join(tmp.dir, 'bottleneck');
    const args = ['reproduce', 'bottleneck', '--quick', '--networks', 'census-mlp5', '--out', out];
    const plan = await dryRun(args, out);
    expect(plan).toMatch(/^ {2}census-mlp5: 4,096 model calls per sample .* × 4 samples/m);
    const r = await runCli([...args, '-q']);
    expect(r.code).toBe(0);
    const res = read(join(out, 'study', 'models', 'census-mlp5', 'result.json'));
    expect(res.modelCalls.estimation).toBe(4 * 4096);
  });
});

describe('plans of structure and dynamics', () => {
  it('structure plans the distinct masks of every image exactly', async () => {
    const out = join(tmp.dir, 'structure');
    const args = ['structure', '--model', cnn, '--dataset', 'cifar10', '--samples', '3', '--grid', '4'];
    const small = [...args, '--steps', '5', '--repeats', '2', '--out', out];
    const plan = await dryRun(small, out);
    const m =
      /^plan: ([\d,]+) model calls \([\d,]+ distinct masks on the first image, 3 images\), about /.exec(plan);
    expect(m, plan).not.toBeNull();
    const budget = await runCli([...small, '--budget', '10']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/^error: --budget: the plan needs about [\d,]+ model calls/m);
    const r = await runCli([...small, '-q']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'structure.json'), 'utf8')) as { modelCalls: number };
    expect(doc.modelCalls).toBe(num(m![1]));
  });

  it('dynamics plans every checkpoint exactly, refuses a budget before its run store, and resumes with no plan left', async () => {
    const train = join(tmp.dir, 'tiny');
    const t = await runCli([
      '--quiet',
      'train',
      'tabular',
      '--arch',
      'mlp2',
      '--epochs',
      '3',
      '--train-rows',
      '300',
      '--seed',
      '0',
      '--hidden',
      '8',
      '--save-epochs',
      '1,2,3',
      '--out',
      train,
    ]);
    expect(t.code).toBe(0);
    const out = join(tmp.dir, 'dynamics');
    const args = [
      'dynamics',
      '--checkpoints',
      join(train, 'checkpoints'),
      '--modality',
      'tabular',
      '--samples',
      '3',
      '--niter',
      '200',
      '--out',
      out,
    ];
    const plan = await dryRun(args, out);
    const m =
      /^plan: ([\d,]+) model calls \(([\d,]+) per checkpoint \(3 samples × 2\^12\) × 3 checkpoints \+ at most ([\d,]+) selection calls \+ 3 for the same-model check\), about .*AND-OR optimiser about \d+ s per checkpoint, included\)$/m.exec(
        plan,
      );
    expect(m, plan).not.toBeNull();
    const [total, perCheckpoint] = [num(m![1]), num(m![2])];
    expect(perCheckpoint).toBe(3 * 4096);

    const budget = await runCli([...args, '--budget', '1000']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/^error: --budget: the plan needs about [\d,]+ model calls/m);
    expect(existsSync(join(out, 'run'))).toBe(false);

    const r = await runCli([...args, '-q']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'dynamics.json'), 'utf8')) as {
      modelCalls: number;
      checkpoints: Array<{ modelCalls: number }>;
    };
    expect(doc.checkpoints.map((c) => c.modelCalls)).toEqual([perCheckpoint, perCheckpoint, perCheckpoint]);
    expect(doc.modelCalls).toBeGreaterThanOrEqual(3 * perCheckpoint + 3);
    expect(doc.modelCalls).toBeLessThanOrEqual(total);

    // Every checkpoint measured: a resume plans only the same-model check and the selection.
    const resumed = await runCli([...args, '--resume', '--dry-run']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/× 0 checkpoints \(3 measured already\)/);
  });

  it('mislabeled plans both groups exactly (given candidates: no selection) and writes nothing', async () => {
    const series = repo('fixtures/two-phase/fmnist-vgg11');
    const noise = join(series, 'label-noise');
    const out = join(tmp.dir, 'mislabeled');
    const args = [
      'mislabeled',
      '--checkpoints',
      series,
      '--modality',
      'vision',
      '--dataset',
      `idx:${join(noise, 'images-idx3-ubyte.gz')},${join(noise, 'labels-idx1-ubyte.gz')}`,
      '--relabelled',
      join(noise, 'relabelled.json'),
      '--feature-map',
      'meta',
      '--grid',
      '8',
      '--central-random',
      '10',
      '--samples',
      '2',
      '--epochs',
      '12,120',
      '--niter',
      '100',
      '--out',
      out,
    ];
    const plan = await dryRun(args, out);
    const totals = [
      ...plan.matchAll(/^plan \((relabelled|clean)\): ([\d,]+) model calls \(2,050 per checkpoint/gm),
    ];
    expect(
      totals.map((m) => m[1]),
      plan,
    ).toEqual(['relabelled', 'clean']);
    const r = await runCli([...args, '-q']);
    expect(r.code).toBe(0);
    for (const [, group, total] of totals) {
      const doc = JSON.parse(readFileSync(join(out, group, 'dynamics.json'), 'utf8')) as {
        modelCalls: number;
      };
      expect(doc.modelCalls).toBe(num(total));
    }
  });

  it('reproduce two-phase --dry-run plans the series and writes nothing', async () => {
    const out = join(tmp.dir, 'two-phase');
    const plan = await dryRun(
      [
        'reproduce',
        'two-phase',
        '--series',
        repo('fixtures/two-phase/cifar10-vgg11'),
        '--quick',
        '--out',
        out,
      ],
      out,
    );
    expect(plan).toMatch(
      /^plan: [\d,]+ model calls \(3,075 per checkpoint \(3 samples × \(2\^10 \+ 1\)\) × 10 checkpoints \+ at most 0 selection calls \+ 20 for the same-model check\)/,
    );
  });
});
