import { Rng } from '@orderlens/core';
import { subsampleCloud, type PointCloud } from '../cloud/point-cloud.js';
import { choosePlayers, type PlayerRule } from './choose-players.js';
import { seededKmeans, type Regions } from './kmeans.js';
import type { CloudPlayers } from './region-players.js';

/**
 * Points each anchor cloud gives to the union the anchors are clustered from: enough to place 30
 * anchors on 600 ModelNet10 clouds (76,800 points), few enough that the clustering takes a second.
 */
export const ANCHOR_POINTS_PER_CLOUD = 128;

/** Options of {@link buildAnchors}. */
export interface AnchorOptions {
  /** Anchors `k` (`--regions`). */
  readonly regions: number;
  /** Players `n` among them (`--players`). */
  readonly players: number;
  readonly rule: PlayerRule;
  /** Seed of the subsampling, the clustering and the player choice (`--region-seed`). */
  readonly seed: number | string;
  /** Name of the anchor data, for messages. */
  readonly source: string;
}

/**
 * Regions shared by every cloud: `k` anchor points fixed in the normalised frame, of which the
 * same `n` are players on every cloud. A cloud's region `r` is the set of its points nearest to
 * anchor `r`, so a player names the same part of space on every cloud (and on every network that
 * reads the same clouds), which generalization and transfer across samples need.
 */
export interface AnchorRegions {
  readonly k: number;
  /** `k × 3` anchor coordinates (the k-means centroids of the union). */
  readonly anchors: Float64Array;
  /** Anchor index of each player, ascending; the same for every cloud. */
  readonly playerAnchors: number[];
  /** Clouds and points the union held. */
  readonly clouds: number;
  readonly points: number;
}

/**
 * The anchors of `clouds` (already normalised as the analysed clouds are): up to
 * {@link ANCHOR_POINTS_PER_CLOUD} points of each cloud drawn from `seed → anchor-points → i`, seeded
 * k-means over their union (`seed → anchors`), and `n` of the `k` centroids chosen as players by
 * `rule` from `seed → players → anchors` (`largest`: most points of the union). Deterministic in
 * the seed and the clouds; independent of the model, so two networks get the same anchors.
 */
export function buildAnchors(clouds: readonly PointCloud[], options: AnchorOptions): AnchorRegions {
  const root = Rng.create(options.seed);
  const parts = clouds.map((c, i) =>
    c.count > ANCHOR_POINTS_PER_CLOUD
      ? subsampleCloud(c, ANCHOR_POINTS_PER_CLOUD, root.fork('anchor-points', i)).positions
      : c.positions,
  );
  const union = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    union.set(p, at);
    at += p.length;
  }
  const regions = seededKmeans(union, options.regions, root.fork('anchors'), { source: options.source });
  const playerAnchors = choosePlayers(
    regions,
    options.players,
    options.rule,
    root.fork('players', 'anchors'),
  );
  return {
    k: regions.k,
    anchors: regions.centroids,
    playerAnchors,
    clouds: clouds.length,
    points: union.length / 3,
  };
}

/** Index of the anchor nearest to each point (ties: the lower index). */
export function nearestAnchors(positions: Float32Array, anchors: Float64Array): Int32Array {
  const count = positions.length / 3;
  const k = anchors.length / 3;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = positions[3 * i],
      y = positions[3 * i + 1],
      z = positions[3 * i + 2];
    let best = 0;
    let bestD = Infinity;
    for (let r = 0; r < k; r++) {
      const d = (x - anchors[3 * r]) ** 2 + (y - anchors[3 * r + 1]) ** 2 + (z - anchors[3 * r + 2]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = r;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * The players of one cloud under shared anchors: each point joins its nearest anchor's region;
 * the players are the anchors {@link AnchorRegions.playerAnchors} names, in that order. A player
 * region may hold no point of this cloud: it is still a player (the sets stay comparable across
 * clouds), with no point to move, so masking it changes nothing and its interactions are 0. An
 * absent region's points move to the mean of its points on this cloud (the papers' centroid rule);
 * an empty region's centroid is its anchor.
 */
export function anchorRegionPlayers(cloud: PointCloud, anchors: AnchorRegions): CloudPlayers {
  const { k } = anchors;
  const assignment = nearestAnchors(cloud.positions, anchors.anchors);
  const sizes = new Int32Array(k);
  const sums = new Float64Array(3 * k);
  for (let i = 0; i < assignment.length; i++) {
    const r = assignment[i];
    sizes[r]++;
    for (let d = 0; d < 3; d++) sums[3 * r + d] += cloud.positions[3 * i + d];
  }
  const centroids = new Float64Array(3 * k);
  for (let r = 0; r < k; r++)
    for (let d = 0; d < 3; d++)
      centroids[3 * r + d] = sizes[r] > 0 ? sums[3 * r + d] / sizes[r] : anchors.anchors[3 * r + d];
  // Sizes may be 0 here, unlike per-cloud k-means regions.
  const regions: Regions = { k, assignment, centroids, sizes, iterations: 0 };
  const playerRegions = anchors.playerAnchors;
  const pointIndices = playerRegions.map((r) => {
    const idx: number[] = [];
    for (let i = 0; i < assignment.length; i++) if (assignment[i] === r) idx.push(i);
    return idx;
  });
  // float32 values, as the masker writes them (see buildRegionPlayers).
  const triple = (a: Float64Array, r: number) =>
    [Math.fround(a[3 * r]), Math.fround(a[3 * r + 1]), Math.fround(a[3 * r + 2])] as [number, number, number];
  return {
    regions,
    playerRegions,
    descriptor: {
      kind: 'regions',
      n: playerRegions.length,
      centroids: playerRegions.map((r) => triple(centroids, r)),
      pointIndices,
      anchors: playerRegions.map((r) => triple(anchors.anchors, r)),
    },
  };
}
