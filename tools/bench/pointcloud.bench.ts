/**
 * Point-cloud benchmark:
 *   k-means = seeded k-means (k-means++ from orderlens' Rng, then ml-kmeans Lloyd iterations) into
 *             30 regions, on one normalised ModelNet10 cloud (1,024 points) and on 100,000 points
 *             (the first 98 test clouds, normalised, stacked, cut to 100,000); median wall time;
 *   masking = RegionMasker alone: masked clouds per second into [batch, 1024, 3];
 *   model   = when the trained fixtures exist (fixtures/modelnet10-pointnet|dgcnn/model.onnx):
 *             raw ONNX Runtime on pre-built [B, 1024, 3] inputs against the full orderlens path
 *             (ModelGame → Evaluator → RegionMasker → OnnxRunner → reward) on fresh coalitions of
 *             10 region players (all 1,024 of them), masked clouds per second of CPU time.
 *
 * Run: `npm run build && node --import tsx tools/bench/pointcloud.bench.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { CoalitionBatch, ModelGame, Rng } from '@orderlens/core';
import {
  buildRegionPlayers,
  loadModelNet10,
  normalizeCloud,
  RegionMasker,
  seededKmeans,
} from '@orderlens/pointcloud';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import * as ort from 'onnxruntime-node';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const test = loadModelNet10('test');
const clouds = test.clouds.map((c) => normalizeCloud(c).cloud);

// 1. k-means.
const big = new Float32Array(300_000);
for (let k = 0, o = 0; o < big.length; k++) {
  const p = clouds[k].positions.subarray(0, Math.min(clouds[k].positions.length, big.length - o));
  big.set(p, o);
  o += p.length;
}
for (const [label, positions, runs] of [
  ['1,024 points', clouds[40].positions, 15],
  ['100,000 points', big, 3],
] as const) {
  const times: number[] = [];
  const iterations: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const regions = seededKmeans(positions, 30, Rng.create(r));
    times.push(performance.now() - t0);
    iterations.push(regions.iterations);
  }
  console.log(
    `k-means, 30 regions, ${label}: median ${median(times).toFixed(1)} ms over ${runs} seeds (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}; Lloyd iterations median ${median(iterations)})`,
  );
}

// 2. The masker alone.
const players = buildRegionPlayers(clouds[40], {
  regions: 30,
  players: 10,
  rule: 'random',
  seed: 0,
  key: 'bench',
});
const masker = new RegionMasker(clouds[40].positions, players.descriptor);
const all = CoalitionBatch.fromMasks(
  10,
  Array.from({ length: 1024 }, (_, m) => m),
);
{
  let masked = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    for (let s = 0; s < 1024; s += 256) masker.mask(all, s, s + 256);
    masked += 1024;
  }
  console.log(
    `RegionMasker: ${Math.round(masked / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} masked clouds/s (1,024 points, batch 256)`,
  );
}

// 3. The model path, when the trained fixtures are there.
for (const name of ['modelnet10-pointnet', 'modelnet10-dgcnn']) {
  const file = new URL(`../../fixtures/${name}/model.onnx`, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`${name}: fixtures/${name}/model.onnx absent, model path not measured`);
    continue;
  }
  const B = 64;
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    // OnnxRunner's default: denormals flushed (ONNX Runtime fixes this once per process).
    extra: { session: { set_denormal_as_zero: '1' } },
  });
  // The model's point count (DGCNN takes 512): its cloud is the first N points, as it was fed.
  const N = Number(
    JSON.parse(readFileSync(file.replace(/model\.onnx$/, 'meta.json'), 'utf8')).input?.shape?.[1] ?? 1024,
  );
  const cloud =
    N === 1024 ? clouds[40] : { ...clouds[40], positions: clouds[40].positions.slice(0, 3 * N), count: N };
  const modelMasker = new RegionMasker(
    cloud.positions,
    buildRegionPlayers(cloud, { regions: 30, players: 10, rule: 'random', seed: 0, key: 'bench' }).descriptor,
  );
  const feeds = {
    points: new ort.Tensor('float32', modelMasker.mask(all, 0, B).points.data as Float32Array, [B, N, 3]),
  };
  await session.run(feeds);
  let items = 0;
  let c0 = cpuSeconds();
  const w0 = performance.now();
  while (performance.now() - w0 < 1500) {
    await session.run(feeds);
    items += B;
  }
  const raw = items / (cpuSeconds() - c0);
  const runner = await OnnxRunner.create(file, { providers: ['cpu'], intraOpNumThreads: 1, log: () => {} });
  let calls = 0;
  c0 = cpuSeconds();
  const w1 = performance.now();
  while (performance.now() - w1 < 1500) {
    const game = new ModelGame(modelMasker, runner, { reward: { label: test.labels[40] }, batchSize: B });
    await game.evaluate(all);
    calls += game.modelCalls;
  }
  const full = calls / (cpuSeconds() - c0);
  console.log(
    `${name}: raw ONNX Runtime ${Math.round(raw)} clouds/s, full path ${Math.round(full)} masked clouds/s (${((100 * full) / raw).toFixed(0)}% of raw; batch ${B}, 1 thread, CPU time)`,
  );
  await runner.dispose();
  await session.release();
}
