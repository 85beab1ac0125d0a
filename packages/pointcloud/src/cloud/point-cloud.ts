import { OrderlensInputError, requireInput, type Rng } from '@orderlens/core';

/**
 * A point cloud: `count` points as `x, y, z` triples in one float32 array (the layout models take
 * as input), with the file or record it came from so every error can name it.
 */
export interface PointCloud {
  /** `count × 3` coordinates, point-major (`x0 y0 z0 x1 …`). */
  readonly positions: Float32Array;
  readonly count: number;
  /** File path or record id (`modelnet10:test/40`), used in messages. */
  readonly source: string;
  /** Optional per-point part labels (ShapeNet-Part `.seg`). */
  readonly parts?: Int32Array;
}

/**
 * Checks a freshly read cloud and wraps it: at least one point, a whole number of triples and
 * only finite coordinates. Readers call it so that NaN or Inf never reach k-means (where they would
 * silently poison every centroid) or a model.
 */
export function makeCloud(positions: Float32Array, source: string, parts?: Int32Array): PointCloud {
  requireInput(
    positions.length % 3 === 0,
    source,
    `holds ${positions.length} coordinates, not a whole number of x y z points`,
  );
  const count = positions.length / 3;
  requireInput(count > 0, source, 'holds no points');
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i]))
      throw new OrderlensInputError(
        source,
        `point ${Math.floor(i / 3)} has a non-finite coordinate (${'xyz'[i % 3]} = ${positions[i]}); clean the file first`,
      );
  }
  if (parts)
    requireInput(parts.length === count, source, `has ${parts.length} part labels for ${count} points`);
  return { positions, count, source, ...(parts ? { parts } : {}) };
}

/** What {@link normalizeCloud} did, so that pictures can map back to the file's frame. */
export interface Normalization {
  /** Mean of the points, subtracted first. */
  readonly centre: [number, number, number];
  /** Largest point norm after centring, divided by. */
  readonly radius: number;
}

/**
 * Centres a cloud at the mean of its points and scales it into the unit sphere (largest point norm
 * 1): the preprocessing the bundled ModelNet10 models were trained with (their meta.json), done the
 * same way — float64 arithmetic, one float32 rounding at the end — so inputs match bit for bit.
 */
export function normalizeCloud(cloud: PointCloud): { cloud: PointCloud; normalization: Normalization } {
  const p = cloud.positions;
  const n = cloud.count;
  let cx = 0,
    cy = 0,
    cz = 0;
  for (let i = 0; i < n; i++) {
    cx += p[3 * i];
    cy += p[3 * i + 1];
    cz += p[3 * i + 2];
  }
  cx /= n;
  cy /= n;
  cz /= n;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const d = (p[3 * i] - cx) ** 2 + (p[3 * i + 1] - cy) ** 2 + (p[3 * i + 2] - cz) ** 2;
    if (d > r2) r2 = d;
  }
  const r = Math.sqrt(r2);
  // A cloud of one repeated point has no scale; keep it centred at the origin rather than divide by 0.
  const scale = r > 0 ? 1 / r : 1;
  const out = new Float32Array(p.length);
  for (let i = 0; i < n; i++) {
    // Divide (not multiply by 1/r) to round exactly as numpy's `x / r` does.
    out[3 * i] = r > 0 ? (p[3 * i] - cx) / r : (p[3 * i] - cx) * scale;
    out[3 * i + 1] = r > 0 ? (p[3 * i + 1] - cy) / r : (p[3 * i + 1] - cy) * scale;
    out[3 * i + 2] = r > 0 ? (p[3 * i + 2] - cz) / r : (p[3 * i + 2] - cz) * scale;
  }
  return {
    cloud: { ...cloud, positions: out },
    normalization: { centre: [cx, cy, cz], radius: r },
  };
}

/**
 * `count` distinct points of a cloud drawn uniformly from `rng`, kept in file order (so the
 * result depends on the stream only, and part labels stay aligned).
 */
export function subsampleCloud(cloud: PointCloud, count: number, rng: Rng): PointCloud {
  requireInput(
    count > 0 && count <= cloud.count,
    cloud.source,
    `cannot draw ${count} of its ${cloud.count} points`,
  );
  const keep = rng
    .sample(
      Array.from({ length: cloud.count }, (_, i) => i),
      count,
    )
    .sort((a, b) => a - b);
  const positions = new Float32Array(3 * count);
  keep.forEach((i, k) => positions.set(cloud.positions.subarray(3 * i, 3 * i + 3), 3 * k));
  const parts = cloud.parts ? Int32Array.from(keep, (i) => cloud.parts![i]) : undefined;
  return { positions, count, source: cloud.source, ...(parts ? { parts } : {}) };
}
