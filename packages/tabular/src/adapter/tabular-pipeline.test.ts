/**
 * The tabular adapter in the analysis pipeline, with a real (plain TypeScript) MLP trained on
 * census rows: selection, exact interactions checked against their definition and against the
 * sampled estimator, the aggregate curves, resume, and the per-order change under a perturbation.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ModelGame,
  ModelGateway,
  Rng,
  computeSample,
  computeSelection,
  estimators,
  float32Tensor,
  runAnalysis,
  selectSamples,
  type AnalysisEvent,
  type AnalysisOptions,
  type ModelRunner,
  type OpenedModel,
} from '@orderlens/core';
import { sampleMultiOrder } from '@orderlens/core/math';
import { tempDir } from '@orderlens/core/testing';
import { loadCensus } from '../census/census.js';
import { TabularMasker } from '../masker/tabular-masker.js';
import { JsMlpRunner } from '../test-utils/js-mlp.js';
import { orderChangeUnderAttack } from './attack-change.js';
import { tabularAdapter } from './tabular-adapter.js';
import { tabularSession } from './tabular-session.js';

const d = 12;
const census = loadCensus();
const trainRows = 4000;
const model = JsMlpRunner.train(
  census.train.x.subarray(0, trainRows * d),
  census.train.y.subarray(0, trainRows),
  d,
  { hidden: 16, epochs: 3, seed: 3 },
);
const testRows = 400;
const rows = {
  x: census.test.x.subarray(0, testRows * d),
  y: census.test.y.subarray(0, testRows),
  rows: testRows,
  featureCount: d,
  featureNames: census.featureNames,
  playerOfFeature: census.preprocessor.playerOfFeature,
  source: 'census test rows 0-399',
};
const { x, y } = rows;
const session = tabularSession(rows, { baseline: census.baseline });
const opened: OpenedModel = {
  runner: model,
  file: 'js-mlp',
  dir: '',
  format: 'js',
  device: 'cpu',
  sha256: 'js-mlp',
  inputs: [{ name: 'x', shape: [null, d] }],
};
const exact = estimators.get('exact');
const analysis = (samples: number): AnalysisOptions => ({
  modality: tabularAdapter.name,
  session,
  model: opened,
  estimator: exact,
  estimatorOptions: exact.options.parse({}) as Record<string, unknown>,
  selection: { ...tabularAdapter.defaultSelection, samples },
  reward: 'log-odds',
  seed: 0,
  batchSize: 4096,
});
const tmp = tempDir('orderlens-tabular-pipeline-');
afterAll(() => tmp.cleanup());

/** log-odds of class `label` from two logits, computed independently of core's reward code. */
const logOdds = (z0: number, z1: number, label: number) => (label === 1 ? z1 - z0 : z0 - z1);
/** The model's class for row `r`, computed outside the pipeline. */
async function predicted(r: number): Promise<number> {
  const out = await model.run({ x: float32Tensor(x.slice(r * d, (r + 1) * d), [1, d]) });
  return out.data[1] > out.data[0] ? 1 : 0;
}

