import { requireInput } from '../errors/errors.js';

/**
 * How `E_pairs |I^(m)(i,j)|` is estimated from the sampled `Δv` of each (pair, order).
 *
 * - `plain` — the paper's `mean_p |Î_p|`. `|·|` is convex, so noise in `Î` pushes it up (Jensen):
 *   by about `σ·√(2/(πK))` for a pair whose true interaction is 0 — the middle orders.
 * - `cross-fit` — the leave-one-out sign estimator `T_p = (1/K) Σ_k sign(Σ_{l≠k} x_l) · x_k`:
 *   each sample's sign comes from the other `K−1`, which are independent of it, so
 *   `E T_p = |I|·(1 − 2·P(sign of a (K−1)-mean is wrong))`. It is exactly unbiased for `I = 0`
 *   and for `|I| ≫ σ/√K`, never above `|I|`, and below it by at most `≈ 0.34·σ/√(K−1)` (normal
 *   noise) — about a third of the plain estimator's worst case, and of the opposite sign.
 * - `deconvolution` — empirical Bayes: per order, the distribution of the true `I_p` over pairs
 *   is fitted by non-parametric maximum likelihood on a grid (`Î_p ~ N(I_p, s_p²/K)`, EM), and
 *   `E|I|` under the fit is returned (equal, at the EM fixed point, to the mean over pairs of the
 *   posterior means of `|I_p|`).
 * - `bracket` — the midpoint of `plain` (biased up, by Jensen) and `cross-fit` (biased down): the
 *   truth lies between their expectations, so half their gap (`biasBound`) bounds the bias.
 */
export type StrengthEstimatorName = 'plain' | 'cross-fit' | 'deconvolution' | 'bracket';

/** Estimators accepted by {@link estimateStrength}. */
export const STRENGTH_ESTIMATORS: readonly StrengthEstimatorName[] = [
  'plain',
  'cross-fit',
  'deconvolution',
  'bracket',
];

/** An estimate of `E_pairs |I^(m)|` per order, with its error bar and estimated bias. */
export interface StrengthEstimate {
  readonly estimator: StrengthEstimatorName;
  /** `E_pairs |I^(m)|` per order (not normalised). */
  readonly meanAbs: number[];
  /**
   * Standard error per order from the contexts (the pairs held fixed):
   * `√(Σ_p s_p²/K_p) / P`. 0 at enumerated orders. It is the spread a rerun with new contexts
   * would show, and the scale of every estimator's bias.
   */
  readonly standardError: number[];
  /**
   * Standard error per order over pairs: the standard deviation of the per-pair estimates
   * divided by `√P` (what a new draw of pairs would add).
   */
  readonly pairStandardError: number[];
  /**
   * Estimated bias per order (estimate − truth), plug-in under normal noise: for `plain`
   * `mean_p [E|N(Î_p, τ_p²)| − |Î_p|]` (a lower estimate where `I ≈ 0`), for `cross-fit`
   * `−mean_p 2|Î_p|·Φ(−|Î_p|/τ'_p)` with `τ'_p = s_p/√(K−1)`, for `deconvolution` the bias of
   * the same fit on data simulated from the fitted prior (one parametric-bootstrap round).
   */
  readonly bias: number[];
  /** `bracket` only: half the gap between `plain` and `cross-fit` per order, a bound on `|bias|`. */
  readonly biasBound?: number[];
}

