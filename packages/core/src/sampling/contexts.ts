import type { Rng } from '../random/rng.js';

/**
 * Draws contexts `S`, uniform among the size-`m` subsets of `N ∖ {i, j}`, as bitsets.
 *
 * A partial Fisher–Yates shuffle over a scratch copy of the pool picks `min(m, L−m)` players
 * (`L = n − 2`; for large `m` it picks the complement), so one draw costs `O(min(m, L−m) + words)`
 * and allocates nothing. The scratch array is not reset between draws: a partial shuffle of any
 * arrangement of the pool still yields a uniform subset, and the arrangement is a deterministic
 * function of the stream, so results stay reproducible. Call {@link reset} to start a new stream.
 */
export class ContextSampler {
  private readonly n: number;
  private readonly words: number;
  private readonly pool: Int32Array;
  /** Bitset of the pool `N ∖ {i, j}`. */
  private readonly poolWords: Uint32Array;

  constructor(n: number) {
    this.n = n;
    this.words = Math.max(1, Math.ceil(n / 32));
    this.pool = new Int32Array(Math.max(0, n - 2));
    this.poolWords = new Uint32Array(this.words);
  }

  /** Sets the excluded pair and puts the pool back in ascending order. */
  reset(i: number, j: number): void {
    let t = 0;
    for (let p = 0; p < this.n; p++) if (p !== i && p !== j) this.pool[t++] = p;
    this.poolWords.fill(0);
    for (let k = 0; k < t; k++) {
      const p = this.pool[k];
      this.poolWords[p >>> 5] |= 1 << (p & 31);
    }
  }

  /** Writes a uniform size-`m` subset of the pool into `out` (length `words`). */
  draw(rng: Rng, m: number, out: Uint32Array): void {
    const L = this.pool.length;
    const complement = m > L - m;
    const k = complement ? L - m : m;
    const pool = this.pool;
    for (let t = 0; t < k; t++) {
      const s = t + rng.int(L - t);
      const x = pool[s];
      pool[s] = pool[t];
      pool[t] = x;
    }
    if (complement) {
      out.set(this.poolWords);
      for (let t = 0; t < k; t++) out[pool[t] >>> 5] &= ~(1 << (pool[t] & 31));
    } else {
      out.fill(0);
      for (let t = 0; t < k; t++) out[pool[t] >>> 5] |= 1 << (pool[t] & 31);
    }
  }
  /**
   * Writes an antithetic pair of contexts: `first` and `second` are the first and the last `m`
   * players of one uniform random order of the pool. Each is a uniform size-`m` subset (so a mean
   * over both is unbiased), and they overlap as little as possible: disjoint when `2m ≤ L`, else
   * sharing exactly `2m − L` players. For a unanimity term `T`, `1(T ⊆ S)` of the two is then
   * never positively correlated (`P(T ⊆ both) ≤ P(T ⊆ S)²`), which is what an antithetic draw
   * needs to lower the variance of `Δv`'s mean. Costs `O(m + words)`.
   */
  drawAntithetic(rng: Rng, m: number, first: Uint32Array, second: Uint32Array): void {
    const L = this.pool.length;
    const pool = this.pool;
    const swapFrom = (t: number, lo: number, hi: number): void => {
      const s = lo + rng.int(hi - lo);
      const x = pool[s];
      pool[s] = pool[t];
      pool[t] = x;
    };
    // The first m positions of the order: a uniform m-subset of the pool.
    for (let t = 0; t < m; t++) swapFrom(t, t, L);
    first.fill(0);
    for (let t = 0; t < m; t++) first[pool[t] >>> 5] |= 1 << (pool[t] & 31);
    second.fill(0);
    if (2 * m <= L) {
      // The last m positions: a uniform m-subset of the L − m players after the first m.
      for (let t = m; t < 2 * m; t++) swapFrom(t, t, L);
      for (let t = m; t < 2 * m; t++) second[pool[t] >>> 5] |= 1 << (pool[t] & 31);
    } else {
      // The last m positions hold every player after the first m, and the 2m − L of the first m
      // that sit in positions L − m … m − 1: a uniform subset of them.
      for (let t = 0; t < 2 * m - L; t++) swapFrom(t, t, m);
      for (let t = 0; t < 2 * m - L; t++) second[pool[t] >>> 5] |= 1 << (pool[t] & 31);
      for (let t = m; t < L; t++) second[pool[t] >>> 5] |= 1 << (pool[t] & 31);
    }
  }
}

