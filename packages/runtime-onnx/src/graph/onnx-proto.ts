import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/*
 * Minimal typed views of the ONNX protobuf messages the graph cut touches. protobufjs decodes the
 * full schema (assets/onnx.proto, Apache-2.0, from the ONNX project) with field names in
 * camelCase; everything not listed here is carried through untouched on re-encode.
 */

export interface DimensionProto {
  dimValue?: number | { toNumber(): number } | null;
  dimParam?: string | null;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: DimensionProto[] } | null } | null } | null;
}

export interface AttributeProto {
  name: string;
  i?: number | { toNumber(): number } | null;
  g?: GraphProto | null;
  graphs?: GraphProto[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  attribute: AttributeProto[];
}

export interface TensorProto {
  name: string;
  dims?: Array<number | { toNumber(): number }>;
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  sparseInitializer: Array<{ values?: TensorProto | null }>;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export interface ModelProto {
  graph?: GraphProto | null;
}

/** ONNX `TensorProto.DataType` codes for the element types ONNX Runtime reports by name. */
export const ONNX_ELEM_TYPES: Readonly<Record<string, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

let modelType: protobuf.Type | undefined;
let graphType: protobuf.Type | undefined;

function types(): { model: protobuf.Type; graph: protobuf.Type } {
  if (modelType === undefined || graphType === undefined) {
    // Two levels up from both src/graph and dist/graph is the package root, which ships assets/.
    const schema = fileURLToPath(new URL('../../assets/onnx.proto', import.meta.url));
    const root = protobuf.loadSync(schema);
    modelType = root.lookupType('onnx.ModelProto');
    graphType = root.lookupType('onnx.GraphProto');
  }
  return { model: modelType, graph: graphType };
}

/** Decodes a serialized ONNX model; throws naming `label` when the bytes are not one. */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = types().model.decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new Error(
      `model ${label} is not a valid ONNX protobuf: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (model.graph === undefined || model.graph === null) throw new Error(`model ${label} has no graph`);
  return model;
}

/**
 * A copy of `model` whose graph is replaced by `graph` (opset imports, IR version and metadata
 * kept), serialized.
 */
export function encodeWithGraph(model: ModelProto, graph: GraphProto): Uint8Array {
  const t = types();
  const copy = t.model.create({ ...(model as object), graph: t.graph.create(graph as object) });
  return t.model.encode(copy).finish();
}

/** Serializes a model given as a plain object in protobufjs's camelCase JSON form (tests, tools). */
export function encodeModelObject(model: Record<string, unknown>): Uint8Array {
  const t = types().model;
  const problem = t.verify(model);
  if (problem) throw new Error(`invalid ONNX model object: ${problem}`);
  return t.encode(t.fromObject(model)).finish();
}

/** Numeric value of a protobuf int64 field (a number or a Long). */
export function int64(v: DimensionProto['dimValue']): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : v.toNumber();
}
