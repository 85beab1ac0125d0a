import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildMlp } from '../models/build-mlp.js';
import { writeGraphModel } from '../test-utils/graph-model-fixture.js';
import { detectModelKind, loadGraphModel, loadLayersModel, saveLayersModel } from './model-files.js';

let dir: string;
beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  dir = mkdtempSync(join(tmpdir(), 'orderlens-tfjs-io-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = (rows: number, cols: number) =>
  tf.tensor2d(
    Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(k * 0.7) * 2),
    [rows, cols],
  );

describe('saveLayersModel / loadLayersModel', () => {
  it('round-trips weights and predictions exactly, leaving no temporary files', async () => {
    const model = buildMlp({ inputDim: 6, hidden: 16, layers: 3, classes: 3, seed: 11 });
    const path = await saveLayersModel(model, join(dir, 'mlp'));
    expect(path).toBe(join(dir, 'mlp', 'model.json'));
    expect(readdirSync(join(dir, 'mlp')).sort()).toEqual(['model.json', 'weights.bin']);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('layers-model');
    expect(detectModelKind(path)).toBe('layers');

    const loaded = await loadLayersModel(path);
    const a = model.getWeights();
    const b = loaded.getWeights();
    expect(b.length).toBe(a.length);
    for (let k = 0; k < a.length; k++)
      expect(Array.from(b[k].dataSync())).toEqual(Array.from(a[k].dataSync()));
    const x = inputs(5, 6);
    const pa = model.predict(x) as tf.Tensor;
    const pb = loaded.predict(x) as tf.Tensor;
    expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
    tf.dispose([x, pa, pb]);
    model.dispose();
    loaded.dispose();
  });

  it('overwrites an existing save in place', async () => {
    const m1 = buildMlp({ inputDim: 4, hidden: 8, layers: 2, classes: 2, seed: 1 });
    const m2 = buildMlp({ inputDim: 4, hidden: 8, layers: 2, classes: 2, seed: 2 });
    const out = join(dir, 'overwrite');
    await saveLayersModel(m1, out);
    const path = await saveLayersModel(m2, out);
    const loaded = await loadLayersModel(path);
    expect(Array.from(loaded.getWeights()[0].dataSync())).toEqual(Array.from(m2.getWeights()[0].dataSync()));
    [m1, m2, loaded].forEach((m) => m.dispose());
  });
});

describe('load errors name the path', () => {
  it('missing model.json', async () => {
    const p = join(dir, 'nope', 'model.json');
    await expect(loadLayersModel(p)).rejects.toThrow(
      new RegExp(`cannot read tfjs model file ${escape(p)}.*ENOENT`),
    );
  });

  it('corrupt JSON', async () => {
    const p = join(dir, 'corrupt.json');
    writeFileSync(p, '{"modelTopology": ');
    await expect(loadLayersModel(p)).rejects.toThrow(new RegExp(`${escape(p)} is not valid JSON`));
  });

  it('JSON that is not a tfjs model', async () => {
    const p = join(dir, 'other.json');
    writeFileSync(p, '{"hello": 1}');
    await expect(loadGraphModel(p)).rejects.toThrow(/has no 'modelTopology'/);
  });

  it('missing and truncated weight shards', async () => {
    const model = buildMlp({ inputDim: 3, hidden: 4, layers: 2, classes: 2, seed: 3 });
    const out = join(dir, 'broken');
    const path = await saveLayersModel(model, out);
    model.dispose();
    const weights = join(out, 'weights.bin');
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, bytes.length - 8));
    await expect(loadLayersModel(path)).rejects.toThrow(
      new RegExp(`${escape(weights)} hold ${bytes.length - 8} bytes but .* needing ${bytes.length} bytes`),
    );
    rmSync(weights);
    await expect(loadLayersModel(path)).rejects.toThrow(
      new RegExp(`cannot read weight shard ${escape(weights)}.*ENOENT`),
    );
  });

  it('the wrong loader for the format', async () => {
    const g = writeGraphModel(
      join(dir, 'g0'),
      new Float32Array(2),
      new Float32Array(1),
      new Float32Array(1),
      2,
      1,
      1,
    );
    await expect(loadLayersModel(g)).rejects.toThrow(/is a graph-model; use loadGraphModel/);
  });
});

describe('loadGraphModel', () => {
  it('loads a hand-written GraphDef and computes relu(x·W + b)·V', async () => {
    const [inDim, hidden, classes] = [3, 4, 2];
    const W = Float32Array.from({ length: inDim * hidden }, (_, k) => ((k * 37) % 11) / 5 - 1);
    const b = Float32Array.from({ length: hidden }, (_, k) => k * 0.1 - 0.15);
    const V = Float32Array.from({ length: hidden * classes }, (_, k) => ((k * 13) % 7) / 3 - 1);
    const path = writeGraphModel(join(dir, 'graph'), W, b, V, inDim, hidden, classes);
    expect(detectModelKind(path)).toBe('graph');
    const model = await loadGraphModel(path);
    expect(model.inputs.map((t) => t.name)).toEqual(['x']);
    expect(model.outputs.map((t) => t.name)).toEqual(['logits']);
    const xs = [0.5, -1, 2, 1.5, 0.25, -0.75];
    const x = tf.tensor2d(xs, [2, inDim]);
    const y = model.execute(x) as tf.Tensor;
    const got = y.dataSync();
    for (let r = 0; r < 2; r++) {
      const h = Array.from({ length: hidden }, (_, j) =>
        Math.max(0, b[j] + [0, 1, 2].reduce((s, i) => s + xs[r * inDim + i] * W[i * hidden + j], 0)),
      );
      for (let c = 0; c < classes; c++)
        expect(got[r * classes + c]).toBeCloseTo(
          h.reduce((s, hj, j) => s + hj * V[j * classes + c], 0),
          5,
        );
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
