import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import type { PointCloud } from '../cloud/point-cloud.js';
import { loadModelNet10, MODELNET10_CLASSES } from '../readers/modelnet10.js';
import { CLOUD_EXTENSIONS, readCloudFile, type ReadCloudOptions } from '../readers/read-cloud.js';
import { loadShapeNetPart } from '../readers/shapenet-part.js';

/** The clouds of a data spec, in the file frame (not normalised), with ids and labels. */
export interface CloudSet {
  /** The spec resolved (absolute paths), for provenance. */
  readonly data: string;
  readonly clouds: PointCloud[];
  readonly ids: string[];
  readonly labels: number[];
  readonly classes: readonly string[];
}

/** Data sources `--clouds` accepts (for help and docs). */
export const CLOUD_SOURCES = [
  'modelnet10[:test|train]',
  'shapenet-part[:<folder>]',
  '<folder> (files, or <class>/ subfolders of files)',
  '<file>.pcd|.ply|.off|.xyz|.pts',
] as const;

/**
 * The class of a file: its parent folder's name when that is a class (`chair/0001.pcd`), else the
 * longest class name the file name starts with followed by `_` (`night_stand_0001.pcd`).
 */
function labelOf(file: string, classes: readonly string[]): number {
  const parent = basename(dirname(file)).toLowerCase();
  const byFolder = classes.findIndex((c) => c.toLowerCase() === parent);
  if (byFolder >= 0) return byFolder;
  const name = basename(file).toLowerCase();
  let best = -1;
  classes.forEach((c, k) => {
    if (name.startsWith(`${c.toLowerCase()}_`) && (best < 0 || c.length > classes[best].length)) best = k;
  });
  if (best >= 0) return best;
  throw new OrderlensInputError(
    file,
    `cannot tell its class: put it in a <class>/ folder or name it <class>_….ext, with a class among ${classes.join(', ')}`,
  );
}

function cloudFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort())
        if ((CLOUD_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())) out.push(join(p, f));
    } else if ((CLOUD_EXTENSIONS as readonly string[]).includes(extname(entry).toLowerCase())) out.push(p);
  }
  return out;
}

/**
 * Reads every cloud a `--clouds` spec names: the bundled ModelNet10 subset (`modelnet10`,
 * `modelnet10:train`), ShapeNet-Part (`shapenet-part`, or a folder in its layout), a folder of
 * files (one level of class subfolders), or one file. Labels of files come from
 * {@link labelOf} over `classes` (the model's meta.json classes, else ModelNet10's). All files are
 * read and checked here, before any model call.
 */
export function readCloudSet(
  spec: string,
  classes: readonly string[] | undefined,
  read: ReadCloudOptions,
): CloudSet {
  const field = '--clouds';
  requireInput(spec.trim() !== '', field, 'expected a data source');
  const [head, arg] =
    spec.includes(':') && !existsSync(spec)
      ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)]
      : [spec, undefined];
  if (head === 'modelnet10') {
    const split = arg ?? 'test';
    requireInput(
      split === 'test' || split === 'train',
      field,
      `modelnet10 has splits test and train, got "${split}"`,
    );
    const m = loadModelNet10(split);
    return {
      data: `modelnet10:${split}`,
      clouds: m.clouds,
      ids: m.files.map((f) => `${split}/${basename(f, '.pcd')}`),
      labels: Array.from(m.labels),
      classes: m.classes,
    };
  }
  if (head === 'shapenet-part') {
    const s = loadShapeNetPart(...(arg ? [resolve(arg)] : []));
    return {
      data: arg ? `shapenet-part:${resolve(arg)}` : 'shapenet-part',
      clouds: s.clouds,
      ids: s.ids,
      labels: s.labels,
      classes: s.classes,
    };
  }
  const path = resolve(spec);
  requireInput(
    existsSync(path),
    field,
    `${spec} is neither a dataset (modelnet10, shapenet-part) nor an existing file or folder`,
  );
  const files = statSync(path).isDirectory() ? cloudFilesIn(path) : [path];
  requireInput(
    files.length > 0,
    field,
    `${spec} holds no point-cloud files (${CLOUD_EXTENSIONS.join(', ')})`,
  );
  const names = classes ?? MODELNET10_CLASSES;
  const clouds = files.map((f) => readCloudFile(f, read));
  return {
    data: path,
    clouds,
    ids: files.map((f) => (f === path ? basename(f) : f.slice(path.length + 1))),
    labels: files.map((f) => labelOf(f, names)),
    classes: names,
  };
}
