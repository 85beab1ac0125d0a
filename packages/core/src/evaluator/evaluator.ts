import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { BudgetExceededError, requireInput } from '../errors/errors.js';

/** Evaluates coalitions `[start, end)` of a batch (the unique, not-yet-known ones). */
export type BatchValueFunction = (batch: CoalitionBatch, start: number, end: number) => Promise<Float64Array>;

/** Optional evaluation stage split so that preparing batch k+1 overlaps running batch k. */
export interface PipelinedValueFunction<P> {
  /** Synchronous preparation (e.g. masking) of coalitions `[start, end)`. */
  prepare(batch: CoalitionBatch, start: number, end: number): P;
  /** Asynchronous execution (e.g. the model call) of a prepared batch. */
  execute(prepared: P, count: number): Promise<Float64Array>;
}

/** Progress of an evaluation, reported after every model batch. */
export interface EvaluationProgress {
  /** Model calls (coalitions sent to the model) so far, over the Evaluator's lifetime. */
  readonly modelCalls: number;
  /** Unique coalitions of the current request done so far. */
  readonly done: number;
  /** Unique coalitions the current request needs. */
  readonly total: number;
}

/** Options of an {@link Evaluator}. */
export interface EvaluatorOptions {
  /** Coalitions per model call (default 256). */
  batchSize?: number;
  /** Hard limit on model calls over the Evaluator's lifetime; exceeding it throws before calling. */
  budget?: number;
  /** Keep every value computed, so a coalition is never evaluated twice (default true). */
  cache?: boolean;
  /**
   * Most values memoised beyond the dense range (`n > 20`), default 1 000 000 (about 150 MB of
   * 256-player keys). Past it, new values are still de-duplicated within a request but no longer
   * kept; the first ones (usually the most shared: `v(∅)`, singletons, full sets) stay.
   */
  cacheLimit?: number;
  /** Called after every model batch. */
  onProgress?: (p: EvaluationProgress) => void;
  /** Stops the run between batches. */
  signal?: AbortSignal;
}

/** Largest `n` for which coalition values are memoised in dense arrays indexed by the mask. */
export const DENSE_MEMO_MAX_PLAYERS = 20;

/**
 * Memo of computed values. Up to {@link DENSE_MEMO_MAX_PLAYERS} players it is a pair of dense
 * arrays indexed by the coalition mask (a hash map costs more per lookup than a small model's
 * forward pass); beyond, a `Map` keyed by {@link CoalitionBatch.key}.
 */
class ValueMemo {
  private readonly dense?: { values: Float64Array; known: Uint8Array; pending: Int32Array };
  private readonly map = new Map<number | string, number>();
  private count = 0;

  constructor(
    n: number,
    private readonly limit: number,
  ) {
    if (n <= DENSE_MEMO_MAX_PLAYERS) {
      const size = 2 ** n;
      this.dense = {
        values: new Float64Array(size),
        known: new Uint8Array(size),
        pending: new Int32Array(size).fill(-1),
      };
    }
  }

  get size(): number {
    return this.dense ? this.count : this.map.size;
  }

  /**
   * Splits a request into cached values (written to `out`) and unique unknown coalitions
   * (appended to `unique`), recording for each request item its slot in `unique` (−1 if cached).
   */
  plan(
    batch: CoalitionBatch,
    useCache: boolean,
    out: Float64Array,
    slotOf: Int32Array,
    unique: CoalitionBatch,
  ): void {
    const d = this.dense;
    if (d) {
      // Dense range (n ≤ 20): one word per coalition, and `unique` was allocated with room for
      // every coalition of the batch, so masks are written straight into its words. Locals, not
      // fields, in the loop: this runs for every coalition a small model sees.
      const data = batch.data;
      const w = batch.words;
      const known = d.known;
      const values = d.values;
      const pending = d.pending;
      const udata = unique.data;
      let u = unique.count;
      for (let k = 0, count = batch.count; k < count; k++) {
        const mask = data[k * w];
        if (useCache && known[mask] === 1) {
          out[k] = values[mask];
          slotOf[k] = -1;
          continue;
        }
        let slot = pending[mask];
        if (slot < 0) {
          slot = u;
          udata[u++] = mask;
          pending[mask] = slot;
        }
        slotOf[k] = slot;
      }
      unique.count = u;
      for (let s = 0; s < u; s++) pending[udata[s]] = -1;
      return;
    }
    const keyToSlot = new Map<number | string, number>();
    for (let k = 0; k < batch.count; k++) {
      const key = batch.key(k);
      const cached = useCache ? this.map.get(key) : undefined;
      if (cached !== undefined) {
        out[k] = cached;
        slotOf[k] = -1;
        continue;
      }
      let slot = keyToSlot.get(key);
      if (slot === undefined) {
        slot = unique.pushFrom(batch, k);
        keyToSlot.set(key, slot);
      }
      slotOf[k] = slot;
    }
  }

