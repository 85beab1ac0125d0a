import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { Masker, ModelOutput, ModelRunner } from '../model/contracts.js';
import type { NamedTensors } from '../model/tensor.js';
import { computeReward } from '../reward/reward.js';
import { ModelGame } from './model-game.js';

// A linear 2-class model written out in JS: the contract test needs logits it can predict, not a
// trained network (the runtimes' tests run ModelGame over real ONNX and tfjs models).
const W = [0.5, -1, 2, 0.25];
const masker: Masker = {
  n: 4,
  mask(b: CoalitionBatch, s: number, e: number): NamedTensors {
    const data = new Float32Array((e - s) * 4);
    for (let k = s; k < e; k++) for (let i = 0; i < 4; i++) data[(k - s) * 4 + i] = b.has(k, i) ? 1 : 0;
    return { x: { type: 'float32', data, dims: [e - s, 4] } };
  },
};
const runner: ModelRunner = {
  backend: 'js:linear',
  inputNames: ['x'],
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const x = inputs.x.data as Float32Array;
    const rows = x.length / 4;
    const data = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let i = 0; i < 4; i++) z += W[i] * x[r * 4 + i];
      data[r * 2 + 1] = z;
    }
    return { data, rows, classes: 2 };
  },
  async dispose() {},
};

describe('ModelGame', () => {
  it('hands every batch of logits to onLogits with its coalitions, so rewards can be recomputed', async () => {
    const stored = new Map<number, Float32Array>();
    const game = new ModelGame(masker, runner, {
      reward: { name: 'log-odds', label: 1 },
      batchSize: 3,
      onLogits: (out, coalitions, start, end) => {
        for (let k = start; k < end; k++)
          stored.set(coalitions.mask(k), out.data.slice((k - start) * 2, (k - start + 1) * 2));
      },
    });
    const all = CoalitionBatch.fromMasks(
      4,
      Array.from({ length: 16 }, (_, k) => 15 - k),
    );
    const values = await game.evaluate(all);
    expect(stored.size).toBe(16);
    expect(game.modelCalls).toBe(16);
    for (let k = 0; k < 16; k++) {
      const mask = all.mask(k);
      let z = 0;
      for (let i = 0; i < 4; i++) if (mask & (1 << i)) z += W[i];
      expect(values[k]).toBeCloseTo(z, 5); // log-odds of a (0, z) model is z
      const again = new Float64Array(1);
      computeReward('prob', { data: stored.get(mask)!, rows: 1, classes: 2 }, 1, again);
      expect(again[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    }
  });

  it('subtracts v(∅) when asked and never calls the model twice for a coalition', async () => {
    const game = new ModelGame(masker, runner, { reward: { label: 1, subtractEmpty: true } });
    const b = CoalitionBatch.fromMasks(4, [0, 5, 5, 15]);
    const v = await game.evaluate(b);
    expect(Array.from(v, (x) => Number(x.toFixed(5)))).toEqual([0, 2.5, 2.5, 1.75]);
    await game.evaluate(b);
    expect(game.modelCalls).toBe(3);
  });
});

describe('ModelGame input recycling', () => {
  it('gives each batch back to the masker only after the model call on it has finished', async () => {
    const events: string[] = [];
    const recycling: Masker = {
      n: 4,
      mask: (b, s, e) => (events.push(`mask ${s}`), masker.mask(b, s, e)),
      recycle: (inputs) => events.push(`recycle ${inputs.x.dims[0]}`),
    };
    const tracing: ModelRunner = {
      ...runner,
      backend: 'js:gpu', // off the CPU, so masking is pipelined and two batches are in flight
      async run(inputs) {
        events.push('run start');
        await new Promise((r) => setTimeout(r, 1));
        const out = await runner.run(inputs);
        events.push('run end');
        return out;
      },
    };
    const game = new ModelGame(recycling, tracing, { reward: { label: 1 }, batchSize: 6 });
    const values = await game.evaluate(
      CoalitionBatch.fromMasks(
        4,
        Array.from({ length: 16 }, (_, k) => k),
      ),
    );
    expect(values[15]).toBeCloseTo(
      W.reduce((a, b) => a + b),
      5,
    );
    // Batches of 6, 6, 4: batch k+1 is masked while k runs, and k is recycled after its run ends.
    expect(events).toEqual([
      'mask 0',
      'run start',
      'mask 6',
      'run end',
      'recycle 6',
      'run start',
      'mask 12',
      'run end',
      'recycle 6',
      'run start',
      'run end',
      'recycle 4',
    ]);
  });
});
