import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@orderlens/core';
import { parseDynamicsResult } from '@orderlens/core/dynamics';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const tmp = tempDir('orderlens-dynamics-');
afterAll(() => tmp.cleanup());

/** Trains a tiny census MLP with snapshots; returns its checkpoints folder. */
async function trainTiny(name: string, extra: string[]): Promise<string> {
  const out = join(tmp.dir, name);
  const r = await runCli([
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
    ...extra,
    '--out',
    out,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return join(out, 'checkpoints');
}

function dynamicsArgs(checkpoints: string, out: string, extra: string[] = []): string[] {
  return [
    '--quiet',
    'dynamics',
    '--checkpoints',
    checkpoints,
    '--modality',
    'tabular',
    '--samples',
    '3',
    '--niter',
    '200',
    ...extra,
    '--out',
    join(tmp.dir, out),
  ];
}

describe('orderlens dynamics on a tiny trained model', () => {
  let checkpoints: string;
  beforeAll(async () => {
    checkpoints = await trainTiny('tiny', [
      '--hidden',
      '8',
      '--save-epochs',
      '0,1,3',
      '--label-noise',
      '0.1',
    ]);
  });

  it('train tabular --save-epochs writes snapshots and an index with losses', () => {
    const index = JSON.parse(readFileSync(join(checkpoints, 'index.json'), 'utf8')) as {
      schema: string;
      epochs: number[];
      labelNoise: number;
      checkpoints: Array<{
        epoch: number;
        model: string;
        trainLoss: number;
        testLoss: number;
        testAccuracy: number;
      }>;
    };
    expect(index.schema).toBe('orderlens/checkpoint-index@1');
    expect(index.epochs).toEqual([0, 1, 3]);
    expect(index.labelNoise).toBe(0.1);
    for (const c of index.checkpoints) {
      for (const f of ['model.json', 'weights.bin', 'preprocessing.json'])
        expect(existsSync(join(checkpoints, `epoch-${c.epoch}`, f))).toBe(true);
      // Cross-entropy of a two-class model near its start: around ln 2, not a batch mean / N.
      expect(c.trainLoss).toBeGreaterThan(0.1);
      expect(c.testLoss).toBeGreaterThan(0.1);
      expect(c.testAccuracy).toBeGreaterThan(0);
    }
    const training = JSON.parse(readFileSync(join(checkpoints, '..', 'training.json'), 'utf8')) as {
      labelNoise: { fraction: number; flipped: number };
      snapshots: { dir: string; epochs: number[] };
    };
    expect(training.labelNoise).toEqual({ fraction: 0.1, flipped: 30 });
    expect(training.snapshots).toEqual({ dir: 'checkpoints', epochs: [0, 1, 3] });
  });

  it('writes a valid orderlens/dynamics@1 document and the figures', async () => {
    const r = await runCli(dynamicsArgs(checkpoints, 'dyn'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dynamics tabular: 3 checkpoints, 3 samples, n = 12/);
    const doc = JSON.parse(readFileSync(join(tmp.dir, 'dyn', 'dynamics.json'), 'utf8')) as unknown;
    const result = parseDynamicsResult(doc);
    expect(result.checkpoints.map((c) => c.epoch)).toEqual([0, 1, 3]);
    expect(result.selection.fromEpoch).toBe(3);
    expect(result.players).toHaveLength(12);
    expect(result.theory.truthEpoch).toBe(3);
    for (const c of result.checkpoints) {
      expect(c.losses.lossGap).toBeCloseTo(c.losses.testLoss! - c.losses.trainLoss!, 12);
      expect(c.andOr.distribution).toHaveLength(12);
      expect(c.multiOrder.J).toHaveLength(11);
      expect(c.fit).not.toBeNull();
      expect(c.modelCalls).toBe(3 * 4096);
    }
    expect(result.fingerprint.architecture).not.toBeNull();
    for (const name of ['distribution', 'paradigms', 'loss-gap', 'sigma2'])
      for (const ext of ['svg', 'png']) expect(existsSync(join(tmp.dir, 'dyn', `${name}.${ext}`))).toBe(true);
  });

  it('--resume measures only the checkpoints missing from <out>/run, with the numbers of a run that never stopped', async () => {
    // The finished run of the test above, as a kill after its first two checkpoints leaves it.
    const out = join(tmp.dir, 'dyn-cut');
    cpSync(join(tmp.dir, 'dyn'), out, { recursive: true });
    for (const f of ['run/complete.json', 'run/units/epoch-3.json', 'dynamics.json']) rmSync(join(out, f));
    const kept = ['epoch-0.json', 'epoch-1.json'].map((f) => join(out, 'run', 'units', f));
    const mtimes = kept.map((f) => statSync(f).mtimeMs);

    const refused = await runCli(dynamicsArgs(checkpoints, 'dyn-cut'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error: --out: .*already holds 2 finished unit\(s\).*pass --resume/);
    const changed = await runCli(dynamicsArgs(checkpoints, 'dyn-cut', ['--resume', '--niter', '300']));
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/error: --resume: options differ .*\(changed: andOr\)/);

    const r = await runCli(dynamicsArgs(checkpoints, 'dyn-cut', ['--resume']));
    expect(r.code, r.stderr).toBe(0);
    expect(kept.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
    const numbers = (dir: string) => {
      const d = parseDynamicsResult(JSON.parse(readFileSync(join(tmp.dir, dir, 'dynamics.json'), 'utf8')));
      return {
        ...d,
        checkpoints: d.checkpoints.map(({ wallTimeMs: _t, ...c }) => c),
        provenance: d.provenance.options,
      };
    };
    expect(numbers('dyn-cut')).toEqual(numbers('dyn'));

    // A series retrained in place (here: one weight byte of epoch 1 changed) is refused on resume.
    const series = join(tmp.dir, 'tiny-copy');
    cpSync(checkpoints, series, { recursive: true });
    expect((await runCli(dynamicsArgs(series, 'dyn-copy'))).code).toBe(0);
    rmSync(join(tmp.dir, 'dyn-copy', 'run', 'complete.json'));
    const weights = join(series, 'epoch-1', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[0] ^= 1;
    writeFileSync(weights, bytes);
    const retrained = await runCli(dynamicsArgs(series, 'dyn-copy', ['--resume']));
    expect(retrained.code).toBe(2);
    expect(retrained.stderr).toMatch(/error: --resume: options differ .*\(changed: series\)/);
  });

  it('refuses an empty folder and a non-monotonic epoch list', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    let r = await runCli(dynamicsArgs(empty, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--checkpoints: .*holds no checkpoints/);

    const shuffled = join(tmp.dir, 'shuffled');
    cpSync(checkpoints, shuffled, { recursive: true });
    const index = JSON.parse(readFileSync(join(shuffled, 'index.json'), 'utf8')) as {
      checkpoints: unknown[];
    };
    index.checkpoints = [index.checkpoints[0], index.checkpoints[2], index.checkpoints[1]];
    writeFileSync(join(shuffled, 'index.json'), JSON.stringify(index));
    r = await runCli(dynamicsArgs(shuffled, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/epochs must increase strictly, but checkpoint 3 has epoch 1 after epoch 3/);
  });

  it('refuses checkpoints of different architectures', async () => {
    const other = await trainTiny('wider', ['--hidden', '4', '--epochs', '1', '--save-epochs', '1']);
    const mixed = join(tmp.dir, 'mixed');
    mkdirSync(mixed);
    cpSync(join(checkpoints, 'epoch-0'), join(mixed, 'epoch-0'), { recursive: true });
    cpSync(join(other, 'epoch-1'), join(mixed, 'epoch-5'), { recursive: true });
    const r = await runCli(dynamicsArgs(mixed, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/epoch 0 is not the same model as that of epoch 5: they differ in architecture/);
  });

  it('refuses a flag of another modality', async () => {
    const r = await runCli(dynamicsArgs(checkpoints, 'x', ['--grid', '4']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--grid: applies to --modality vision, not tabular/);
  });
});

describe('orderlens dynamics player limit', () => {
  it('refuses more than 20 players, naming the 2^n cost', async () => {
    // 21 numeric attributes: one player each.
    const rng = Rng.create('wide-csv');
    const cols = Array.from({ length: 21 }, (_, i) => `a${i}`);
    const lines = [[...cols, 'y'].join(',')];
    for (let r = 0; r < 60; r++)
      lines.push([...cols.map(() => rng.next().toFixed(3)), String(r % 2)].join(','));
    const csv = tmp.file('wide.csv', `${lines.join('\n')}\n`);
    const out = join(tmp.dir, 'wide');
    const t = await runCli([
      '--quiet',
      'train',
      'tabular',
      '--csv',
      csv,
      '--target',
      'y',
      '--arch',
      'mlp2',
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--save-epochs',
      '0,1',
      '--out',
      out,
    ]);
    expect(t.code).toBe(0);
    const r = await runCli(dynamicsArgs(join(out, 'checkpoints'), 'x', ['--csv', csv, '--all-samples']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/n = 21 players needs 2\^21 = 2,097,152 model calls.*n ≤ 20/);
  });
});
