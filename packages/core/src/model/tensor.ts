/** Element types a model input or output may use. */
export type TensorType = 'float32' | 'int64' | 'int32';

/** Typed storage matching {@link TensorType}. */
export type TensorStorage = Float32Array | BigInt64Array | Int32Array;

/** A framework-free dense tensor (row-major). */
export interface TensorData {
  readonly type: TensorType;
  readonly data: TensorStorage;
  readonly dims: readonly number[];
}

/** Model inputs by name (`input_ids`, `pixel_values`, …). */
export type NamedTensors = Readonly<Record<string, TensorData>>;

/** Number of elements of a shape. */
export function tensorSize(dims: readonly number[]): number {
  let s = 1;
  for (const d of dims) s *= d;
  return s;
}

/** A float32 tensor. */
export function float32Tensor(data: Float32Array, dims: readonly number[]): TensorData {
  if (tensorSize(dims) !== data.length) {
    throw new RangeError(
      `tensor: shape [${dims.join(', ')}] needs ${tensorSize(dims)} values, got ${data.length}`,
    );
  }
  return { type: 'float32', data, dims };
}
