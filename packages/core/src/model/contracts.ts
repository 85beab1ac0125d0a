import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { NamedTensors, TensorData } from './tensor.js';

/**
 * Turns one input and a batch of coalitions into model inputs: players in the coalition keep
 * their values, the others get the baseline. A masker is bound to one input `x` (adapters build
 * one per sample) and must not allocate per coalition.
 */
export interface Masker {
  /** Number of players. */
  readonly n: number;
  /** Model inputs for coalitions `[start, end)` of `batch`, with batch dimension `end − start`. */
  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors;
  /**
   * Takes back the inputs of one {@link mask} call once the model call on them has finished
   * ({@link ModelGame} calls it), so that later batches can reuse their buffers instead of
   * allocating fresh ones (see `Float32BufferPools`). Optional; whoever keeps the inputs after the
   * model call must not call it.
   */
  recycle?(inputs: NamedTensors): void;
}

/** Raw model outputs of a batch: `rows × classes` row-major. */
export interface ModelOutput {
  readonly data: Float32Array;
  readonly rows: number;
  readonly classes: number;
}

/**
 * Runs a model on batches. Implemented by runtime packages (ONNX Runtime, TensorFlow.js); core
 * never imports a runtime.
 */
export interface ModelRunner {
  /** Human-readable runtime and device, e.g. `onnx:cpu`, `tfjs:wasm`. */
  readonly backend: string;
  /** Names of the inputs the model takes. */
  readonly inputNames: readonly string[];
  /**
   * Rows the runtime runs per call at most, when it splits larger batches itself (tfjs on
   * WebAssembly, whose memory a large batch would exhaust); undefined when it takes any batch.
   * Recorded in the result's provenance; it never changes the numbers.
   */
  readonly maxBatchRows?: number;
  /** Runs one batch. Every input has the same leading (batch) dimension. */
  run(inputs: NamedTensors): Promise<ModelOutput>;
  /** Releases native resources. */
  dispose(): Promise<void>;
  /** Optional capabilities; ask with {@link hasCapability}. */
  readonly capabilities?: RunnerCapabilities;
}

/**
 * What only some runtimes can do. Adapters ask for these through core, so they never import a
 * runtime package.
 */
export interface RunnerCapabilities {
  /** Split the model at an intermediate tensor (feature-map masking). */
  graphCut?: GraphCutCapability;
  /** Gradients of a scalar of the output with respect to the input (attacks). */
  inputGradients?: InputGradientCapability;
  /** What the model's graph fixes about token sequences (the longest one it can read). */
  sequenceLimits?: SequenceLimitsCapability;
  /** Noise added to a token model's word embeddings (noise sensitivity on text). */
  embeddingNoise?: EmbeddingNoiseCapability;
}

/**
 * A token model that takes one more input: a float32 tensor `[batch, tokens, width]` added to the
 * word embeddings it looks up for `input_ids`, before anything else reads them.
 */
export interface NoisyEmbeddingModel {
  /** Runs the model on its usual inputs plus {@link noiseInput}. */
  readonly runner: ModelRunner;
  /** Name of the noise input. */
  readonly noiseInput: string;
  /** The word-embedding table's name in the graph. */
  readonly table: string;
  /** Its width (the embedding size). */
  readonly width: number;
  /** Root mean square of the table's entries: the scale `δ` is measured against. */
  readonly tableRms: number;
}

/** Builds the {@link NoisyEmbeddingModel} of a token model (ONNX graph edit). */
export interface EmbeddingNoiseCapability {
  /**
   * The noisy-embedding variant of the model; throws an input error naming the model when its
   * graph has no word-embedding table gathered by `input_ids`.
   */
  noisyEmbeddings(): Promise<NoisyEmbeddingModel>;
}

/** A position-embedding table of a model graph. */
export interface PositionTable {
  /** The table's name in the graph (e.g. `bert.embeddings.position_embeddings.weight`). */
  readonly name: string;
  /** Its rows: positions 0 … rows − 1 exist, so no longer sequence can be read. */
  readonly rows: number;
}

/**
 * Limits a model's graph sets on its token sequences, read from the graph itself rather than
 * from a config file that may not belong to it (text models).
 */
export interface SequenceLimitsCapability {
  /**
   * The smallest position-embedding table the graph gathers from, or `undefined` when it has
   * none that can be recognised (relative or rotary positions, names stripped).
   */
  positionTable(): Promise<PositionTable | undefined>;
}

/** A model split into `prefix: inputs → tensor` and `suffix: tensor → outputs`. */
export interface GraphCut {
  /** The intermediate tensor's name. */
  readonly tensorName: string;
  /** Runs the model from its inputs up to the cut tensor. */
  readonly prefix: FeatureRunner;
  /** Runs the model from the cut tensor to its output (logits). */
  readonly suffix: ModelRunner;
}

/** A runner whose output is an intermediate tensor of any rank. */
export interface FeatureRunner {
  run(inputs: NamedTensors): Promise<TensorData>;
  dispose(): Promise<void>;
}

/** Splitting a model at an intermediate tensor (ONNX graph cut). */
export interface GraphCutCapability {
  /** Names of intermediate tensors where a cut is possible. */
  listTensors(): Promise<string[]>;
  /** Cuts the model at `tensorName`; throws naming the tensor when it does not exist. */
  cut(tensorName: string): Promise<GraphCut>;
}

/** Gradients of the loss with respect to a model input (PGD attacks). */
export interface InputGradientCapability {
  /**
   * Logits and the gradient of `Σ_rows loss(row)` with respect to the named float input, where
   * `loss` is the cross-entropy with `labels`.
   */
  crossEntropyGradient(
    inputs: NamedTensors,
    inputName: string,
    labels: Int32Array,
  ): Promise<{ logits: ModelOutput; gradient: Float32Array }>;
}

/** Whether a runner declares the capability `name`. */
export function hasCapability<K extends keyof RunnerCapabilities>(
  runner: ModelRunner,
  name: K,
): runner is ModelRunner & { capabilities: Required<Pick<RunnerCapabilities, K>> } {
  return runner.capabilities?.[name] !== undefined;
}
