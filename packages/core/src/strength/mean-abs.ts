/**
 * `E_pairs |I^(m)(i,j)|` for each order: the per-sample strength every curve `J(m)` averages.
 * `values[p][k]` is pair `p` at order `k` (any row-of-numbers layout); 0 for no pairs.
 */
export function meanAbsOverPairs(values: ArrayLike<ArrayLike<number>>, orderCount: number): number[] {
  const out = new Array<number>(orderCount).fill(0);
  for (let p = 0; p < values.length; p++) {
    const row = values[p];
    for (let k = 0; k < orderCount; k++) out[k] += Math.abs(row[k]);
  }
  return out.map((s) => s / Math.max(1, values.length));
}
