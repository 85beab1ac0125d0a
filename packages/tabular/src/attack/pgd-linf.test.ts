import { beforeAll, describe, expect, it } from 'vitest';
import { ModelGateway, type ModelRunner } from '@orderlens/core';
import {
  buildMlp,
  evaluateAccuracy,
  initTfjs,
  TfjsRunner,
  trainClassifier,
  type LayersModel,
} from '@orderlens/runtime-tfjs';
import { loadRows } from '../adapter/tabular-data.js';
import { JsMlpRunner } from '../test-utils/js-mlp.js';
import { pgdLinf as pgdOnRunner, type PgdLinfOptions } from './pgd-linf.js';

// A real tfjs MLP trained on census rows: its runner's `inputGradients` are what PGD steps on.
let model: LayersModel;
let runner: ModelRunner;
const data = loadRows({ split: 'train' }, undefined);
const F = data.featureCount;
const x = data.x.subarray(0, 1500 * F);
const y = data.y.subarray(0, 1500);
const xt = data.x.subarray(1500 * F, 1800 * F);
const yt = data.y.subarray(1500, 1800);
/** PGD on the tfjs runner (the tests were written for the model; the runner is that model). */
const pgdLinf = (o: Omit<PgdLinfOptions, 'runner'> & { model?: LayersModel }) => {
  const { model: _m, ...rest } = o;
  return pgdOnRunner({ runner, ...rest });
};

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  model = buildMlp({ inputDim: F, hidden: 32, layers: 3, classes: 2, seed: 2 });
  runner = TfjsRunner.fromModel(model);
  await trainClassifier({
    model,
    x,
    y,
    featureCount: F,
    epochs: 3,
    batchSize: 64,
    learningRate: 3e-3,
    seed: 2,
  });
});

