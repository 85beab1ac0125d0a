import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModelObject } from '../graph/onnx-proto.js';

const FLOAT = 1;
const weight = (rows: number, cols: number, salt: number): number[] =>
  Array.from({ length: rows * cols }, (_, k) => Math.round(Math.sin(k * 1.37 + salt) * 1000) / 1000);

/**
 * A PointNet-shaped ONNX model small enough to build in a test: a shared per-point MLP
 * (3 → 16 → 32, ReLU), max-pooling over points (what makes regions interact), a linear head to 10
 * logits. Input `points` float32 `[batch, numPoints, 3]` (or a dynamic point axis).
 */
export function writeTinyPointNet(dir: string, numPoints: number | 'points' = 1024): string {
  const dims = (d: Array<number | string>) => ({
    shape: { dim: d.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x })) },
  });
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
    opType,
    input,
    output,
    attribute,
    name: output[0],
  });
  const init = (name: string, d: number[], data: number[]) => ({
    name,
    dims: d,
    dataType: FLOAT,
    floatData: data,
  });
  const bytes = encodeModelObject({
    irVersion: 7,
    producerName: 'orderlens-pointcloud-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_pointnet',
      node: [
        node('MatMul', ['points', 'W1'], ['h1']),
        node('Add', ['h1', 'b1'], ['h1b']),
        node('Relu', ['h1b'], ['a1']),
        node('MatMul', ['a1', 'W2'], ['h2']),
        node('Relu', ['h2'], ['a2']),
        node(
          'ReduceMax',
          ['a2'],
          ['pooled'],
          [
            { name: 'axes', type: 7, ints: [1] },
            { name: 'keepdims', type: 2, i: 0 },
          ],
        ),
        node('MatMul', ['pooled', 'W3'], ['logits']),
      ],
      initializer: [
        init('W1', [3, 16], weight(3, 16, 1)),
        init('b1', [16], weight(1, 16, 2)),
        init('W2', [16, 32], weight(16, 32, 3)),
        init('W3', [32, 10], weight(32, 10, 4)),
      ],
      input: [
        { name: 'points', type: { tensorType: { elemType: FLOAT, ...dims(['batch', numPoints, 3]) } } },
      ],
      output: [{ name: 'logits', type: { tensorType: { elemType: FLOAT, ...dims(['batch', 10]) } } }],
    },
  });
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  return file;
}
