import {
  OrderlensInputError,
  tensorSize,
  type NamedTensors,
  type TensorData,
  type TensorStorage,
} from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { formatShape, type OnnxValueInfo } from './value-info.js';

/** Model inputs checked against the model's declared inputs, in the element types it expects. */
export interface CheckedInputs {
  /** Tensors by model input name, converted to the model's element type. */
  readonly tensors: ReadonlyMap<string, TensorData>;
  /** The shared leading (batch) dimension. */
  readonly batch: number;
}

const SUPPORTED: readonly string[] = ['float32', 'int64', 'int32'];

function describeInputs(specs: readonly OnnxValueInfo[]): string {
  return specs.map((s) => `${s.name} ${formatShape(s.shape)} ${s.type}`).join(', ');
}

/**
 * Checks `inputs` against the model inputs `specs` and converts integer types where the model
 * needs the other width (int32 ↔ int64; token ids are often built as int32).
 *
 * Rules: every model input must be present (when the model has a single input and exactly one
 * tensor is given, that tensor is used whatever its name, so maskers need not know the name the
 * exporter chose); tensors the model does not take are ignored (e.g. `token_type_ids` for a model
 * without it); ranks and fixed dimensions must match; all inputs share the leading dimension.
 * Errors name the input and the expected dimensions.
 */
export function checkInputs(
  inputs: NamedTensors,
  specs: readonly OnnxValueInfo[],
  source: string,
): CheckedInputs {
  const given = Object.keys(inputs);
  const tensors = new Map<string, TensorData>();
  let batch = -1;
  let batchFrom = '';
  for (const spec of specs) {
    let t: TensorData | undefined = inputs[spec.name];
    if (t === undefined && specs.length === 1 && given.length === 1) t = inputs[given[0]];
    if (t === undefined) {
      throw new OrderlensInputError(
        `inputs.${spec.name}`,
        `missing input "${spec.name}" (expected ${formatShape(spec.shape)} ${spec.type}); model ${source} takes ${describeInputs(specs)}; got [${given.join(', ')}]`,
      );
    }
    const field = `inputs.${spec.name}`;
    if (typeof t !== 'object' || t === null || !Array.isArray(t.dims) || !ArrayBuffer.isView(t.data)) {
      throw new OrderlensInputError(field, 'expected a tensor { type, data: typed array, dims: number[] }');
    }
    const size = tensorSize(t.dims);
    if (t.data.length !== size) {
      throw new OrderlensInputError(
        field,
        `shape ${formatShape(t.dims)} needs ${size} values, got ${t.data.length}`,
      );
    }
    if (spec.shape.length > 0) {
      const wrongRank = t.dims.length !== spec.shape.length;
      const wrongDim =
        !wrongRank &&
        spec.shape.some((d, k) => typeof d === 'number' && d !== t.dims[k] && !(k === 0 && d === 1));
      if (wrongRank || wrongDim) {
        throw new OrderlensInputError(
          field,
          `input "${spec.name}" expects shape ${formatShape(spec.shape)}, got ${formatShape(t.dims)}`,
        );
      }
    }
    if (t.dims.length === 0)
      throw new OrderlensInputError(
        field,
        `input "${spec.name}" needs a leading batch dimension, got a scalar`,
      );
    if (batch < 0) {
      batch = t.dims[0];
      batchFrom = spec.name;
    } else if (t.dims[0] !== batch) {
      throw new OrderlensInputError(
        field,
        `batch dimension ${t.dims[0]} differs from ${batch} of input "${batchFrom}"`,
      );
    }
    tensors.set(spec.name, convertType(t, spec, field));
  }
  return { tensors, batch: Math.max(batch, 0) };
}

function convertType(t: TensorData, spec: OnnxValueInfo, field: string): TensorData {
  const want = spec.type;
  if (!SUPPORTED.includes(want)) {
    throw new OrderlensInputError(
      field,
      `input "${spec.name}" has element type ${want}; supported: ${SUPPORTED.join(', ')}`,
    );
  }
  if (t.type === want) return t;
  if (t.type === 'int32' && want === 'int64') {
    return { type: 'int64', dims: t.dims, data: BigInt64Array.from(t.data as Int32Array, (v) => BigInt(v)) };
  }
  if (t.type === 'int64' && want === 'int32') {
    return { type: 'int32', dims: t.dims, data: Int32Array.from(t.data as BigInt64Array, (v) => Number(v)) };
  }
  throw new OrderlensInputError(field, `input "${spec.name}" expects ${want} values, got ${t.type}`);
}

/** ONNX Runtime feeds over the checked tensors (no copy). */
export function toFeeds(tensors: ReadonlyMap<string, TensorData>): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of tensors) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  return feeds;
}

/** Feeds for item `r` of the batch only (views, no copy), each with leading dimension 1. */
export function itemFeeds(tensors: ReadonlyMap<string, TensorData>, r: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of tensors) {
    const per = t.dims[0] === 0 ? 0 : t.data.length / t.dims[0];
    const data = t.data.subarray(r * per, (r + 1) * per) as TensorStorage;
    feeds[name] = new ort.Tensor(t.type, data, [1, ...t.dims.slice(1)]);
  }
  return feeds;
}

/** Converts an ONNX Runtime output tensor to {@link TensorData}; float64 and small ints become float32. */
export function fromOrtTensor(t: ort.Tensor, name: string): TensorData {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32':
      return { type: 'float32', data: t.data as Float32Array, dims };
    case 'int64':
      return { type: 'int64', data: t.data as BigInt64Array, dims };
    case 'int32':
      return { type: 'int32', data: t.data as Int32Array, dims };
    case 'float64':
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'bool':
      return { type: 'float32', data: Float32Array.from(t.data as ArrayLike<number>, Number), dims };
    default:
      throw new OrderlensInputError(
        'output',
        `output "${name}" has element type ${t.type}, which orderlens cannot read`,
      );
  }
}

/** Float32 view of a tensor for logits (int64 outputs are converted). */
export function asFloat32(t: TensorData): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  return Float32Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}
