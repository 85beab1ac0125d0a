import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelGame, sampleMultiOrder } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { initTfjs, loadLayersModel, TfjsRunner } from '@orderlens/runtime-tfjs';
import {
  exactRowInteractions,
  loadCensus,
  predictRows,
  readCensusTable,
  selectCorrect,
  TabularMasker,
  TabularPreprocessor,
} from '@orderlens/tabular';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
import { attackTabular } from '../commands/tabular/attack.js';
import { loadRows } from '../commands/tabular/data.js';

const fixture = (rel: string) =>
  fileURLToPath(new URL(`../../../../fixtures/census-mlp5/${rel}`, import.meta.url));
const census = loadCensus();
const d = 12;
const tmp = tempDir('orderlens-tabular-');
let modelDir = '';

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  modelDir = join(tmp.dir, 'mlp5');
  const r = await runCli([
    '--quiet',
    'train',
    'tabular',
    '--epochs',
    '2',
    '--train-rows',
    '3000',
    '--seed',
    '1',
    '--out',
    modelDir,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('census with real runtimes', () => {
  it('exact J(m) of the ONNX fixture equals the sampled estimator within its error', async () => {
    const runner = await OnnxRunner.create(fixture('model.onnx'), { providers: ['cpu'] });
    try {
      const x = census.test.x.subarray(0, 300 * d);
      const y = census.test.y.subarray(0, 300);
      const pred = await predictRows(runner, x, d);
      const [index] = selectCorrect(pred.predicted, y, 1);
      const row = x.subarray(index * d, (index + 1) * d);
      const exact = await exactRowInteractions(
        { runner, x, y, featureCount: d, baseline: census.baseline },
        row,
        y[index],
      );
      const game = new ModelGame(new TabularMasker(row, { baseline: census.baseline }), runner, {
        reward: { label: y[index] },
        batchSize: 4096,
      });
      const orders = Array.from({ length: d - 1 }, (_v, m) => m);
      const sampled = (
        await sampleMultiOrder(game, {
          pairs: exact.pairs,
          orders,
          contexts: 100,
          seed: 'census-onnx',
          mode: 'reference',
        })
      ).multiOrder!;
      let within3 = 0;
      for (let k = 0; k < orders.length; k++) {
        let diff = 0;
        let variance = 0;
        for (let p = 0; p < exact.pairs.length; p++) {
          const e = sampled.values[p][k] - exact.values[p][k];
          const se = sampled.standardErrors![p][k];
          if (Math.abs(e) <= 3 * se + 1e-9) within3++;
          diff += e;
          variance += se * se;
        }
        // J-level agreement: the mean over pairs of I^(m) is within 4 standard errors.
        expect(Math.abs(diff)).toBeLessThanOrEqual(4 * Math.sqrt(variance) + 1e-9);
      }
      expect(within3 / (orders.length * exact.pairs.length)).toBeGreaterThan(0.96);
      // Orders 0 and n−2 have a single context: the sampler is exact there.
      for (let p = 0; p < exact.pairs.length; p++)
        expect(sampled.values[p][0]).toBeCloseTo(exact.values[p][0], 4);
    } finally {
      await runner.dispose();
    }
  });

  it('gives the same exact interactions through tfjs and ONNX Runtime for the same fixture', async () => {
    const onnx = await OnnxRunner.create(fixture('model.onnx'), { providers: ['cpu'] });
    const tfjs = await TfjsRunner.load(fixture('tfjs/model.json'));
    try {
      const row = census.test.x.subarray(5 * d, 6 * d);
      const a = await exactRowInteractions(
        { runner: onnx, x: row, y: census.test.y.subarray(5, 6), featureCount: d, baseline: census.baseline },
        row,
        census.test.y[5],
      );
      const b = await exactRowInteractions(
        { runner: tfjs, x: row, y: census.test.y.subarray(5, 6), featureCount: d, baseline: census.baseline },
        row,
        census.test.y[5],
      );
      for (let p = 0; p < a.pairs.length; p += 7)
        for (let k = 0; k < d - 1; k++) expect(b.values[p][k]).toBeCloseTo(a.values[p][k], 3);
    } finally {
      await onnx.dispose();
      await tfjs.dispose();
    }
  });

  it('PGD never leaves the ε-ball and lowers accuracy', async () => {
    const model = await loadLayersModel(join(modelDir, 'model.json'));
    const rows = loadRows({ split: 'test' }, undefined);
    const small = { ...rows, rows: 200, x: rows.x.subarray(0, 200 * d), y: rows.y.subarray(0, 200) };
    const r = await attackTabular({
      model,
      rows: small,
      baseline: census.baseline,
      eps: 0.6,
      steps: 30,
      stepSize: 0.05,
      samples: 2,
    });
    for (let k = 0; k < small.x.length; k++)
      expect(Math.abs(r.adversarial[k] - small.x[k])).toBeLessThanOrEqual(0.6 + 1e-6);
    expect(r.maxPerturbation).toBeGreaterThan(0.5);
    expect(r.adversarialAccuracy).toBeLessThan(r.cleanAccuracy);
    expect(r.orderChange!.change.some((c) => c > 0)).toBe(true);
    model.dispose();
  });

  it('saves the preprocessing with the model and restores it exactly', () => {
    const saved = TabularPreprocessor.load(join(modelDir, 'preprocessing.json'));
    const table = readCensusTable('adult.data');
    const a = saved.transform(table);
    const b = census.preprocessor.transform(table);
    expect(a.x).toEqual(b.x);
    expect(saved.featureNames).toEqual(census.featureNames);
    const training = JSON.parse(readFileSync(join(modelDir, 'training.json'), 'utf8'));
    expect(training.trainRows).toBe(3000);
    expect(training.history).toHaveLength(2);
  });
});

describe('orderlens analyze/attack/quickstart on census', () => {
  const header =
    'Age,Workclass,fnlwgt,Education,Education-Num,Marital Status,Occupation,Relationship,Race,Sex,Capital Gain,Capital Loss,Hours per week,Country,Target';
  const rawRows = readCensusTable('adult.data')
    .rows.slice(0, 40)
    .map((r) => r.map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));

  it('analyses a tfjs and an ONNX model into JSON and a plot, and resumes', async () => {
    const out = join(tmp.dir, 'analysis');
    const args = [
      '--quiet',
      'analyze',
      'tabular',
      '--model',
      modelDir,
      fixture('model.onnx'),
      '--label',
      'trained,fixture',
      '--samples',
      '6',
      '--out',
      out,
    ];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trained: accuracy .*n′ = \d+/);
    const json = JSON.parse(readFileSync(join(out, 'strength.json'), 'utf8'));
    expect(json.models).toHaveLength(2);
    expect(json.models[1].J.J).toHaveLength(11);
    expect(json.models[1].theory.F[1]).toBeCloseTo(0.2875, 3);
    expect(readFileSync(join(out, 'strength.png')).subarray(1, 4).toString()).toBe('PNG');
    const again = await runCli([...args, '--resume']);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'strength.json'), 'utf8')).models[1].J).toEqual(
      json.models[1].J,
    );
    expect((await runCli(args)).stderr).toMatch(/already holds .* pass --resume/);
  });

  it('fails clearly on bad CSV input', async () => {
    const run = async (name: string, content: string) => {
      const file = tmp.file(name, content);
      const r = await runCli([
        '--quiet',
        'analyze',
        'tabular',
        '--model',
        modelDir,
        '--csv',
        file,
        '--samples',
        '2',
        '--out',
        join(tmp.dir, `bad-${name}`),
      ]);
      expect(r.code).toBe(2);
      return r.stderr;
    };
    expect(await run('empty.csv', '')).toMatch(/error: csv: .*empty\.csv is empty/);
    const noSex = [
      header.replace(',Sex', ''),
      ...rawRows.map((l) =>
        l
          .split(',')
          .filter((_c, i) => i !== 9)
          .join(','),
      ),
    ].join('\n');
    expect(await run('missing.csv', noSex)).toMatch(/error: columns: .*lacks "Sex"/);
    expect(await run('extra.csv', [`${header},Zip`, ...rawRows.map((l) => `${l},123`)].join('\n'))).toMatch(
      /unexpected "Zip"/,
    );
    const badAge = [header, ...rawRows.map((l, i) => (i === 3 ? l.replace(/^\d+/, 'old') : l))].join('\n');
    expect(await run('nonnumeric.csv', badAge)).toMatch(
      /error: column "Age": .*line 5: "old" is not a number/,
    );
  });

  it('refuses a model whose input width differs from the schema', async () => {
    // A preprocessing with 11 attributes (Country left out) against the 12-input fixture model.
    const csv = tmp.file('narrow.csv', [header, ...rawRows].join('\n'));
    const table = readCensusTable('adult.data');
    const schema = {
      ...census.preprocessor.schema,
      features: census.preprocessor.schema.features.slice(0, 11),
      ignore: ['fnlwgt', 'Education', 'Country'],
    };
    const narrow = TabularPreprocessor.fit(table, schema);
    const pre = join(tmp.dir, 'narrow-preprocessing.json');
    narrow.save(pre);
    const r = await runCli([
      '--quiet',
      'analyze',
      'tabular',
      '--model',
      fixture('model.onnx'),
      '--preprocessing',
      pre,
      '--csv',
      csv,
      '--out',
      join(tmp.dir, 'narrow'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: model: the onnx.* model failed on inputs of width 11/);
  });

  it('runs the quickstart on the shipped model and says where its outputs are', async () => {
    const out = join(tmp.dir, 'quick');
    const r = await runCli(['--quiet', 'quickstart', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, 'strength.png'));
    expect(existsSync(join(out, 'strength.svg'))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'strength.json'), 'utf8'));
    expect(json.models[0].samples).toHaveLength(30);
  });
});
