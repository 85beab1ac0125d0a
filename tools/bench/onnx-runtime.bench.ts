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
 * shared machine; denormals flushed, OnnxRunner's default).
 *
 * Then the session tuning of EVERY fixture network, with denormals flushed and kept: each mode in
 * its own process (ONNX Runtime fixes it once per process), both at once, by
 * tools/bench/onnx-tuning.ts, which says what it measures; the table gives the best raw
 * configuration per mode, and orderlens's runner as a user gets it, as a ratio to the best raw
 * configuration of either mode.
 * `--tuning-only` skips the first part.
 *
 * Run: `npm run build && node --import tsx tools/bench/onnx-runtime.bench.ts [--tuning-only]`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CoalitionBatch, computeReward, ModelGame, Rng, type Masker } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { TabularMasker } from '@orderlens/tabular';
import { PatchGrid, PatchMasker } from '@orderlens/vision';
import * as ort from 'onnxruntime-node';

const THREADS = 1;
/** Seconds per block of interleaved steps. */
const BLOCK_SECONDS = 2;

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

/** Wall and process CPU clocks in seconds. */
function clocks(): { wall: number; cpu: number } {
  const u = process.cpuUsage();
  return { wall: performance.now() / 1000, cpu: (u.user + u.system) / 1e6 };
}

/** One way of processing a batch: `step` returns the items it processed; `untimed` runs first. */
interface Variant {
  step: () => Promise<number>;
  untimed?: () => void;
}

/** Items and seconds (wall and CPU) a variant accumulated. */
interface Tally {
  items: number;
  wall: number;
  cpu: number;
}

/**
 * Interleaves the variants step by step (raw, full, no-Evaluator, then full, no-Evaluator, raw, …)
 * for `blocks` blocks of at least BLOCK_SECONDS each, and returns every variant's tally per block. Interleaving single
 * steps, not whole timed rounds, is what makes the ratios stable on a shared virtual machine: a
 * drift in the machine's speed (other jobs, frequency, steal time) hits every variant alike within
 * milliseconds, whereas 0.5-second rounds of one variant at a time moved the ratio by ±0.08.
 */
async function interleave(variants: Variant[], blocks: number, warmup = 2): Promise<Tally[][]> {
  const orderRng = Rng.create('onnx-bench-order');
  for (let k = 0; k < warmup; k++) {
    for (const v of variants) {
      v.untimed?.();
      await v.step();
    }
  }
  const out: Tally[][] = [];
  for (let b = 0; b < blocks; b++) {
    const tallies = variants.map(() => ({ items: 0, wall: 0, cpu: 0 }));
    const t0 = clocks().wall;
    const order = variants.map((_, v) => v);
    while (clocks().wall - t0 < BLOCK_SECONDS) {
      // A random order every turn (seeded): the step right after another variant's runs
      // measurably slower (caches and allocators left in another state), so a fixed order, or a
      // rotation, favoured some variants by a few per cent.
      shuffle(order, orderRng);
      for (const v of order) {
        variants[v].untimed?.();
        const a = clocks();
        const items = await variants[v].step();
        const z = clocks();
        tallies[v].items += items;
        tallies[v].wall += z.wall - a.wall;
        tallies[v].cpu += z.cpu - a.cpu;
      }
    }
    out.push(tallies);
  }
  return out;
}

/** Fisher–Yates shuffle in place. */
function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/** Items per CPU second of a tally (the fairer clock on a shared machine). */
const cpuRate = (t: Tally) => t.items / Math.max(1e-9, t.cpu);
/** Items per wall second of a tally. */
const wallRate = (t: Tally) => t.items / Math.max(1e-9, t.wall);

/** Sum of tallies. */
function total(ts: Tally[]): Tally {
  return ts.reduce((a, t) => ({ items: a.items + t.items, wall: a.wall + t.wall, cpu: a.cpu + t.cpu }), {
    items: 0,
    wall: 0,
    cpu: 0,
  });
}

