import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';

/**
 * Fast application of the two-phase operator `M̂(σ²) = (JᵀJ + 2^n·diag(c))^{-1} JᵀJ` (Theorem 3 of
 * the two-phase-dynamics paper, MATH.md), `J[T,S] = 1(S ⊆ T)`, `c_S = 2^{|S|}σ²`, in `O(n·2^n)`
 * with no `2^n × 2^n` matrix.
 *
 * Why it factors: `J = B^{⊗n}` with `B = [[1,0],[1,1]]` (one factor per player, index 0 = absent),
 * so `JᵀJ = C^{⊗n}`, `C = BᵀB = [[2,1],[1,1]]` (hence `(JᵀJ)[S,S'] = 2^{n−|S∪S'|}`), and
 * `diag(2^{|S|}) = E^{⊗n}`, `E = diag(1, 2)`. Take `V` with `VᵀCV = I`, `VᵀEV = Λ = diag(λ₀, λ₁)`
 * (the generalised eigenvectors of the 2×2 pencil). Then with `W = V^{⊗n}` and `s = 2^n σ²`,
 * `JᵀJ + s E^{⊗n} = W^{−T}(I + sΛ^{⊗n})W^{−1}`, so
 * `M̂ = W (I + sΛ^{⊗n})^{-1} W^{−1}`: a Kronecker transform, a diagonal scaling that depends only on
 * `|U|` (`λ₀^{n−|U|} λ₁^{|U|}`), and a Kronecker transform back. `V^{−1} = VᵀC`.
 */
interface Pencil {
  /** `V` row-major: `V[r][c]` at `2r + c`. */
  readonly V: readonly [number, number, number, number];
  readonly Vinv: readonly [number, number, number, number];
  /** Generalised eigenvalues, the smaller first. */
  readonly lambda: readonly [number, number];
}

function pencil(): Pencil {
  // Cholesky C = L Lᵀ, then the symmetric K = L^{-1} E L^{-T} = Q diag(λ) Qᵀ and V = L^{-T} Q.
  const l00 = Math.SQRT2;
  const l10 = 1 / Math.SQRT2;
  const l11 = 1 / Math.SQRT2;
  // L^{-1} = [[1/l00, 0], [−l10/(l00 l11), 1/l11]].
  const i00 = 1 / l00;
  const i10 = -l10 / (l00 * l11);
  const i11 = 1 / l11;
  // K = L^{-1} diag(1, 2) L^{-T}.
  const k00 = i00 * i00;
  const k01 = i00 * i10;
  const k11 = i10 * i10 + 2 * i11 * i11;
  const mean = (k00 + k11) / 2;
  const rad = Math.hypot((k00 - k11) / 2, k01);
  const lambda: [number, number] = [mean - rad, mean + rad];
  // Unit eigenvectors of K (columns of Q).
  const q = lambda.map((l) => {
    const x = k01;
    const y = l - k00;
    const norm = Math.hypot(x, y);
    return [x / norm, y / norm];
  });
  // V = L^{-T} Q; L^{-T} = [[i00, i10], [0, i11]].
  const V: [number, number, number, number] = [
    i00 * q[0][0] + i10 * q[0][1],
    i00 * q[1][0] + i10 * q[1][1],
    i11 * q[0][1],
    i11 * q[1][1],
  ];
  // V^{-1} = Vᵀ C, C = [[2, 1], [1, 1]].
  const Vinv: [number, number, number, number] = [V[0] * 2 + V[2], V[0] + V[2], V[1] * 2 + V[3], V[1] + V[3]];
  return { V, Vinv, lambda };
}

const PENCIL = pencil();

/** Largest `n` the fast operator accepts (two `2^n` tables). */
export const TWO_PHASE_FAST_MAX_PLAYERS = 24;

/** `a ← B^{⊗n} a` in place, `B` a row-major 2×2 (output bit, input bit). */
function kroneckerInPlace(a: Float64Array, B: readonly [number, number, number, number]): void {
  const [b00, b01, b10, b11] = B;
  const len = a.length;
  for (let bit = 1; bit < len; bit <<= 1) {
    for (let base = 0; base < len; base += bit << 1) {
      for (let i = base; i < base + bit; i++) {
        const x0 = a[i];
        const x1 = a[i + bit];
        a[i] = b00 * x0 + b01 * x1;
        a[i + bit] = b10 * x0 + b11 * x1;
      }
    }
  }
}

