import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildMlp } from './build-mlp.js';

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('buildMlp', () => {
  it.each([5, 8])(
    'MLP-%i: that many Dense layers, 100 hidden units, ReLU between, linear logits',
    (layers) => {
      const m = buildMlp({ inputDim: 12, layers, classes: 2, seed: 0 });
      const dense = m.layers as tf.layers.Layer[];
      expect(dense).toHaveLength(layers);
      expect(dense.map((l) => l.getClassName())).toEqual(Array(layers).fill('Dense'));
      const cfg = dense.map((l) => l.getConfig() as { units: number; activation: string });
      expect(cfg.map((c) => c.units)).toEqual([...Array(layers - 1).fill(100), 2]);
      expect(cfg.map((c) => c.activation)).toEqual([...Array(layers - 1).fill('relu'), 'linear']);
      // 12·100 + 100 + (layers − 2)·(100·100 + 100) + 100·2 + 2 parameters.
      expect(m.countParams()).toBe(1300 + (layers - 2) * 10100 + 202);
      expect(m.outputs[0].shape).toEqual([null, 2]);
      m.dispose();
    },
  );

  it('is reproducible from its seed, and seeds differ per layer and per seed', () => {
    const a = buildMlp({ inputDim: 5, hidden: 7, layers: 3, classes: 3, seed: 42 });
    const b = buildMlp({ inputDim: 5, hidden: 7, layers: 3, classes: 3, seed: 42 });
    const c = buildMlp({ inputDim: 5, hidden: 7, layers: 3, classes: 3, seed: 43 });
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(weightsOf(c)[0]).not.toEqual(weightsOf(a)[0]);
    // Layers get their own seeds: the second kernel does not repeat the first one's draw.
    expect(weightsOf(a)[2].slice(0, 5)).not.toEqual(weightsOf(a)[0].slice(0, 5));
    // Glorot-uniform bound sqrt(6/(fanIn+fanOut)); biases start at zero.
    const bound = Math.sqrt(6 / (5 + 7));
    expect(Math.max(...weightsOf(a)[0].map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(weightsOf(a)[1]).toEqual(Array(7).fill(0));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('a single layer is a linear model; bad options name the field', () => {
    const m = buildMlp({ inputDim: 3, layers: 1, classes: 4, seed: 's' });
    expect(m.countParams()).toBe(3 * 4 + 4);
    m.dispose();
    expect(() => buildMlp({ inputDim: 0, layers: 2, classes: 2, seed: 1 })).toThrow(
      /inputDim: expected a positive integer/,
    );
    expect(() => buildMlp({ inputDim: 3, layers: 2.5, classes: 2, seed: 1 })).toThrow(
      /layers: expected a positive integer/,
    );
    expect(() => buildMlp({ inputDim: 3, layers: 2, classes: 2, hidden: -1, seed: 1 })).toThrow(/hidden/);
    expect(() => buildMlp({ inputDim: 3, layers: 2, classes: 2, seed: NaN })).toThrow(/seed/);
  });
});
