import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import { maybeGunzip, type ImageDataset } from './dataset.js';

/** CIFAR-10 class names by label id (`batches.meta.txt`). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);

/** Bytes of one CIFAR-10 binary record: a label byte and three 32×32 planes (R, G, B). */
export const CIFAR_RECORD_BYTES = 1 + 3 * 32 * 32;

/** Options of {@link readCifarBinary}. */
export interface CifarReadOptions {
  readonly classNames?: readonly string[];
  /** Keep only the first `limit` records. */
  readonly limit?: number;
}

/**
 * Reads the CIFAR-10 binary format (`data_batch_*.bin`, optionally gzipped): records of 3,073
 * bytes, a label then planar R, G, B. Planes are interleaved into `HWC` bytes here.
 */
export function readCifarBinary(source: string | Uint8Array, options: CifarReadOptions = {}): ImageDataset {
  const name = typeof source === 'string' ? source : 'buffer';
  let bytes: Uint8Array;
  try {
    bytes = maybeGunzip(typeof source === 'string' ? readFileSync(source) : source, gunzipSync);
  } catch (e) {
    throw new OrderlensInputError('dataset', `cannot read CIFAR binary ${name}: ${(e as Error).message}`);
  }
  requireInput(
    bytes.length > 0 && bytes.length % CIFAR_RECORD_BYTES === 0,
    'dataset',
    `${name}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte CIFAR-10 records`,
  );
  const total = bytes.length / CIFAR_RECORD_BYTES;
  const count = Math.min(total, options.limit ?? total);
  const classNames = options.classNames ?? CIFAR10_CLASSES;
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const o = k * CIFAR_RECORD_BYTES;
    const label = bytes[o];
    requireInput(
      label < classNames.length,
      'dataset',
      `${name}: record ${k} has label ${label}, outside the ${classNames.length} classes`,
    );
    labels[k] = label;
    for (let p = 0; p < 1024; p++) {
      images[k * 3072 + p * 3] = bytes[o + 1 + p];
      images[k * 3072 + p * 3 + 1] = bytes[o + 1 + 1024 + p];
      images[k * 3072 + p * 3 + 2] = bytes[o + 1 + 2048 + p];
    }
  }
  return { images, labels, count, height: 32, width: 32, channels: 3, classNames };
}

/** Folder of the CIFAR-10 subset shipped with this package (see its PROVENANCE.md). */
export function cifar10DataDir(): string {
  // src/data/ and dist/data/ are both two levels below the package root.
  return fileURLToPath(new URL('../../data/cifar10/', import.meta.url));
}

/**
 * The CIFAR-10 subset shipped with the package: `test` (1,000 images, 100 per class) or `train`
 * (2,000 images, 200 per class), records interleaved over classes so every prefix of 10·k is
 * balanced. ⚠ Decoded from quality-75 JPEGs, so pixels differ slightly from the original CIFAR-10.
 */
export function loadCifar10Subset(
  split: 'test' | 'train' = 'test',
  options: CifarReadOptions = {},
): ImageDataset {
  const file = `${cifar10DataDir()}${split === 'test' ? 'test_subset.bin.gz' : 'train_subset_2000.bin.gz'}`;
  requireInput(existsSync(file), 'dataset', `the CIFAR-10 ${split} subset is missing at ${file}`);
  return readCifarBinary(file, options);
}
