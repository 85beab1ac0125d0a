import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoalitionBatch,
  OrderlensInputError,
  Rng,
  analysisResult,
  computeSample,
  computeSelection,
  estimators,
  float32Tensor,
  openModel,
  pairStrategy,
  planAnalysis,
  parseAdapterOptions,
  type AnalysisOptions,
  type GraphCut,
  type StoredSample,
} from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import {
  FeatureMapMasker,
  PatchGrid,
  PatchMasker,
  classifyDataset,
  cutModelAt,
  datasetImage,
  loadCifar10Subset,
  toModelBatch,
  toModelInput,
  visionAdapter,
  type ImageShape,
} from '@orderlens/vision';

const fixture = (rel: string) =>
  fileURLToPath(new URL(`../../../../fixtures/cifar-cnn/${rel}`, import.meta.url));
const meta = JSON.parse(readFileSync(fixture('meta.json'), 'utf8')) as {
  normalization: { mean: number[]; std: number[] };
  testAccuracy: number;
  cutTensor: { name: string; shape: Array<string | number> };
  examples: Array<{ testIndex: number; label: number; logits: number[] }>;
};
const pre = { mean: meta.normalization.mean, std: meta.normalization.std, layout: 'NCHW' as const };
const shape: ImageShape = { channels: 3, height: 32, width: 32, layout: 'NCHW' };
const ds = loadCifar10Subset('test');

let runner: OnnxRunner;
beforeAll(async () => {
  runner = await OnnxRunner.create(fixture('model.onnx'), {
    providers: ['cpu'],
    intraOpNumThreads: 1,
    log: () => {},
  });
});
afterAll(async () => {
  await runner?.dispose();
});

describe('vision on the CIFAR-10 fixture CNN (ONNX Runtime)', () => {
  it('reads and normalises images exactly as the training script did', async () => {
    const out = await runner.run({
      x: toModelBatch(
        meta.examples.map((e) => datasetImage(ds, e.testIndex)),
        pre,
      ),
    });
    meta.examples.forEach((e, r) => {
      expect(ds.labels[e.testIndex]).toBe(e.label);
      e.logits.forEach((z, c) => expect(out.data[r * 10 + c]).toBeCloseTo(z, 3));
    });
    const predicted = await classifyDataset({
      runner,
      dataset: ds,
      preprocess: pre,
      indices: Array.from({ length: 200 }, (_, i) => i),
    });
    const acc = predicted.reduce((a, p, i) => a + (p === ds.labels[i] ? 1 : 0), 0) / 200;
    expect(Math.abs(acc - meta.testAccuracy)).toBeLessThan(0.12);
  });

  it('masks the feature map after the 2nd ReLU exactly like masking it by hand through the cut model', async () => {
    const cut: GraphCut = await cutModelAt(runner, meta.cutTensor.name);
    const x = toModelInput(datasetImage(ds, 3), pre);
    const inputs = { x: float32Tensor(x, [1, 3, 32, 32]) };
    const masker = await FeatureMapMasker.create({ cut, inputs, grid: { rows: 6, cols: 6 } });
    expect(masker.featureMap.dims).toEqual([1, 16, 32, 32]);
    expect(masker.n).toBe(36);
    // suffix(prefix(x)) is the full model.
    const full = await runner.run(inputs);
    const map = (await cut.prefix.run(inputs)).data as Float32Array;
    const whole = await cut.suffix.run({
      [cut.suffix.inputNames[0]]: float32Tensor(map.slice(), [1, 16, 32, 32]),
    });
    for (let c = 0; c < 10; c++) expect(whole.data[c]).toBeCloseTo(full.data[c], 4);

    const rng = Rng.create('fm');
    const sets = [
      [],
      Array.from({ length: 36 }, (_, i) => i),
      ...Array.from({ length: 6 }, (_, t) =>
        rng.fork(t).sample(
          Array.from({ length: 36 }, (_, i) => i),
          5 + 5 * t,
        ),
      ),
    ];
    const batch = CoalitionBatch.fromSets(36, sets);
    const viaMasker = await cut.suffix.run(masker.mask(batch, 0, batch.count));
    // By hand: cell (r, c) of a 6×6 grid over 32×32 spans rows floor(32r/6) … floor(32(r+1)/6) − 1.
    const bound = (k: number) => Math.floor((32 * k) / 6);
    const hand = new Float32Array(sets.length * map.length);
    sets.forEach((set, k) => {
      const m = map.slice();
      for (let cell = 0; cell < 36; cell++) {
        if (set.includes(cell)) continue;
        const r = Math.floor(cell / 6);
        const q = cell % 6;
        for (let ch = 0; ch < 16; ch++)
          for (let y = bound(r); y < bound(r + 1); y++)
            for (let xx = bound(q); xx < bound(q + 1); xx++) m[(ch * 32 + y) * 32 + xx] = 0;
      }
      hand.set(m, k * map.length);
    });
    const viaHand = await cut.suffix.run({
      [cut.suffix.inputNames[0]]: float32Tensor(hand, [sets.length, 16, 32, 32]),
    });
    expect(Array.from(viaMasker.data)).toEqual(Array.from(viaHand.data));
    for (let c = 0; c < 10; c++) expect(viaMasker.data[10 + c]).toBeCloseTo(full.data[c], 4);
    await cut.prefix.dispose();
    await cut.suffix.dispose();
  });

  it('names the field on bad input: unknown tensor, grid larger than the map, wrong input shape', async () => {
    await expect(cutModelAt(runner, 'no_such_tensor')).rejects.toThrow(
      /tensor: unknown tensor "no_such_tensor"/,
    );
    const cut = await cutModelAt(runner, meta.cutTensor.name);
    const inputs = { x: float32Tensor(toModelInput(datasetImage(ds, 0), pre), [1, 3, 32, 32]) };
    await expect(FeatureMapMasker.create({ cut, inputs, grid: { rows: 40, cols: 40 } })).rejects.toThrow(
      /grid: a 40×40 grid is larger than the 32×32 image/,
    );
    await expect(
      classifyDataset({ runner, dataset: ds, preprocess: { ...pre, layout: 'NHWC' }, indices: [0, 1] }),
    ).rejects.toThrow(OrderlensInputError);
    await cut.prefix.dispose();
    await cut.suffix.dispose();
  });

  it('J(m) from the shared-context estimator agrees with the reference protocol within their instability', async () => {
    // The pipeline, unit by unit: the first correct image of each class among the first 60 (class
    // order), 3 of them, 6×6 patches with a zero baseline, the reference and fast protocols.
    const model = await openModel({ spec: fixture('model.onnx'), device: 'cpu', threads: 1 });
    const session = await visionAdapter.open({
      options: parseAdapterOptions(visionAdapter.options, {
        dataset: 'cifar10',
        limit: 60,
        grid: '6',
        baseline: 'zero',
        heatmaps: 0,
      }),
      model,
    });
    const ratios = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1];
    const analysis = (name: string): AnalysisOptions => {
      // The protocol with the test's sizes, resolved as `orderlens analyze vision` resolves it.
      const plan = planAnalysis(
        visionAdapter,
        { protocol: name, contexts: 40, repeats: 2, ratios, pairs: 12, perClass: 1, samples: 3 },
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
        seed: 5,
        batchSize: 512,
      };
    };
    const selected = await computeSelection(analysis('reference'));
    expect(selected.selection.indices).toHaveLength(3);
    const run = async (name: string) => {
      const options = analysis(name);
      const units: StoredSample[] = [];
      for (let s = 0; s < 3; s++) units.push(await computeSample(options, selected, s));
      return analysisResult(options, selected, units, { wallTimeMs: 0 });
    };
    const ref = await run('reference');
    const shared = await run('fast');
    await model.runner.dispose();
    const samples = selected.selection.indices;
    expect(shared.estimator.name).toBe('shared');
    expect(ref.samples[0].multiOrder!.pairs).toEqual(shared.samples[0].multiOrder!.pairs);
    // Distance between the two estimators, in the instability's own terms.
    let rel = 0;
    let terms = 0;
    for (let s = 0; s < samples.length; s++) {
      const a = ref.samples[s].strengthByRepeat![0];
      const b = shared.samples[s].strengthByRepeat![0];
      a.forEach((v, k) => {
        rel += Math.abs(v - b[k]) / ((Math.abs(v) + Math.abs(b[k])) / 2);
        terms++;
      });
    }
    rel /= terms;
    const instab = Math.max(ref.aggregate.instability!, shared.aggregate.instability!);
    expect(rel).toBeLessThan(2 * instab + 0.02);
    ref.aggregate.strength.J.forEach((j, k) =>
      expect(Math.abs(j - shared.aggregate.strength.J[k])).toBeLessThan(0.35),
    );
    // The shared estimator reuses coalitions across pairs, so it needs fewer model calls.
    expect(shared.modelCalls.estimation).toBeLessThan(ref.modelCalls.estimation);
  });
});

