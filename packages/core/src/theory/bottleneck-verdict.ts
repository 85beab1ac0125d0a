import { OrderlensInputError } from '../errors/errors.js';

/** The order-ratio bands of the bottleneck claim: `J` high below 0.1n and above 0.9n, low near 0.5n. */
export const BOTTLENECK_BANDS = { low: [0, 0.1], mid: [0.4, 0.6], high: [0.9, 1] } as const;

/** The shape of a strength curve across the three bands. */
export type BottleneckShape = 'U-shape' | 'decreasing' | 'increasing' | 'spindle';

/** Whether one network shows the representation bottleneck, and by how much. */
export interface BottleneckVerdict {
  readonly shape: BottleneckShape;
  /** The claim holds: the middle band is below both ends. */
  readonly holds: boolean;
  /** Mean normalised `J` in each band. */
  readonly low: number;
  readonly mid: number;
  readonly high: number;
  /** `1 − mid/low` and `1 − mid/high`: how far the middle lies below each end (negative: above). */
  readonly midBelowLow: number;
  readonly midBelowHigh: number;
  /**
   * `(end − mid) / se` in raw units, with the standard errors of the band means (samples and
   * contexts); absent when the result carries no errors (one sample of an exact game).
   */
  readonly zLow?: number;
  readonly zHigh?: number;
}

function band(ratios: readonly number[], [a, b]: readonly [number, number], name: string): number[] {
  const eps = 1e-9;
  const idx = ratios.flatMap((r, k) => (r >= a - eps && r <= b + eps ? [k] : []));
  if (idx.length === 0)
    throw new OrderlensInputError(
      'ratios',
      `no order ratio in the ${name} band [${a}, ${b}]: ${ratios.join(', ')}`,
    );
  return idx;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The verdict on one curve: `J` (any normalisation) over `ratios` (m/(n−2)), and optionally the
 * raw curve with its standard errors for the margins in standard errors.
 */
export function bottleneckVerdict(
  ratios: readonly number[],
  J: readonly number[],
  raw?: { readonly values: readonly number[]; readonly errors?: readonly number[] },
): BottleneckVerdict {
  if (J.length !== ratios.length)
    throw new OrderlensInputError('J', `expected one value per ratio (${ratios.length}), got ${J.length}`);
  const lowIdx = band(ratios, BOTTLENECK_BANDS.low, 'low');
  const midIdx = band(ratios, BOTTLENECK_BANDS.mid, 'middle');
  const highIdx = band(ratios, BOTTLENECK_BANDS.high, 'high');
  const at = (idx: number[]) => mean(idx.map((k) => J[k]));
  const [low, mid, high] = [at(lowIdx), at(midIdx), at(highIdx)];
  const shape: BottleneckShape =
    mid < low && mid < high ? 'U-shape' : mid < low ? 'decreasing' : mid < high ? 'increasing' : 'spindle';
  const z = (end: number[]): number | undefined => {
    const e = raw?.errors;
    if (!raw || !e || e.length !== ratios.length) return undefined;
    // Standard error of a band mean: the bands' points are treated as independent.
    const se = (idx: number[]) => Math.sqrt(idx.reduce((s, k) => s + e[k] ** 2, 0)) / idx.length;
    const d = mean(end.map((k) => raw.values[k])) - mean(midIdx.map((k) => raw.values[k]));
    const s = Math.hypot(se(end), se(midIdx));
    return s > 0 ? d / s : undefined;
  };
  const zLow = z(lowIdx);
  const zHigh = z(highIdx);
  return {
    shape,
    holds: shape === 'U-shape',
    low,
    mid,
    high,
    midBelowLow: low > 0 ? 1 - mid / low : 0,
    midBelowHigh: high > 0 ? 1 - mid / high : 0,
    ...(zLow !== undefined ? { zLow } : {}),
    ...(zHigh !== undefined ? { zHigh } : {}),
  };
}
