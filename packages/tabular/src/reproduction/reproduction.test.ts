import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult, type OpenedModel } from '@orderlens/core';
import { loadCensus } from '../census/census.js';
import { JsMlpRunner } from '../test-utils/js-mlp.js';
import { censusModelConfig } from './census-configs.js';
import { describeCensusPlan, planCensusReproduction } from './census-plan.js';
import {
  featureRange,
  pgdInZSpace,
  prepareCensusReproduction,
  reproduceCensus,
  type CensusReproductionTools,
  type CensusTrainJob,
} from './reproduce-census.js';
import { formatReproductionTable } from './reproduction-table.js';
import { formatSpread, paperOrdering, seedSpread } from './seed-summary.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderlens-repro-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('seed summaries', () => {
  it('gives the mean and the sample standard deviation', () => {
    const s = seedSpread([10, 12, 14]);
    expect(s).toEqual({ mean: 12, sd: 2, min: 10, max: 14, count: 3 });
    expect(formatSpread(s)).toBe('12.00 ± 2.00');
    expect(formatSpread(seedSpread([3]))).toBe('3.00');
    expect(() => seedSpread([])).toThrow(/values/);
  });

  it("checks the paper's ordering low > normal > mid > high", () => {
    expect(paperOrdering({ low: 40, normal: 38, mid: 15, high: 7 })).toEqual({ holds: true, broken: [] });
    expect(paperOrdering({ low: 30, normal: 38, mid: 15, high: 17 })).toEqual({
      holds: false,
      broken: ['low ≤ normal', 'mid ≤ high'],
    });
    expect(paperOrdering({ normal: 38 }).holds).toBeUndefined();
  });

  it('knows the Table-2 configurations and refuses unknown types naming the flag', () => {
    expect(censusModelConfig('table2', 'mid')).toMatchObject({ loss: 'plus:0.3,0.7', lambdaPlus: 10 });
    expect(() => censusModelConfig('table2', 'boost-high')).toThrow(/--losses/);
  });

  it("names both papers' low-order models: ICLR 2022 App. C.2.3 and the journal's §6.3", () => {
    expect(censusModelConfig('table2', 'low')).toMatchObject({
      loss: 'plus:0,0.5;minus:0.6,1',
      lambdaPlus: 10,
      lambdaMinus: 10,
    });
    expect(censusModelConfig('table2', 'low-journal')).toMatchObject({
      loss: 'minus:0.7,1',
      lambdaPlus: 0,
      lambdaMinus: 1,
    });
  });

  it('puts ε and the step in z-space: scalars for z units, ε/σ and step/σ per feature for raw units', () => {
    expect(pgdInZSpace('z', [2, 4])).toEqual({ eps: 0.6, stepSize: 0.01 });
    const raw = pgdInZSpace('raw', [2, 0.5, 1]);
    expect(Array.from(raw.eps as Float32Array)).toEqual(Array.from(Float32Array.of(0.3, 1.2, 0.6)));
    expect(Array.from(raw.stepSize as Float32Array)).toEqual(Array.from(Float32Array.of(0.005, 0.02, 0.01)));
  });
});

