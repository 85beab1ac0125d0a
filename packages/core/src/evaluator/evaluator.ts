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

export interface EvaluatorOptions {
  /** Coalitions per model call (default 256). */
  batchSize?: number;
  /** Hard limit on model calls over the Evaluator's lifetime; exceeding it throws before calling. */
  budget?: number;
  /** Keep every value computed, so a coalition is never evaluated twice (default true). */
  cache?: boolean;
  /** Called after every model batch. */
  onProgress?: (p: EvaluationProgress) => void;
  /** Stops the run between batches. */
  signal?: AbortSignal;
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
  private readonly onProgress?: (p: EvaluationProgress) => void;
  private readonly signal?: AbortSignal;
  private readonly cache = new Map<number | string, number>();
  private calls = 0;

  constructor(fn: BatchValueFunction | PipelinedValueFunction<unknown>, options: EvaluatorOptions = {}) {
    const batchSize = options.batchSize ?? 256;
    requireInput(Number.isInteger(batchSize) && batchSize > 0, 'batchSize', `expected a positive integer, got ${batchSize}`);
    const budget = options.budget ?? Infinity;
    requireInput(budget === Infinity || (Number.isInteger(budget) && budget >= 0), 'budget', `expected a non-negative integer, got ${budget}`);
    this.fn = fn;
    this.batchSize = batchSize;
    this.budget = budget;
    this.useCache = options.cache ?? true;
    this.onProgress = options.onProgress;
    this.signal = options.signal;
  }

  /** Model calls made so far. */
  get modelCalls(): number {
    return this.calls;
  }

  /** Values memoised so far. */
  get cachedValues(): number {
    return this.cache.size;
  }

  /** Values of every coalition of `batch`, in order. */
  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    const out = new Float64Array(batch.count);
    // Map each requested coalition to a unique slot; slots already cached are filled at once.
    const slotOf = new Int32Array(batch.count);
    const keyToSlot = new Map<number | string, number>();
    const unique = new CoalitionBatch(batch.n, Math.min(batch.count, 1024));
    const uniqueKeys: Array<number | string> = [];
    for (let k = 0; k < batch.count; k++) {
      const key = batch.key(k);
      const cached = this.useCache ? this.cache.get(key) : undefined;
      if (cached !== undefined) {
        out[k] = cached;
        slotOf[k] = -1;
        continue;
      }
      let slot = keyToSlot.get(key);
      if (slot === undefined) {
        slot = unique.pushFrom(batch, k);
        keyToSlot.set(key, slot);
        uniqueKeys.push(key);
      }
      slotOf[k] = slot;
    }
    const total = unique.count;
    if (total === 0) return out;
    if (this.calls + total > this.budget) throw new BudgetExceededError(this.budget, this.calls + total);

    const values = await this.runBatches(unique, total);
    for (let k = 0; k < batch.count; k++) if (slotOf[k] >= 0) out[k] = values[slotOf[k]];
    if (this.useCache) for (let s = 0; s < total; s++) this.cache.set(uniqueKeys[s], values[s]);
    return out;
  }

  private async runBatches(unique: CoalitionBatch, total: number): Promise<Float64Array> {
    const values = new Float64Array(total);
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
