import { binomial } from '../math/combinatorics.js';

/**
 * `I^(m)(i,j)` by its definition: the average of `Δv(i,j,S)` over every context
 * `S ⊆ N∖{i,j}` with `|S| = m`, read from a full table. `O(C(n−2, m))`; the naive baseline for
 * tests and benchmarks.
 */
export function multiOrderDirect(
  values: ArrayLike<number>,
  n: number,
  i: number,
  j: number,
  m: number,
): number {
  const others: number[] = [];
  for (let k = 0; k < n; k++) if (k !== i && k !== j) others.push(k);
  const bi = 1 << i;
  const bj = 1 << j;
  let sum = 0;
  let count = 0;
  const visit = (start: number, left: number, mask: number) => {
    if (left === 0) {
      sum += values[mask | bi | bj] - values[mask | bi] - values[mask | bj] + values[mask];
      count++;
      return;
    }
    for (let t = start; t <= others.length - left; t++) visit(t + 1, left - 1, mask | (1 << others[t]));
  };
  visit(0, m, 0);
  if (count !== binomial(n - 2, m)) throw new Error('multiOrderDirect: context count mismatch');
  return sum / count;
}
