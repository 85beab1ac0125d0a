import type { AnalysisProtocol } from '@orderlens/core';
import { POINTCLOUD_DEFAULTS, type PointcloudOptions } from './pointcloud-options.js';

/** Exact protocol: every coalition of the players (2^n model calls per cloud). */
export const EXACT_PROTOCOL: AnalysisProtocol = {
  name: 'exact',
  description: `every coalition of the region players, then every I^(m)(i,j) exactly (n ≤ --max-players, default ${POINTCLOUD_DEFAULTS.maxPlayers})`,
  estimator: 'exact',
  estimatorOptions: { maxPlayers: POINTCLOUD_DEFAULTS.maxPlayers },
};

/** Sampled protocol: ICLR-2022 reference contexts, each region paired with its nearest regions. */
export const SAMPLED_PROTOCOL: AnalysisProtocol = {
  name: 'sampled',
  description: `sampled I^(m)(i,j) (reference protocol, 100 contexts) for each region and its ${POINTCLOUD_DEFAULTS.neighbours} nearest regions by centroid; J(m) from the bias-bracketed |I| (docs/j-accuracy.md)`,
  estimator: 'reference',
  // The bracketed strength: the plain mean of |Î| is biased up where |I| is small (issue 11).
  estimatorOptions: { strength: 'bracket' },
  pairs: { name: 'spatial', k: POINTCLOUD_DEFAULTS.neighbours },
};

/**
 * The protocol the options call for when the user names none: exact while `players ≤
 * maxPlayers`, sampled with `spatial` pairs of `neighbours` nearest regions beyond — with
 * `--max-players` and `--neighbours` applied, which the static protocols cannot carry.
 */
export function pointcloudProtocol(
  options: Pick<PointcloudOptions, 'players' | 'maxPlayers' | 'neighbours'>,
  name?: string,
): AnalysisProtocol {
  const chosen = name ?? (options.players <= options.maxPlayers ? 'exact' : 'sampled');
  if (chosen === 'exact') return { ...EXACT_PROTOCOL, estimatorOptions: { maxPlayers: options.maxPlayers } };
  return { ...SAMPLED_PROTOCOL, pairs: { name: 'spatial', k: options.neighbours } };
}
