import { encodeModelObject } from '../graph/onnx-proto.js';

/*
 * A small transformer-shaped ONNX model built in memory, so the tests exercise several named
 * inputs of different element types on a real ONNX Runtime session and can check every output
 * against an independent computation in plain JavaScript:
 *
 *   h        = E[input_ids] + T[token_type_ids]                  [b, s, 4]
 *   pooled   = Σ_s h · float(attention_mask)                     [b, 4]
 *   features = pooled + pixel_values · P                          [b, 4]   (output 2)
 *   logits   = features · O                                       [b, 2]   (output 1)
 */

export const VOCAB = 7;
const H = 4;

const weight = (rows: number, cols: number, salt: number): number[] =>
  Array.from({ length: rows * cols }, (_, k) => Math.round(Math.sin(k * 1.7 + salt) * 1000) / 1000);

export const E = weight(VOCAB, H, 1);
export const T = weight(2, H, 2);
export const P = weight(3, H, 3);
export const O = weight(H, 2, 4);

const FLOAT = 1;
const INT64 = 7;

function declare(name: string, elemType: number, dims: Array<number | string>) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function floatInit(name: string, dims: number[], data: number[]) {
  return { name, dims, dataType: FLOAT, floatData: data };
}

/**
 * Serialized model; `fixedSeq` fixes the sequence length (to test shape errors); `valueInfo`
 * declares the intermediate `tok` as `[batch, seq, 4]` float32, as shape-inferred exports do.
 */
export function multiInputModelBytes(fixedSeq: number | string = 'seq', valueInfo = false): Uint8Array {
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
    opType,
    input,
    output,
    attribute,
    name: output[0],
  });
  const graph = {
    name: 'multi_input',
    node: [
      node('Gather', ['E', 'input_ids'], ['tok']),
      node('Gather', ['T', 'token_type_ids'], ['typ']),
      node('Add', ['tok', 'typ'], ['h']),
      node('Cast', ['attention_mask'], ['maskf'], [{ name: 'to', type: 2, i: FLOAT }]),
      node('Unsqueeze', ['maskf', 'axis2'], ['mask3']),
      node('Mul', ['h', 'mask3'], ['hm']),
      node('ReduceSum', ['hm', 'axis1'], ['pooled'], [{ name: 'keepdims', type: 2, i: 0 }]),
      node('MatMul', ['pixel_values', 'P'], ['pix']),
      node('Add', ['pooled', 'pix'], ['features']),
      node('MatMul', ['features', 'O'], ['logits']),
    ],
    initializer: [
      floatInit('E', [VOCAB, H], E),
      floatInit('T', [2, H], T),
      floatInit('P', [3, H], P),
      floatInit('O', [H, 2], O),
      { name: 'axis1', dims: [1], dataType: INT64, int64Data: [1] },
      { name: 'axis2', dims: [1], dataType: INT64, int64Data: [2] },
    ],
    input: [
      declare('input_ids', INT64, ['batch', fixedSeq]),
      declare('attention_mask', INT64, ['batch', fixedSeq]),
      declare('token_type_ids', INT64, ['batch', fixedSeq]),
      declare('pixel_values', FLOAT, ['batch', 3]),
    ],
    output: [declare('logits', FLOAT, ['batch', 2]), declare('features', FLOAT, ['batch', H])],
    valueInfo: valueInfo ? [declare('tok', FLOAT, ['batch', fixedSeq, H])] : [],
  };
  return encodeModelObject({
    irVersion: 7,
    producerName: 'orderlens-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
}

/** The model computed directly: `{ features, logits }` per row. */
export function multiInputReference(
  ids: ArrayLike<number>,
  mask: ArrayLike<number>,
  types: ArrayLike<number>,
  pixels: ArrayLike<number>,
  batch: number,
  seq: number,
): { features: number[][]; logits: number[][] } {
  const features: number[][] = [];
  const logits: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const f = new Array<number>(H).fill(0);
    for (let s = 0; s < seq; s++) {
      const k = b * seq + s;
      for (let h = 0; h < H; h++) f[h] += (E[ids[k] * H + h] + T[types[k] * H + h]) * mask[k];
    }
    for (let h = 0; h < H; h++) for (let c = 0; c < 3; c++) f[h] += pixels[b * 3 + c] * P[c * H + h];
    features.push(f);
    logits.push([0, 1].map((o) => f.reduce((acc, v, h) => acc + v * O[h * 2 + o], 0)));
  }
  return { features, logits };
}
