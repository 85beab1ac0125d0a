/**
 * The distinct coalitions of one run (shared mode, the adaptive sampler), with their values once evaluated. Coalitions are
 * keyed by a 53-bit numeric hash of their words (no string per coalition) and hash collisions are
 * resolved by comparing words, so equal coalitions always share an id and different ones never do.
 * Ids are dense and given in first-seen order, so the new coalitions of a request are a contiguous
 * range. Memory grows with the run's distinct coalitions (`W` words + 8 bytes each).
 */
export class CoalitionTable {
  private readonly W: number;
  private readonly head = new Map<number, number>();
  private next = new Int32Array(1024);
  private words: Uint32Array;
  values = new Float64Array(1024);
  size = 0;

  constructor(W: number) {
    this.W = W;
    this.words = new Uint32Array(1024 * W);
  }

  /** The id of coalition `c`; a new id (`size` grows by one) when it was not seen before. */
  intern(c: Uint32Array): number {
    const W = this.W;
    let h1 = 0x9747b28c;
    let h2 = 0x85ebca6b;
    for (let w = 0; w < W; w++) {
      const x = c[w];
      h1 = Math.imul(h1 ^ x, 0xcc9e2d51);
      h1 = (h1 << 13) | (h1 >>> 19);
      h2 = Math.imul(h2 ^ x, 0x1b873593) + w;
      h2 = (h2 << 17) | (h2 >>> 15);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
    h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
    const key = (h1 >>> 0) * 2097152 + ((h2 ^ (h2 >>> 16)) >>> 11);
    const first = this.head.get(key);
    const d = this.words;
    for (let s = first ?? -1; s >= 0; s = this.next[s]) {
      let same = true;
      for (let w = 0; w < W; w++) {
        if (d[s * W + w] !== c[w]) {
          same = false;
          break;
        }
      }
      if (same) return s;
    }
    const id = this.size++;
    if (id >= this.next.length) {
      const cap = 2 * this.next.length;
      const next = new Int32Array(cap);
      next.set(this.next);
      this.next = next;
      const words = new Uint32Array(cap * W);
      words.set(this.words);
      this.words = words;
      const values = new Float64Array(cap);
      values.set(this.values);
      this.values = values;
    }
    this.words.set(c.subarray(0, W), id * W);
    this.next[id] = first ?? -1;
    this.head.set(key, id);
    return id;
  }

  /** Stores the values of the ids `start, start + 1, …`. */
  setValues(start: number, v: ArrayLike<number>): void {
    for (let k = 0; k < v.length; k++) this.values[start + k] = v[k];
  }
}
