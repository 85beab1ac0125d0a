import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ModelGame,
  computeSample,
  computeSelection,
  estimators,
  openModel,
  parseAdapterOptions,
  parseResult,
  type AnalysisOptions,
  type OpenedModel,
  type StoredSelection,
} from '@orderlens/core';
import { sampleMultiOrder } from '@orderlens/core/math';
import { theoryStrength } from '@orderlens/core/theory';
import '@orderlens/runtime-onnx'; // registers the onnx runner factory
import { initTfjs, openGradientModel } from '@orderlens/runtime-tfjs';
import {
  attackTabular,
  loadCensus,
  readCensusTable,
  tabularAdapter,
  TabularMasker,
  TabularPreprocessor,
} from '@orderlens/tabular';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
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

/** `analyze tabular` on the census test split with `model`, as the pipeline runs it (exact, log-odds). */
async function exactAnalysis(model: OpenedModel, samples: number): Promise<AnalysisOptions> {
  const session = await tabularAdapter.open({
    options: parseAdapterOptions(tabularAdapter.options, { dataset: 'census' }),
    model,
  });
  const estimator = estimators.get('exact');
  return {
    modality: tabularAdapter.name,
    session,
    model,
    estimator,
    estimatorOptions: estimator.options.parse({}) as Record<string, unknown>,
    selection: { ...tabularAdapter.defaultSelection, samples },
    reward: 'log-odds',
    seed: 0,
    batchSize: 4096,
  };
}