describe('exact tabular analysis through the pipeline, on census with a trained MLP', () => {
  it('selects correctly classified rows of a model good enough to be meaningful, counting its predictions', async () => {
    const gateway = new ModelGateway();
    const sel = await selectSamples(
      session,
      gateway.wrap(model, 'selection'),
      { rule: 'correct', samples: 6, balance: true },
      4096,
    );
    expect(gateway.calls.selection).toBe(testRows);
    expect(sel.accuracy).toBeGreaterThan(0.78);
    expect(sel.indices).toHaveLength(6);
    for (const k of sel.indices) expect(await predicted(k)).toBe(y[k]);
  });

  it('matches a brute-force I^(m)(i,j) built from the definition', async () => {
    const options = analysis(1);
    const selected = await computeSelection(options);
    const [index] = selected.selection.indices;
    const unit = await computeSample(options, selected, 0);
    const mo = unit.sample.multiOrder!;
    expect(unit.calls.estimation).toBe(1 << d);
    const row = x.subarray(index * d, (index + 1) * d);
    // v(S) for every mask, building the masked inputs by hand.
    const inputs = new Float32Array((1 << d) * d);
    for (let mask = 0; mask < 1 << d; mask++)
      for (let f = 0; f < d; f++) inputs[mask * d + f] = (mask >> f) & 1 ? row[f] : census.baseline[f];
    const out = await model.run({ x: float32Tensor(inputs, [1 << d, d]) });
    const v = (mask: number) => logOdds(out.data[2 * mask], out.data[2 * mask + 1], y[index]);
    const rng = Rng.create('brute');
    for (let t = 0; t < 12; t++) {
      const p = rng.int(mo.pairs.length);
      const [i, j] = mo.pairs[p];
      const m = rng.int(d - 1);
      let sum = 0;
      let count = 0;
      for (let s = 0; s < 1 << d; s++) {
        if ((s >> i) & 1 || (s >> j) & 1) continue;
        let size = 0;
        for (let b = s; b; b &= b - 1) size++;
        if (size !== m) continue;
        sum += v(s | (1 << i) | (1 << j)) - v(s | (1 << i)) - v(s | (1 << j)) + v(s);
        count++;
      }
      expect(mo.values[p][m]).toBeCloseTo(sum / count, 4);
    }
    expect(unit.sample.residual).toBeLessThan(1e-9);
  });

  it('agrees with the sampled estimator within its standard error', async () => {
    const options = analysis(2);
    const selected = await computeSelection(options);
    let within2 = 0;
    let within3 = 0;
    let total = 0;
    for (const [s, index] of selected.selection.indices.entries()) {
      const exactMo = (await computeSample(options, selected, s)).sample.multiOrder!;
      const row = x.subarray(index * d, (index + 1) * d);
      const game = new ModelGame(new TabularMasker(row, { baseline: census.baseline }), model, {
        reward: { label: y[index] },
        batchSize: 4096,
      });
      const orders = Array.from({ length: d - 1 }, (_v, m) => m);
      const sampled = await sampleMultiOrder(game, {
        pairs: exactMo.pairs,
        orders,
        contexts: 100,
        seed: `s${index}`,
        mode: 'reference',
      });
      const mo = sampled.multiOrder!;
      const P = mo.pairs.length;
      for (let k = 0; k < orders.length; k++) {
        let sumDiff = 0;
        let sumVar = 0;
        for (let q = 0; q < P; q++) {
          const se = mo.standardErrors![q][k];
          const diff = mo.values[q][k] - exactMo.values[q][k];
          if (Math.abs(diff) <= 2 * se + 1e-9) within2++;
          if (Math.abs(diff) <= 3 * se + 1e-9) within3++;
          total++;
          sumDiff += diff;
          sumVar += se * se;
        }
        // The mean over pairs (independent contexts per pair) is within 4 of its standard errors.
        expect(Math.abs(sumDiff / P)).toBeLessThanOrEqual((4 * Math.sqrt(sumVar)) / P + 1e-9);
      }
    }
    // About 95% / 99.7% of single estimates fall within two / three standard errors (heavier
    // tails of ReLU-network Δv make the estimated errors a little optimistic).
    expect(within2 / total).toBeGreaterThan(0.88);
    expect(within3 / total).toBeGreaterThan(0.96);
  });

  it('builds J, J̄, the theory curve and n′ over correctly classified samples, and resumes', async () => {
    const straight = await runAnalysis(analysis(6));
    expect(straight.samples).toHaveLength(6);
    expect(straight.samples.filter((s) => s.label === 1)).toHaveLength(3);
    for (const s of straight.samples) expect(await predicted(s.index)).toBe(y[s.index]);
    expect(straight.orders).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const agg = straight.aggregate;
    const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(agg.strength.J)).toBeCloseTo(1, 12);
    expect(mean(agg.strengthPerSample.J)).toBeCloseTo(1, 12);
    const raw = straight.orders.map((_m, k) => mean(straight.samples.map((s) => s.strength[k])));
    agg.raw.forEach((v, k) => expect(v).toBeCloseTo(raw[k], 12));
    expect(agg.strength.J[4]).toBeCloseTo(raw[4] / mean(raw), 12);
    // MATH.md: F̂ for n = 12.
    const F = [1, 0.2875, 0.122, 0.0664, 0.0439, 0.0344, 0.0314, 0.0332, 0.0407, 0.0575, 0.0909];
    agg.theory.values.forEach((f, k) => expect(f).toBeCloseTo(F[k], 3));
    expect(agg.theory.effectiveN).toBeGreaterThanOrEqual(3);
    expect(straight.modelCalls).toMatchObject({ selection: testRows, estimation: 6 * 4096 });
    expect(straight.modelCalls.total).toBe(testRows + 6 * 4096);

    // Stopped after 4 samples, then resumed: only the last 2 are computed, and no selection.
    const out = join(tmp.dir, 'resume');
    const controller = new AbortController();
    await expect(
      runAnalysis({
        ...analysis(6),
        run: { out, resume: false },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'sample' && e.sample === 3) controller.abort();
        },
      }),
    ).rejects.toThrow(/4 of 6 samples saved/);
    const again: number[] = [];
    const before = model.calls;
    const resumed = await runAnalysis({
      ...analysis(6),
      run: { out, resume: true },
      onEvent: (e) => {
        if (e.type === 'sample') again.push(e.sample);
      },
    });
    expect(again).toEqual([4, 5]);
    expect(model.calls - before).toBe(2 * 4096);
    expect(resumed.aggregate).toEqual(straight.aggregate);
    expect(resumed.modelCalls).toEqual(straight.modelCalls);
  });

  it('measures the per-order change of interactions under a perturbation', async () => {
    const rng = Rng.create('perturb');
    const eps = 0.3;
    const xAdv = Float32Array.from(x, (v) => v + (rng.next() < 0.5 ? -eps : eps));
    const setup = { runner: model, rows, baseline: census.baseline };
    const same = await orderChangeUnderAttack({ ...setup, xAdv: x.slice(), samples: 2 });
    expect(same.change.every((c) => c === 0)).toBe(true);
    expect(same.samples).toHaveLength(2);
    for (const s of same.samples) expect(await predicted(s.index)).toBe(y[s.index]);
    // Selection predicted every clean row once; then 2^12 coalitions of x and of x′ per row.
    expect(same.modelCalls).toMatchObject({ selection: testRows, estimation: 4 * 4096 });
    const moved = await orderChangeUnderAttack({ ...setup, xAdv, indices: [0, 1, 2] });
    expect(moved.samples.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(moved.maxPerturbation).toBeCloseTo(eps, 6);
    expect(moved.change.length).toBe(11);
    expect(moved.change.some((c) => c > 0)).toBe(true);
    expect(moved.modelCalls).toMatchObject({ selection: 0, estimation: 6 * 4096, total: 6 * 4096 });
    moved.relativeChange.forEach((r, k) => expect(r).toBeCloseTo(moved.change[k] / moved.clean[k], 12));
    await expect(orderChangeUnderAttack({ ...setup, xAdv: x.subarray(0, d), samples: 1 })).rejects.toThrow(
      /xAdv: has 12 values, x has 4800/,
    );
    await expect(orderChangeUnderAttack({ ...setup, xAdv, indices: [400] })).rejects.toThrow(
      /indices: row 400 out of range \[0, 400\)/,
    );
  });

  it('a slow model moves the progress inside a sample with every model batch, at most once a second', async () => {
    // 4,096 coalitions in batches of 256, each held back 150 ms: the exact estimator reports
    // once per request, so only the model batches can move the line in between.
    const slow: ModelRunner = {
      backend: model.backend,
      inputNames: model.inputNames,
      run: async (inputs) => {
        await new Promise((r) => setTimeout(r, 150));
        return model.run(inputs);
      },
      dispose: () => Promise.resolve(),
    };
    const events: AnalysisEvent[] = [];
    await runAnalysis({
      ...analysis(1),
      model: { ...opened, runner: slow },
      batchSize: 256,
      onEvent: (e) => events.push(e),
    });
    const calls = events.flatMap((e) => (e.type === 'progress' ? [e.modelCalls] : []));
    const within = calls.filter((c) => c > 0 && c < 4096);
    expect(within.length, String(calls)).toBeGreaterThanOrEqual(1);
    // Throttled: 16 batches over about 2.4 s give a few such events, not one per batch.
    expect(within.length).toBeLessThanOrEqual(4);
    expect([...within].sort((a, b) => a - b)).toEqual(within);
  });
});
