import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';
import {
  twoPhaseAnalyse,
  twoPhasePencilEigenvalues,
  twoPhaseSpectrum,
  twoPhaseSynthesise,
} from './two-phase-operator.js';

/**
 * `num[k] / mean(num[1..n])` for `k = 1 … n`: the normalisation of per-order strength in MATH.md
 * (the curve averages 1 over the orders; all zeros stay zeros).
 */
export function normaliseOrderDistribution(num: ArrayLike<number>, n: number): number[] {
  let Z = 0;
  for (let k = 1; k <= n; k++) Z += num[k];
  Z /= n;
  return Array.from({ length: n }, (_, i) => (Z > 0 ? num[i + 1] / Z : 0));
}

function checkTruths(truths: readonly ArrayLike<number>[], n: number): void {
  requireInput(truths.length > 0, 'truths', 'expected at least one vector of converged interactions');
  truths.forEach((w, i) =>
    requireInput(w.length === 2 ** n, `truths[${i}]`, `expected 2^${n} = ${2 ** n} values, got ${w.length}`),
  );
}

/** Per-order `Σ_{|S|=k} |ŵ(S)|`, summed over vectors, `k = 0 … n`. */
function orderSums(vectors: readonly Float64Array[], n: number): Float64Array {
  const num = new Float64Array(n + 1);
  for (const w of vectors) for (let S = 0; S < w.length; S++) num[bitCount(S)] += Math.abs(w[S]);
  return num;
}

/**
 * The predicted per-order distribution of interaction strength at noise level `σ²` (two-phase
 * paper, Theorem 3 and its Figure 4): `ŵ = M̂(σ²) w*` for every vector `w*` of converged salient
 * interactions (AND and OR vectors of every sample alike, see `salientVectors`), then
 * `D(k) = Σ_{w*} Σ_{|S|=k} |ŵ(S)|` normalised to mean 1 over `k = 1 … n`. Returns `D(1) … D(n)`.
 * `O(n·2^n)` per vector.
 */
export function twoPhaseOrderDistribution(
  n: number,
  sigma2: number,
  truths: readonly ArrayLike<number>[],
): number[] {
  checkTruths(truths, n);
  const spectrum = twoPhaseSpectrum(n, sigma2);
  const predicted = truths.map((w) => twoPhaseSynthesise(twoPhaseAnalyse(w, n), spectrum));
  return normaliseOrderDistribution(orderSums(predicted, n), n);
}

/** Options of {@link fitTwoPhaseSigma2}. */
export interface FitTwoPhaseOptions {
  /** Smallest σ² of the search (default: where `2^n σ² λ₁^n = 1e-3`, i.e. `M̂ ≈ I` below it). */
  sigma2Min?: number;
  /** Largest σ² of the search (default: where `2^n σ² λ₀^n = 1e3`, every order suppressed). */
  sigma2Max?: number;
  /** Grid points per decade of σ² (default 4). */
  perDecade?: number;
  /** Width, in decades of σ², at which the golden-section search stops (default 1e-6). */
  tolerance?: number;
}

/** A fitted noise level of the two-phase theory. */
export interface TwoPhaseFit {
  readonly sigma2: number;
  /** `Σ_k (D_pred(k) − D_meas(k))²` at the fitted σ², both normalised to mean 1 over `k = 1 … n`. */
  readonly loss: number;
  /** `1 … n`. */
  readonly orders: number[];
  /** The predicted distribution at the fitted σ². */
  readonly predicted: number[];
  /** The measured distribution, normalised. */
  readonly measured: number[];
  /** Whether the optimum sits at an end of the search range (then widen it). */
  readonly atBoundary: boolean;
}

/**
 * Fits the noise level σ² of the two-phase theory to a measured per-order distribution of
 * interaction strength (e.g. `salientOrderDistribution` of a checkpoint). Criterion: least squares
 * between the measured and predicted distributions over orders `1 … n`, each normalised to mean 1
 * (MATH.md's normalisation, so only the shape counts). Search: a log grid of σ² (`perDecade` per
 * decade), then golden-section on `log σ²` between the grid neighbours of the best grid point.
 * `measured[k − 1]` is the strength of order `k`; `truths` are the converged salient interactions.
 */
export function fitTwoPhaseSigma2(
  measured: ArrayLike<number>,
  truths: readonly ArrayLike<number>[],
  options: FitTwoPhaseOptions = {},
): TwoPhaseFit {
  requireInput(truths.length > 0, 'truths', 'expected at least one vector of converged interactions');
  const n = Math.round(Math.log2(truths[0].length));
  checkTruths(truths, n);
  requireInput(
    measured.length === n,
    'measured',
    `expected one value per order 1…${n}, got ${measured.length}`,
  );
  for (let k = 0; k < n; k++)
    requireInput(
      Number.isFinite(measured[k]) && measured[k] >= 0,
      `measured[${k}]`,
      `expected a finite value ≥ 0, got ${measured[k]}`,
    );
  const meas = normaliseOrderDistribution([0, ...Array.from(measured)], n);
  requireInput(
    meas.some((x) => x > 0),
    'measured',
    'expected some positive strength',
  );
  const [l0, l1] = twoPhasePencilEigenvalues();
  const lo = Math.log10(options.sigma2Min ?? 1e-3 / (2 ** n * l1 ** n));
  const hi = Math.log10(options.sigma2Max ?? 1e3 / (2 ** n * l0 ** n));
  requireInput(
    Number.isFinite(lo) && Number.isFinite(hi) && hi > lo,
    'sigma2Max',
    'expected 0 < sigma2Min < sigma2Max',
  );
  const perDecade = options.perDecade ?? 4;
  requireInput(perDecade > 0, 'perDecade', `expected a positive number, got ${perDecade}`);
  const tolerance = options.tolerance ?? 1e-6;

  // W^{-1} w* does not depend on σ²: analyse once, synthesise per σ².
  const analysed = truths.map((w) => twoPhaseAnalyse(w, n));
  const predict = (log10Sigma2: number) => {
    const spectrum = twoPhaseSpectrum(n, 10 ** log10Sigma2);
    return normaliseOrderDistribution(
      orderSums(
        analysed.map((u) => twoPhaseSynthesise(u, spectrum)),
        n,
      ),
      n,
    );
  };
  const lossAt = (x: number) => predict(x).reduce((s, d, k) => s + (d - meas[k]) ** 2, 0);

  const points = Math.max(2, Math.ceil((hi - lo) * perDecade) + 1);
  const grid = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const losses = grid.map(lossAt);
  let best = 0;
  for (let i = 1; i < points; i++) if (losses[i] < losses[best]) best = i;
  // Golden-section search on the bracket around the best grid point.
  let a = grid[Math.max(0, best - 1)];
  let b = grid[Math.min(points - 1, best + 1)];
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = lossAt(c);
  let fd = lossAt(d);
  while (b - a > tolerance) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = lossAt(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = lossAt(d);
    }
  }
  let x = (a + b) / 2;
  let loss = lossAt(x);
  if (losses[best] < loss) {
    x = grid[best];
    loss = losses[best];
  }
  return {
    sigma2: 10 ** x,
    loss,
    orders: Array.from({ length: n }, (_, i) => i + 1),
    predicted: predict(x),
    measured: meas,
    atBoundary: best === 0 || best === points - 1,
  };
}
