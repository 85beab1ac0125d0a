import type { GraphProto, NodeProto, ValueInfoProto } from './onnx-proto.js';

/*
 * Pure graph surgery on decoded ONNX graphs: which tensors can be cut, and the prefix
 * (inputs → tensor) and suffix (tensor → outputs) graphs. Nodes keep their original order, which
 * ONNX requires to be topological, so the extracted graphs stay valid.
 */

/** Names of the graph's real inputs (older exporters also list initializers as inputs). */
function initializerNames(graph: GraphProto): Set<string> {
  const names = new Set(graph.initializer.map((t) => t.name));
  for (const s of graph.sparseInitializer ?? []) if (s.values?.name) names.add(s.values.name);
  return names;
}

/** Inputs of a node, including tensors of the enclosing graph its subgraphs (If, Loop, Scan) read. */
function nodeInputs(node: NodeProto): string[] {
  const inputs = node.input.filter((n) => n !== '');
  for (const a of node.attribute ?? []) {
    const subgraphs = [...(a.g ? [a.g] : []), ...(a.graphs ?? [])];
    for (const g of subgraphs) inputs.push(...outerReferences(g));
  }
  return inputs;
}

function outerReferences(graph: GraphProto): string[] {
  const local = new Set<string>([...graph.input.map((i) => i.name), ...initializerNames(graph)]);
  for (const n of graph.node) for (const o of n.output) local.add(o);
  const refs: string[] = [];
  for (const n of graph.node) for (const i of nodeInputs(n)) if (!local.has(i)) refs.push(i);
  return refs;
}

function producers(graph: GraphProto): Map<string, number> {
  const map = new Map<string, number>();
  graph.node.forEach((n, k) => {
    for (const o of n.output) if (o !== '') map.set(o, k);
  });
  return map;
}

/**
 * Indices (ascending) of the nodes needed to compute `targets`, walking back from them and
 * stopping at graph inputs, initializers and the tensors in `stop`.
 */
function neededNodes(graph: GraphProto, targets: readonly string[], stop: ReadonlySet<string>): number[] {
  const producer = producers(graph);
  const keep = new Set<number>();
  const stack = [...targets];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name) || stop.has(name)) continue;
    seen.add(name);
    const k = producer.get(name);
    if (k === undefined || keep.has(k)) continue;
    keep.add(k);
    stack.push(...nodeInputs(graph.node[k]));
  }
  return [...keep].sort((a, b) => a - b);
}

/** A graph holding `nodes` of `graph`, with the initializers and inputs they read. */
function subgraph(
  graph: GraphProto,
  name: string,
  nodeIdx: readonly number[],
  extraInputs: readonly ValueInfoProto[],
  outputs: ValueInfoProto[],
): GraphProto {
  const nodes = nodeIdx.map((k) => graph.node[k]);
  const read = new Set<string>();
  for (const n of nodes) for (const i of nodeInputs(n)) read.add(i);
  for (const o of outputs) read.add(o.name); // an output may be a graph input passed straight through
  const produced = new Set<string>();
  for (const n of nodes) for (const o of n.output) produced.add(o);
  const extra = new Set(extraInputs.map((i) => i.name));
  return {
    name,
    node: nodes,
    initializer: graph.initializer.filter((t) => read.has(t.name)),
    sparseInitializer: (graph.sparseInitializer ?? []).filter(
      (s) => s.values?.name !== undefined && read.has(s.values.name),
    ),
    input: [...extraInputs, ...graph.input.filter((i) => read.has(i.name) && !extra.has(i.name))],
    output: outputs,
    valueInfo: graph.valueInfo.filter((v) => produced.has(v.name) && !extra.has(v.name)),
  };
}

/**
 * Intermediate tensors where a cut is possible: outputs of nodes that depend on a graph input,
 * excluding the graph outputs themselves, in graph order.
 */
export function cuttableTensors(graph: GraphProto): string[] {
  const inits = initializerNames(graph);
  const live = new Set(graph.input.map((i) => i.name).filter((n) => !inits.has(n)));
  const outputs = new Set(graph.output.map((o) => o.name));
  const result: string[] = [];
  for (const node of graph.node) {
    if (!nodeInputs(node).some((i) => live.has(i))) continue;
    for (const o of node.output) {
      if (o === '') continue;
      live.add(o);
      if (!outputs.has(o)) result.push(o);
    }
  }
  return result;
}

/** The value info the graph declares for `name`, if any. */
export function declaredValueInfo(graph: GraphProto, name: string): ValueInfoProto | undefined {
  return graph.valueInfo.find((v) => v.name === name) ?? graph.output.find((v) => v.name === name);
}

/**
 * `inputs → tensor`. The output's type and shape are copied from the graph's value info when it
 * has them; otherwise the declaration is left bare and ONNX Runtime infers both.
 */
export function prefixGraph(graph: GraphProto, tensor: string): GraphProto {
  const nodes = neededNodes(graph, [tensor], new Set());
  const declared = declaredValueInfo(graph, tensor);
  return subgraph(graph, `${graph.name ?? 'graph'}_prefix`, nodes, [], [declared ?? { name: tensor }]);
}

/**
 * `tensor → outputs`: `tensor` becomes the first graph input (declared by `tensorInfo`) and only
 * the nodes and initializers the outputs need from there are kept. `otherInputs` lists the
 * original inputs the suffix still reads around the cut (empty when the tensor is a bottleneck).
 */
export function suffixGraph(
  graph: GraphProto,
  tensor: string,
  tensorInfo: ValueInfoProto,
): { graph: GraphProto; otherInputs: string[] } {
  const outputs = graph.output.map((o) => o.name);
  const nodes = neededNodes(graph, outputs, new Set([tensor]));
  const g = subgraph(graph, `${graph.name ?? 'graph'}_suffix`, nodes, [tensorInfo], [...graph.output]);
  return { graph: g, otherInputs: g.input.slice(1).map((i) => i.name) };
}

/** Whether any node needed for the outputs reads `tensor`. */
export function outputsDependOn(graph: GraphProto, tensor: string): boolean {
  const nodes = neededNodes(
    graph,
    graph.output.map((o) => o.name),
    new Set([tensor]),
  );
  return nodes.some((k) => nodeInputs(graph.node[k]).includes(tensor));
}
