import { requireInput } from '../errors/errors.js';
import { rebuildFromAndOr } from '../and-or/and-or-matching.js';

/**
 * Thresholds of the sparsity curves, as fractions of the sample's `|v(N) − v(∅)|` (MATH.md,
 * "Sparsity curves"): from far below the salient threshold (0.03 of the batch mean) to far above.
 */
export const SPARSITY_THRESHOLD_FRACTIONS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5,
];

/** Sparsity curves of one sample's AND-OR interactions (two-phase paper §3.1, sparsity theorem). */
export interface SparsityCurves {
  /** Ranks (1-based) at which the sorted strengths are kept: 1 … 16, then about 8 per doubling. */
  readonly ranks: number[];
  /** `|I_and(S)|` over `S ≠ ∅`, sorted descending, at `ranks` (0 past the last set). */
  readonly and: number[];
  /** `|I_or(S)|` over `S ≠ ∅`, sorted descending, at `ranks`. */
  readonly or: number[];
  /** Thresholds as fractions of `|v(N) − v(∅)|` ({@link SPARSITY_THRESHOLD_FRACTIONS} by default). */
  readonly fractions: number[];
  /** The absolute thresholds `τ = fraction · |v(N) − v(∅)|`. */
  readonly thresholds: number[];
  /** Number of `S ≠ ∅` with `|I_and(S)| > τ`, per threshold. */
  readonly andCount: number[];
  /** Number of `S ≠ ∅` with `|I_or(S)| > τ`, per threshold. */
  readonly orCount: number[];
  /**
   * Share of the output the interactions above each threshold rebuild, over every coalition:
   * `1 − Σ_T (v(T) − h_τ(T))² / Σ_T (v(T) − v(∅))²` (`h_τ`: the empty-set terms plus the
   * interactions with `|I| > τ`). 1 when they rebuild every masked output exactly.
   */
  readonly share: number[];
}

/** The 1-based ranks the sorted curves are kept at, for `count` sets. */
export function sparsityRanks(count: number): number[] {
  const ranks: number[] = [];
  // Every rank up to 16 (where the salient ones sit), then geometric: the tail of 2^n − 1 values
  // is smooth, and keeping all of it would put 2^{n+1} numbers in every sample block.
  for (let r = 1; r <= Math.min(16, count); r++) ranks.push(r);
  for (let r = 16 * 2 ** (1 / 8); r < count; r *= 2 ** (1 / 8)) {
    const k = Math.round(r);
    if (k > ranks[ranks.length - 1]) ranks.push(k);
  }
  if (count > 0 && ranks[ranks.length - 1] !== count) ranks.push(count);
  return ranks;
}

/** `|a(S)|` over `S ≠ ∅`, sorted descending. */
export function sortedStrengths(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length - 1);
  for (let S = 1; S < a.length; S++) out[S - 1] = Math.abs(a[S]);
  return out.sort().reverse();
}

/** Share of `values` rebuilt by the interactions kept (see {@link SparsityCurves.share}). */
export function rebuiltShare(values: ArrayLike<number>, and: Float64Array, or: Float64Array): number {
  const h = rebuildFromAndOr(and, or);
  let err = 0;
  let norm = 0;
  for (let T = 0; T < values.length; T++) {
    err += (values[T] - h[T]) ** 2;
    norm += (values[T] - values[0]) ** 2;
  }
  return norm > 0 ? 1 - err / norm : err === 0 ? 1 : 0;
}

/**
 * Sparsity curves of one sample: sorted AND and OR strengths, the salient count as the
 * threshold varies, and the share of the output rebuilt by the interactions above each threshold.
 * `values` is the game table the interactions were extracted from (`2^n` values).
 */
export function sparsityCurves(
  values: ArrayLike<number>,
  and: Float64Array,
  or: Float64Array,
  fractions: readonly number[] = SPARSITY_THRESHOLD_FRACTIONS,
): SparsityCurves {
  const size = values.length;
  requireInput(
    size >= 2 && (size & (size - 1)) === 0 && and.length === size && or.length === size,
    'values',
    `expected a game table of 2^n values with AND and OR tables of the same length, got ${size}, ${and.length}, ${or.length}`,
  );
  for (const f of fractions)
    requireInput(Number.isFinite(f) && f >= 0, 'fractions', `expected fractions ≥ 0, got ${f}`);
  const sortedAnd = sortedStrengths(and);
  const sortedOr = sortedStrengths(or);
  const ranks = sparsityRanks(size - 1);
  const scale = Math.abs(values[size - 1] - values[0]);
  const thresholds = fractions.map((f) => f * scale);
  const countAbove = (sorted: Float64Array, tau: number) => {
    // Sorted descending: the first index at or below τ is the count above it.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] > tau) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const share = thresholds.map((tau) => {
    const a = new Float64Array(size);
    const o = new Float64Array(size);
    a[0] = and[0];
    o[0] = or[0];
    for (let S = 1; S < size; S++) {
      if (Math.abs(and[S]) > tau) a[S] = and[S];
      if (Math.abs(or[S]) > tau) o[S] = or[S];
    }
    return rebuiltShare(values, a, o);
  });
  return {
    ranks,
    and: ranks.map((r) => sortedAnd[r - 1]),
    or: ranks.map((r) => sortedOr[r - 1]),
    fractions: [...fractions],
    thresholds,
    andCount: thresholds.map((t) => countAbove(sortedAnd, t)),
    orCount: thresholds.map((t) => countAbove(sortedOr, t)),
    share,
  };
}

/** Mean of per-sample sparsity curves at the same fractions (counts and shares; sorted strengths). */
export function meanSparsityCurves(curves: readonly SparsityCurves[]): SparsityCurves {
  requireInput(curves.length > 0, 'samples', 'expected at least one sample with sparsity curves');
  const first = curves[0];
  for (const c of curves)
    requireInput(
      c.ranks.length === first.ranks.length && c.fractions.join() === first.fractions.join(),
      'samples',
      'sparsity curves over different player counts or thresholds are not averaged',
    );
  const mean = (pick: (c: SparsityCurves) => readonly number[]) =>
    pick(first).map((_, k) => curves.reduce((s, c) => s + pick(c)[k], 0) / curves.length);
  return {
    ranks: [...first.ranks],
    and: mean((c) => c.and),
    or: mean((c) => c.or),
    fractions: [...first.fractions],
    thresholds: mean((c) => c.thresholds),
    andCount: mean((c) => c.andCount),
    orCount: mean((c) => c.orCount),
    share: mean((c) => c.share),
  };
}
