import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { OrderlensInputError, Rng } from '@orderlens/core';
import type { PointCloud } from '../cloud/point-cloud.js';
import { readOffMesh, sampleSurface } from './off.js';
import { readPcd } from './pcd.js';
import { readPly } from './ply.js';
import { readXyz } from './xyz.js';

/** File extensions {@link readCloudFile} reads. */
export const CLOUD_EXTENSIONS = ['.pcd', '.ply', '.off', '.xyz', '.pts', '.txt'] as const;

/** Options of {@link readCloudFile}. */
export interface ReadCloudOptions {
  /** Points sampled from an OFF mesh's surface (default 1024). */
  readonly surfacePoints?: number;
  /** Seed of the surface sampling (default 0); the stream is keyed by the file name too. */
  readonly seed?: number | string;
}

/**
 * Reads one point-cloud file by its extension: `.pcd` (ASCII, binary, binary_compressed),
 * `.ply` (vertices), `.off` (a mesh, surface-sampled to `surfacePoints` points with a seeded
 * stream), `.xyz` / `.pts` / `.txt` (text). Every failure is an input error naming the file.
 */
export function readCloudFile(file: string, options: ReadCloudOptions = {}): PointCloud {
  const ext = extname(file).toLowerCase();
  if (!(CLOUD_EXTENSIONS as readonly string[]).includes(ext))
    throw new OrderlensInputError(
      file,
      `unknown point-cloud format "${ext || '(no extension)'}"; expected one of ${CLOUD_EXTENSIONS.join(', ')}`,
    );
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new OrderlensInputError(file, 'is a folder, expected a file');
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof OrderlensInputError) throw e;
    throw new OrderlensInputError(file, `cannot be read: ${(e as Error).message}`);
  }
  switch (ext) {
    case '.pcd':
      return readPcd(bytes, file);
    case '.ply':
      return readPly(bytes, file);
    case '.off':
      return sampleSurface(
        readOffMesh(bytes.toString('utf8'), file),
        options.surfacePoints ?? 1024,
        Rng.create(options.seed ?? 0).fork('surface', basename(file)),
      );
    default:
      return readXyz(bytes.toString('utf8'), file);
  }
}
