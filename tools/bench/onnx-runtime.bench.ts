/**
 * ONNX runtime benchmark: for each fixture model,
 *   raw  = ONNX Runtime alone on pre-built input tensors (inputs/s), best over several batch sizes;
 *   full = the whole orderlens path, ModelGame → Evaluator (de-duplication, batching) → masker →
 *          OnnxRunner (input checks) → ONNX Runtime → reward, on fresh coalitions (no cache hits),
 *          at the same batch size; reported as model calls/s and as a ratio of raw (target ≥ 0.9);
 *   no-Evaluator = masker → OnnxRunner → reward on the same batches without the Evaluator, to tell
 *          the runner's overhead from the Evaluator's.
 *
 * Both sides use the same session settings (1 intra-op thread, so the figures are stable on a
 * shared machine). Run: `npm run build && node --import tsx tools/bench/onnx-runtime.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CoalitionBatch, computeReward, ModelGame, Rng, type Masker } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { TabularMasker } from '@orderlens/tabular';
import { PatchGrid, PatchMasker } from '@orderlens/vision';
import * as ort from 'onnxruntime-node';

const THREADS = 1;
const MIN_SECONDS = 0.5;

interface Fixture {
  name: string;
  model: string;
  /** Input shape without the batch dimension. */
  itemDims: number[];
  batchSizes: number[];
  /** Coalitions per full-path measurement. */
  coalitions: number;
  players: number;
  masker(): Masker;
  label: number;
}

const root = new URL('../../fixtures/', import.meta.url);

// The product's maskers, so the full path measured is the one users run.
function censusMasker(x: Float32Array): Masker {
  return new TabularMasker(x, { baseline: new Float32Array(x.length) }); // 0 = the z-scored mean
}

/** Fashion-MNIST: 7 × 7 patches of 4 × 4 pixels = 49 players, baseline 0 (the normalised mean). */
function fmnistMasker(image: Float32Array): Masker {
  const shape = { channels: 1, height: 28, width: 28, layout: 'NCHW' as const };
  return new PatchMasker({
    x: image,
    baseline: new Float32Array(784),
    shape,
    grid: PatchGrid.square(7, 28, 28),
    inputName: 'x',
  });
}

const censusMeta = JSON.parse(readFileSync(new URL('census-mlp5/meta.json', root), 'utf8'));
const visionRoot = new URL('../../packages/vision/', import.meta.url);
const fmnistMeta = JSON.parse(readFileSync(new URL('models/fmnist-cnn/meta.json', visionRoot), 'utf8'));

function fmnistImage(index: number): Float32Array {
  const raw = gunzipSync(readFileSync(new URL('data/fashion-mnist/t10k-images-idx3-ubyte.gz', visionRoot)));
  const { mean, std } = fmnistMeta.normalization;
  return Float32Array.from(
    raw.subarray(16 + index * 784, 16 + (index + 1) * 784),
    (v) => (v / 255 - mean) / std,
  );
}

/** CIFAR-10 CNN: a 16 × 16 grid of 2 × 2 patches = 256 players (the paper's grid), baseline 0. */
function cifarMasker(): Masker {
  const shape = { channels: 3, height: 32, width: 32, layout: 'NCHW' as const };
  return new PatchMasker({
    x: Float32Array.from({ length: 3072 }, (_, k) => Math.sin(k)),
    baseline: new Float32Array(3072),
    shape,
    grid: PatchGrid.square(16, 32, 32),
    inputName: CIFAR_INPUT,
  });
}
const CIFAR_INPUT = (
  JSON.parse(readFileSync(new URL('cifar-cnn/meta.json', root), 'utf8')) as { input: { name: string } }
).input.name;

const fixtures: Fixture[] = [
  {
    name: 'census-mlp5',
    model: new URL('census-mlp5/model.onnx', root).pathname,
    itemDims: [12],
    batchSizes: [64, 256, 1024, 4096],
    coalitions: 4096,
    players: 12,
    masker: () => censusMasker(new Float32Array(censusMeta.examples[0].input)),
    label: censusMeta.examples[0].label,
  },
  {
    name: 'fmnist-cnn',
    model: new URL('models/fmnist-cnn/model.onnx', visionRoot).pathname,
    itemDims: [1, 28, 28],
    batchSizes: [16, 64, 256],
    coalitions: 2048,
    players: 49,
    masker: () => fmnistMasker(fmnistImage(0)),
    label: fmnistMeta.examples[0].label,
  },
  {
    name: 'cifar-cnn',
    model: new URL('cifar-cnn/model.onnx', root).pathname,
    itemDims: [3, 32, 32],
    batchSizes: [64, 256],
    coalitions: 1024,
    players: 256,
    masker: cifarMasker,
    label: 0,
  },
];

/** Items per second of wall time and per second of this process's CPU time. */
interface Rate {
  wall: number;
  cpu: number;
}

/** Wall and process CPU clocks in seconds. */
function clocks(): { wall: number; cpu: number } {
  const u = process.cpuUsage();
  return { wall: performance.now() / 1000, cpu: (u.user + u.system) / 1e6 };
}

/**
 * Measures `step` (which returns the items it processed) repeatedly for at least MIN_SECONDS
 * after `warmup` calls. CPU time is the fairer clock on a shared machine: with one intra-op thread
 * the model runs on the calling thread, so other processes' load does not count against it.
 */
