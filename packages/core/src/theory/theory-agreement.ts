/**
 * How well a theory curve F̂ follows a measured strength curve J, for the caveats that charts
 * print beside the theory: a dashed curve drawn over a measured one reads as "the theory
 * explains this", which is false when the two have opposite trends or the fit is poor.
 */

/** Agreement of a theory curve with a measured one, over the measured orders. */
export interface TheoryAgreement {
  /** R² of J against the best multiple a·F̂ (shape only: the scale of either does not matter). */
  readonly r2: number;
  /** Least-squares slope of J over the order ratio, relative to the mean of J. */
  readonly measuredTrend: number;
  /** The same for F̂ at the measured ratios. */
  readonly theoryTrend: number;
}

/** Linear interpolation of `(xs, ys)` at `x` (xs ascending); undefined outside the range. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number | undefined {
  if (xs.length === 0 || x < xs[0] - 1e-12 || x > xs[xs.length - 1] + 1e-12) return undefined;
  let k = 1;
  while (k < xs.length - 1 && xs[k] < x) k++;
  if (xs.length === 1) return ys[0];
  const [x0, x1, y0, y1] = [xs[k - 1], xs[k], ys[k - 1], ys[k]];
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

function relativeSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx > 0 && my !== 0 ? sxy / sxx / Math.abs(my) : 0;
}

/**
 * Compares a theory curve with a measured one at the measured ratios where the theory is
 * defined. Undefined when fewer than three orders overlap (nothing to judge).
 */
export function theoryAgreement(
  measured: { readonly ratios: readonly number[]; readonly values: readonly number[] },
  theory: { readonly ratios: readonly number[]; readonly values: readonly number[] },
): TheoryAgreement | undefined {
  const order = theory.ratios.map((_, k) => k).sort((a, b) => theory.ratios[a] - theory.ratios[b]);
  const tx = order.map((k) => theory.ratios[k]);
  const ty = order.map((k) => theory.values[k]);
  const xs: number[] = [];
  const js: number[] = [];
  const fs: number[] = [];
  measured.ratios.forEach((x, k) => {
    const f = interpolate(tx, ty, x);
    const j = measured.values[k];
    if (f === undefined || !Number.isFinite(f) || !Number.isFinite(j)) return;
    xs.push(x);
    js.push(j);
    fs.push(f);
  });
  if (xs.length < 3) return undefined;
  const ff = fs.reduce((a, f) => a + f * f, 0);
  const a = ff > 0 ? fs.reduce((s, f, i) => s + f * js[i], 0) / ff : 0;
  const mj = js.reduce((s, j) => s + j, 0) / js.length;
  const ssTot = js.reduce((s, j) => s + (j - mj) ** 2, 0);
  const ssRes = js.reduce((s, j, i) => s + (j - a * fs[i]) ** 2, 0);
  return {
    r2: ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0,
    measuredTrend: relativeSlope(xs, js),
    theoryTrend: relativeSlope(xs, fs),
  };
}

/** Below this R² a theory curve is called a poor fit. */
export const POOR_FIT_R2 = 0.5;

/**
 * A short caveat for a chart ("shapes disagree: J rises with m, F̂ falls"; "poor fit, R² = 0.21"),
 * or undefined when the theory follows the measured curve. A trend counts when the curve changes
 * by more than 20% of its mean across the orders.
 */
export function agreementCaveat(agreement: TheoryAgreement | undefined): string | undefined {
  if (!agreement) return undefined;
  const dir = (slope: number) => (slope > 0.2 ? 'rises' : slope < -0.2 ? 'falls' : 'is flat');
  const m = dir(agreement.measuredTrend);
  const t = dir(agreement.theoryTrend);
  if (m !== t && m !== 'is flat' && t !== 'is flat') return `shapes disagree: J ${m} with m, F̂ ${t}`;
  if (agreement.r2 < POOR_FIT_R2) return `poor fit, R² = ${agreement.r2.toFixed(2)}`;
  return undefined;
}
