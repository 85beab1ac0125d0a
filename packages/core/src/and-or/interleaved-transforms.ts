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

/**
 * Möbius transform of every interleaved table in place: `a[S] ← Σ_{L⊆S} (−1)^{|S|−|L|} a[L]`.
 *
 * Three lattice levels are done per pass over the array (eight entries held in registers), then
 * two, then one: each entry sees the same subtractions in the same order as the one-level loop, so
 * the result is bit for bit that of `mobiusInPlace`, with about a third of the memory traffic.
 */
export function mobiusInterleavedInPlace(a: Float64Array, samples: number): Float64Array {
  const len = a.length;
  let off = samples;
  for (; off << 2 < len; off <<= 3) {
    for (let base = 0; base < len; base += off << 3) {
      const end = base + off;
      for (let i = base; i < end; i++) {
        const i1 = i + off;
        const i2 = i1 + off;
        const i3 = i2 + off;
        const i4 = i3 + off;
        const i5 = i4 + off;
        const i6 = i5 + off;
        const i7 = i6 + off;
        const x0 = a[i];
        let x1 = a[i1];
        let x2 = a[i2];
        let x3 = a[i3];
        let x4 = a[i4];
        let x5 = a[i5];
        let x6 = a[i6];
        let x7 = a[i7];
        x1 -= x0;
        x3 -= x2;
        x5 -= x4;
        x7 -= x6;
        x2 -= x0;
        x3 -= x1;
        x6 -= x4;
        x7 -= x5;
        x4 -= x0;
        x5 -= x1;
        x6 -= x2;
        x7 -= x3;
        a[i1] = x1;
        a[i2] = x2;
        a[i3] = x3;
        a[i4] = x4;
        a[i5] = x5;
        a[i6] = x6;
        a[i7] = x7;
      }
    }
  }
  for (; off << 1 < len; off <<= 2) {
    for (let base = 0; base < len; base += off << 2) {
      const end = base + off;
      for (let i = base; i < end; i++) {
        const i1 = i + off;
        const i2 = i1 + off;
        const i3 = i2 + off;
        const x0 = a[i];
        const x2 = a[i2];
        const y1 = a[i1] - x0;
        const y3 = a[i3] - x2;
        a[i1] = y1;
        a[i2] = x2 - x0;
        a[i3] = y3 - y1;
      }
    }
  }
  for (; off < len; off <<= 1) {
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
 * complementing the index (see `and-or-batch.ts`). Same level grouping as
 * {@link mobiusInterleavedInPlace}; bit for bit `mobiusTransposeInPlace` when `samples = 1`.
 */
export function mobiusTransposeInterleavedInPlace(a: Float64Array, samples: number): Float64Array {
  const len = a.length;
  let off = samples;
  for (; off << 2 < len; off <<= 3) {
    for (let base = 0; base < len; base += off << 3) {
      const end = base + off;
      for (let i = base; i < end; i++) {
        const i1 = i + off;
        const i2 = i1 + off;
        const i3 = i2 + off;
        const i4 = i3 + off;
        const i5 = i4 + off;
        const i6 = i5 + off;
        const i7 = i6 + off;
        let x0 = a[i];
        let x1 = a[i1];
        let x2 = a[i2];
        let x3 = a[i3];
        let x4 = a[i4];
        let x5 = a[i5];
        let x6 = a[i6];
        const x7 = a[i7];
        x0 -= x1;
        x2 -= x3;
        x4 -= x5;
        x6 -= x7;
        x0 -= x2;
        x1 -= x3;
        x4 -= x6;
        x5 -= x7;
        x0 -= x4;
        x1 -= x5;
        x2 -= x6;
        x3 -= x7;
        a[i] = x0;
        a[i1] = x1;
        a[i2] = x2;
        a[i3] = x3;
        a[i4] = x4;
        a[i5] = x5;
        a[i6] = x6;
      }
    }
  }
  for (; off << 1 < len; off <<= 2) {
    for (let base = 0; base < len; base += off << 2) {
      const end = base + off;
      for (let i = base; i < end; i++) {
        const i1 = i + off;
        const i2 = i1 + off;
        const i3 = i2 + off;
        const x1 = a[i1];
        const x3 = a[i3];
        const y0 = a[i] - x1;
        const y2 = a[i2] - x3;
        a[i] = y0 - y2;
        a[i1] = x1 - x3;
        a[i2] = y2;
      }
    }
  }
  for (; off < len; off <<= 1) {
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
