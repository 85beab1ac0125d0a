import { CoalitionBatch, computeReward, ModelGame, type EstimateResult } from '@orderlens/core';
import { binomial, exactInteractions, gameTable, sampleMultiOrder } from '@orderlens/core/math';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxRunner } from './onnx-runner.js';
import { CensusMasker, censusMeta, censusModel } from '../test-utils/index.js';

/*
 * Core's estimators on a real ONNX model (the census MLP-5, 12 players, baseline 0), checked
 * against the definition I^(m)(i,j) = mean over contexts S ⊆ N∖{i,j}, |S| = m, of Δv(i,j,S),
 * where every v(S) is a separate runner call on a masked input built here, independently of
 * the masker and the Evaluator.
 */

const n = 12;
const meta = censusMeta();
const example = meta.examples[0];
const x = new Float32Array(example.input);
const label = example.label;
const checked: Array<[number, number]> = [
  [0, 1],
  [2, 8],
  [5, 11],
];

let runner: OnnxRunner;
beforeAll(async () => {
  runner = await OnnxRunner.create(censusModel, { providers: ['cpu'], intraOpNumThreads: 1, log: () => {} });
});
afterAll(() => runner.dispose());

/** v(S) by one runner call on the masked input (x on S, 0 elsewhere), log-odds of `label`. */
async function directValue(mask: number): Promise<number> {
  const input = new Float32Array(n);
  for (let f = 0; f < n; f++) input[f] = (mask >>> f) & 1 ? x[f] : 0;
  const out = await runner.run({ x: { type: 'float32', data: input, dims: [1, n] } });
  const v = new Float64Array(1);
  computeReward('log-odds', out, label, v);
  return v[0];
}

/** The definition, one coalition per runner call. */
async function directInteraction(i: number, j: number, m: number): Promise<number> {
  const others = Array.from({ length: n }, (_, k) => k).filter((k) => k !== i && k !== j);
  const contexts: number[] = [];
  const visit = (start: number, left: number, mask: number) => {
    if (left === 0) return void contexts.push(mask);
    for (let t = start; t <= others.length - left; t++) visit(t + 1, left - 1, mask | (1 << others[t]));
  };
  visit(0, m, 0);
  expect(contexts.length).toBe(binomial(n - 2, m));
  let sum = 0;
  for (const S of contexts) {
    sum +=
      (await directValue(S | (1 << i) | (1 << j))) -
      (await directValue(S | (1 << i))) -
      (await directValue(S | (1 << j))) +
      (await directValue(S));
  }
  return sum / contexts.length;
}

const directCache = new Map<string, number>();
async function direct(i: number, j: number, m: number): Promise<number> {
  const key = `${i},${j},${m}`;
  if (!directCache.has(key)) directCache.set(key, await directInteraction(i, j, m));
  return directCache.get(key)!;
}

function game(batchSize: number): ModelGame {
  return new ModelGame(new CensusMasker(x), runner, { reward: { label }, batchSize });
}

function valueAt(result: EstimateResult, i: number, j: number, m: number): { value: number; se: number } {
  const mo = result.multiOrder!;
  const p = mo.pairs.findIndex(([a, b]) => (a === i && b === j) || (a === j && b === i));
  const k = mo.orders.indexOf(m);
  expect(p).toBeGreaterThanOrEqual(0);
  expect(k).toBeGreaterThanOrEqual(0);
  return { value: mo.values[p][k], se: mo.standardErrors?.[p][k] ?? 0 };
}

describe('ModelGame over the census ONNX runner', () => {
  it('gives the same values for model batch sizes 1, 7 and 64', async () => {
    const tables = [];
    for (const b of [1, 7, 64]) {
      const g = game(b);
      tables.push(await gameTable(g));
      expect(g.modelCalls).toBe(2 ** n);
    }
    let worst = 0;
    for (let s = 0; s < 2 ** n; s++)
      worst = Math.max(worst, Math.abs(tables[0][s] - tables[1][s]), Math.abs(tables[0][s] - tables[2][s]));
    // The same float32 network on the same rows; only the GEMM blocking differs with the batch.
    expect(worst).toBeLessThan(1e-5);
    // And the values are the model's: v(N) and v(∅) match single calls.
    expect(tables[2][2 ** n - 1]).toBeCloseTo(await directValue(2 ** n - 1), 5);
    expect(tables[2][0]).toBeCloseTo(await directValue(0), 5);
    // Not a constant game.
    expect(Math.abs(tables[2][2 ** n - 1] - tables[2][0])).toBeGreaterThan(1e-3);
  });

  it('exact estimator: I^(m)(i,j) equals the direct definition', async () => {
    const g = game(64);
    const result = await exactInteractions(g);
    expect(result.modelCalls).toBe(2 ** n);
    for (const [i, j] of checked) {
      for (const m of [0, 1, 5, 10]) {
        const d = await direct(i, j, m);
        expect(valueAt(result, i, j, m).value, `I^(${m})(${i},${j})`).toBeCloseTo(d, 4);
      }
    }
  });

  for (const mode of ['reference', 'shared'] as const) {
    it(`sampled estimator (${mode}): exact where it enumerates, within 5 standard errors elsewhere`, async () => {
      const g = game(64);
      const orders = [0, 1, 2, 5, 8, 10];
      const result = await sampleMultiOrder(g, { pairs: checked, orders, contexts: 50, seed: 7, mode });
      for (const [i, j] of checked) {
        for (const m of orders) {
          const d = await direct(i, j, m);
          const { value, se } = valueAt(result, i, j, m);
          if (binomial(n - 2, m) <= 50) {
            // C(10, m) ≤ 50 contexts: every context is enumerated, so the estimate is the definition.
            expect(value, `I^(${m})(${i},${j})`).toBeCloseTo(d, 4);
            expect(se).toBe(0);
          } else {
            expect(se).toBeGreaterThan(0);
            expect(Math.abs(value - d), `I^(${m})(${i},${j}) ± ${se}`).toBeLessThan(5 * se + 1e-6);
          }
        }
      }
    });
  }

  it('does not depend on the batch the runner is given (same coalitions, any grouping)', async () => {
    const masker = new CensusMasker(x);
    const batch = new CoalitionBatch(n, 64);
    for (let k = 0; k < 64; k++) batch.pushMask((k * 2654435761) >>> 20);
    const whole = await runner.run(masker.mask(batch, 0, 64));
    const parts = await Promise.all([
      runner.run(masker.mask(batch, 0, 13)),
      runner.run(masker.mask(batch, 13, 64)),
    ]);
    const joined = new Float32Array([...parts[0].data, ...parts[1].data]);
    for (let k = 0; k < joined.length; k++) expect(Math.abs(joined[k] - whole.data[k])).toBeLessThan(1e-5);
  });
});
