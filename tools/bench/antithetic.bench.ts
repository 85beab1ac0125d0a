/**
 * Antithetic contexts against i.i.d. contexts (issue 26, variance reduction): at equal model calls,
 * how much smaller the variance of each cell's `Î = mean Δv` is, and how far `J(m)` (bracket)
 * lands from the truth, on the closed-form bottleneck games (truth exact) and on one image of the
 * CIFAR CNN fixture (variance only).
 *
 * Per (pair, order) cell, `K` i.i.d. contexts give `Var Î ≈ s²/K` (`s²` the sample variance of
 * `Δv`); `K` antithetic contexts give `K/2` pair means and `Var Î ≈ s²_pm/(K/2)`. The efficiency
 * of an order is `Σ_cells Var_iid / Σ_cells Var_anti`: the factor by which antithetic contexts cut
 * the calls needed for the same context noise of `J(m)` (above 1: fewer calls). On the games the
 * worst and RMS relative error of `J(m)` over the sampled orders are averaged over games.
 *
 * Run: `npm run build && node --import tsx tools/bench/antithetic.bench.ts [--games 4]
 * [--pairs 32] [--contexts 32] [--no-cnn]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelGateway, Rng, type Game } from '@orderlens/core';
import type { ImageShape } from '@orderlens/vision';
import { PAPER_RATIOS, ordersFromRatios, referencePairs, sampleMultiOrder } from '@orderlens/core/math';
import { bottleneckGame } from '@orderlens/core/testing';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import {
  PatchGrid,
  buildBaseline,
  datasetImage,
  loadCifar10Subset,
  patchGame,
  selectImages,
  toModelInput,
} from '@orderlens/vision';

const arg = (name: string): string | undefined => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
};
const GAMES = Number(arg('--games') ?? 4);
const PAIRS = Number(arg('--pairs') ?? 32);
const K = Number(arg('--contexts') ?? 32);
const root = new URL('../../', import.meta.url);

interface Run {
  orders: number[];
  sampled: boolean[];
  /** Per order: Σ over pairs of the variance of the cell's mean. */
  varOfMean: number[];
  strength: number[];
}

function variance(x: Float64Array): number {
  let mu = 0;
  for (const v of x) mu += v;
  mu /= x.length;
  let s = 0;
  for (const v of x) s += (v - mu) ** 2;
  return s / (x.length - 1);
}

async function run(
  game: Game,
  pairs: Array<[number, number]>,
  orders: number[],
  seed: string,
  antithetic: boolean,
) {
  const res = await sampleMultiOrder(game, {
    pairs,
    orders,
    contexts: K,
    seed,
    mode: 'reference',
    antithetic,
    keepDeltas: true,
    strengthEstimator: 'bracket',
  });
  const enumerated = new Set((res.details as { enumeratedOrders: number[] }).enumeratedOrders);
  const deltas = res.deltas!;
  const out: Run = {
    orders,
    sampled: orders.map((m) => !enumerated.has(m)),
    varOfMean: orders.map((m, k) =>
      enumerated.has(m) ? 0 : deltas.reduce((a, row) => a + variance(row[k]) / row[k].length, 0),
    ),
    strength: res.strengthEstimate.meanAbs,
  };
  return out;
}

