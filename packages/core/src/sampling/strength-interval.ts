import { requireInput } from '../errors/errors.js';
import { crossFitAbs } from './bias-corrected-strength.js';

/**
 * A confidence interval for `J(m) = mean over pairs of |I^(m)(i,j)|` at each order, built so that
 * it holds where `Δv` is heavy-tailed and the true interactions sit near 0 (issue 26).
 *
 * Two one-sided bounds, each from an estimator whose bias has a known sign whatever the law of
 * `Δv`:
 * - `plain = mean_p |Î_p|` is never below `J` in expectation (`|·|` is convex, Jensen), so
 *   `upper = plain + t·se_plain` bounds `J` from above;
 * - `cross-fit = mean_p (1/K) Σ_k sign(Σ_{l≠k} x_l)·x_k` is never above `J` in expectation (each
 *   sign is independent of the sample it multiplies, so `E = |I|·(1 − 2·P(wrong sign)) ≤ |I|`), so
 *   `lower = cross-fit − t·se_crossfit` bounds it from below.
 * Neither bound relies on normal noise for its bias; only the spread of each mean uses a normal
 * (Student-t) law, and with `P` pairs that mean sums `P` independent cells. The quantile `t` is a
 * Student-t one with the Welch–Satterthwaite degrees of freedom of that sum, each cell's share
 * lowered by its excess kurtosis: an order whose noise
 * comes from a few cells with few samples (heavy tails: a rare `Δv` seen by few pairs) gets a
 * wider interval than a normal quantile would give.
 *
 * The point estimate is the bracket midpoint `(plain + cross-fit)/2`; `relativeError` is the
 * larger distance from it to a bound, over the estimate.
 */
export interface StrengthInterval {
  /** Nominal two-sided coverage (e.g. 0.95). */
  readonly level: number;
  /** `(plain + cross-fit)/2` per order. */
  readonly estimate: number[];
  readonly lower: number[];
  readonly upper: number[];
  /** `max(upper − estimate, estimate − lower) / estimate` (`Infinity` when the estimate is ≤ 0). */
  readonly relativeError: number[];
  /**
   * What the bounds are made of, per order: enough to combine the intervals of independent
   * samples into one for their mean ({@link combineStrengthIntervals}).
   */
  readonly sides: StrengthIntervalSides;
}

/**
 * The two one-sided halves of a {@link StrengthInterval}, per order: the plain mean (biased up)
 * and the cross-fit mean (biased down), each with the standard error of its mean and the
 * Welch–Satterthwaite degrees of freedom of that standard error (`Infinity` where it rests on no
 * estimated variance, e.g. an enumerated order).
 */
export interface StrengthIntervalSides {
  readonly plain: number[];
  readonly crossFit: number[];
  readonly plainError: number[];
  readonly crossFitError: number[];
  readonly plainDf: number[];
  readonly crossFitDf: number[];
}

/** Sides with no order yet, filled an order at a time. */
function emptySides(): StrengthIntervalSides {
  return { plain: [], crossFit: [], plainError: [], crossFitError: [], plainDf: [], crossFitDf: [] };
}