describe('the tiny ViT fixture and ViT-aligned grids', () => {
  const vit = (rel: string) =>
    fileURLToPath(new URL(`../../../../fixtures/cifar-vit/${rel}`, import.meta.url));
  const vmeta = JSON.parse(readFileSync(vit('meta.json'), 'utf8')) as typeof meta & { patchSize: number };

  it('reproduces the exported logits and gives one player per token', async () => {
    const r = await OnnxRunner.create(vit('model.onnx'), {
      providers: ['cpu'],
      intraOpNumThreads: 1,
      log: () => {},
    });
    try {
      const vpre = { mean: vmeta.normalization.mean, std: vmeta.normalization.std };
      const out = await r.run({
        x: toModelBatch(
          vmeta.examples.map((e) => datasetImage(ds, e.testIndex)),
          vpre,
        ),
      });
      vmeta.examples.forEach((e, row) =>
        e.logits.forEach((z, c) => expect(out.data[row * 10 + c]).toBeCloseTo(z, 3)),
      );
      // Masking one ViT-aligned cell changes exactly one token of the patch embedding.
      const grid = PatchGrid.forVit(vmeta.patchSize, 32, 32);
      expect(grid.n).toBe(64);
      const cut = await cutModelAt(r, '/embed/Conv_output_0');
      const x = toModelInput(datasetImage(ds, 5), vpre);
      const masker = new PatchMasker({
        x,
        baseline: new Float32Array(x.length),
        shape,
        grid,
        inputName: 'x',
      });
      const all = Array.from({ length: 64 }, (_, i) => i);
      const batch = CoalitionBatch.fromSets(64, [all, all.filter((i) => i !== 19)]);
      const emb = (await cut.prefix.run(masker.mask(batch, 0, 2))).data as Float32Array;
      expect(emb.length).toBe(2 * 48 * 64);
      const changed = new Set<number>();
      for (let ch = 0; ch < 48; ch++)
        for (let t = 0; t < 64; t++) if (emb[ch * 64 + t] !== emb[48 * 64 + ch * 64 + t]) changed.add(t);
      expect([...changed]).toEqual([19]);
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    } finally {
      await r.dispose();
    }
  });
});
