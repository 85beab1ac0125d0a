import { requireInput } from '../errors/errors.js';
import type { AndOrDecomposition } from './and-or-types.js';

/**
 * How sparse one AND-OR decomposition is, counting interactions of non-empty sets only: `v(∅)` (or
 * its AND/OR split) is the baseline, not an interaction, and would otherwise dominate the L1 mass
 * of a game whose baseline output is large.
 */
export interface AndOrSparsity {
  /** Salient AND plus salient OR interactions of non-empty sets (the decomposition's own τ). */
  readonly salientCount: number;
  /** All AND and OR terms of non-empty sets: `2·(2^n − 1)`. */
  readonly terms: number;
  /** `Σ_{salient S≠∅} |I(S)| / Σ_{S≠∅} |I(S)|` over AND and OR together (1 when all are 0). */
  readonly salientShare: number;
  /** Relative RMS error of the game rebuilt from the salient interactions only (`salientReconstructionError`). */
  readonly rebuildError: number;
}

/** Salient count, salient share of the L1 mass and rebuild error of one decomposition. */
export function andOrSparsity(d: AndOrDecomposition): AndOrSparsity {
  let total = 0;
  for (let S = 1; S < d.and.length; S++) total += Math.abs(d.and[S]) + Math.abs(d.or[S]);
  let salient = 0;
  let count = 0;
  for (const [values, masks] of [
    [d.and, d.salient.and],
    [d.or, d.salient.or],
  ] as const)
    for (const S of masks) {
      if (S === 0) continue;
      salient += Math.abs(values[S]);
      count++;
    }
  return {
    salientCount: count,
    terms: 2 * (d.and.length - 1),
    salientShare: total > 0 ? salient / total : 1,
    rebuildError: d.salientReconstructionError,
  };
}

/** Means and ranges of {@link andOrSparsity} over the samples of one network and preset. */
export interface AndOrSparsitySummary {
  readonly samples: number;
  readonly n: number;
  readonly terms: number;
  readonly salientCount: { readonly mean: number; readonly min: number; readonly max: number };
  /** Mean salient count over `terms`. */
  readonly salientFraction: number;
  readonly salientShare: { readonly mean: number; readonly min: number; readonly max: number };
  readonly rebuildError: { readonly mean: number; readonly min: number; readonly max: number };
  /** Mean of `finalLoss / initialLoss` (how far the optimiser moved from the half-half split). */
  readonly lossRatio: number;
}

function stats(xs: readonly number[]) {
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

/** {@link AndOrSparsity} of every decomposition, then means and ranges (one `n` for all). */
export function summariseAndOrSparsity(decompositions: readonly AndOrDecomposition[]): {
  perSample: AndOrSparsity[];
  summary: AndOrSparsitySummary;
} {
  requireInput(decompositions.length > 0, 'decompositions', 'expected at least one decomposition');
  const n = decompositions[0].n;
  for (const d of decompositions)
    requireInput(d.n === n, 'decompositions', `expected every decomposition to have n = ${n}, got ${d.n}`);
  const perSample = decompositions.map(andOrSparsity);
  const count = stats(perSample.map((s) => s.salientCount));
  const terms = perSample[0].terms;
  return {
    perSample,
    summary: {
      samples: perSample.length,
      n,
      terms,
      salientCount: count,
      salientFraction: count.mean / terms,
      salientShare: stats(perSample.map((s) => s.salientShare)),
      rebuildError: stats(perSample.map((s) => s.rebuildError)),
      lossRatio:
        decompositions.reduce((a, d) => a + (d.initialLoss > 0 ? d.finalLoss / d.initialLoss : 1), 0) /
        decompositions.length,
    },
  };
}

/**
 * Our reading of the sparsity claim (two-phase paper §2, Theorem 1; "where we have arrived"): a
 * DNN encodes few salient interactions — far fewer than the `2^n` subsets — and they alone rebuild
 * its output on every masked sample. The papers give no cut-off; these are ours, stated in the
 * report: at most 5 % of the `2·(2^n − 1)` AND and OR terms salient on average, and the salient
 * ones rebuilding the game within 10 % relative RMS error on average.
 */
export const AND_OR_SPARSE_MAX_FRACTION = 0.05;
export const AND_OR_SPARSE_MAX_REBUILD_ERROR = 0.1;

/** Verdict on one network and preset. */
export interface AndOrSparsityVerdict {
  readonly sparse: boolean;
  /** Mean salient fraction ≤ {@link AND_OR_SPARSE_MAX_FRACTION}. */
  readonly few: boolean;
  /** Mean rebuild error ≤ {@link AND_OR_SPARSE_MAX_REBUILD_ERROR}. */
  readonly faithful: boolean;
  readonly text: string;
}

/** Sparse when few interactions are salient and they rebuild the game (both, on average). */
export function andOrSparsityVerdict(s: AndOrSparsitySummary): AndOrSparsityVerdict {
  const few = s.salientFraction <= AND_OR_SPARSE_MAX_FRACTION;
  const faithful = s.rebuildError.mean <= AND_OR_SPARSE_MAX_REBUILD_ERROR;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const text =
    few && faithful
      ? `sparse: ${pct(s.salientFraction)} of the terms salient, rebuild error ${s.rebuildError.mean.toFixed(3)}`
      : few
        ? `few salient (${pct(s.salientFraction)}) but they do not rebuild the game (error ${s.rebuildError.mean.toFixed(3)} > ${AND_OR_SPARSE_MAX_REBUILD_ERROR})`
        : `not sparse: ${pct(s.salientFraction)} of the terms salient (> ${pct(AND_OR_SPARSE_MAX_FRACTION)})`;
  return { sparse: few && faithful, few, faithful, text };
}