/** Input of {@link estimateStrength}. */
export interface StrengthSamples {
  /**
   * `deltas[p][k]`: the sampled `Δv(i,j,S)` of pair `p` at order `k`, in context order (i.i.d.
   * contexts per (pair, order): reference mode, or shared mode — each pair's contexts are
   * independent across permutations).
   */
  readonly deltas?: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>;
  /**
   * Instead of `deltas`: the mean, sample variance and count of `Δv` per (pair, order) — enough
   * for `plain` and `deconvolution` (not for `cross-fit`, which needs every sample).
   */
  readonly moments?: ReadonlyArray<ReadonlyArray<SampleMoments>>;
  /** Orders whose contexts were enumerated: their mean is exact (no noise, no bias). */
  readonly exact?: readonly boolean[];
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erfc; absolute error < 1.5e−7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** `E|N(μ, τ²)| − |μ|`: the bias of `|Î|` when `Î ~ N(μ, τ²)`. */
export function foldedNormalBias(mu: number, tau: number): number {
  if (!(tau > 0)) return 0;
  const a = Math.abs(mu);
  return tau * SQRT_2_OVER_PI * Math.exp(-(a * a) / (2 * tau * tau)) - 2 * a * normalCdf(-a / tau);
}

/** Mean, sample variance (0 below 2 samples) and count of the `Δv` of one (pair, order). */
export interface SampleMoments {
  readonly mean: number;
  readonly variance: number;
  readonly count: number;
}

type Cell = SampleMoments;

function cellOf(x: ArrayLike<number>): Cell {
  const K = x.length;
  let mean = 0;
  let m2 = 0;
  for (let k = 0; k < K; k++) {
    const d = x[k] - mean;
    mean += d / (k + 1);
    m2 += d * (x[k] - mean);
  }
  return { mean, variance: K > 1 ? m2 / (K - 1) : 0, count: K };
}

/** The leave-one-out sign estimate `(1/K) Σ_k sign(S − x_k) x_k` of `|E x|`. */
export function crossFitAbs(x: ArrayLike<number>): number {
  const K = x.length;
  if (K === 0) return 0;
  if (K === 1) return Math.abs(x[0]);
  let S = 0;
  for (let k = 0; k < K; k++) S += x[k];
  let T = 0;
  for (let k = 0; k < K; k++) T += Math.sign(S - x[k]) * x[k];
  return T / K;
}

/**
 * Non-parametric maximum-likelihood fit of the law of the true means `μ_p` from `Î_p ~ N(μ_p, τ_p²)`
 * on a symmetric grid (EM on the grid weights). Returns `E|μ|` under the fit and each pair's
 * posterior mean of `|μ_p|`. Pairs with `τ_p = 0` are floored at half a grid step, which keeps the
 * likelihood finite and moves their `|μ|` by less than a step.
 */
export function deconvolveMeanAbs(
  means: ArrayLike<number>,
  taus: ArrayLike<number>,
  gridSize = 121,
  iterations = 300,
): { meanAbs: number; posterior: Float64Array } {
  const P = means.length;
  const posterior = new Float64Array(P);
  let A = 0;
  for (let p = 0; p < P; p++) A = Math.max(A, Math.abs(means[p]));
  if (P === 0 || A === 0) return { meanAbs: 0, posterior };
  const G = gridSize | 1;
  const half = (G - 1) / 2;
  const grid = Float64Array.from({ length: G }, (_, g) => (A * (g - half)) / half);
  const step = A / half;
  // Likelihood matrix P × G, rows scaled by their maximum (a common factor per pair cancels in EM).
  const L = new Float64Array(P * G);
  for (let p = 0; p < P; p++) {
    const tau = Math.max(taus[p], step / 2);
    let max = -Infinity;
    for (let g = 0; g < G; g++) {
      const z = (means[p] - grid[g]) / tau;
      const ll = -0.5 * z * z;
      L[p * G + g] = ll;
      if (ll > max) max = ll;
    }
    for (let g = 0; g < G; g++) L[p * G + g] = Math.exp(L[p * G + g] - max);
  }
  let w = new Float64Array(G).fill(1 / G);
  const next = new Float64Array(G);
  for (let it = 0; it < iterations; it++) {
    next.fill(0);
    for (let p = 0; p < P; p++) {
      let z = 0;
      for (let g = 0; g < G; g++) z += w[g] * L[p * G + g];
      if (!(z > 0)) continue;
      for (let g = 0; g < G; g++) next[g] += (w[g] * L[p * G + g]) / z;
    }
    for (let g = 0; g < G; g++) next[g] /= P;
    w = Float64Array.from(next);
  }
  let meanAbs = 0;
  for (let g = 0; g < G; g++) meanAbs += w[g] * Math.abs(grid[g]);
  for (let p = 0; p < P; p++) {
    let z = 0;
    let s = 0;
    for (let g = 0; g < G; g++) {
      const q = w[g] * L[p * G + g];
      z += q;
      s += q * Math.abs(grid[g]);
    }
    posterior[p] = z > 0 ? s / z : Math.abs(means[p]);
  }
  return { meanAbs, posterior };
}

/** A deterministic stream of standard normals (Box–Muller over a 32-bit LCG): bootstrap noise. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k];
  return xs.length ? s / xs.length : 0;
}

function sdOverRoot(xs: ArrayLike<number>): number {
  const P = xs.length;
  if (P < 2) return 0;
  const mu = mean(xs);
  let s = 0;
  for (let k = 0; k < P; k++) s += (xs[k] - mu) ** 2;
  return Math.sqrt(s / (P - 1) / P);
}

/**
 * `E_pairs |I^(m)(i,j)|` per order from the sampled `Δv` of every (pair, order), by the chosen
 * {@link StrengthEstimatorName}, with its standard error and estimated bias.
 */
export function estimateStrength(
  samples: StrengthSamples,
  estimator: StrengthEstimatorName,
): StrengthEstimate {
  requireInput(
    STRENGTH_ESTIMATORS.includes(estimator),
    'estimator',
    `expected one of ${STRENGTH_ESTIMATORS.join(', ')}, got ${String(estimator)}`,
  );
  const { deltas, moments } = samples;
  const rows = deltas ?? moments;
  const field = deltas ? 'deltas' : 'moments';
  requireInput(Array.isArray(rows) && rows.length > 0, field, 'expected one row of orders per pair');
  requireInput(
    deltas !== undefined || (estimator !== 'cross-fit' && estimator !== 'bracket'),
    'deltas',
    `${estimator} needs every Δv`,
  );
  if (estimator === 'bracket') {
    const hi = estimateStrength(samples, 'plain');
    const lo = estimateStrength(samples, 'cross-fit');
    return {
      estimator,
      meanAbs: hi.meanAbs.map((h, k) => (h + lo.meanAbs[k]) / 2),
      standardError: hi.standardError,
      pairStandardError: hi.pairStandardError.map((h, k) => (h + lo.pairStandardError[k]) / 2),
      bias: hi.bias.map((h, k) => (h + lo.bias[k]) / 2),
      biasBound: hi.meanAbs.map((h, k) => Math.abs(h - lo.meanAbs[k]) / 2),
    };
  }
  const P = rows.length;
  const M = rows[0].length;
  rows.forEach((row, p) =>
    requireInput(row.length === M, `${field}[${p}]`, `expected ${M} orders like the first pair`),
  );
  const exact = samples.exact ?? new Array<boolean>(M).fill(false);
  const out = {
    meanAbs: [] as number[],
    standardError: [] as number[],
    pairStandardError: [] as number[],
    bias: [] as number[],
  };
  for (let k = 0; k < M; k++) {
    const cells: Cell[] = deltas ? deltas.map((row) => cellOf(row[k])) : moments!.map((row) => row[k]);
    const taus = Float64Array.from(cells, (c) => (c.count > 0 ? Math.sqrt(c.variance / c.count) : 0));
    if (exact[k]) {
      const per = Float64Array.from(cells, (c) => Math.abs(c.mean));
      out.meanAbs.push(mean(per));
      out.standardError.push(0);
      out.pairStandardError.push(sdOverRoot(per));
      out.bias.push(0);
      continue;
    }
    let se2 = 0;
    for (const t of taus) se2 += t * t;
    out.standardError.push(Math.sqrt(se2) / P);
    let per: Float64Array;
    let bias = 0;
    if (estimator === 'plain') {
      per = Float64Array.from(cells, (c) => Math.abs(c.mean));
      for (let p = 0; p < P; p++) bias += foldedNormalBias(cells[p].mean, taus[p]);
      out.meanAbs.push(mean(per));
    } else if (estimator === 'cross-fit') {
      per = Float64Array.from(deltas!, (row) => crossFitAbs(row[k]));
      for (let p = 0; p < P; p++) {
        const c = cells[p];
        const t1 = c.count > 1 ? Math.sqrt(c.variance / (c.count - 1)) : 0;
        const a = Math.abs(c.mean);
        bias -= t1 > 0 ? 2 * a * normalCdf(-a / t1) : 0;
      }
      out.meanAbs.push(mean(per));
    } else {
      const mus = Float64Array.from(cells, (c) => c.mean);
      const fit = deconvolveMeanAbs(mus, taus);
      per = fit.posterior;
      out.meanAbs.push(fit.meanAbs);
      // One parametric-bootstrap round: true means from the posterior-mean signs and sizes.
      const z = normals(0x9e3779b9 ^ k);
      const sim = Float64Array.from(mus, (mu, p) => Math.sign(mu) * fit.posterior[p] + taus[p] * z());
      const truth = mean(fit.posterior);
      bias = P * (deconvolveMeanAbs(sim, taus).meanAbs - truth);
    }
    out.bias.push(bias / P);
    out.pairStandardError.push(sdOverRoot(per));
  }
  return { estimator, ...out };
}
