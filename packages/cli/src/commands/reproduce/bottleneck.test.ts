import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { networkCheckout, runQuickReproduction } from '../../test-utils/network-checkout.js';
import { tempDir } from '../../test-utils/tmp.js';
import { bottleneckOptions } from './bottleneck.js';
import { BOTTLENECK_NETWORKS } from '@orderlens/core/reproductions';

const tmp = tempDir('orderlens-bottleneck-');
afterAll(() => tmp.cleanup());

interface Summary {
  networks: Array<{
    id: string;
    status: string;
    reason?: string;
    J?: number[];
    ratios?: number[];
    verdict?: { shape: string };
  }>;
}

describe('reproduce bottleneck', () => {
  it('checks its flags before any work, naming the flag', () => {
    const base = { seed: '0', out: 'x' };
    expect(() => bottleneckOptions({ ...base, size: 'huge' })).toThrow(/--size/);
    expect(() => bottleneckOptions({ ...base, quick: true, size: 'paper' })).toThrow(/--quick/);
    expect(() => bottleneckOptions({ ...base, networks: 'census-mlp5,lenet' })).toThrow(/--networks.*lenet/);
    expect(() => bottleneckOptions({ ...base, seed: '-1' })).toThrow(/--seed/);
    expect(() => bottleneckOptions({ ...base, images: '0' })).toThrow(/--images/);
    expect(() => bottleneckOptions({ ...base, pairs: 'x' })).toThrow(/--pairs/);
    expect(() => bottleneckOptions({ ...base, contexts: '1.5' })).toThrow(/--contexts/);
    expect(() => bottleneckOptions({ ...base, samples: '-2' })).toThrow(/--samples/);
    expect(bottleneckOptions({ ...base, images: '2', samples: '7' }).vision).toEqual({
      perClass: 2,
      samples: 7,
    });
    expect(bottleneckOptions({ ...base, quick: true }).networks).toHaveLength(BOTTLENECK_NETWORKS.length);
  });

  it('--quick: one curve and a verdict per network; a network that fails to load, or is missing, is named', async () => {
    // Real networks, one whose model is not an ONNX file (cifar-alexnet), one absent (census-mlp8).
    const root = networkCheckout(tmp.file('root'), ['census-mlp5', 'cifar-cnn']);
    const out = tmp.file('out');
    const networks = ['census-mlp5', 'cifar-cnn', 'cifar-alexnet', 'census-mlp8'];
    const run = await runQuickReproduction('bottleneck', root, networks, out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /2 of 4 networks failed: cifar-alexnet \(.*ONNX.*\); census-mlp8 \(model not found/,
    );
    const summary = JSON.parse(readFileSync(join(out, 'bottleneck.json'), 'utf8')) as Summary;
    expect(summary.networks.map((n) => n.id).sort()).toEqual([...networks].sort());
    const done = summary.networks.filter((n) => n.status === 'done');
    expect(done.map((n) => n.id).sort()).toEqual(['census-mlp5', 'cifar-cnn']);
    for (const n of done) {
      // The 13 paper ratios (n = 12 merges the orders of 0/0.05 and 0.9/0.95: 11 remain).
      expect(n.J?.length).toBeGreaterThanOrEqual(11);
      expect(n.J).toHaveLength(n.ratios!.length);
      expect([n.ratios![0], n.ratios!.at(-1)]).toEqual([0, 1]);
      expect(['U-shape', 'decreasing', 'increasing', 'spindle']).toContain(n.verdict?.shape);
    }
    // One curve per measured network in the figure, every network in the report.
    const svg = readFileSync(join(out, 'bottleneck.svg'), 'utf8');
    expect(svg).toContain('census-mlp5 (n = 12)');
    expect(svg).toContain('cifar-cnn (n = 64)');
    expect(existsSync(join(out, 'bottleneck.png'))).toBe(true);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    for (const id of networks) expect(report).toContain(`| ${id} (`);
    expect(report).toMatch(/cifar-alexnet .*\*\*failed\*\*: .*ONNX/);
    expect(report).toMatch(/census-mlp8 .*\*\*failed\*\*: model not found/);
  }, 180_000);
});