/** Input of {@link strengthInterval}. */
export interface StrengthIntervalSamples {
  /** `deltas[p][k]`: the sampled `Δv` of pair `p` at order `k` (any count per cell, ≥ 2 when sampled). */
  readonly deltas: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>;
  /** Orders whose contexts were enumerated: exact, the interval is a point. */
  readonly exact?: readonly boolean[];
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e−9). */
export function normalQuantile(p: number): number {
  requireInput(p > 0 && p < 1, 'p', `expected a probability in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * Student-t quantile with `df` degrees of freedom (Cornish–Fisher expansion around the normal one;
 * within 1 % of the exact value for `df ≥ 3` at the usual levels). `df` below 1 is taken as 1.
 */
export function studentQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(df)) return z;
  const v = Math.max(1, df);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * v) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3)
  );
}

interface SumOfCells {
  mean: number;
  /** Standard error of the mean over pairs from the per-cell variances. */
  se: number;
  /** Welch–Satterthwaite degrees of freedom of that variance. */
  df: number;
}

/** Mean over cells of per-cell means, with the standard error and degrees of freedom of the sum. */
function meanOfCellMeans(terms: ReadonlyArray<ArrayLike<number>>): SumOfCells {
  const P = terms.length;
  let total = 0;
  let v = 0;
  let v2 = 0;
  for (const y of terms) {
    const K = y.length;
    let mu = 0;
    for (let k = 0; k < K; k++) mu += y[k];
    mu /= K;
    total += mu;
    if (K < 2) continue;
    let s = 0;
    let s4 = 0;
    for (let k = 0; k < K; k++) {
      const d2 = (y[k] - mu) ** 2;
      s += d2;
      s4 += d2 * d2;
    }
    const varMean = s / (K - 1) / K;
    v += varMean;
    // Var(s²)/σ⁴ ≈ 2/(K−1) + κ/K with κ the excess kurtosis: heavy-tailed cells (a rare large Δv)
    // know their variance less well than normal ones, so they lower the degrees of freedom.
    const kurtosis = s > 0 ? Math.max(0, (K * s4) / (s * s) - 3) : 0;
    v2 += varMean * varMean * (1 / (K - 1) + kurtosis / (2 * K));
  }
  return { mean: total / P, se: Math.sqrt(v) / P, df: v2 > 0 ? (v * v) / v2 : Infinity };
}

/**
 * The interval of each order of `J(m)` at the given two-sided `level` (default 0.95); see
 * {@link StrengthInterval}. Each pair's cells are assumed independent across pairs (reference
 * mode: every (pair, order) draws its own contexts).
 */
export function strengthInterval(samples: StrengthIntervalSamples, level = 0.95): StrengthInterval {
  const { deltas } = samples;
  requireInput(Array.isArray(deltas) && deltas.length > 0, 'deltas', 'expected one row of orders per pair');
  checkLevel(level);
  const P = deltas.length;
  const M = deltas[0].length;
  const exact = samples.exact ?? new Array<boolean>(M).fill(false);
  const sides = emptySides();
  for (let k = 0; k < M; k++) {
    if (exact[k]) {
      let s = 0;
      for (let p = 0; p < P; p++) {
        const x = deltas[p][k];
        let mu = 0;
        for (let c = 0; c < x.length; c++) mu += x[c];
        s += Math.abs(mu / x.length);
      }
      const J = s / P;
      sides.plain.push(J);
      sides.crossFit.push(J);
      sides.plainError.push(0);
      sides.crossFitError.push(0);
      sides.plainDf.push(Infinity);
      sides.crossFitDf.push(Infinity);
      continue;
    }
    // |Î_p| as a mean over one cell has the variance bound Var|Î| ≤ Var Î (|·| is 1-Lipschitz), so
    // the plain side uses the cell's Δv themselves; the cross-fit side its signed samples.
    const plainTerms: Float64Array[] = [];
    const crossTerms: Float64Array[] = [];
    let plain = 0;
    for (let p = 0; p < P; p++) {
      const x = deltas[p][k];
      const K = x.length;
      let S = 0;
      for (let c = 0; c < K; c++) S += x[c];
      plain += Math.abs(S / K);
      const sgn = Math.sign(S) || 1;
      plainTerms.push(Float64Array.from(x as ArrayLike<number>, (v: number) => sgn * v));
      crossTerms.push(Float64Array.from(x as ArrayLike<number>, (v: number) => Math.sign(S - v) * v));
    }
    plain /= P;
    const up = meanOfCellMeans(plainTerms);
    const cf = meanOfCellMeans(crossTerms);
    let cross = 0;
    for (let p = 0; p < P; p++) cross += crossFitAbs(deltas[p][k]);
    cross /= P;
    sides.plain.push(plain);
    sides.crossFit.push(cross);
    sides.plainError.push(up.se);
    sides.crossFitError.push(cf.se);
    sides.plainDf.push(up.df);
    sides.crossFitDf.push(cf.df);
  }
  return intervalFromSides(sides, level);
}

function checkLevel(level: number): void {
  requireInput(level > 0 && level < 1, 'level', `expected a coverage in (0, 1), got ${level}`);
}

/** The bounds of each order from its sides: `[crossFit − t·se, plain + t·se]`, Student-t quantiles. */
function intervalFromSides(sides: StrengthIntervalSides, level: number): StrengthInterval {
  const pTail = 1 - (1 - level) / 2;
  const out = {
    level,
    estimate: [] as number[],
    lower: [] as number[],
    upper: [] as number[],
    relativeError: [] as number[],
    sides,
  };
  sides.plain.forEach((plain, k) => {
    const cross = sides.crossFit[k];
    // A zero standard error (an enumerated order) needs no quantile: the bound is the mean itself.
    const upper =
      plain + (sides.plainError[k] > 0 ? studentQuantile(pTail, sides.plainDf[k]) * sides.plainError[k] : 0);
    const lower =
      cross -
      (sides.crossFitError[k] > 0 ? studentQuantile(pTail, sides.crossFitDf[k]) * sides.crossFitError[k] : 0);
    const estimate = (plain + cross) / 2;
    out.estimate.push(estimate);
    out.lower.push(lower);
    out.upper.push(upper);
    out.relativeError.push(estimate > 0 ? Math.max(upper - estimate, estimate - lower) / estimate : Infinity);
  });
  return out;
}

/**
 * The interval of the mean over samples of their `J(m)` (an analysis' run-wide curve), from each
 * sample's {@link StrengthIntervalSides}, at the two-sided `level` (default 0.95).
 *
 * Why it holds: the samples' contexts are drawn from independent streams, so the run-wide plain
 * mean `(1/S) Σ_s plain_s` is a mean of independent terms whose expectation is each `≥ J_s`
 * (Jensen, whatever the law of `Δv`) and the cross-fit mean one whose terms are each `≤ J_s`; so
 * the two one-sided bounds of {@link strengthInterval} carry over to `(1/S) Σ_s J_s` with the
 * standard error `sqrt(Σ_s se_s²)/S` of each side and the Welch–Satterthwaite degrees of freedom
 * of that sum, `(Σ_s se_s²)² / Σ_s (se_s⁴/df_s)`. It is exactly the interval
 * {@link strengthInterval} gives for the pairs of all samples pooled (when every sample has the
 * same number of pairs). The context noise falls as `1/√S`; the gap between the plain and
 * cross-fit means (the estimators' bias bound) does not, so an order whose contexts are too few
 * stays wide however many samples are averaged. The pairs and samples are taken as fixed: the
 * spread of `J` between images is not in this interval (it is in the aggregate's `rawError`).
 */
export function combineStrengthIntervals(
  samples: readonly StrengthIntervalSides[],
  level = 0.95,
): StrengthInterval {
  requireInput(samples.length > 0, 'samples', 'expected the interval sides of at least one sample');
  checkLevel(level);
  const M = samples[0].plain.length;
  samples.forEach((s, i) =>
    requireInput(
      s.plain.length === M,
      `samples[${i}]`,
      `expected interval sides at ${M} orders, got ${s.plain.length}`,
    ),
  );
  const S = samples.length;
  const meanOf = (pick: (s: StrengthIntervalSides) => number[], k: number) =>
    samples.reduce((a, s) => a + pick(s)[k], 0) / S;
  /** Standard error of the mean over samples and its Welch–Satterthwaite degrees of freedom. */
  const errorOf = (
    se: (s: StrengthIntervalSides) => number[],
    df: (s: StrengthIntervalSides) => number[],
    k: number,
  ) => {
    let v = 0;
    let v2 = 0;
    for (const s of samples) {
      const e2 = se(s)[k] ** 2;
      v += e2;
      // An infinite df (a variance known exactly) adds nothing to the uncertainty of the sum.
      if (e2 > 0 && Number.isFinite(df(s)[k])) v2 += (e2 * e2) / Math.max(1, df(s)[k]);
    }
    return { se: Math.sqrt(v) / S, df: v2 > 0 ? (v * v) / v2 : Infinity };
  };
  const sides = emptySides();
  for (let k = 0; k < M; k++) {
    const up = errorOf(
      (s) => s.plainError,
      (s) => s.plainDf,
      k,
    );
    const cf = errorOf(
      (s) => s.crossFitError,
      (s) => s.crossFitDf,
      k,
    );
    sides.plain.push(meanOf((s) => s.plain, k));
    sides.crossFit.push(meanOf((s) => s.crossFit, k));
    sides.plainError.push(up.se);
    sides.crossFitError.push(cf.se);
    sides.plainDf.push(up.df);
    sides.crossFitDf.push(cf.df);
  }
  return intervalFromSides(sides, level);
}

/** {@link StrengthIntervalSides} as a result file holds them: an infinite df is `null` (JSON has no `Infinity`). */
export interface RecordedStrengthSides {
  readonly plain: number[];
  readonly crossFit: number[];
  readonly plainError: number[];
  readonly crossFitError: number[];
  readonly plainDf: Array<number | null>;
  readonly crossFitDf: Array<number | null>;
}

/** The sides of an interval as a sample records them. */
export function recordStrengthSides(sides: StrengthIntervalSides): RecordedStrengthSides {
  const df = (xs: readonly number[]) => xs.map((x) => (Number.isFinite(x) ? x : null));
  return {
    plain: [...sides.plain],
    crossFit: [...sides.crossFit],
    plainError: [...sides.plainError],
    crossFitError: [...sides.crossFitError],
    plainDf: df(sides.plainDf),
    crossFitDf: df(sides.crossFitDf),
  };
}

/** The inverse of {@link recordStrengthSides}. */
export function readStrengthSides(recorded: RecordedStrengthSides): StrengthIntervalSides {
  const df = (xs: ReadonlyArray<number | null>) => xs.map((x) => x ?? Infinity);
  return {
    plain: [...recorded.plain],
    crossFit: [...recorded.crossFit],
    plainError: [...recorded.plainError],
    crossFitError: [...recorded.crossFitError],
    plainDf: df(recorded.plainDf),
    crossFitDf: df(recorded.crossFitDf),
  };
}
