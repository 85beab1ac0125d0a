import { describe, expect, it } from 'vitest';
import type { DynamicsResult } from './dynamics-result.js';
import { orderBands, spearman, twoPhaseTable, twoPhaseVerdicts } from './two-phase-verdicts.js';

/** A distribution over orders 1 … 10 peaked at `peak` (a discrete bump of width `w`). */
const bump = (peak: number, w = 1.5) =>
  Array.from({ length: 10 }, (_, i) => Math.exp(-(((i + 1 - peak) / w) ** 2)));

interface Spec {
  epoch: number;
  dist: number[];
  train: number;
  test: number;
  sigma2: number;
}

function series(specs: Spec[]): DynamicsResult {
  return {
    schema: 'orderlens/dynamics@1',
    modality: 'game',
    n: 10,
    players: null,
    reward: 'log-odds',
    samples: [],
    selection: {
      fromEpoch: specs[specs.length - 1].epoch,
      rule: 'all',
      candidates: 1,
      correct: null,
      warnings: [],
    },
    andOr: { preset: 'authors', niter: 1, qthres: 0.04 },
    fingerprint: {},
    theory: { criterion: '', truthEpoch: specs[specs.length - 1].epoch, truthVectors: 1 },
    checkpoints: specs.map((s) => ({
      epoch: s.epoch,
      source: null,
      losses: {
        trainLoss: s.train,
        testLoss: s.test,
        trainAccuracy: null,
        testAccuracy: null,
        lossGap: s.test - s.train,
      },
      meanGap: 1,
      andOr: {
        orders: Array.from({ length: 10 }, (_, i) => i + 1),
        distribution: s.dist,
        strengthByOrder: { and: [], or: [] },
        salientCountByOrder: [],
        salientCount: 10,
        tau: 0,
        salientReconstructionError: 0.1,
        matchingResidual: 0,
      },
      multiOrder: { orders: [], J: [], raw: [] },
      fit: {
        sigma2: s.sigma2,
        log10Sigma2: Math.log10(s.sigma2),
        loss: 0.1,
        predicted: [],
        atBoundary: false,
      },
      modelCalls: 0,
      wallTimeMs: 0,
    })),
    modelCalls: 0,
    provenance: { createdAt: '', wallTimeMs: 0, packages: {}, options: {} },
  };
}

// The paper's picture: a spindle, phase 1 down to low orders by the lowest test loss (epoch 10),
// then higher orders as the gap grows, with σ² falling in phase 2.
const paper: Spec[] = [
  { epoch: 0, dist: bump(5.5), train: 2.3, test: 2.3, sigma2: 1e-2 },
  { epoch: 2, dist: bump(3.5), train: 1.0, test: 1.0, sigma2: 1e-2 },
  { epoch: 10, dist: bump(1.5), train: 0.5, test: 0.55, sigma2: 1e-2 },
  { epoch: 20, dist: bump(2.5), train: 0.3, test: 0.6, sigma2: 1e-3 },
  { epoch: 40, dist: bump(3.5), train: 0.1, test: 0.8, sigma2: 1e-4 },
  { epoch: 80, dist: bump(4.5), train: 0.02, test: 1.2, sigma2: 1e-5 },
  { epoch: 160, dist: bump(5.0), train: 0.01, test: 1.5, sigma2: 1e-9 },
];

describe('two-phase verdicts', () => {
  it('order bands are symmetric thirds', () => {
    expect(orderBands(10)).toEqual({ lowMax: 3, highMin: 8 });
    expect(orderBands(12)).toEqual({ lowMax: 4, highMin: 9 });
  });

  it('spearman: ±1 for monotone data, ties averaged, NaN when undefined', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [1, 1, 2])).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(spearman([1, 2], [1, 2])).toBeNaN();
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });

  it('the table: mean order and band shares of each checkpoint', () => {
    const rows = twoPhaseTable(series(paper));
    const d = bump(5.5);
    const total = d.reduce((a, b) => a + b, 0);
    expect(rows[0].meanOrder).toBeCloseTo(d.reduce((a, v, i) => a + (i + 1) * v, 0) / total, 12);
    expect(rows[0].shares.low + rows[0].shares.mid + rows[0].shares.high).toBeCloseTo(1, 12);
    expect(rows[0].shares.low).toBeCloseTo((d[0] + d[1] + d[2]) / total, 12);
    expect(rows[0].shares.high).toBeCloseTo((d[7] + d[8] + d[9]) / total, 12);
    expect(rows[3].lossGap).toBeCloseTo(0.3, 12);
  });

  it('every claim holds on the paper-shaped series', () => {
    const v = twoPhaseVerdicts(series(paper));
    expect(v.map((x) => x.claim)).toEqual([
      'spindle-at-init',
      'phase1-removes-mid-high',
      'phase2-increasing-orders',
      'sigma2-decreases',
    ]);
    expect(v.map((x) => x.verdict)).toEqual(['holds', 'holds', 'holds', 'holds']);
    expect(v[1].evidence).toMatch(/end of phase 1 taken at epoch 10/);
  });

  it('each claim fails when its part of the picture is reversed', () => {
    // Low orders dominate at initialisation: no spindle.
    const noSpindle = paper.map((s, k) => (k === 0 ? { ...s, dist: bump(1) } : s));
    expect(twoPhaseVerdicts(series(noSpindle))[0].verdict).toBe('fails');
    // Orders go up until over-fitting sets in: no phase 1.
    const up = paper.map((s, k) => (k >= 1 && k <= 4 ? { ...s, dist: bump(7) } : s));
    expect(twoPhaseVerdicts(series(up))[1].verdict).toBe('fails');
    // Orders fall only once the gap is more than half grown (the census MLP's picture): the turn
    // is searched before that, so phase 1 fails.
    const late = paper.map((s, k) => (k >= 1 && k <= 3 ? { ...s, dist: bump(6) } : k === 4 ? s : s));
    const lateV = twoPhaseVerdicts(series(late.map((s, k) => (k === 4 ? { ...s, test: 1.45 } : s))));
    expect(lateV[1].verdict).toBe('fails');
    // Orders fall while the gap grows: no phase 2.
    const down = paper.map((s, k) => (k >= 3 ? { ...s, dist: bump(1.4 - 0.05 * k) } : s));
    expect(twoPhaseVerdicts(series(down))[2].verdict).toBe('fails');
    // σ² rising in phase 2.
    const rising = paper.map((s, k) => (k >= 2 && k < 6 ? { ...s, sigma2: 10 ** (k - 8) } : s));
    expect(twoPhaseVerdicts(series(rising))[3].verdict).toBe('fails');
  });

  // Every fit at the lower boundary (the PointNet series): no trend, and the evidence says why
  // instead of printing "NaN".
  it('σ² fails without a trend when every fitted σ² is the same, saying so', () => {
    const flat = paper.map((s) => ({ ...s, sigma2: 2.5e-13 }));
    const v = twoPhaseVerdicts(series(flat))[3];
    expect(v.verdict).toBe('fails');
    expect(v.evidence).not.toMatch(/NaN/);
    expect(v.evidence).toMatch(/undefined \(no spread: all values equal\)/);
  });

  it('is undecided without epoch 0 or with too short a phase 2', () => {
    const late = twoPhaseVerdicts(series(paper.slice(1)));
    expect(late[0].verdict).toBe('undecided');
    const short = twoPhaseVerdicts(series(paper.slice(0, 3)));
    expect(short[2].verdict).toBe('undecided');
    expect(short[3].verdict).toBe('undecided');
  });
});
