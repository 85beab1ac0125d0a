import { OrderlensInputError, requireInput } from '@orderlens/core';

/** What an absent attribute is replaced by. */
export type BaselineKind = 'mean' | 'zero' | 'median' | 'custom';

/** Options of {@link tabularBaseline}. */
export interface BaselineOptions {
  /** Training inputs (`rows × featureCount`, already transformed), for `mean` and `median`. */
  x?: Float32Array;
  featureCount: number;
  /** The vector for `custom`, in model-input space (see `TabularPreprocessor.encodeRecord` for raw values). */
  custom?: ArrayLike<number>;
}

/**
 * The baseline vector in model-input space.
 * - `mean` (default in MATH.md): each input's mean over the training rows, i.e. "absent" means
 *   "average". After z-scoring with training statistics this is 0.
 * - `zero`: the zero vector (the interaction-concept code's default; equals the mean of the
 *   rows the standardisation was fitted on).
 * - `median`: each input's median over the training rows (a value that actually occurs).
 * - `custom`: a given vector.
 */
export function tabularBaseline(kind: BaselineKind, options: BaselineOptions): Float32Array {
  const d = options.featureCount;
  requireInput(Number.isInteger(d) && d > 0, 'featureCount', `expected a positive integer, got ${d}`);
  switch (kind) {
    case 'zero':
      return new Float32Array(d);
    case 'custom': {
      const c = options.custom;
      requireInput(c !== undefined, 'baseline', 'a custom baseline needs its vector');
      requireInput(
        c.length === d,
        'baseline',
        `the custom baseline has ${c.length} values, expected ${d} (one per model input)`,
      );
      for (let f = 0; f < d; f++)
        requireInput(Number.isFinite(c[f]), 'baseline', `value ${f} (${c[f]}) is not a finite number`);
      return Float32Array.from(c);
    }
    case 'mean':
    case 'median': {
      const x = options.x;
      requireInput(
        x !== undefined && x.length >= d && x.length % d === 0,
        'baseline',
        `the ${kind} baseline needs training rows of ${d} inputs`,
      );
      const rows = x.length / d;
      const out = new Float32Array(d);
      if (kind === 'mean') {
        const sum = new Float64Array(d);
        for (let r = 0; r < rows; r++) for (let f = 0; f < d; f++) sum[f] += x[r * d + f];
        for (let f = 0; f < d; f++) out[f] = sum[f] / rows;
        return out;
      }
      const col = new Float32Array(rows);
      for (let f = 0; f < d; f++) {
        for (let r = 0; r < rows; r++) col[r] = x[r * d + f];
        col.sort();
        out[f] = rows % 2 === 1 ? col[(rows - 1) / 2] : (col[rows / 2 - 1] + col[rows / 2]) / 2;
      }
      return out;
    }
    default:
      throw new OrderlensInputError(
        'baseline',
        `unknown kind "${kind as string}" (expected mean, zero, median or custom)`,
      );
  }
}

/** Parses a baseline option: `mean`, `zero`, `median`, or `custom:v1,v2,…` / a bare list of numbers. */
export function parseBaselineSpec(spec: string): { kind: BaselineKind; custom?: number[] } {
  const s = spec.trim();
  if (s === 'mean' || s === 'zero' || s === 'median') return { kind: s };
  const list = s.startsWith('custom:') ? s.slice('custom:'.length) : s;
  // Number('') is 0: an empty item must be an error, not a silent zero.
  const values = list.split(',').map((v) => (v.trim() === '' ? NaN : Number(v.trim())));
  requireInput(
    list.length > 0 && values.every((v) => Number.isFinite(v)),
    'baseline',
    `expected mean, zero, median or custom:v1,v2,… (numbers in model-input space), got "${spec}"`,
  );
  return { kind: 'custom', custom: values };
}
