import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { CoalitionTable } from './coalition-table.js';

/** Options of {@link DeltaEvaluator}. */
export interface DeltaEvaluatorOptions {
  /** Contexts (4 coalitions each) per `game.evaluate` request. */
  readonly contextsPerRequest: number;
  /** Coalitions the request buffer is sized for (default `4 · contextsPerRequest`). */
  readonly capacity?: number;
  /**
   * Remember every coalition of the run in one table, so that none is evaluated twice whatever
   * the request size (shared mode, the adaptive sampler). Without it each request is sent as
   * built (reference mode: its coalitions are almost never repeated).
   */
  readonly dedupe: boolean;
  /** Receives each context's `Δv` in the order the contexts were added. */
  readonly onDelta: (unit: number, delta: number) => void;
  /** Called after every request, once its `Δv` are delivered. */
  readonly onFlushed?: () => void;
  /** Stops the run between requests. */
  readonly signal?: AbortSignal;
}

/**
 * The loop the multi-order samplers share: contexts in, `Δv(i, j, S)` out.
 *
 * {@link add} queues the four coalitions `S, S ∪ {i}, S ∪ {j}, S ∪ {i, j}` of one context; once
 * `contextsPerRequest` contexts are queued (or on {@link flush}) they go to `game.evaluate` in one
 * request and each context's `Δv = v(S ∪ {i, j}) − v(S ∪ {i}) − v(S ∪ {j}) + v(S)` is handed to
 * `onDelta` with the unit it was added for, in the order added. The arithmetic and its order are
 * fixed here, so every sampler built on it gives the same bits for the same coalition values.
 */
export class DeltaEvaluator {
  private readonly game: Game;
  private readonly options: DeltaEvaluatorOptions;
  private readonly batch: CoalitionBatch;
  private readonly table?: CoalitionTable;
  private readonly unitOf: Int32Array;
  private readonly slots: Int32Array;
  private pending = 0;
  private chunkStart = 0;
  /** Contexts whose `Δv` has been delivered. */
  done = 0;
  /** Coalitions sent to `game.evaluate`. */
  requested = 0;

  constructor(game: Game, words: number, options: DeltaEvaluatorOptions) {
    this.game = game;
    this.options = options;
    const perRequest = options.contextsPerRequest;
    this.batch = new CoalitionBatch(game.n, options.capacity ?? 4 * perRequest);
    this.table = options.dedupe ? new CoalitionTable(words) : undefined;
    this.unitOf = new Int32Array(perRequest);
    this.slots = new Int32Array(4 * perRequest);
  }

  /** Queues context `ctx` (a bitset without `i`, `j`; left unchanged) of pair `(i, j)` for `unit`. */
  async add(ctx: Uint32Array, i: number, j: number, unit: number): Promise<void> {
    const slots = this.slots;
    const s = 4 * this.pending;
    slots[s] = this.push(ctx);
    ctx[i >>> 5] |= 1 << (i & 31);
    slots[s + 1] = this.push(ctx);
    ctx[j >>> 5] |= 1 << (j & 31);
    slots[s + 3] = this.push(ctx);
    ctx[i >>> 5] &= ~(1 << (i & 31));
    slots[s + 2] = this.push(ctx);
    ctx[j >>> 5] &= ~(1 << (j & 31));
    this.unitOf[this.pending++] = unit;
    if (this.pending === this.options.contextsPerRequest) await this.flush();
  }

  /** Evaluates the queued contexts and delivers their `Δv`. */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const { signal } = this.options;
    if (signal?.aborted) {
      const reason = signal.reason;
      throw reason instanceof Error ? reason : new Error('sampling aborted');
    }
    const batch = this.batch;
    const evaluated = batch.count > 0 ? await this.game.evaluate(batch) : new Float64Array(0);
    requireInput(
      evaluated.length === batch.count,
      'game.evaluate',
      `returned ${evaluated.length} values for ${batch.count} coalitions`,
    );
    this.requested += batch.count;
    let v: ArrayLike<number> = evaluated;
    if (this.table) {
      this.table.setValues(this.chunkStart, evaluated);
      v = this.table.values;
    }
    const slots = this.slots;
    const onDelta = this.options.onDelta;
    for (let c = 0; c < this.pending; c++) {
      const s = 4 * c;
      onDelta(this.unitOf[c], v[slots[s + 3]] - v[slots[s + 1]] - v[slots[s + 2]] + v[slots[s]]);
    }
    this.done += this.pending;
    this.pending = 0;
    this.chunkStart += batch.count;
    batch.count = 0;
    this.options.onFlushed?.();
  }

  /** Slot of one coalition: its index in the request, or its run-wide id when deduplicating. */
  private push(words: Uint32Array): number {
    const table = this.table;
    if (!table) return this.batch.pushWords(words);
    const before = table.size;
    const id = table.intern(words);
    if (table.size > before) this.batch.pushWords(words);
    return id;
  }
}
