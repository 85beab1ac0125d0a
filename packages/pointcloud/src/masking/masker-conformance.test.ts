import { float32Tensor } from '@orderlens/core';
import { describeMasker } from '@orderlens/core/testing';
import { monitorRegions } from '../test-utils/monitor-regions.js';
import { RegionMasker } from './region-masker.js';

describeMasker('pointcloud RegionMasker (10 of 30 regions, absent at the centroid)', () => {
  const { cloud, players } = monitorRegions();
  const n = cloud.positions.length / 3;
  // The baseline written out independently of the masker: every player's points at its centroid.
  const empty = Float32Array.from(cloud.positions);
  players.descriptor.pointIndices.forEach((idx, j) =>
    idx.forEach((i) => empty.set(players.descriptor.centroids[j], 3 * i)),
  );
  return {
    masker: new RegionMasker(cloud.positions, players.descriptor),
    full: { points: float32Tensor(Float32Array.from(cloud.positions), [1, n, 3]) },
    empty: { points: float32Tensor(empty, [1, n, 3]) },
  };
});
