import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedModel } from '@orderlens/core';
import { VISION_ANALYSIS_PROTOCOLS, visionAdapter } from '../index.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderlens-vision-adapter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A model that is only described: open() reads its file, inputs and meta.json, never runs it. */
function described(file: string): OpenedModel {
  return {
    runner: {
      backend: 'none',
      inputNames: ['x'],
      run: () => Promise.reject(new Error('not run')),
      dispose: () => Promise.resolve(),
    },
    file,
    dir: resolve(file, '..'),
    format: 'onnx',
    device: 'cpu',
    sha256: 'x',
    inputs: [{ name: 'x', shape: ['batch', 3, 32, 32], type: 'float32' }],
  };
}

async function meanBaseline(model: OpenedModel, options: Record<string, unknown>) {
  const session = await visionAdapter.open({
    options: { baseline: 'mean', heatmaps: 0, grid: '4', ...options },
    model,
  });
  return session.details.baseline as { kind: string; modelSpace: number[]; source: string };
}

describe('vision mean baseline', () => {
  it("is the model's normalisation mean (0 in model space) whatever --limit says", async () => {
    const model = described(resolve('fixtures/cifar-cnn/model.onnx'));
    const a = await meanBaseline(model, { dataset: 'cifar10', limit: 5 });
    const b = await meanBaseline(model, { dataset: 'cifar10', limit: 200 });
    expect(a.modelSpace).toEqual([0, 0, 0]);
    expect(b).toEqual(a);
    expect(a.source).toMatch(/normalisation mean/);
  });

  it('is the training images’ mean for a model without a normalisation mean, not the loaded images’', async () => {
    const model = described(join(tmp, 'model.onnx'));
    const a = await meanBaseline(model, { dataset: 'cifar10', limit: 5, noNormalization: true });
    const b = await meanBaseline(model, { dataset: 'cifar10-train', limit: 50, noNormalization: true });
    expect(b).toEqual(a);
    expect(a.source).toMatch(/cifar10 train subset/);
    // pixels/255 without normalisation: the CIFAR-10 training means, about 0.49, 0.48, 0.45.
    a.modelSpace.forEach((v, c) => expect(v).toBeCloseTo([0.492, 0.484, 0.448][c], 2));
  });
});

describe('protocol iclr2022', () => {
  it("follows the authors' code: offsets pairs, contexts drawn at every order, first-then-correct", () => {
    const p = VISION_ANALYSIS_PROTOCOLS.find((q) => q.name === 'iclr2022')!;
    expect(p.estimator).toBe('reference');
    expect(p.estimatorOptions).toMatchObject({ contexts: 100, repeats: 1, enumerateSmallOrders: false });
    expect(p.pairs).toEqual({ name: 'grid', count: 200, radius: 2, partner: 'offsets' });
    expect(p.selection).toEqual({ rule: 'first-then-correct', perClass: 5, order: 'class' });
  });
});

describe('perturbed players (noise sensitivity)', () => {
  it('perturb the unmasked image in model-input space; absent patches keep the noise-free baseline', async () => {
    const { CoalitionBatch, ModelGateway } = await import('@orderlens/core');
    const model = described(resolve('fixtures/cifar-cnn/model.onnx'));
    const session = await visionAdapter.open({
      options: { baseline: 'mean', heatmaps: 0, grid: '4', dataset: 'cifar10', limit: 2 },
      model,
    });
    const gateway = new ModelGateway();
    const clean = await session.players(1, gateway);
    const noisy = await session.perturbedPlayers!(
      1,
      (x) => {
        for (let i = 0; i < x.length; i++) x[i] += 0.5;
      },
      gateway,
    );
    expect(noisy.descriptor).toEqual(clean.descriptor);
    const batch = new CoalitionBatch(16, 2);
    batch.pushMask(0);
    batch.pushMask(0xffff);
    const a = clean.masker.mask(batch, 0, 2).x.data as Float32Array;
    const b = noisy.masker.mask(batch, 0, 2).x.data as Float32Array;
    const size = a.length / 2;
    for (let i = 0; i < size; i++) expect(b[i]).toBe(a[i]); // empty coalition: the baseline
    for (let i = size; i < 2 * size; i++) expect(b[i]).toBeCloseTo(a[i] + 0.5, 5); // full: x + ε
  });
});
