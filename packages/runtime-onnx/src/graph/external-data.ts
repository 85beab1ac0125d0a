import { OrderlensInputError, resolveInside } from '@orderlens/core';

/*
 * ONNX tensors may keep their data in a separate file named by an `external_data` entry
 * `location` (a path relative to the model's folder). ONNX Runtime opens that file when it
 * creates the session, so a model from a stranger could name `../../etc/passwd` or an absolute
 * path. This module finds every such location by walking the protobuf wire format directly
 * (no decoding of tensor payloads: raw_data fields are skipped, not copied), so even large
 * models are checked in one cheap pass before ONNX Runtime sees them.
 */

/** One `external_data` location found in a model. */
export interface ExternalDataRef {
  /** Where the tensor sits, e.g. `graph.initializer[3]` or `graph.node[2].attribute[0].t`. */
  readonly path: string;
  /** The tensor's name (empty when it has none). */
  readonly tensor: string;
  /** The `location` value as written in the model. */
  readonly location: string;
}

/** Thrown by the scanner for bytes that are not a well-formed protobuf message. */
export class MalformedProtobufError extends Error {}

type Kind = 'model' | 'training' | 'function' | 'graph' | 'node' | 'attribute' | 'sparse' | 'tensor';

/**
 * Field numbers (from assets/onnx.proto) of the sub-messages that can hold a TensorProto,
 * per message kind, and what they contain; every other field is skipped.
 */
const CHILDREN: Record<Kind, Record<number, readonly [name: string, kind: Kind, repeated: boolean]>> = {
  model: {
    7: ['graph', 'graph', false],
    20: ['training_info', 'training', true],
    25: ['functions', 'function', true],
  },
  training: { 1: ['initialization', 'graph', false], 2: ['algorithm', 'graph', false] },
  function: { 7: ['node', 'node', true], 11: ['attribute_proto', 'attribute', true] },
  graph: {
    1: ['node', 'node', true],
    5: ['initializer', 'tensor', true],
    15: ['sparse_initializer', 'sparse', true],
  },
  node: { 5: ['attribute', 'attribute', true] },
  attribute: {
    5: ['t', 'tensor', false],
    6: ['g', 'graph', false],
    10: ['tensors', 'tensor', true],
    11: ['graphs', 'graph', true],
    22: ['sparse_tensor', 'sparse', false],
    23: ['sparse_tensors', 'sparse', true],
  },
  sparse: { 1: ['values', 'tensor', false], 2: ['indices', 'tensor', false] },
  tensor: {},
};

/** Fields of TensorProto and StringStringEntryProto read by the scanner. */
const TENSOR_NAME = 8;
const TENSOR_EXTERNAL_DATA = 13;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

/** protobuf's own default recursion limit; deeper nesting is refused, not followed. */
const MAX_DEPTH = 100;

/**
 * Every `external_data` `location` in the serialized ONNX model `bytes`, wherever a tensor can
 * sit: graph initializers, sparse initializers, tensor attributes, subgraphs (If/Loop bodies),
 * training graphs and functions. Every location entry is reported, whatever the tensor's
 * `data_location` says, so nothing ONNX Runtime might open is missed.
 *
 * @throws {@link MalformedProtobufError} when `bytes` is not a well-formed protobuf message.
 */
export function externalDataLocations(bytes: Uint8Array): ExternalDataRef[] {
  const out: ExternalDataRef[] = [];
  walk(bytes, 0, bytes.length, 'model', '', 0, out);
  return out;
}

/**
 * Refuses a model whose external data would be read from outside `root` (the model's folder):
 * each location must resolve inside it after symlinks are resolved ({@link resolveInside}).
 * Nothing is opened. Bytes that are not a protobuf message are refused as not being a model.
 *
 * @param bytes - The serialized model.
 * @param root - The folder locations are relative to.
 * @param label - Names the model in messages (its path).
 * @throws {@link OrderlensInputError} naming `<path>.external_data.location` (e.g.
 * `graph.initializer[0].external_data.location`) or `modelPath`.
 */
export function checkExternalData(bytes: Uint8Array, root: string, label: string): void {
  let refs: ExternalDataRef[];
  try {
    refs = externalDataLocations(bytes);
  } catch (e) {
    if (!(e instanceof MalformedProtobufError)) throw e;
    throw new OrderlensInputError(
      'modelPath',
      `cannot load ONNX model ${label}: not a valid ONNX protobuf (${e.message})`,
    );
  }
  for (const r of refs) {
    const field = `${r.path}.external_data.location`;
    try {
      resolveInside(root, r.location, field);
    } catch (e) {
      if (!(e instanceof OrderlensInputError)) throw e;
      throw new OrderlensInputError(
        field,
        `tensor "${r.tensor}" of ONNX model ${label} keeps its data in ${e.message.slice(field.length + 2)}`,
      );
    }
  }
}

