import { requireInput } from '../errors/errors.js';
import type { Rng } from '../random/rng.js';

/**
 * How the sizes of the nested coalitions follow from the ratios:
 * - `round` (default): `round(r·n)`, with `1 ≤ |S2|` and `|S1| < |S2|` kept;
 * - `int`: `int(r·n)` (truncation, as the ICLR-2022 trainer's `int(preserve_rate · num_grids)`,
 *   trainer_dropout_deltav_baseline.py, `get_dropout_output`), nothing adjusted.
 */
export type NestedSizeRule = 'round' | 'int';

/**
 * The coefficient of `v(S1)` in `Δu = v(S2) − coef·v(S1)`:
 * - `drawn` (default): `|S2|/|S1|` of the sizes drawn — the only value that cancels Theorem 2's
 *   first-order terms (MATH.md, "Order-loss conventions");
 * - `ratio`: `r2/r1`, as the ICLR-2022 trainer's `align_coef = preserve_rate1 / preserve_rate2`.
 * Both use 1 when `S1 = ∅` (`drawn`) or `r1 = 0` (`ratio`).
 */
export type NestedCoefficientRule = 'drawn' | 'ratio';

/** The two conventions of the order losses; defaults `round` and `drawn`. */
export interface OrderLossConventions {
  readonly sizes?: NestedSizeRule;
  readonly coefficient?: NestedCoefficientRule;
}

/** The ICLR-2022 trainer's conventions: `int(r·n)` sizes and the `r2/r1` coefficient. */
export const ICLR2022_LOSS_CONVENTIONS: Required<OrderLossConventions> = {
  sizes: 'int',
  coefficient: 'ratio',
};

/** Checks a {@link OrderLossConventions} value, naming `field`. */
export function validateOrderLossConventions(
  c: OrderLossConventions | undefined,
  field = 'conventions',
): void {
  if (c === undefined) return;
  requireInput(
    c.sizes === undefined || c.sizes === 'round' || c.sizes === 'int',
    `${field}.sizes`,
    `expected 'round' or 'int', got '${String(c.sizes)}'`,
  );
  requireInput(
    c.coefficient === undefined || c.coefficient === 'drawn' || c.coefficient === 'ratio',
    `${field}.coefficient`,
    `expected 'drawn' or 'ratio', got '${String(c.coefficient)}'`,
  );
}

/**
 * Coalition sizes used for ratios `r1 < r2` over `n` players: `round(r·n)`, kept strictly nested
 * (rule `round`), or `int(r·n)` as the ICLR-2022 trainer (rule `int`; `|S1| = |S2|` is possible
 * there when both truncate to the same size).
 */
export function nestedSizes(
  n: number,
  r1: number,
  r2: number,
  sizes: NestedSizeRule = 'round',
): { s1: number; s2: number } {
  requireInput(Number.isInteger(n) && n >= 1, 'n', `expected a positive integer, got ${n}`);
  requireInput(r1 >= 0 && r1 < r2 && r2 <= 1, 'r1, r2', `expected 0 ≤ r1 < r2 ≤ 1, got ${r1}, ${r2}`);
  // Python's int() of a positive float is Math.floor of the same IEEE product.
  if (sizes === 'int') return { s1: Math.floor(r1 * n), s2: Math.floor(r2 * n) };
  requireInput(sizes === 'round', 'sizes', `expected 'round' or 'int', got '${String(sizes)}'`);
  const s2 = Math.max(1, Math.round(r2 * n));
  const s1 = Math.min(Math.round(r1 * n), s2 - 1);
  return { s1, s2 };
}

/**
 * A random nested pair `S1 ⊊ S2` with the sizes of {@link nestedSizes} (`round(r·n)` by default;
 * 0/1 membership per player): `S2` uniform among subsets of its size, `S1` uniform inside `S2`,
 * which makes `S1` uniform among subsets of its size too. (The ICLR-2022 trainer does the same:
 * one permutation per sample, `S1` and `S2` its first `|S1|` and `|S2|` players.)
 */
export function sampleNestedCoalitions(
  n: number,
  r1: number,
  r2: number,
  rng: Rng,
  sizes: NestedSizeRule = 'round',
): { s1: Uint8Array; s2: Uint8Array } {
  const { s1: k1, s2: k2 } = nestedSizes(n, r1, r2, sizes);
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const s1 = new Uint8Array(n);
  const s2 = new Uint8Array(n);
  for (let t = 0; t < k2; t++) {
    s2[order[t]] = 1;
    if (t < k1) s1[order[t]] = 1;
  }
  return { s1, s2 };
}

