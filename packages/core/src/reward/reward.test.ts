import { describe, expect, it } from 'vitest';
import { computeReward, parseRewardName, predictedClass } from './reward.js';

const out = (rows: number[][]) => ({
  data: Float32Array.from(rows.flat()),
  rows: rows.length,
  classes: rows[0].length,
});

describe('rewards', () => {
  const z = [1.5, -0.5, 0.25];
  const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
  const target = new Float64Array(1);

  it('computes log-odds stably and matches the definition', () => {
    computeReward('log-odds', out([z]), 0, target);
    const p = Math.exp(z[0] - lse(z));
    expect(target[0]).toBeCloseTo(Math.log(p / (1 - p)), 6);
    computeReward('log-odds', out([[1000, 0, -1000]]), 0, target);
    expect(target[0]).toBeCloseTo(1000, 6);
  });

  it('computes logit, log-prob and prob', () => {
    computeReward('logit', out([z]), 2, target);
    expect(target[0]).toBeCloseTo(0.25, 6);
    computeReward('log-prob', out([z]), 1, target);
    expect(target[0]).toBeCloseTo(-0.5 - lse(z), 6);
    computeReward('prob', out([z]), 1, target);
    expect(target[0]).toBeCloseTo(Math.exp(-0.5 - lse(z)), 6);
  });

  it('signs a single sigmoid logit toward the label', () => {
    computeReward('log-odds', out([[2]]), 1, target);
    expect(target[0]).toBeCloseTo(2, 6);
    computeReward('log-odds', out([[2]]), 0, target);
    expect(target[0]).toBeCloseTo(-2, 6);
    computeReward('prob', out([[2]]), 0, target);
    expect(target[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
  });

  it('fails clearly on NaN outputs, bad labels and unknown rewards', () => {
    expect(() => computeReward('log-odds', out([[NaN, 1]]), 0, target)).toThrow(
      /row 0 gives a non-finite log-odds/,
    );
    expect(() => computeReward('log-odds', out([z]), 3, target)).toThrow(/label: class 3 out of range/);
    expect(() => parseRewardName('margin')).toThrow(/reward: unknown reward "margin"/);
  });
  it('predicts the argmax class, and class 1 for a positive single sigmoid logit', () => {
    expect(
      predictedClass(
        out([
          [0.1, 2, -1],
          [3, 2, 1],
        ]),
        0,
      ),
    ).toBe(1);
    expect(
      predictedClass(
        out([
          [0.1, 2, -1],
          [3, 2, 1],
        ]),
        1,
      ),
    ).toBe(0);
    expect(predictedClass(out([[-0.5], [0.5]]), 0)).toBe(0);
    expect(predictedClass(out([[-0.5], [0.5]]), 1)).toBe(1);
  });
});
