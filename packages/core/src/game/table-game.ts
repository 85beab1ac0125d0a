import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Game } from './game.js';

/** Largest `n` whose full table we agree to hold in memory. */
export const MAX_TABLE_PLAYERS = 26;

/** A game given by its full table: `values[mask] = v(S)`, bit `i` of `mask` ⇔ `i ∈ S`. */
export class TableGame implements Game {
  readonly n: number;
  readonly values: Float64Array;

  constructor(n: number, values: ArrayLike<number>) {
    requireInput(
      Number.isInteger(n) && n >= 0 && n <= MAX_TABLE_PLAYERS,
      'n',
      `expected an integer in [0, ${MAX_TABLE_PLAYERS}], got ${n}`,
    );
    requireInput(
      values.length === 2 ** n,
      'values',
      `expected 2^n = ${2 ** n} entries for n = ${n}, got ${values.length}`,
    );
    const v = Float64Array.from(values);
    for (let k = 0; k < v.length; k++) {
      requireInput(Number.isFinite(v[k]), `values[${k}]`, `expected a finite number, got ${values[k]}`);
    }
    this.n = n;
    this.values = v;
  }

  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    return this.evaluateSync(batch);
  }

  /** Synchronous evaluation (a table needs no waiting). */
  evaluateSync(batch: CoalitionBatch): Float64Array {
    const out = new Float64Array(batch.count);
    for (let k = 0; k < batch.count; k++) out[k] = this.values[batch.mask(k)];
    return out;
  }
}
