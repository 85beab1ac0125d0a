import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../models/build-mlp.js';
import { TfjsRunner } from '../runner/tfjs-runner.js';
import { censusSlice } from '../test-utils/census-slice.js';
import { evaluateAccuracy } from './dataset.js';
import { trainClassifier } from './train-classifier.js';
import { meanCrossEntropy } from './order-loss-batch.js';

describe('binary models with a single sigmoid logit', () => {
  it('cross-entropy of (0, z) equals the logistic loss', () => {
    const z = [-2, 0.5, 3];
    const y = [1, 0, 1];
    const ce = tf.tidy(
      () =>
        meanCrossEntropy(
          tf.tensor2d(z, [3, 1]),
          tf.oneHot(tf.tensor1d(y, 'int32'), 2) as tf.Tensor2D,
        ).dataSync()[0],
    );
    const logistic = z.reduce((s, zi, k) => s + Math.log1p(Math.exp(y[k] === 1 ? -zi : zi)), 0) / z.length;
    expect(ce).toBeCloseTo(logistic, 5);
  });

  it('train, predict, attack and take input gradients like a two-class model', async () => {
    const { x, y, featureCount } = censusSlice(600);
    const model = buildMlp({ inputDim: featureCount, hidden: 16, layers: 2, classes: 1, seed: 3 });
    const before = await evaluateAccuracy(model, x, y, featureCount);
    const majority = Math.max(y.filter((c) => c === 1).length, y.filter((c) => c === 0).length) / y.length;
    await trainClassifier({
      model,
      x,
      y,
      featureCount,
      epochs: 4,
      batchSize: 64,
      learningRate: 0.01,
      seed: 1,
      orderLosses: {
        terms: [{ kind: 'minus', r1: 0, r2: 0.5 }],
        lambdaPlus: 1,
        lambdaMinus: 1,
        players: featureCount,
        playerOfFeature: Int32Array.from({ length: featureCount }, (_, f) => f),
        baseline: new Float32Array(featureCount),
      },
    });
    const after = await evaluateAccuracy(model, x, y, featureCount);
    expect(after).toBeGreaterThan(Math.max(before, majority));
    const runner = TfjsRunner.fromModel(model);
    const g = await runner.capabilities!.inputGradients!.crossEntropyGradient(
      { x: { type: 'float32', data: x.subarray(0, featureCount), dims: [1, featureCount] } },
      'x',
      Int32Array.from([1]),
    );
    expect(g.gradient.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});
