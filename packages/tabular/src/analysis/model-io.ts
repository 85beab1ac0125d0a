import {
  predictedClass,
  float32Tensor,
  OrderlensInputError,
  requireInput,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
} from '@orderlens/core';

/**
 * A runner wrapper that measures the wall time spent inside `run` (the runtime's share of an
 * analysis, reported by benchmarks) and turns the first failure into a clear input-width error.
 */
export class TimedRunner implements ModelRunner {
  readonly backend: string;
  readonly inputNames: readonly string[];
  /** Milliseconds spent inside the wrapped runner's `run`. */
  runtimeMs = 0;
  /** Rows run so far. */
  rows = 0;
  private succeeded = false;

  constructor(
    private readonly inner: ModelRunner,
    private readonly featureNames?: readonly string[],
  ) {
    this.backend = inner.backend;
    this.inputNames = inner.inputNames;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const t0 = performance.now();
    let out: ModelOutput;
    try {
      out = await this.inner.run(inputs);
    } catch (err) {
      if (this.succeeded) throw err;
      const first = Object.values(inputs)[0];
      const width = first?.dims[first.dims.length - 1];
      const names = this.featureNames ? ` (${this.featureNames.join(', ')})` : '';
      throw new OrderlensInputError(
        'model',
        `the ${this.inner.backend} model failed on inputs of width ${width}${names}; check that the model was trained on this schema: ${(err as Error).message}`,
      );
    }
    this.runtimeMs += performance.now() - t0;
    this.rows += out.rows;
    this.succeeded = true;
    return out;
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** Options of {@link predictRows}. */
export interface PredictOptions {
  /** Model input name (default: the runner's first input). */
  inputName?: string;
  /** Rows per model call (default 4096). */
  batchSize?: number;
}

/** Logits and predicted classes of `rows × featureCount` inputs. */
export interface Predictions {
  readonly logits: Float32Array;
  readonly classes: number;
  /** Arg-max class per row (for one-logit sigmoid models: 1 when the logit is positive). */
  readonly predicted: Int32Array;
}

/**
 * Runs a model on rows in batches. Throws an {@link OrderlensInputError} when the model does not
 * take inputs of this width or returns a wrong number of rows.
 */
export async function predictRows(
  runner: ModelRunner,
  x: Float32Array,
  featureCount: number,
  options: PredictOptions = {},
): Promise<Predictions> {
  requireInput(
    Number.isInteger(featureCount) && featureCount > 0,
    'featureCount',
    `expected a positive integer, got ${featureCount}`,
  );
  requireInput(
    x.length % featureCount === 0,
    'x',
    `has ${x.length} values, not a multiple of ${featureCount} inputs per row`,
  );
  const name = options.inputName ?? runner.inputNames[0] ?? 'x';
  const rows = x.length / featureCount;
  const B = options.batchSize ?? 4096;
  let logits: Float32Array | undefined;
  let classes = 0;
  const timed = runner instanceof TimedRunner ? runner : new TimedRunner(runner);
  for (let s = 0; s < rows; s += B) {
    const e = Math.min(rows, s + B);
    const out = await timed.run({
      [name]: float32Tensor(x.slice(s * featureCount, e * featureCount), [e - s, featureCount]),
    });
    requireInput(out.rows === e - s, 'model output', `expected ${e - s} rows, got ${out.rows}`);
    if (!logits) {
      classes = out.classes;
      logits = new Float32Array(rows * classes);
    }
    logits.set(out.data, s * classes);
  }
  const predicted = new Int32Array(rows);
  const all = { data: logits ?? new Float32Array(0), rows, classes };
  for (let r = 0; r < rows; r++) predicted[r] = predictedClass(all, r);
  return { logits: logits ?? new Float32Array(0), classes, predicted };
}

/** Fraction of rows whose predicted class equals the label. */
export function accuracy(predicted: Int32Array, y: Int32Array): number {
  requireInput(
    predicted.length === y.length,
    'y',
    `has ${y.length} labels for ${predicted.length} predictions`,
  );
  let ok = 0;
  for (let r = 0; r < y.length; r++) if (predicted[r] === y[r]) ok++;
  return y.length ? ok / y.length : 0;
}

/**
 * Indices of up to `count` correctly classified rows, in row order. With `balance`, classes take
 * turns (as the interaction-concept code's "up to k per class"), so a small `count` still covers
 * every class; a class short of rows leaves its turns to the others.
 */
export function selectCorrect(predicted: Int32Array, y: Int32Array, count: number, balance = true): number[] {
  requireInput(Number.isInteger(count) && count > 0, 'samples', `expected a positive integer, got ${count}`);
  const byClass = new Map<number, number[]>();
  for (let r = 0; r < y.length; r++) {
    if (predicted[r] !== y[r]) continue;
    const list = byClass.get(y[r]) ?? [];
    list.push(r);
    byClass.set(y[r], list);
  }
  if (!balance)
    return [...byClass.values()]
      .flat()
      .sort((a, b) => a - b)
      .slice(0, count);
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const out: number[] = [];
  const pos = queues.map(() => 0);
  while (out.length < count) {
    let took = false;
    for (let q = 0; q < queues.length && out.length < count; q++) {
      if (pos[q] < queues[q].length) {
        out.push(queues[q][pos[q]++]);
        took = true;
      }
    }
    if (!took) break;
  }
  return out.sort((a, b) => a - b);
}
