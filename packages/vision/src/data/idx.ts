import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import { maybeGunzip, type ImageDataset } from './dataset.js';

/** Fashion-MNIST class names by label id. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The images of an IDX file (magic `0x00000803`): `count × rows × cols` bytes. */
export interface IdxImages {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly pixels: Uint8Array;
}

function load(source: string | Uint8Array, field: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? readFileSync(source) : source;
  } catch (e) {
    throw new OrderlensInputError(field, `cannot read ${String(source)}: ${(e as Error).message}`);
  }
  try {
    return maybeGunzip(bytes, gunzipSync);
  } catch (e) {
    throw new OrderlensInputError(
      field,
      `cannot gunzip ${typeof source === 'string' ? source : 'buffer'}: ${(e as Error).message}`,
    );
  }
}

/** Reads an IDX image file (`*-images-idx3-ubyte`, optionally `.gz`): big-endian header, then bytes. */
export function readIdxImages(source: string | Uint8Array): IdxImages {
  const b = load(source, 'images');
  const name = typeof source === 'string' ? source : 'buffer';
  requireInput(b.length >= 16, 'images', `${name} is too short for an IDX image header`);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const magic = dv.getUint32(0);
  requireInput(
    magic === 0x803,
    'images',
    `${name}: expected IDX magic 0x00000803 (uint8, 3 dims), got 0x${magic.toString(16).padStart(8, '0')}`,
  );
  const count = dv.getUint32(4);
  const height = dv.getUint32(8);
  const width = dv.getUint32(12);
  requireInput(
    b.length === 16 + count * height * width,
    'images',
    `${name}: header promises ${count}×${height}×${width} bytes, file holds ${b.length - 16}`,
  );
  return { count, height, width, pixels: b.subarray(16) };
}

/** Reads an IDX label file (`*-labels-idx1-ubyte`, optionally `.gz`). */
export function readIdxLabels(source: string | Uint8Array): Int32Array {
  const b = load(source, 'labels');
  const name = typeof source === 'string' ? source : 'buffer';
  requireInput(b.length >= 8, 'labels', `${name} is too short for an IDX label header`);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const magic = dv.getUint32(0);
  requireInput(
    magic === 0x801,
    'labels',
    `${name}: expected IDX magic 0x00000801 (uint8, 1 dim), got 0x${magic.toString(16).padStart(8, '0')}`,
  );
  const count = dv.getUint32(4);
  requireInput(
    b.length === 8 + count,
    'labels',
    `${name}: header promises ${count} labels, file holds ${b.length - 8}`,
  );
  return Int32Array.from(b.subarray(8));
}

/** Options of {@link loadIdxDataset}. */
export interface IdxDatasetOptions {
  /** Class names by id (default {@link FASHION_MNIST_CLASSES}). */
  readonly classNames?: readonly string[];
  /** Keep only the first `limit` images. */
  readonly limit?: number;
}

/** An image IDX file and its label file as one grey {@link ImageDataset}. */
export function loadIdxDataset(
  imagesPath: string | Uint8Array,
  labelsPath: string | Uint8Array,
  options: IdxDatasetOptions = {},
): ImageDataset {
  const img = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  requireInput(labels.length === img.count, 'labels', `${labels.length} labels for ${img.count} images`);
  const count = Math.min(img.count, options.limit ?? img.count);
  const size = img.height * img.width;
  return {
    images: img.pixels.slice(0, count * size),
    labels: labels.slice(0, count),
    count,
    height: img.height,
    width: img.width,
    channels: 1,
    classNames: options.classNames ?? FASHION_MNIST_CLASSES,
  };
}

/**
 * Fashion-MNIST from a directory holding the standard file names
 * (`t10k-images-idx3-ubyte.gz` / `train-…`, gzipped or not), e.g. the repo's
 * `packages/vision/data/fashion-mnist/` subset or Debian's `/usr/share/datasets/fashion-mnist/`.
 */
export function loadFashionMnist(
  dir: string,
  split: 'train' | 'test' = 'test',
  options: IdxDatasetOptions = {},
): ImageDataset {
  const prefix = split === 'test' ? 't10k' : 'train';
  const pick = (stem: string): string => {
    for (const f of [`${dir}/${stem}.gz`, `${dir}/${stem}`]) if (existsSync(f)) return f;
    throw new OrderlensInputError('dataset', `no ${stem}(.gz) in ${dir}`);
  };
  return loadIdxDataset(pick(`${prefix}-images-idx3-ubyte`), pick(`${prefix}-labels-idx1-ubyte`), options);
}
