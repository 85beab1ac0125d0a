import { describe, expect, it } from 'vitest';
import { expectInputError } from '../testing/expect-input-error.js';
import {
  mislabeledGroups,
  mislabeledMeasure,
  parseRelabelledSamples,
  ratioStandardError,
  sampleSalientStrength,
  type GroupCheckpoint,
} from './mislabeled.js';

const cp = (epoch: number, distribution: number[], counts: number[]): GroupCheckpoint => ({
  epoch,
  andOr: { orders: distribution.map((_, k) => k + 1), distribution, salientCountByOrder: counts },
});
const group = (checkpoints: GroupCheckpoint[], samples = 2) => ({
  n: checkpoints[0].andOr.orders.length,
  samples: Array.from({ length: samples }),
  checkpoints,
});

describe('mislabeledMeasure', () => {
  it('gives each group its share of salient strength per order, mean order and high-order share', () => {
    // n = 4. Relabelled at epoch 9: strength 1 at order 3 and 3 at order 4 → shares ¼, ¾; mean
    // order 3·¼ + 4·¾ = 3.75; orders > 2 hold everything. Clean: 3 at order 1, 1 at order 2 →
    // mean order 1.25, no high-order share. The scale of a distribution does not matter.
    const m = mislabeledMeasure(
      group([cp(0, [1, 1, 1, 1], [4, 1, 1, 1, 1]), cp(9, [0, 0, 10, 30], [4, 0, 0, 2, 5])], 3),
      group([cp(0, [2, 2, 2, 2], [4, 2, 0, 0, 0]), cp(9, [3, 1, 0, 0], [4, 6, 1, 0, 0])]),
      '--relabelled',
    );
    expect(m.n).toBe(4);
    expect(m.orders).toEqual([1, 2, 3, 4]);
    expect(m.samples).toEqual({ relabelled: 3, clean: 2 });
    expect(m.checkpoints.map((c) => c.epoch)).toEqual([0, 9]);
    const [first, last] = m.checkpoints;
    expect(first.relabelled.share).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(first.relabelled.meanOrder).toBeCloseTo(2.5, 12);
    expect(first.meanOrderGap).toBeCloseTo(0, 12);
    expect(last.relabelled.share).toEqual([0, 0, 0.25, 0.75]);
    expect(last.relabelled.meanOrder).toBeCloseTo(3.75, 12);
    expect(last.relabelled.highShare).toBeCloseTo(1, 12);
    expect(last.clean.meanOrder).toBeCloseTo(1.25, 12);
    expect(last.clean.highShare).toBe(0);
    expect(last.meanOrderGap).toBeCloseTo(2.5, 12);
    // Salient interactions per sample leave the empty set (index 0) out.
    expect(last.relabelled.salientPerSample).toBe(7);
    expect(last.clean.salientPerSample).toBe(7);
  });

  it('reads a group with nothing salient as zero shares', () => {
    const m = mislabeledMeasure(group([cp(1, [0, 0], [1, 0, 0])]), group([cp(1, [1, 1], [1, 1, 1])]), 'f');
    expect(m.checkpoints[0].relabelled.share).toEqual([0, 0]);
    expect(m.checkpoints[0].relabelled.meanOrder).toBe(0);
    expect(m.checkpoints[0].clean.meanOrder).toBeCloseTo(1.5, 12);
  });

  it('refuses groups measured at other checkpoints or with other players, naming the option', () => {
    expectInputError(
      () =>
        mislabeledMeasure(
          group([cp(1, [1, 1], [0, 1, 1])]),
          group([cp(2, [1, 1], [0, 1, 1])]),
          '--checkpoints',
        ),
      '--checkpoints',
      /different checkpoints/,
    );
    expectInputError(
      () =>
        mislabeledMeasure(
          group([cp(1, [1, 1], [0, 1, 1])]),
          group([cp(1, [1, 1, 1], [0, 1, 1, 1])]),
          '--checkpoints',
        ),
      '--checkpoints',
      /2 and 3 players/,
    );
  });
});

