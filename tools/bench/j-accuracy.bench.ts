/**
 * Accuracy of the strength curve `J(m)` (issue 11): how far each sampling protocol and strength
 * estimator lands from a high-precision reference of `E_pairs |I^(m)(i,j)|`, on two real fixture
 * models (the CIFAR CNN on a 16×16 grid, n = 256; the ViT on its 8×8 token grid, n = 64), with
 * the protocol geometry (neighbour pairs within radius 2, the 13 paper ratios).
 *
 * Method. For each image one pool of `pool` i.i.d. contexts per (pair, order) is sampled in
 * reference mode and every `Δv` kept. A reference-mode protocol with `K` contexts is exactly a
 * block of `K` contexts of the pool, so the pool is cut into disjoint blocks (the repeats); each
 * block is scored against a reference computed from the *rest* of the pool (independent of the
 * block). The reference is bracketed: `plain` is biased up (Jensen) and `cross-fit` down (its
 * sign comes from independent samples), so `E|I|` lies between them; the reference is their
 * midpoint and half their gap bounds its bias (column `ref ±`). The `fast` protocol (shared
 * contexts) is run for real with other seeds and scored against the reference of the whole pool.
 *
 * Reported per protocol × estimator: model calls per image at the protocol's 200 pairs, the worst
 * over orders of the relative bias of `J(m)` (mean over repeats of estimate/reference − 1), the
 * worst RMS relative error (bias and spread over repeats), and the worst relative error of
 * `J(0)/J(m)`.
 *
 * Run: `npm run build && node --import tsx tools/bench/j-accuracy.bench.ts` (reduced, about 1–2
 * minutes on 2 cores: 1 image, 24 pairs, pool 120) or with `--full` (2 images per model, 64 pairs,
 * pool 240; about 15 minutes on 2 cores; writes docs/j-accuracy.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  PAPER_RATIOS,
  Rng,
  estimateStrength,
  ordersFromRatios,
  referencePairs,
  sampleMultiOrder,
  type StrengthEstimatorName,
} from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import {
  PatchGrid,
  buildBaseline,
  datasetImage,
  loadCifar10Subset,
  patchGame,
  selectCorrectSamples,
  toModelInput,
  type ImageShape,
} from '@orderlens/vision';

const full = process.argv.includes('--full');
const imagesArg = process.argv.indexOf('--images');
const IMAGES = imagesArg >= 0 ? Number(process.argv[imagesArg + 1]) : 1;
const PAIRS = full ? 32 : 16;
const POOL = full ? 240 : 90;
const PROTOCOL_PAIRS = 200;
const CONTEXTS = full ? [100, 10, 20, 30] : [10, 20, 30];
const ESTIMATORS: StrengthEstimatorName[] = ['plain', 'cross-fit', 'deconvolution', 'bracket'];
const FAST_CONTEXTS = 32;
const FAST_REPEATS = 2;

const root = new URL('../../', import.meta.url);
const shape: ImageShape = { channels: 3, height: 32, width: 32, layout: 'NCHW' };
const ds = loadCifar10Subset('test');

type Curve = number[];
interface ImagePool {
  deltas: Float64Array[][];
  exact: boolean[];
}
interface Row {
  model: string;
  protocol: string;
  contexts: number;
  estimator: string;
  callsPerImage: number;
  worstBias: number;
  worstRms: number;
  worstRatio: number;
  biasByOrder: number[];
  refHalfWidth: number;
}

/** Estimated `E_pairs |I|` per order from the contexts `[from, to)` of the pool, or their complement. */
function estimateBlock(
  pool: ImagePool,
  est: StrengthEstimatorName,
  from: number,
  to: number,
  complement: boolean,
) {
  const deltas = pool.deltas.map((row) =>
    row.map((x, k) => {
      if (pool.exact[k]) return x;
      if (!complement) return x.subarray(from, to);
      const out = new Float64Array(x.length - (to - from));
      out.set(x.subarray(0, from));
      out.set(x.subarray(to), from);
      return out;
    }),
  );
  return estimateStrength({ deltas, exact: pool.exact }, est).meanAbs;
}

const meanOver = (curves: Curve[]): Curve =>
  curves[0].map((_, k) => curves.reduce((a, c) => a + c[k], 0) / curves.length);

