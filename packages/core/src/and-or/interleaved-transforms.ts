/**
 * Subset-lattice transforms over many game tables at once.
 *
 * The tables are interleaved: entry `k·samples + s` holds coalition `k` of sample `s`. A butterfly
 * that pairs coalitions `k` and `k + bit` then pairs the contiguous runs `[k·samples, (k+1)·samples)`
 * and `[(k+bit)·samples, …)`, so the transform is the one-table loop with every stride multiplied
 * by `samples`: the innermost loop runs over at least `samples` consecutive entries and there is no
 * per-sample call, branch or allocation. With `samples = 1` these are exactly the one-table
 * transforms of `exact/mobius.ts` (same operations in the same order, so the same rounding).
 */

/** Möbius transform of every interleaved table in place: `a[S] ← Σ_{L⊆S} (−1)^{|S|−|L|} a[L]`. */
export function mobiusInterleavedInPlace(a: Float64Array, samples: number): Float64Array {
  const len = a.length;
  for (let off = samples; off < len; off <<= 1) {
    for (let base = 0; base < len; base += off << 1) {
      const end = base + off;
      for (let i = base; i < end; i++) a[i + off] -= a[i];
    }
  }
  return a;
}

/**
 * Transposed Möbius transform in place: `a[L] ← Σ_{S⊇L} (−1)^{|S|−|L|} a[S]`. It carries a gradient
 * with respect to Harsanyi interactions back to the table, and it is also the OR transform up to
 * complementing the index (see `and-or-batch.ts`).
 */
export function mobiusTransposeInterleavedInPlace(a: Float64Array, samples: number): Float64Array {
  const len = a.length;
  for (let off = samples; off < len; off <<= 1) {
    for (let base = 0; base < len; base += off << 1) {
      const end = base + off;
      for (let i = base; i < end; i++) a[i] -= a[i + off];
    }
  }
  return a;
}

/** Copies `samples` sample-major tables of length `size` into one interleaved array. */
export function interleave(sampleMajor: Float64Array, samples: number, out: Float64Array): Float64Array {
  const size = sampleMajor.length / samples;
  for (let s = 0; s < samples; s++) {
    const from = s * size;
    for (let k = 0, i = s; k < size; k++, i += samples) out[i] = sampleMajor[from + k];
  }
  return out;
}

/** Inverse of {@link interleave}: interleaved tables back to one sample-major array. */
export function deinterleave(interleaved: Float64Array, samples: number, out: Float64Array): Float64Array {
  const size = interleaved.length / samples;
  for (let s = 0; s < samples; s++) {
    const to = s * size;
    for (let k = 0, i = s; k < size; k++, i += samples) out[to + k] = interleaved[i];
  }
  return out;
}