describe('pgdLinf through the runner’s input gradients', () => {
  it('stays in the ε-ball, moves to its edge, and lowers accuracy', async () => {
    const eps = 0.3;
    const r = await pgdLinf({
      model,
      x: xt,
      y: yt,
      featureCount: F,
      eps,
      steps: 40,
      stepSize: 0.02,
      batchSize: 128,
    });
    expect(r.adversarial.length).toBe(xt.length);
    let maxDist = 0;
    let atEdge = 0;
    for (let k = 0; k < xt.length; k++) {
      const d = Math.abs(r.adversarial[k] - xt[k]);
      maxDist = Math.max(maxDist, d);
      if (d > eps - 1e-4) atEdge++;
    }
    expect(maxDist).toBeLessThanOrEqual(eps + 1e-6);
    // 40 steps of 0.02 can travel 0.8 > ε: most coordinates end on the boundary.
    expect(atEdge / xt.length).toBeGreaterThan(0.5);
    expect(r.cleanAccuracy).toBeCloseTo(await evaluateAccuracy(model, xt, yt, F), 10);
    expect(r.cleanAccuracy).toBeGreaterThan(0.75);
    expect(r.adversarialAccuracy).toBeLessThan(r.cleanAccuracy - 0.2);
    expect(r.adversarialAccuracy).toBeCloseTo(await evaluateAccuracy(model, r.adversarial, yt, F), 10);
  });

  it('with zero steps returns x; more budget never helps the model', async () => {
    const none = await pgdLinf({ model, x: xt, y: yt, featureCount: F, steps: 0 });
    expect(Array.from(none.adversarial)).toEqual(Array.from(xt));
    expect(none.adversarialAccuracy).toBe(none.cleanAccuracy);
    const small = await pgdLinf({
      model,
      x: xt,
      y: yt,
      featureCount: F,
      eps: 0.05,
      steps: 10,
      stepSize: 0.01,
    });
    const large = await pgdLinf({
      model,
      x: xt,
      y: yt,
      featureCount: F,
      eps: 0.6,
      steps: 20,
      stepSize: 0.05,
    });
    expect(small.adversarialAccuracy).toBeLessThanOrEqual(small.cleanAccuracy);
    expect(large.adversarialAccuracy).toBeLessThan(small.adversarialAccuracy);
  });

  it('is independent of the batch size', async () => {
    const a = await pgdLinf({
      model,
      x: xt,
      y: yt,
      featureCount: F,
      eps: 0.2,
      steps: 5,
      stepSize: 0.05,
      batchSize: 300,
    });
    const b = await pgdLinf({
      model,
      x: xt,
      y: yt,
      featureCount: F,
      eps: 0.2,
      steps: 5,
      stepSize: 0.05,
      batchSize: 7,
    });
    let same = 0;
    for (let k = 0; k < xt.length; k++) if (Math.abs(a.adversarial[k] - b.adversarial[k]) < 1e-6) same++;
    // Sign steps agree except where a gradient component is ~0 and batch-dependent rounding flips it.
    expect(same / xt.length).toBeGreaterThan(0.99);
    expect(Math.abs(a.adversarialAccuracy - b.adversarialAccuracy)).toBeLessThan(0.01);
    // Every model row is counted as `attack`, whatever the batching: 5 gradient rows per row
    // attacked (the last batch of 7 is partial) and one prediction each for both accuracies.
    const N = yt.length;
    for (const r of [a, b]) expect(r.modelCalls).toMatchObject({ attack: N * (5 + 2), total: N * (5 + 2) });
  });

  it('counts into the gateway it is given, beside what it already counted', async () => {
    const gateway = new ModelGateway();
    gateway.record('selection', 11);
    const r = await pgdLinf({ model, x: xt, y: yt, featureCount: F, steps: 3, gateway });
    expect(r.modelCalls.attack).toBe(yt.length * 5);
    expect(gateway.calls).toMatchObject({ selection: 11, attack: yt.length * 5, total: 11 + yt.length * 5 });
  });

  it('rejects bad options naming them', async () => {
    await expect(pgdLinf({ model, x: xt, y: yt, featureCount: F, eps: -1 })).rejects.toThrow(
      /eps: expected a finite number ≥ 0/,
    );
    await expect(pgdLinf({ model, x: xt, y: yt, featureCount: F, stepSize: 0 })).rejects.toThrow(/stepSize/);
    await expect(pgdLinf({ model, x: xt, y: yt, featureCount: F, steps: 1.5 })).rejects.toThrow(/steps/);
    await expect(pgdLinf({ model, x: xt.subarray(1), y: yt, featureCount: F })).rejects.toThrow(
      /x: expected/,
    );
  });

  it('refuses a runner without input gradients, naming the model', async () => {
    const plain = JsMlpRunner.train(x, y, F, { hidden: 4, epochs: 1 });
    await expect(pgdOnRunner({ runner: plain, x: xt, y: yt, featureCount: F })).rejects.toThrow(
      /model: the js-mlp runtime gives no input gradients/,
    );
  });

  it('reports every step of every batch', async () => {
    const seen: string[] = [];
    await pgdLinf({
      x: xt,
      y: yt,
      featureCount: F,
      steps: 2,
      batchSize: 200,
      onProgress: (p) => seen.push(`${p.batch}/${p.batches}:${p.step}/${p.steps}`),
    });
    expect(seen).toEqual(['1/2:1/2', '1/2:2/2', '2/2:1/2', '2/2:2/2']);
  });

  it('takes one radius and step per feature (ε in raw units), and equals the scalar form when they agree', async () => {
    // Feature f may move by (f + 1)·0.05; 40 steps of a tenth of that reach every edge.
    const eps = Float32Array.from({ length: F }, (_, f) => (f + 1) * 0.05);
    const step = eps.map((e) => e / 10);
    const r = await pgdLinf({ model, x: xt, y: yt, featureCount: F, eps, stepSize: step, steps: 40 });
    const atEdge = new Array<number>(F).fill(0);
    for (let k = 0; k < xt.length; k++) {
      const d = Math.abs(r.adversarial[k] - xt[k]);
      expect(d).toBeLessThanOrEqual(eps[k % F] + 1e-6);
      if (d > eps[k % F] - 1e-4) atEdge[k % F]++;
    }
    // The widest feature (12·0.05 = 0.6) is not held to the narrowest radius.
    expect(atEdge[F - 1] / (xt.length / F)).toBeGreaterThan(0.5);
    const opts = { model, x: xt, y: yt, featureCount: F, steps: 5 };
    const scalar = await pgdLinf({ ...opts, eps: 0.2, stepSize: 0.05 });
    const vector = await pgdLinf({
      ...opts,
      eps: new Float32Array(F).fill(0.2),
      stepSize: new Float32Array(F).fill(0.05),
    });
    expect(Array.from(vector.adversarial)).toEqual(Array.from(scalar.adversarial));
    await expect(pgdLinf({ ...opts, eps: new Float32Array(F - 1) })).rejects.toThrow(
      /eps: .*length featureCount/,
    );
    await expect(pgdLinf({ ...opts, stepSize: new Float32Array(F) })).rejects.toThrow(/stepSize: feature 0/);
  });

  it('with clip keeps every feature inside its data range as well as the ε-ball', async () => {
    const eps = 0.6;
    const min = new Float32Array(F).fill(Infinity);
    const max = new Float32Array(F).fill(-Infinity);
    for (let k = 0; k < data.x.length; k++) {
      min[k % F] = Math.min(min[k % F], data.x[k]);
      max[k % F] = Math.max(max[k % F], data.x[k]);
    }
    const opts = { model, x: xt, y: yt, featureCount: F, eps, steps: 60, stepSize: 0.02 };
    const clipped = await pgdLinf({ ...opts, clip: { min, max } });
    const free = await pgdLinf(opts);
    let outside = 0;
    for (let k = 0; k < xt.length; k++) {
      const v = clipped.adversarial[k];
      expect(Math.abs(v - xt[k])).toBeLessThanOrEqual(eps + 1e-6);
      expect(v).toBeGreaterThanOrEqual(min[k % F] - 1e-6);
      expect(v).toBeLessThanOrEqual(max[k % F] + 1e-6);
      const w = free.adversarial[k];
      if (w < min[k % F] - 1e-6 || w > max[k % F] + 1e-6) outside++;
    }
    // Unclipped PGD does leave the range (binary and boundary-valued features), so the test bites.
    expect(outside).toBeGreaterThan(0);
    await expect(pgdLinf({ ...opts, clip: { min, max: min.subarray(1) } })).rejects.toThrow(/clip/);
  });
});