  /** Stores the values of the unique coalitions. */
  store(unique: CoalitionBatch, values: Float64Array): void {
    const d = this.dense;
    if (d) {
      const udata = unique.data;
      const known = d.known;
      const stored = d.values;
      let added = 0;
      for (let s = 0, count = unique.count; s < count; s++) {
        const mask = udata[s];
        added += 1 - known[mask];
        stored[mask] = values[s];
        known[mask] = 1;
      }
      this.count += added;
      return;
    }
    for (let s = 0; s < unique.count && this.map.size < this.limit; s++)
      this.map.set(unique.key(s), values[s]);
  }
}

/**
 * The single place where coalitions become values. It de-duplicates coalitions (within a request
 * and, with the cache, across requests of the same input), packs them into batches, keeps request
 * order, counts model calls, enforces a budget, reports progress, and overlaps the preparation of
 * the next batch with the execution of the current one.
 */
export class Evaluator {
  private readonly fn: BatchValueFunction | PipelinedValueFunction<unknown>;
  private readonly batchSize: number;
  private readonly budget: number;
  private readonly useCache: boolean;
  private readonly cacheLimit: number;
  private readonly onProgress?: (p: EvaluationProgress) => void;
  private readonly signal?: AbortSignal;
  private memo?: ValueMemo;
  private players?: number;
  private calls = 0;

  constructor(fn: BatchValueFunction | PipelinedValueFunction<unknown>, options: EvaluatorOptions = {}) {
    const batchSize = options.batchSize ?? 256;
    requireInput(
      Number.isInteger(batchSize) && batchSize > 0,
      'batchSize',
      `expected a positive integer, got ${batchSize}`,
    );
    const budget = options.budget ?? Infinity;
    requireInput(
      budget === Infinity || (Number.isInteger(budget) && budget >= 0),
      'budget',
      `expected a non-negative integer, got ${budget}`,
    );
    this.fn = fn;
    this.batchSize = batchSize;
    this.budget = budget;
    this.useCache = options.cache ?? true;
    this.cacheLimit = options.cacheLimit ?? 1_000_000;
    requireInput(
      this.cacheLimit >= 0,
      'cacheLimit',
      `expected a non-negative number of values, got ${this.cacheLimit}`,
    );
    this.onProgress = options.onProgress;
    this.signal = options.signal;
  }

  /** Model calls made so far. */
  get modelCalls(): number {
    return this.calls;
  }

  /** Values memoised so far. */
  get cachedValues(): number {
    return this.memo?.size ?? 0;
  }

  /** Values of every coalition of `batch`, in order. */
  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    // One Evaluator serves one input, hence one player count.
    this.memo ??= new ValueMemo(batch.n, this.cacheLimit);
    requireInput(
      this.players === undefined || this.players === batch.n,
      'batch.n',
      `this Evaluator serves ${this.players} players, got a batch over ${batch.n}`,
    );
    this.players = batch.n;
    const out = new Float64Array(batch.count);
    const slotOf = new Int32Array(batch.count);
    const unique = new CoalitionBatch(batch.n, Math.max(1, batch.count));
    this.memo.plan(batch, this.useCache, out, slotOf, unique);
    const total = unique.count;
    if (total === 0) return out;
    if (this.calls + total > this.budget) throw new BudgetExceededError(this.budget, this.calls + total);

    // Every coalition new and distinct (the usual case of a sampler's request): `plan` gives slots
    // in request order, so slot k is coalition k and the values are the answer, with no scatter.
    const values = await this.runBatches(unique, total, total === batch.count ? out : undefined);
    if (values !== out) for (let k = 0; k < batch.count; k++) if (slotOf[k] >= 0) out[k] = values[slotOf[k]];
    if (this.useCache) this.memo.store(unique, values);
    return out;
  }

  private async runBatches(
    unique: CoalitionBatch,
    total: number,
    values = new Float64Array(total),
  ): Promise<Float64Array> {
    const B = this.batchSize;
    const fn = this.fn;
    const report = (done: number) => this.onProgress?.({ modelCalls: this.calls, done, total });
    if (typeof fn === 'function') {
      for (let start = 0; start < total; start += B) {
        this.checkAbort();
        const end = Math.min(total, start + B);
        values.set(await fn(unique, start, end), start);
        this.calls += end - start;
        report(end);
      }
      return values;
    }
    // Pipelined: prepare batch k+1 while batch k executes.
    let start = 0;
    let end = Math.min(total, B);
    let prepared = fn.prepare(unique, start, end);
    while (start < total) {
      this.checkAbort();
      const running = fn.execute(prepared, end - start);
      const nextStart = end;
      const nextEnd = Math.min(total, nextStart + B);
      if (nextStart < total) prepared = fn.prepare(unique, nextStart, nextEnd);
      values.set(await running, start);
      this.calls += end - start;
      report(end);
      start = nextStart;
      end = nextEnd;
    }
    return values;
  }

  private checkAbort(): void {
    if (this.signal?.aborted) {
      const reason = this.signal.reason;
      throw reason instanceof Error ? reason : new Error('evaluation aborted');
    }
  }
}