describe('census with real runtimes', () => {
  it('exact J(m) of the ONNX fixture equals the sampled estimator within its error', async () => {
    const model = await openModel({ spec: fixture('model.onnx'), device: 'cpu' });
    const runner = model.runner;
    try {
      const options = await exactAnalysis(model, 1);
      const selected = await computeSelection(options);
      const [index] = selected.selection.indices;
      const exact = (await computeSample(options, selected, 0)).sample.multiOrder!;
      const row = census.test.x.subarray(index * d, (index + 1) * d);
      const y = census.test.y;
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
    const onnx = await openModel({ spec: fixture('model.onnx'), device: 'cpu' });
    const tfjs = await openModel({ spec: fixture('tfjs/model.json'), device: 'cpu' });
    try {
      // Row 5 of the census test split, whether or not the model classifies it correctly.
      const row5: StoredSelection = {
        selection: { indices: [5], rule: 'all', candidates: census.test.rows, warnings: [] },
        calls: {},
      };
      const a = (await computeSample(await exactAnalysis(onnx, 1), row5, 0)).sample.multiOrder!;
      const b = (await computeSample(await exactAnalysis(tfjs, 1), row5, 0)).sample.multiOrder!;
      expect(a.pairs).toHaveLength(66);
      for (let p = 0; p < a.pairs.length; p += 7)
        for (let k = 0; k < d - 1; k++) expect(b.values[p][k]).toBeCloseTo(a.values[p][k], 3);
    } finally {
      await onnx.runner.dispose();
      await tfjs.runner.dispose();
    }
  });

  it('PGD never leaves the ε-ball and lowers accuracy', async () => {
    const { runner } = await openGradientModel(join(modelDir, 'model.json'));
    const rows = loadRows({ split: 'test' }, undefined);
    const small = { ...rows, rows: 200, x: rows.x.subarray(0, 200 * d), y: rows.y.subarray(0, 200) };
    const r = await attackTabular({
      runner,
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
    // Every model row is counted: PGD's 30 gradient rows per row and both accuracies as `attack`,
    // then the interaction change as in `analyze` (selection, and 2^12 coalitions per row and side).
    expect(r.modelCalls.attack).toBe(200 * (30 + 2));
    expect(r.modelCalls.estimation).toBe(2 * 2 * 4096);
    expect(r.modelCalls.total).toBe(200 * 32 + r.orderChange!.modelCalls.total);
    await runner.dispose();
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

  it('the shipped census fixtures carry their preprocessing: no warning, the preset numbers', async () => {
    const bare = join(tmp.dir, 'bare-mlp5', 'census-mlp5', 'model.onnx');
    mkdirSync(join(tmp.dir, 'bare-mlp5', 'census-mlp5'), { recursive: true });
    copyFileSync(fixture('model.onnx'), bare);
    const J: number[][] = [];
    for (const model of [fixture('model.onnx'), fixture('tfjs/model.json'), bare]) {
      const out = join(tmp.dir, 'shipped', String(J.length));
      const r = await runCli([
        '--quiet',
        'analyze',
        'tabular',
        '--model',
        model,
        '--samples',
        '2',
        '--out',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      // Issue 24: the shipped fixture warned "no preprocessing.json" on every run.
      if (model !== bare) expect(r.stderr).toBe('');
      J.push(parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).aggregate.raw);
    }
    // The files hold the census preset's preprocessing: the same numbers as the fallback.
    J[1].forEach((v, k) => expect(v).toBeCloseTo(J[2][k], 5));
    expect(J[0]).toEqual(J[2]);
  });

  it('analyses a tfjs and an ONNX model into JSON and a plot, and resumes', async () => {
    const out = join(tmp.dir, 'analysis');
    // The shipped fixture has its preprocessing.json; a copy without it shows the fallback.
    const bare = join(tmp.dir, 'bare', 'census-mlp5', 'model.onnx');
    mkdirSync(join(tmp.dir, 'bare', 'census-mlp5'), { recursive: true });
    copyFileSync(fixture('model.onnx'), bare);
    const args = [
      '--quiet',
      'analyze',
      'tabular',
      '--model',
      modelDir,
      '--model',
      bare,
      '--samples',
      '6',
      '--out',
      out,
    ];
    const r = await runCli(args);
    // The copy has no preprocessing.json beside it (the trained model has): said once, also in the result.
    const warning = `warning: no preprocessing.json beside ${bare}: assuming the census preset's preprocessing\n`;
    expect(r.stderr).toBe(warning);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /analyze tabular: 6 samples, n = 12, exact \(exact\), \d+ model calls on tfjs:.*n′ = \d+/,
    );
    expect(r.stdout).toMatch(
      /analyze tabular: 6 samples, n = 12, exact \(exact\), \d+ model calls on onnx:cpu/,
    );
    // Several models: one folder each, and one plot comparing them.
    const dirs = [join(out, 'models', 'mlp5'), join(out, 'models', 'census-mlp5')];
    const results = dirs.map((d) => parseResult(JSON.parse(readFileSync(join(d, 'result.json'), 'utf8'))));
    expect(results[0].provenance.model).toMatchObject({ format: 'tfjs' });
    expect(results[1].provenance.model).toMatchObject({ file: bare, format: 'onnx' });
    expect(results[1].selection!.warnings).toContain(warning.slice('warning: '.length, -1));
    expect(results[0].selection!.warnings ?? []).toEqual([]);
    for (const res of results) {
      expect(res.modality).toBe('tabular');
      expect(res.estimator.name).toBe('exact');
      expect(res.n).toBe(12);
      expect(res.samples).toHaveLength(6);
      expect(res.aggregate.strength.J).toHaveLength(11);
      expect(res.aggregate.theory.values[1]).toBeCloseTo(0.2875, 3);
      const F = theoryStrength(12, res.orders);
      res.aggregate.theory.values.forEach((v, k) => expect(v).toBeCloseTo(F[k] / F[0], 12));
      expect(res.aggregate.theory.effectiveN).toBeGreaterThanOrEqual(3);
      expect(res.modelCalls.estimation).toBe(6 * 4096);
      // Selection predicted census test rows a batch at a time until 6 balanced samples were
      // certain (issue 24: it predicted all 6,033 rows).
      expect(res.selection!.candidates).toBe(6033);
      expect(res.modelCalls.selection).toBe(res.selection!.predicted);
      expect(res.modelCalls.selection).toBeLessThan(6033);
      expect(res.modelCalls.total).toBe(res.modelCalls.selection + 6 * 4096);
      for (const smp of res.samples) {
        expect(smp.players.kind).toBe('attributes');
        expect(smp.modelCalls).toBe(4096);
        expect(smp.residual).toBeLessThan(1e-6);
        // Efficiency: the Shapley values add up to v(N) − v(∅).
        const phi = smp.shapley!.reduce((a, b) => a + b, 0);
        expect(Math.abs(phi - (smp.vFull! - smp.vEmpty!))).toBeLessThan(1e-6 * (1 + Math.abs(phi)));
      }
      for (const f of ['strength.svg', 'strength.png'])
        expect(existsSync(join(dirs[results.indexOf(res)], f))).toBe(true);
    }
    expect(readFileSync(join(out, 'strength.png')).subarray(1, 4).toString()).toBe('PNG');
    const svg = readFileSync(join(out, 'strength.svg'), 'utf8');
    // Legends name the models (the ONNX one by its folder), not their files.
    for (const label of ['>mlp5: J(m)', '>census-mlp5: J(m)']) expect(svg).toContain(label);
    expect(svg).not.toContain('model.onnx');
    const again = await runCli([...args, '--resume']);
    expect(again.code).toBe(0);
    const resumed = parseResult(JSON.parse(readFileSync(join(dirs[1], 'result.json'), 'utf8')));
    expect(resumed.aggregate).toEqual(results[1].aggregate);
    expect(resumed.modelCalls).toEqual(results[1].modelCalls);
    // A finished run is replaced by a fresh one without --resume: same numbers again.
    const fresh = await runCli(args);
    expect(fresh.code).toBe(0);
    expect(
      parseResult(JSON.parse(readFileSync(join(dirs[1], 'result.json'), 'utf8'))).aggregate.strength,
    ).toEqual(results[1].aggregate.strength);
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
    expect(await run('empty.csv', '')).toMatch(/error: --csv: .*empty\.csv is empty/);
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
    expect(r.stderr).toMatch(
      /^error: --model: .*census-mlp5\/model\.onnx takes 12 inputs per row, but the data have 11 \(Age, .*Hours per week\)/,
    );
    expect(existsSync(join(tmp.dir, 'narrow', 'result.json'))).toBe(false);
  });

  it('runs the quickstart on the shipped model and says where its outputs are', async () => {
    const out = join(tmp.dir, 'quick');
    const r = await runCli(['--quiet', 'quickstart', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, 'strength.png'));
    expect(r.stdout).toContain(join(out, 'result.json'));
    expect(r.stdout).toMatch(/J\(m\) over orders m = 0…10: ([\d.]+ ){10}[\d.]+\n/);
    for (const f of ['strength.svg', 'strength.png', 'result.json'])
      expect(existsSync(join(out, f))).toBe(true);
    const res = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(res.modality).toBe('tabular');
    expect(res.estimator.name).toBe('exact');
    expect(res.samples).toHaveLength(30);
    expect(res.n).toBe(12);
    expect(res.provenance.model!.format).toBe('tfjs');
    expect(res.modelCalls.estimation).toBe(30 * 4096);
  });
});
