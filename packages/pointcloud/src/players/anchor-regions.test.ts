import { join } from 'node:path';
import { CoalitionBatch } from '@orderlens/core';
import { describe, expect, it } from 'vitest';
import { makeCloud, normalizeCloud } from '../cloud/point-cloud.js';
import { RegionMasker } from '../masking/region-masker.js';
import { readCloudFile } from '../readers/read-cloud.js';
import { PCD_DIR } from '../test-utils/paths.js';
import { anchorRegionPlayers, buildAnchors, nearestAnchors, type AnchorRegions } from './anchor-regions.js';

const read = (name: string) => normalizeCloud(readCloudFile(join(PCD_DIR, name))).cloud;
const chair = read('chair_0890.pcd');
const monitor = read('monitor_0466.pcd');
const toilet = read('toilet_0345.pcd');

/** Four anchors on the axes, players 0, 1 and 3 (anchor 3 far from every point below). */
const handMade: AnchorRegions = {
  k: 4,
  anchors: Float64Array.from([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, 0, 5]),
  playerAnchors: [0, 1, 3],
  clouds: 0,
  points: 0,
};
// Points 0, 2 near anchor 0 (+x), 1 and 4 near anchor 1 (−x), 3 near anchor 2 (+y); none near anchor 3.
const constructed = makeCloud(
  Float32Array.from([0.9, 0.1, 0, -0.8, 0, 0.1, 0.7, -0.1, 0, 0.1, 0.6, 0, -0.5, -0.2, 0]),
  'constructed',
);

describe('shared anchor regions (--anchors)', () => {
  it('the anchors are the same on every cloud, and deterministic in the seed', () => {
    const opts = { regions: 12, players: 5, rule: 'random' as const, seed: 3, source: '--anchors' };
    const anchors = buildAnchors([chair, monitor, toilet], opts);
    expect(anchors.k).toBe(12);
    expect(anchors.points).toBe(3 * 128);
    expect(anchors.playerAnchors).toHaveLength(5);
    const a = anchorRegionPlayers(chair, anchors).descriptor;
    const b = anchorRegionPlayers(monitor, anchors).descriptor;
    expect(a.anchors).toHaveLength(5);
    expect(a.anchors).toEqual(b.anchors);
    // …while the regions' points and centroids are each cloud's own.
    expect(a.centroids).not.toEqual(b.centroids);
    expect(buildAnchors([chair, monitor, toilet], opts)).toEqual(anchors);
    expect(Array.from(buildAnchors([chair, monitor, toilet], { ...opts, seed: 4 }).anchors)).not.toEqual(
      Array.from(anchors.anchors),
    );
    // Per-cloud k-means would give each cloud its own: these differ only by the clouds' points.
    const player0 = anchors.playerAnchors[0];
    expect(a.anchors![0]).toEqual([0, 1, 2].map((d) => Math.fround(anchors.anchors[3 * player0 + d])));
  });

  it('each point joins its nearest anchor; centroids are the region means, an empty region keeps its anchor', () => {
    expect(Array.from(nearestAnchors(constructed.positions, handMade.anchors))).toEqual([0, 1, 0, 2, 1]);
    const p = anchorRegionPlayers(constructed, handMade);
    expect(p.descriptor.n).toBe(3);
    expect(p.descriptor.pointIndices).toEqual([[0, 2], [1, 4], []]);
    // Means in float64 of the float32 coordinates, then rounded to float32 as the masker writes them.
    const f = Math.fround;
    const mean = (...xs: number[]) => f(xs.map(f).reduce((s, x) => s + x, 0) / xs.length);
    expect(p.descriptor.centroids[0]).toEqual([mean(0.9, 0.7), mean(0.1, -0.1), 0]);
    expect(p.descriptor.centroids[1]).toEqual([mean(-0.8, -0.5), mean(0, -0.2), mean(0.1, 0)]);
    expect(p.descriptor.centroids[2]).toEqual([0, 0, 5]);
    expect(p.descriptor.anchors).toEqual([
      [1, 0, 0],
      [-1, 0, 0],
      [0, 0, 5],
    ]);
    expect(Array.from(p.regions.sizes)).toEqual([2, 2, 1, 0]);
  });

  it('masking a player region with no point changes nothing', () => {
    const p = anchorRegionPlayers(constructed, handMade);
    const masker = new RegionMasker(constructed.positions, p.descriptor);
    // Every coalition of players 0 and 1, without and with the empty player 2.
    const masks = [0, 1, 2, 3];
    const batch = CoalitionBatch.fromMasks(3, [...masks, ...masks.map((m) => m | 4)]);
    const out = masker.mask(batch, 0, 8).points.data as Float32Array;
    const row = (k: number) => Array.from(out.subarray(k * 15, (k + 1) * 15));
    for (const k of masks.keys()) expect(row(k + 4)).toEqual(row(k));
    // …while masking a non-empty one moves its points (the test can fail).
    expect(row(1)).not.toEqual(row(0));
  });
});
