import {
  float32Tensor,
  requireInput,
  type CoalitionBatch,
  type Masker,
  type NamedTensors,
} from '@orderlens/core';
import { Float32BufferPools } from '@orderlens/core/math';
import { batchDims, imageSize, type ImageShape } from '../image/raw-image.js';
import type { PatchGrid } from '../grid/patch-grid.js';

/** Options of {@link PatchMasker}. */
export interface PatchMaskerOptions {
  /** The image in model space (one image of `shape`, no batch dimension). */
  readonly x: Float32Array;
  /** What absent patches become, same size as `x` (see `buildBaseline`). */
  readonly baseline: Float32Array;
  readonly shape: ImageShape;
  readonly grid: PatchGrid;
  /** Name of the model input (default `input`). */
  readonly inputName?: string;
  /** Player of each value; pass `grid.playerOfElement(shape)` to share it between images. */
  readonly playerOfElement?: Int32Array;
}

/**
 * Masks patches of one image: the values of players present in a coalition are the image's,
 * all others the baseline's. Masked images are written straight into the model's batch tensor.
 */
export class PatchMasker implements Masker {
  readonly n: number;
  readonly shape: ImageShape;
  readonly inputName: string;
  private readonly x: Float32Array;
  private readonly baseline: Float32Array;
  private readonly owner: Int32Array;
  private readonly present: Uint8Array;
  /** Runs of consecutive values owned by one player: player `p` owns runs `[runStart[p], runStart[p+1])`. */
  private readonly runStart: Int32Array;
  /** Start offset and length of each run. */
  private readonly runOffset: Int32Array;
  private readonly runLength: Int32Array;
  private readonly buffers = new Float32BufferPools();

  constructor(options: PatchMaskerOptions) {
    const { x, baseline, shape, grid } = options;
    const size = imageSize(shape);
    requireInput(
      x.length === size,
      'input',
      `expected ${size} values for one image of ${shape.channels}×${shape.height}×${shape.width} (${shape.layout}), got ${x.length}`,
    );
    requireInput(
      baseline.length === size,
      'baseline',
      `expected ${size} values like the image, got ${baseline.length}`,
    );
    requireInput(
      grid.height === shape.height && grid.width === shape.width,
      'grid',
      `the grid covers ${grid.height}×${grid.width} pixels but the image is ${shape.height}×${shape.width}`,
    );
    this.owner = options.playerOfElement ?? grid.playerOfElement(shape);
    requireInput(
      this.owner.length === size,
      'playerOfElement',
      `expected ${size} entries, got ${this.owner.length}`,
    );
    this.n = grid.n;
    this.shape = shape;
    this.inputName = options.inputName ?? 'input';
    this.x = x;
    this.baseline = baseline;
    this.present = new Uint8Array(this.n);
    const runs = playerRuns(this.owner, this.n);
    this.runStart = runs.start;
    this.runOffset = runs.offset;
    this.runLength = runs.length;
  }

  /** Writes the masked image of coalition `k` into `out` at `offset`. */
  maskInto(batch: CoalitionBatch, k: number, out: Float32Array, offset: number): void {
    requireInput(
      batch.n === this.n,
      'coalitions',
      `expected coalitions over ${this.n} players, got ${batch.n}`,
    );
    const present = this.present;
    const w = batch.words;
    const base = k * w;
    let count = 0;
    for (let i = 0; i < this.n; i++) count += present[i] = (batch.data[base + (i >>> 5)] >>> (i & 31)) & 1;
    // Copy whichever of image and baseline covers more players in one block, then patch the
    // other players' runs in: a memcpy plus at most half of the runs.
    const fillPresent = count <= this.n - count;
    out.set(fillPresent ? this.baseline : this.x, offset);
    const src = fillPresent ? this.x : this.baseline;
    const want = fillPresent ? 1 : 0;
    const { runStart, runOffset, runLength } = this;
    for (let p = 0; p < this.n; p++) {
      if (present[p] !== want) continue;
      for (let r = runStart[p]; r < runStart[p + 1]; r++) {
        const o = runOffset[r];
        const end = o + runLength[r];
        for (let e = o; e < end; e++) out[offset + e] = src[e];
      }
    }
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    const B = end - start;
    const size = this.x.length;
    // Its own buffer per batch in flight (the Evaluator may prepare batch k+1 while batch k runs),
    // reused once the game gives it back; maskInto writes every element.
    const out = this.buffers.acquire(B * size);
    for (let k = start; k < end; k++) this.maskInto(batch, k, out, (k - start) * size);
    return { [this.inputName]: float32Tensor(out, batchDims(this.shape, B)) };
  }

  /** Takes back a batch's buffer for reuse (see `Masker.recycle`). */
  recycle(inputs: NamedTensors): void {
    this.buffers.releaseInputs(inputs);
  }
}

/** Groups the values of an image into maximal runs of consecutive indices owned by one player. */
function playerRuns(
  owner: Int32Array,
  n: number,
): { start: Int32Array; offset: Int32Array; length: Int32Array } {
  const perPlayer: number[][] = Array.from({ length: n }, () => []);
  let e = 0;
  while (e < owner.length) {
    const p = owner[e];
    requireInput(
      Number.isInteger(p) && p >= 0 && p < n,
      'playerOfElement',
      `entry ${e} is ${p}, outside [0, ${n})`,
    );
    let f = e + 1;
    while (f < owner.length && owner[f] === p) f++;
    perPlayer[p].push(e, f - e);
    e = f;
  }
  const total = perPlayer.reduce((a, r) => a + r.length / 2, 0);
  const start = new Int32Array(n + 1);
  const offset = new Int32Array(total);
  const length = new Int32Array(total);
  let t = 0;
  for (let p = 0; p < n; p++) {
    start[p] = t;
    for (let q = 0; q < perPlayer[p].length; q += 2) {
      offset[t] = perPlayer[p][q];
      length[t++] = perPlayer[p][q + 1];
    }
  }
  start[n] = t;
  return { start, offset, length };
}
