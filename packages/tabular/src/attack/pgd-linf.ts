import {
  ModelGateway,
  OrderlensInputError,
  predictedClass,
  requireInput,
  requirePositiveInt,
  type CallCounts,
  type CountedRunner,
  type ModelRunner,
} from '@orderlens/core';

/** Where an attack is: step `step` of `steps` of batch `batch` of `batches` (1-based). */
export interface PgdProgress {
  readonly batch: number;
  readonly batches: number;
  readonly step: number;
  readonly steps: number;
}

/** Options of {@link pgdLinf}. */
export interface PgdLinfOptions {
  /**
   * The classifier under attack (first output = logits): any runner with the `inputGradients`
   * capability (tfjs LayersModels have it; ONNX Runtime gives no gradients).
   */
  readonly runner: ModelRunner;
  /** Clean inputs, `N × featureCount` row-major. */
  readonly x: Float32Array;
  /** True labels, length `N`. */
  readonly y: Int32Array;
  readonly featureCount: number;
  /**
   * L∞ radius (default 0.6, the papers' census setting), or one radius per feature (length
   * `featureCount`): ε given in each feature's raw units becomes `ε/σ_f` on z-scored inputs.
   */
  readonly eps?: number | Float32Array;
  /** Number of steps (default 100). */
  readonly steps?: number;
  /** Size of each sign step (default 0.01), or one per feature, as `eps`. */
  readonly stepSize?: number | Float32Array;
  /** Rows attacked at once (default 1024); does not change the result. */
  readonly batchSize?: number;
  /**
   * Keep every feature inside a range (length `featureCount` each), e.g. the data's per-feature
   * minimum and maximum, after every step, so that PGD cannot leave the values real rows take
   * (the `get_tabular_dataset_bound` of the authors' Learn repository computes such bounds).
   * Default: no clipping, only the ε-ball projection.
   */
  readonly clip?: { readonly min: Float32Array; readonly max: Float32Array };
  /**
   * Counts the model rows PGD runs, as `attack`: each step one forward-and-gradient row per
   * attacked row, and one prediction per row for each of the clean and adversarial accuracies
   * (default: a gateway of its own; its counts are returned as `modelCalls` either way).
   */
  readonly gateway?: ModelGateway;
  /** Called after every step (a few a second on census rows), e.g. for a progress line. */
  readonly onProgress?: (p: PgdProgress) => void;
}

/** What {@link pgdLinf} returns. */
export interface PgdLinfResult {
  /** Adversarial inputs, same layout as `x`; every value within `eps` of `x`. */
  readonly adversarial: Float32Array;
  /** Accuracy on `x`. */
  readonly cleanAccuracy: number;
  /** Accuracy on `adversarial`. */
  readonly adversarialAccuracy: number;
  /** Model rows this attack ran, by purpose (all `attack`): `N·(steps + 2)`. */
  readonly modelCalls: CallCounts;
}

/**
 * Untargeted PGD under L∞ (Madry et al.): starting at `x` (no random start),
 * `x ← Π_{‖x−x0‖∞≤ε}(x + α·sign(∇_x CE(f(x), y)))`, projecting after every step. Inputs are
 * clipped to a data range only with `clip` (then the projection is onto the intersection of the
 * ε-ball and the box, which is a box too: `[max(x0−ε, min), min(x0+ε, max)]`).
 *
 * The gradient comes from the runner's `inputGradients` capability, so this runs on any runtime
 * that has one. The step and the projection are float32 arithmetic (each sum rounded once to
 * float32, as a float32 tensor op rounds it), so the adversarial rows are those the same steps
 * give as tensor ops.
 */
