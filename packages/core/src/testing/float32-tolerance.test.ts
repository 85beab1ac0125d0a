import { describe, expect, it } from 'vitest';
import {
  FLOAT32_UNIT_ROUNDOFF,
  KERNEL_SAFETY,
  expectWithinTolerance,
  float32RewardError,
  normalizedCurveTolerance,
} from './float32-tolerance.js';
import { machineSpeedFactor, scaledTimeout, SPEED_FACTOR_ENV } from './machine-speed.js';

describe('float32 tolerances', () => {
  it('a reward error is two outputs of L roundings at the logit scale', () => {
    expect(float32RewardError(10, { layers: 3 })).toBeCloseTo(
      2 * KERNEL_SAFETY * 3 * FLOAT32_UNIT_ROUNDOFF * 10,
      20,
    );
    expect(() => float32RewardError(0, { layers: 3 })).toThrow(/positive scale/);
  });

  it('J = raw / mean(raw) moves by (4δv + J·4δv) / mean(raw)', () => {
    const raw = [2, 1, 1, 4]; // mean 2
    const tol = normalizedCurveTolerance(raw, 0.001);
    expect(tol).toEqual(raw.map((r) => (0.004 + (r / 2) * 0.004) / 2));
    // Moving every raw value by 4δv in the worst direction stays inside the tolerance.
    const J = raw.map((r) => r / 2);
    const moved = raw.map((r, k) => (k === 0 ? r + 0.004 : r - 0.004));
    const mean = moved.reduce((a, b) => a + b) / moved.length;
    moved.forEach((r, k) => expect(Math.abs(r / mean - J[k])).toBeLessThanOrEqual(tol[k]));
  });

  it('expectWithinTolerance names the element and both values, and passes within the bound', () => {
    expect(() => expectWithinTolerance([1, 2.1], [1, 2], 0.05, 'J(m)')).toThrow(
      /J\(m\) differs beyond float32 rounding:\n {2}\[1\] 2.1 vs pinned 2/,
    );
    expect(() => expectWithinTolerance([1, 2.01], [1, 2], [0, 0.02])).not.toThrow();
    expect(() => expectWithinTolerance([1], [1, 2], 1)).toThrow(/expected 2 values, got 1/);
    expect(() => expectWithinTolerance([Number.NaN], [1], 1)).toThrow(/NaN vs pinned 1/);
  });
});

describe('machine-speed factor', () => {
  it('is at least 1, is shared through the environment, and scales bounds', () => {
    const f = machineSpeedFactor();
    expect(f).toBeGreaterThanOrEqual(1);
    expect(Number(process.env[SPEED_FACTOR_ENV])).toBeCloseTo(f, 1);
    expect(scaledTimeout(1000)).toBe(Math.round(1000 * f));
  });
});
