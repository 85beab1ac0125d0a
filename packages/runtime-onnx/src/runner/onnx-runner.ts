import { stat, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  OrderlensInputError,
  requireInput,
  tensorSize,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
  type RunnerCapabilities,
  type TensorData,
} from '@orderlens/core';
import { OnnxGraphCutter } from '../graph/onnx-graph-cut.js';
import { OnnxSequenceLimits } from '../graph/position-table.js';
import { OnnxEmbeddingNoise } from '../graph/embedding-noise.js';
import { asFloat32 } from '../session/feeds.js';
import type { DenormalMode } from '../session/denormals.js';
import { OnnxSession } from '../session/onnx-session.js';
import {
  createSessionWithFallback,
  parseProviders,
  type OnnxProvider,
  type SessionSettings,
} from '../session/providers.js';
import type { OnnxModelDescription } from '../session/value-info.js';

/** Options of {@link OnnxRunner.create}. */
export interface OnnxRunnerOptions {
  /**
   * Execution providers in order of preference, tried one at a time (default
   * `['cuda', 'webgpu', 'cpu']`). The first that loads the model is used; each one skipped is
   * reported through `log`.
   */
  providers?: readonly OnnxProvider[];
  /** Output that `run` returns as logits (default: the model's first output). */
  outputName?: string;
  /** Threads used inside one operator (ONNX Runtime's default when omitted). */
  intraOpNumThreads?: number;
  /** Threads across operators (ONNX Runtime's default when omitted). */
  interOpNumThreads?: number;
  /**
   * Keep denormal floats instead of flushing them to zero (default `false`: flushed, which is
   * much faster on processors that compute denormals slowly and changes outputs by less than
   * float32 rounding). ONNX Runtime fixes this once per process, at its first session: a runner
   * asking for the other setting than the process has is refused naming `keepDenormals`.
   */
  keepDenormals?: boolean;
  /** Receives warnings: provider fallbacks, fixed-batch models, leaky cuts (default `console.warn`). */
  log?: (msg: string) => void;
}

/** Options of {@link OnnxRunner.fromBytes}: as for files, plus a label used in messages. */
export interface OnnxRunnerBytesOptions extends OnnxRunnerOptions {
  /** Names the model in messages (default `<memory>`). */
  label?: string;
}

function checkOptions(options: OnnxRunnerOptions): {
  providers: OnnxProvider[];
  settings: SessionSettings;
  log: (m: string) => void;
} {
  requireInput(typeof options === 'object' && options !== null, 'options', 'expected an options object');
  const providers = parseProviders(options.providers);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const v = options[key];
    requireInput(
      v === undefined || (Number.isInteger(v) && v > 0),
      key,
      `expected a positive integer, got ${v}`,
    );
  }
  requireInput(
    options.outputName === undefined || typeof options.outputName === 'string',
    'outputName',
    'expected a string',
  );
  requireInput(
    options.keepDenormals === undefined || typeof options.keepDenormals === 'boolean',
    'keepDenormals',
    `expected true or false, got ${String(options.keepDenormals)}`,
  );
  requireInput(
    options.log === undefined || typeof options.log === 'function',
    'log',
    'expected a function (msg: string) => void',
  );
  return {
    providers,
    settings: {
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: options.interOpNumThreads,
      denormals: options.keepDenormals === true ? 'keep' : 'flush',
    },
    log: options.log ?? ((m: string) => console.warn(m)),
  };
}

/**
 * A {@link ModelRunner} over ONNX Runtime (onnxruntime-node).
 *
 * - Inputs are checked against the model's declared inputs (names, element types, ranks, fixed
 *   dimensions); errors name the input and the expected dimensions. int32 and int64 are converted
 *   to what the model takes; tensors the model does not take are ignored.
 * - Models exported with a fixed batch of 1 still accept any batch: the runner loops over the
 *   items, one session call each, and warns once through `log` at creation.
 * - The runner takes the batch tensors as given and allocates nothing per coalition.
 * - `capabilities.graphCut` splits the model at an intermediate tensor (feature-map masking).
 * - `capabilities.sequenceLimits` reads the position-embedding table's size from the graph.
 * - `capabilities.embeddingNoise` builds the model with noise added to its word embeddings.
 */
export class OnnxRunner implements ModelRunner {
  /** `onnx:<provider>`, e.g. `onnx:cpu`. */
  readonly backend: string;
  readonly inputNames: readonly string[];
  /** The output `run` returns. */
  readonly outputName: string;
  /** The execution provider in use. */
  readonly provider: OnnxProvider;
  /** Denormal handling of its sessions (`flush` unless `keepDenormals`), for provenance. */
  readonly denormals: DenormalMode;
  /** Graph cut (see {@link OnnxGraphCutter}). */
  readonly capabilities: {
    readonly graphCut: OnnxGraphCutter;
    readonly sequenceLimits: OnnxSequenceLimits;
    readonly embeddingNoise: OnnxEmbeddingNoise;
  } & RunnerCapabilities;
  private readonly cutter: OnnxGraphCutter;

