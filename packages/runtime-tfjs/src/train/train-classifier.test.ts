import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@orderlens/core';
import { nestedSizes, parseOrderLossSpec, sampleNestedCoalitions } from '@orderlens/core/math';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildMlp } from '../models/build-mlp.js';
import { censusSlice } from '../test-utils/census-slice.js';
import { interactionData } from '../test-utils/synthetic.js';
import { evaluateAccuracy, predictClasses } from './dataset.js';
import { evaluateOrderLosses } from './evaluate-order-losses.js';
import { buildOrderLossInputs, orderLossObjective, type OrderLossConfig } from './order-loss-batch.js';
import { trainClassifier, type EpochStats } from './train-classifier.js';

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
});

const identityPlayers = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('trainClassifier on census rows', () => {
  it('raises accuracy well above the majority rate and lowers the loss (Adam)', async () => {
    const all = censusSlice(4000);
    const F = all.featureCount;
    const x = all.x.subarray(0, 3000 * F);
    const y = all.y.subarray(0, 3000);
    const validation = { x: all.x.subarray(3000 * F), y: all.y.subarray(3000) };
    const majority = 1 - validation.y.reduce((s, v) => s + v, 0) / validation.y.length;
    const model = buildMlp({ inputDim: F, hidden: 32, layers: 3, classes: 2, seed: 1 });
    const before = await evaluateAccuracy(model, validation.x, validation.y, F);
    const seen: EpochStats[] = [];
    const { history } = await trainClassifier({
      model,
      x,
      y,
      featureCount: F,
      epochs: 4,
      batchSize: 64,
      learningRate: 3e-3,
      seed: 1,
      validation,
      onEpoch: (s) => void seen.push(s),
    });
    expect(seen).toEqual(history);
    expect(history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    const last = history[3];
    expect(last.loss).toBeLessThan(history[0].loss);
    expect(last.crossEntropy).toBe(last.loss); // no order terms: the loss is the cross-entropy
    expect([last.plus, last.minus]).toEqual([0, 0]);
    expect(last.validationAccuracy!).toBeGreaterThan(Math.max(before, majority) + 0.03);
    expect(last.accuracy).toBeCloseTo(await evaluateAccuracy(model, x, y, F), 10);
    model.dispose();
  });

  it('SGD with momentum also learns, and training is reproducible from the seed', async () => {
    const { x, y, featureCount: F } = censusSlice(1200);
    const run = async () => {
      const tensorsBefore = tf.memory().numTensors;
      const model = buildMlp({ inputDim: F, hidden: 16, layers: 2, classes: 2, seed: 3 });
      const r = await trainClassifier({
        model,
        x,
        y,
        featureCount: F,
        epochs: 3,
        batchSize: 32,
        learningRate: 0.05,
        seed: 9,
        optimizer: 'sgd',
        momentum: 0.9,
      });
      const w = model.getWeights().map((t) => Array.from(t.dataSync()));
      model.dispose();
      // Optimizer slots and per-step tensors are all released.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      return { losses: r.history.map((h) => h.loss), w };
    };
    const a = await run();
    const b = await run();
    expect(a.losses[2]).toBeLessThan(a.losses[0]);
    expect(b).toEqual(a);
  });
});

describe('order losses', () => {
  const n = 6;
  // 8 features: players own 1 or 2 features; feature 7 is never masked.
  const playerOfFeature = Int32Array.from([0, 1, 1, 2, 3, 4, 5, -1]);
  const baseline = Float32Array.from([0.5, -1, 2, 0.25, -0.5, 1, 3, 9]);
  const config: OrderLossConfig = {
    terms: parseOrderLossSpec('plus:0.3,0.7;minus:0,0.5'),
    lambdaPlus: 0.7,
    lambdaMinus: 1.3,
    players: n,
    playerOfFeature,
    baseline,
  };

  it('builds nested masked copies: present players keep x, absent ones get the baseline', () => {
    const F = 8;
    const x = Float32Array.from({ length: 3 * F }, (_, k) => 100 + k);
    const rows = [2, 0];
    const rngOf = (b: number) => Rng.create('t').fork(b);
    const out = buildOrderLossInputs(x, rows, F, config, rngOf);
    expect(out.length).toBe(2 * 5 * F);
    expect(Array.from(out.subarray(0, F))).toEqual(Array.from(x.subarray(2 * F, 3 * F)));
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 2; t++) {
        const { r1, r2 } = config.terms[t];
        const { s1, s2 } = sampleNestedCoalitions(n, r1, r2, rngOf(b).fork(t));
        const sizes = nestedSizes(n, r1, r2);
        expect([s1.reduce((a, v) => a + v, 0), s2.reduce((a, v) => a + v, 0)]).toEqual([sizes.s1, sizes.s2]);
        for (const [block, s] of [
          [1 + 2 * t, s1],
          [2 + 2 * t, s2],
        ] as const) {
          for (let f = 0; f < F; f++) {
            const p = playerOfFeature[f];
            const expected = p < 0 || s[p] ? x[rows[b] * F + f] : baseline[f];
            expect(out[(block * 2 + b) * F + f]).toBe(expected);
          }
        }
      }
    }
  });

  it('the objective equals CE + λ1·L+ + λ2·L− computed independently in float64', () => {
    const F = 8;
    const B = 5;
    const model = buildMlp({ inputDim: F, hidden: 12, layers: 3, classes: 3, seed: 4 });
    const x = Float32Array.from({ length: B * F }, (_, k) => Math.sin(k * 1.3));
    const y = Int32Array.from([0, 1, 2, 1, 0]);
    const rows = [0, 1, 2, 3, 4];
    const rngOf = (b: number) => Rng.create(5).fork(b);
    const data = buildOrderLossInputs(x, rows, F, config, rngOf);
    const got = tf.tidy(() => {
      const z = model.predict(tf.tensor2d(data, [B * 5, F])) as tf.Tensor2D;
      const r = orderLossObjective(z, tf.oneHot(tf.tensor1d(y, 'int32'), 3) as tf.Tensor2D, config);
      return [r.total, r.ce, ...r.terms].map((t) => t.dataSync()[0]);
    });
    // Independent path: mask each sample by hand, one model call per masked input.
    const logitsOf = (v: number[]) =>
      tf.tidy(() => Array.from((model.predict(tf.tensor2d(v, [1, F])) as tf.Tensor).dataSync()));
    const logSoftmax = (z: number[]) => {
      const m = Math.max(...z);
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
      return z.map((v) => v - lse);
    };
    let ce = 0;
    let plus = 0;
    let minus = 0;
    for (let b = 0; b < B; b++) {
      const xb = Array.from(x.subarray(b * F, b * F + F));
      ce -= logSoftmax(logitsOf(xb))[y[b]] / B;
      config.terms.forEach((term, t) => {
        const { s1, s2 } = sampleNestedCoalitions(n, term.r1, term.r2, rngOf(b).fork(t));
        const masked = (s: Uint8Array) =>
          xb.map((v, f) => (playerOfFeature[f] < 0 || s[playerOfFeature[f]] ? v : baseline[f]));
        // Ratio of the sizes actually drawn (Theorem 2), counted from the sets themselves.
        const size1 = s1.reduce((a, v) => a + v, 0);
        const size2 = s2.reduce((a, v) => a + v, 0);
        const coef = size1 === 0 ? 1 : size2 / size1;
        const z1 = logitsOf(masked(s1));
        const du = logitsOf(masked(s2)).map((v, c) => v - coef * z1[c]);
        const lp = logSoftmax(du);
        if (term.kind === 'plus') plus -= lp[y[b]] / B;
        else minus += lp.reduce((s, l) => s + Math.exp(l) * l, 0) / B;
      });
    }
    expect(got[1]).toBeCloseTo(ce, 5);
    expect(got[2]).toBeCloseTo(plus, 4);
    expect(got[3]).toBeCloseTo(minus, 5);
    expect(got[0]).toBeCloseTo(ce + 0.7 * plus + 1.3 * minus, 4);
    expect(minus).toBeLessThanOrEqual(0); // −entropy
    expect(minus).toBeGreaterThanOrEqual(-Math.log(3));
    model.dispose();
  });

  it('training with minus:0,0.5 raises the entropy of softmax(Δu(0,0.5)) compared with normal training', async () => {
    const nf = 8;
    const { x, y } = interactionData(1500, nf, 2);
    const minusCfg: OrderLossConfig = {
      terms: parseOrderLossSpec('minus:0,0.5'),
      lambdaPlus: 1,
      lambdaMinus: 1,
      players: nf,
      playerOfFeature: identityPlayers(nf),
      baseline: new Float32Array(nf),
    };
    const train = async (orderLosses?: OrderLossConfig) => {
      const model = buildMlp({ inputDim: nf, hidden: 32, layers: 3, classes: 2, seed: 8 });
      const { history } = await trainClassifier({
        model,
        x,
        y,
        featureCount: nf,
        epochs: 6,
        batchSize: 64,
        learningRate: 3e-3,
        seed: 8,
        orderLosses,
      });
      const measured = await evaluateOrderLosses({
        model,
        x: x.subarray(0, 500 * nf),
        y: y.subarray(0, 500),
        featureCount: nf,
        orderLosses: minusCfg,
        seed: 'eval',
      });
      model.dispose();
      return { history, measured };
    };
    const normal = await train();
    const steered = await train(minusCfg);
    // The trainer reports the term it optimises, and the total includes it (λ2 = 1).
    const last = steered.history[5];
    expect(last.minus).toBeLessThan(0);
    expect(last.loss).toBeCloseTo(last.crossEntropy + last.minus, 5);
    // On held coalitions: L− = Σ p log p is clearly lower (entropy higher) than for normal training.
    expect(steered.measured.terms[0]).toBeLessThan(normal.measured.terms[0] - 0.04);
    expect(steered.measured.terms[0]).toBeGreaterThanOrEqual(-Math.log(2) - 1e-6);
    // Both still learn the task.
    expect(steered.history[5].accuracy).toBeGreaterThan(0.65);
    expect(normal.history[5].accuracy).toBeGreaterThan(0.72);
  });
});

