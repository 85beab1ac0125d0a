import { requireInput } from '../errors/errors.js';

/**
 * The 13 order ratios of the representation-bottleneck papers:
 * `r ∈ {0, .05, .1, .2, .3, .4, .5, .6, .7, .8, .9, .95, 1}` (MATH.md).
 */
export const PAPER_RATIOS: readonly number[] = Object.freeze([
  0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1,
]);

/**
 * Orders `m = floor((n−2)·r)` for ratios `r ∈ [0, 1]`, in the order given (duplicates kept, so
 * position `k` always belongs to `ratios[k]`).
 *
 * The product is floored with a relative tolerance of 1e-9 so that a ratio whose exact product is
 * an integer (e.g. `0.29 · 100`) is not pushed one order down by binary rounding.
 */
export function ordersFromRatios(n: number, ratios: readonly number[]): number[] {
  requireInput(Number.isInteger(n) && n >= 2, 'n', `expected an integer number of players ≥ 2, got ${n}`);
  requireInput(Array.isArray(ratios), 'ratios', 'expected an array of ratios in [0, 1]');
  return ratios.map((r, k) => {
    requireInput(
      Number.isFinite(r) && r >= 0 && r <= 1,
      `ratios[${k}]`,
      `expected a ratio in [0, 1], got ${r}`,
    );
    const x = (n - 2) * r;
    return Math.min(n - 2, Math.floor(x + 1e-9 * Math.max(1, x)));
  });
}

/** Orders parsed from text, with the ratios they came from when the text gave ratios. */
export interface ParsedOrders {
  readonly orders: number[];
  readonly ratios?: number[];
}

/**
 * Parses a comma-separated order list such as `0,0.05,0.5,1` or `0,3,10`.
 *
 * If any value is not an integer, every value is read as a ratio in `[0, 1]` and converted with
 * {@link ordersFromRatios}; otherwise the values are integer orders in `0 … n−2`. The word `paper`
 * stands for {@link PAPER_RATIOS}. Errors name the field `orders`.
 */
export function parseOrderList(text: string, n: number): ParsedOrders {
  requireInput(Number.isInteger(n) && n >= 2, 'n', `expected an integer number of players ≥ 2, got ${n}`);
  requireInput(typeof text === 'string', 'orders', 'expected a comma-separated list of orders or ratios');
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'paper')
    return { orders: ordersFromRatios(n, PAPER_RATIOS), ratios: [...PAPER_RATIOS] };
  requireInput(
    trimmed.length > 0,
    'orders',
    'expected a comma-separated list of orders or ratios, got an empty string',
  );
  const parts = trimmed.split(',').map((s) => s.trim());
  const values = parts.map((s) => {
    const v = s === '' ? NaN : Number(s);
    requireInput(Number.isFinite(v), 'orders', `"${s}" is not a number (in "${text}")`);
    return v;
  });
  if (values.some((v) => !Number.isInteger(v))) {
    for (const r of values) {
      requireInput(
        r >= 0 && r <= 1,
        'orders',
        `the list holds a non-integer, so every value is read as a ratio in [0, 1]; got ${r}`,
      );
    }
    return { orders: ordersFromRatios(n, values), ratios: values };
  }
  for (const m of values) {
    requireInput(m >= 0 && m <= n - 2, 'orders', `order ${m} is outside 0…${n - 2} (n = ${n} players)`);
  }
  return { orders: values };
}
