import {
  OrderlensInputError,
  tensorSize,
  type FeatureRunner,
  type GraphCut,
  type GraphCutCapability,
  type ModelRunner,
  type NamedTensors,
  type TensorData,
} from '@orderlens/core';
import { OnnxSession } from '../session/onnx-session.js';
import { createSessionWithFallback, type OnnxProvider, type SessionSettings } from '../session/providers.js';
import { type OnnxModelDescription, type OnnxValueInfo } from '../session/value-info.js';
import {
  decodeModel,
  encodeWithGraph,
  ONNX_ELEM_TYPES,
  type DimensionProto,
  type ModelProto,
  type ValueInfoProto,
} from './onnx-proto.js';
import { cuttableTensors, outputsDependOn, prefixGraph, suffixGraph } from './split-graph.js';

/** Runs the prefix of a cut model: inputs → intermediate tensor. */
export class OnnxFeatureRunner implements FeatureRunner {
  constructor(
    private readonly core: OnnxSession,
    /** The tensor this runner returns. */
    readonly tensorName: string,
  ) {}

  /** Runtime and device, e.g. `onnx:cpu`. */
  get backend(): string {
    return this.core.backend;
  }

  /** The prefix model's inputs and its single output (the cut tensor). */
  describe(): OnnxModelDescription {
    return {
      source: this.core.source,
      backend: this.core.backend,
      inputs: this.core.inputs,
      outputs: this.core.outputs,
      outputName: this.tensorName,
      batch: this.core.batch,
    };
  }

  run(inputs: NamedTensors): Promise<TensorData> {
    return this.core.run(inputs, this.tensorName);
  }

  dispose(): Promise<void> {
    return this.core.dispose();
  }
}

/** A cut ONNX model; `suffix` is a full {@link ModelRunner} that takes the cut tensor as input. */
export interface OnnxGraphCut extends GraphCut {
  readonly prefix: OnnxFeatureRunner;
  /** Other original inputs the suffix still reads (empty when the cut tensor is a bottleneck). */
  readonly suffixOtherInputs: readonly string[];
}

/** What the graph cut needs from the runner that owns it. */
export interface GraphCutContext {
  /** The model path or label, for messages. */
  readonly source: string;
  /** Serialized model (read lazily: only a cut needs it). */
  loadBytes(): Promise<Uint8Array>;
  /** The provider the main session runs on; prefix and suffix use the same. */
  readonly provider: OnnxProvider;
  readonly settings: SessionSettings;
  readonly log: (msg: string) => void;
  /** Wraps the suffix session (built from `bytes`) as a ModelRunner reading the owner's output. */
  makeRunner(core: OnnxSession, bytes: Uint8Array): ModelRunner;
}

/**
 * Graph cut over ONNX protobufs: the model is decoded (protobufjs with the ONNX schema), the
 * prefix and suffix graphs are extracted, re-encoded and loaded as sessions from memory.
 */
export class OnnxGraphCutter implements GraphCutCapability {
  private model: ModelProto | undefined;

  constructor(private readonly ctx: GraphCutContext) {}

  private async decoded(): Promise<ModelProto> {
    if (this.model === undefined) this.model = decodeModel(await this.ctx.loadBytes(), this.ctx.source);
    return this.model;
  }

  /** Intermediate tensors (node outputs that depend on an input, not graph outputs), in graph order. */
  async listTensors(): Promise<string[]> {
    const model = await this.decoded();
    return cuttableTensors(model.graph!);
  }

