import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';
import { mobiusInPlace, mobiusTransposeInPlace, tableOrder, zetaInPlace } from '../exact/mobius.js';

/** Options of {@link extractAndOr}. */
export interface AndOrOptions {
  /** Bound on the noise term: `|q_T| ≤ qthres · |v(N) − v(∅)|` (default 0.02). */
  qthres?: number;
  /** SGD iterations (default 10 000). */
  niter?: number;
  /** Initial learning rate; decays log-uniformly to `lr/10` (default `1e-2 · max_S |v(S)| / 2^n`). */
  lr?: number;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Called every `reportEvery` iterations with the current L1 loss. */
  onProgress?: (iteration: number, loss: number) => void;
  reportEvery?: number;
}

/** A learned AND-OR decomposition of one game table. */
export interface AndOrDecomposition {
  readonly n: number;
  /** AND interactions of `v_and`, indexed by coalition mask. */
  readonly and: Float64Array;
  /** OR interactions of `v_or`, indexed by coalition mask. */
  readonly or: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  /** `Σ|I_and| + Σ|I_or|` before and after learning. */
  readonly initialLoss: number;
  readonly finalLoss: number;
  /** `max_T |h(T) − (v(T) + q_T)|` (universal matching; rounding level). */
  readonly matchingResidual: number;
}

/** AND and OR interactions of the split `v_and = ½(v+q) + p`, `v_or = ½(v+q) − p`. */
export function andOrInteractions(
  values: Float64Array,
  p: Float64Array,
  q: Float64Array,
): { and: Float64Array; or: Float64Array } {
  const size = values.length;
  const and = new Float64Array(size);
  const orIn = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const half = 0.5 * (values[k] + q[k]);
    and[k] = half + p[k];
    // OR interactions need the complemented game u(L) = v_or(N∖L): store it reversed.
    orIn[size - 1 - k] = half - p[k];
  }
  mobiusInPlace(and);
  const orEmpty = orIn[size - 1];
  mobiusInPlace(orIn);
  for (let k = 1; k < size; k++) orIn[k] = -orIn[k];
  orIn[0] = orEmpty;
  return { and, or: orIn };
}

/**
 * Learns the sparse AND-OR decomposition of a game table (two-phase-dynamics paper; MATH.md):
 * minimises `Σ_S |I_and(S)| + |I_or(S)|` over `p` (free) and `q ∈ [−Q, Q]` by SGD with momentum,
 * the learning rate decaying log-uniformly from `lr` to `lr/10`. Gradients flow through the
 * transposed transforms, so each step is `O(n·2^n)`.
 */
export function extractAndOr(values: Float64Array, options: AndOrOptions = {}): AndOrDecomposition {
  const n = tableOrder(values.length);
  requireInput(n <= 22, 'n', `AND-OR extraction keeps several 2^n tables; n = ${n} is too large (max 22)`);
  const size = values.length;
  const qthres = options.qthres ?? 0.02;
  requireInput(
    qthres >= 0 && Number.isFinite(qthres),
    'qthres',
    `expected a non-negative number, got ${qthres}`,
  );
  const niter = options.niter ?? 10000;
  requireInput(
    Number.isInteger(niter) && niter >= 0,
    'niter',
    `expected a non-negative integer, got ${niter}`,
  );
  const Q = qthres * Math.abs(values[size - 1] - values[0]);
  let scale = 0;
  for (let k = 0; k < size; k++) scale = Math.max(scale, Math.abs(values[k]));
  // The transposed transforms sum up to 2^n signs per coordinate, so the step must shrink like
  // 2^−n; 1e-2 of the game's scale per 2^n coordinates worked across unanimity and dense random
  // tables (n = 5…10). Pass `lr` to tune it.
  const lr0 = options.lr ?? (1e-2 * Math.max(scale, 1e-12)) / size;
  const momentum = options.momentum ?? 0.9;
  const p = new Float64Array(size);
  const q = new Float64Array(size);
  const vp = new Float64Array(size);
  const vq = new Float64Array(size);
  const gAnd = new Float64Array(size);
  const gOr = new Float64Array(size);
  const l1 = (a: Float64Array) => a.reduce((s, x) => s + Math.abs(x), 0);

  let current = andOrInteractions(values, p, q);
  const initialLoss = l1(current.and) + l1(current.or);
  // Start from the sparsest of three splits: half-half (p = 0), all AND (p = v/2), all OR
  // (p = −v/2). A game that is a pure AND or OR is then already at its optimum.
  for (const sign of [1, -1]) {
    const cand = values.map((x) => (sign * x) / 2);
    const c = andOrInteractions(values, cand, q);
    if (l1(c.and) + l1(c.or) < l1(current.and) + l1(current.or)) {
      p.set(cand);
      current = c;
    }
  }
  // Sign gradients make SGD oscillate around the optimum: keep the best iterate seen.
  let best = {
    loss: l1(current.and) + l1(current.or),
    p: Float64Array.from(p),
    q: Float64Array.from(q),
    ...current,
  };
  for (let it = 0; it < niter; it++) {
    const lr = lr0 * Math.pow(0.1, niter > 1 ? it / (niter - 1) : 0);
    // d/dv_and = Mᵀ sign(I_and)
    for (let k = 0; k < size; k++) gAnd[k] = Math.sign(current.and[k]);
    mobiusTransposeInPlace(gAnd);
    // I_or(S) = −(M u)(S) for S ≠ ∅ and I_or(∅) = u(N), with u the reversed v_or.
    gOr[0] = 0;
    for (let k = 1; k < size; k++) gOr[k] = -Math.sign(current.or[k]);
    mobiusTransposeInPlace(gOr);
    gOr[size - 1] += Math.sign(current.or[0]);
    // Back from u to v_or: reverse. Then v_and = h + p, v_or = h − p, h = ½(v + q).
    for (let k = 0; k < size; k++) {
      const da = gAnd[k];
      const dor = gOr[size - 1 - k];
      vp[k] = momentum * vp[k] + (da - dor);
      vq[k] = momentum * vq[k] + 0.5 * (da + dor);
    }
    for (let k = 0; k < size; k++) {
      p[k] -= lr * vp[k];
      const nq = q[k] - lr * vq[k];
      q[k] = nq > Q ? Q : nq < -Q ? -Q : nq;
    }
    current = andOrInteractions(values, p, q);
    const loss = l1(current.and) + l1(current.or);
    if (loss < best.loss) best = { loss, p: Float64Array.from(p), q: Float64Array.from(q), ...current };
    if (options.onProgress && (it + 1) % (options.reportEvery ?? 1000) === 0)
      options.onProgress(it + 1, loss);
  }
  return {
    n,
    and: best.and,
    or: best.or,
    p: best.p,
    q: best.q,
    initialLoss,
    finalLoss: best.loss,
    matchingResidual: universalMatchingResidual(values, best.q, best.and, best.or),
  };
}