async function measure(step: () => Promise<number>, warmup = 2, untimed?: () => void): Promise<Rate> {
  for (let k = 0; k < warmup; k++) {
    untimed?.();
    await step();
  }
  let items = 0;
  let wall = 0;
  let cpu = 0;
  while (wall < MIN_SECONDS) {
    untimed?.();
    const t0 = clocks();
    items += await step();
    const t1 = clocks();
    wall += t1.wall - t0.wall;
    cpu += t1.cpu - t0.cpu;
  }
  return { wall: items / wall, cpu: items / Math.max(1e-9, cpu) };
}

/** `count` distinct random coalitions (all 2^n in random order when count = 2^n). */
function freshCoalitions(n: number, count: number, rng: Rng): CoalitionBatch {
  const batch = new CoalitionBatch(n, count);
  const seen = new Set<string | number>();
  const words = new Uint32Array(batch.words);
  while (batch.count < count) {
    for (let t = 0; t < words.length; t++) words[t] = rng.nextUint32();
    if (n < 32) words[0] &= 2 ** n - 1;
    const k = batch.pushWords(words);
    const key = batch.key(k);
    if (seen.has(key)) batch.count--;
    else seen.add(key);
  }
  return batch;
}

/** Median of a list. */
function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const ROUNDS = 5;
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const rows: string[][] = [];
for (const f of fixtures) {
  const session = await ort.InferenceSession.create(f.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: THREADS,
  });
  const per = f.itemDims.reduce((a, b) => a * b, 1);
  const feedsFor = (B: number) => {
    const data = new Float32Array(B * per);
    for (let k = 0; k < data.length; k++) data[k] = Math.sin(k);
    return { x: new ort.Tensor('float32', data, [B, ...f.itemDims]) };
  };
  // 1. Raw ONNX Runtime at each batch size (CPU-time rate); the best is used for the comparison.
  let bestB = f.batchSizes[0];
  let bestRaw = 0;
  const rawByB: string[] = [];
  for (const B of f.batchSizes) {
    const feeds = feedsFor(B);
    const rate = await measure(async () => (await session.run(feeds), B));
    rawByB.push(`${B}:${fmt(rate.cpu)}`);
    if (rate.cpu > bestRaw) {
      bestRaw = rate.cpu;
      bestB = B;
    }
  }

  // 2. Raw, full path and the path without the Evaluator in alternating rounds; medians.
  const runner = await OnnxRunner.create(f.model, {
    providers: ['cpu'],
    intraOpNumThreads: THREADS,
    log: () => {},
  });
  const rng = Rng.create('onnx-bench').fork(f.name);
  const feeds = feedsFor(bestB);
  const raw: Rate[] = [];
  const full: Rate[] = [];
  const direct: Rate[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await measure(async () => (await session.run(feeds), bestB)));
    // A fresh game (empty cache) per step, so every coalition is a model call. The coalitions are
    // drawn once: drawing them per step would leave garbage that the timed steps collect.
    const batch = freshCoalitions(f.players, f.coalitions, rng);
    // A fresh game per step (an empty cache, so every coalition reaches the model); its masker is
    // built outside the timed region, as the direct path's is (building it reads the image file).
    let game: ModelGame | undefined;
    full.push(
      await measure(
        async () => {
          await game!.evaluate(batch);
          return game!.modelCalls;
        },
        1,
        () => {
          game = new ModelGame(f.masker(), runner, { reward: { label: f.label }, batchSize: bestB });
        },
      ),
    );
    // The same work without the Evaluator: masker → OnnxRunner → reward, batch by batch, to
    // separate the runner's overhead from the Evaluator's (de-duplication, cache).
    const coalitions = freshCoalitions(f.players, f.coalitions, rng);
    const masker = f.masker();
    const values = new Float64Array(bestB);
    direct.push(
      await measure(async () => {
        for (let start = 0; start < coalitions.count; start += bestB) {
          const end = Math.min(coalitions.count, start + bestB);
          computeReward('log-odds', await runner.run(masker.mask(coalitions, start, end)), f.label, values);
        }
        return coalitions.count;
      }),
    );
  }
  await runner.dispose();
  await session.release();
  const med = (v: Rate[], k: keyof Rate) => median(v.map((x) => x[k]));
  rows.push([
    f.name,
    String(bestB),
    fmt(med(raw, 'cpu')),
    fmt(med(full, 'cpu')),
    (med(full, 'cpu') / med(raw, 'cpu')).toFixed(2),
    (med(direct, 'cpu') / med(raw, 'cpu')).toFixed(2),
    (med(full, 'wall') / med(raw, 'wall')).toFixed(2),
    rawByB.join(' '),
  ]);
}

const header = [
  'model',
  'batch',
  'raw inputs/cpu-s',
  'full calls/cpu-s',
  'full/raw',
  'no-Evaluator/raw',
  'full/raw (wall)',
  'raw by batch (B:inputs/cpu-s)',
];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
console.log(
  `onnxruntime-node ${ort.env.versions.node ?? ''}, cpu, intraOpNumThreads=${THREADS}; target full/raw ≥ 0.9; medians of ${ROUNDS} alternating rounds`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