export async function pgdLinf(options: PgdLinfOptions): Promise<PgdLinfResult> {
  const { x, y, featureCount: d } = options;
  const eps = options.eps ?? 0.6;
  const steps = options.steps ?? 100;
  const stepSize = options.stepSize ?? 0.01;
  const batchSize = options.batchSize ?? 1024;
  const gateway = options.gateway ?? new ModelGateway();
  const before = gateway.calls;
  requirePositiveInt(d, 'featureCount');
  checkRadius(eps, 'eps', d, (v) => v >= 0, 'a finite number ≥ 0');
  requireInput(Number.isInteger(steps) && steps >= 0, 'steps', `expected an integer ≥ 0, got ${steps}`);
  checkRadius(stepSize, 'stepSize', d, (v) => v > 0, 'a positive number');
  requirePositiveInt(batchSize, 'batchSize');
  requireInput(x instanceof Float32Array, 'x', 'expected a Float32Array');
  requireInput(y instanceof Int32Array, 'y', 'expected an Int32Array of class labels');
  requireInput(
    x.length === y.length * d,
    'x',
    `expected ${y.length} rows × ${d} features = ${y.length * d} values, got ${x.length}`,
  );
  requireInput(y.length > 0, 'y', 'expected at least one sample');
  const clip = options.clip;
  if (clip !== undefined) {
    requireInput(
      clip.min instanceof Float32Array &&
        clip.max instanceof Float32Array &&
        clip.min.length === d &&
        clip.max.length === d,
      'clip',
      `expected Float32Array min and max of length featureCount = ${d}`,
    );
    for (let f = 0; f < d; f++)
      requireInput(
        clip.min[f] <= clip.max[f],
        'clip',
        `feature ${f} has min ${clip.min[f]} above max ${clip.max[f]}`,
      );
  }
  const runner = gateway.wrap(options.runner, 'attack');
  const gradients = runner.capabilities?.inputGradients;
  if (gradients === undefined)
    throw new OrderlensInputError(
      'model',
      `the ${options.runner.backend} runtime gives no input gradients, which PGD needs; attack a tfjs model.json (e.g. from "orderlens train tabular")`,
    );
  const inputName = runner.inputNames[0] ?? 'x';
  // Per feature as float32, the values a float32 tensor of the scalar or the array holds.
  const epsOf = perFeature(eps, d);
  const stepOf = perFeature(stepSize, d);
  const n = y.length;
  const adversarial = new Float32Array(x.length);
  const batches = Math.ceil(n / batchSize);
  for (let start = 0, batch = 1; start < n; start += batchSize, batch++) {
    const B = Math.min(batchSize, n - start);
    const x0 = x.subarray(start * d, (start + B) * d);
    const labels = y.subarray(start, start + B);
    // The box of every value: ε-ball ∩ data range, rounded to float32 as `x0 − ε` is.
    const lo = new Float32Array(B * d);
    const hi = new Float32Array(B * d);
    for (let k = 0; k < B * d; k++) {
      const f = k % d;
      lo[k] = clip ? Math.max(Math.fround(x0[k] - epsOf[f]), clip.min[f]) : x0[k] - epsOf[f];
      hi[k] = clip ? Math.min(Math.fround(x0[k] + epsOf[f]), clip.max[f]) : x0[k] + epsOf[f];
    }
    const xa = Float32Array.from(x0);
    for (let s = 0; s < steps; s++) {
      const { gradient } = await gradients.crossEntropyGradient(
        { [inputName]: { type: 'float32', data: xa, dims: [B, d] } },
        inputName,
        labels,
      );
      for (let k = 0; k < B * d; k++) {
        // fround: the step's sum rounded to float32 before the box, as a tensor op would.
        const moved = Math.fround(xa[k] + gradientSign(gradient[k]) * stepOf[k % d]);
        xa[k] = Math.min(Math.max(moved, lo[k]), hi[k]);
      }
      options.onProgress?.({ batch, batches, step: s + 1, steps });
    }
    adversarial.set(xa, start * d);
  }
  const cleanAccuracy = await accuracy(runner, inputName, x, y, d, batchSize);
  const adversarialAccuracy = await accuracy(runner, inputName, adversarial, y, d, batchSize);
  const after = gateway.calls;
  const modelCalls = { ...after };
  for (const k of Object.keys(modelCalls) as Array<keyof CallCounts>) modelCalls[k] = after[k] - before[k];
  return { adversarial, cleanAccuracy, adversarialAccuracy, modelCalls };
}

/** Share of rows of `x` whose predicted class is `y` (in batches of `batchSize` rows). */
async function accuracy(
  runner: CountedRunner,
  inputName: string,
  x: Float32Array,
  y: Int32Array,
  d: number,
  batchSize: number,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < y.length; start += batchSize) {
    const B = Math.min(batchSize, y.length - start);
    const out = await runner.run({
      [inputName]: { type: 'float32', data: x.subarray(start * d, (start + B) * d), dims: [B, d] },
    });
    for (let r = 0; r < B; r++) if (predictedClass(out, r) === y[start + r]) correct++;
  }
  return correct / y.length;
}

/** float32's machine epsilon, 2^−23. */
const FLOAT32_EPSILON = 2 ** -23;

/**
 * The direction of one gradient entry: ±1, or 0 where `|g| < 2^−23`. That is tfjs's `sign` on
 * its WebAssembly backend, where every census attack of this project ran (`tf.sign(grad)` before
 * the attack took its gradients through the runner), so the adversarial rows stay the same bit for
 * bit; it now holds on every runtime. A gradient that small (a saturated softmax) is no direction.
 */
function gradientSign(g: number): number {
  return Math.abs(g) < FLOAT32_EPSILON ? 0 : Math.sign(g);
}

/** A radius or step as float32 per feature. */
function perFeature(v: number | Float32Array, d: number): Float32Array {
  return typeof v === 'number' ? new Float32Array(d).fill(v) : v;
}

/** A radius or step: one finite number, or one per feature (length `featureCount`). */
function checkRadius(
  v: number | Float32Array,
  field: string,
  featureCount: number,
  ok: (x: number) => boolean,
  expected: string,
): void {
  if (typeof v === 'number') {
    requireInput(Number.isFinite(v) && ok(v), field, `expected ${expected}, got ${v}`);
    return;
  }
  requireInput(
    v instanceof Float32Array && v.length === featureCount,
    field,
    `expected ${expected} or a Float32Array of length featureCount = ${featureCount}`,
  );
  v.forEach((x, f) =>
    requireInput(Number.isFinite(x) && ok(x), field, `feature ${f}: expected ${expected}, got ${x}`),
  );
}