describe('standard errors of the mislabeled measure', () => {
  it('is the standard error of the mean for equal weights, and weighs samples by their strength otherwise', () => {
    // a = 1, 2, 3 over b = 1: R = 2, the sample standard deviation 1, so 1/√3.
    expect(ratioStandardError([1, 2, 3], [1, 1, 1])).toBeCloseTo(1 / Math.sqrt(3), 12);
    // a = 1, 6 over b = 1, 3: R = 7/4, residuals ∓3/4, √(9/8 / 2) / 2 = 3/8.
    expect(ratioStandardError([1, 6], [1, 3])).toBeCloseTo(0.375, 12);
    expect(ratioStandardError([1], [1])).toBeNaN();
    expect(ratioStandardError([0, 0], [0, 0])).toBeNaN();
  });

  it('reads the salient strength by order from its sparse AND and OR interactions, without the empty set', () => {
    // n = 3: AND on {0} (mask 1) −2 and {0,1,2} (mask 7) 0.5; OR on ∅ 9 (left out) and {1,2} (mask 6) 1.
    const r = sampleSalientStrength(
      { and: { masks: [1, 7], values: [-2, 0.5] }, or: { masks: [0, 6], values: [9, 1] } },
      3,
    );
    expect(r).toEqual({ strength: [2, 1, 0.5], count: 3 });
  });

  it('gives each group and the gap standard errors over samples when the per-sample strengths are known', () => {
    // Relabelled: one sample all at order 1, one with three times the strength all at order 2 →
    // pooled mean order 7/4 with s.e. 3/8 (above); shares ¼, ¾ with the same s.e. Clean: two
    // identical samples → s.e. 0. The gap's s.e. is the relabelled one's.
    const rel: GroupCheckpoint = {
      ...cp(5, [1, 3], [0, 1, 1]),
      perSample: [
        [1, 0],
        [0, 3],
      ],
      salientPerSample: [1, 3],
    };
    const clean: GroupCheckpoint = {
      ...cp(5, [2, 2], [0, 1, 1]),
      perSample: [
        [1, 1],
        [1, 1],
      ],
      salientPerSample: [2, 2],
    };
    const [c] = mislabeledMeasure(group([rel]), group([clean]), 'f').checkpoints;
    expect(c.relabelled.meanOrder).toBeCloseTo(1.75, 12);
    expect(c.relabelled.standardError!.meanOrder).toBeCloseTo(0.375, 12);
    expect(c.relabelled.standardError!.share[0]).toBeCloseTo(0.375, 12);
    expect(c.relabelled.standardError!.share[1]).toBeCloseTo(0.375, 12);
    // n = 2: order 2 > n/2 is the high share, ¾ ± 3/8.
    expect(c.relabelled.highShare).toBeCloseTo(0.75, 12);
    expect(c.relabelled.standardError!.highShare).toBeCloseTo(0.375, 12);
    // Salient counts 1 and 3: s.e. of the mean √2/√2 = 1.
    expect(c.relabelled.standardError!.salientPerSample).toBeCloseTo(1, 12);
    expect(c.clean.standardError!.meanOrder).toBe(0);
    expect(c.meanOrderGapSE).toBeCloseTo(0.375, 12);
    // Without per-sample strengths there is no standard error (older inputs).
    const bare = mislabeledMeasure(group([cp(5, [1, 3], [0, 1, 1])]), group([cp(5, [2, 2], [0, 1, 1])]), 'f');
    expect(bare.checkpoints[0].relabelled.standardError).toBeUndefined();
    expect(bare.checkpoints[0].meanOrderGapSE).toBeUndefined();
  });
});

describe('relabelled samples', () => {
  const doc = { schema: 'orderlens/relabelled-samples@1', relabelled: [7, 2, 4], candidates: 8 };

  it('splits the candidates into the first relabelled and the first clean ones, in data order', () => {
    const file = parseRelabelledSamples(doc, '--relabelled', 'r.json');
    expect(mislabeledGroups(file, 8, 2, '--relabelled')).toEqual({ relabelled: [2, 4], clean: [0, 1] });
    expect(mislabeledGroups(file, 8, 10, '--relabelled')).toEqual({
      relabelled: [2, 4, 7],
      clean: [0, 1, 3, 5, 6],
    });
  });

  it('refuses files that do not fit the data or are malformed, naming the option', () => {
    const file = parseRelabelledSamples(doc, '--relabelled', 'r.json');
    expectInputError(
      () => mislabeledGroups(file, 9, 2, '--relabelled'),
      '--relabelled',
      /8 candidates but the data hold 9/,
    );
    const loose = parseRelabelledSamples({ ...doc, candidates: undefined }, '--relabelled', 'r.json');
    expectInputError(
      () => mislabeledGroups(loose, 5, 2, '--relabelled'),
      '--relabelled',
      /position 7 is outside/,
    );
    expectInputError(
      () =>
        mislabeledGroups(
          parseRelabelledSamples({ ...doc, relabelled: [0, 1], candidates: 2 }, 'f', 'r'),
          2,
          1,
          'f',
        ),
      'f',
      /no clean sample/,
    );
    for (const bad of [
      { ...doc, schema: 'x' },
      { ...doc, relabelled: [] },
      { ...doc, relabelled: [1, 1] },
      { ...doc, relabelled: [-1] },
    ])
      expectInputError(() => parseRelabelledSamples(bad, '--relabelled', 'r.json'), '--relabelled', /r.json/);
  });
});