  /**
   * Splits the model at `tensorName`. The suffix's input declaration takes its element type and
   * shape from the graph's value info or, failing that, from ONNX Runtime's inference on the
   * prefix (and, if that leaves dimensions open, from one run of the prefix on zeros).
   */
  async cut(tensorName: string): Promise<OnnxGraphCut> {
    const model = await this.decoded();
    const graph = model.graph!;
    const candidates = cuttableTensors(graph);
    if (typeof tensorName !== 'string' || !candidates.includes(tensorName)) {
      const why = graph.output.some((o) => o.name === tensorName)
        ? 'it is a graph output'
        : graph.input.some((i) => i.name === tensorName)
          ? 'it is a graph input'
          : 'no node computes it from the inputs';
      const sample = candidates.slice(0, 12).join(', ');
      throw new OrderlensInputError(
        'tensorName',
        `model ${this.ctx.source} cannot be cut at "${tensorName}" (${why}); ${candidates.length} tensors can be cut, e.g. ${sample}${candidates.length > 12 ? ', …' : ''} (see listTensors())`,
      );
    }
    if (!outputsDependOn(graph, tensorName)) {
      throw new OrderlensInputError(
        'tensorName',
        `the outputs of model ${this.ctx.source} do not depend on tensor "${tensorName}"`,
      );
    }

    const label = (part: string) => `${this.ctx.source}#${part}(${tensorName})`;
    const prefixBytes = encodeWithGraph(model, prefixGraph(graph, tensorName));
    const { session: ps } = await createSessionWithFallback(
      prefixBytes,
      label('prefix'),
      [this.ctx.provider],
      this.ctx.settings,
      this.ctx.log,
    );
    const prefixCore = new OnnxSession(ps, this.ctx.provider, label('prefix'));
    const prefix = new OnnxFeatureRunner(prefixCore, tensorName);
    try {
      const info = await this.cutTensorInfo(prefixCore, tensorName);
      const { graph: sg, otherInputs } = suffixGraph(graph, tensorName, info);
      const suffixBytes = encodeWithGraph(model, sg);
      const { session: ss } = await createSessionWithFallback(
        suffixBytes,
        label('suffix'),
        [this.ctx.provider],
        this.ctx.settings,
        this.ctx.log,
      );
      const suffix = this.ctx.makeRunner(
        new OnnxSession(ss, this.ctx.provider, label('suffix')),
        suffixBytes,
      );
      if (otherInputs.length > 0) {
        this.ctx.log(
          `onnx: tensor "${tensorName}" is not a bottleneck of ${this.ctx.source}: the suffix also reads input(s) ${otherInputs.join(', ')}, which must be fed alongside it`,
        );
      }
      return { tensorName, prefix, suffix, suffixOtherInputs: otherInputs };
    } catch (e) {
      await prefix.dispose();
      throw e;
    }
  }

  private async cutTensorInfo(prefix: OnnxSession, tensorName: string): Promise<ValueInfoProto> {
    const out: OnnxValueInfo = prefix.outputs[0];
    const elemType = ONNX_ELEM_TYPES[out.type];
    if (elemType === undefined) {
      throw new OrderlensInputError(
        'tensorName',
        `tensor "${tensorName}" has element type ${out.type}, which cannot be fed to the suffix`,
      );
    }
    let shape: ReadonlyArray<number | string> = out.shape;
    const open = shape.length === 0 || shape.slice(1).some((d) => typeof d !== 'number');
    if (open) shape = (await this.probeShape(prefix, tensorName)) ?? shape;
    const dynamic = prefix.batch.kind === 'dynamic';
    const dim: DimensionProto[] = shape.map((d, k) => {
      if (k === 0 && dynamic) return { dimParam: typeof d === 'string' ? d : 'batch' };
      return typeof d === 'number' ? { dimValue: d } : { dimParam: d };
    });
    return {
      name: tensorName,
      type: { tensorType: { elemType, shape: shape.length > 0 ? { dim } : undefined } },
    };
  }

  /** Shape of the cut tensor from one run of the prefix on zeros, when every input shape is known. */
  private async probeShape(prefix: OnnxSession, tensorName: string): Promise<number[] | undefined> {
    const feeds: Record<string, TensorData> = {};
    for (const input of prefix.inputs) {
      if (input.shape.length === 0 || input.shape.slice(1).some((d) => typeof d !== 'number'))
        return undefined;
      const dims = [1, ...(input.shape.slice(1) as number[])];
      const n = tensorSize(dims);
      if (input.type === 'float32') feeds[input.name] = { type: 'float32', data: new Float32Array(n), dims };
      else if (input.type === 'int64')
        feeds[input.name] = { type: 'int64', data: new BigInt64Array(n), dims };
      else if (input.type === 'int32') feeds[input.name] = { type: 'int32', data: new Int32Array(n), dims };
      else return undefined;
    }
    const t = await prefix.run(feeds, tensorName);
    return [...t.dims];
  }

  /** Drops the decoded model. */
  release(): void {
    this.model = undefined;
  }
}
