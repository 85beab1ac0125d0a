import { Rng, type RegionPlayers } from '@orderlens/core';
import type { PointCloud } from '../cloud/point-cloud.js';
import { choosePlayers, type PlayerRule } from './choose-players.js';
import { seededKmeans, type Regions } from './kmeans.js';

/** Options of {@link buildRegionPlayers}. */
export interface RegionPlayersOptions {
  /** Regions `k` (papers: 30). */
  readonly regions: number;
  /** Players `n` among them (papers: 10). */
  readonly players: number;
  readonly rule: PlayerRule;
  /** Seed of the clustering and of the player choice. */
  readonly seed: number | string;
  /**
   * Key of the cloud's streams (its id): the regions of a cloud depend on the seed and this key
   * only, never on which other clouds are analysed or in which order.
   */
  readonly key: string;
}

/** The players of one cloud: the regions, which of them play, and the descriptor results carry. */
export interface CloudPlayers {
  readonly regions: Regions;
  /** Region index of each player. */
  readonly playerRegions: number[];
  /** What results carry (the core schema's region players: centroids and point indices). */
  readonly descriptor: RegionPlayers;
}

/**
 * Clusters a (normalised) cloud into `k` regions with seeded k-means and picks `n` of them as
 * players; the other `k − n` regions are never masked. Streams: `seed → regions → key` for the
 * clustering, `seed → players → key` for the choice.
 */
export function buildRegionPlayers(cloud: PointCloud, options: RegionPlayersOptions): CloudPlayers {
  const root = Rng.create(options.seed);
  const regions = seededKmeans(cloud.positions, options.regions, root.fork('regions', options.key), {
    source: cloud.source,
  });
  const playerRegions = choosePlayers(
    regions,
    options.players,
    options.rule,
    root.fork('players', options.key),
  );
  const pointIndices = playerRegions.map((r) => {
    const idx: number[] = [];
    for (let i = 0; i < regions.assignment.length; i++) if (regions.assignment[i] === r) idx.push(i);
    return idx;
  });
  // Centroids as float32 values: the masker writes them into a float32 tensor, so the descriptor
  // states exactly the coordinates the model saw.
  const centroids = playerRegions.map(
    (r) =>
      [
        Math.fround(regions.centroids[3 * r]),
        Math.fround(regions.centroids[3 * r + 1]),
        Math.fround(regions.centroids[3 * r + 2]),
      ] as [number, number, number],
  );
  return {
    regions,
    playerRegions,
    descriptor: {
      kind: 'regions',
      n: playerRegions.length,
      centroids,
      pointIndices,
    },
  };
}