/** The bracketed reference from a set of contexts of every image: midpoint and half-gap per order. */
function reference(pools: ImagePool[], from: number, to: number, complement: boolean) {
  const lo = meanOver(pools.map((p) => estimateBlock(p, 'cross-fit', from, to, complement)));
  const hi = meanOver(pools.map((p) => estimateBlock(p, 'plain', from, to, complement)));
  return { mid: lo.map((l, k) => (l + hi[k]) / 2), half: lo.map((l, k) => (hi[k] - l) / 2) };
}

function score(estimates: Curve[], refs: Curve[]) {
  const M = refs[0].length;
  const rel = estimates.map((e, r) => e.map((v, k) => (refs[r][k] > 0 ? v / refs[r][k] - 1 : 0)));
  const ratio = estimates.map((e, r) => e.map((v, k) => (e[0] / v / (refs[r][0] / refs[r][k]) || 1) - 1));
  const bias = Array.from({ length: M }, (_, k) => rel.reduce((a, x) => a + x[k], 0) / rel.length);
  const rms = Array.from({ length: M }, (_, k) =>
    Math.sqrt(rel.reduce((a, x) => a + x[k] ** 2, 0) / rel.length),
  );
  const ratioBias = Array.from({ length: M }, (_, k) => ratio.reduce((a, x) => a + x[k], 0) / ratio.length);
  const worst = (xs: number[]) => xs.reduce((a, x) => (Math.abs(x) > Math.abs(a) ? x : a), 0);
  return { bias, worstBias: worst(bias), worstRms: Math.max(...rms), worstRatio: worst(ratioBias) };
}

