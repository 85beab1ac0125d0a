/**
 * The measures of interactions on the tabular adapter, with a real (plain TypeScript) MLP trained
 * on census rows: noise sensitivity against an independent computation, counted by purpose,
 * resumed after a stop; bad noise options refused before any model call.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, parseResult, estimators, CoalitionBatch, type OpenedModel } from '@orderlens/core';
import {
  binomial,
  bitCount,
  mobiusTransform,
  runNoiseSensitivity,
  type NoiseSensitivityOptions,
} from '@orderlens/core/math';
import { tempDir } from '@orderlens/core/testing';
import { loadCensus } from '../census/census.js';
import { TabularMasker } from '../masker/tabular-masker.js';
import { JsMlpRunner } from '../test-utils/js-mlp.js';
import { tabularAdapter } from './tabular-adapter.js';
import { tabularSession } from './tabular-session.js';

const d = 12;
const census = loadCensus();
const model = JsMlpRunner.train(census.train.x.subarray(0, 3000 * d), census.train.y.subarray(0, 3000), d, {
  hidden: 16,
  epochs: 3,
  seed: 5,
});
const testRows = 200;
const rows = {
  x: census.test.x.subarray(0, testRows * d),
  y: census.test.y.subarray(0, testRows),
  rows: testRows,
  featureCount: d,
  featureNames: census.featureNames,
  playerOfFeature: census.preprocessor.playerOfFeature,
  source: 'census test rows 0-199',
};
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
const options = (samples: number, noise = { delta: 0.2, draws: 3 }): NoiseSensitivityOptions => ({
  modality: tabularAdapter.name,
  session,
  model: opened,
  estimator: exact,
  estimatorOptions: exact.options.parse({}) as Record<string, unknown>,
  selection: { ...tabularAdapter.defaultSelection, samples },
  reward: 'log-odds',
  seed: 7,
  batchSize: 4096,
  noise,
});
const tmp = tempDir('orderlens-tabular-measures-');
afterAll(() => tmp.cleanup());

/** `V_x(s)` of row `k`, sample position `s`, computed outside the pipeline (same noise stream). */
async function directVariance(k: number, s: number, delta: number, draws: number): Promise<number[]> {
  const tables: Float64Array[] = [];
  for (let dr = 0; dr < draws; dr++) {
    const rng = Rng.create(7).fork('noise', s, dr);
    const row = Float32Array.from(rows.x.subarray(k * d, (k + 1) * d), (v) => v + delta * rng.normal());
    const masker = new TabularMasker(row, {
      baseline: census.baseline,
      playerOfFeature: census.preprocessor.playerOfFeature,
    });
    const n = masker.n;
    const batch = new CoalitionBatch(n, 2 ** n);
    for (let T = 0; T < 2 ** n; T++) batch.pushMask(T);
    const out = await model.run(masker.mask(batch, 0, 2 ** n));
    // log-odds of the row's class from two logits, computed independently of core's reward code.
    const v = Float64Array.from({ length: 2 ** n }, (_, T) =>
      rows.y[k] === 1 ? out.data[2 * T + 1] - out.data[2 * T] : out.data[2 * T] - out.data[2 * T + 1],
    );
    tables.push(mobiusTransform(v));
  }
  const n = Math.log2(tables[0].length);
  const V = new Array<number>(n + 1).fill(0);
  for (let S = 0; S < tables[0].length; S++) {
    const xs = tables.map((t) => t[S]);
    const m = xs.reduce((a, b) => a + b, 0) / draws;
    V[bitCount(S)] += xs.reduce((a, b) => a + (b - m) ** 2, 0) / (draws - 1);
  }
  return V.map((v, s2) => v / binomial(n, s2));
}

describe('noise sensitivity on census rows', () => {
  it('equals V_x(s) computed directly, counts noise calls, and resumes after a stop', async () => {
    const straight = await runNoiseSensitivity(options(3));
    expect(straight.samples).toHaveLength(3);
    for (const [s, smp] of straight.samples.entries()) {
      const want = await directVariance(smp.index, s, 0.2, 3);
      smp.noise!.variance.forEach((v, o) => expect(v).toBeCloseTo(want[o], 9));
      expect(smp.noise!.vFull).toHaveLength(3);
    }
    const m = straight.measures!.noiseSensitivity!;
    expect(m.orders).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    m.variance.forEach((v, j) =>
      expect(v).toBeCloseTo(straight.samples.reduce((a, smp) => a + smp.noise!.variance[j + 1], 0) / 3, 12),
    );
    expect(m.variance[0]).toBeGreaterThan(0);
    expect(straight.modelCalls).toMatchObject({
      selection: testRows,
      estimation: 3 * 4096,
      noise: 3 * 3 * 4096,
      total: testRows + 3 * 4096 + 9 * 4096,
    });

    // The document validates; an @2 file (no measures blocks then) reads as @3, an @1 file is refused by name.
    expect(parseResult(JSON.parse(JSON.stringify(straight))).measures).toEqual(straight.measures);
    const { measures: _m, ...older } = JSON.parse(JSON.stringify(straight)) as Record<string, unknown>;
    expect(parseResult({ ...older, schema: 'orderlens/interaction-result@2' }).schema).toBe(
      'orderlens/interaction-result@3',
    );
    expect(() => parseResult({ ...older, schema: 'orderlens/interaction-result@1' }, 'old.json')).toThrow(
      /old\.json: is a "orderlens\/interaction-result@1" file; this version reads orderlens\/interaction-result@3 and orderlens\/interaction-result@2/,
    );

    const out = join(tmp.dir, 'noise');
    const controller = new AbortController();
    await expect(
      runNoiseSensitivity({
        ...options(3),
        run: { out, resume: false },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'sample' && e.sample === 1) controller.abort();
        },
      }),
    ).rejects.toThrow(/1 of 3 samples saved/);
    const before = model.calls;
    const resumed = await runNoiseSensitivity({ ...options(3), run: { out, resume: true } });
    // Sample 1's clean unit was saved before the stop; its noise draws and sample 2 remain.
    expect(model.calls - before).toBe(2 * 3 * 4096 + 4096);
    expect(resumed.measures).toEqual(straight.measures);
    expect(resumed.modelCalls).toEqual(straight.modelCalls);
    // A resume with another δ is refused (the noise is fingerprinted).
    await expect(
      runNoiseSensitivity({ ...options(3, { delta: 0.3, draws: 3 }), run: { out, resume: true } }),
    ).rejects.toThrow(/option|settings|changed|differ/i);
  });

  it('refuses δ ≤ 0 and fewer than two draws before any model call', async () => {
    const before = model.calls;
    for (const delta of [0, -1, Number.NaN])
      await expect(runNoiseSensitivity(options(2, { delta, draws: 3 }))).rejects.toMatchObject({
        field: 'delta',
      });
    await expect(runNoiseSensitivity(options(2, { delta: 0.1, draws: 1 }))).rejects.toMatchObject({
      field: 'draws',
    });
    const { perturbedPlayers: _, ...plain } = session;
    await expect(runNoiseSensitivity({ ...options(2), session: plain })).rejects.toMatchObject({
      field: 'modality',
    });
    expect(model.calls).toBe(before);
  });
});
