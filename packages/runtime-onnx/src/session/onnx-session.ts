import { OrderlensInputError, type NamedTensors, type TensorData, type TensorStorage } from '@orderlens/core';
import type * as ort from 'onnxruntime-node';
import { checkInputs, fromOrtTensor, itemFeeds, toFeeds } from './feeds.js';
import type { OnnxProvider } from './providers.js';
import { batchModeOf, formatShape, valueInfos, type BatchMode, type OnnxValueInfo } from './value-info.js';

/**
 * One ONNX Runtime session with its declared inputs and outputs: checks feeds, runs, and handles
 * models exported with a fixed batch of 1 by looping over the items. Shared by the main runner
 * and by the prefix and suffix of a graph cut.
 */
export class OnnxSession {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly batch: BatchMode;

  constructor(
    readonly session: ort.InferenceSession,
    readonly provider: OnnxProvider,
    /** The model path, or a label for models built in memory. */
    readonly source: string,
  ) {
    this.inputs = valueInfos(session.inputNames, session.inputMetadata);
    this.outputs = valueInfos(session.outputNames, session.outputMetadata);
    this.batch = batchModeOf(this.inputs);
  }

  get backend(): string {
    return `onnx:${this.provider}`;
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Checks that `name` is an output; the error lists the outputs there are. */
  requireOutput(name: string, field = 'outputName'): void {
    if (!this.session.outputNames.includes(name)) {
      const list = this.outputs.map((o) => `${o.name} ${formatShape(o.shape)}`).join(', ');
      throw new OrderlensInputError(
        field,
        `model ${this.source} has no output "${name}"; its outputs are: ${list}`,
      );
    }
  }

  /** Runs the model on `inputs` and returns output `outputName` for the whole batch. */
  async run(inputs: NamedTensors, outputName: string): Promise<TensorData> {
    const checked = checkInputs(inputs, this.inputs, this.source);
    const mode = this.batch;
    if (mode.kind === 'fixed' && mode.perItemLoop && checked.batch !== 1) {
      // Exported with batch 1: one call per item, outputs stacked along the leading dimension.
      const parts: TensorData[] = [];
      for (let r = 0; r < checked.batch; r++) {
        const out = await this.session.run(itemFeeds(checked.tensors, r), [outputName]);
        parts.push(fromOrtTensor(out[outputName], outputName));
      }
      return stack(parts, checked.batch);
    }
    const out = await this.session.run(toFeeds(checked.tensors), [outputName]);
    return fromOrtTensor(out[outputName], outputName);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function stack(parts: readonly TensorData[], batch: number): TensorData {
  if (parts.length === 0) throw new RangeError('stack: no parts');
  const first = parts[0];
  const per = first.data.length;
  const dims = [batch, ...first.dims.slice(1)];
  let data: TensorStorage;
  if (first.type === 'int64') data = new BigInt64Array(per * batch);
  else if (first.type === 'int32') data = new Int32Array(per * batch);
  else data = new Float32Array(per * batch);
  parts.forEach((p, r) => (data as Float32Array).set(p.data as Float32Array, r * per));
  return { type: first.type, data, dims };
}
