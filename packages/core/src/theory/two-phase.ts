import { requireInput } from '../errors/errors.js';
import { binomial, bitCount } from '../math/combinatorics.js';

/** Largest `n` for the reduced row-norm computation (beyond it the `2^n` scalings lose precision). */
export const TWO_PHASE_MAX_PLAYERS = 40;
/** Largest `n` for the dense `2^n × 2^n` operator. */
export const TWO_PHASE_DENSE_MAX_PLAYERS = 10;

function checkArgs(n: number, sigma2: number, maxN: number): void {
  requireInput(
    Number.isInteger(n) && n >= 1 && n <= maxN,
    'n',
    `expected an integer in [1, ${maxN}], got ${n}`,
  );
  requireInput(Number.isFinite(sigma2) && sigma2 >= 0, 'sigma2', `expected a finite σ² ≥ 0, got ${sigma2}`);
}

/** Solves `A x = rhs` in place (Gaussian elimination with partial pivoting); `A` is `d × d` row-major. */
function solveDense(A: Float64Array, rhs: Float64Array, d: number): Float64Array {
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r * d + c]) > Math.abs(A[piv * d + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < d; k++) {
        const t = A[c * d + k];
        A[c * d + k] = A[piv * d + k];
        A[piv * d + k] = t;
      }
      const t = rhs[c];
      rhs[c] = rhs[piv];
      rhs[piv] = t;
    }
    const p = A[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = A[r * d + c] / p;
      if (f === 0) continue;
      for (let k = c; k < d; k++) A[r * d + k] -= f * A[c * d + k];
      rhs[r] -= f * rhs[c];
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = rhs[r];
    for (let k = r + 1; k < d; k++) s -= A[r * d + k] * rhs[k];
    rhs[r] = s / A[r * d + r];
  }
  return rhs;
}

/**
 * `Σ_x C(a, x)·C(rest, a2 − x)·2^{−(a2 − x)}`: over the sets that take `a2` elements from a block
 * where `a` are inside `T` and `rest` are not, the sum of `2^{−|new elements|}`.
 */
function blockSum(a: number, rest: number, a2: number): number {
  let s = 0;
  for (let x = Math.max(0, a2 - rest); x <= Math.min(a, a2); x++)
    s += binomial(a, x) * binomial(rest, a2 - x) * 2 ** -(a2 - x);
  return s;
}

/**
 * Row `S` (`|S| = k`) of `M̂(σ²)` by order class: `out[a·(n−k+1) + b]` is the entry `M̂[S, T]` shared
 * by every `T` with `|T ∩ S| = a` and `|T ∖ S| = b`.
 *
 * Why it is cheap: `(JᵀJ)[T,T'] = 2^{n−|T∪T'|}` and the diagonal depend only on sizes, so the
 * system is invariant under permutations of the players. For a fixed `S` of size `k`, the solution
 * `y = (JᵀJ + D)^{-1} e_S` (the matrix is symmetric, so row `S` of `M̂` is `(JᵀJ y)ᵀ`) depends on `T`
 * only through `(|T∩S|, |T∖S|)`. The sums over each class factor into binomial sums, leaving a
 * `(k+1)(n−k+1)` linear system instead of a `2^n` one. Everything is divided by `2^n` (which leaves
 * `M̂` unchanged) to keep numbers in range.
 */
function rowByClass(n: number, k: number, sigma2: number): Float64Array {
  const nb = n - k + 1;
  const d = (k + 1) * nb;
  const cls = (a: number, b: number) => a * nb + b;
  const out = new Float64Array(d);
  // σ² = 0 gives M̂ = I exactly; the solve would only add rounding (JᵀJ alone is badly conditioned).
  if (sigma2 === 0) {
    out[cls(k, 0)] = 1;
    return out;
  }
  // G[(a,b),(a2,b2)] = Σ_{T' in class (a2,b2)} 2^{−|T ∪ T'|} for a T of class (a,b).
  const G = new Float64Array(d * d);
  for (let a = 0; a <= k; a++) {
    for (let b = 0; b <= n - k; b++) {
      const row = cls(a, b);
      for (let a2 = 0; a2 <= k; a2++) {
        const sa = blockSum(a, k - a, a2);
        for (let b2 = 0; b2 <= n - k; b2++) {
          G[row * d + cls(a2, b2)] = 2 ** -(a + b) * sa * blockSum(b, n - k - b, b2);
        }
      }
    }
  }
  // Symmetrise with the class sizes: H = C^{1/2} G C^{-1/2} is symmetric (because JᵀJ is), and
  // positive definite with the diagonal added, so the solve is as well conditioned as the full one.
  const sq = new Float64Array(d);
  for (let a = 0; a <= k; a++)
    for (let b = 0; b <= n - k; b++) sq[cls(a, b)] = Math.sqrt(binomial(k, a) * binomial(n - k, b));
  const H = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) H[r * d + c] = (sq[r] / sq[c]) * G[r * d + c];
  const sys = H.slice();
  for (let a = 0; a <= k; a++)
    for (let b = 0; b <= n - k; b++) sys[cls(a, b) * d + cls(a, b)] += 2 ** (a + b) * sigma2;
  const rhs = new Float64Array(d);
  rhs[cls(k, 0)] = 1; // the class of S itself holds one set
  const z = solveDense(sys, rhs, d);
  // (H z)_c = sqrt(C(c)) · r_c, with r_c the common entry of the C(c) sets of class c.
  for (let r = 0; r < d; r++) {
    let v = 0;
    for (let c = 0; c < d; c++) v += H[r * d + c] * z[c];
    out[r] = v / sq[r];
  }
  return out;
}

