import { requireInput } from '../errors/errors.js';
import { mobiusInPlace, tableOrder } from '../exact/mobius.js';
import { binomial, bitCount } from '../math/combinatorics.js';

/**
 * Running variance over noise draws of every Harsanyi interaction of one sample: add the game
 * table of each draw `v(·|x + ε_d)`, read `E_{|S|=s} Var_ε I(S|x + ε)` per order. Welford's update
 * per coalition, so draws need not be kept.
 */
export class InteractionVariance {
  readonly n: number;
  private draws = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(n: number) {
    requireInput(Number.isInteger(n) && n >= 1 && n <= 24, 'n', `expected 1 ≤ n ≤ 24, got ${n}`);
    this.n = n;
    this.mean = new Float64Array(2 ** n);
    this.m2 = new Float64Array(2 ** n);
  }

  /** Number of draws added. */
  get count(): number {
    return this.draws;
  }

  /** Adds the game table (`2^n` values of `v`) of one noisy draw; its Harsanyi interactions enter the variance. */
  addGame(values: ArrayLike<number>): void {
    const n = tableOrder(values.length);
    requireInput(n === this.n, 'values', `expected a table of 2^${this.n} values, got 2^${n}`);
    this.addInteractions(mobiusInPlace(Float64Array.from(values)));
  }

  /** Adds the Harsanyi interactions (`2^n` values, by mask) of one draw. */
  addInteractions(I: ArrayLike<number>): void {
    requireInput(
      I.length === this.mean.length,
      'interactions',
      `expected ${this.mean.length} values, got ${I.length}`,
    );
    this.draws++;
    const w = 1 / this.draws;
    for (let S = 0; S < I.length; S++) {
      const d = I[S] - this.mean[S];
      this.mean[S] += d * w;
      this.m2[S] += d * (I[S] - this.mean[S]);
    }
  }

  /**
   * `V_x(s) = E_{|S|=s} Var_ε I(S|x + ε)` for `s = 0 … n`, with the unbiased variance over the
   * draws (divided by `D − 1`); needs two draws.
   */
  byOrder(): number[] {
    requireInput(
      this.draws >= 2,
      'draws',
      `the variance over noise draws needs at least 2 draws, got ${this.draws}`,
    );
    const sum = new Float64Array(this.n + 1);
    for (let S = 0; S < this.m2.length; S++) sum[bitCount(S)] += this.m2[S] / (this.draws - 1);
    return Array.from(sum, (x, s) => x / binomial(this.n, s));
  }

  /** Mean over the draws of every interaction (by mask). */
  means(): Float64Array {
    return Float64Array.from(this.mean);
  }
}

/** `V^(s)` over samples and its exponential fit. */
export interface NoiseSensitivityByOrder {
  /** Orders `s = 1 … n` (order 0, `v(x_∅)`, does not see the input). */
  readonly orders: number[];
  /** `V^(s) = E_x V_x(s)`. */
  readonly variance: number[];
  /** Standard error of `variance` over samples (0 with one sample). */
  readonly varianceError: number[];
  /**
   * Least-squares fit `ln V^(s) ≈ a + b·s` over the orders with `V^(s) > 0`: `growth = e^b`
   * (the factor per added player), `r2` its coefficient of determination; null with fewer
   * than two positive orders.
   */
  readonly fit: {
    readonly intercept: number;
    readonly slope: number;
    readonly growth: number;
    readonly r2: number;
  } | null;
}

/**
 * `V^(s) = E_x E_{|S|=s} Var_ε I(S|x + ε)` (first-principles paper §3.2, Fig. 6) from the per-sample
 * `V_x(s)` of {@link InteractionVariance.byOrder} (each `n + 1` values, `s = 0 … n`), and the fit
 * of `ln V^(s)` on `s` that says whether it grows exponentially.
 */
export function noiseSensitivityByOrder(perSample: readonly (readonly number[])[]): NoiseSensitivityByOrder {
  requireInput(perSample.length > 0, 'samples', 'expected at least one sample');
  const n = perSample[0].length - 1;
  for (const row of perSample)
    requireInput(row.length === n + 1, 'samples', `expected ${n + 1} orders per sample, got ${row.length}`);
  const orders = Array.from({ length: n }, (_, i) => i + 1);
  const S = perSample.length;
  const variance = orders.map((s) => perSample.reduce((a, row) => a + row[s], 0) / S);
  const varianceError = orders.map((s, j) =>
    S > 1 ? Math.sqrt(perSample.reduce((a, row) => a + (row[s] - variance[j]) ** 2, 0) / (S - 1) / S) : 0,
  );
  return { orders, variance, varianceError, fit: exponentialFit(orders, variance) };
}

/** Least squares of `ln y` on `x` over the points with `y > 0`. */
export function exponentialFit(x: readonly number[], y: readonly number[]): NoiseSensitivityByOrder['fit'] {
  const pts = x.map((xi, i) => [xi, y[i]] as const).filter(([, yi]) => yi > 0 && Number.isFinite(yi));
  if (pts.length < 2) return null;
  const m = pts.length;
  const mx = pts.reduce((a, [xi]) => a + xi, 0) / m;
  const my = pts.reduce((a, [, yi]) => a + Math.log(yi), 0) / m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [xi, yi] of pts) {
    const dy = Math.log(yi) - my;
    sxy += (xi - mx) * dy;
    sxx += (xi - mx) ** 2;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { intercept, slope, growth: Math.exp(slope), r2 };
}
