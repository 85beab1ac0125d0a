import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { CoalitionBatch, Masker, NamedTensors } from '@orderlens/core';

/** Repository path of a file of the vision package (its shipped model and Fashion-MNIST subset). */
export function visionPackagePath(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../vision/${parts.join('/')}`, import.meta.url));
}

/** Repository path of a committed fixture. */
export function fixturePath(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../fixtures/${parts.join('/')}`, import.meta.url));
}

export interface CensusMeta {
  columns: string[];
  mean: number[];
  std: number[];
  testAccuracy: number;
  examples: Array<{ testIndex: number; label: number; input: number[]; logits: number[] }>;
}

export interface FmnistMeta {
  normalization: { mean: number; std: number };
  cutTensor: { name: string; shape: Array<number | string> };
  testAccuracy: number;
  examples: Array<{ testIndex: number; label: number; logits: number[] }>;
}

export const censusModel = fixturePath('census-mlp5', 'model.onnx');
export const censusBatch1Model = fixturePath('census-mlp5', 'model-batch1.onnx');
export const fmnistModel = visionPackagePath('models', 'fmnist-cnn', 'model.onnx');

export function censusMeta(): CensusMeta {
  return JSON.parse(readFileSync(fixturePath('census-mlp5', 'meta.json'), 'utf8')) as CensusMeta;
}

export function fmnistMeta(): FmnistMeta {
  return JSON.parse(
    readFileSync(visionPackagePath('models', 'fmnist-cnn', 'meta.json'), 'utf8'),
  ) as FmnistMeta;
}

/** The committed Fashion-MNIST test subset: raw uint8 images (N·784) and labels. */
export function fmnistSubset(): { images: Uint8Array; labels: Uint8Array; count: number } {
  const img = gunzipSync(
    readFileSync(visionPackagePath('data', 'fashion-mnist', 't10k-images-idx3-ubyte.gz')),
  );
  const lab = gunzipSync(
    readFileSync(visionPackagePath('data', 'fashion-mnist', 't10k-labels-idx1-ubyte.gz')),
  );
  const count = img.readUInt32BE(4);
  return { images: img.subarray(16), labels: lab.subarray(8), count };
}

/** Images `[start, start+count)` of the subset, normalised as the model expects, NCHW. */
export function fmnistInputs(start: number, count: number): Float32Array {
  const { images } = fmnistSubset();
  const { mean, std } = fmnistMeta().normalization;
  const out = new Float32Array(count * 784);
  for (let k = 0; k < out.length; k++) out[k] = (images[start * 784 + k] / 255 - mean) / std;
  return out;
}

/**
 * Baseline replacement over the 12 census attributes (one player per column): present players
 * keep `x`, absent ones get the baseline (0, the z-scored mean). Allocates one buffer per batch.
 */
export class CensusMasker implements Masker {
  readonly n: number;
  constructor(
    private readonly x: Float32Array,
    private readonly baseline: Float32Array = new Float32Array(x.length),
    private readonly inputName = 'x',
  ) {
    this.n = x.length;
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    const d = this.n;
    const rows = end - start;
    const data = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const word = batch.data[(start + r) * batch.words];
      for (let f = 0; f < d; f++) data[r * d + f] = (word >>> f) & 1 ? this.x[f] : this.baseline[f];
    }
    return { [this.inputName]: { type: 'float32', data, dims: [rows, d] } };
  }
}

/** A log sink for tests that do not check messages. */
export const quiet = (): void => {};

/** Largest absolute elementwise difference; the lengths must agree (throws otherwise). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}
