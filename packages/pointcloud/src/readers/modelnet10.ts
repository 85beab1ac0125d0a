import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { requireInput } from '@orderlens/core';
import { makeCloud, type PointCloud } from '../cloud/point-cloud.js';

/** Folder of the bundled data (`packages/pointcloud/data`), the same from `src/` and `dist/`. */
export const BUNDLED_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** The ten ModelNet10 classes, by id. */
export const MODELNET10_CLASSES = [
  'bathtub',
  'bed',
  'chair',
  'desk',
  'dresser',
  'monitor',
  'night_stand',
  'sofa',
  'table',
  'toilet',
] as const;

/** One split of the packed ModelNet10 subset, in the frame of the meshes (not normalised). */
export interface ModelNet10Split {
  readonly split: 'test' | 'train';
  readonly clouds: PointCloud[];
  readonly labels: Uint8Array;
  /** Original file names (`pcd/chair/test/chair_0890.pcd`), one per cloud. */
  readonly files: string[];
  readonly classes: readonly string[];
  readonly pointsPerCloud: number;
}

/**
 * Reads the packed ModelNet10 subset bundled in `data/modelnet10/` (see its README): float32
 * little-endian `[clouds][1024][3]` (`train_points_f32.bin.gz` gzipped), uint8 labels, and the
 * index CSV naming each record's original `.pcd` file. Sizes are checked against the index, so a
 * truncated download is named rather than read as fewer clouds.
 */
export function loadModelNet10(
  split: 'test' | 'train' = 'test',
  dataDir = join(BUNDLED_DATA_DIR, 'modelnet10'),
): ModelNet10Split {
  const field = `modelnet10:${split}`;
  const pointsPath = join(dataDir, `${split}_points_f32.bin`);
  const gzPath = `${pointsPath}.gz`;
  requireInput(existsSync(pointsPath) || existsSync(gzPath), field, `${pointsPath}(.gz) does not exist`);
  const raw = existsSync(pointsPath) ? readFileSync(pointsPath) : gunzipSync(readFileSync(gzPath));
  const labels = new Uint8Array(readFileSync(join(dataDir, `${split}_labels_u8.bin`)));
  const index = readFileSync(join(dataDir, `${split}_index.csv`), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  const classesFile = join(dataDir, 'classes.txt');
  const classes = existsSync(classesFile)
    ? readFileSync(classesFile, 'utf8').trim().split(/\r?\n/)
    : [...MODELNET10_CLASSES];
  const count = labels.length;
  requireInput(index.length === count, field, `has ${count} labels but ${index.length} index rows`);
  const perCloud = raw.length / (count * 12);
  requireInput(
    Number.isInteger(perCloud) && perCloud > 0,
    field,
    `${pointsPath} has ${raw.length} bytes, not ${count} clouds of whole float32 x y z points (truncated?)`,
  );
  // Copy into an aligned buffer: a Buffer from readFileSync may sit at an odd offset in Node's pool.
  const all = new Float32Array(raw.length / 4);
  new Uint8Array(all.buffer).set(raw);
  const files: string[] = [];
  const clouds: PointCloud[] = [];
  for (let k = 0; k < count; k++) {
    const cols = index[k].split(',');
    requireInput(
      Number(cols[1]) === labels[k],
      field,
      `index row ${k} says label ${cols[1]}, the labels file ${labels[k]}`,
    );
    files.push(cols[3]);
    const id = `${field}/${k}`;
    clouds.push(makeCloud(all.subarray(k * perCloud * 3, (k + 1) * perCloud * 3), id));
  }
  return { split, clouds, labels, files, classes, pointsPerCloud: perCloud };
}
