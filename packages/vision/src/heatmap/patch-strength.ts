import { requireInput, type MultiOrderTable } from '@orderlens/core';

/**
 * Interaction strength per patch: for each player `p`, the mean of `|I^(m)(i, j)|` over the pairs
 * that contain `p` and the orders selected by `useOrder` (by position in `table.orders`).
 * Players in no pair get `NaN` (drawn as "no data").
 */
export function patchStrength(
  table: MultiOrderTable,
  n: number,
  useOrder: (k: number) => boolean,
): Float64Array {
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  const ks = table.orders.map((_, k) => k).filter(useOrder);
  requireInput(ks.length > 0, 'orders', 'no order selected for the heat map');
  table.pairs.forEach(([i, j], p) => {
    let s = 0;
    for (const k of ks) s += Math.abs(table.values[p][k]);
    s /= ks.length;
    for (const q of [i, j]) {
      requireInput(q >= 0 && q < n, 'pairs', `player ${q} outside [0, ${n})`);
      sum[q] += s;
      cnt[q]++;
    }
  });
  return sum.map((s, q) => (cnt[q] > 0 ? s / cnt[q] : NaN));
}

/** Order positions with ratio ≤ `maxRatio` (low orders) or ≥ `minRatio` (high orders). */
export function orderBand(
  table: MultiOrderTable,
  n: number,
  band: 'low' | 'high',
  threshold = band === 'low' ? 0.1 : 0.7,
): (k: number) => boolean {
  const ratios = table.ratios ?? table.orders.map((m) => m / Math.max(1, n - 2));
  return (k: number) => (band === 'low' ? ratios[k] <= threshold : ratios[k] >= threshold);
}
