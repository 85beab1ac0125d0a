import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';

/**
 * A packed batch of coalitions over `n` players.
 *
 * Each coalition is a bitset of `words = ceil(n / 32)` 32-bit words (bit `i` set ⇔ player `i`
 * present), stored contiguously, so a batch of any size is one typed array and building one
 * allocates nothing per coalition. For `n ≤ 32` a coalition is exactly its integer bitmask.
 */
export class CoalitionBatch {
  readonly n: number;
  readonly words: number;
  /** Number of coalitions currently held. */
  count: number;
  /** `capacity × words` words; coalition `k` occupies `[k*words, (k+1)*words)`. */
  data: Uint32Array;

  constructor(n: number, capacity = 16) {
    requireInput(
      Number.isInteger(n) && n >= 0,
      'n',
      `expected a non-negative integer number of players, got ${n}`,
    );
    this.n = n;
    this.words = Math.max(1, Math.ceil(n / 32));
    this.count = 0;
    this.data = new Uint32Array(Math.max(1, capacity) * this.words);
  }

  /** A batch from integer bitmasks (requires `n ≤ 32`). */
  static fromMasks(n: number, masks: ArrayLike<number>): CoalitionBatch {
    requireInput(n <= 32, 'n', `integer masks need n ≤ 32, got ${n}`);
    const b = new CoalitionBatch(n, masks.length);
    for (let k = 0; k < masks.length; k++) b.data[k] = masks[k] >>> 0;
    b.count = masks.length;
    return b;
  }

  /** A batch from lists of player indices. */
  static fromSets(n: number, sets: ReadonlyArray<ReadonlyArray<number>>): CoalitionBatch {
    const b = new CoalitionBatch(n, sets.length);
    for (const s of sets) b.pushPlayers(s);
    return b;
  }

  private ensure(extra: number): void {
    const need = (this.count + extra) * this.words;
    if (need <= this.data.length) return;
    const next = new Uint32Array(Math.max(need, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }

  /** Appends an empty coalition and returns its index. */
  pushEmpty(): number {
    this.ensure(1);
    const k = this.count++;
    this.data.fill(0, k * this.words, (k + 1) * this.words);
    return k;
  }

  /** Appends a copy of coalition `k` of `src` (same `n`). */
  pushFrom(src: CoalitionBatch, k: number): number {
    this.ensure(1);
    const j = this.count++;
    const w = this.words;
    for (let t = 0; t < w; t++) this.data[j * w + t] = src.data[k * w + t];
    return j;
  }

  /** Appends the coalition given by raw words (length `words`). */
  pushWords(words: ArrayLike<number>): number {
    this.ensure(1);
    const j = this.count++;
    for (let t = 0; t < this.words; t++) this.data[j * this.words + t] = words[t] >>> 0;
    return j;
  }

  /** Appends an integer mask (requires `n ≤ 32`). */
  pushMask(mask: number): number {
    this.ensure(1);
    const j = this.count++;
    this.data[j * this.words] = mask >>> 0;
    for (let t = 1; t < this.words; t++) this.data[j * this.words + t] = 0;
    return j;
  }

  /** Appends the coalition holding exactly `players`. */
  pushPlayers(players: ReadonlyArray<number> | ArrayLike<number>): number {
    const j = this.pushEmpty();
    for (let t = 0; t < players.length; t++) {
      const i = players[t];
      requireInput(
        Number.isInteger(i) && i >= 0 && i < this.n,
        'players',
        `player index ${i} out of range [0, ${this.n})`,
      );
      this.data[j * this.words + (i >>> 5)] |= 1 << (i & 31);
    }
    return j;
  }

  /** Adds player `i` to coalition `k`. */
  add(k: number, i: number): void {
    this.data[k * this.words + (i >>> 5)] |= 1 << (i & 31);
  }

  /** Removes player `i` from coalition `k`. */
  remove(k: number, i: number): void {
    this.data[k * this.words + (i >>> 5)] &= ~(1 << (i & 31));
  }

  /** Whether player `i` is in coalition `k`. */
  has(k: number, i: number): boolean {
    return (this.data[k * this.words + (i >>> 5)] & (1 << (i & 31))) !== 0;
  }

  /** Number of players in coalition `k`. */
  size(k: number): number {
    let s = 0;
    for (let t = 0; t < this.words; t++) s += popcount32(this.data[k * this.words + t]);
    return s;
  }

  /** The players of coalition `k`, ascending. */
  players(k: number): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.words; t++) {
      let w = this.data[k * this.words + t];
      while (w !== 0) {
        const low = w & -w;
        out.push(t * 32 + (31 - Math.clz32(low)));
        w ^= low;
      }
    }
    return out;
  }

  /** Integer bitmask of coalition `k` (requires `n ≤ 32`). */
  mask(k: number): number {
    return this.data[k * this.words] >>> 0;
  }

  /**
   * A key identifying coalition `k`, equal for equal coalitions: a number up to 53 players, else
   * a compact string. Used for de-duplication.
   */
  key(k: number): number | string {
    if (this.words === 1) return this.data[k];
    // Up to 53 players the two words fit exactly in one double: a number key hashes far faster
    // than a string.
    if (this.n <= 53) return this.data[2 * k] + this.data[2 * k + 1] * 4294967296;
    let s = '';
    for (let t = 0; t < this.words; t++) {
      const w = this.data[k * this.words + t];
      s += String.fromCharCode(w & 0xffff, w >>> 16);
    }
    return s;
  }

  /** A new batch holding coalitions `[start, end)`. */
  slice(start: number, end: number): CoalitionBatch {
    const b = new CoalitionBatch(this.n, end - start);
    b.data.set(this.data.subarray(start * this.words, end * this.words));
    b.count = end - start;
    return b;
  }
}

/** Number of set bits of a 32-bit integer (the same function as {@link bitCount}). */
export const popcount32: (x: number) => number = bitCount;
