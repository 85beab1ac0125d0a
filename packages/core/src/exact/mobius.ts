/**
 * Fast in-place Möbius transform over the subset lattice, `O(n·2^n)`:
 * afterwards `a[S] = Σ_{L⊆S} (−1)^{|S|−|L|} a_before[L]` (Harsanyi dividends of a game table).
 */
export function mobiusInPlace(a: Float64Array): Float64Array {
  const size = a.length;
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let base = 0; base < size; base += bit << 1) {
      for (let k = base; k < base + bit; k++) a[k + bit] -= a[k];
    }
  }
  return a;
}

/** Inverse (zeta) transform in place: `a[T] = Σ_{S⊆T} a_before[S]`. */
export function zetaInPlace(a: Float64Array): Float64Array {
  const size = a.length;
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let base = 0; base < size; base += bit << 1) {
      for (let k = base; k < base + bit; k++) a[k + bit] += a[k];
    }
  }
  return a;
}

/** Checks that a table length is `2^n` and returns `n`. */
export function tableOrder(length: number, field = 'values'): number {
  const n = Math.round(Math.log2(length));
  if (length < 1 || 2 ** n !== length)
    throw new RangeError(`${field}: length ${length} is not a power of two`);
  return n;
}

/** Harsanyi (AND) interactions `I_and(S)` of a full game table (a new array). */
export function mobiusTransform(values: ArrayLike<number>): Float64Array {
  tableOrder(values.length);
  return mobiusInPlace(Float64Array.from(values));
}

/**
 * OR interactions of a full game table: `I_or(S) = −Σ_{L⊆S} (−1)^{|S|−|L|} v(N∖L)` for `S ≠ ∅`
 * and `I_or(∅) = v(∅)`. Complementing a mask is reversing the table, so this is a Möbius
 * transform of the reversed table, negated.
 */
export function orInteractions(values: ArrayLike<number>): Float64Array {
  tableOrder(values.length);
  const size = values.length;
  const a = new Float64Array(size);
  for (let k = 0; k < size; k++) a[k] = values[size - 1 - k];
  mobiusInPlace(a);
  for (let k = 1; k < size; k++) a[k] = -a[k];
  a[0] = values[0];
  return a;
}

/**
 * Transposed Möbius transform in place: `a[L] = Σ_{S⊇L} (−1)^{|S|−|L|} a_before[S]`. This is
 * how a gradient with respect to Harsanyi interactions flows back to the game table.
 */
export function mobiusTransposeInPlace(a: Float64Array): Float64Array {
  const size = a.length;
  for (let bit = 1; bit < size; bit <<= 1) {
    for (let base = 0; base < size; base += bit << 1) {
      for (let k = base; k < base + bit; k++) a[k] -= a[k + bit];
    }
  }
  return a;
}
