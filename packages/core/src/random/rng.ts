/**
 * Seeded, splittable randomness.
 *
 * Every random choice in orderlens is drawn from a stream named by a path of keys
 * (`seed → sample 3 → pair 17 → order 5`), never from a shared sequential generator, so a
 * result does not depend on batch size, worker count or the order in which work is scheduled.
 * Streams are sfc32 generators whose state is a hash of the seed and the path.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The 32-bit seed words this stream was derived from, used to derive children. */
  private readonly key: readonly number[];

  private constructor(key: readonly number[]) {
    this.key = key;
    const h = hashWords(key);
    this.a = h[0];
    this.b = h[1];
    this.c = h[2];
    this.d = h[3];
    // Warm up so that nearby keys decorrelate fully.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The root stream of a seed (any finite number or string). */
  static create(seed: number | string): Rng {
    return new Rng([...keyWords(seed)]);
  }

  /** An independent child stream named by `keys`; the same keys always give the same stream. */
  fork(...keys: Array<number | string>): Rng {
    const words = [...this.key];
    for (const k of keys) words.push(0x9e3779b9, ...keyWords(k));
    return new Rng(words);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (n <= 0) throw new RangeError(`Rng.int: n must be positive, got ${n}`);
    if (n <= 0x100000000) {
      const limit = Math.floor(0x100000000 / n) * n;
      let x: number;
      do x = this.nextUint32();
      while (x >= limit);
      return x % n;
    }
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `arr` in place (Fisher–Yates) and returns it. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /**
   * `k` distinct elements of `pool`, uniformly among all `k`-subsets (partial Fisher–Yates on a
   * copy). Returned in the order drawn.
   */
  sample<T>(pool: readonly T[], k: number): T[] {
    if (k > pool.length) throw new RangeError(`Rng.sample: k=${k} exceeds pool size ${pool.length}`);
    const a = pool.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.int(a.length - i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a.slice(0, k);
  }
}

function keyWords(k: number | string): number[] {
  if (typeof k === 'number') {
    if (!Number.isFinite(k)) throw new RangeError(`Rng: seed/key must be finite, got ${k}`);
    if (Number.isInteger(k) && Math.abs(k) < 2 ** 53) {
      const neg = k < 0 ? 1 : 0;
      const m = Math.abs(k);
      return [1 + neg, m >>> 0, Math.floor(m / 0x100000000) >>> 0];
    }
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, k);
    return [3, buf.getUint32(0), buf.getUint32(4)];
  }
  const out = [4, k.length];
  for (let i = 0; i < k.length; i++) out.push(k.charCodeAt(i));
  return out;
}

/** murmur3-style mixing of a word list into 128 bits. */
function hashWords(words: readonly number[]): [number, number, number, number] {
  let h1 = 0x243f6a88,
    h2 = 0x85a308d3,
    h3 = 0x13198a2e,
    h4 = 0x03707344;
  for (const w0 of words) {
    let w = Math.imul(w0 | 0, 0xcc9e2d51);
    w = (w << 15) | (w >>> 17);
    w = Math.imul(w, 0x1b873593);
    h1 ^= w;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    const t = h1;
    h1 = h2;
    h2 = h3;
    h3 = h4;
    h4 = t ^ Math.imul(h3, 0x85ebca6b);
  }
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return [fmix(h1 ^ words.length), fmix(h2 + h1), fmix(h3 ^ h2), fmix(h4 + h3) | 1];
}
