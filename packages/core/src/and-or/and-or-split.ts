import { mobiusInPlace } from '../exact/mobius.js';

/**
 * AND and OR interactions of the split `v_and = ½(v+q) + p`, `v_or = ½(v+q) − p` (MATH.md):
 * `I_and = Möbius(v_and)`; `I_or(S) = −Σ_{L⊆S} (−1)^{|S|−|L|} v_or(N∖L)` for `S ≠ ∅` and
 * `I_or(∅) = v_or(∅)`. Each is one `O(n·2^n)` transform; the arrays are new.
 */
export function andOrInteractions(
  values: Float64Array,
  p: Float64Array,
  q: Float64Array,
): { and: Float64Array; or: Float64Array } {
  const size = values.length;
  const and = new Float64Array(size);
  const orIn = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const half = 0.5 * (values[k] + q[k]);
    and[k] = half + p[k];
    // OR interactions need the complemented game u(L) = v_or(N∖L): store it reversed.
    orIn[size - 1 - k] = half - p[k];
  }
  mobiusInPlace(and);
  const orEmpty = orIn[size - 1];
  mobiusInPlace(orIn);
  for (let k = 1; k < size; k++) orIn[k] = -orIn[k];
  orIn[0] = orEmpty;
  return { and, or: orIn };
}

/** `Σ_k |a[k]|`. */
export function l1Norm(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k]);
  return s;
}

/**
 * Merges the AND and OR terms of the empty set and of singletons, which trigger on the same
 * coalitions (`1(i ∈ T)` either way): `I_and(S) += I_or(S)`, `I_or(S) = 0` for `|S| ≤ 1`, in place.
 * Universal matching still holds. This is the form the authors' code stores.
 */
export function mergeSingletonTerms(and: Float64Array, or: Float64Array): void {
  and[0] += or[0];
  or[0] = 0;
  for (let bit = 1; bit < and.length; bit <<= 1) {
    and[bit] += or[bit];
    or[bit] = 0;
  }
}
