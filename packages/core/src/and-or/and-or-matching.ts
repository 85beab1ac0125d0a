import { zetaInPlace } from '../exact/mobius.js';

/**
 * How well AND-OR interactions rebuild the game, over every coalition `T`, with
 * `h(T) = I_or(∅) + Σ_{S⊆T} I_and(S) + Σ_{S≠∅, S∩T≠∅} I_or(S)`:
 * - `matching`: `max_T |h(T) − (v(T) + q_T)|`, universal matching (rounding level when correct);
 * - `reconstruction`: `max_T |h(T) − v(T)|`, the error of explaining `v` itself (at most `max|q|`).
 *
 * `O(n·2^n)`: the OR sum over sets meeting `T` is the total minus the sum over subsets of `N∖T`.
 */
export function matchingResiduals(
  values: Float64Array,
  q: Float64Array,
  and: Float64Array,
  or: Float64Array,
): { matching: number; reconstruction: number } {
  const size = values.length;
  const andPart = zetaInPlace(Float64Array.from(and));
  const orSub = Float64Array.from(or);
  orSub[0] = 0;
  let orTotal = 0;
  for (let k = 1; k < size; k++) orTotal += or[k];
  zetaInPlace(orSub);
  let matching = 0;
  let reconstruction = 0;
  for (let T = 0; T < size; T++) {
    const h = or[0] + andPart[T] + (orTotal - orSub[size - 1 - T]);
    matching = Math.max(matching, Math.abs(h - (values[T] + q[T])));
    reconstruction = Math.max(reconstruction, Math.abs(h - values[T]));
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
