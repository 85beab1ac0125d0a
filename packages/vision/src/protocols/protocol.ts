import {
  PAPER_RATIOS,
  OrderlensInputError,
  STRENGTH_ESTIMATORS,
  requireInput,
  type SamplingMode,
  type StrengthEstimatorName,
} from '@orderlens/core';

/**
 * A sampling protocol for multi-order interactions of images: which players, which pairs, how
 * many contexts, which orders, and which samples.
 */
export interface VisionProtocol {
  readonly name: string;
  /** Grid rows = columns (players = grid²). */
  readonly grid: number;
  /** Chebyshev radius within which `j` is drawn around `i`. */
  readonly radius: number;
  /** Pairs per sample. */
  readonly pairs: number;
  /** Contexts per (pair, order). */
  readonly contexts: number;
  /** Order ratios; orders are `floor((n−2)·r)`. */
  readonly ratios: readonly number[];
  /** Correctly classified samples per class. */
  readonly perClass: number;
  /** How contexts are drawn (core's `sampleMultiOrder`). */
  readonly mode: SamplingMode;
  /** Repeats with independent contexts (same pairs) to measure the instability; 1 skips it. */
  readonly repeats: number;
  /**
   * How `E_pairs |I^(m)|` is estimated from the sampled `Δv` (core's `strengthEstimator`;
   * default `'plain'`, the paper's mean of `|Î|`).
   */
  readonly estimator?: StrengthEstimatorName;
}

/**
 * The ICLR-2022 reference protocol (MATH.md): 16×16 grid on 32×32 images, 200 neighbour pairs
 * within radius 2, 100 contexts per pair and order drawn independently, the 13 paper ratios,
 * 5 correctly classified samples per class. 881,600 model calls per image and repeat (1.04 M in
 * the original code, which also samples the single context of `m = 0` and `m = n−2` 100 times).
 */
export const REFERENCE_PROTOCOL: VisionProtocol = Object.freeze({
  name: 'reference',
  grid: 16,
  radius: 2,
  pairs: 200,
  contexts: 100,
  ratios: PAPER_RATIOS,
  perClass: 5,
  mode: 'reference',
  repeats: 2,
});

/**
 * A faster protocol: the same players, pairs and orders, with contexts from the shared-context
 * estimator (one random permutation serves every pair, so coalitions such as `v(S)` and
 * `v(S ∪ {i})` are computed once for all pairs: about 0.57× the calls per context) and 32 contexts
 * instead of 100 — about 163 k model calls per image and repeat instead of 882 k. On the fixture
 * CNN its instability over context repeats is 0.044 (< 0.05; see `tools/bench/vision.bench.ts`).
 * Shared contexts correlate the pairs' errors, so per context the shared estimate of `J(m)` is
 * noisier than the reference one; the reference mode with 8–10 contexts reaches the same
 * instability with fewer calls still, which is why {@link LITE_PROTOCOL} is the CLI's default.
 */
export const FAST_PROTOCOL: VisionProtocol = Object.freeze({
  name: 'fast',
  grid: 16,
  radius: 2,
  pairs: 200,
  contexts: 32,
  ratios: PAPER_RATIOS,
  perClass: 5,
  mode: 'shared',
  repeats: 2,
});

/**
 * The default of `orderlens analyze vision`: the reference estimator with few contexts. Measured on the fixture CNN (16×16 grid, 200 pairs):
 * 8 contexts reach an instability of 0.038 with 72 k calls per image, against 163 k for `fast`
 * (0.044): the shared contexts make the pair estimates move together, so the mean over pairs
 * needs more contexts. Kept beside `fast` so users can choose by measurement.
 */
export const LITE_PROTOCOL: VisionProtocol = Object.freeze({
  ...REFERENCE_PROTOCOL,
  name: 'lite',
  contexts: 10,
});

/**
 * Bias-corrected `J(m)` (issue 11, `docs/j-accuracy.md`): the reference estimator with 30 contexts
 * (265,600 calls per image and repeat, 0.30× the reference protocol) and the `bracket` strength
 * estimator — the midpoint of the plain mean of `|Î|` (biased up by the noise) and the cross-fit
 * sign estimator (biased down), with half their gap recorded as a bound on the bias of each order.
 */
export const UNBIASED_PROTOCOL: VisionProtocol = Object.freeze({
  ...REFERENCE_PROTOCOL,
  name: 'unbiased',
  contexts: 30,
  estimator: 'bracket',
});

/** Built-in protocols by name. */
export const VISION_PROTOCOLS: Readonly<Record<string, VisionProtocol>> = Object.freeze({
  reference: REFERENCE_PROTOCOL,
  fast: FAST_PROTOCOL,
  lite: LITE_PROTOCOL,
  unbiased: UNBIASED_PROTOCOL,
});

/** A built-in protocol by name, with overrides applied and checked. */
export function resolveProtocol(
  name: string,
  overrides: Partial<Omit<VisionProtocol, 'name'>> = {},
): VisionProtocol {
  const base = VISION_PROTOCOLS[name];
  if (!base)
    throw new OrderlensInputError(
      'protocol',
      `unknown protocol "${name}"; expected one of ${Object.keys(VISION_PROTOCOLS).join(', ')}`,
    );
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const p: VisionProtocol = { ...base, ...defined };
  for (const k of ['grid', 'radius', 'pairs', 'contexts', 'perClass', 'repeats'] as const) {
    requireInput(Number.isInteger(p[k]) && p[k] > 0, k, `expected a positive integer, got ${p[k]}`);
  }
  requireInput(
    p.mode === 'reference' || p.mode === 'shared',
    'mode',
    `expected reference or shared, got ${String(p.mode)}`,
  );
  requireInput(
    p.estimator === undefined || STRENGTH_ESTIMATORS.includes(p.estimator),
    'estimator',
    `expected one of ${STRENGTH_ESTIMATORS.join(', ')}, got ${String(p.estimator)}`,
  );
  requireInput(
    p.ratios.length > 0 && p.ratios.every((r) => r >= 0 && r <= 1),
    'ratios',
    'expected ratios in [0, 1]',
  );
  return p;
}
