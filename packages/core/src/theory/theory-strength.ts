import { requireInput } from '../errors/errors.js';
import { logFactorial } from '../math/combinatorics.js';
import { ordersFromRatios } from '../sampling/orders.js';

/**
 * Normalised learning strength of order `m` (Theorem 1 of the bottleneck paper, MATH.md):
 * `F̂(m) = (n−m−1) / ((n−1)·√C(n−2, m))`, so `F̂(0) = 1` and `F̂(n−2) = 1/(n−1)`.
 * Computed through logarithms, so it stays finite (if tiny) at any `n`.
 */
export function theoryStrength(n: number, orders: readonly number[]): number[] {
  requireInput(Number.isInteger(n) && n >= 2, 'n', `expected an integer number of players ≥ 2, got ${n}`);
  requireInput(Array.isArray(orders), 'orders', 'expected an array of orders');
  return orders.map((m, k) => {
    requireInput(
      Number.isInteger(m) && m >= 0 && m <= n - 2,
      `orders[${k}]`,
      `expected an integer in 0…${n - 2}, got ${m}`,
    );
    const logBinom = logFactorial(n - 2) - logFactorial(m) - logFactorial(n - 2 - m);
    return Math.exp(Math.log(n - m - 1) - Math.log(n - 1) - 0.5 * logBinom);
  });
}

/** Options of {@link fitEffectiveN}. */
export interface FitEffectiveNOptions {
  /** Smallest candidate `n'` (default 3). */
  readonly nMin?: number;
  /** Largest candidate `n'` (default 1024). */
  readonly nMax?: number;
}

/** The effective number of players whose theory curve best matches a measured one. */
export interface EffectiveNFit {
  /** The best `n'`. */
  readonly nEff: number;
  /** `F̂` at `n'` on the ratio grid (orders `floor((n'−2)·r)`), normalised to 1 at the first ratio. */
  readonly curve: number[];
  /** The criterion at `n'`. */
  readonly loss: number;
  /** Orders of the ratio grid at `n'`. */
  readonly orders: number[];
}

/** Floor applied to measured strengths before taking logs, so an exact zero does not give −∞. */
const LOG_FLOOR = 1e-12;

/**
 * Fits the effective `n'` of the paper: the integer `n' ∈ [nMin, nMax]` whose theory curve `F̂`
 * best matches a measured `Ĵ` on the same ratio grid.
 *
 * Criterion: both curves are normalised to 1 at the first ratio (order 0 on the paper grid); the
 * theory curve is evaluated at orders `floor((n'−2)·r)`; the loss is the mean over ratios of the
 * squared difference of natural logs, `mean_k (ln F̂_{n'}(r_k) − ln Ĵ(r_k))²`, measured values
 * floored at 1e-12. Logs make the fit care about the shape of the decay over its whole range, not
 * only the largest values. Ties go to the smallest `n'`.
 */
export function fitEffectiveN(
  ratios: readonly number[],
  measuredJhat: readonly number[],
  options: FitEffectiveNOptions = {},
): EffectiveNFit {
  const nMin = options.nMin ?? 3;
  const nMax = options.nMax ?? 1024;
  requireInput(Number.isInteger(nMin) && nMin >= 2, 'nMin', `expected an integer ≥ 2, got ${nMin}`);
  requireInput(
    Number.isInteger(nMax) && nMax >= nMin,
    'nMax',
    `expected an integer ≥ nMin (${nMin}), got ${nMax}`,
  );
  requireInput(Array.isArray(ratios) && ratios.length >= 2, 'ratios', 'expected at least two ratios');
  requireInput(
    Array.isArray(measuredJhat) && measuredJhat.length === ratios.length,
    'measuredJhat',
    `expected one value per ratio (${ratios.length}), got ${measuredJhat?.length}`,
  );
  measuredJhat.forEach((v, k) =>
    requireInput(
      Number.isFinite(v) && v >= 0,
      `measuredJhat[${k}]`,
      `expected a finite non-negative strength, got ${v}`,
    ),
  );
  requireInput(
    measuredJhat[0] > 0,
    'measuredJhat[0]',
    'the strength at the first ratio must be positive to normalise by it',
  );
  const target = measuredJhat.map((v) => Math.log(Math.max(v / measuredJhat[0], LOG_FLOOR)));
  let best: EffectiveNFit | undefined;
  for (let np = nMin; np <= nMax; np++) {
    const orders = ordersFromRatios(np, ratios);
    const f = theoryStrength(np, orders);
    const curve = f.map((x) => x / f[0]);
    let loss = 0;
    for (let k = 0; k < curve.length; k++) loss += (Math.log(curve[k]) - target[k]) ** 2;
    loss /= curve.length;
    if (!best || loss < best.loss) best = { nEff: np, curve, loss, orders };
  }
  return best!;
}