/**
 * `max_T |h(T) − (v(T) + q_T)|` with `h(T) = I_or(∅) + Σ_{S⊆T} I_and(S) + Σ_{S≠∅, S∩T≠∅} I_or(S)`,
 * computed with transforms in `O(n·2^n)` (the OR sum over sets meeting `T` is the total minus
 * the sum over subsets of the complement).
 */
export function universalMatchingResidual(
  values: Float64Array,
  q: Float64Array,
  and: Float64Array,
  or: Float64Array,
): number {
  const size = values.length;
  const andPart = zetaInPlace(Float64Array.from(and));
  const orSub = Float64Array.from(or);
  orSub[0] = 0;
  let orTotal = 0;
  for (let k = 1; k < size; k++) orTotal += or[k];
  zetaInPlace(orSub);
  let worst = 0;
  for (let T = 0; T < size; T++) {
    const h = or[0] + andPart[T] + (orTotal - orSub[size - 1 - T]);
    worst = Math.max(worst, Math.abs(h - (values[T] + q[T])));
  }
  return worst;
}

/**
 * Per-order strength of salient AND-OR interactions (MATH.md):
 * `I^(k) = E_x Σ_op Σ_{|I_op(S)| > τ, |S| = k} |I_op(S)| / Z`, `Z` the mean of the numerator over
 * `k = 1..n`. `τ` defaults to `0.03 · E_x |v(x_N) − v(x_∅)|`.
 */
export function salientOrderStrength(
  decompositions: readonly AndOrDecomposition[],
  values: readonly Float64Array[],
  tau?: number,
): { orders: number[]; strength: number[]; tau: number; salientCount: number } {
  requireInput(
    decompositions.length > 0 && decompositions.length === values.length,
    'decompositions',
    'expected one decomposition per sample table',
  );
  const n = decompositions[0].n;
  const t = tau ?? (0.03 * values.reduce((s, v) => s + Math.abs(v[v.length - 1] - v[0]), 0)) / values.length;
  const num = new Float64Array(n + 1);
  let salientCount = 0;
  for (const d of decompositions) {
    for (let S = 1; S < d.and.length; S++) {
      const k = bitCount(S);
      for (const x of [d.and[S], d.or[S]]) {
        if (Math.abs(x) > t) {
          num[k] += Math.abs(x) / decompositions.length;
          salientCount++;
        }
      }
    }
  }
  const orders = Array.from({ length: n }, (_, i) => i + 1);
  const Z = orders.reduce((s, k) => s + num[k], 0) / n;
  return { orders, strength: orders.map((k) => (Z > 0 ? num[k] / Z : 0)), tau: t, salientCount };
}
