import {
  OrderlensInputError,
  type EmbeddingNoiseCapability,
  type NoisyEmbeddingModel,
} from '@orderlens/core';
import { OnnxSession } from '../session/onnx-session.js';
import { createSessionWithFallback } from '../session/providers.js';
import type { GraphCutContext } from './onnx-graph-cut.js';
import { decodeModel, encodeWithGraph, int64, type GraphProto, type NodeProto } from './onnx-proto.js';

/*
 * Noise on a token model's word embeddings: a text model reads token ids, so the only continuous
 * input `x + ε` can perturb is the vector each id is looked up as. The graph is edited, not cut:
 * the word-embedding Gather's output is renamed, and an Add of a new graph input takes its name,
 * so every node that read the looked-up vectors reads `vectors + noise` instead.
 */

/** Name of the noise input the edited graph takes. */
export const EMBEDDING_NOISE_INPUT = 'orderlens_embedding_noise';

/** The word-embedding lookup of a token graph. */
export interface WordEmbeddingLookup {
  /** Index of the Gather node in `graph.node`. */
  readonly node: number;
  /** The table (a rank-2 float32 initializer, rows × width). */
  readonly table: string;
  readonly rows: number;
  readonly width: number;
}

const FLOAT = 1;

/**
 * The first Gather (axis 0) whose data is a rank-2 float32 initializer and whose indices are
 * computed from `input_ids` and from no other graph input — the word embedding, possibly behind an
 * id remapping (`Gather(remap, input_ids)`, as the two-phase text series does); positions and
 * token types are gathered from other inputs and are left out. Undefined when there is none.
 */
export function findWordEmbedding(graph: GraphProto): WordEmbeddingLookup | undefined {
  const init = new Map(graph.initializer.map((t) => [t.name, t]));
  const inputs = new Set(graph.input.map((i) => i.name).filter((n) => !init.has(n)));
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) producer.set(o, n);
  // Graph inputs a tensor depends on (memoised; graphs are DAGs).
  const memo = new Map<string, Set<string>>();
  const sources = (name: string): Set<string> => {
    const known = memo.get(name);
    if (known) return known;
    const out = new Set<string>();
    memo.set(name, out);
    if (inputs.has(name)) out.add(name);
    const p = producer.get(name);
    if (p) for (const i of p.input) if (i !== '') for (const s of sources(i)) out.add(s);
    return out;
  };
  for (const [k, node] of graph.node.entries()) {
    if (node.opType !== 'Gather' || node.input.length < 2) continue;
    if ((int64(node.attribute.find((a) => a.name === 'axis')?.i) ?? 0) !== 0) continue;
    const t = init.get(node.input[0]) as
      { dims?: Array<number | { toNumber(): number }>; dataType?: number } | undefined;
    const dims = (t?.dims ?? []).map((d) => int64(d) ?? -1);
    if (t === undefined || dims.length !== 2 || t.dataType !== FLOAT) continue;
    const from = sources(node.input[1]);
    if (from.size === 1 && from.has('input_ids'))
      return { node: k, table: node.input[0], rows: dims[0], width: dims[1] };
  }
  return undefined;
}

/**
 * A copy of `graph` taking {@link EMBEDDING_NOISE_INPUT} `[batch, tokens, width]` (float32) and
 * adding it to the output of the word-embedding lookup, right after it (node order stays
 * topological).
 */
export function noisyEmbeddingGraph(graph: GraphProto, lookup: WordEmbeddingLookup): GraphProto {
  const gather = graph.node[lookup.node];
  const looked = gather.output[0];
  const clean = `${looked}/orderlens_clean`;
  const add: NodeProto = {
    name: 'orderlens/embedding_noise',
    opType: 'Add',
    input: [clean, EMBEDDING_NOISE_INPUT],
    output: [looked],
    attribute: [],
  };
  const nodes = [...graph.node];
  nodes[lookup.node] = { ...gather, output: [clean, ...gather.output.slice(1)] };
  nodes.splice(lookup.node + 1, 0, add);
  return {
    ...graph,
    node: nodes,
    input: [
      ...graph.input,
      {
        name: EMBEDDING_NOISE_INPUT,
        type: {
          tensorType: {
            elemType: FLOAT,
            shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'tokens' }, { dimValue: lookup.width }] },
          },
        },
      },
    ],
  };
}

/** Root mean square of a float32 initializer's values (raw little-endian bytes or `floatData`). */
function tableRms(graph: GraphProto, name: string): number {
  const t = graph.initializer.find((i) => i.name === name) as
    { rawData?: Uint8Array | null; floatData?: number[] } | undefined;
  let sum = 0;
  let count = 0;
  const raw = t?.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let o = 0; o + 4 <= raw.byteLength; o += 4) {
      const v = view.getFloat32(o, true);
      sum += v * v;
      count++;
    }
  } else
    for (const v of t?.floatData ?? []) {
      sum += v * v;
      count++;
    }
  return count > 0 ? Math.sqrt(sum / count) : NaN;
}

/** The ONNX runner's {@link EmbeddingNoiseCapability}: edits the graph once, on first use. */
export class OnnxEmbeddingNoise implements EmbeddingNoiseCapability {
  private built: Promise<NoisyEmbeddingModel> | undefined;

  constructor(private readonly ctx: GraphCutContext) {}

  noisyEmbeddings(): Promise<NoisyEmbeddingModel> {
    this.built ??= this.build();
    return this.built;
  }

  private async build(): Promise<NoisyEmbeddingModel> {
    const model = decodeModel(await this.ctx.loadBytes(), this.ctx.source);
    const graph = model.graph!;
    const lookup = findWordEmbedding(graph);
    if (lookup === undefined)
      throw new OrderlensInputError(
        '--model',
        `${this.ctx.source} has no word-embedding table gathered by input_ids (a rank-2 float32 initializer read by a Gather on ids computed from input_ids only), so no noise can be added to its input embeddings`,
      );
    const bytes = encodeWithGraph(model, noisyEmbeddingGraph(graph, lookup));
    const label = `${this.ctx.source}#embedding-noise(${lookup.table})`;
    const { session } = await createSessionWithFallback(
      bytes,
      label,
      [this.ctx.provider],
      this.ctx.settings,
      this.ctx.log,
    );
    return {
      runner: this.ctx.makeRunner(new OnnxSession(session, this.ctx.provider, label), bytes),
      noiseInput: EMBEDDING_NOISE_INPUT,
      table: lookup.table,
      width: lookup.width,
      tableRms: tableRms(graph, lookup.table),
    };
  }
}
