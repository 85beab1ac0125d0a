import { requireInput } from '@orderlens/core';

/** Mean and spread of one quantity over seeds. */
export interface SeedSpread {
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one seed. */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** {@link SeedSpread} of `values` (at least one, all finite). */
export function seedSpread(values: readonly number[]): SeedSpread {
  requireInput(values.length > 0, 'values', 'expected at least one value');
  requireInput(values.every(Number.isFinite), 'values', 'expected finite values');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), count: n };
}

/** `mean ± sd` with `digits` decimals (just the mean for one seed). */
export function formatSpread(s: SeedSpread, digits = 2): string {
  return s.count > 1 ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}` : s.mean.toFixed(digits);
}

/** The paper's claim on census: adversarial accuracy low > normal > mid > high. */
export const PAPER_ORDERING = ['low', 'normal', 'mid', 'high'] as const;

/**
 * Whether `means` (model type → mean adversarial accuracy) are strictly in the paper's order;
 * `undefined` when a type is missing. Also the pairs that break it.
 */
export function paperOrdering(means: Readonly<Record<string, number>>): {
  holds: boolean | undefined;
  broken: string[];
} {
  if (!PAPER_ORDERING.every((t) => means[t] !== undefined)) return { holds: undefined, broken: [] };
  const broken: string[] = [];
  for (let k = 0; k + 1 < PAPER_ORDERING.length; k++) {
    const a = PAPER_ORDERING[k];
    const b = PAPER_ORDERING[k + 1];
    if (!(means[a] > means[b])) broken.push(`${a} ≤ ${b}`);
  }
  return { holds: broken.length === 0, broken };
}
