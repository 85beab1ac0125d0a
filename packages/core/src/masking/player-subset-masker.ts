import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Masker } from '../model/contracts.js';
import type { NamedTensors } from '../model/tensor.js';

/**
 * Some of a masker's players as the players of a smaller game; the others are always present.
 * The AND-OR papers take the 10 central patches of an 8×8 grid as players and keep the rest of
 * the image: this wraps the grid's masker so that player `t` of the small game is `players[t]` of
 * the large one.
 */
export class PlayerSubsetMasker implements Masker {
  readonly n: number;
  private readonly fixed: Uint32Array;
  private readonly words: number;

  constructor(
    private readonly inner: Masker,
    private readonly players: readonly number[],
  ) {
    requireInput(players.length > 0, 'players', 'expected at least one player');
    const seen = new Set<number>();
    for (const p of players) {
      requireInput(
        Number.isInteger(p) && p >= 0 && p < inner.n && !seen.has(p),
        'players',
        `expected distinct players in 0…${inner.n - 1}, got ${p}`,
      );
      seen.add(p);
    }
    this.n = players.length;
    this.words = Math.ceil(inner.n / 32);
    // Every player of the inner masker that is not one of ours is always present.
    this.fixed = new Uint32Array(this.words);
    for (let i = 0; i < inner.n; i++) if (!seen.has(i)) this.fixed[i >>> 5] |= 1 << (i & 31);
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    requireInput(
      batch.n === this.n,
      'coalitions',
      `expected coalitions over ${this.n} players, got ${batch.n}`,
    );
    const mapped = new CoalitionBatch(this.inner.n, Math.max(1, end - start));
    const row = new Uint32Array(this.words);
    for (let k = start; k < end; k++) {
      row.set(this.fixed);
      for (let t = 0; t < this.n; t++) {
        if ((batch.data[k * batch.words + (t >>> 5)] >>> (t & 31)) & 1) {
          const i = this.players[t];
          row[i >>> 5] |= 1 << (i & 31);
        }
      }
      mapped.pushWords(row);
    }
    return this.inner.mask(mapped, 0, end - start);
  }
}
