import { requireInput } from '../errors/errors.js';
import { meanSparsityCurves } from '../measures/sparsity-curves.js';
import type { InteractionResult, SampleResult } from '../result/interaction-result.js';
import { combineStrengthIntervals, readStrengthSides } from '../sampling/strength-interval.js';
import { instability } from '../strength/instability.js';
import { strengthCurve } from '../strength/strength-curve.js';
import { fitEffectiveN, theoryStrength } from '../theory/theory-strength.js';

/**
 * The relative half-width of `J(m)` an analysis aims at when its estimator names none (issue 26:
 * ±5 % at every order).
 */
export const DEFAULT_TARGET_ERROR = 0.05;

/**
 * The run-wide curves of per-sample results: `J(m)` (mean over samples, then normalised by its
 * mean over orders), `J̄(m)` (each sample normalised first), the raw mean with its standard
 * error, the instability over repeats (MATH.md) when every sample has ≥ 2, the theory `F̂` at
 * `n` (normalised to 1 at order 0) and the fitted `n′` on `Ĵ = J/J(0)`; and, when every sample
 * recorded the sides of its interval, the interval of the raw mean with a per-order flag of
 * whether its relative half-width reached `targetError` (see {@link runWideInterval}).
 */
export function aggregateSamples(
  samples: readonly SampleResult[],
  n: number,
  orders: readonly number[],
  ratios: readonly number[],
  targetError: number = DEFAULT_TARGET_ERROR,
): InteractionResult['aggregate'] {
  requireInput(samples.length > 0, 'samples', 'expected at least one sample');
  const per = samples.map((s) => s.strength);
  per.forEach((row, s) =>
    requireInput(
      row.length === orders.length,
      `samples[${s}].strength`,
      `expected ${orders.length} orders, got ${row.length}`,
    ),
  );
  const raw = orders.map((_, k) => per.reduce((a, row) => a + row[k], 0) / per.length);
  // Over samples (the spread a reader compares curves by) plus the estimator's own context
  // error where given, both as standard errors of the mean.
  const rawError = orders.map((_, k) => {
    const S = per.length;
    const between = S > 1 ? per.reduce((a, row) => a + (row[k] - raw[k]) ** 2, 0) / (S - 1) / S : 0;
    const within = samples.reduce((a, s) => a + (s.strengthError?.[k] ?? 0) ** 2, 0) / (S * S);
    return Math.sqrt(between + within);
  });
  const interval = runWideInterval(samples, raw, targetError);
  const repeats = samples.every((s) => (s.strengthByRepeat?.length ?? 0) >= 2)
    ? Array.from({ length: samples[0].strengthByRepeat!.length }, (_, r) =>
        samples.map((s) => s.strengthByRepeat![r]),
      )
    : undefined;
  const F = theoryStrength(n, [...orders]);
  const J = strengthCurve(per, 'mean', [...orders]);
  const jHat = raw.map((v) => v / (raw[0] || 1));
  const fit =
    ratios.length >= 2 && raw[0] > 0 && jHat.every((v) => Number.isFinite(v) && v >= 0)
      ? fitEffectiveN([...ratios], jHat)
      : undefined;
  const andOr = samples.every((s) => s.andOr)
    ? {
        and: samples[0].andOr!.strengthByOrder.and.map(
          (_, o) => samples.reduce((a, s) => a + s.andOr!.strengthByOrder.and[o], 0) / samples.length,
        ),
        or: samples[0].andOr!.strengthByOrder.or.map(
          (_, o) => samples.reduce((a, s) => a + s.andOr!.strengthByOrder.or[o], 0) / samples.length,
        ),
        salientCount: samples[0].andOr!.strengthByOrder.and.map(
          (_, o) =>
            samples.reduce((a, s) => a + s.andOr!.salient.filter((t) => t.order === o).length, 0) /
            samples.length,
        ),
        // Units written before sparsity curves existed have none: then no mean either.
        ...(samples.every((s) => s.andOr!.sparsity)
          ? { sparsity: meanSparsityCurves(samples.map((s) => s.andOr!.sparsity!)) }
          : {}),
      }
    : undefined;
  return {
    strength: J,
    strengthPerSample: strengthCurve(per, 'per-sample-mean', [...orders]),
    raw,
    rawError,
    ...(interval ? { strengthInterval: interval } : {}),
    instability: repeats ? instability(repeats) : null,
    theory: {
      n,
      values: F.map((f) => f / (F[0] || 1)),
      ...(fit ? { effectiveN: fit.nEff, effectiveCurve: fit.curve } : {}),
    },
    ...(andOr ? { andOr } : {}),
  };
}

/**
 * The interval of the run's raw `J(m)` (the mean over samples) at every order, from the samples'
 * `strengthSides` ({@link combineStrengthIntervals}); `relativeError` is the larger distance from
 * `raw` to a bound over `raw` (`null` when `raw ≤ 0`: unbounded), `targetMet` whether it is at
 * most `targetError`. Undefined unless every sample has sides at the same level (a run mixing
 * protocols, or units written before the sides were recorded, gets none rather than a wrong one).
 */
function runWideInterval(
  samples: readonly SampleResult[],
  raw: readonly number[],
  targetError: number,
): NonNullable<InteractionResult['aggregate']['strengthInterval']> | undefined {
  const level = samples[0].strengthLevel;
  if (level === undefined) return undefined;
  if (!samples.every((s) => s.strengthSides && s.strengthLevel === level)) return undefined;
  if (!samples.every((s) => s.strengthSides!.plain.length === raw.length)) return undefined;
  const iv = combineStrengthIntervals(
    samples.map((s) => readStrengthSides(s.strengthSides!)),
    level,
  );
  const relativeError = raw.map((r, k) => (r > 0 ? Math.max(iv.upper[k] - r, r - iv.lower[k]) / r : null));
  return {
    level,
    lower: iv.lower,
    upper: iv.upper,
    relativeError,
    targetError,
    targetMet: relativeError.map((e) => e !== null && e <= targetError),
  };
}
