import { requireInput } from '../errors/errors.js';
import { bitCount } from '../math/combinatorics.js';

/**
 * Largest number of players orderlens accepts (2^20 = 1,048,576: every pixel of a 1024 × 1024
 * image). Beyond it one coalition alone takes more than 128 KiB, the exact binomial tables more
 * than 8 MiB, and a typo such as `n = 1e9` would make V8 abort on an allocation it cannot make
 * (a native crash, not an error) instead of failing with a message.
 */
export const MAX_PLAYERS = 1 << 20;

/**
 * Largest number of 32-bit words one batch of coalitions may hold (2^28 words = 1 GiB). Checked
 * before allocating, so an oversized batch is an {@link OrderlensInputError}, not an abort.
 */
export const MAX_BATCH_WORDS = 1 << 28;

/**
 * Checks a number of players before anything is sized by it: a non-negative integer no larger
 * than {@link MAX_PLAYERS}.
 *
 * @param n - The number of players.
 * @param field - The option or file field holding `n`, named in the error.
 * @throws {@link OrderlensInputError} naming `field`.
 */
export function requirePlayerCount(n: number, field = 'n'): void {
  requireInput(
    typeof n === 'number' && Number.isInteger(n) && n >= 0,
    field,
    `expected a non-negative integer number of players, got ${n}`,
  );
  requireInput(
    n <= MAX_PLAYERS,
    field,
    `${n} players exceed the limit of ${MAX_PLAYERS} (2^20): a single coalition would take ${formatBytes(4 * Math.ceil(n / 32))}`,
  );
}

/** `bytes` in KiB/MiB/GiB for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

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

  /**
   * @param n - Number of players (at most {@link MAX_PLAYERS}).
   * @param capacity - Coalitions to make room for; `capacity × words` may not exceed
   * {@link MAX_BATCH_WORDS}.
   * @throws {@link OrderlensInputError} (`n` or `batchSize`) before allocating anything too large.
   */
  constructor(n: number, capacity = 16) {
    requirePlayerCount(n);
    requireInput(
      Number.isInteger(capacity) && capacity >= 0,
      'batchSize',
      `expected a non-negative integer capacity, got ${capacity}`,
    );
    this.n = n;
    this.words = Math.max(1, Math.ceil(n / 32));
    this.count = 0;
    this.data = new Uint32Array(checkedWords(Math.max(1, capacity), this.words));
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
    const need = this.count + extra;
    const capacity = this.data.length / this.words;
    if (need <= capacity) return;
    // Doubling amortises growth, but stops at the limit as long as the need itself fits.
    const limit = Math.floor(MAX_BATCH_WORDS / this.words);
    const grown = Math.max(need, Math.min(capacity * 2, limit));
    const next = new Uint32Array(checkedWords(grown, this.words));
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

/** `coalitions × words`, refused (before any allocation) above {@link MAX_BATCH_WORDS}. */
function checkedWords(coalitions: number, words: number): number {
  const total = coalitions * words;
  requireInput(
    total <= MAX_BATCH_WORDS,
    'batchSize',
    `${coalitions} coalitions of ${words * 32} players need ${formatBytes(4 * total)}, over the limit of ${formatBytes(4 * MAX_BATCH_WORDS)} for one batch; use a smaller batch size`,
  );
  return total;
}
