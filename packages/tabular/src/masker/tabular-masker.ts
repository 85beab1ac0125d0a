import {
  float32Tensor,
  requireInput,
  type CoalitionBatch,
  type Masker,
  type NamedTensors,
} from '@orderlens/core';
import { Float32BufferPools } from '@orderlens/core/math';

/** Options of {@link TabularMasker}. */
export interface TabularMaskerOptions {
  /** Values of absent players' inputs, one per model input (see `tabularBaseline`). */
  baseline: ArrayLike<number>;
  /** Name of the model input (default `x`). */
  inputName?: string;
  /**
   * Player owning each model input (default: input `f` is player `f`). Inputs with −1 are never
   * masked. Players are numbered `0 … n−1` and every player must own at least one input.
   */
  playerOfFeature?: ArrayLike<number>;
}

/**
 * Masks one tabular row: in every coalition, inputs of present players keep the row's values and
 * inputs of absent players take the baseline. The output is one float32 tensor `[batch, d]`.
 *
 * One buffer per batch (never per coalition), reused once the game gives it back through
 * {@link TabularMasker.recycle} (the model is done with it); until then every batch gets its own,
 * because the Evaluator may prepare batch k+1 while batch k still runs.
 */
export class TabularMasker implements Masker {
  readonly n: number;
  /** Model inputs per row. */
  readonly d: number;
  readonly inputName: string;
  private readonly x: Float32Array;
  private readonly baseline: Float32Array;
  private readonly owner: Int32Array;
  private readonly choice: Float32Array;
  /** `choice` as 32-bit patterns, for the masking loop. */
  private readonly choiceBits: Int32Array;
  private readonly bitPlayer: Int32Array;
  private readonly buffers = new Float32BufferPools();

  constructor(x: ArrayLike<number>, options: TabularMaskerOptions) {
    const d = x.length;
    requireInput(d > 0, 'x', 'the row to mask is empty');
    requireInput(
      options.baseline.length === d,
      'baseline',
      `has ${options.baseline.length} values but the row has ${d} inputs`,
    );
    this.x = Float32Array.from(x);
    this.baseline = Float32Array.from(options.baseline);
    for (let f = 0; f < d; f++) {
      requireInput(Number.isFinite(this.x[f]), 'x', `input ${f} is ${x[f]}, expected a finite number`);
      requireInput(
        Number.isFinite(this.baseline[f]),
        'baseline',
        `value ${f} is ${options.baseline[f]}, expected a finite number`,
      );
    }
    const owner = options.playerOfFeature
      ? Int32Array.from(options.playerOfFeature)
      : Int32Array.from({ length: d }, (_v, f) => f);
    requireInput(
      owner.length === d,
      'playerOfFeature',
      `has ${owner.length} entries but the row has ${d} inputs`,
    );
    let n = 0;
    for (const p of owner) {
      requireInput(
        Number.isInteger(p) && p >= -1,
        'playerOfFeature',
        `entries must be player indices or −1, got ${p}`,
      );
      n = Math.max(n, p + 1);
    }
    const owned = new Uint8Array(n);
    for (const p of owner) if (p >= 0) owned[p] = 1;
    requireInput(
      n > 0 && owned.every((o) => o === 1),
      'playerOfFeature',
      'players must be numbered 0 … n−1 with every player owning an input',
    );
    this.n = n;
    this.d = d;
    this.owner = owner;
    this.choice = new Float32Array(2 * d);
    this.bitPlayer = new Int32Array(d);
    for (let f = 0; f < d; f++) {
      this.choice[2 * f] = owner[f] < 0 ? this.x[f] : this.baseline[f];
      this.choice[2 * f + 1] = this.x[f];
      this.bitPlayer[f] = Math.max(0, owner[f]);
    }
    this.choiceBits = new Int32Array(this.choice.buffer);
    this.inputName = options.inputName ?? 'x';
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    requireInput(batch.n === this.n, 'coalitions', `are over ${batch.n} players, the masker has ${this.n}`);
    const d = this.d;
    const rows = end - start;
    // Every element is written below, so a recycled buffer's stale values never show.
    const out = this.buffers.acquire(rows * d);
    // The values are copied as their 32-bit patterns (Int32 views of the same buffers): a float32
    // load and store would convert to float64 and back, which V8 does not elide, and this loop is
    // a visible share of a small model's cost. Bit-identical to copying the floats.
    const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
    const words = batch.words;
    const data = batch.data;
    // Branch-free: `choice[2f + bit]` is the baseline (bit 0) or the row's value (bit 1), so random
    // coalitions cost no mispredicted branches; inputs never masked read bit 0 of player 0 and
    // hold the row's value in both slots. Locals, not fields, in this loop on every model call.
    const choice = this.choiceBits;
    const player = this.bitPlayer;
    if (words === 1) {
      for (let k = 0, o = 0; k < rows; k++) {
        const w = data[start + k];
        for (let f = 0; f < d; f++, o++) bits[o] = choice[2 * f + ((w >>> player[f]) & 1)];
      }
    } else {
      for (let k = 0, o = 0; k < rows; k++) {
        const base = (start + k) * words;
        for (let f = 0; f < d; f++, o++) {
          const p = player[f];
          bits[o] = choice[2 * f + ((data[base + (p >>> 5)] >>> (p & 31)) & 1)];
        }
      }
    }
    return { [this.inputName]: float32Tensor(out, [rows, d]) };
  }

  /** Takes back a batch's buffer for reuse (see `Masker.recycle`). */
  recycle(inputs: NamedTensors): void {
    this.buffers.releaseInputs(inputs);
  }
}