describe('reproduceCensus (tools without a runtime: a JS MLP per seed)', () => {
  const census = loadCensus();
  const d = 12;
  const trained = new Map<string, JsMlpRunner>();
  const jobs: CensusTrainJob[] = [];
  const clips: Array<{ min: Float32Array; max: Float32Array } | undefined> = [];
  const radii: Array<number | Float32Array> = [];
  const tools: CensusReproductionTools = {
    async train(job) {
      jobs.push(job);
      const m = JsMlpRunner.train(job.train.x, job.train.y, d, { hidden: 8, epochs: 1, seed: job.seed + 1 });
      trained.set(job.dir, m);
      return { trainAccuracy: 0.8, testAccuracy: 0.8, wallTimeMs: 1, spec: { seed: job.seed } };
    },
    async attack(job) {
      clips.push(job.clip);
      radii.push(job.eps);
      // A stand-in robustness: lower for the high-order type, varying with the seed.
      const high = job.dir.includes('high');
      const seed = Number(/seed(\d+)/.exec(job.dir)![1]);
      return {
        cleanAccuracy: 0.8,
        adversarialAccuracy: (high ? 0.1 : 0.3) + 0.01 * seed,
        maxPerturbation: 0.6,
      };
    },
    async openModel(dir): Promise<OpenedModel> {
      const runner = trained.get(dir)!;
      return {
        runner,
        file: join(dir, 'model.json'),
        dir,
        format: 'js',
        device: 'cpu',
        sha256: dir,
        inputs: [{ name: 'x', shape: [null, d], type: 'float32' }],
      };
    },
  };

  it('trains, attacks and analyses every seed, and summarises over seeds', async () => {
    const options = {
      protocol: 'table2' as const,
      archs: ['mlp5'],
      losses: ['normal', 'high'],
      seeds: [0, 1, 2],
      epochs: 1,
      trainRows: 800,
      samples: 3,
      attackRows: 50,
      optimizer: 'sgd' as const,
      sampler: 'shuffled' as const,
      pgdClip: true,
    };
    const out = join(tmp, 'run');
    const rep = await reproduceCensus(options, tools, { out, resume: false });
    expect(rep.rows.map((r) => `${r.seed}-${r.loss}`)).toEqual([
      '0-normal',
      '0-high',
      '1-normal',
      '1-high',
      '2-normal',
      '2-high',
    ]);
    // The recipe reaches the trainer: SGD lr 0.01 momentum 0.9, plain shuffling, the seed.
    expect(jobs[2]).toMatchObject({
      optimizer: 'sgd',
      learningRate: 0.01,
      momentum: 0.9,
      balance: false,
      seed: 1,
    });
    expect(jobs[0].train.rows).toBe(800);
    // PGD clipping: the range over all census rows.
    const range = featureRange(
      { ...jobs[0].test, x: census.train.x, y: census.train.y, rows: census.train.y.length },
      jobs[0].test,
    );
    expect(clips[0]).toEqual(range);
    const normal = rep.summaries.find((s) => s.loss === 'normal')!;
    expect(normal.seeds).toEqual([0, 1, 2]);
    expect(normal.adversarialAccuracy.mean).toBeCloseTo(0.31, 12);
    expect(normal.adversarialAccuracy.sd).toBeCloseTo(0.01, 12);
    // Every model's analysis is an interaction-result@3 of the tabular adapter's exact protocol.
    const file = rep.rows[3].resultFile;
    const result = parseResult(JSON.parse(readFileSync(file, 'utf8')));
    expect(result.modality).toBe('tabular');
    expect(result.samples).toHaveLength(3);
    expect(rep.rows[3].J).toEqual(result.aggregate.strength.J);
    const table = formatReproductionTable(rep, options);
    expect(table).toContain(
      '| MLP5 | normal | CE only | 80.00 ± 0.00 | **31.00 ± 1.00** | 30.00–32.00 | 38.22 |',
    );
    expect(table).toContain('seeds 0, 1, 2');
    // Resuming recomputes nothing.
    const before = jobs.length;
    const again = await reproduceCensus(options, tools, { out, resume: true });
    expect(jobs.length).toBe(before);
    expect(again.rows.map((r) => r.adversarialAccuracy)).toEqual(rep.rows.map((r) => r.adversarialAccuracy));
  });

  it('--eps-units raw attacks with ε/σ per feature, clipped to the data range even without --pgd-clip', async () => {
    const options = {
      protocol: 'table2' as const,
      archs: ['mlp5'],
      losses: ['low-journal'],
      seeds: [0],
      epochs: 1,
      trainRows: 200,
      samples: 1,
      attackRows: 10,
      optimizer: 'sgd' as const,
      sampler: 'shuffled' as const,
      pgdClip: false,
      epsUnits: 'raw' as const,
    };
    const from = radii.length;
    const rep = await reproduceCensus(options, tools, { out: join(tmp, 'raw'), resume: false });
    expect(rep.rows[0].configuration).toMatch(/L−\(0.7,1\), λ2=1/);
    const eps = radii[from] as Float32Array;
    expect(Array.from(eps)).toEqual(Array.from(census.preprocessor.stds, (s) => Math.fround(0.6 / s)));
    expect(clips[from]).toBeDefined();
    expect(formatReproductionTable(rep, options)).toMatch(/raw units/);
  });

  it('plans each model, and a resume as it will run: stored units and finished analyses cost nothing', async () => {
    const options = {
      protocol: 'table2' as const,
      archs: ['mlp5'],
      losses: ['normal', 'high'],
      seeds: [0],
      epochs: 2,
      trainRows: 800,
      samples: 2,
      attackRows: 50,
      optimizer: 'adam' as const,
      sampler: 'balanced' as const,
      pgdClip: false,
    };
    const out = join(tmp, 'plan');
    const prepared = prepareCensusReproduction(options, out);
    const fresh = await planCensusReproduction(options, tools, prepared, { out, resume: false });
    expect(existsSync(out)).toBe(false);
    const [normal, high] = fresh.jobs;
    // ⌈800 / 128⌉ = 7 steps an epoch; high's two order-loss terms add S1 and S2 of every row.
    expect(normal.training).toMatchObject({ epochs: 2, rows: 800, steps: 14 });
    expect(high.training!.modelRows - normal.training!.modelRows).toBe(2 * 4 * 800);
    expect(normal.attackCalls).toBe(50 * 102);
    expect(normal.analysis).toMatchObject({ callsPerSample: 4096, samples: 2 });
    expect(fresh.totalCalls).toBe(
      fresh.jobs.reduce((a, j) => a + j.training!.modelRows + j.attackCalls + j.analysis.totalCalls, 0),
    );
    expect(describeCensusPlan(fresh)).toMatch(/^ {2}s0-mlp5-high: train 2 epochs × 800 rows = 14 steps/m);

    await reproduceCensus(options, tools, { out, resume: false }, prepared);
    const done = await planCensusReproduction(options, tools, prepared, { out, resume: true });
    expect(done.totalCalls).toBe(0);
    rmSync(join(out, 'run', 'units', 'attack-s0-mlp5-high.json'));
    const left = await planCensusReproduction(options, tools, prepared, { out, resume: true });
    expect(left.jobs.map((j) => [j.training === undefined, j.attackCalls, j.analysis.totalCalls])).toEqual([
      [true, 0, 0],
      [true, 50 * 102, 0],
    ]);
  });
});
