import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GraphProto, NodeProto, TensorProto } from './onnx-proto.js';
import { decodeModel } from './onnx-proto.js';
import { positionTables, smallestPositionTable } from './position-table.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../fixtures/${name}/onnx/model.onnx`, import.meta.url));

const gather = (name: string, data: string, indices: string, axis?: number): NodeProto => ({
  name,
  opType: 'Gather',
  input: [data, indices],
  output: [`${name}_out`],
  attribute: axis === undefined ? [] : [{ name: 'axis', i: axis }],
});
const table = (name: string, dims: number[]): TensorProto => ({ name, dims });
const graph = (node: NodeProto[], initializer: TensorProto[]): GraphProto => ({
  node,
  initializer,
  sparseInitializer: [],
  input: [],
  output: [],
  valueInfo: [],
});

describe('position-embedding tables of an ONNX graph', () => {
  it('finds the table of the committed text models (128 positions), not the word or type tables', () => {
    for (const name of ['sst2-bert', 'sst2-distilbert']) {
      const g = decodeModel(readFileSync(fixture(name)), name).graph!;
      expect(positionTables(g)).toEqual([{ name: 'pos.weight', rows: 128 }]);
    }
  });

  it('recognises HF names and position_ids inputs; skips word, type and non-axis-0 gathers', () => {
    const g = graph(
      [
        gather('/embeddings/word_embeddings/Gather', 'bert.embeddings.word_embeddings.weight', 'input_ids'),
        gather('/e/Gather_1', 'bert.embeddings.position_embeddings.weight', '/e/Slice_output_0'),
        gather('/e/Gather_2', 'onnx::Gather_77', 'position_ids'),
        gather('/e/Gather_3', 'posterior.weight', 'x'),
        gather('/e/pos/Gather', 'pos.weight', 'x', 1),
        gather('/e/type/Gather', 'type.weight', 'token_type_ids'),
      ],
      [
        table('bert.embeddings.word_embeddings.weight', [30522, 8]),
        table('bert.embeddings.position_embeddings.weight', [512, 8]),
        table('onnx::Gather_77', [514, 8]),
        table('posterior.weight', [40, 8]),
        table('pos.weight', [16, 8]),
        table('type.weight', [2, 8]),
      ],
    );
    expect(positionTables(g)).toEqual([
      { name: 'bert.embeddings.position_embeddings.weight', rows: 512 },
      { name: 'onnx::Gather_77', rows: 514 },
    ]);
    expect(smallestPositionTable(g)).toEqual({
      name: 'bert.embeddings.position_embeddings.weight',
      rows: 512,
    });
    expect(smallestPositionTable(graph([], []))).toBeUndefined();
  });
});
