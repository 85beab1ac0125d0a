/**
 * Census PGD in two units (issue 11, exploratory): the papers' attack is L∞ with ε = 0.6 and
 * step 0.01, but they do not say in which units. `reproduce census` attacks the z-scored inputs
 * (ε = 0.6 standard deviations of every feature). The ICLR-2022 code has no preprocessing, so
 * there ε = 0.6 is in each feature's own units (0.6 years of age, 0.6 of an integer code), which
 * is ε_f = 0.6/σ_f in z-space. This script attacks the models a `reproduce census` run trained,
 * both ways, on the first 2,000 test rows (no clipping, no random start, 100 steps), and prints
 * the adversarial accuracy per model type as mean ± sd over seeds.
 *
 * Run: `npm run build && node --import tsx tools/experiments/census-pgd-units.ts <out>/models`
 * where `<out>` is the `--out` of a finished `orderlens reproduce census`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCensus } from '@orderlens/tabular';
import { initTfjs, loadLayersModel } from '@orderlens/runtime-tfjs';
import { sumCrossEntropy } from '../../packages/runtime-tfjs/dist/runner/tfjs-runner.js';
import { twoClassLogits } from '../../packages/runtime-tfjs/dist/train/two-class-logits.js';

const root = process.argv[2];
if (!root || !existsSync(root)) throw new Error('usage: census-pgd-units.ts <reproduce-out>/models');
// wasm: several times faster than the cpu backend for these small dense layers.
console.error(`tfjs backend: ${await initTfjs(['wasm', 'cpu'])}`);
const test = loadCensus().test;
const N = 2000;
const d = 12;
const x = test.x.subarray(0, N * d);
const y = test.y.subarray(0, N);

/** Accuracy of `model` on `xs` (first N rows). */
function accuracy(model: tf.LayersModel, xs: Float32Array): number {
  const p = tf.tidy(() =>
    twoClassLogits(model.predict(tf.tensor(xs, [N, d])) as tf.Tensor2D)
      .argMax(1)
      .dataSync(),
  );
  let c = 0;
  for (let i = 0; i < N; i++) c += p[i] === y[i] ? 1 : 0;
  return c / N;
}

/** PGD-L∞ with a per-feature radius and step (z-space), 100 steps from x. */
function attack(model: tf.LayersModel, eps: Float32Array, step: Float32Array): Float32Array {
  const x0 = tf.tensor(x, [N, d]);
  const labels = tf.tensor1d(y, 'int32');
  const lo = tf.sub(x0, tf.tensor(eps, [1, d]));
  const hi = tf.add(x0, tf.tensor(eps, [1, d]));
  const s = tf.tensor(step, [1, d]);
  const grad = tf.grad((xx: tf.Tensor) =>
    sumCrossEntropy(model.apply(xx, { training: false }) as tf.Tensor, labels),
  );
  let xa = x0.clone();
  for (let k = 0; k < 100; k++) {
    const next = tf.tidy(() => tf.minimum(tf.maximum(tf.add(xa, tf.mul(tf.sign(grad(xa)), s)), lo), hi));
    xa.dispose();
    xa = next;
  }
  const out = xa.dataSync() as Float32Array;
  tf.dispose([x0, labels, lo, hi, s, xa]);
  return out;
}

const results = new Map<string, { z: number[]; raw: number[]; clean: number[] }>();
for (const seed of readdirSync(root).sort()) {
  for (const name of readdirSync(join(root, seed)).sort()) {
    const dir = join(root, seed, name);
    if (!existsSync(join(dir, 'model.json'))) continue;
    const pre = JSON.parse(readFileSync(join(dir, 'preprocessing.json'), 'utf8')) as {
      columns: Array<{ outputs: Array<{ std: number }> }>;
    };
    const std = Float32Array.from(pre.columns.flatMap((c) => c.outputs.map((o) => o.std)));
    const model = await loadLayersModel(join(dir, 'model.json'));
    const r = results.get(name) ?? { z: [], raw: [], clean: [] };
    r.clean.push(accuracy(model, x));
    r.z.push(accuracy(model, attack(model, new Float32Array(d).fill(0.6), new Float32Array(d).fill(0.01))));
    r.raw.push(
      accuracy(
        model,
        attack(
          model,
          std.map((v) => 0.6 / v),
          std.map((v) => 0.01 / v),
        ),
      ),
    );
    results.set(name, r);
    model.dispose();
    console.error(`${seed}/${name}: z ${r.z.at(-1)!.toFixed(4)} raw ${r.raw.at(-1)!.toFixed(4)}`);
  }
}
const ms = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${(100 * m).toFixed(2)} ± ${(100 * sd).toFixed(2)}`;
};
console.log(
  '| model | seeds | clean acc % | adv acc %, ε = 0.6 in z units | adv acc %, ε = 0.6 in raw units |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, r] of results)
  console.log(`| ${name} | ${r.z.length} | ${ms(r.clean)} | ${ms(r.z)} | ${ms(r.raw)} |`);