/**
 * The shared-mode context of pair `(i, j)` for one random permutation `π` of `N`, given as its
 * first `m` elements `prefix` (a set) followed by the next two, `a = π_m` and `b = π_{m+1}`.
 *
 * The context is the first `m` elements of `π` once `i` and `j` are deleted from it: the prefix
 * minus whichever of `i, j` it holds, topped up from `a, b` (skipping `i, j`). Deleting two fixed
 * elements from a uniform permutation of `N` leaves a uniform permutation of `N ∖ {i, j}`, whose
 * first `m` elements are a uniform size-`m` subset of `N ∖ {i, j}`: every pair gets an exactly
 * uniform context from every permutation, with no rejection, while pairs share `v(prefix)`,
 * `v(prefix ∪ {i})`, … . Writes the context into `out`.
 */
export function sharedContext(
  prefix: Uint32Array,
  a: number,
  b: number,
  i: number,
  j: number,
  out: Uint32Array,
): void {
  out.set(prefix);
  let missing = 0;
  if (out[i >>> 5] & (1 << (i & 31))) {
    out[i >>> 5] &= ~(1 << (i & 31));
    missing++;
  }
  if (out[j >>> 5] & (1 << (j & 31))) {
    out[j >>> 5] &= ~(1 << (j & 31));
    missing++;
  }
  if (missing > 0 && a !== i && a !== j) {
    out[a >>> 5] |= 1 << (a & 31);
    missing--;
  }
  if (missing > 0) out[b >>> 5] |= 1 << (b & 31);
}

/**
 * Draws the permutation summary used by {@link sharedContext}: an ordered pair `(a, b)` of
 * distinct players and a uniform size-`m` subset `prefix` of `N ∖ {a, b}` — the same law as the
 * first `m + 2` elements of a uniform permutation, read as a set followed by two named elements.
 * Requires `m ≤ n − 2`.
 */
export function drawPermutationPrefix(
  rng: Rng,
  n: number,
  m: number,
  sampler: ContextSampler,
  prefix: Uint32Array,
): { a: number; b: number } {
  const a = rng.int(n);
  let b = rng.int(n - 1);
  if (b >= a) b++;
  sampler.reset(a, b);
  sampler.draw(rng, m, prefix);
  return { a, b };
}

/**
 * Calls `visit` once for every size-`m` subset of `N ∖ {i, j}` (lexicographic), written into `out`.
 * Used where an order has few distinct contexts (`m = 0`, `m = n − 2`, tiny `n`), so the exact mean
 * costs less than sampling.
 */
export function* allContexts(n: number, m: number, i: number, j: number, out: Uint32Array): Generator<void> {
  const pool: number[] = [];
  for (let p = 0; p < n; p++) if (p !== i && p !== j) pool.push(p);
  const L = pool.length;
  if (m < 0 || m > L) return;
  const idx = Array.from({ length: m }, (_, t) => t);
  while (true) {
    out.fill(0);
    for (let t = 0; t < m; t++) {
      const p = pool[idx[t]];
      out[p >>> 5] |= 1 << (p & 31);
    }
    yield;
    let t = m - 1;
    while (t >= 0 && idx[t] === L - m + t) t--;
    if (t < 0) return;
    idx[t]++;
    for (let u = t + 1; u < m; u++) idx[u] = idx[u - 1] + 1;
  }
}
