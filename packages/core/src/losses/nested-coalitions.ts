import { requireInput } from '../errors/errors.js';
import type { Rng } from '../random/rng.js';

/** Coalition sizes used for ratios `r1 < r2` over `n` players: `round(r·n)`, kept strictly nested. */
export function nestedSizes(n: number, r1: number, r2: number): { s1: number; s2: number } {
  requireInput(Number.isInteger(n) && n >= 1, 'n', `expected a positive integer, got ${n}`);
  requireInput(r1 >= 0 && r1 < r2 && r2 <= 1, 'r1, r2', `expected 0 ≤ r1 < r2 ≤ 1, got ${r1}, ${r2}`);
  const s2 = Math.max(1, Math.round(r2 * n));
  const s1 = Math.min(Math.round(r1 * n), s2 - 1);
  return { s1, s2 };
}

/**
 * A random nested pair `S1 ⊊ S2` with `|S1| = round(r1·n)` and `|S2| = round(r2·n)` (0/1
 * membership per player): `S2` uniform among subsets of its size, `S1` uniform inside `S2`,
 * which makes `S1` uniform among subsets of its size too.
 */
export function sampleNestedCoalitions(
  n: number,
  r1: number,
  r2: number,
  rng: Rng,
): { s1: Uint8Array; s2: Uint8Array } {
  const { s1: k1, s2: k2 } = nestedSizes(n, r1, r2);
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
 * Coefficient of `v(S1)` in `Δu = v(S2) − coef·v(S1)`: `|S2|/|S1|` for the sizes actually drawn
 * over `n` players (see {@link nestedSizes}), or 1 when `S1 = ∅`. Theorem 2's first-order terms
 * cancel only with the ratio of the drawn sizes, which differs from `r2/r1` when `r·n` is not an
 * integer (e.g. `r = 0.3, 0.7` at `n = 12` draws 4 and 8 players: coefficient 2, not 2.33).
 * Without `n`, the ratio of the ratios (`r2/r1`, or 1 when `r1 = 0`).
 */
export function nestedCoefficient(r1: number, r2: number, n?: number): number {
  if (n === undefined) return r1 === 0 ? 1 : r2 / r1;
  const { s1, s2 } = nestedSizes(n, r1, r2);
  return s1 === 0 ? 1 : s2 / s1;
}
