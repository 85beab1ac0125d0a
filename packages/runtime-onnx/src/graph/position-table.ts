import type { PositionTable, SequenceLimitsCapability } from '@orderlens/core';
import { decodeModel, int64, type GraphProto, type ModelProto } from './onnx-proto.js';

/**
 * Names that mark a position embedding: `position_embeddings`, `position_ids`, `pos.weight`,
 * `/pos/Gather` (a `pos` that is a word of its own, not the start of `post` or `positive`…).
 */
const POSITION_NAME = /position|(^|[^a-z])pos([^a-z]|$)/i;

/**
 * The position-embedding tables of an ONNX graph: `Gather` nodes on axis 0 whose data is a
 * rank-2 initializer (rows × hidden) and that are marked as positional — by the table's name,
 * the node's name, or indices that are the graph input `position_ids` (or computed from a tensor
 * so named). Word and token-type tables (gathered with `input_ids`, `token_type_ids`) are not
 * positional and are left out. Rows are read from the initializer's declared `dims`, so nothing
 * of its data is touched.
 */
export function positionTables(graph: GraphProto): PositionTable[] {
  const dims = new Map<string, number[]>();
  for (const t of graph.initializer)
    dims.set(
      t.name,
      (t.dims ?? []).map((d) => int64(d) ?? -1),
    );
  const out: PositionTable[] = [];
  for (const node of graph.node) {
    if (node.opType !== 'Gather' || node.input.length < 2) continue;
    const axis = int64(node.attribute.find((a) => a.name === 'axis')?.i) ?? 0;
    const [data, indices] = node.input;
    const shape = dims.get(data);
    if (axis !== 0 || shape === undefined || shape.length !== 2 || !(shape[0] > 0)) continue;
    if (/input_ids|token_type/i.test(indices)) continue;
    if (POSITION_NAME.test(data) || POSITION_NAME.test(node.name ?? '') || POSITION_NAME.test(indices))
      out.push({ name: data, rows: shape[0] });
  }
  return out;
}

/** The smallest of {@link positionTables}, the one that bounds the sequence length. */
export function smallestPositionTable(graph: GraphProto): PositionTable | undefined {
  return positionTables(graph).reduce<PositionTable | undefined>(
    (min, t) => (min === undefined || t.rows < min.rows ? t : min),
    undefined,
  );
}

/**
 * The ONNX runner's {@link SequenceLimitsCapability}: decodes the model once, lazily (only a text
 * analysis asks), and finds its position table.
 */
export class OnnxSequenceLimits implements SequenceLimitsCapability {
  private table: Promise<PositionTable | undefined> | undefined;

  constructor(
    private readonly source: string,
    private readonly loadBytes: () => Promise<Uint8Array>,
  ) {}

  positionTable(): Promise<PositionTable | undefined> {
    this.table ??= this.loadBytes().then((bytes) => {
      const model: ModelProto = decodeModel(bytes, this.source);
      return smallestPositionTable(model.graph!);
    });
    return this.table;
  }
}
