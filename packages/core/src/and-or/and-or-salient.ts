import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';
import type { AndOrDecomposition } from './and-or-types.js';

/** Masks with `|I(S)| > τ` (or `≥ τ` when `inclusive`), ascending, for AND and OR separately. */
export function salientSets(
  and: Float64Array,
  or: Float64Array,
  tau: number,
  inclusive: boolean,
): { and: Uint32Array; or: Uint32Array } {
  const pick = (a: Float64Array) => {
    const out: number[] = [];
    for (let S = 0; S < a.length; S++) {
      const x = Math.abs(a[S]);
      if (inclusive ? x >= tau : x > tau) out.push(S);
    }
    return Uint32Array.from(out);
  };
  return { and: pick(and), or: pick(or) };
}

/** The interactions of a decomposition with every non-salient entry set to 0 (the `w*` of the theory). */
export function salientVectors(d: AndOrDecomposition): { and: Float64Array; or: Float64Array } {
  const keep = (a: Float64Array, masks: Uint32Array) => {
    const out = new Float64Array(a.length);
    for (const S of masks) out[S] = a[S];
    return out;
  };
  return { and: keep(d.and, d.salient.and), or: keep(d.or, d.salient.or) };
}

function normaliseOrders(num: Float64Array, n: number): { orders: number[]; strength: number[] } {
  const orders = Array.from({ length: n }, (_, i) => i + 1);
  const Z = orders.reduce((s, k) => s + num[k], 0) / n;
  return { orders, strength: orders.map((k) => (Z > 0 ? num[k] / Z : 0)) };
}

/**
 * Per-order strength of the salient interactions each decomposition carries (its preset's rule):
 * `I^(k) = E_x Σ_op Σ_{S salient, |S| = k} |I_op(S)| / Z`, `Z` the mean of the numerator over
 * `k = 1..n` (MATH.md).
 */
export function salientOrderDistribution(decompositions: readonly AndOrDecomposition[]): {
  orders: number[];
  strength: number[];
  salientCount: number;
} {
  requireInput(decompositions.length > 0, 'decompositions', 'expected at least one decomposition');
  const n = decompositions[0].n;
  const num = new Float64Array(n + 1);
  let salientCount = 0;
  for (const d of decompositions) {
    requireInput(d.n === n, 'decompositions', `expected every decomposition to have n = ${n}, got ${d.n}`);
    for (const [a, masks] of [
      [d.and, d.salient.and],
      [d.or, d.salient.or],
    ] as const) {
      for (const S of masks) {
        if (S === 0) continue;
        num[bitCount(S)] += Math.abs(a[S]) / decompositions.length;
        salientCount++;
      }
    }
  }
  return { ...normaliseOrders(num, n), salientCount };
}

/**
 * Per-order strength of salient AND-OR interactions (MATH.md):
 * `I^(k) = E_x Σ_op Σ_{|I_op(S)| > τ, |S| = k} |I_op(S)| / Z`, `Z` the mean of the numerator over
 * `k = 1..n`. `τ` defaults to `0.03 · E_x |v(x_N) − v(x_∅)|`.
 */
export function salientOrderStrength(
  decompositions: readonly AndOrDecomposition[],
  values: readonly Float64Array[],
  tau?: number,
): { orders: number[]; strength: number[]; tau: number; salientCount: number } {
  requireInput(
    decompositions.length > 0 && decompositions.length === values.length,
    'decompositions',
    'expected one decomposition per sample table',
  );
  const n = decompositions[0].n;
  const t = tau ?? (0.03 * values.reduce((s, v) => s + Math.abs(v[v.length - 1] - v[0]), 0)) / values.length;
  const num = new Float64Array(n + 1);
  let salientCount = 0;
  for (const d of decompositions) {
    for (let S = 1; S < d.and.length; S++) {
      const k = bitCount(S);
      for (const x of [d.and[S], d.or[S]]) {
        if (Math.abs(x) > t) {
          num[k] += Math.abs(x) / decompositions.length;
          salientCount++;
        }
      }
    }
  }
  return { ...normaliseOrders(num, n), tau: t, salientCount };
}

/** One salient interaction of a decomposition. */
export interface SalientInteraction {
  readonly mask: number;
  readonly kind: 'and' | 'or';
  readonly value: number;
  readonly order: number;
}

/** The salient interactions of a decomposition, strongest first (ties: AND before OR, then by mask). */
export function salientInteractions(d: AndOrDecomposition): SalientInteraction[] {
  const out: SalientInteraction[] = [];
  for (const S of d.salient.and) out.push({ mask: S, kind: 'and', value: d.and[S], order: bitCount(S) });
  for (const S of d.salient.or) out.push({ mask: S, kind: 'or', value: d.or[S], order: bitCount(S) });
  return out.sort(
    (a, b) => Math.abs(b.value) - Math.abs(a.value) || (a.kind < b.kind ? -1 : 1) || a.mask - b.mask,
  );
}

/** `Σ |I_op(S)|` over the salient sets of each order `0 … n`, for AND and OR separately. */
export function salientStrengthByOrder(d: AndOrDecomposition): { and: number[]; or: number[] } {
  const and = new Array<number>(d.n + 1).fill(0);
  const or = new Array<number>(d.n + 1).fill(0);
  for (const S of d.salient.and) and[bitCount(S)] += Math.abs(d.and[S]);
  for (const S of d.salient.or) or[bitCount(S)] += Math.abs(d.or[S]);
  return { and, or };
}
