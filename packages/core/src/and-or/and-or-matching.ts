import { zetaInPlace } from '../exact/mobius.js';

/**
 * The game the AND-OR interactions rebuild, at every coalition `T`:
 * `h(T) = I_or(∅) + Σ_{S⊆T} I_and(S) + Σ_{S≠∅, S∩T≠∅} I_or(S)`. `O(n·2^n)`: the OR sum over sets
 * meeting `T` is the total minus the sum over subsets of `N∖T` (a new array).
 */
export function rebuildFromAndOr(and: Float64Array, or: Float64Array): Float64Array {
  const size = and.length;
  const h = zetaInPlace(Float64Array.from(and));
  const orSub = Float64Array.from(or);
  orSub[0] = 0;
  let orTotal = 0;
  for (let k = 1; k < size; k++) orTotal += or[k];
  zetaInPlace(orSub);
  for (let T = 0; T < size; T++) h[T] += or[0] + (orTotal - orSub[size - 1 - T]);
  return h;
}

/**
 * How well AND-OR interactions rebuild the game, over every coalition `T` (`h` of
 * {@link rebuildFromAndOr}):
 * - `matching`: `max_T |h(T) − (v(T) + q_T)|`, universal matching (rounding level when correct);
 * - `reconstruction`: `max_T |h(T) − v(T)|`, the error of explaining `v` itself (at most `max|q|`).
 */
export function matchingResiduals(
  values: Float64Array,
  q: Float64Array,
  and: Float64Array,
  or: Float64Array,
): { matching: number; reconstruction: number } {
  const h = rebuildFromAndOr(and, or);
  let matching = 0;
  let reconstruction = 0;
  for (let T = 0; T < values.length; T++) {
    matching = Math.max(matching, Math.abs(h[T] - (values[T] + q[T])));
    reconstruction = Math.max(reconstruction, Math.abs(h[T] - values[T]));
  }
  return { matching, reconstruction };
}

/** `max_T |h(T) − (v(T) + q_T)|` of {@link matchingResiduals} (universal matching). */
export function universalMatchingResidual(
  values: Float64Array,
  q: Float64Array,
  and: Float64Array,
  or: Float64Array,
): number {
  return matchingResiduals(values, q, and, or).matching;
}

/**
 * How much a sparse explanation leaves out: the game rebuilt from the salient interactions only
 * (plus the empty-set terms, the baseline), as a relative RMS error over every coalition,
 * `sqrt(Σ_T (v(T) − h_salient(T))² / Σ_T (v(T) − v(∅))²)` (0 when `v` is constant and matched).
 */
export function salientReconstructionError(
  values: Float64Array,
  and: Float64Array,
  or: Float64Array,
  salient: { readonly and: Uint32Array; readonly or: Uint32Array },
): number {
  const a = new Float64Array(and.length);
  const o = new Float64Array(or.length);
  for (const S of salient.and) a[S] = and[S];
  for (const S of salient.or) o[S] = or[S];
  a[0] = and[0];
  o[0] = or[0];
  const h = rebuildFromAndOr(a, o);
  let err = 0;
  let norm = 0;
  for (let T = 0; T < values.length; T++) {
    err += (values[T] - h[T]) ** 2;
    norm += (values[T] - values[0]) ** 2;
  }
  return norm > 0 ? Math.sqrt(err / norm) : Math.sqrt(err);
}
