import type { AndOrPreset } from './and-or-presets.js';

/** A learned AND-OR decomposition of one game table. */
export interface AndOrDecomposition {
  readonly n: number;
  /** The conventions it was extracted with. */
  readonly preset: AndOrPreset;
  /** AND interactions of `v_and`, indexed by coalition mask. */
  readonly and: Float64Array;
  /** OR interactions of `v_or`, indexed by coalition mask. */
  readonly or: Float64Array;
  /** The learned split `v_and = ½(v+q) + p`, `v_or = ½(v+q) − p`. */
  readonly p: Float64Array;
  /** The learned noise term, `|q_T| ≤ qBound`. */
  readonly q: Float64Array;
  /** `qthres · |v(N) − v(∅)|`. */
  readonly qBound: number;
  /** `Σ|I_and| + Σ|I_or|` at `p = q = 0` (the half-half split). */
  readonly initialLoss: number;
  /** `Σ|I_and| + Σ|I_or|` of the returned `p, q` (before singleton terms are merged). */
  readonly finalLoss: number;
  /** SGD steps taken. */
  readonly steps: number;
  /** After how many steps the returned iterate was reached (`steps` for the `last` rule). */
  readonly keptIteration: number;
  /** Universal matching, `max_T |h(T) − (v(T) + q_T)|` over every coalition (rounding level). */
  readonly matchingResidual: number;
  /** `max_T |h(T) − v(T)|`: how far the interactions are from the game itself (≤ `max|q|`). */
  readonly reconstructionError: number;
  /** Relative RMS error of the game rebuilt from the salient interactions only (see `salientReconstructionError`). */
  readonly salientReconstructionError: number;
  /** Salient threshold used. */
  readonly tau: number;
  /** Coalition masks of the salient AND and OR interactions, ascending. */
  readonly salient: { readonly and: Uint32Array; readonly or: Uint32Array };
}
