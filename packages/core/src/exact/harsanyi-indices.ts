import { binomialRatio, bitCount } from '../math/combinatorics.js';
import { tableOrder } from './mobius.js';

/**
 * Harsanyi dividends summed per pair and per coalition size:
 * `A[p][t] = Σ_{T ⊇ {i,j}, |T| = t} I_and(T)` for pairs `p = (i<j)` in lexicographic order.
 * One pass over the table, `O(2^n · n²)`; every pairwise index below derives from it.
 */
export interface PairSizeSums {
  readonly n: number;
  readonly pairs: Array<[number, number]>;
  /** `pairs.length × (n + 1)` row-major. */
  readonly sums: Float64Array;
}

/** All pairs `i < j` of `n` players, lexicographic. */
export function allPairs(n: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  return pairs;
}

/** Index of pair `(i, j)`, `i < j`, in {@link allPairs} order. */
export function pairIndex(n: number, i: number, j: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/** Computes {@link PairSizeSums} in one pass over the dividends. */
export function pairSizeSums(harsanyi: Float64Array): PairSizeSums {
  const n = tableOrder(harsanyi.length, 'harsanyi');
  const pairs = allPairs(n);
  const stride = n + 1;
  const sums = new Float64Array(pairs.length * stride);
  const members = new Int32Array(n);
  const rowStart = new Int32Array(n);
  for (let i = 0; i < n; i++) rowStart[i] = pairIndex(n, i, Math.min(i + 1, n - 1));
  for (let mask = 3; mask < harsanyi.length; mask++) {
    const value = harsanyi[mask];
    if (value === 0) continue;
    let t = 0;
    for (let w = mask; w !== 0; w &= w - 1) members[t++] = 31 - Math.clz32(w & -w);
    if (t < 2) continue;
    for (let a = 0; a < t - 1; a++) {
      const i = members[a];
      const base = rowStart[i] - i - 1;
      for (let b = a + 1; b < t; b++) sums[(base + members[b]) * stride + t] += value;
    }
  }
  return { n, pairs, sums };
}

/**
 * Multi-order interactions of every pair at the given orders from Harsanyi dividends (MATH.md):
 * `I^(m)(i,j) = Σ_{T⊇{i,j}} I_and(T) · C(n−|T|, m−|T|+2) / C(n−2, m)`.
 * Returns `values[p][k]` for pair `pairs[p]` and order `orders[k]` (default all `0 … n−2`).
 */
export function multiOrderFromHarsanyi(
  harsanyi: Float64Array,
  orders?: readonly number[],
  precomputed?: PairSizeSums,
): { orders: number[]; pairs: Array<[number, number]>; values: Float64Array[] } {
  const { n, pairs, sums } = precomputed ?? pairSizeSums(harsanyi);
  const ms = orders ? [...orders] : Array.from({ length: Math.max(0, n - 1) }, (_, m) => m);
  for (const m of ms) {
    if (!Number.isInteger(m) || m < 0 || m > n - 2)
      throw new RangeError(`orders: ${m} is not an integer in [0, ${n - 2}]`);
  }
  // weight[k][t] = C(n−t, m−t+2)/C(n−2, m)
  const stride = n + 1;
  const weight = ms.map((m) => {
    const w = new Float64Array(stride);
    for (let t = 2; t <= n; t++) w[t] = binomialRatio(n - t, m - t + 2, n - 2, m);
    return w;
  });
  const values = pairs.map((_, p) => {
    const row = new Float64Array(ms.length);
    for (let k = 0; k < ms.length; k++) {
      let s = 0;
      for (let t = 2; t <= n; t++) s += sums[p * stride + t] * weight[k][t];
      row[k] = s;
    }
    return row;
  });
  return { orders: ms, pairs, values };
}

/** Pairwise Shapley interaction index as an `n × n` symmetric matrix (zero diagonal). */
export function siiFromHarsanyi(harsanyi: Float64Array, precomputed?: PairSizeSums): Float64Array[] {
  const { n, pairs, sums } = precomputed ?? pairSizeSums(harsanyi);
  const stride = n + 1;
  const out = Array.from({ length: n }, () => new Float64Array(n));
  pairs.forEach(([i, j], p) => {
    let s = 0;
    for (let t = 2; t <= n; t++) s += sums[p * stride + t] / (t - 1);
    out[i][j] = s;
    out[j][i] = s;
  });
  return out;
}

/** Per-player sums `Σ_{T∋i} I_and(T) · weight(|T|)`. */
function playerWeightedSums(harsanyi: Float64Array, weight: (t: number) => number): Float64Array {
  const n = tableOrder(harsanyi.length, 'harsanyi');
  const bySize = new Float64Array(n * (n + 1));
  for (let mask = 1; mask < harsanyi.length; mask++) {
    const value = harsanyi[mask];
    if (value === 0) continue;
    const t = bitCount(mask);
    for (let w = mask; w !== 0; w &= w - 1) bySize[(31 - Math.clz32(w & -w)) * (n + 1) + t] += value;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let t = 1; t <= n; t++) out[i] += bySize[i * (n + 1) + t] * weight(t);
  return out;
}

/** Shapley values `φ_i = Σ_{T∋i} I_and(T)/|T|`. */
export function shapleyFromHarsanyi(harsanyi: Float64Array): Float64Array {
  return playerWeightedSums(harsanyi, (t) => 1 / t);
}

/** Banzhaf values `Σ_{T∋i} I_and(T)/2^{|T|−1}`. */
export function banzhafFromHarsanyi(harsanyi: Float64Array): Float64Array {
  return playerWeightedSums(harsanyi, (t) => 1 / 2 ** (t - 1));
}
