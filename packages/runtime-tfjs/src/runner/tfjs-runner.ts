import * as tf from '@tensorflow/tfjs';
import { twoClassLogits } from '../train/two-class-logits.js';
import {
  OrderlensInputError,
  requireInput,
  type InputGradientCapability,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
  type RunnerCapabilities,
  type TensorData,
} from '@orderlens/core';
import { tfjsBackendLabel } from '../backend/init-tfjs.js';
import { detectModelKind, loadGraphModel, loadLayersModel, type TfjsModelKind } from '../io/model-files.js';
import { matchInputs, toTfTensor, type InputSpec } from './input-tensors.js';

/**
 * Input elements one call may hand the WebAssembly backend (2²¹ floats, 8 MiB). Its memory is a
 * single linear heap of at most 4 GiB, and a convolutional network's activations are tens of
 * times its input: nsfwjs' MobileNetV2 (224×224×3) at the default 256 rows ran out of it
 * (`memory access out of bounds`) and worked at 16. Larger batches are split into calls of at
 * most this many elements (13 rows of 224×224×3, 682 of 32×32×3); the numbers never change.
 */
export const WASM_MAX_BATCH_ELEMENTS = 2 ** 21;

/** Options of {@link TfjsRunner.load}. */
export interface TfjsLoadOptions {
  /** Input elements per call on the wasm backend (default {@link WASM_MAX_BATCH_ELEMENTS}). */
  wasmMaxBatchElements?: number;
  /** Model format; `auto` (default) reads `format` / the topology of `model.json`. */
  kind?: TfjsModelKind | 'auto';
  /** Which output holds the logits when the model has several (default: the first). */
  outputName?: string;
}

/** Options of {@link TfjsRunner.fromModel}. */
export interface TfjsFromModelOptions {
  /** Which output holds the logits when the model has several (default: the first). */
  outputName?: string;
  /** Whether {@link TfjsRunner.dispose} disposes the model too (default false: the caller owns it). */
  ownsModel?: boolean;
  /** Input elements per call on the wasm backend (default {@link WASM_MAX_BATCH_ELEMENTS}). */
  wasmMaxBatchElements?: number;
}

/**
 * A {@link ModelRunner} over a TensorFlow.js LayersModel or GraphModel, on whatever backend
 * {@link initTfjs} chose. Every call converts the batch to tensors, runs the model, reads the
 * logits back as float32 and disposes every tensor it made (`numTensors` stays flat).
 *
 * LayersModels also declare the `inputGradients` capability (cross-entropy gradient with respect
 * to a float input, via `tf.grad`), which attacks use.
 */
export class TfjsRunner implements ModelRunner {
  readonly inputNames: readonly string[];
  /** The name of the output read as logits. */
  readonly outputName: string;
  /** The loaded model. */
  readonly model: tf.LayersModel | tf.GraphModel;
  readonly capabilities: RunnerCapabilities;
  private readonly specs: InputSpec[];
  private readonly outputIndex: number;
  private readonly ownsModel: boolean;
  private graphNeedsAsync = false;
  private disposed = false;
  private readonly wasmMaxElements: number;

  private constructor(
    model: tf.LayersModel | tf.GraphModel,
    outputName: string | undefined,
    ownsModel: boolean,
    wasmMaxElements = WASM_MAX_BATCH_ELEMENTS,
  ) {
    requireInput(
      Number.isInteger(wasmMaxElements) && wasmMaxElements > 0,
      'wasmMaxBatchElements',
      `expected a positive integer, got ${wasmMaxElements}`,
    );
    this.wasmMaxElements = wasmMaxElements;
    this.model = model;
    this.ownsModel = ownsModel;
    if (model instanceof tf.LayersModel) {
      // A Sequential leaves inputNames/outputNames empty; the layers' names are the same thing.
      this.specs = model.inputs.map((s, k) => ({
        name: model.inputNames[k] ?? s.sourceLayer.name,
        shape: s.shape,
        dtype: s.dtype === 'int32' ? 'int32' : 'float32',
      }));
      const outputs = model.outputs.map((s, k) => model.outputNames[k] ?? s.sourceLayer.name);
      this.outputIndex = pickOutput(outputs, outputName);
      this.outputName = outputs[this.outputIndex];
      const gradients: InputGradientCapability = {
        crossEntropyGradient: (inputs, name, labels) => this.crossEntropyGradient(inputs, name, labels),
      };
      this.capabilities = { inputGradients: gradients };
    } else {
      this.specs = model.inputs.map((t) => ({
        name: t.name,
        shape: t.shape,
        dtype: t.dtype === 'int32' ? 'int32' : 'float32',
      }));
      const outputs = model.outputs.map((t) => t.name);
      this.outputIndex = pickOutput(outputs, outputName);
      this.outputName = outputs[this.outputIndex];
      this.capabilities = {};
    }
    this.inputNames = this.specs.map((s) => s.name);
  }

