import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDynamicsResult } from '@orderlens/core/dynamics';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
/** The committed series: VGG-11 (narrowed) on Fashion-MNIST, 1 % label noise, SGD (tools/training). */
const SERIES = repo('fixtures/two-phase/fmnist-vgg11');
/** PointNet (narrow) on the ModelNet10 subset, 1 % label noise, SGD (tools/training/two_phase_series.py). */
const POINTCLOUD_SERIES = repo('fixtures/two-phase/modelnet10-pointnet');
const tmp = tempDir('orderlens-two-phase-');
afterAll(() => tmp.cleanup());

interface Doc {
  modality: string;
  n: number;
  settings: { players: Record<string, unknown>; preset: string; shiftEmpty: boolean; samples: number };
  table: Array<{ epoch: number; meanOrder: number; shares: { low: number; mid: number; high: number } }>;
  verdicts: Array<{ claim: string; verdict: string; evidence: string }>;
}

/** `reproduce two-phase --quick` on a series, which must succeed silently; its index and report. */
async function quickRun(series: string, out: string) {
  const r = await runCli(['--quiet', 'reproduce', 'two-phase', '--series', series, '--quick', '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const index = JSON.parse(readFileSync(join(series, 'index.json'), 'utf8')) as { epochs: number[] };
  const doc = JSON.parse(readFileSync(join(out, 'two-phase.json'), 'utf8')) as Doc;
  return { r, index, doc };
}

/** `reproduce two-phase --quick` on a series, as the CLI answers it. */
const quickOn = (series: string, out: string) =>
  runCli(['reproduce', 'two-phase', '--series', series, '--quick', '--out', out]);

const copySeries = (name: string) => {
  const dir = join(tmp.dir, name);
  cpSync(SERIES, dir, { recursive: true });
  return dir;
};

describe('orderlens reproduce two-phase --quick on the committed Fashion-MNIST VGG-11 series', () => {
  it("runs the paper's players and writes the table, the verdicts, dynamics.json and the figures", async () => {
    const out = join(tmp.dir, 'quick');
    const { r, index, doc } = await quickRun(SERIES, out);
    expect(index.epochs[0]).toBe(0);
    expect(doc.modality).toBe('vision');
    expect(doc.n).toBe(10);
    expect(doc.settings.players).toMatchObject({
      featureMap: 'meta',
      grid: '8',
      centralRandom: 10,
      dataset: 'fashion-mnist',
    });
    expect(doc.settings).toMatchObject({ preset: 'authors', shiftEmpty: true, samples: 3 });
    expect(doc.table.map((t) => t.epoch)).toEqual(index.epochs);
    for (const t of doc.table) expect(t.shares.low + t.shares.mid + t.shares.high).toBeCloseTo(1, 9);
    expect(doc.verdicts.map((v) => v.claim)).toEqual([
      'spindle-at-init',
      'phase1-removes-mid-high',
      'phase2-increasing-orders',
      'sigma2-decreases',
    ]);
    for (const v of doc.verdicts) expect(['holds', 'fails', 'undecided']).toContain(v.verdict);

    const dyn = parseDynamicsResult(JSON.parse(readFileSync(join(out, 'dynamics.json'), 'utf8')));
    // Every sample's players: 10 cells of the central 6×6 of the 8×8 feature-map grid.
    expect(dyn.andOr).toMatchObject({ preset: 'authors', shiftEmpty: true });
    expect(dyn.selection.rule).toBe('all');
    for (const name of ['distribution', 'paradigms', 'loss-gap', 'sigma2'])
      expect(existsSync(join(out, `${name}.png`))).toBe(true);
    expect(readFileSync(join(out, 'two-phase.md'), 'utf8')).toMatch(/^\| epoch \| train loss/);
    expect(r.stdout).toMatch(/reproduce two-phase: vision, \d+ checkpoints, 3 samples, n = 10/);
    // The documents are committed beside the notes: no absolute path of the machine that wrote them.
    for (const file of ['dynamics.json', 'two-phase.json']) {
      const text = readFileSync(join(out, file), 'utf8');
      // No JSON string starts with an absolute path (a relative one may climb out of the folder).
      expect(text).not.toContain(`"${tmp.dir}`);
      expect(text).not.toContain(`"${repo('')}`);
    }
    expect(dyn.outputs?.distribution.png).toBe('distribution.png');
    expect(dyn.provenance.options.series).toBe(relative(out, SERIES));
  });

  it('--from-dynamics recomputes the table and verdicts of an earlier run without running a model', async () => {
    const out = join(tmp.dir, 'again');
    const r = await runCli([
      '--quiet',
      'reproduce',
      'two-phase',
      '--from-dynamics',
      join(tmp.dir, 'quick', 'dynamics.json'),
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const before = JSON.parse(readFileSync(join(tmp.dir, 'quick', 'two-phase.json'), 'utf8')) as Doc;
    const after = JSON.parse(readFileSync(join(out, 'two-phase.json'), 'utf8')) as Doc;
    expect(after.table).toEqual(before.table);
    expect(after.verdicts).toEqual(before.verdicts);
    expect(existsSync(join(out, 'dynamics.json'))).toBe(false);
    const both = await runCli([
      'reproduce',
      'two-phase',
      '--series',
      SERIES,
      '--from-dynamics',
      join(tmp.dir, 'quick', 'dynamics.json'),
      '--out',
      out,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--series: give either --series <folder> or --from-dynamics <file>/);
  });

  it('refuses a series with a missing epoch file, naming --series and the file', async () => {
    const dir = copySeries('missing');
    rmSync(join(dir, 'epoch-1', 'model.onnx'));
    const r = await quickOn(dir, join(tmp.dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--series: index\.json names epoch-1\/model\.onnx \(epoch 1\), which does not exist/,
    );
    expect(existsSync(join(tmp.dir, 'x', 'two-phase.json'))).toBe(false);
  });

  it('refuses a series whose models differ, naming --series and what differs', async () => {
    const dir = copySeries('mixed');
    // Another Fashion-MNIST network (same input and classes) in the place of epoch 1.
    cpSync(repo('packages/vision/models/fmnist-cnn/model.onnx'), join(dir, 'epoch-1', 'model.onnx'));
    cpSync(repo('packages/vision/models/fmnist-cnn/meta.json'), join(dir, 'epoch-1', 'meta.json'));
    const r = await quickOn(dir, join(tmp.dir, 'y'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--series: the checkpoint of epoch 1 is not the same model as that of epoch \d+: they differ in/,
    );
  });

  it('refuses a series that does not say its modality, and a bad index', async () => {
    const dir = copySeries('anonymous');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, unknown>;
    delete index.series;
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    let r = await runCli(['reproduce', 'two-phase', '--series', dir, '--quick', '--out', join(tmp.dir, 'z')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--modality: the series' index.json does not say its modality/);
    r = await runCli([
      'reproduce',
      'two-phase',
      '--series',
      join(tmp.dir, 'none'),
      '--out',
      join(tmp.dir, 'z'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--series: .* does not exist/);
  });
});

describe('orderlens reproduce two-phase --quick on the committed ModelNet10 PointNet series', () => {
  it('reads the modality and the cloud options from index.json and plays 10 of 30 regions', async () => {
    const out = join(tmp.dir, 'pointcloud');
    const { index, doc } = await quickRun(POINTCLOUD_SERIES, out);
    expect(doc.modality).toBe('pointcloud');
    expect(doc.n).toBe(10);
    expect(doc.settings.players).toMatchObject({
      clouds: 'modelnet10:test',
      subsample: true,
      regions: 30,
      players: 10,
      playerRule: 'random',
      masking: 'centroid',
    });
    expect(doc.table.map((t) => t.epoch)).toEqual(index.epochs);
    expect(doc.table[0].epoch).toBe(0);
    // Over-fitting, as the series was trained for: the last checkpoint has a higher test loss and a
    // larger loss gap than the one with the lowest test loss.
    const cps = (
      JSON.parse(readFileSync(join(POINTCLOUD_SERIES, 'index.json'), 'utf8')) as {
        checkpoints: Array<{ trainLoss: number; testLoss: number }>;
      }
    ).checkpoints;
    const best = cps.reduce((b, c) => (c.testLoss < b.testLoss ? c : b));
    const last = cps[cps.length - 1];
    expect(last.testLoss).toBeGreaterThan(best.testLoss);
    expect(last.testLoss - last.trainLoss).toBeGreaterThan(best.testLoss - best.trainLoss);
  });
});

describe('dynamics with random central feature-map cells', () => {
  it('refuses more random central cells than the window holds, naming --central-random', async () => {
    const r = await runCli([
      'dynamics',
      '--checkpoints',
      SERIES,
      '--modality',
      'vision',
      '--dataset',
      'fashion-mnist',
      '--feature-map',
      'meta',
      '--grid',
      '8',
      '--central-random',
      '37',
      '--out',
      join(tmp.dir, 'w'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--central-random: the central 6×6 window of the 8×8 grid holds 36 cells, asked for 37/,
    );
  });
});
