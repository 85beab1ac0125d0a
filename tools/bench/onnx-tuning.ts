/**
 * ONNX Runtime session tuning of every fixture network, in ONE denormal mode (`flush` or `keep`;
 * ONNX Runtime fixes it once per process, so tools/bench/onnx-runtime.bench.ts runs this script
 * once per mode, both processes at the same time so that the machine's drift hits both alike).
 *
 * For each network, on a batch its default analysis really sends (masked samples), these
 * variants are measured, INTERLEAVED call by call in a random (seeded) order for at least
 * SECONDS seconds and 3 rounds, so that other jobs on a shared machine slow them all alike:
 *   raw    bare ONNX Runtime sessions on pre-built tensors: each batch size of the network at
 *          optimisation `all` (ONNX Runtime's default) and 1 intra-op thread; at the middle batch
 *          size, optimisation `disabled`, `basic`, `extended`; 2 intra-op threads; 2 intra + 2
 *          inter-op threads in parallel execution mode;
 *   orderlens  the OnnxRunner that `openModel` gives a user with default settings (threads:
 *          ONNX Runtime's default, batch 256 = the CLI's --batch-size default, or the largest the
 *          network tries) on the same rows, input checks and conversion included; and the same
 *          with --threads 1.
 *
 * Prints one JSON line per network on stdout: { name, mode, variants: [{ label, wall, cpu }] },
 * rows per wall-clock second and per CPU second of this process.
 * Run: `node --import tsx tools/bench/onnx-tuning.ts flush|keep [name …]`.
 */
import { join } from 'node:path';
import { Rng, openModel, type NamedTensors, type OpenedModel } from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { FIXTURE_NETWORKS, REPO, firstFullBatch, sliceRows } from './fixture-networks.ts';

type Mode = 'flush' | 'keep';
const mode = process.argv[2] as Mode;
if (mode !== 'flush' && mode !== 'keep') throw new Error('usage: onnx-tuning.ts flush|keep [name …]');
const names = process.argv.slice(3);
/** Least seconds of interleaved calls per network. */
const SECONDS = 15;

interface Config {
  batch: number;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  intra: number;
  /** Inter-op threads, in parallel execution mode; absent = sequential. */
  inter?: number;
}

const label = (c: Config) => `raw B${c.batch} ${c.optimization} t${c.intra}${c.inter ? `+i${c.inter}` : ''}`;

function feedsOf(inputs: NamedTensors, names: readonly string[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const t = inputs[name];
    feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);
  }
  return feeds;
}

function rawSession(file: string, c: Config): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: c.intra,
    graphOptimizationLevel: c.optimization,
    ...(c.inter ? { interOpNumThreads: c.inter, executionMode: 'parallel' as const } : {}),
    ...(mode === 'flush' ? { extra: { session: { set_denormal_as_zero: '1' } } } : {}),
  });
}

interface Variant {
  label: string;
  /** One model call; returns the rows it processed. */
  step: () => Promise<number>;
  rows: number;
  wall: number;
  cpu: number;
}

/** Runs every variant once per round, in a fresh random order, until SECONDS and 3 rounds. */
async function interleave(variants: Variant[], rng: Rng): Promise<void> {
  for (const v of variants) await v.step(); // warm-up: first-call allocations
  const t0 = performance.now();
  const order = variants.map((_, k) => k);
  for (let round = 0; round < 3 || performance.now() - t0 < SECONDS * 1000; round++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const k of order) {
      const v = variants[k];
      const w = performance.now();
      const c = process.cpuUsage();
      v.rows += await v.step();
      const dc = process.cpuUsage(c);
      v.wall += (performance.now() - w) / 1000;
      v.cpu += (dc.user + dc.system) / 1e6;
    }
  }
}

for (const net of FIXTURE_NETWORKS) {
  if (names.length > 0 && !names.includes(net.name)) continue;
  const spec = join(REPO, net.model);
  // The user's path: openModel with default settings (for the first network, the first session
  // of this process, so it settles the process's denormal mode as asked).
  const keepDenormals = mode === 'keep';
  const user: OpenedModel = await openModel({ spec, device: 'cpu', keepDenormals });
  const single: OpenedModel = await openModel({ spec, device: 'cpu', threads: 1, keepDenormals });
  const maxBatch = Math.max(...net.batchSizes);
  const inputs = await firstFullBatch(net, user, maxBatch);
  const userBatch = Math.min(256, maxBatch);
  const userRows = sliceRows(inputs, userBatch);

  const mid = net.batchSizes[1];
  const configs: Config[] = [
    ...net.batchSizes.map((batch) => ({ batch, optimization: 'all' as const, intra: 1 })),
    ...(['disabled', 'basic', 'extended'] as const).map((optimization) => ({
      batch: mid,
      optimization,
      intra: 1,
    })),
    { batch: mid, optimization: 'all', intra: 2 },
    { batch: mid, optimization: 'all', intra: 2, inter: 2 },
  ];
  const sessions: ort.InferenceSession[] = [];
  const variants: Variant[] = [];
  const variant = (name: string, step: () => Promise<number>) =>
    variants.push({ label: name, step, rows: 0, wall: 0, cpu: 0 });
  for (const c of configs) {
    const session = await rawSession(user.file, c);
    sessions.push(session);
    const feeds = feedsOf(sliceRows(inputs, c.batch), session.inputNames);
    variant(label(c), async () => (await session.run(feeds), c.batch));
  }
  variant(
    `orderlens B${userBatch} default threads`,
    async () => (await user.runner.run(userRows), userBatch),
  );
  variant(`orderlens B${userBatch} --threads 1`, async () => (await single.runner.run(userRows), userBatch));
  await interleave(variants, Rng.create('onnx-tuning').fork(net.name));
  for (const s of sessions) await s.release();
  await user.runner.dispose();
  await single.runner.dispose();
  console.log(
    JSON.stringify({
      name: net.name,
      mode,
      variants: variants.map((v) => ({
        label: v.label,
        wall: Math.round(v.rows / v.wall),
        cpu: Math.round(v.rows / v.cpu),
      })),
    }),
  );
}
