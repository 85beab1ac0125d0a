import { requireInput } from '@orderlens/core';
import type { RawImage } from '../image/raw-image.js';

/**
 * Labelled images of one size, stored as bytes: image `k` occupies
 * `images[k·H·W·C, (k+1)·H·W·C)`, interleaved `HWC` like a {@link RawImage}.
 */
export interface ImageDataset {
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Class names by label id. */
  readonly classNames: readonly string[];
  /** Where each image came from (file paths, record numbers), when known. */
  readonly sources?: readonly string[];
}

/** Image `k` of a dataset (a view, no copy). */
export function datasetImage(ds: ImageDataset, k: number): RawImage {
  requireInput(Number.isInteger(k) && k >= 0 && k < ds.count, 'index', `image ${k} outside [0, ${ds.count})`);
  const size = ds.height * ds.width * ds.channels;
  return {
    data: ds.images.subarray(k * size, (k + 1) * size),
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
  };
}

/** Per-channel mean of all pixels, in bytes (0–255): the default "dataset mean" baseline. */
export function datasetChannelMean(ds: ImageDataset): number[] {
  const C = ds.channels;
  const sums = new Float64Array(C);
  const px = ds.images;
  for (let i = 0; i < px.length; i++) sums[i % C] += px[i];
  const perChannel = px.length / C;
  return Array.from(sums, (s) => s / perChannel);
}

/**
 * Per-channel mean and (population) standard deviation of all pixels scaled to [0, 1]: the
 * statistics for normalising a model trained on this dataset.
 */
export function datasetChannelStats(ds: ImageDataset): { mean: number[]; std: number[] } {
  const C = ds.channels;
  const s = new Float64Array(C);
  const s2 = new Float64Array(C);
  for (let i = 0; i < ds.images.length; i++) {
    const v = ds.images[i] / 255;
    s[i % C] += v;
    s2[i % C] += v * v;
  }
  const per = ds.images.length / C;
  const mean = Array.from(s, (v) => v / per);
  return { mean, std: Array.from(s2, (v, c) => Math.sqrt(Math.max(1e-12, v / per - mean[c] ** 2))) };
}

/** The first `count` images (or the ones at `indices`) as a new dataset sharing no memory. */
export function subsetDataset(ds: ImageDataset, indices: readonly number[]): ImageDataset {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  indices.forEach((k, t) => {
    requireInput(
      Number.isInteger(k) && k >= 0 && k < ds.count,
      'indices',
      `image ${k} outside [0, ${ds.count})`,
    );
    images.set(ds.images.subarray(k * size, (k + 1) * size), t * size);
    labels[t] = ds.labels[k];
  });
  return {
    images,
    labels,
    count: indices.length,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    classNames: ds.classNames,
    ...(ds.sources ? { sources: indices.map((k) => ds.sources![k]) } : {}),
  };
}

/** Bytes of a file, gunzipped when they start with the gzip magic `1f 8b`. */
export function maybeGunzip(bytes: Uint8Array, gunzip: (b: Uint8Array) => Uint8Array): Uint8Array {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes) : bytes;
}
