import type * as ort from 'onnxruntime-node';

/** An input or output of an ONNX model as ONNX Runtime reports it. */
export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX Runtime element type (`float32`, `int64`, …), or `non-tensor` for sequences and maps. */
  readonly type: string;
  /**
   * Dimensions: a number for a fixed size, a string for a symbolic one (`batch`), `[]` when the
   * model does not declare its rank.
   */
  readonly shape: ReadonlyArray<number | string>;
}

/** How the model treats its leading dimension. */
export type BatchMode =
  /** The leading dimension is symbolic: any batch size runs in one call. */
  | { readonly kind: 'dynamic' }
  /**
   * Exported with a fixed leading dimension `size`. With `size = 1` the runner loops over the
   * items of a batch (one session call each); other sizes accept only that exact batch.
   */
  | { readonly kind: 'fixed'; readonly size: number; readonly perItemLoop: boolean };

/** What a loaded model takes and returns. */
export interface OnnxModelDescription {
  /** Model file (or a label for in-memory models). */
  readonly source: string;
  /** Runtime and device, e.g. `onnx:cpu`. */
  readonly backend: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** The output `run` returns. */
  readonly outputName: string;
  readonly batch: BatchMode;
}

/** Converts ONNX Runtime metadata into {@link OnnxValueInfo}. */
export function valueInfos(
  names: readonly string[],
  metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined,
): OnnxValueInfo[] {
  return names.map((name, k) => {
    const m = metadata?.[k];
    if (m === undefined || m.name !== name) return { name, type: 'unknown', shape: [] };
    if (!m.isTensor) return { name, type: 'non-tensor', shape: [] };
    return { name, type: m.type, shape: [...m.shape] };
  });
}

/** `[batch, 12]` style rendering of a shape. */
export function formatShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The batch mode implied by the inputs: fixed when every input that declares a rank has a
 * numeric leading dimension, dynamic otherwise.
 */
export function batchModeOf(inputs: readonly OnnxValueInfo[]): BatchMode {
  const leading = inputs.filter((i) => i.shape.length > 0).map((i) => i.shape[0]);
  if (leading.length === 0 || leading.some((d) => typeof d !== 'number')) return { kind: 'dynamic' };
  const size = leading[0] as number;
  if (leading.some((d) => d !== size)) return { kind: 'dynamic' };
  return { kind: 'fixed', size, perItemLoop: size === 1 };
}
