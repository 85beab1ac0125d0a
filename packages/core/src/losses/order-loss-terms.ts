import { OrderlensInputError, requireInput } from '../errors/errors.js';

/**
 * One term of the order losses of the ICLR-2022 paper: `plus` encourages interactions between
 * orders `r1·n` and `r2·n` (`L+ = CE(softmax(Δu), y)`), `minus` penalises them
 * (`L− = Σ_c p_c log p_c`, minus the entropy of `softmax(Δu)`).
 */
export interface OrderLossTerm {
  readonly kind: 'plus' | 'minus';
  readonly r1: number;
  readonly r2: number;
}

/** Named presets from the paper (MATH.md, "Losses that steer orders"). */
export const ORDER_LOSS_PRESETS = {
  normal: [],
  low: [{ kind: 'minus', r1: 0.7, r2: 1.0 }],
  mid: [{ kind: 'plus', r1: 0.3, r2: 0.7 }],
  high: [{ kind: 'minus', r1: 0, r2: 0.5 }],
  'boost-high': [
    { kind: 'plus', r1: 0.6, r2: 1.0 },
    { kind: 'minus', r1: 0, r2: 0.5 },
  ],
} as const satisfies Record<string, readonly OrderLossTerm[]>;

/** Name of a preset in {@link ORDER_LOSS_PRESETS}. */
export type OrderLossPreset = keyof typeof ORDER_LOSS_PRESETS;

/**
 * Parses a preset name (`normal`, `low`, `mid`, `high`, `boost-high`) or a list of free terms
 * such as `plus:0.3,0.7;minus:0,0.5` (terms separated by `;` or whitespace).
 */
export function parseOrderLossSpec(spec: string, field = 'losses'): OrderLossTerm[] {
  const text = spec.trim();
  if (text in ORDER_LOSS_PRESETS) return ORDER_LOSS_PRESETS[text as OrderLossPreset].map((t) => ({ ...t }));
  requireInput(text.length > 0, field, 'expected a preset name or terms like plus:0.3,0.7');
  return text
    .split(/[;\s]+/)
    .filter(Boolean)
    .map((part) => {
      const m = /^(plus|minus):([^,]+),([^,]+)$/.exec(part);
      if (!m) {
        throw new OrderlensInputError(
          field,
          `cannot read "${part}"; expected a preset (${Object.keys(ORDER_LOSS_PRESETS).join(', ')}) or plus:r1,r2 / minus:r1,r2`,
        );
      }
      const term: OrderLossTerm = { kind: m[1] as 'plus' | 'minus', r1: Number(m[2]), r2: Number(m[3]) };
      validateOrderLossTerm(term, field);
      return term;
    });
}

/** Checks `0 ≤ r1 < r2 ≤ 1`. */
export function validateOrderLossTerm(term: OrderLossTerm, field = 'losses'): void {
  const { r1, r2 } = term;
  requireInput(
    Number.isFinite(r1) && Number.isFinite(r2) && r1 >= 0 && r1 < r2 && r2 <= 1,
    field,
    `expected 0 ≤ r1 < r2 ≤ 1, got r1=${r1}, r2=${r2}`,
  );
}
