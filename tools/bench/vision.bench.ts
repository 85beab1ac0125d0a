/**
 * Vision benchmark on the CIFAR-10 fixture CNN (`fixtures/cifar-cnn`, ONNX Runtime, 1 thread):
 *
 * 1. Masked images/s: the whole path (ModelGame → Evaluator → PatchMasker on a 16×16 grid →
 *    OnnxRunner → reward) vs raw ONNX Runtime on pre-built batches of the same size, and the
 *    masker alone.
 * 2. Cost to reach instability < 0.05 (over context repeats): for the vision adapter's
 *    `reference` protocol (independent contexts per pair and order) and its `fast` protocol
 *    (shared contexts), the number of contexts is doubled from 4 until the instability of J(m|x)
 *    over 2 repeats is below 0.05; estimation calls and wall time of that run are reported. It is
 *    the analysis pipeline's, unit by unit: the model opened through the runner registry, the
 *    vision adapter's session (CIFAR-10 test subset, zero baseline), `computeSelection` once (the
 *    first correctly classified image of each class, class 0 first), then `computeSample` with the
 *    registered estimator per image and `analysisResult`. By default with the protocols'
 *    geometry (16×16 grid, 200 neighbour pairs within radius 2, the 13 paper ratios) on 2 correctly
 *    classified images (about 10 minutes on one core); `--images k` for more, `--quick` for an
 *    8×8 grid with 50 pairs (about 3 minutes).
 *
 * Run: `npm run build && node --import tsx tools/bench/vision.bench.ts [--quick] [--images k]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CoalitionBatch,
  Rng,
  analysisResult,
  computeSample,
  computeSelection,
  estimators,
  openModel,
  pairStrategy,
  planAnalysis,
  parseAdapterOptions,
  type AnalysisOptions,
  type StoredSample,
} from '@orderlens/core';
import '@orderlens/runtime-onnx'; // registers the onnx runner factory
import {
  PatchGrid,
  PatchMasker,
  buildBaseline,
  datasetImage,
  loadCifar10Subset,
  patchGame,
  toModelInput,
  visionAdapter,
  type ImageShape,
} from '@orderlens/vision';

const quick = process.argv.includes('--quick');
const imagesArg = process.argv.indexOf('--images');
const imagesWanted = imagesArg >= 0 ? Number(process.argv[imagesArg + 1]) : 2;
const root = new URL('../../', import.meta.url);
const modelPath = fileURLToPath(new URL('fixtures/cifar-cnn/model.onnx', root));
const meta = JSON.parse(readFileSync(new URL('fixtures/cifar-cnn/meta.json', root), 'utf8')) as {
  normalization: { mean: number[]; std: number[] };
};
const pre = { mean: meta.normalization.mean, std: meta.normalization.std };
const shape: ImageShape = { channels: 3, height: 32, width: 32, layout: 'NCHW' };
const model = await openModel({ spec: modelPath, device: 'cpu', threads: 1 });
const runner = model.runner;
const ds = loadCifar10Subset('test');

async function timeIt(fn: () => Promise<number> | number, minSeconds = 1): Promise<number> {
  let items = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minSeconds * 1000) items += await fn();
  return items / ((performance.now() - t0) / 1000);
}

// 1. Throughput -------------------------------------------------------------------------------
{
  const grid = PatchGrid.square(16, 32, 32);
  const B = 256;
  const x = toModelInput(datasetImage(ds, 0), pre);
  const baseline = buildBaseline({ kind: 'zero' }, x, shape);
  const masker = new PatchMasker({ x, baseline, shape, grid, inputName: 'x' });
  const rng = Rng.create('bench');
  const batch = new CoalitionBatch(grid.n, B);
  for (let k = 0; k < B; k++) {
    const w = new Uint32Array(8);
    for (let t = 0; t < 8; t++) w[t] = rng.nextUint32();
    batch.pushWords(w);
  }
  const prepared = masker.mask(batch, 0, B);
  await runner.run(prepared);
  const raw = await timeIt(async () => (await runner.run(prepared), B));
  const maskOnly = await timeIt(() => (masker.mask(batch, 0, B), B));
  let salt = 0;
  const game = patchGame({ runner, x, baseline, shape, grid, label: ds.labels[0], batchSize: B });
  const path = await timeIt(async () => {
    // Fresh coalitions every round so that nothing is served from a cache.
    const b = new CoalitionBatch(grid.n, B);
    for (let k = 0; k < B; k++) {
      const w = new Uint32Array(8);
      for (let t = 0; t < 8; t++) w[t] = rng.fork(salt, k).nextUint32();
      b.pushWords(w);
    }
    salt++;
    await game.evaluate(b);
    return B;
  });
  console.log(`throughput (16×16 grid on 32×32, batch ${B}, 1 thread)`);
  console.log(`  raw ONNX Runtime        ${raw.toFixed(0).padStart(8)} images/s`);
  console.log(`  masker alone            ${maskOnly.toFixed(0).padStart(8)} images/s`);
  console.log(
    `  full path (ModelGame)   ${path.toFixed(0).padStart(8)} images/s   ratio vs raw ${(path / raw).toFixed(3)}`,
  );
}

// 2. Cost to reach instability < 0.05 -----------------------------------------------------------
{
  const gridSize = quick ? 8 : 16;
  const pairs = quick ? 50 : 200;
  const images = imagesWanted;
  const session = await visionAdapter.open({
    options: parseAdapterOptions(visionAdapter.options, {
      dataset: 'cifar10',
      grid: String(gridSize),
      baseline: 'zero',
      heatmaps: 0,
    }),
    model,
  });
  const analysis = (name: string, contexts: number): AnalysisOptions => {
    // The protocol with the bench's sizes, resolved as `orderlens analyze vision` resolves it.
    const plan = planAnalysis(
      visionAdapter,
      { protocol: name, contexts, repeats: 2, pairs, perClass: 1, samples: images },
      {},
    );
    return {
      modality: visionAdapter.name,
      session,
      model,
      estimator: estimators.get(plan.estimatorName),
      estimatorOptions: plan.estimatorOptions,
      pairs: pairStrategy(plan.pairs!),
      selection: plan.selection,
      reward: 'log-odds',
      seed: 1,
    };
  };
  const selected = await computeSelection(analysis('reference', 4));
  console.log(
    `\ninstability < 0.05: ${gridSize}×${gridSize} grid, ${pairs} pairs, ${images} images, 13 paper ratios, 2 repeats`,
  );
  console.log('  protocol    contexts  instability   model calls   wall s   calls/image/repeat');
  const reached: Record<string, { calls: number; wall: number; contexts: number }> = {};
  for (const name of ['reference', 'fast']) {
    for (let contexts = 4; contexts <= 256; contexts *= 2) {
      const options = analysis(name, contexts);
      const t0 = performance.now();
      const units: StoredSample[] = [];
      for (let s = 0; s < selected.selection.indices.length; s++)
        units.push(await computeSample(options, selected, s));
      const wall = (performance.now() - t0) / 1000;
      const res = analysisResult(options, selected, units, { wallTimeMs: wall * 1000 });
      const calls = res.modelCalls.estimation;
      const instability = res.aggregate.instability!;
      const perImage = calls / units.length / 2;
      console.log(
        `  ${name.padEnd(10)} ${String(contexts).padStart(9)} ${instability.toFixed(4).padStart(12)} ${String(calls).padStart(13)} ${wall.toFixed(1).padStart(8)} ${perImage.toFixed(0).padStart(20)}`,
      );
      if (instability < 0.05) {
        reached[name] = { calls, wall, contexts };
        break;
      }
    }
  }
  if (reached.reference && reached.fast) {
    console.log(
      `  → model calls to reach it, fast / reference: ${(reached.fast.calls / reached.reference.calls).toFixed(2)}× (wall time ${(reached.fast.wall / reached.reference.wall).toFixed(2)}×), at ${reached.fast.contexts} vs ${reached.reference.contexts} contexts`,
    );
  }
  await session.dispose?.();
  const n = 256;
  console.log(
    `  (full reference protocol: 4 × 200 pairs × (11 × 100 + 2) = ${4 * 200 * (11 * 100 + 2)} calls per image per repeat, n = ${n})`,
  );
}
await runner.dispose();
