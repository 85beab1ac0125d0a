// TensorFlow.js runtime: raw throughput of an MLP-5 on census-sized inputs (12 features) per
// batch size, then how much of it survives the TfjsRunner (tensor conversion + read-back) and the
// full ModelGame path (Evaluator + masking + reward) that every analysis uses.
// Backend: the default preference (node-gpu, node, wasm, cpu), or ORDERLENS_TFJS_BACKEND=cpu|wasm|….
import * as tf from '@tensorflow/tfjs';
import {
  CoalitionBatch,
  float32Tensor,
  ModelGame,
  Rng,
  type Masker,
  type NamedTensors,
} from '@orderlens/core';
import { buildMlp, initTfjs, TfjsRunner, type TfjsBackendName } from '@orderlens/runtime-tfjs';

const N_FEATURES = 12;
const wanted = process.env.ORDERLENS_TFJS_BACKEND as TfjsBackendName | undefined;
const backend = await initTfjs(wanted ? [wanted] : undefined, { require: wanted !== undefined });
console.log(`tfjs backend: ${backend} (tfjs ${tf.version.tfjs})`);

const model = buildMlp({ inputDim: N_FEATURES, layers: 5, classes: 2, seed: 0 });
const runner = TfjsRunner.fromModel(model);
const rng = Rng.create('bench');
const x = Float32Array.from({ length: N_FEATURES }, () => rng.normal());
const baseline = new Float32Array(N_FEATURES);

/**
 * Items per second of each function: rounds of about `ms` milliseconds alternate between the
 * functions (so load from other processes hits them alike) and the best round of each counts.
 * The first round of each is a warm-up.
 */
async function compare(
  fns: Record<string, { items: number; fn: () => Promise<unknown> }>,
  rounds = 4,
  ms = 250,
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let round = 0; round <= rounds; round++) {
    for (const [name, { items, fn }] of Object.entries(fns)) {
      let calls = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms) {
        await fn();
        calls++;
      }
      const r = (items * calls * 1000) / (performance.now() - t0);
      if (round > 0) best[name] = Math.max(best[name] ?? 0, r);
    }
  }
  return best;
}

/** Raw tfjs: predict on a tensor that already exists and read the logits back. */
function rawPredict(batch: number): { items: number; fn: () => Promise<unknown>; dispose: () => void } {
  const input = tf.tensor2d(
    Float32Array.from({ length: batch * N_FEATURES }, () => rng.normal()),
    [batch, N_FEATURES],
  );
  return {
    items: batch,
    fn: async () => {
      const y = model.predict(input, { batchSize: batch }) as tf.Tensor;
      await y.data();
      y.dispose();
    },
    dispose: () => input.dispose(),
  };
}

console.log('\nbatch | raw tfjs inputs/s | TfjsRunner inputs/s | runner / raw');
let best = { batch: 0, raw: 0 };
for (const batch of [1, 16, 64, 256, 1024, 4096]) {
  const raw = rawPredict(batch);
  const feeds: NamedTensors = {
    x: float32Tensor(
      Float32Array.from({ length: batch * N_FEATURES }, () => rng.normal()),
      [batch, N_FEATURES],
    ),
  };
  const r = await compare({ raw, runner: { items: batch, fn: () => runner.run(feeds) } });
  raw.dispose();
  if (r.raw > best.raw) best = { batch, raw: r.raw };
  console.log(
    `${String(batch).padStart(5)} | ${r.raw.toFixed(0).padStart(17)} | ${r.runner.toFixed(0).padStart(19)} | ${(r.runner / r.raw).toFixed(2)}`,
  );
}
console.log(`best raw batch: ${best.batch} (${best.raw.toFixed(0)} inputs/s)`);

// Full path: a ModelGame over the 12 players evaluates all 2^12 coalitions of one input with a
// tiny baseline masker; a fresh game per call so its cache does not skip model calls.
const masker: Masker = {
  n: N_FEATURES,
  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    const out = new Float32Array((end - start) * N_FEATURES);
    for (let k = start; k < end; k++) {
      const o = (k - start) * N_FEATURES;
      for (let i = 0; i < N_FEATURES; i++) out[o + i] = batch.has(k, i) ? x[i] : baseline[i];
    }
    return { x: float32Tensor(out, [end - start, N_FEATURES]) };
  },
};
const all = CoalitionBatch.fromMasks(
  N_FEATURES,
  Array.from({ length: 2 ** N_FEATURES }, (_, m) => m),
);
console.log('\nModelGame, all 2^12 coalitions | coalitions/s | raw inputs/s | game / raw (same batch)');
for (const batchSize of [...new Set([256, best.batch])]) {
  const raw = rawPredict(batchSize);
  const game = {
    items: all.count,
    fn: async () => {
      const g = new ModelGame(masker, runner, { reward: { label: 1 }, batchSize });
      await g.evaluate(all);
    },
  };
  const r = await compare({ raw, game }, 4, 400);
  raw.dispose();
  console.log(
    `batchSize ${String(batchSize).padStart(4)}                 | ${r.game.toFixed(0).padStart(12)} | ${r.raw.toFixed(0).padStart(12)} | ${(r.game / r.raw).toFixed(2)}`,
  );
}
await runner.dispose();
model.dispose();
