/**
 * Tolerances for numbers that come out of float32 models.
 *
 * Regression values computed through a float32 network (ONNX Runtime, tfjs) are not bit-stable
 * across machines: kernels pick their summation order by instruction set (AVX2, AVX-512, VNNI),
 * thread count and batch shape, and every different order rounds differently. A relative
 * tolerance of 1e-9 is therefore unattainable across processors, while a loose one would no longer
 * catch a changed protocol. These helpers derive the tolerance from the arithmetic instead:
 *
 * 1. **One output.** A sum computed in another order differs by a few units of roundoff
 *    (`u = 2⁻²⁴`) of its own magnitude; the later layers of a network carry that change to the
 *    logits at about the logits' scale. Each accumulating layer (convolution, matrix product) adds
 *    one such rounding, so two kernels disagree on a logit of magnitude `S` by about `L · u · S`
 *    for `L` layers. {@link KERNEL_SAFETY} covers the "few" (ReLU switch-overs, correlated
 *    rounding, transcendental functions that differ by an ulp).
 * 2. **One reward.** Every reward orderlens computes (logit, log-odds, log-prob) is a difference of
 *    at most two such quantities, so it carries twice the output error.
 * 3. **The estimator.** `Δv(i,j,S)` sums 4 rewards with signs, so it moves by at most 4 reward
 *    errors; a mean of `|Δv|` moves by no more than its terms; `J = raw / mean(raw)` moves by
 *    `(δraw + J · δmean) / mean(raw)`.
 *
 * The result is a worst case over the estimator (no averaging over pairs or contexts is assumed)
 * on top of a typical-case model of kernel rounding. On the CIFAR CNN fixture it is 0.1–0.2 % of
 * J(m): about 3,000 times the disagreement between the pinned values and this AMD EPYC machine
 * (≤ 7e-7, measured; the issue saw 5.4e-7 on an Intel AVX-512 VNNI machine), and 5–300 times below the change a different seed stream, baseline or pair rule makes
 * (docs/testing.md; the pipeline regression tests).
 */

/** Unit roundoff of IEEE float32 (half an ulp of 1). */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** Headroom over the typical-case rounding model (see the module comment). */
export const KERNEL_SAFETY = 4;

/** The part of a float32 network that decides how far two kernels can disagree. */
export interface Float32NetworkShape {
  /** Layers that accumulate (convolutions, matrix products). */
  readonly layers: number;
}

/**
 * Bound on how far one reward `v(S)` computed by two float32 kernels from the same network can
 * differ, given `outputScale`, the largest |logit| the network produced.
 */
export function float32RewardError(outputScale: number, shape: Float32NetworkShape): number {
  if (!(outputScale > 0) || !(shape.layers >= 1))
    throw new Error(
      `float32RewardError: expected positive scale and shape, got ${outputScale}, ${JSON.stringify(shape)}`,
    );
  const perOutput = KERNEL_SAFETY * shape.layers * FLOAT32_UNIT_ROUNDOFF * outputScale;
  return 2 * perOutput;
}

/**
 * Per-order tolerance of a strength curve normalised by its mean over orders (`J = raw / mean(raw)`,
 * the `mean` normalisation), whose `raw(m)` are means of `|Δv|` over `terms` rewards each (4 for a
 * pairwise interaction).
 */
export function normalizedCurveTolerance(raw: readonly number[], rewardError: number, terms = 4): number[] {
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const dRaw = terms * rewardError;
  return raw.map((r) => (dRaw + (r / mean) * dRaw) / mean);
}

/**
 * Tolerance of a value averaged from `|Δv|` terms without normalisation (e.g. an instability or a
 * raw strength): `terms` reward errors.
 */
export function rawStrengthTolerance(rewardError: number, terms = 4): number {
  return terms * rewardError;
}

/**
 * Compares `actual` with pinned `expected` values element by element within `tolerance` (one per
 * element, or one for all); the message names the element, both values and the tolerance so a
 * failure says whether rounding or a changed computation moved it.
 */
export function expectWithinTolerance(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number | readonly number[],
  what = 'value',
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: expected ${expected.length} values, got ${actual.length}`);
  const bad: string[] = [];
  actual.forEach((v, k) => {
    const tol = typeof tolerance === 'number' ? tolerance : tolerance[k];
    if (!(Math.abs(v - expected[k]) <= tol))
      bad.push(
        `[${k}] ${v} vs pinned ${expected[k]} (|diff| ${Math.abs(v - expected[k]).toExponential(2)} > ${tol.toExponential(2)})`,
      );
  });
  if (bad.length > 0) throw new Error(`${what} differs beyond float32 rounding:\n  ${bad.join('\n  ')}`);
}