  private constructor(
    private readonly core: OnnxSession,
    outputName: string | undefined,
    settings: SessionSettings,
    log: (m: string) => void,
    loadBytes: () => Promise<Uint8Array>,
  ) {
    this.backend = core.backend;
    this.provider = core.provider;
    this.denormals = settings.denormals ?? 'flush';
    this.inputNames = core.inputNames;
    this.outputName = outputName ?? core.outputs[0]?.name ?? '';
    core.requireOutput(this.outputName);
    const context = {
      source: core.source,
      loadBytes,
      provider: core.provider,
      settings,
      log,
      makeRunner: (derived: OnnxSession, bytes: Uint8Array) =>
        new OnnxRunner(derived, this.outputName, settings, log, async () => bytes),
    };
    this.cutter = new OnnxGraphCutter(context);
    this.capabilities = {
      graphCut: this.cutter,
      sequenceLimits: new OnnxSequenceLimits(core.source, loadBytes),
      embeddingNoise: new OnnxEmbeddingNoise(context),
    };
    if (core.batch.kind === 'fixed' && core.batch.perItemLoop) {
      log(
        `onnx: model ${core.source} was exported with a fixed batch of 1; batches will run one item per call (slower). Re-export with a dynamic batch axis to batch coalitions.`,
      );
    }
  }

  /**
   * Loads the model at `modelPath` with the first execution provider that works.
   *
   * Throws {@link OrderlensInputError} naming the path when the file is missing, not a file,
   * empty or not a loadable ONNX model, and naming `outputName` when the model has no such output.
   */
  static async create(modelPath: string, options: OnnxRunnerOptions = {}): Promise<OnnxRunner> {
    requireInput(
      typeof modelPath === 'string' && modelPath.length > 0,
      'modelPath',
      'expected the path of an .onnx file',
    );
    const { providers, settings, log } = checkOptions(options);
    const path = resolve(modelPath);
    let size: number;
    try {
      const s = await stat(path);
      requireInput(s.isFile(), 'modelPath', `${path} is not a file`);
      size = s.size;
    } catch (e) {
      if (e instanceof OrderlensInputError) throw e;
      throw new OrderlensInputError('modelPath', `ONNX model file not found: ${path}`);
    }
    requireInput(size > 0, 'modelPath', `ONNX model file is empty: ${path}`);
    const { session, provider } = await createSessionWithFallback(path, path, providers, settings, log);
    try {
      return new OnnxRunner(new OnnxSession(session, provider, path), options.outputName, settings, log, () =>
        readFile(path),
      );
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** Loads a serialized ONNX model from memory (e.g. one built by a graph cut). */
  static async fromBytes(bytes: Uint8Array, options: OnnxRunnerBytesOptions = {}): Promise<OnnxRunner> {
    requireInput(
      bytes instanceof Uint8Array && bytes.length > 0,
      'bytes',
      'expected the non-empty bytes of an ONNX model',
    );
    const { providers, settings, log } = checkOptions(options);
    const label = options.label ?? '<memory>';
    const { session, provider } = await createSessionWithFallback(bytes, label, providers, settings, log);
    try {
      return new OnnxRunner(
        new OnnxSession(session, provider, label),
        options.outputName,
        settings,
        log,
        async () => bytes,
      );
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** Inputs and outputs (names, element types, shapes), backend and batch handling. */
  describe(): OnnxModelDescription {
    return {
      source: this.core.source,
      backend: this.backend,
      inputs: this.core.inputs,
      outputs: this.core.outputs,
      outputName: this.outputName,
      batch: this.core.batch,
    };
  }

  /** Runs one batch and returns output {@link outputName} as `rows × classes` float32. */
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const t = await this.core.run(inputs, this.outputName);
    const rows = t.dims.length === 0 ? 1 : t.dims[0];
    const size = tensorSize(t.dims);
    return { data: asFloat32(t), rows, classes: rows === 0 ? 0 : size / rows };
  }

  /** Runs one batch and returns any output by name, with its full shape. */
  async runOutput(inputs: NamedTensors, outputName: string): Promise<TensorData> {
    this.core.requireOutput(outputName);
    return this.core.run(inputs, outputName);
  }

  async dispose(): Promise<void> {
    this.cutter.release();
    await this.core.dispose();
  }
}
