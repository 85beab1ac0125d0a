import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mobiusTransform } from '@orderlens/core/math';
import { afterAll, describe, expect, it } from 'vitest';
import { networkCheckout, runQuickReproduction } from '../../test-utils/network-checkout.js';
import { tempDir } from '../../test-utils/tmp.js';
import { andOrSparsityOptions } from './and-or-sparsity.js';
import { AND_OR_NETWORKS } from '@orderlens/core/reproductions';

const tmp = tempDir('orderlens-and-or-sparsity-');
afterAll(() => tmp.cleanup());

interface PresetSummary {
  preset: string;
  n: number;
  samples: number;
  terms: number;
  salientCount: { mean: number; min: number; max: number };
  salientShare: { mean: number };
  rebuildError: { mean: number };
  verdict: { sparse: boolean; text: string };
  perSample: Array<{ salientCount: number; salientShare: number; rebuildError: number }>;
}
interface Summary {
  niter: number;
  networks: Array<{ id: string; status: string; reason?: string; n?: number; presets?: PresetSummary[] }>;
}

describe('reproduce and-or-sparsity', () => {
  it('checks its flags before any work, naming the flag', () => {
    const base = { seed: '0', out: 'x' };
    expect(() => andOrSparsityOptions({ ...base, networks: 'census-mlp5,cifar-vit' })).toThrow(
      /--networks.*cifar-vit/,
    );
    expect(() => andOrSparsityOptions({ ...base, samples: '0' })).toThrow(/--samples/);
    expect(() => andOrSparsityOptions({ ...base, niter: 'x' })).toThrow(/--niter/);
    expect(() => andOrSparsityOptions({ ...base, seed: '-1' })).toThrow(/--seed/);
    expect(andOrSparsityOptions({ ...base, quick: true })).toMatchObject({ samples: 2, niter: 1000 });
    expect(andOrSparsityOptions(base)).toMatchObject({ samples: 5, niter: 10000 });
    expect(andOrSparsityOptions(base).networks).toHaveLength(AND_OR_NETWORKS.length);
  });

  it('--quick: both presets per network, value tables; a network that fails to load, or is missing, is named', async () => {
    // Real networks, one whose model is not an ONNX file (cifar-alexnet), one absent (census-mlp8).
    const root = networkCheckout(tmp.file('root'), ['census-mlp5']);
    const out = tmp.file('out');
    const networks = ['census-mlp5', 'cifar-alexnet', 'census-mlp8'];
    const run = await runQuickReproduction('and-or-sparsity', root, networks, out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /2 of 3 networks failed: census-mlp8 \(model not found.*\); cifar-alexnet \(.*ONNX/,
    );
    const summary = JSON.parse(readFileSync(join(out, 'and-or-sparsity.json'), 'utf8')) as Summary;
    expect(summary.niter).toBe(1000);
    // In the order of the project's list, whatever the order of --networks.
    expect(summary.networks.map((n) => n.id)).toEqual(['census-mlp5', 'census-mlp8', 'cifar-alexnet']);
    const [census] = summary.networks;
    expect(census.status).toBe('done');
    expect(census.n).toBe(12);
    expect(census.presets!.map((p) => p.preset)).toEqual(['orderlens', 'authors']);
    for (const p of census.presets!) {
      expect(p.samples).toBe(2);
      expect(p.terms).toBe(2 * (4096 - 1));
      expect(p.perSample).toHaveLength(2);
      for (const s of p.perSample) {
        expect(s.salientCount).toBeGreaterThan(0);
        expect(s.salientCount).toBeLessThanOrEqual(p.terms);
        expect(s.salientShare).toBeGreaterThan(0);
        expect(s.salientShare).toBeLessThanOrEqual(1 + 1e-12);
        expect(s.rebuildError).toBeGreaterThanOrEqual(0);
      }
      expect(p.salientCount.mean).toBeCloseTo(p.perSample.reduce((a, s) => a + s.salientCount, 0) / 2, 12);
    }
    // The authors' threshold (1 % of the largest term) keeps more terms than orderlens' on this game.
    expect(census.presets![1].salientCount.mean).toBeGreaterThan(census.presets![0].salientCount.mean);
    for (const id of ['cifar-alexnet', 'census-mlp8'])
      expect(summary.networks.find((n) => n.id === id)?.status).toBe('failed');

    // The exported tables: 2^12 values per sample whose Harsanyi transform is the stored one.
    const tables = JSON.parse(readFileSync(join(out, 'tables', 'census-mlp5.json'), 'utf8')) as {
      n: number;
      maskOrder: string;
      samples: Array<{ id: string; values: number[] }>;
      authors: Array<{ and: number[]; salientAnd: number[] }>;
    };
    expect(tables.n).toBe(12);
    expect(tables.maskOrder).toMatch(/bit j/);
    expect(tables.samples).toHaveLength(2);
    expect(tables.authors).toHaveLength(2);
    const result = JSON.parse(
      readFileSync(join(out, 'study', 'models', 'census-mlp5', 'result.json'), 'utf8'),
    ) as { samples: Array<{ harsanyi: number[]; vEmpty: number; vFull: number }> };
    tables.samples.forEach((s, i) => {
      expect(s.values).toHaveLength(4096);
      expect(s.values[0]).toBeCloseTo(result.samples[i].vEmpty, 12);
      expect(s.values[4095]).toBeCloseTo(result.samples[i].vFull, 9);
      const h = mobiusTransform(s.values);
      for (const S of [1, 3, 777, 4095]) expect(h[S]).toBeCloseTo(result.samples[i].harsanyi[S], 9);
    });

    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| census-mlp5 \(.*\| 12 \| 2 \| `orderlens` \|/);
    expect(report).toMatch(/\| census-mlp5 \(.*\| 12 \| 2 \| `authors` \|/);
    expect(report).toMatch(/cifar-alexnet .*\*\*failed\*\*: .*ONNX/);
    expect(report).toMatch(/census-mlp8 .*\*\*failed\*\*: model not found/);
  }, 180_000);
});
