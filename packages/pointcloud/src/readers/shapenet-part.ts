import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { requireInput } from '@orderlens/core';
import type { PointCloud } from '../cloud/point-cloud.js';
import { BUNDLED_DATA_DIR } from './modelnet10.js';
import { readSeg, readXyz } from './xyz.js';

/** The ShapeNet-Part sample (or any folder in the pointnet.pytorch layout). */
export interface ShapeNetPart {
  readonly clouds: PointCloud[];
  /** Category index (line of `synsetoffset2category.txt`) of each cloud. */
  readonly labels: number[];
  /** Category names by index (`Airplane`, `Bag`, …). */
  readonly classes: string[];
  /** `<synset>/<uuid>` of each cloud. */
  readonly ids: string[];
}

/**
 * Reads ShapeNet-Part in the pointnet.pytorch layout: `synsetoffset2category.txt`, then for each
 * synset `points/<uuid>.pts` with the part labels of `points_label/<uuid>.seg` attached when
 * present (their count must equal the points').
 */
export function loadShapeNetPart(dir = join(BUNDLED_DATA_DIR, 'shapenet_part_sample')): ShapeNetPart {
  const catFile = join(dir, 'synsetoffset2category.txt');
  requireInput(existsSync(catFile), 'shapenet-part', `${catFile} does not exist`);
  const cats = readFileSync(catFile, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/));
  const out: ShapeNetPart = { clouds: [], labels: [], classes: cats.map((c) => c[0]), ids: [] };
  cats.forEach(([, synset], label) => {
    const pointsDir = join(dir, synset, 'points');
    if (!existsSync(pointsDir)) return;
    for (const f of readdirSync(pointsDir)
      .filter((f) => f.endsWith('.pts'))
      .sort()) {
      const file = join(pointsDir, f);
      const cloud = readXyz(readFileSync(file, 'utf8'), file);
      const segFile = join(dir, synset, 'points_label', f.replace(/\.pts$/, '.seg'));
      const parts = existsSync(segFile) ? readSeg(readFileSync(segFile, 'utf8'), segFile) : undefined;
      if (parts)
        requireInput(
          parts.length === cloud.count,
          segFile,
          `has ${parts.length} labels for the ${cloud.count} points of ${file}`,
        );
      out.clouds.push(parts ? { ...cloud, parts } : cloud);
      out.labels.push(label);
      out.ids.push(`${synset}/${basename(f, '.pts')}`);
    }
  });
  requireInput(out.clouds.length > 0, 'shapenet-part', `${dir} holds no <synset>/points/*.pts files`);
  return out;
}