const fmt = (x: number) => x.toFixed(2);
const lines: string[] = [];
const n = 256;
const orders = ordersFromRatios(n, PAPER_RATIOS);
const effGames: number[][] = [];
const errs: Record<'iid' | 'anti', { worst: number[]; rms: number[] }> = {
  iid: { worst: [], rms: [] },
  anti: { worst: [], rms: [] },
};
const t0 = performance.now();
for (let g = 0; g < GAMES; g++) {
  const pairs = referencePairs({
    rows: 16,
    cols: 16,
    radius: 2,
    numPairs: PAIRS,
    rng: Rng.create('anti').fork(g),
  });
  const game = bottleneckGame({ n, pairs, seed: `anti-game-${g}` });
  const truth = game.meanAbs(pairs, orders);
  const iid = await run(game, pairs, orders, `iid/${g}`, false);
  const anti = await run(game, pairs, orders, `anti/${g}`, true);
  effGames.push(orders.map((_, k) => (iid.sampled[k] ? iid.varOfMean[k] / anti.varOfMean[k] : NaN)));
  for (const [name, r] of [
    ['iid', iid],
    ['anti', anti],
  ] as const) {
    const e = orders.map((_, k) => r.strength[k] / truth[k] - 1).filter((_, k) => r.sampled[k]);
    errs[name].worst.push(Math.max(...e.map(Math.abs)));
    errs[name].rms.push(Math.sqrt(e.reduce((a, x) => a + x * x, 0) / e.length));
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
lines.push(
  `Closed-form bottleneck games: ${GAMES} games, n = ${n}, ${PAIRS} pairs, ${K} contexts per (pair, order) each way (equal calls).`,
  '',
  `| | ${orders.map((m) => `m = ${m}`).join(' | ')} |`,
  `| --- | ${orders.map(() => '---:').join(' | ')} |`,
  `| efficiency (games' mean) | ${orders.map((_, k) => (Number.isNaN(effGames[0][k]) ? '—' : fmt(mean(effGames.map((e) => e[k]))))).join(' | ')} |`,
  '',
  `J(m) (bracket) against the exact value, sampled orders, mean over games: i.i.d. worst ${(100 * mean(errs.iid.worst)).toFixed(1)} %, RMS ${(100 * mean(errs.iid.rms)).toFixed(1)} %; ` +
    `antithetic worst ${(100 * mean(errs.anti.worst)).toFixed(1)} %, RMS ${(100 * mean(errs.anti.rms)).toFixed(1)} %.`,
);

if (!process.argv.includes('--no-cnn')) {
  const name = 'cifar-cnn';
  const meta = JSON.parse(readFileSync(new URL(`fixtures/${name}/meta.json`, root), 'utf8')) as {
    normalization: { mean: number[]; std: number[] };
  };
  const pre = { mean: meta.normalization.mean, std: meta.normalization.std };
  const runner = await OnnxRunner.create(fileURLToPath(new URL(`fixtures/${name}/model.onnx`, root)), {
    providers: ['cpu'],
    intraOpNumThreads: 1,
    log: () => {},
  });
  const shape: ImageShape = { channels: 3, height: 32, width: 32, layout: 'NCHW' };
  const grid = PatchGrid.square(16, 32, 32);
  const ds = loadCifar10Subset('test');
  const sel = await selectImages({
    runner: new ModelGateway().wrap(runner, 'selection'),
    dataset: ds,
    preprocess: pre,
    selection: { rule: 'correct', perClass: 1, order: 'class' },
  });
  const idx = sel.indices[0];
  const x = toModelInput(datasetImage(ds, idx), pre);
  const game = patchGame({
    runner,
    x,
    baseline: buildBaseline({ kind: 'zero' }, x, shape),
    shape,
    grid,
    label: ds.labels[idx],
    playerOfElement: grid.playerOfElement(shape),
    batchSize: 512,
  });
  const pairs = referencePairs({
    rows: 16,
    cols: 16,
    radius: 2,
    numPairs: PAIRS,
    rng: Rng.create('anti-cnn'),
  });
  const iid = await run(game, pairs, orders, 'iid/cnn', false);
  const anti = await run(game, pairs, orders, 'anti/cnn', true);
  lines.push(
    '',
    `CIFAR CNN fixture, 1 image (test index ${idx}), ${PAIRS} pairs, ${K} contexts each way:`,
    '',
    `| | ${orders.map((m) => `m = ${m}`).join(' | ')} |`,
    `| --- | ${orders.map(() => '---:').join(' | ')} |`,
    `| efficiency | ${orders.map((_, k) => (iid.sampled[k] ? fmt(iid.varOfMean[k] / anti.varOfMean[k]) : '—')).join(' | ')} |`,
  );
}
lines.push('', `(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
console.log(lines.join('\n'));