describe('balanced sampling', () => {
  it('makes the model predict the minority class more often', async () => {
    const rng = Rng.create(12);
    const N = 2000;
    const x = new Float32Array(N * 2);
    const y = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      x[2 * i] = rng.normal();
      x[2 * i + 1] = rng.normal();
      y[i] = rng.next() < 1 / (1 + Math.exp(-(1.5 * x[2 * i] - 3))) ? 1 : 0;
    }
    const positiveRate = async (balance: boolean) => {
      const model = buildMlp({ inputDim: 2, hidden: 8, layers: 2, classes: 2, seed: 1 });
      await trainClassifier({
        model,
        x,
        y,
        featureCount: 2,
        epochs: 3,
        batchSize: 64,
        learningRate: 1e-2,
        seed: 1,
        balance,
      });
      const pred = await predictClasses(model, x, 2);
      model.dispose();
      return pred.reduce((s, v) => s + v, 0) / N;
    };
    const prior = y.reduce((s, v) => s + v, 0) / N;
    expect(prior).toBeLessThan(0.2);
    const plain = await positiveRate(false);
    const balanced = await positiveRate(true);
    expect(balanced).toBeGreaterThan(plain + 0.1);
  });
});

describe('trainClassifier input errors', () => {
  const model = () => buildMlp({ inputDim: 3, hidden: 4, layers: 2, classes: 2, seed: 0 });
  const base = {
    x: new Float32Array(6),
    y: Int32Array.from([0, 1]),
    featureCount: 3,
    epochs: 1,
    batchSize: 2,
    learningRate: 0.01,
    seed: 0,
  };
  it.each([
    [{ x: new Float32Array(5) }, /x: expected 2 rows × 3 features = 6 values, got 5/],
    [{ y: Int32Array.from([0, 2]) }, /y: label 2 at row 1 is outside \[0, 2\)/],
    [{ featureCount: 2, x: new Float32Array(4) }, /featureCount: the model takes 3 values per sample/],
    [{ epochs: 0 }, /epochs: expected a positive integer/],
    [{ learningRate: -1 }, /learningRate: expected a positive number/],
    [{ optimizer: 'rmsprop' }, /optimizer: expected 'adam' or 'sgd'/],
    [
      {
        orderLosses: {
          terms: [{ kind: 'plus', r1: 0.5, r2: 0.2 }],
          lambdaPlus: 1,
          lambdaMinus: 1,
          players: 3,
          playerOfFeature: Int32Array.from([0, 1, 2]),
          baseline: new Float32Array(3),
        },
      },
      /orderLosses.terms\[0\]: expected 0 ≤ r1 < r2 ≤ 1/,
    ],
    [
      {
        orderLosses: {
          terms: [],
          lambdaPlus: 1,
          lambdaMinus: 1,
          players: 3,
          playerOfFeature: Int32Array.from([0, 1, 3]),
          baseline: new Float32Array(3),
        },
      },
      /orderLosses.playerOfFeature: feature 2 maps to player 3/,
    ],
    [
      {
        orderLosses: {
          terms: [],
          lambdaPlus: 1,
          lambdaMinus: 1,
          players: 3,
          playerOfFeature: Int32Array.from([0, 1, 2]),
          baseline: new Float32Array(2),
        },
      },
      /orderLosses.baseline: expected a Float32Array of length featureCount = 3/,
    ],
  ])('%o', async (patch, message) => {
    const m = model();
    await expect(trainClassifier({ ...base, model: m, ...(patch as object) })).rejects.toThrow(message);
    m.dispose();
  });
});
