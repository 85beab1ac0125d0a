/**
 * `orderlens mislabeled` end to end on the committed label-noise series (VGG-11 on Fashion-MNIST,
 * fixtures/two-phase/fmnist-vgg11): the relabelled training images and clean ones, each group's
 * dynamics over two checkpoints, and bad input refused naming the option before a model runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDynamicsResult } from '@orderlens/core/dynamics';
import { sampleSalientStrength } from '@orderlens/core/math';
import { runCli } from '../../program.js';
import { LABEL_NOISE_SERIES, RELABELLED_FILE, mislabeledArgs } from '../../test-utils/mislabeled-run.js';
import { repoPath } from '../../test-utils/repo-path.js';
import { tempDir } from '../../test-utils/tmp.js';

const series = LABEL_NOISE_SERIES;
const tmp = tempDir('orderlens-mislabeled-');
afterAll(() => tmp.cleanup());

const base = (out: string, relabelled = RELABELLED_FILE) => [
  ...mislabeledArgs(out, { epochs: [12, 120], relabelled }),
  '-q',
];

describe('orderlens mislabeled (VGG-11 with 1 % label noise)', () => {
  it('measures the relabelled and the clean training images at each checkpoint, with the labels trained on', async () => {
    const out = join(tmp.dir, 'run');
    const r = await runCli(base(out));
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'mislabeled.json'), 'utf8'));
    const file = JSON.parse(readFileSync(RELABELLED_FILE, 'utf8'));
    expect(doc.schema).toBe('orderlens/mislabeled@2');
    // The first two relabelled positions of the file, and the first two positions not in it.
    expect(doc.groups.relabelled).toEqual(file.relabelled.slice(0, 2));
    expect(doc.groups.clean).toEqual([0, 1]);
    const rel = parseDynamicsResult(
      JSON.parse(readFileSync(join(out, 'relabelled', 'dynamics.json'), 'utf8')),
    );
    const clean = parseDynamicsResult(JSON.parse(readFileSync(join(out, 'clean', 'dynamics.json'), 'utf8')));
    expect(rel.selection.rule).toBe('given');
    expect(rel.samples.map((s) => s.index)).toEqual(doc.groups.relabelled);
    // The reward is for the label trained on: the wrong one for relabelled images.
    const byPosition = new Map(file.samples.map((s: { position: number }) => [s.position, s]));
    for (const s of rel.samples) {
      const row = byPosition.get(s.index) as { trainedLabel: number; originalLabel: number };
      expect(s.label).toBe(row.trainedLabel);
      expect(s.label).not.toBe(row.originalLabel);
    }
    expect(rel.checkpoints.map((c) => c.epoch)).toEqual([12, 120]);
    const m = doc.measure;
    expect(m.n).toBe(10);
    expect(m.samples).toEqual({ relabelled: 2, clean: 2 });
    expect(m.checkpoints.map((c: { epoch: number }) => c.epoch)).toEqual([12, 120]);
    for (const c of m.checkpoints) {
      expect(c.relabelled.share.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 10);
      expect(c.meanOrderGap).toBeCloseTo(c.relabelled.meanOrder - c.clean.meanOrder, 12);
      // Standard errors over the two samples of each group, the gap's in quadrature.
      for (const g of [c.relabelled, c.clean]) {
        expect(g.standardError.share).toHaveLength(10);
        expect(g.standardError.meanOrder).toBeGreaterThanOrEqual(0);
      }
      expect(c.meanOrderGapSE).toBeCloseTo(
        Math.hypot(c.relabelled.standardError.meanOrder, c.clean.standardError.meanOrder),
        12,
      );
      // They are errors of the very estimate reported: the samples' strengths in the run's units
      // pool to the group's mean order.
      for (const which of ['relabelled', 'clean'] as const) {
        const unit = JSON.parse(
          readFileSync(join(out, 'run', 'units', `${which}-epoch-${c.epoch}.json`), 'utf8'),
        );
        const each = unit.salient.map((x: Parameters<typeof sampleSalientStrength>[0]) =>
          sampleSalientStrength(x, unit.n),
        );
        const total = each.reduce(
          (a: number, e: { strength: number[] }) => a + e.strength.reduce((p, v) => p + v, 0),
          0,
        );
        const weighted = each.reduce(
          (a: number, e: { strength: number[] }) => a + e.strength.reduce((p, v, j) => p + (j + 1) * v, 0),
          0,
        );
        expect(weighted / total).toBeCloseTo(c[which].meanOrder, 9);
      }
    }
    expect(doc.modelCalls).toBe(rel.modelCalls + clean.modelCalls);
    for (const f of ['mislabeled.svg', 'mislabeled.png', 'mislabeled-orders.svg', 'relabelled/dynamics.json'])
      expect(existsSync(join(out, f))).toBe(true);
  });

  it('explains a relabelled sample for the trained label the file gives, when the data hold another', async () => {
    // As for census, whose training split holds the original labels: the file's trainedLabel wins.
    const file = JSON.parse(readFileSync(RELABELLED_FILE, 'utf8'));
    const first = file.samples[0];
    const other = (first.trainedLabel + 3) % 10;
    const edited = join(tmp.dir, 'trained-labels.json');
    writeFileSync(
      edited,
      JSON.stringify({ ...file, samples: [{ ...first, trainedLabel: other }, ...file.samples.slice(1)] }),
    );
    const out = join(tmp.dir, 'trained');
    const r = await runCli([...base(out, edited), '--epochs', '120', '--samples', '1']);
    expect(r.code).toBe(0);
    const rel = parseDynamicsResult(
      JSON.parse(readFileSync(join(out, 'relabelled', 'dynamics.json'), 'utf8')),
    );
    expect(rel.samples.map((s) => [s.index, s.label])).toEqual([[first.position, other]]);
    const clean = parseDynamicsResult(JSON.parse(readFileSync(join(out, 'clean', 'dynamics.json'), 'utf8')));
    expect(clean.samples[0].label).not.toBe(-1);
  });

  it('runs on the committed census series (fixtures/two-phase/census-mlp5), explaining flipped rows for the trained label', async () => {
    // The census training split holds the original labels; the series' relabelled.json (written
    // by `orderlens train tabular --label-noise`) gives the flipped ones the rows were trained on.
    const censusSeries = repoPath('fixtures/two-phase/census-mlp5');
    const censusFile = join(censusSeries, 'relabelled.json');
    const file = JSON.parse(readFileSync(censusFile, 'utf8'));
    expect(file.trainingRows).toBe(2000);
    expect(file.relabelled).toHaveLength(20); // --label-noise 0.01
    const out = join(tmp.dir, 'census');
    const r = await runCli([
      'mislabeled',
      '--checkpoints',
      censusSeries,
      '--modality',
      'tabular',
      '--dataset',
      'census',
      '--split',
      'train',
      '--relabelled',
      censusFile,
      '--samples',
      '2',
      '--epochs',
      '0,100',
      '--niter',
      '100',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'mislabeled.json'), 'utf8'));
    expect(doc.groups).toEqual({ relabelled: file.relabelled.slice(0, 2), clean: [0, 1] });
    expect(doc.measure.n).toBe(12);
    const rel = parseDynamicsResult(
      JSON.parse(readFileSync(join(out, 'relabelled', 'dynamics.json'), 'utf8')),
    );
    const byPosition = new Map(file.samples.map((x: { position: number }) => [x.position, x]));
    for (const smp of rel.samples) {
      const row = byPosition.get(smp.index) as { trainedLabel: number; originalLabel: number };
      expect(smp.label).toBe(row.trainedLabel);
      expect(smp.label).toBe(1 - row.originalLabel);
    }
    expect(rel.checkpoints.map((c) => c.epoch)).toEqual([0, 100]);
  });

  it('refuses a relabelled file that does not fit the data, an unknown epoch and a bad file, naming the option', async () => {
    const wrong = join(tmp.dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ schema: 'orderlens/relabelled-samples@1', relabelled: [3, 500] }));
    const a = await runCli(base(join(tmp.dir, 'a'), wrong));
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--relabelled.*position 500 is outside the data \(60 candidates\)/);
    const b = await runCli([...base(join(tmp.dir, 'b')), '--epochs', '7']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--epochs.*no epoch 7/);
    const c = await runCli(base(join(tmp.dir, 'c'), join(series, 'index.json')));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--relabelled.*orderlens\/relabelled-samples@1/);
    expect(existsSync(join(tmp.dir, 'b', 'mislabeled.json'))).toBe(false);
  });
});
