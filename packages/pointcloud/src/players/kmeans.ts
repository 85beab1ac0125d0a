import { requireInput, type Rng } from '@orderlens/core';
import { kmeans } from 'ml-kmeans';

/** The regions of one cloud: which region each point is in, and each region's centroid. */
export interface Regions {
  readonly k: number;
  /** Region of each point, `0 … k−1`. */
  readonly assignment: Int32Array;
  /** `k × 3` centroids: the float64 mean of each region's points. */
  readonly centroids: Float64Array;
  /** Number of points of each region (every region has at least one). */
  readonly sizes: Int32Array;
  /** Lloyd iterations ml-kmeans ran. */
  readonly iterations: number;
}

/** Options of {@link seededKmeans}. */
export interface KmeansOptions {
  /** Upper bound on Lloyd iterations (default 100, ml-kmeans' default). */
  readonly maxIterations?: number;
  /** Name of the cloud, for messages. */
  readonly source?: string;
}

/**
 * k-means++ seeding drawn from `rng`: the first centre uniform over the points, each next one with
 * probability proportional to the squared distance to the nearest centre chosen so far. ml-kmeans
 * seeds its own k-means++ from a numeric seed with its own generator; drawing the centres here
 * from orderlens' named streams instead keeps every random choice of a run under one seed scheme
 * and makes the regions independent of the library's generator.
 */
export function kmeansPlusPlus(
  positions: Float32Array,
  count: number,
  k: number,
  rng: Rng,
  source = 'cloud',
): number[][] {
  const d2 = new Float64Array(count).fill(Infinity);
  const centres: number[][] = [];
  let pick = rng.int(count);
  for (let c = 0; c < k; c++) {
    const cx = positions[3 * pick],
      cy = positions[3 * pick + 1],
      cz = positions[3 * pick + 2];
    centres.push([cx, cy, cz]);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const d =
        (positions[3 * i] - cx) ** 2 + (positions[3 * i + 1] - cy) ** 2 + (positions[3 * i + 2] - cz) ** 2;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    if (c === k - 1) break;
    // Every point sits on a centre: fewer distinct points than regions.
    requireInput(
      total > 0,
      source,
      `has only ${c + 1} distinct points, fewer than the ${k} regions asked for (--regions)`,
    );
    let target = rng.next() * total;
    pick = count - 1;
    for (let i = 0; i < count; i++) {
      target -= d2[i];
      if (target < 0 && d2[i] > 0) {
        pick = i;
        break;
      }
    }
    // Rounding can leave the running sum just above 0; never re-pick a centre.
    while (d2[pick] === 0) pick--;
  }
  return centres;
}

/**
 * Splits a cloud into `k` regions: k-means++ centres from `rng` ({@link kmeansPlusPlus}), then
 * ml-kmeans' Lloyd iterations from those centres (deterministic given them). Every point ends in
 * exactly one region and every region holds a point: a region Lloyd leaves empty (possible on
 * clouds with duplicate points) takes the point farthest from its region's centroid, repeatedly,
 * and the centroids are recomputed as float64 means of the final regions.
 */
export function seededKmeans(
  positions: Float32Array,
  k: number,
  rng: Rng,
  options: KmeansOptions = {},
): Regions {
  const source = options.source ?? 'cloud';
  const count = positions.length / 3;
  requireInput(Number.isInteger(k) && k >= 1, '--regions', `expected a positive integer, got ${k}`);
  requireInput(count >= k, source, `has ${count} points, fewer than the ${k} regions asked for (--regions)`);
  const init = kmeansPlusPlus(positions, count, k, rng, source);
  const data: number[][] = new Array<number[]>(count);
  for (let i = 0; i < count; i++) data[i] = [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
  const res = kmeans(data, k, { initialization: init, maxIterations: options.maxIterations ?? 100 });
  const assignment = Int32Array.from(res.clusters);
  const { centroids, sizes } = means(positions, assignment, k);
  for (let empty = sizes.indexOf(0); empty >= 0; empty = sizes.indexOf(0)) {
    let far = -1,
      best = -1;
    for (let i = 0; i < count; i++) {
      const r = assignment[i];
      if (sizes[r] < 2) continue;
      const d =
        (positions[3 * i] - centroids[3 * r]) ** 2 +
        (positions[3 * i + 1] - centroids[3 * r + 1]) ** 2 +
        (positions[3 * i + 2] - centroids[3 * r + 2]) ** 2;
      if (d > best) {
        best = d;
        far = i;
      }
    }
    sizes[assignment[far]]--;
    assignment[far] = empty;
    sizes[empty]++;
  }
  return { k, assignment, ...means(positions, assignment, k), iterations: res.iterations };
}

function means(
  positions: Float32Array,
  assignment: Int32Array,
  k: number,
): { centroids: Float64Array; sizes: Int32Array } {
  const centroids = new Float64Array(3 * k);
  const sizes = new Int32Array(k);
  for (let i = 0; i < assignment.length; i++) {
    const r = assignment[i];
    sizes[r]++;
    for (let d = 0; d < 3; d++) centroids[3 * r + d] += positions[3 * i + d];
  }
  for (let r = 0; r < k; r++) for (let d = 0; d < 3; d++) centroids[3 * r + d] /= Math.max(1, sizes[r]);
  return { centroids, sizes };
}