/**
 * Weights `w̃(m)`, `m = 0 … n−2`, of Theorem 2: `E Δu = (1 − s2/s1) v(∅) + Σ_{i≠j} Σ_m w̃(m) I^(m)(i,j)`
 * (sum over ordered pairs) for integer sizes `0 < s1 < s2`. With `s1 = 0` the coefficient of
 * `v(S1) = v(∅)` is 1 (MATH.md), the weights are `w̃(m) = (s2 − m − 1)/(n(n−1))` for `m ≤ s2 − 2`,
 * and the constant becomes the first-order term `(s2/n) Σ_i (v({i}) − v(∅))` (the first-order
 * terms cancel only when `coef = s2/s1`; checked numerically in the tests).
 */
export function orderLossWeights(n: number, s1: number, s2: number): Float64Array {
  requireInput(Number.isInteger(n) && n >= 2, 'n', `expected an integer ≥ 2, got ${n}`);
  requireInput(
    Number.isInteger(s1) && Number.isInteger(s2) && 0 <= s1 && s1 < s2 && s2 <= n,
    's1, s2',
    `expected integers 0 ≤ s1 < s2 ≤ n, got ${s1}, ${s2}`,
  );
  const w = new Float64Array(n - 1);
  const nn = n * (n - 1);
  for (let m = 0; m <= n - 2; m++) {
    if (s1 > 0 && m <= s1 - 2) w[m] = ((s2 / s1 - 1) * (m + 1)) / nn;
    else if (m <= s2 - 2) w[m] = (s2 - m - 1) / nn;
  }
  return w;
}

/**
 * Coefficient of `v(S1)` in `Δu = v(S2) − coef·v(S1)`. With the default `drawn` rule:
 * `|S2|/|S1|` for the sizes actually drawn over `n` players (see {@link nestedSizes}), or 1 when
 * `S1 = ∅`. Theorem 2's first-order terms cancel only with the ratio of the drawn sizes, which
 * differs from `r2/r1` when `r·n` is not an integer (e.g. `r = 0.3, 0.7` at `n = 12` draws 4 and
 * 8 players: coefficient 2, not 2.33). With the `ratio` rule, or without `n`, the ratio of the
 * ratios (`r2/r1`, or 1 when `r1 = 0`), as the ICLR-2022 trainer.
 */
export function nestedCoefficient(
  r1: number,
  r2: number,
  n?: number,
  conventions: OrderLossConventions = {},
): number {
  validateOrderLossConventions(conventions);
  if (n === undefined || conventions.coefficient === 'ratio') return r1 === 0 ? 1 : r2 / r1;
  const { s1, s2 } = nestedSizes(n, r1, r2, conventions.sizes);
  return s1 === 0 ? 1 : s2 / s1;
}

/**
 * Theorem 2 for any coefficient: `E Δu = constant·v(∅) + firstOrder·Σ_i (v({i}) − v(∅)) +
 * Σ_{i≠j} Σ_m weights[m]·I^(m)(i,j)` (ordered pairs) for `Δu = v(S2) − coef·v(S1)` with uniform
 * nested `S1 ⊆ S2` of sizes `s1 ≤ s2`. It follows from
 * `E_{|S|=s} v(S) = v(∅) + (s/n) Σ_i μ_i + Σ_{i≠j} Σ_m ((s−m−1)₊/(n(n−1))) I^(m)(i,j)`, so
 * `constant = 1 − coef`, `firstOrder = (s2 − coef·s1)/n` (zero only for `coef = s2/s1`) and
 * `weights[m] = ((s2−m−1)₊ − coef·(s1−m−1)₊)/(n(n−1))`. With `coef = s2/s1` this is
 * {@link orderLossWeights}; with the ICLR trainer's `r2/r1` a first-order term remains whenever
 * `r2/r1 ≠ s2/s1`.
 */
export function orderLossExpectation(
  n: number,
  s1: number,
  s2: number,
  coef: number,
): { constant: number; firstOrder: number; weights: Float64Array } {
  requireInput(Number.isInteger(n) && n >= 2, 'n', `expected an integer ≥ 2, got ${n}`);
  requireInput(
    Number.isInteger(s1) && Number.isInteger(s2) && 0 <= s1 && s1 <= s2 && s2 <= n,
    's1, s2',
    `expected integers 0 ≤ s1 ≤ s2 ≤ n, got ${s1}, ${s2}`,
  );
  requireInput(Number.isFinite(coef), 'coef', `expected a finite number, got ${coef}`);
  const nn = n * (n - 1);
  const weights = new Float64Array(n - 1);
  for (let m = 0; m <= n - 2; m++)
    weights[m] = (Math.max(0, s2 - m - 1) - coef * Math.max(0, s1 - m - 1)) / nn;
  return { constant: 1 - coef, firstOrder: (s2 - coef * s1) / n, weights };
}