function transpose2(B: readonly [number, number, number, number]): [number, number, number, number] {
  return [B[0], B[2], B[1], B[3]];
}

/** The spectral form of `M̂(σ²)`: `M̂ = W diag(d) W^{-1}` with `d` by `|U|` (see the module comment). */
export interface TwoPhaseSpectrum {
  readonly n: number;
  readonly sigma2: number;
  /** `d[u] = 1 / (1 + 2^n σ² λ₀^{n−u} λ₁^u)`, `u = 0 … n`. */
  readonly scale: Float64Array;
}

function checkArgs(n: number, sigma2: number): void {
  requireInput(
    Number.isInteger(n) && n >= 0 && n <= TWO_PHASE_FAST_MAX_PLAYERS,
    'n',
    `expected an integer in [0, ${TWO_PHASE_FAST_MAX_PLAYERS}], got ${n}`,
  );
  requireInput(Number.isFinite(sigma2) && sigma2 >= 0, 'sigma2', `expected a finite σ² ≥ 0, got ${sigma2}`);
}

/** The diagonal of `M̂(σ²)` in the basis `W = V^{⊗n}`. */
export function twoPhaseSpectrum(n: number, sigma2: number): TwoPhaseSpectrum {
  checkArgs(n, sigma2);
  const s = 2 ** n * sigma2;
  const [l0, l1] = PENCIL.lambda;
  const scale = new Float64Array(n + 1);
  for (let u = 0; u <= n; u++) scale[u] = 1 / (1 + s * l0 ** (n - u) * l1 ** u);
  return { n, sigma2, scale };
}

/** The generalised eigenvalues `λ₀ < λ₁` of the per-player pencil (`(5 ∓ √17)/2`). */
export function twoPhasePencilEigenvalues(): readonly [number, number] {
  return PENCIL.lambda;
}

/** `W^{-1} w` (a new array): the σ²-independent half of {@link twoPhaseApply}, reusable across σ². */
export function twoPhaseAnalyse(w: ArrayLike<number>, n: number): Float64Array {
  requireInput(w.length === 2 ** n, 'w', `expected 2^${n} = ${2 ** n} values, got ${w.length}`);
  const a = Float64Array.from(w);
  kroneckerInPlace(a, PENCIL.Vinv);
  return a;
}

/** `W diag(d) u` (a new array) for `u` from {@link twoPhaseAnalyse}. */
export function twoPhaseSynthesise(u: Float64Array, spectrum: TwoPhaseSpectrum): Float64Array {
  const a = new Float64Array(u.length);
  for (let U = 0; U < u.length; U++) a[U] = u[U] * spectrum.scale[bitCount(U)];
  kroneckerInPlace(a, PENCIL.V);
  return a;
}

/**
 * `ŵ = M̂(σ²) w` for a vector `w` of `2^n` interactions indexed by coalition mask, in `O(n·2^n)`:
 * the predicted interactions of a model in training from the converged ones (Theorem 3).
 */
export function twoPhaseApply(n: number, sigma2: number, w: ArrayLike<number>): Float64Array {
  checkArgs(n, sigma2);
  return twoPhaseSynthesise(twoPhaseAnalyse(w, n), twoPhaseSpectrum(n, sigma2));
}

/** `M̂(σ²)ᵀ x` in `O(n·2^n)`; row `S` of `M̂` is `M̂ᵀ e_S`. */
export function twoPhaseApplyTranspose(n: number, sigma2: number, x: ArrayLike<number>): Float64Array {
  checkArgs(n, sigma2);
  requireInput(x.length === 2 ** n, 'x', `expected 2^${n} = ${2 ** n} values, got ${x.length}`);
  const { scale } = twoPhaseSpectrum(n, sigma2);
  // M̂ᵀ = W^{-T} diag(d) Wᵀ.
  const a = Float64Array.from(x);
  kroneckerInPlace(a, transpose2(PENCIL.V));
  for (let U = 0; U < a.length; U++) a[U] *= scale[bitCount(U)];
  kroneckerInPlace(a, transpose2(PENCIL.Vinv));
  return a;
}