  /** Loads a runner from a local `model.json` (layers or graph format). The runner owns the model. */
  static async load(modelJsonPath: string, options: TfjsLoadOptions = {}): Promise<TfjsRunner> {
    requireInput(
      typeof modelJsonPath === 'string' && modelJsonPath.length > 0,
      'modelPath',
      'expected the path of a tfjs model.json',
    );
    const kind = options.kind ?? 'auto';
    requireInput(
      kind === 'auto' || kind === 'layers' || kind === 'graph',
      'kind',
      `expected 'layers', 'graph' or 'auto', got '${String(kind)}'`,
    );
    const resolved = kind === 'auto' ? detectModelKind(modelJsonPath) : kind;
    const model =
      resolved === 'layers' ? await loadLayersModel(modelJsonPath) : await loadGraphModel(modelJsonPath);
    try {
      return new TfjsRunner(model, options.outputName, true, options.wasmMaxBatchElements);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** Wraps a model already in memory (by default the caller keeps ownership of it). */
  static fromModel(model: tf.LayersModel | tf.GraphModel, options: TfjsFromModelOptions = {}): TfjsRunner {
    requireInput(
      model instanceof tf.LayersModel || model instanceof tf.GraphModel,
      'model',
      'expected a tfjs LayersModel or GraphModel',
    );
    return new TfjsRunner(
      model,
      options.outputName,
      options.ownsModel ?? false,
      options.wasmMaxBatchElements,
    );
  }

  /** `tfjs:<backend>`, e.g. `tfjs:wasm`, `tfjs:node-gpu`. */
  get backend(): string {
    return `tfjs:${tfjsBackendLabel()}`;
  }

  /** The declared input shapes (`null` = any size). */
  get inputShapes(): ReadonlyArray<ReadonlyArray<number | null> | undefined> {
    return this.specs.map((s) => s.shape);
  }

  /**
   * Rows one call runs at most on this backend (undefined: no limit): on wasm, as many rows as
   * fit {@link WASM_MAX_BATCH_ELEMENTS} input elements, at least one. Set once the model has seen
   * a batch (the row size of a model with free dimensions is known only then).
   */
  maxBatchRows?: number;

  async run(inputs: NamedTensors): Promise<ModelOutput> {
    this.checkAlive();
    const { ordered, rows } = matchInputs(this.specs, inputs);
    if (tfjsBackendLabel() === 'wasm' && rows > 0) {
      const rowElements = ordered.reduce((sum, t) => sum + t.data.length / rows, 0);
      const maxRows = Math.max(1, Math.floor(this.wasmMaxElements / rowElements));
      this.maxBatchRows = maxRows;
      if (rows > maxRows) return this.runInChunks(ordered, rows, maxRows);
    }
    return this.runRows(ordered, rows);
  }

  /** Runs `rows` rows in calls of at most `maxRows`, logits concatenated in order. */
  private async runInChunks(ordered: TensorData[], rows: number, maxRows: number): Promise<ModelOutput> {
    let data: Float32Array | undefined;
    let classes = 0;
    for (let start = 0; start < rows; start += maxRows) {
      const end = Math.min(rows, start + maxRows);
      const part = ordered.map((t) => {
        const per = t.data.length / rows;
        return {
          ...t,
          data: t.data.subarray(start * per, end * per),
          dims: [end - start, ...t.dims.slice(1)],
        };
      });
      const out = await this.runRows(part as TensorData[], end - start);
      classes = out.classes;
      data ??= new Float32Array(rows * classes);
      data.set(out.data, start * classes);
    }
    return { data: data!, rows, classes };
  }

  private async runRows(ordered: TensorData[], rows: number): Promise<ModelOutput> {
    const feeds = ordered.map((t, k) => toTfTensor(t, this.specs[k].dtype, `inputs.${this.specs[k].name}`));
    let out: tf.Tensor | undefined;
    try {
      out = await this.forward(feeds, rows);
      return await readLogits(out, rows);
    } finally {
      tf.dispose(feeds);
      out?.dispose();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsModel) this.model.dispose();
  }

  /** The logits tensor (caller disposes it); intermediates are freed. */
  private async forward(feeds: tf.Tensor[], rows: number): Promise<tf.Tensor> {
    const model = this.model;
    if (model instanceof tf.LayersModel) {
      return tf.tidy(() => {
        const y = model.predict(feeds.length === 1 ? feeds[0] : feeds, { batchSize: Math.max(1, rows) });
        return pickTensor(y, this.outputIndex);
      });
    }
    const feedMap: tf.NamedTensorMap = {};
    this.specs.forEach((s, k) => (feedMap[s.name] = feeds[k]));
    if (!this.graphNeedsAsync) {
      try {
        return tf.tidy(() => model.execute(feedMap, this.outputName) as tf.Tensor);
      } catch (e) {
        // Graphs with control flow or dynamic shapes only run asynchronously; remember it.
        if (!/executeAsync/.test((e as Error).message)) throw e;
        this.graphNeedsAsync = true;
      }
    }
    return (await model.executeAsync(feedMap, this.outputName)) as tf.Tensor;
  }

  /**
   * Logits and `∂ Σ_rows CE(logits_row, labels_row) / ∂ inputs[inputName]` (LayersModels only).
   */
  private async crossEntropyGradient(
    inputs: NamedTensors,
    inputName: string,
    labels: Int32Array,
  ): Promise<{ logits: ModelOutput; gradient: Float32Array }> {
    this.checkAlive();
    const model = this.model as tf.LayersModel;
    const { ordered, rows } = matchInputs(this.specs, inputs);
    let idx = this.inputNames.indexOf(inputName);
    // A single-input model accepts the masker's name for its one input (see matchInputs).
    if (idx < 0 && this.specs.length === 1 && Object.keys(inputs).length === 1 && inputName in inputs)
      idx = 0;
    requireInput(
      idx >= 0,
      'inputName',
      `unknown input '${inputName}'; the model takes [${this.inputNames.join(', ')}]`,
    );
    requireInput(
      ordered[idx].type === 'float32',
      'inputName',
      `input '${inputName}' must be float32 to take gradients, got ${ordered[idx].type}`,
    );
    requireInput(
      labels instanceof Int32Array && labels.length === rows,
      'labels',
      `expected an Int32Array of ${rows} labels, got ${labels?.length}`,
    );
    const feeds = ordered.map((t, k) => toTfTensor(t, this.specs[k].dtype, `inputs.${this.specs[k].name}`));
    const kept: { logits?: tf.Tensor; grad?: tf.Tensor } = {};
    try {
      const f = (x: tf.Tensor): tf.Scalar => {
        const args = feeds.map((t, k) => (k === idx ? x : t));
        const y = model.apply(args.length === 1 ? args[0] : args, { training: false }) as
          tf.Tensor | tf.Tensor[];
        const z = toLogits2d(pickTensor(y, this.outputIndex));
        checkLabels(labels, z.shape[1] === 1 ? 2 : z.shape[1]);
        // Keep the logits of this forward pass rather than running the model twice.
        kept.logits = tf.keep(z.clone());
        return sumCrossEntropy(z, labels);
      };
      kept.grad = tf.grad(f)(feeds[idx]);
      const logits = await readLogits(kept.logits!, rows);
      return { logits, gradient: (await kept.grad.data()) as Float32Array };
    } finally {
      tf.dispose(feeds);
      kept.logits?.dispose();
      kept.grad?.dispose();
    }
  }

  private checkAlive(): void {
    if (this.disposed) throw new OrderlensInputError('runner', 'this TfjsRunner was disposed');
  }
}

/** `Σ_rows −log softmax(z)_{y_row}` as a scalar tensor. */
export function sumCrossEntropy(logits: tf.Tensor, labels: Int32Array | tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const z = twoClassLogits(logits as tf.Tensor2D);
    const y = labels instanceof Int32Array ? tf.tensor1d(labels, 'int32') : labels;
    const oneHot = tf.oneHot(y, z.shape[1]);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(z)))) as tf.Scalar;
  });
}

