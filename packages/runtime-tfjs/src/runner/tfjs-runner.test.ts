import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoalitionBatch,
  float32Tensor,
  hasCapability,
  ModelGame,
  OrderlensInputError,
  type Masker,
  type NamedTensors,
} from '@orderlens/core';
import { initTfjs } from '../backend/init-tfjs.js';
import { saveLayersModel } from '../io/model-files.js';
import { buildMlp } from '../models/build-mlp.js';
import { writeGraphModel } from '../test-utils/graph-model-fixture.js';
import { TfjsRunner } from './tfjs-runner.js';

const FIXTURE = fileURLToPath(new URL('../../../../fixtures/census-mlp5/', import.meta.url));
const fixtureModel = join(FIXTURE, 'tfjs', 'model.json');

let dir: string;
beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  dir = mkdtempSync(join(tmpdir(), 'orderlens-tfjs-runner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsOf = (rows: number, cols: number, phase = 0) =>
  Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(k * 0.37 + phase) * 1.5);
const feed = (data: Float32Array, rows: number, cols: number): NamedTensors => ({
  x: float32Tensor(data, [rows, cols]),
});

describe('TfjsRunner on a LayersModel', () => {
  it('returns exactly model.predict, as rows × classes', async () => {
    const model = buildMlp({ inputDim: 12, layers: 5, classes: 3, seed: 7 });
    const runner = TfjsRunner.fromModel(model);
    expect(runner.backend).toBe('tfjs:wasm');
    expect(runner.inputNames).toHaveLength(1);
    const data = rowsOf(37, 12);
    const out = await runner.run(feed(data, 37, 12));
    expect(out.rows).toBe(37);
    expect(out.classes).toBe(3);
    const x = tf.tensor2d(data, [37, 12]);
    const ref = model.predict(x) as tf.Tensor;
    expect(Array.from(out.data)).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, ref]);
    await runner.dispose();
    // fromModel leaves the model to its owner.
    expect(() => model.predict(tf.zeros([1, 12]))).not.toThrow();
    await expect(runner.run(feed(data, 37, 12))).rejects.toThrow(/disposed/);
    model.dispose();
  });

  // Issue 24: nsfwjs on wasm crashed at the default 256 rows (`memory access out of bounds`).
  // On wasm a batch above the element cap is run in calls that fit it, with the same numbers.
  it('splits a batch above the wasm element cap into calls that fit it, logits unchanged', async () => {
    const model = buildMlp({ inputDim: 12, layers: 3, classes: 3, seed: 5 });
    const whole = TfjsRunner.fromModel(model);
    const capped = TfjsRunner.fromModel(model, { wasmMaxBatchElements: 5 * 12 });
    const data = rowsOf(23, 12);
    const ref = await whole.run(feed(data, 23, 12));
    const split = await capped.run(feed(data, 23, 12));
    expect(capped.maxBatchRows).toBe(5);
    expect(whole.maxBatchRows).toBeGreaterThan(23);
    expect(split.rows).toBe(23);
    expect(split.classes).toBe(3);
    expect(Array.from(split.data)).toEqual(Array.from(ref.data));
    // The cap counts input elements: a row larger than it still runs, one row per call.
    const tiny = TfjsRunner.fromModel(model, { wasmMaxBatchElements: 7 });
    expect(Array.from((await tiny.run(feed(data, 23, 12))).data)).toEqual(Array.from(ref.data));
    expect(tiny.maxBatchRows).toBe(1);
    expect(() => TfjsRunner.fromModel(model, { wasmMaxBatchElements: 0 })).toThrow(/wasmMaxBatchElements/);
    model.dispose();
  });

  it('accepts int32 and int64 inputs by converting them to the model dtype', async () => {
    const model = buildMlp({ inputDim: 4, hidden: 8, layers: 2, classes: 2, seed: 1 });
    const runner = TfjsRunner.fromModel(model);
    const ints = [1, -2, 3, 0, 5, 6, -7, 8];
    const f = await runner.run({ x: float32Tensor(Float32Array.from(ints), [2, 4]) });
    const i32 = await runner.run({ x: { type: 'int32', data: Int32Array.from(ints), dims: [2, 4] } });
    const i64 = await runner.run({
      x: { type: 'int64', data: BigInt64Array.from(ints.map(BigInt)), dims: [2, 4] },
    });
    expect(Array.from(i32.data)).toEqual(Array.from(f.data));
    expect(Array.from(i64.data)).toEqual(Array.from(f.data));
    await expect(
      runner.run({ x: { type: 'int64', data: BigInt64Array.from([2n ** 40n, 0n, 0n, 0n]), dims: [1, 4] } }),
    ).rejects.toThrow(/does not fit in int32/);
    model.dispose();
  });

  it('does not leak tensors over 200 runs (run and gradients)', async () => {
    const model = buildMlp({ inputDim: 12, hidden: 32, layers: 3, classes: 2, seed: 3 });
    const runner = TfjsRunner.fromModel(model);
    const data = rowsOf(16, 12);
    const labels = Int32Array.from({ length: 16 }, (_, k) => k % 2);
    await runner.run(feed(data, 16, 12)); // warm-up (kernels may cache tensors once)
    await runner.capabilities.inputGradients!.crossEntropyGradient(feed(data, 16, 12), 'x', labels);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 200; k++) await runner.run(feed(data, 16, 12));
    for (let k = 0; k < 20; k++)
      await runner.capabilities.inputGradients!.crossEntropyGradient(feed(data, 16, 12), 'x', labels);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      runner.run({ x: { type: 'float32', data: data.subarray(0, 16 * 11), dims: [16, 11] } }),
    ).rejects.toThrow(/expected shape/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('validates inputs with errors naming the field and the expected shape', async () => {
    const model = buildMlp({ inputDim: 12, hidden: 8, layers: 2, classes: 2, seed: 3 });
    const runner = TfjsRunner.fromModel(model);
    const name = runner.inputNames[0];
    await expect(runner.run(feed(rowsOf(2, 11), 2, 11))).rejects.toThrow(
      new RegExp(`inputs.${name}: expected shape \\[batch, 12\\], got \\[2, 11\\]`),
    );
    await expect(runner.run({ x: float32Tensor(rowsOf(2, 12), [2, 3, 4]) })).rejects.toThrow(
      /expected shape \[batch, 12\], got \[2, 3, 4\]/,
    );
    await expect(runner.run({ x: { type: 'float32', data: rowsOf(1, 12), dims: [2, 12] } })).rejects.toThrow(
      /needs 24 values, got 12/,
    );
    await expect(
      runner.run({ a: float32Tensor(rowsOf(1, 12), [1, 12]), b: float32Tensor(rowsOf(1, 12), [1, 12]) }),
    ).rejects.toThrow(OrderlensInputError);
    expect(() => TfjsRunner.fromModel(model, { outputName: 'nope' })).toThrow(
      /unknown output 'nope'; the model has \[logits\]/,
    );
    expect(() => TfjsRunner.fromModel({} as tf.LayersModel)).toThrow(
      /expected a tfjs LayersModel or GraphModel/,
    );
    model.dispose();
  });

  it('inputGradients matches central finite differences of the summed cross-entropy', async () => {
    // Smooth activations so finite differences are accurate.
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        units: 10,
        activation: 'tanh',
        inputShape: [5],
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    );
    model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    const runner = TfjsRunner.fromModel(model);
    expect(hasCapability(runner, 'inputGradients')).toBe(true);
    const rows = 3;
    const data = rowsOf(rows, 5, 0.3);
    const labels = Int32Array.from([0, 2, 1]);
    const { logits, gradient } = await runner.capabilities.inputGradients!.crossEntropyGradient(
      feed(data, rows, 5),
      'x',
      labels,
    );
    const plain = await runner.run(feed(data, rows, 5));
    for (let k = 0; k < plain.data.length; k++) expect(logits.data[k]).toBeCloseTo(plain.data[k], 5);
    const loss = async (d: Float32Array): Promise<number> => {
      const o = await runner.run(feed(d, rows, 5));
      let s = 0;
      for (let r = 0; r < rows; r++) {
        const z = Array.from(o.data.subarray(r * 3, r * 3 + 3));
        const m = Math.max(...z);
        s += Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) + m - z[labels[r]];
      }
      return s;
    };
    const h = 1e-2;
    for (let k = 0; k < data.length; k++) {
      const up = data.slice();
      const down = data.slice();
      up[k] += h;
      down[k] -= h;
      const fd = ((await loss(up)) - (await loss(down))) / (2 * h);
      expect(gradient[k]).toBeCloseTo(fd, 3);
    }
    await expect(
      runner.capabilities.inputGradients!.crossEntropyGradient(
        feed(data, rows, 5),
        'x',
        Int32Array.from([0, 3, 1]),
      ),
    ).rejects.toThrow(/label 3 at row 1 is outside \[0, 3\)/);
    await expect(
      runner.capabilities.inputGradients!.crossEntropyGradient(
        feed(data, rows, 5),
        'x',
        Int32Array.from([0]),
      ),
    ).rejects.toThrow(/labels: expected an Int32Array of 3 labels/);
    model.dispose();
  });

  it('serves as the model of a ModelGame (v(N) and v(∅) are the log-odds of full and baseline inputs)', async () => {
    const model = buildMlp({ inputDim: 4, hidden: 16, layers: 3, classes: 2, seed: 5 });
    const runner = TfjsRunner.fromModel(model);
    const x = Float32Array.from([1.5, -0.5, 2, 0.25]);
    const masker: Masker = {
      n: 4,
      mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
        const out = new Float32Array((end - start) * 4);
        for (let k = start; k < end; k++)
          for (let i = 0; i < 4; i++) out[(k - start) * 4 + i] = batch.has(k, i) ? x[i] : 0;
        return { x: float32Tensor(out, [end - start, 4]) };
      },
    };
    const game = new ModelGame(masker, runner, { reward: { label: 1 } });
    const values = await game.evaluate(CoalitionBatch.fromMasks(4, [0b1111, 0]));
    const z = tf.tidy(() => (model.predict(tf.tensor2d([...x, 0, 0, 0, 0], [2, 4])) as tf.Tensor).dataSync());
    expect(values[0]).toBeCloseTo(z[1] - z[0], 5);
    expect(values[1]).toBeCloseTo(z[3] - z[2], 5);
    model.dispose();
  });
});