function walk(
  buf: Uint8Array,
  start: number,
  end: number,
  kind: Kind,
  path: string,
  depth: number,
  out: ExternalDataRef[],
): void {
  if (depth > MAX_DEPTH) throw new MalformedProtobufError(`messages nested deeper than ${MAX_DEPTH}`);
  const counts = new Map<number, number>();
  let tensorName = '';
  const locations: string[] = [];
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new MalformedProtobufError(`field number 0 at byte ${pos}`);
    if (wire !== 2) {
      pos = skip(buf, afterTag, end, wire, field, 0);
      continue;
    }
    const [len, body] = varint(buf, afterTag, end);
    const bodyEnd = body + len;
    if (bodyEnd > end)
      throw new MalformedProtobufError(
        `field ${field} at byte ${pos} runs past its message (truncated file?)`,
      );
    const child = CHILDREN[kind][field];
    if (child !== undefined) {
      const k = counts.get(field) ?? 0;
      counts.set(field, k + 1);
      const [name, childKind, repeated] = child;
      const childPath = `${path === '' ? '' : path + '.'}${name}${repeated ? `[${k}]` : ''}`;
      walk(buf, body, bodyEnd, childKind, childPath, depth + 1, out);
    } else if (kind === 'tensor' && field === TENSOR_NAME) {
      tensorName = utf8(buf, body, bodyEnd);
    } else if (kind === 'tensor' && field === TENSOR_EXTERNAL_DATA) {
      const loc = locationOf(buf, body, bodyEnd);
      if (loc !== undefined) locations.push(loc);
    }
    pos = bodyEnd;
  }
  if (pos !== end) throw new MalformedProtobufError(`message ending at byte ${end} overrun`);
  for (const location of locations) out.push({ path, tensor: tensorName, location });
}

/** The value of a StringStringEntryProto whose key is `location`, else undefined. */
function locationOf(buf: Uint8Array, start: number, end: number): string | undefined {
  let key: string | undefined;
  let value: string | undefined;
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 2 && (field === ENTRY_KEY || field === ENTRY_VALUE)) {
      const [len, body] = varint(buf, afterTag, end);
      if (body + len > end)
        throw new MalformedProtobufError(`external_data entry at byte ${pos} is truncated`);
      // protobuf keeps the last occurrence of a repeated scalar field.
      if (field === ENTRY_KEY) key = utf8(buf, body, body + len);
      else value = utf8(buf, body, body + len);
      pos = body + len;
    } else {
      pos = skip(buf, afterTag, end, wire, field, 0);
    }
  }
  return key === 'location' ? (value ?? '') : undefined;
}

/** Skips one field value of wire type `wire`; groups (3/4) are skipped to their end tag. */
function skip(buf: Uint8Array, pos: number, end: number, wire: number, field: number, depth: number): number {
  switch (wire) {
    case 0:
      return varint(buf, pos, end)[1];
    case 1:
      return bounded(pos + 8, end, field);
    case 5:
      return bounded(pos + 4, end, field);
    case 2: {
      const [len, body] = varint(buf, pos, end);
      return bounded(body + len, end, field);
    }
    case 3: {
      if (depth > MAX_DEPTH) throw new MalformedProtobufError(`groups nested deeper than ${MAX_DEPTH}`);
      let p = pos;
      for (;;) {
        if (p >= end) throw new MalformedProtobufError(`group ${field} has no end`);
        const [tag, after] = varint(buf, p, end);
        const f = Math.floor(tag / 8);
        const w = tag % 8;
        if (w === 4) {
          if (f !== field) throw new MalformedProtobufError(`group ${field} closed by end tag ${f}`);
          return after;
        }
        p = skip(buf, after, end, w, f, depth + 1);
      }
    }
    default:
      throw new MalformedProtobufError(`invalid wire type ${wire} for field ${field} at byte ${pos}`);
  }
}

function bounded(next: number, end: number, field: number): number {
  if (next > end) throw new MalformedProtobufError(`field ${field} runs past the end (truncated file?)`);
  return next;
}

/** A base-128 varint as a number (exact up to 2^53, which bounds every length we accept). */
function varint(buf: Uint8Array, pos: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let k = 0; k < 10; k++) {
    if (pos >= end) throw new MalformedProtobufError(`varint at byte ${pos} is truncated`);
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
  throw new MalformedProtobufError(`varint at byte ${pos} is longer than 10 bytes`);
}

const decoder = new TextDecoder();

function utf8(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(start, end));
}
