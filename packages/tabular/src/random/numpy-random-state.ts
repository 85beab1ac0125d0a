import { requireInput } from '@orderlens/core';

/**
 * A bit-exact port of the parts of NumPy's legacy `np.random.RandomState` (MT19937) that the
 * census recipe of `sjtu-xai-lab/Learn` uses: `seed(int)`, `shuffle` and `permutation`.
 *
 * Why: that recipe shuffles the 30,162 rows with `np.random.seed(0)` and splits them with
 * scikit-learn's `train_test_split(random_state=0)`; reproducing its exact train/test rows lets
 * our results be compared sample for sample with models trained on the authors' `.npy` files.
 * Everything else in orderlens draws randomness from core's splittable `Rng`.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  /** Same as `np.random.RandomState(seed)` for an integer seed in `[0, 2^32)`. */
  constructor(seed: number) {
    requireInput(
      Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff,
      'seed',
      `expected an integer in [0, 2^32), got ${seed}`,
    );
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing precision.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
  }

  /** The next 32-bit output of MT19937 (`genrand_int32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = (mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform integer in `[0, max]` by masked rejection, as NumPy's `random_interval`. */
  interval(max: number): number {
    if (max === 0) return 0;
    requireInput(max > 0 && max <= 0xffffffff, 'max', `interval supports 0 ≤ max < 2^32, got ${max}`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** In-place Fisher–Yates shuffle of the first axis, as `RandomState.shuffle`. */
  shuffle<T>(items: { length: number; [i: number]: T }): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
  }

  /** `RandomState.permutation(n)`: a shuffled `0 … n−1`. */
  permutation(n: number): Int32Array {
    requireInput(Number.isInteger(n) && n >= 0, 'n', `expected a non-negative integer, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }
}