function checkLabels(labels: Int32Array, classes: number): void {
  for (let k = 0; k < labels.length; k++) {
    const c = labels[k];
    if (!(c >= 0 && c < classes))
      throw new OrderlensInputError('labels', `label ${c} at row ${k} is outside [0, ${classes})`);
  }
}

function pickOutput(outputs: readonly string[], outputName: string | undefined): number {
  requireInput(outputs.length > 0, 'model', 'the model has no outputs');
  if (outputName === undefined) return 0;
  const k = outputs.indexOf(outputName);
  requireInput(k >= 0, 'outputName', `unknown output '${outputName}'; the model has [${outputs.join(', ')}]`);
  return k;
}

function pickTensor(y: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, index: number): tf.Tensor {
  if (y instanceof tf.Tensor) return y;
  if (Array.isArray(y)) return y[index];
  return Object.values(y)[index];
}

/** Logits as `[rows, classes]`: a 1-D output is one logit per row. */
function toLogits2d(t: tf.Tensor): tf.Tensor2D {
  if (t.rank === 2) return t as tf.Tensor2D;
  if (t.rank === 1) return t.reshape([t.shape[0], 1]);
  throw new OrderlensInputError(
    'model',
    `expected logits of shape [batch, classes], got [${t.shape.join(', ')}]`,
  );
}

async function readLogits(t: tf.Tensor, rows: number): Promise<ModelOutput> {
  if (t.rank !== 1 && t.rank !== 2) {
    throw new OrderlensInputError(
      'model',
      `expected logits of shape [batch, classes], got [${t.shape.join(', ')}]`,
    );
  }
  if (t.shape[0] !== rows)
    throw new OrderlensInputError('model', `the model returned ${t.shape[0]} rows for a batch of ${rows}`);
  const classes = t.rank === 2 ? t.shape[1]! : 1;
  let data: Float32Array;
  if (t.dtype === 'float32') data = (await t.data()) as Float32Array;
  else data = Float32Array.from(await t.data());
  return { data, rows, classes };
}
