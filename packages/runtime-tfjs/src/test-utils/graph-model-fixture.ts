import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dim = (sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });

/**
 * Writes a hand-made tfjs graph-model (a GraphDef in JSON, as tensorflowjs_converter emits it)
 * computing `relu(x·W + b)·V` for `x: [batch, inDim]`, and returns the path of its model.json.
 * `W` is `inDim × hidden`, `V` is `hidden × classes`, row-major.
 */
export function writeGraphModel(
  dir: string,
  W: Float32Array,
  b: Float32Array,
  V: Float32Array,
  inDim: number,
  hidden: number,
  classes: number,
): string {
  mkdirSync(dir, { recursive: true });
  const f32 = { type: 'DT_FLOAT' };
  const constNode = (name: string, shape: number[]) => ({
    name,
    op: 'Const',
    attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(shape) } } },
  });
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'orderlens tests',
    convertedBy: 'hand-written',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: dim([-1, inDim]) } } },
        constNode('W', [inDim, hidden]),
        constNode('b', [hidden]),
        constNode('V', [hidden, classes]),
        {
          name: 'xw',
          op: 'MatMul',
          input: ['x', 'W'],
          attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } },
        },
        { name: 'h', op: 'BiasAdd', input: ['xw', 'b'], attr: { T: f32, data_format: { s: 'TkhXQw==' } } },
        { name: 'r', op: 'Relu', input: ['h'], attr: { T: f32 } },
        {
          name: 'logits',
          op: 'MatMul',
          input: ['r', 'V'],
          attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } },
        },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'W', shape: [inDim, hidden], dtype: 'float32' },
          { name: 'b', shape: [hidden], dtype: 'float32' },
          { name: 'V', shape: [hidden, classes], dtype: 'float32' },
        ],
      },
    ],
  };
  const bytes = new Float32Array(W.length + b.length + V.length);
  bytes.set(W, 0);
  bytes.set(b, W.length);
  bytes.set(V, W.length + b.length);
  writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(bytes.buffer));
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(modelJson));
  return path;
}
