import { Rng } from '@orderlens/core';

/**
 * Synthetic tabular data with interactions of several orders: `n` standard-normal features,
 * label = 1 when `x0·x1 + x2 + sign(x3·x4·x5) > 0`.
 */
export function interactionData(rows: number, n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = Rng.create(seed);
  const x = new Float32Array(rows * n);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < n; f++) x[i * n + f] = rng.normal();
    const r = x.subarray(i * n, i * n + n);
    y[i] = r[0] * r[1] + r[2] + Math.sign(r[3] * r[4] * r[5]) > 0 ? 1 : 0;
  }
  return { x, y };
}