/**
 * Row norms of the two-phase operator `M̂(σ²) = (JᵀJ + 2^n·diag(c))^{-1} JᵀJ` (Theorem 3,
 * MATH.md), `J[T,S] = 1(S ⊆ T)`, `c_S = 2^{|S|}σ²`; `out[k]` is the Euclidean norm of the row of any
 * `S` with `|S| = k`, `k = 0 … n` (from the order classes of `rowByClass`:
 * `‖row‖² = Σ_c C(c)·r_c²`).
 */
export function twoPhaseRowNorms(n: number, sigma2: number): number[] {
  checkArgs(n, sigma2, TWO_PHASE_MAX_PLAYERS);
  const out: number[] = [];
  for (let k = 0; k <= n; k++) {
    const r = rowByClass(n, k, sigma2);
    const nb = n - k + 1;
    let norm2 = 0;
    for (let a = 0; a <= k; a++)
      for (let b = 0; b <= n - k; b++) norm2 += binomial(k, a) * binomial(n - k, b) * r[a * nb + b] ** 2;
    out.push(Math.sqrt(norm2));
  }
  return out;
}

/**
 * Every entry of `M̂(σ²)` by order class: `M̂[S, T]` depends only on `(|S|, |T|, |S ∩ T|)` (the
 * operator commutes with permutations of the players). `(n+1)³` numbers from `n + 1` small solves.
 */
export interface TwoPhaseClassTable {
  readonly n: number;
  readonly sigma2: number;
  /** `M̂[S,T]` for `|S| = k`, `|T| = l`, `|S ∩ T| = j` at `(k·(n+1) + l)·(n+1) + j` (0 where impossible). */
  readonly entries: Float64Array;
  /** `M̂[S, T]` of two coalition masks (`n ≤ 32`). */
  entry(S: number, T: number): number;
}

/** The order-class table of `M̂(σ²)` (see {@link TwoPhaseClassTable}). */
export function twoPhaseClassTable(n: number, sigma2: number): TwoPhaseClassTable {
  checkArgs(n, sigma2, TWO_PHASE_MAX_PLAYERS);
  const m = n + 1;
  const entries = new Float64Array(m * m * m);
  for (let k = 0; k <= n; k++) {
    const r = rowByClass(n, k, sigma2);
    const nb = n - k + 1;
    for (let a = 0; a <= k; a++)
      for (let b = 0; b <= n - k; b++) entries[(k * m + (a + b)) * m + a] = r[a * nb + b];
  }
  return {
    n,
    sigma2,
    entries,
    entry: (S: number, T: number) => entries[(bitCount(S) * m + bitCount(T)) * m + bitCount((S & T) >>> 0)],
  };
}

/**
 * The dense operator `M̂(σ²)` of {@link twoPhaseRowNorms} as a row-major `2^n × 2^n` matrix indexed
 * by coalition masks (for `n ≤ 10`; cost `O(8^n)`). `ŵ = M̂ w*` predicts the interactions of a
 * model in the first phase of training from the converged ones `w*`.
 */
export function twoPhaseMatrix(n: number, sigma2: number): Float64Array {
  checkArgs(n, sigma2, TWO_PHASE_DENSE_MAX_PLAYERS);
  const N = 2 ** n;
  const pc = bitCount;
  // Scaled by 2^{-n}: Ã[T,T'] = 2^{−|T∪T'|}, D̃[T] = 2^{|T|}σ².
  const A = new Float64Array(N * N);
  for (let t = 0; t < N; t++) for (let u = 0; u < N; u++) A[t * N + u] = 2 ** -pc(t | u);
  // Cholesky of Ã + D̃ (symmetric positive definite: Ã = JᵀJ/2^n is, and D̃ ≥ 0).
  const L = A.slice();
  for (let t = 0; t < N; t++) L[t * N + t] += 2 ** pc(t) * sigma2;
  for (let j = 0; j < N; j++) {
    let s = L[j * N + j];
    for (let k = 0; k < j; k++) s -= L[j * N + k] ** 2;
    const djj = Math.sqrt(s);
    L[j * N + j] = djj;
    for (let i = j + 1; i < N; i++) {
      let v = L[i * N + j];
      for (let k = 0; k < j; k++) v -= L[i * N + k] * L[j * N + k];
      L[i * N + j] = v / djj;
    }
  }
  // Solve (L Lᵀ) X = Ã column by column; X = M̂.
  const M = new Float64Array(N * N);
  const col = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    for (let i = 0; i < N; i++) {
      let v = A[i * N + c];
      for (let k = 0; k < i; k++) v -= L[i * N + k] * col[k];
      col[i] = v / L[i * N + i];
    }
    for (let i = N - 1; i >= 0; i--) {
      let v = col[i];
      for (let k = i + 1; k < N; k++) v -= L[k * N + i] * col[k];
      col[i] = v / L[i * N + i];
    }
    for (let i = 0; i < N; i++) M[i * N + c] = col[i];
  }
  return M;
}
