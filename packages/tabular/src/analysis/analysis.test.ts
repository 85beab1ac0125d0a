import { describe, expect, it } from 'vitest';
import { float32Tensor, ModelGame, Rng, sampleMultiOrder } from '@orderlens/core';
import { loadCensus } from '../census/census.js';
import { TabularMasker } from '../masker/tabular-masker.js';
import { JsMlpRunner } from '../test-utils/js-mlp.js';
import { orderChangeUnderAttack } from './attack-change.js';
import { analyzeTabularExact, exactRowInteractions } from './exact-strength.js';
import { predictRows, selectCorrect } from './model-io.js';

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
const x = census.test.x.subarray(0, testRows * d);
const y = census.test.y.subarray(0, testRows);
const setup = {
  runner: model,
  x,
  y,
  featureCount: d,
  baseline: census.baseline,
  featureNames: census.featureNames,
};

/** log-odds of class `label` from two logits, computed independently of core's reward code. */
const logOdds = (z0: number, z1: number, label: number) => (label === 1 ? z1 - z0 : z0 - z1);

describe('exact tabular analysis on census with a trained MLP', () => {
  it('classifies census well enough to be a meaningful model', async () => {
    const p = await predictRows(model, x, d);
    let ok = 0;
    for (let r = 0; r < testRows; r++) if (p.predicted[r] === y[r]) ok++;
    expect(ok / testRows).toBeGreaterThan(0.78);
  });

  it('matches a brute-force I^(m)(i,j) built from the definition', async () => {
    const p = await predictRows(model, x, d);
    const index = selectCorrect(p.predicted, y, 1)[0];
    const row = x.subarray(index * d, (index + 1) * d);
    const exact = await exactRowInteractions(setup, row, y[index]);
    // v(S) for every mask, building the masked inputs by hand.
    const inputs = new Float32Array((1 << d) * d);
    for (let mask = 0; mask < 1 << d; mask++)
      for (let f = 0; f < d; f++) inputs[mask * d + f] = (mask >> f) & 1 ? row[f] : census.baseline[f];
    const out = await model.run({ x: float32Tensor(inputs, [1 << d, d]) });
    const v = (mask: number) => logOdds(out.data[2 * mask], out.data[2 * mask + 1], y[index]);
    const rng = Rng.create('brute');
    for (let t = 0; t < 12; t++) {
      const p = rng.int(exact.pairs.length);
      const [i, j] = exact.pairs[p];
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
      expect(exact.values[p][m]).toBeCloseTo(sum / count, 4);
    }
    expect(exact.residual).toBeLessThan(1e-9);
  });

  it('agrees with the sampled estimator within its standard error', async () => {
    const p = await predictRows(model, x, d);
    const picks = selectCorrect(p.predicted, y, 2);
    let within2 = 0;
    let within3 = 0;
    let total = 0;
    for (const index of picks) {
      const row = x.subarray(index * d, (index + 1) * d);
      const exact = await exactRowInteractions(setup, row, y[index]);
      const game = new ModelGame(new TabularMasker(row, { baseline: census.baseline }), model, {
        reward: { label: y[index] },
        batchSize: 4096,
      });
      const orders = Array.from({ length: d - 1 }, (_v, m) => m);
      const sampled = await sampleMultiOrder(game, {
        pairs: exact.pairs,
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
          const diff = mo.values[q][k] - exact.values[q][k];
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

  it('builds J, J̄, Ĵ, the theory curve and n′ over correctly classified samples, and resumes', async () => {
    const seen: number[] = [];
    const report = await analyzeTabularExact({ ...setup, samples: 6, onSample: (s) => seen.push(s.index) });
    expect(report.samples).toHaveLength(6);
    expect(report.samples.filter((s) => s.label === 1)).toHaveLength(3);
    const p = await predictRows(model, x, d);
    for (const s of report.samples) expect(p.predicted[s.index]).toBe(y[s.index]);
    expect(report.orders).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(report.J.J)).toBeCloseTo(1, 12);
    expect(mean(report.Jbar.J)).toBeCloseTo(1, 12);
    expect(report.Jhat.J[0]).toBeCloseTo(1, 12);
    const raw = report.orders.map((_m, k) => mean(report.samples.map((s) => s.strength[k])));
    expect(report.J.J[4]).toBeCloseTo(raw[4] / mean(raw), 12);
    // MATH.md: F̂ for n = 12.
    const F = [1, 0.2875, 0.122, 0.0664, 0.0439, 0.0344, 0.0314, 0.0332, 0.0407, 0.0575, 0.0909];
    report.theory.F.forEach((f, k) => expect(f).toBeCloseTo(F[k], 3));
    expect(report.fit.nEff).toBeGreaterThanOrEqual(3);
    expect(report.modelCalls).toBe(testRows + 6 * 4096);
    expect(report.runtimeMs).toBeGreaterThan(0);
    expect(report.runtimeMs).toBeLessThanOrEqual(report.wallTimeMs);

    const again: number[] = [];
    const resumed = await analyzeTabularExact({
      ...setup,
      samples: 6,
      previous: report.samples.slice(0, 4),
      onSample: (s) => again.push(s.index),
    });
    expect(again).toEqual(seen.slice(4));
    expect(resumed.J.J).toEqual(report.J.J);
    expect(resumed.modelCalls).toBe(testRows + 2 * 4096);
  });

  it('fails clearly when the model input width differs from the schema', async () => {
    const x11 = new Float32Array(10 * 11);
    await expect(
      analyzeTabularExact({
        runner: model,
        x: x11,
        y: new Int32Array(10),
        featureCount: 11,
        baseline: new Float32Array(11),
        samples: 2,
      }),
    ).rejects.toThrow(/model: the js-mlp model failed on inputs of width 11/);
    await expect(analyzeTabularExact({ ...setup, y: y.subarray(0, 5) })).rejects.toThrow(
      /y: has 5 labels but x has 400 rows/,
    );
  });

  it('measures the per-order change of interactions under a perturbation', async () => {
    const rng = Rng.create('perturb');
    const eps = 0.3;
    const xAdv = Float32Array.from(x, (v) => v + (rng.next() < 0.5 ? -eps : eps));
    const same = await orderChangeUnderAttack({ ...setup, xAdv: x.slice(), samples: 2 });
    expect(same.change.every((c) => c === 0)).toBe(true);
    const moved = await orderChangeUnderAttack({ ...setup, xAdv, indices: [0, 1, 2] });
    expect(moved.maxPerturbation).toBeCloseTo(eps, 6);
    expect(moved.change.length).toBe(11);
    expect(moved.change.some((c) => c > 0)).toBe(true);
    expect(moved.modelCalls).toBe(6 * 4096);
    moved.relativeChange.forEach((r, k) => expect(r).toBeCloseTo(moved.change[k] / moved.clean[k], 12));
  });
});