/** Raw throughput of one batch size, measured alone for the batch-size sweep. */
async function rawRate(step: () => Promise<number>): Promise<number> {
  const [[t]] = await interleave([{ step }], 1);
  return cpuRate(t);
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

if (!process.argv.includes('--tuning-only')) await fullVersusRaw();
await tuningTable();

/** Part 1: the full orderlens path against raw ONNX Runtime on three networks. */
async function fullVersusRaw(): Promise<void> {
  const BLOCKS = 5;
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
  const rows: string[][] = [];
  for (const f of fixtures) {
    const session = await ort.InferenceSession.create(f.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: THREADS,
      // OnnxRunner's default: denormals flushed (ONNX Runtime fixes this once per process).
      extra: { session: { set_denormal_as_zero: '1' } },
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
      const rate = await rawRate(async () => (await session.run(feeds), B));
      rawByB.push(`${B}:${fmt(rate)}`);
      if (rate > bestRaw) {
        bestRaw = rate;
        bestB = B;
      }
    }

    // 2. Raw, full path and the path without the Evaluator, interleaved step by step.
    const runner = await OnnxRunner.create(f.model, {
      providers: ['cpu'],
      intraOpNumThreads: THREADS,
      log: () => {},
    });
    const rng = Rng.create('onnx-bench').fork(f.name);
    const feeds = feedsFor(bestB);
    // The coalitions are drawn once, outside the timed steps (drawing them per step would leave
    // garbage that the timed steps collect). A fresh game per step has an empty cache, so every
    // coalition is a model call.
    const batch = freshCoalitions(f.players, f.coalitions, rng);
    // One masker for every game: a masker holds no state between calls, and building one per step
    // would leave its garbage (the decompressed image file) to the timed steps' GC.
    const gameMasker = f.masker();
    let game: ModelGame | undefined;
    const full: Variant = {
      untimed: () => {
        game = new ModelGame(gameMasker, runner, { reward: { label: f.label }, batchSize: bestB });
      },
      step: async () => {
        await game!.evaluate(batch);
        return game!.modelCalls;
      },
    };
    // The same work without the Evaluator: masker → OnnxRunner → reward, batch by batch, to
    // separate the runner's overhead from the Evaluator's (de-duplication, cache).
    const coalitions = freshCoalitions(f.players, f.coalitions, rng);
    const masker = f.masker();
    const values = new Float64Array(bestB);
    const direct: Variant = {
      step: async () => {
        for (let start = 0; start < coalitions.count; start += bestB) {
          const end = Math.min(coalitions.count, start + bestB);
          computeReward('log-odds', await runner.run(masker.mask(coalitions, start, end)), f.label, values);
        }
        return coalitions.count;
      },
    };
    // Raw steps cover as many inputs as the others' (whole batches), so that every variant's steps
    // last about as long and all of them sample the machine's drift alike.
    const rawBatches = Math.ceil(f.coalitions / bestB);
    const raw: Variant = {
      step: async () => {
        for (let b = 0; b < rawBatches; b++) await session.run(feeds);
        return rawBatches * bestB;
      },
    };
    const blocks = await interleave([raw, full, direct], BLOCKS);
    await runner.dispose();
    await session.release();
    const [rawT, fullT, directT] = [0, 1, 2].map((v) => total(blocks.map((b) => b[v])));
    const perBlock = blocks.map((b) => cpuRate(b[1]) / cpuRate(b[0]));
    rows.push([
      f.name,
      String(bestB),
      fmt(cpuRate(rawT)),
      fmt(cpuRate(fullT)),
      (cpuRate(fullT) / cpuRate(rawT)).toFixed(2),
      `${Math.min(...perBlock).toFixed(2)}–${Math.max(...perBlock).toFixed(2)}`,
      (cpuRate(directT) / cpuRate(rawT)).toFixed(2),
      (wallRate(fullT) / wallRate(rawT)).toFixed(2),
      rawByB.join(' '),
    ]);
  }

  const header = [
    'model',
    'batch',
    'raw inputs/cpu-s',
    'full calls/cpu-s',
    'full/raw',
    'per block',
    'no-Evaluator/raw',
    'full/raw (wall)',
    'raw by batch (B:inputs/cpu-s)',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
  console.log(
    `onnxruntime-node ${ort.env.versions.node ?? ''}, cpu, intraOpNumThreads=${THREADS}; target full/raw ≥ 0.9; steps interleaved over ${BLOCKS} blocks of ${BLOCK_SECONDS} s`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

interface Tuning {
  name: string;
  mode: 'flush' | 'keep';
  variants: Array<{ label: string; wall: number; cpu: number }>;
}

/** Runs onnx-tuning.ts in one denormal mode; resolves to its JSON lines. */
function tuningRun(mode: 'flush' | 'keep'): Promise<Tuning[]> {
  const script = fileURLToPath(new URL('onnx-tuning.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`onnx-tuning.ts ${mode} exited with ${code}`));
      else
        resolve(
          out
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Tuning),
        );
    });
  });
}

/**
 * Part 2: every fixture network, denormals flushed and kept. The two modes need two processes;
 * they run at the same time, so that a change in the machine's load hits both alike.
 */
async function tuningTable(): Promise<void> {
  const results = (await Promise.all([tuningRun('flush'), tuningRun('keep')])).flat();
  const k = (v: number) => Math.round(v).toLocaleString('en-US');
  const header2 = [
    'network',
    'best raw, flushed',
    'best raw, kept',
    'kept ÷ flushed (best raw)',
    'orderlens default, flushed',
    'ratio',
    'orderlens --threads 1, flushed',
    'ratio',
    'orderlens default, kept',
  ];
  console.log(
    '\nSession tuning: rows per wall-second of interleaved calls (rows per CPU-second in brackets); ratio = orderlens ÷ the best raw configuration of either mode',
  );
  console.log(`| ${header2.join(' | ')} |`);
  console.log(`| ${header2.map(() => '---').join(' | ')} |`);
  for (const name of [...new Set(results.map((t) => t.name))]) {
    const f = results.find((t) => t.name === name && t.mode === 'flush')!;
    const kept = results.find((t) => t.name === name && t.mode === 'keep')!;
    const bestOf = (t: Tuning) =>
      t.variants.filter((v) => v.label.startsWith('raw')).reduce((a, b) => (b.wall > a.wall ? b : a));
    const [bf, bk] = [bestOf(f), bestOf(kept)];
    const best = Math.max(bf.wall, bk.wall);
    const cell = (v: { wall: number; cpu: number }) => `${k(v.wall)} (${k(v.cpu)})`;
    const [userF, singleF] = f.variants.filter((v) => v.label.startsWith('orderlens'));
    const userK = kept.variants.find((v) => v.label.startsWith('orderlens'))!;
    console.log(
      `| ${[
        name,
        `${cell(bf)} ${bf.label.replace(/^raw /, '')}`,
        `${cell(bk)} ${bk.label.replace(/^raw /, '')}`,
        (bk.wall / bf.wall).toFixed(2),
        `${cell(userF)} ${userF.label.replace(/^orderlens (B\d+).*/, '$1')}`,
        (userF.wall / best).toFixed(2),
        cell(singleF),
        (singleF.wall / best).toFixed(2),
        cell(userK),
      ].join(' | ')} |`,
    );
  }
  console.log('\nEvery variant (rows per wall-second / per CPU-second):');
  for (const t of results)
    console.log(
      `${t.name} ${t.mode}: ${t.variants.map((v) => `${v.label}: ${k(v.wall)} / ${k(v.cpu)}`).join(', ')}`,
    );
}
