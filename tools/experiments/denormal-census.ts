/**
 * Denormal census of the fixture networks: how many float32 values of the weights, of every
 * intermediate activation and of the logits are denormal (0 < |v| < 2^-126 ≈ 1.18e-38) on the
 * inputs an analysis really feeds them (masked samples of each modality's default analysis).
 *
 * For each network, the model is opened with denormals KEPT (so that they survive to be counted),
 * and a copy of its graph that declares every intermediate tensor as an output ("tap") is run on
 * the first BATCHES batches its default analysis sends after the selection (masked samples).
 * Prints one Markdown table row per network (docs/benchmarks.md quotes them).
 *
 * Run: `node --import tsx tools/experiments/denormal-census.ts [--batches k] [--only name]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openModel, type NamedTensors, type OpenedModel } from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeWithGraph } from '../../packages/runtime-onnx/src/graph/onnx-proto.ts';
import { cuttableTensors } from '../../packages/runtime-onnx/src/graph/split-graph.ts';
import { FIXTURE_NETWORKS, REPO, driveDefaultAnalysis } from '../bench/fixture-networks.ts';

const arg = (name: string): string | undefined => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
};
const BATCHES = Number(arg('--batches') ?? 4);
const only = arg('--only');

const MIN_NORMAL = 2 ** -126;
const isDenormal = (v: number) => v !== 0 && Math.abs(v) < MIN_NORMAL;

interface Initializer {
  name: string;
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
}

/** Denormal count and size of the float initializers, and the initializers holding the most. */
function weightCensus(bytes: Uint8Array): { values: number; denormal: number; worst: string } {
  const model = decodeModel(bytes, 'model') as unknown as { graph: { initializer: Initializer[] } };
  let values = 0;
  let denormal = 0;
  const by: Array<[string, number, number]> = [];
  for (const t of model.graph.initializer) {
    if (t.dataType !== 1) continue;
    const data =
      t.rawData && t.rawData.length > 0
        ? new Float32Array(t.rawData.slice().buffer, 0, t.rawData.length / 4)
        : Float32Array.from(t.floatData ?? []);
    let d = 0;
    for (const v of data) if (isDenormal(v)) d++;
    values += data.length;
    denormal += d;
    if (d > 0) by.push([t.name, d, data.length]);
  }
  by.sort((a, b) => b[1] - a[1]);
  return { values, denormal, worst: by.map(([n, d, size]) => `${n} ${d}/${size}`).join(', ') };
}

/** The model with every intermediate tensor (and the outputs) declared as a graph output. */
function tapModel(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes, 'model');
  const graph = model.graph!;
  const extra = cuttableTensors(graph).map((name) => ({ name }));
  return encodeWithGraph(model, { ...graph, output: [...graph.output, ...extra] });
}

interface Tally {
  activations: number;
  activationDenormals: number;
  outputs: number;
  outputDenormals: number;
  /** Denormals per tensor, for the worst ones. */
  byTensor: Map<string, number>;
  batches: number;
}

/** Runs the tap model on one batch and adds its denormals to `tally`. */
async function countBatch(tap: ort.InferenceSession, inputs: NamedTensors, tally: Tally): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of tap.inputNames) {
    const t = inputs[name];
    feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);
  }
  const out = await tap.run(feeds);
  for (const [name, tensor] of Object.entries(out)) {
    if (tensor.type !== 'float32') continue;
    const data = tensor.data as Float32Array;
    let d = 0;
    for (let k = 0; k < data.length; k++) if (isDenormal(data[k])) d++;
    if (name === tap.outputNames[0]) {
      tally.outputs += data.length;
      tally.outputDenormals += d;
    } else {
      tally.activations += data.length;
      tally.activationDenormals += d;
    }
    if (d > 0) tally.byTensor.set(name, (tally.byTensor.get(name) ?? 0) + d);
  }
  tally.batches++;
}

const header = ['network', 'denormal weights', 'in', 'batches', 'denormal activations', 'denormal logits'];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const net of FIXTURE_NETWORKS) {
  if (only !== undefined && net.name !== only) continue;
  // The tap holds every activation of a batch at once: point clouds (DGCNN's k-NN features above
  // all) take small batches.
  const batch = net.modality === 'pointcloud' ? net.batchSizes[1] : 128;
  // Kept, so that denormals survive to be counted (the first session of this process decides).
  const model: OpenedModel = await openModel({
    spec: join(REPO, net.model),
    device: 'cpu',
    threads: 1,
    keepDenormals: true,
  });
  const bytes = new Uint8Array(readFileSync(model.file));
  const weights = weightCensus(bytes);
  const tap = await ort.InferenceSession.create(tapModel(bytes), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  const tally: Tally = {
    activations: 0,
    activationDenormals: 0,
    outputs: 0,
    outputDenormals: 0,
    byTensor: new Map(),
    batches: 0,
  };
  try {
    await driveDefaultAnalysis(net, model, batch, async (inputs, phase) => {
      if (phase === 'selection') return true;
      await countBatch(tap, inputs, tally);
      return tally.batches < BATCHES;
    });
  } finally {
    await tap.release();
    await model.runner.dispose();
  }
  const worst = [...tally.byTensor.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2);
  const pct = (d: number, n: number) => (n === 0 ? 'n/a' : `${((100 * d) / n).toPrecision(2)} %`);
  const row = [
    net.name,
    `${weights.denormal} / ${weights.values}`,
    weights.worst || '-',
    `${tally.batches}×≤${batch}`,
    `${tally.activationDenormals} / ${tally.activations} (${pct(tally.activationDenormals, tally.activations)})` +
      (worst.length ? `, most in ${worst.map(([n, d]) => `${n}: ${d}`).join('; ')}` : ''),
    `${tally.outputDenormals} / ${tally.outputs}`,
  ];
  console.log(`| ${row.join(' | ')} |`);
}
