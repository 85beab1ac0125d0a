import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError, tensorSize, type NamedTensors, type TensorData } from '@orderlens/core';

/** What a model declares about one input: its name, shape (`null`/`-1` = any) and dtype. */
export interface InputSpec {
  readonly name: string;
  readonly shape: ReadonlyArray<number | null> | undefined;
  readonly dtype: 'float32' | 'int32';
}

/**
 * Matches named inputs to the model's inputs and checks their shapes.
 *
 * A model with a single input accepts a single tensor under any name (maskers do not know the
 * name a given model file chose, e.g. `input_1` vs `dense_Dense1_input`); with several inputs the
 * names must match.
 *
 * @returns the tensors in the model's input order and the batch size.
 */
export function matchInputs(
  specs: readonly InputSpec[],
  inputs: NamedTensors,
): { ordered: TensorData[]; rows: number } {
  const given = Object.keys(inputs);
  let ordered: TensorData[];
  if (specs.length === 1 && given.length === 1) {
    ordered = [inputs[given[0]]];
  } else {
    const missing = specs.filter((s) => !(s.name in inputs)).map((s) => s.name);
    if (missing.length > 0) {
      throw new OrderlensInputError(
        'inputs',
        `missing model input(s) ${missing.join(', ')}; the model takes [${specs.map((s) => s.name).join(', ')}], got [${given.join(', ')}]`,
      );
    }
    const extra = given.filter((g) => !specs.some((s) => s.name === g));
    if (extra.length > 0) {
      throw new OrderlensInputError(
        'inputs',
        `unknown input(s) ${extra.join(', ')}; the model takes [${specs.map((s) => s.name).join(', ')}]`,
      );
    }
    ordered = specs.map((s) => inputs[s.name]);
  }
  let rows = -1;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const t = ordered[i];
    const field = `inputs.${spec.name}`;
    if (t === undefined || t.dims === undefined || t.data === undefined) {
      throw new OrderlensInputError(field, 'expected a tensor { type, data, dims }');
    }
    if (t.dims.length === 0) throw new OrderlensInputError(field, 'expected a batch dimension, got a scalar');
    if (tensorSize(t.dims) !== t.data.length) {
      throw new OrderlensInputError(
        field,
        `shape [${t.dims.join(', ')}] needs ${tensorSize(t.dims)} values, got ${t.data.length}`,
      );
    }
    checkShape(spec, t.dims, field);
    if (rows < 0) rows = t.dims[0];
    else if (t.dims[0] !== rows) {
      throw new OrderlensInputError(
        field,
        `batch dimension ${t.dims[0]} differs from ${rows} of the other inputs`,
      );
    }
  }
  return { ordered, rows };
}

function checkShape(spec: InputSpec, dims: readonly number[], field: string): void {
  const shape = spec.shape;
  if (shape === undefined) return;
  const expected = `[${shape.map((d, k) => (k === 0 ? 'batch' : d === null || d < 0 ? '?' : String(d))).join(', ')}]`;
  let ok = shape.length === dims.length;
  for (let k = 1; ok && k < shape.length; k++) {
    const d = shape[k];
    if (d !== null && d >= 0 && d !== dims[k]) ok = false;
  }
  const b = shape[0];
  if (ok && b !== null && b !== undefined && b >= 0 && b !== dims[0]) ok = false;
  if (!ok) throw new OrderlensInputError(field, `expected shape ${expected}, got [${dims.join(', ')}]`);
}

/** A tf tensor of `t`'s data, converted to `dtype` (int64 ids are narrowed to int32 with a range check). */
export function toTfTensor(t: TensorData, dtype: 'float32' | 'int32', field: string): tf.Tensor {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32':
      // tfjs converts float data to an int32 tensor itself (truncation), without an extra tensor.
      return tf.tensor(t.data as Float32Array, dims, dtype);
    case 'int32':
      return tf.tensor(t.data as Int32Array, dims, dtype);
    case 'int64': {
      const src = t.data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let k = 0; k < src.length; k++) {
        const v = src[k];
        if (v > 2147483647n || v < -2147483648n)
          throw new OrderlensInputError(field, `int64 value ${v} at index ${k} does not fit in int32`);
        out[k] = Number(v);
      }
      return tf.tensor(out, dims, dtype);
    }
    default:
      throw new OrderlensInputError(
        field,
        `unsupported tensor type '${String((t as TensorData).type)}'; expected float32, int32 or int64`,
      );
  }
}
