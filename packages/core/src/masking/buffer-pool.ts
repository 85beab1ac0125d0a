import type { NamedTensors } from '../model/tensor.js';

/**
 * A few reusable `Float32Array`s of one length, for the masked batches a masker returns.
 *
 * A fresh buffer per batch is not free: the allocator hands out freshly mapped, zeroed pages for a
 * buffer of a few hundred KiB, and the first writes into them fault page by page. For a small
 * model (a census MLP at about 1 µs per row) that was a tenth of the whole path's CPU time. With
 * {@link Masker.recycle} the game gives a batch's buffers back once the model call on them has
 * finished, and the next batch reuses them. The buffers handed out hold stale values: the masker
 * must write every element.
 */
export class Float32BufferPool {
  private readonly free: Float32Array[] = [];

  /**
   * @param length - Elements of every buffer.
   * @param capacity - Buffers kept at most (two are in flight when masking is pipelined).
   */
  constructor(
    readonly length: number,
    private readonly capacity = 4,
  ) {}

  /** A buffer of {@link length} elements, reused when one was given back, with stale contents. */
  acquire(): Float32Array {
    return this.free.pop() ?? new Float32Array(this.length);
  }

  /** Gives a buffer back; buffers of another length or beyond the capacity are left to the GC. */
  release(buffer: Float32Array): void {
    if (buffer.length === this.length && this.free.length < this.capacity && !this.free.includes(buffer))
      this.free.push(buffer);
  }
}

/**
 * Reusable buffers for batches of any size: one {@link Float32BufferPool} per length seen (a
 * run uses the batch size and one remainder, so a handful of lengths at most).
 */
export class Float32BufferPools {
  private readonly pools = new Map<number, Float32BufferPool>();

  constructor(private readonly maxLengths = 4) {}

  /** A buffer of `length` elements with stale contents. */
  acquire(length: number): Float32Array {
    return this.pools.get(length)?.acquire() ?? new Float32Array(length);
  }

  /** Gives back the float32 data of every tensor of `inputs`. */
  releaseInputs(inputs: NamedTensors): void {
    for (const name in inputs) {
      const data = inputs[name].data;
      if (!(data instanceof Float32Array)) continue;
      let pool = this.pools.get(data.length);
      if (!pool) {
        if (this.pools.size >= this.maxLengths) continue;
        pool = new Float32BufferPool(data.length);
        this.pools.set(data.length, pool);
      }
      pool.release(data);
    }
  }
}
