import { zetaInPlace } from './mobius.js';

/**
 * Residuals of the identities of MATH.md, relative to `max(1, max|v|)`. Each should be at the
 * level of rounding error; a large one means the table or the code is wrong.
 */
export function exactResiduals(
  values: Float64Array,
  harsanyi: Float64Array,
  or: Float64Array,
  shapley: Float64Array,
  multi?: { orders: number[]; pairs: Array<[number, number]>; values: Float64Array[] },
): Record<string, number> {
  const size = values.length;
  const n = Math.round(Math.log2(size));
  const full = values[size - 1];
  const empty = values[0];
  let scale = 1;
  for (let k = 0; k < size; k++) scale = Math.max(scale, Math.abs(values[k]));
  const rel = (x: number) => Math.abs(x) / scale;

  // Inverse transform reproduces every v(T).
  const back = zetaInPlace(Float64Array.from(harsanyi));
  let inverse = 0;
  for (let k = 0; k < size; k++) inverse = Math.max(inverse, rel(back[k] - values[k]));

  let andSum = 0;
  let orSum = 0;
  for (let k = 0; k < size; k++) {
    andSum += harsanyi[k];
    orSum += or[k];
  }
  let phiSum = 0;
  for (let i = 0; i < n; i++) phiSum += shapley[i];

  const out: Record<string, number> = {
    andEfficiency: rel(andSum - full),
    orEfficiency: rel(orSum - full),
    inverseMobius: inverse,
    shapleyEfficiency: rel(phiSum - (full - empty)),
  };
  if (multi && n >= 2) {
    // v(N) = v(∅) + Σ_i μ_i + Σ_{i≠j} Σ_m w(m) I^(m)(i,j), ordered pairs (each unordered twice).
    let s = empty;
    for (let i = 0; i < n; i++) s += values[1 << i] - empty;
    multi.pairs.forEach((_, p) => {
      multi.orders.forEach((m, k) => {
        s += (2 * (n - 1 - m) * multi.values[p][k]) / (n * (n - 1));
      });
    });
    out.multiOrderEfficiency = rel(s - full);
  }
  return out;
}