describe('TfjsRunner.load', () => {
  it('loads a saved layers model (auto-detected) that returns the same logits', async () => {
    const model = buildMlp({ inputDim: 6, hidden: 10, layers: 3, classes: 4, seed: 9 });
    const path = await saveLayersModel(model, join(dir, 'saved'));
    const runner = await TfjsRunner.load(path);
    expect(runner.model).toBeInstanceOf(tf.LayersModel);
    const data = rowsOf(9, 6);
    const a = await TfjsRunner.fromModel(model).run(feed(data, 9, 6));
    const b = await runner.run(feed(data, 9, 6));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    await runner.dispose();
    model.dispose();
  });

  it('loads a graph model and runs it without leaks; it declares no gradient capability', async () => {
    const W = Float32Array.from({ length: 3 * 5 }, (_, k) => Math.cos(k));
    const b = Float32Array.from({ length: 5 }, (_, k) => 0.1 * k);
    const V = Float32Array.from({ length: 5 * 2 }, (_, k) => Math.sin(k + 1));
    const path = writeGraphModel(join(dir, 'graph'), W, b, V, 3, 5, 2);
    const runner = await TfjsRunner.load(path, { kind: 'auto' });
    expect(runner.inputNames).toEqual(['x']);
    expect(runner.outputName).toBe('logits');
    expect(hasCapability(runner, 'inputGradients')).toBe(false);
    const data = rowsOf(4, 3);
    const out = await runner.run(feed(data, 4, 3));
    expect([out.rows, out.classes]).toEqual([4, 2]);
    for (let r = 0; r < 4; r++) {
      const h = Array.from({ length: 5 }, (_, j) =>
        Math.max(0, b[j] + [0, 1, 2].reduce((s, i) => s + data[r * 3 + i] * W[i * 5 + j], 0)),
      );
      for (let c = 0; c < 2; c++)
        expect(out.data[r * 2 + c]).toBeCloseTo(
          h.reduce((s, hj, j) => s + hj * V[j * 2 + c], 0),
          4,
        );
    }
    const before = tf.memory().numTensors;
    for (let k = 0; k < 50; k++) await runner.run(feed(data, 4, 3));
    expect(tf.memory().numTensors).toBe(before);
    await expect(runner.run(feed(rowsOf(4, 4), 4, 4))).rejects.toThrow(
      /inputs.x: expected shape \[batch, 3\], got \[4, 4\]/,
    );
    await expect(TfjsRunner.load(path, { kind: 'layers' })).rejects.toThrow(/is a graph-model/);
    await runner.dispose();
  });

  it('rejects a bad kind and a missing file naming it', async () => {
    await expect(TfjsRunner.load(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json.*ENOENT/);
    await expect(TfjsRunner.load(join(dir, 'missing.json'), { kind: 'onnx' as never })).rejects.toThrow(
      /kind: expected 'layers', 'graph' or 'auto'/,
    );
  });

  it.skipIf(!existsSync(fixtureModel))(
    'reproduces the torch logits of the census MLP-5 fixture within 1e-4 (fixture absent: run tools/fixtures/census_mlp.py)',
    async () => {
      const meta = JSON.parse(readFileSync(join(FIXTURE, 'meta.json'), 'utf8')) as {
        examples: Array<{ input: number[]; logits: number[] }>;
      };
      const runner = await TfjsRunner.load(fixtureModel);
      const rows = meta.examples.length;
      expect(rows).toBeGreaterThanOrEqual(5);
      const out = await runner.run(feed(Float32Array.from(meta.examples.flatMap((e) => e.input)), rows, 12));
      expect(out.classes).toBe(2);
      meta.examples.forEach((e, r) =>
        e.logits.forEach((v, c) => expect(Math.abs(out.data[r * 2 + c] - v)).toBeLessThan(1e-4)),
      );
      await runner.dispose();
    },
  );
});