const rows: Row[] = [];
const t0 = performance.now();
for (const { name, grid: g } of [
  { name: 'cifar-cnn', grid: 16 },
  { name: 'cifar-vit', grid: 8 },
]) {
  const meta = JSON.parse(readFileSync(new URL(`fixtures/${name}/meta.json`, root), 'utf8')) as {
    normalization: { mean: number[]; std: number[] };
  };
  const pre = { mean: meta.normalization.mean, std: meta.normalization.std };
  const runner = await OnnxRunner.create(fileURLToPath(new URL(`fixtures/${name}/model.onnx`, root)), {
    providers: ['cpu'],
    intraOpNumThreads: 1,
    log: () => {},
  });
  const grid = PatchGrid.square(g, 32, 32);
  const owner = grid.playerOfElement(shape);
  const n = grid.n;
  const orders = ordersFromRatios(n, PAPER_RATIOS);
  const sel = await selectCorrectSamples({ runner, dataset: ds, preprocess: pre, perClass: 1 });
  const pools: ImagePool[] = [];
  const fastRuns: Curve[][][] = ESTIMATORS.map(() => Array.from({ length: FAST_REPEATS }, () => []));
  let fastCalls = 0;
  for (let s = 0; s < IMAGES; s++) {
    const idx = sel.indices[s];
    const x = toModelInput(datasetImage(ds, idx), pre);
    const game = patchGame({
      runner,
      x,
      baseline: buildBaseline({ kind: 'zero' }, x, shape),
      shape,
      grid,
      label: ds.labels[idx],
      playerOfElement: owner,
      batchSize: 512,
    });
    const pairs = referencePairs({
      rows: g,
      cols: g,
      radius: 2,
      numPairs: PAIRS,
      rng: Rng.create('j-acc').fork(name, s),
    });
    const res = await sampleMultiOrder(game, {
      pairs,
      orders,
      contexts: POOL,
      seed: `pool/${name}/${s}`,
      mode: 'reference',
      keepDeltas: true,
    });
    const enumerated = new Set((res.details as { enumeratedOrders: number[] }).enumeratedOrders);
    pools.push({ deltas: res.deltas!, exact: orders.map((m) => enumerated.has(m)) });
    for (let r = 0; r < FAST_REPEATS; r++) {
      const f = await sampleMultiOrder(game, {
        pairs,
        orders,
        contexts: FAST_CONTEXTS,
        seed: `fast/${name}/${s}/${r}`,
        mode: 'shared',
        keepDeltas: true,
      });
      fastCalls += f.modelCalls;
      const fEnum = new Set((f.details as { enumeratedOrders: number[] }).enumeratedOrders);
      ESTIMATORS.forEach((e, ei) =>
        fastRuns[ei][r].push(
          estimateStrength({ deltas: f.deltas!, exact: orders.map((m) => fEnum.has(m)) }, e).meanAbs,
        ),
      );
    }
    console.log(
      `  ${name} image ${s + 1}/${IMAGES}: pool done (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  const sampled = orders.filter((m) => m > 0 && m < n - 2).length;
  for (const K of CONTEXTS) {
    const blocks = Math.floor(POOL / K);
    const refs: Curve[] = [];
    const halves: Curve[] = [];
    const perEst: Curve[][] = ESTIMATORS.map(() => []);
    for (let b = 0; b < blocks; b++) {
      const ref = reference(pools, b * K, (b + 1) * K, true);
      refs.push(ref.mid);
      halves.push(ref.half);
      ESTIMATORS.forEach((e, ei) =>
        perEst[ei].push(meanOver(pools.map((p) => estimateBlock(p, e, b * K, (b + 1) * K, false)))),
      );
    }
    const refHalf = Math.max(...meanOver(halves).map((h, k) => h / meanOver(refs)[k]));
    ESTIMATORS.forEach((e, ei) => {
      const sc = score(perEst[ei], refs);
      const protocol = K === 100 ? 'reference' : K === 10 ? 'lite' : `reference-mode`;
      rows.push({
        model: name,
        protocol,
        contexts: K,
        estimator: e,
        callsPerImage: 4 * PROTOCOL_PAIRS * (sampled * K + 2),
        worstBias: sc.worstBias,
        worstRms: sc.worstRms,
        worstRatio: sc.worstRatio,
        biasByOrder: sc.bias,
        refHalfWidth: refHalf,
      });
    });
  }
  const whole = reference(pools, 0, 0, true);
  const wholeHalf = Math.max(...whole.half.map((h, k) => h / whole.mid[k]));
  ESTIMATORS.forEach((e, ei) => {
    const sc = score(
      fastRuns[ei].map(meanOver),
      fastRuns[ei].map(() => whole.mid),
    );
    rows.push({
      model: name,
      protocol: 'fast',
      contexts: FAST_CONTEXTS,
      estimator: e,
      callsPerImage: Math.round(((fastCalls / IMAGES / FAST_REPEATS) * PROTOCOL_PAIRS) / PAIRS),
      worstBias: sc.worstBias,
      worstRms: sc.worstRms,
      worstRatio: sc.worstRatio,
      biasByOrder: sc.bias,
      refHalfWidth: wholeHalf,
    });
  });
  await runner.dispose();
  console.log(`  ${name}: orders ${orders.join(', ')}`);
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const header =
  '| model | protocol | contexts | estimator | calls / image | worst bias J(m) | worst RMS J(m) | worst bias J(0)/J(m) | ref ± |';
const lines = [header, '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |'];
for (const r of rows) {
  lines.push(
    `| ${r.model} | ${r.protocol} | ${r.contexts} | ${r.estimator} | ${r.callsPerImage.toLocaleString('en-US')} | ${pct(r.worstBias)} | ${(100 * r.worstRms).toFixed(1)} % | ${pct(r.worstRatio)} | ${(100 * r.refHalfWidth).toFixed(1)} % |`,
  );
}
const perOrder = [
  '',
  '| model | protocol/K/estimator | relative bias of J(m) per ratio (' + PAPER_RATIOS.join(', ') + ') |',
  '| --- | --- | --- |',
];
for (const r of rows)
  perOrder.push(
    `| ${r.model} | ${r.protocol}/${r.contexts}/${r.estimator} | ${r.biasByOrder.map((b) => (100 * b).toFixed(1)).join(' ')} |`,
  );
const setup = `${IMAGES} image(s) per model, ${PAIRS} pairs, pool of ${POOL} contexts per (pair, order); calls per image at ${PROTOCOL_PAIRS} pairs`;
console.log(`\nJ(m) accuracy (${setup}; ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
console.log(lines.join('\n'));
console.log(perOrder.join('\n'));
if (full) {
  const doc = readFileSync(new URL('docs/j-accuracy.md', root), 'utf8').split('<!-- results -->')[0];
  writeFileSync(
    new URL('docs/j-accuracy.md', root),
    `${doc}<!-- results -->\n\nSetup: ${setup}. Generated by \`node --import tsx tools/bench/j-accuracy.bench.ts --full\`.\n\n${lines.join('\n')}\n${perOrder.join('\n')}\n`,
  );
}
