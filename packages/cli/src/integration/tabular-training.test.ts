import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { censusModelConfig } from '../commands/tabular/reproduce.js';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const tmp = tempDir('orderlens-tabular-train-');
afterAll(() => tmp.cleanup());

/** Mean over samples of the raw (unnormalised) E_pairs|I^(m)| of the model analysed in `dir`. */
function rawStrength(dir: string): number[] {
  const result = parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
  expect(result.modality).toBe('tabular');
  expect(result.estimator.name).toBe('exact');
  expect(result.samples).toHaveLength(30);
  expect(result.orders).toEqual(Array.from({ length: 11 }, (_v, m) => m));
  const samples = result.samples;
  const mean = samples[0].strength.map(
    (_v, k) => samples.reduce((s, q) => s + q.strength[k], 0) / samples.length,
  );
  // aggregate.raw is that mean.
  mean.forEach((v, k) => expect(result.aggregate.raw[k]).toBeCloseTo(v, 12));
  return mean;
}
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

describe('order losses steer census MLPs (short training, same seed)', () => {
  const strengths: Record<string, number[]> = {};

  it('trains normal, L−(0,0.5) and L−(0.7,1.0) models and measures their exact J(m)', async () => {
    for (const [name, loss] of [
      ['normal', 'normal'],
      ['high', 'minus:0,0.5'],
      ['low', 'minus:0.7,1.0'],
    ] as const) {
      const model = join(tmp.dir, name);
      const t = await runCli([
        '--quiet',
        'train',
        'tabular',
        '--arch',
        'mlp5',
        '--order-loss',
        loss,
        '--epochs',
        '4',
        '--train-rows',
        '4000',
        '--seed',
        '0',
        '--out',
        model,
      ]);
      expect(t.stderr).toBe('');
      expect(t.code).toBe(0);
      const a = await runCli([
        '--quiet',
        'analyze',
        'tabular',
        '--model',
        model,
        '--samples',
        '30',
        '--out',
        join(model, 'analysis'),
      ]);
      expect(a.code).toBe(0);
      strengths[name] = rawStrength(join(model, 'analysis'));
    }
  });

  it('L−(0, 0.5) lowers low-order strength, in absolute terms and as a share of all orders', () => {
    const low = (s: number[]) => sum(s.slice(0, 3));
    expect(low(strengths.high)).toBeLessThan(0.8 * low(strengths.normal));
    expect(low(strengths.high) / sum(strengths.high)).toBeLessThan(
      low(strengths.normal) / sum(strengths.normal) - 0.03,
    );
  });

  it('L−(0.7, 1.0) lowers high-order strength', () => {
    const high = (s: number[]) => sum(s.slice(-3));
    expect(high(strengths.low)).toBeLessThan(0.8 * high(strengths.normal));
  });
});

describe('reproduce census protocols', () => {
  it("table2 uses the paper's Table-2 losses and weights; presets uses MATH.md presets with λ1 = λ2 = 1", () => {
    expect(censusModelConfig('table2', 'low')).toMatchObject({
      loss: 'plus:0,0.5;minus:0.6,1',
      lambdaPlus: 10,
      lambdaMinus: 10,
    });
    expect(censusModelConfig('table2', 'mid')).toMatchObject({
      loss: 'plus:0.3,0.7',
      lambdaPlus: 10,
      lambdaMinus: 0,
    });
    expect(censusModelConfig('presets', 'low')).toEqual({
      loss: 'low',
      lambdaPlus: 1,
      lambdaMinus: 1,
      label: 'preset low: L−(0.7,1), λ1=1, λ2=1',
    });
    expect(() => censusModelConfig('table2', 'boost-high')).toThrow(/--losses/);
  });

  it('rejects an unknown --protocol naming the option', async () => {
    const r = await runCli([
      '--quiet',
      'reproduce',
      'census',
      '--protocol',
      'table1',
      '--out',
      join(tmp.dir, 'bad'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--protocol/);
  });
});

describe('orderlens reproduce census', () => {
  it('runs a tiny reproduction, writes the table and resumes without recomputing', async () => {
    const out = join(tmp.dir, 'reproduce');
    const args = [
      '--quiet',
      'reproduce',
      'census',
      '--archs',
      'mlp5',
      '--losses',
      'normal,high',
      '--epochs',
      '1',
      '--train-rows',
      '1500',
      '--samples',
      '4',
      '--attack-rows',
      '100',
      // One seed keeps the test small (the command's default is three).
      '--seeds',
      '0',
      '--out',
      out,
    ];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| MLP5 \| normal \| CE only \| [\d.]+ \| [\d.]+ \| 38\.22 \|/);
    expect(r.stdout).toContain('Protocol table2');
    const result = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8'));
    expect(result.rows).toHaveLength(2);
    // The default protocol trains the high-order model as the paper's Table 2: L+(0.6,1) + L−(0,0.5), λ1 = λ2 = 1.
    const high = result.training[1].spec;
    expect([high.loss, high.lambdaPlus, high.lambdaMinus]).toEqual(['plus:0.6,1;minus:0,0.5', 1, 1]);
    expect(result.rows[1].configuration).toBe('L+(0.6,1) + L−(0,0.5), λ1=1, λ2=1');
    for (const row of result.rows) expect(row.adversarialAccuracy).toBeLessThanOrEqual(row.cleanAccuracy);
    const again = await runCli([...args, '--resume']);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')).rows).toEqual(result.rows);
  });
});
