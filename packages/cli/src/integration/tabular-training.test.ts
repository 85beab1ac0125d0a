import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const tmp = tempDir('orderlens-tabular-train-');
afterAll(() => tmp.cleanup());

/** Mean over samples of the raw (unnormalised) E_pairs|I^(m)| of the model analysed in `dir`. */
function rawStrength(dir: string): number[] {
  const json = JSON.parse(readFileSync(join(dir, 'strength.json'), 'utf8'));
  const samples = json.models[0].samples as Array<{ strength: number[] }>;
  return samples[0].strength.map((_v, k) => samples.reduce((s, q) => s + q.strength[k], 0) / samples.length);
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
        '--loss',
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
      '--out',
      out,
    ];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| MLP5 \| normal \| [\d.]+ \| [\d.]+ \| 38\.22 \|/);
    const result = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8'));
    expect(result.rows).toHaveLength(2);
    for (const row of result.rows) expect(row.adversarialAccuracy).toBeLessThanOrEqual(row.cleanAccuracy);
    const again = await runCli([...args, '--resume']);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')).rows).toEqual(result.rows);
  });
});
