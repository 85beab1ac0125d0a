import {
  MAX_BATCH_WORDS,
  formatBytes,
  requirePlayerCount,
  type CoalitionBatch,
} from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import { binomial } from '../math/combinatorics.js';
import type { Game } from './game.js';

/** One unanimity term: `value · 1(players ⊆ S)`. */
export interface UnanimityTerm {
  readonly players: readonly number[];
  readonly value: number;
}

/**
 * A sum of unanimity games, `v(S) = v0 + Σ_T a_T · 1(T ⊆ S)`.
 *
 * Its Harsanyi dividends are exactly `a_T` (and `v0` on the empty set), so every interaction
 * index has a closed form at any `n`. This is the test oracle of the project.
 */
export class UnanimityGame implements Game {
  readonly n: number;
  readonly v0: number;
  readonly terms: ReadonlyArray<{ players: Uint32Array; words: Uint32Array; value: number }>;

  /**
   * @param n - Number of players (at most {@link MAX_PLAYERS}).
   * @param v0 - `v(∅)`.
   * @param terms - The unanimity terms; each is stored as an `n`-bit set, so `terms × n / 32`
   * words may not exceed {@link MAX_BATCH_WORDS}.
   * @throws {@link OrderlensInputError} naming `n`, `v0` or the term, before allocating.
   */
  constructor(n: number, v0: number, terms: readonly UnanimityTerm[]) {
    requirePlayerCount(n, 'n');
    requireInput(Number.isFinite(v0), 'v0', `expected a finite number, got ${v0}`);
    requireInput(Array.isArray(terms as unknown), 'terms', 'expected an array of unanimity terms');
    const W = Math.max(1, Math.ceil(n / 32));
    requireInput(
      terms.length * W <= MAX_BATCH_WORDS,
      'terms',
      `${terms.length} terms over ${n} players need ${formatBytes(4 * terms.length * W)} of bit sets, over the limit of ${formatBytes(4 * MAX_BATCH_WORDS)}`,
    );
    const merged = new Map<string, { players: Uint32Array; words: Uint32Array; value: number }>();
    terms.forEach((t, ti) => {
      requireInput(
        Number.isFinite(t.value),
        `terms[${ti}].value`,
        `expected a finite number, got ${t.value}`,
      );
      requireInput(
        Array.isArray(t.players) || ArrayBuffer.isView(t.players),
        `terms[${ti}].players`,
        'expected an array of player indices',
      );
      const ps = Array.from(new Set(t.players)).sort((a, b) => a - b);
      const words = new Uint32Array(W);
      for (const i of ps) {
        requireInput(
          Number.isInteger(i) && i >= 0 && i < n,
          `terms[${ti}].players`,
          `player index ${i} out of range [0, ${n})`,
        );
        words[i >>> 5] |= 1 << (i & 31);
      }
      const key = ps.join(',');
      const prev = merged.get(key);
      if (prev) prev.value += t.value;
      else merged.set(key, { players: Uint32Array.from(ps), words, value: t.value });
    });
    this.n = n;
    this.v0 = v0;
    this.terms = [...merged.values()];
  }

  /** A random game with `numTerms` terms of sizes in `[1, maxOrder]` and N(0,1) coefficients. */
  static random(n: number, numTerms: number, rand: () => number, maxOrder = n): UnanimityGame {
    requirePlayerCount(n, 'n');
    const terms: UnanimityTerm[] = [];
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    for (let t = 0; t < numTerms; t++) {
      const size = 1 + Math.floor(rand() * Math.max(1, Math.min(n, maxOrder)));
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < size; i++) {
        const j = i + Math.floor(rand() * (n - i));
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      terms.push({ players: pool.slice(0, size), value: gauss() });
    }
    return new UnanimityGame(n, gauss(), terms);
  }

  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    return this.evaluateSync(batch);
  }

  /** Synchronous evaluation. */
  evaluateSync(batch: CoalitionBatch): Float64Array {
    requireInput(batch.n === this.n, 'batch.n', `expected ${this.n} players, got ${batch.n}`);
    const W = batch.words;
    const out = new Float64Array(batch.count);
    for (let k = 0; k < batch.count; k++) {
      let s = this.v0;
      for (const t of this.terms) {
        let inside = true;
        for (let w = 0; w < W; w++) {
          const tw = t.words[w];
          if ((batch.data[k * W + w] & tw) >>> 0 !== tw) {
            inside = false;
            break;
          }
        }
        if (inside) s += t.value;
      }
      out[k] = s;
    }
    return out;
  }

  /** Harsanyi dividend `I_and(S)` of the coalition given by its players. */
  harsanyi(players: readonly number[]): number {
    if (players.length === 0) return this.v0;
    const key = Array.from(new Set(players))
      .sort((a, b) => a - b)
      .join(',');
    let s = 0;
    for (const t of this.terms) if (Array.from(t.players).join(',') === key) s += t.value;
    return s;
  }

  /** Closed form of `I^(m)(i,j) = Σ_{T⊇{i,j}} a_T C(n−|T|, m−|T|+2)/C(n−2, m)`. */
  multiOrder(i: number, j: number, m: number): number {
    const n = this.n;
    let s = 0;
    for (const t of this.terms) {
      if (!hasBit(t.words, i) || !hasBit(t.words, j)) continue;
      const size = t.players.length;
      const r = m - size + 2;
      if (r < 0) continue;
      s += (t.value * binomial(n - size, r)) / binomial(n - 2, m);
    }
    return s;
  }

  /** Closed-form Shapley values `φ_i = Σ_{T∋i} a_T/|T|`. */
  shapley(): Float64Array {
    const phi = new Float64Array(this.n);
    for (const t of this.terms) for (const i of t.players) phi[i] += t.value / t.players.length;
    return phi;
  }

  /** Closed-form Banzhaf values `Σ_{T∋i} a_T / 2^{|T|−1}`. */
  banzhaf(): Float64Array {
    const b = new Float64Array(this.n);
    for (const t of this.terms) for (const i of t.players) b[i] += t.value / 2 ** (t.players.length - 1);
    return b;
  }

  /** Closed-form pairwise Shapley interaction index `Σ_{T⊇{i,j}} a_T/(|T|−1)`. */
  sii(i: number, j: number): number {
    let s = 0;
    for (const t of this.terms) {
      if (hasBit(t.words, i) && hasBit(t.words, j) && i !== j) s += t.value / (t.players.length - 1);
    }
    return s;
  }

  /**
   * Closed-form OR interactions of the game: for a unanimity game `1(T⊆S)` the complement game
   * `u(L) = v(N∖L)` is `1(L ∩ T = ∅)`, whose dividends are `(−1)^{|L|}` on subsets of `T`.
   * So `I_or(S) = −Σ_T a_T (−1)^{|S|} 1(∅≠S⊆T)` and `I_or(∅) = v(∅)`.
   */
  or(players: readonly number[]): number {
    if (players.length === 0) return this.v0;
    const ps = Array.from(new Set(players));
    let s = 0;
    for (const t of this.terms) {
      if (ps.every((i) => hasBit(t.words, i))) s += t.value;
    }
    return -((ps.length % 2 === 0 ? 1 : -1) * s);
  }
}

function hasBit(words: Uint32Array, i: number): boolean {
  return (words[i >>> 5] & (1 << (i & 31))) !== 0;
}
