import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@orderlens/core';
import { ICLR2022_LOSS_CONVENTIONS, sampleNestedCoalitions } from '@orderlens/core/math';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildOrderLossInputs, orderLossObjective, type OrderLossConfig } from './order-loss-batch.js';

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
});

describe('order losses with the ICLR-2022 trainer conventions', () => {
  const n = 12;
  const base: OrderLossConfig = {
    terms: [{ kind: 'plus', r1: 0.3, r2: 0.7 }],
    lambdaPlus: 1,
    lambdaMinus: 0,
    players: n,
    playerOfFeature: Int32Array.from({ length: n }, (_, f) => f),
    baseline: new Float32Array(n).fill(-1),
  };
  const x = Float32Array.from({ length: 2 * n }, (_, k) => k);
  const rngOf = (b: number) => Rng.create('conv').fork(b);

  it('masks int(r·n) players (3 and 8 of 12), round(r·n) by default (4 and 8)', () => {
    const kept = (out: Float32Array, block: number, b: number) =>
      Array.from(out.subarray((block * 2 + b) * n, (block * 2 + b + 1) * n)).filter((v) => v !== -1).length;
    const iclr = buildOrderLossInputs(
      x,
      [0, 1],
      n,
      { ...base, conventions: ICLR2022_LOSS_CONVENTIONS },
      rngOf,
    );
    const dflt = buildOrderLossInputs(x, [0, 1], n, base, rngOf);
    for (const b of [0, 1]) {
      expect([kept(iclr, 1, b), kept(iclr, 2, b)]).toEqual([3, 8]);
      expect([kept(dflt, 1, b), kept(dflt, 2, b)]).toEqual([4, 8]);
      // The same stream draws the same permutation: S2 agrees, S1 is its first 3 or 4 players.
      const a = sampleNestedCoalitions(n, 0.3, 0.7, rngOf(b).fork(0), 'int');
      const d = sampleNestedCoalitions(n, 0.3, 0.7, rngOf(b).fork(0));
      expect(a.s2).toEqual(d.s2);
    }
  });

  it('uses Δu = z(S2) − (r2/r1)·z(S1) with the ratio coefficient, |S2|/|S1| by default', () => {
    // Rows: clean, S1, S2 (two logits each).
    const logits = tf.tensor2d([0, 0, 1, -1, 2, 0.5], [3, 2]);
    const oneHot = tf.tensor2d([[0, 1]]);
    const plusOf = (coef: number) => {
      const du = [2 - coef * 1, 0.5 - coef * -1];
      const m = Math.max(...du);
      const lse = m + Math.log(du.reduce((s, v) => s + Math.exp(v - m), 0));
      return -(du[1] - lse);
    };
    const value = (conventions?: OrderLossConfig['conventions']) =>
      orderLossObjective(logits, oneHot, { ...base, conventions }).terms[0].dataSync()[0];
    expect(value(ICLR2022_LOSS_CONVENTIONS)).toBeCloseTo(plusOf(0.7 / 0.3), 5);
    expect(value({ coefficient: 'ratio' })).toBeCloseTo(plusOf(0.7 / 0.3), 5);
    expect(value()).toBeCloseTo(plusOf(2), 5);
    expect(value({ sizes: 'int' })).toBeCloseTo(plusOf(8 / 3), 5);
  });
});
