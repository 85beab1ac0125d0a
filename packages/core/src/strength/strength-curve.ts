import { requireInput } from '../errors/errors.js';
import type { StrengthCurve, StrengthNormalization } from '../result/estimate-result.js';

const NORMALIZATIONS: readonly StrengthNormalization[] = ['mean', 'per-sample-mean', 'order-0', 'none'];

/** Checks a `sample × order` matrix of finite numbers and returns its number of orders. */
function checkMatrix(perSample: readonly (readonly number[])[], field: string): number {
  requireInput(
    Array.isArray(perSample) && perSample.length > 0,
    field,
    'expected a non-empty sample × order matrix',
  );
  const K = perSample[0]?.length ?? 0;
  requireInput(K > 0, field, 'expected at least one order per sample');
  perSample.forEach((row, x) => {
    requireInput(
      Array.isArray(row) && row.length === K,
      `${field}[${x}]`,
      `expected ${K} orders like the first sample`,
    );
    row.forEach((v, k) =>
      requireInput(Number.isFinite(v), `${field}[${x}][${k}]`, `expected a finite number, got ${v}`),
    );
  });
  return K;
}

function columnMeans(rows: readonly (readonly number[])[], K: number): number[] {
  const out = new Array<number>(K).fill(0);
  for (const row of rows) for (let k = 0; k < K; k++) out[k] += row[k];
  return out.map((s) => s / rows.length);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Divides by `z`, leaving the curve as it is when `z = 0` (a game without interactions). */
function scale(xs: readonly number[], z: number): number[] {
  return z === 0 ? [...xs] : xs.map((x) => x / z);
}

/**
 * A strength curve over orders from per-sample strengths `perSample[x][k]` = `E_{(i,j)} |I^(m_k)(i,j|x)|`.
 *
 * - `'mean'` — `J(m)`: the mean over samples, divided by its mean over the evaluated orders (the curve averages 1).
 * - `'per-sample-mean'` — `J̄(m)`: each sample divided by its own mean over orders, then averaged.
 * - `'order-0'` — `Ĵ(m) = J(m)/J(m_0)`: the mean over samples divided by its value at the first
 *   evaluated order (order 0 on the paper grid).
 * - `'none'` — the plain mean over samples.
 *
 * A divisor of 0 (no interaction at all) leaves the values unscaled rather than producing NaN.
 * `orders` defaults to `0 … K−1`.
 */
export function strengthCurve(
  perSample: readonly (readonly number[])[],
  normalization: StrengthNormalization,
  orders?: readonly number[],
): StrengthCurve {
  requireInput(
    NORMALIZATIONS.includes(normalization),
    'normalization',
    `expected one of ${NORMALIZATIONS.join(', ')}, got ${String(normalization)}`,
  );
  const K = checkMatrix(perSample, 'perSample');
  if (orders !== undefined) {
    requireInput(
      Array.isArray(orders) && orders.length === K,
      'orders',
      `expected ${K} orders, got ${orders?.length}`,
    );
  }
  const ords = orders ? [...orders] : Array.from({ length: K }, (_, k) => k);
  let J: number[];
  switch (normalization) {
    case 'none':
      J = columnMeans(perSample, K);
      break;
    case 'mean': {
      const c = columnMeans(perSample, K);
      J = scale(c, mean(c));
      break;
    }
    case 'order-0': {
      const c = columnMeans(perSample, K);
      J = scale(c, c[0]);
      break;
    }
    case 'per-sample-mean':
      J = columnMeans(
        perSample.map((row) => scale(row, mean(row))),
        K,
      );
      break;
  }
  return { orders: ords, J, normalization };
}
