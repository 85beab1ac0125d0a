import type { OptionDescriptor } from '@orderlens/core';
import { MASKING_RULES, type MaskingRule } from '../masking/region-masker.js';
import { PLAYER_RULES, type PlayerRule } from '../players/choose-players.js';

/** Default `k`, `n` and exact limit (papers: 30 regions, 10 players). */
export const POINTCLOUD_DEFAULTS = {
  clouds: 'modelnet10:test',
  regions: 30,
  players: 10,
  playerRule: 'random' as PlayerRule,
  masking: 'centroid' as MaskingRule,
  maxPlayers: 12,
  neighbours: 3,
  regionSeed: 0,
} as const;

/** The options of `orderlens analyze pointcloud`, described once for the CLI, studies and workers. */
export const POINTCLOUD_OPTIONS: readonly OptionDescriptor[] = [
  {
    key: 'clouds',
    flag: '--clouds <spec>',
    description:
      'point clouds: modelnet10[:test|train] (bundled subset), shapenet-part[:<folder>], a folder of .pcd/.ply/.off/.xyz/.pts files (class from <class>/ subfolders or <class>_ names), or one file',
    type: 'string',
    path: true,
    default: POINTCLOUD_DEFAULTS.clouds,
  },
  {
    key: 'regions',
    flag: '--regions <k>',
    description: 'k-means regions per cloud (papers: 30)',
    type: 'integer',
    default: POINTCLOUD_DEFAULTS.regions,
    min: 2,
    max: 4096,
  },
  {
    key: 'players',
    flag: '--players <n>',
    description: 'regions that are players; the other regions are never masked (papers: 10)',
    type: 'integer',
    default: POINTCLOUD_DEFAULTS.players,
    min: 2,
    max: 4096,
  },
  {
    key: 'playerRule',
    flag: '--player-rule <rule>',
    description:
      'which regions play: random (seeded, the papers), largest (most points), spread (farthest-point over centroids)',
    type: 'string',
    default: POINTCLOUD_DEFAULTS.playerRule,
    choices: PLAYER_RULES,
  },
  {
    key: 'masking',
    flag: '--masking <rule>',
    description:
      "absent region's points move to the region's centroid (papers), to the cloud's centre, or are dropped (variable-N models only)",
    type: 'string',
    default: POINTCLOUD_DEFAULTS.masking,
    choices: MASKING_RULES,
  },
  {
    key: 'points',
    flag: '--points <N>',
    description: "points sampled from an OFF mesh's surface (default: the model's point count, else 1024)",
    type: 'integer',
    min: 1,
    max: 10_000_000,
  },
  {
    key: 'maxPlayers',
    flag: '--max-players <n>',
    description: 'exact estimation up to this many players; beyond it sampled with nearest-neighbour pairs',
    type: 'integer',
    default: POINTCLOUD_DEFAULTS.maxPlayers,
    min: 2,
    max: 24,
  },
  {
    key: 'neighbours',
    flag: '--neighbours <k>',
    description: 'sampled protocol: each region paired with its k nearest regions by centroid',
    type: 'integer',
    default: POINTCLOUD_DEFAULTS.neighbours,
    min: 1,
    max: 64,
  },
  {
    key: 'regionSeed',
    flag: '--region-seed <seed>',
    description: 'seed of the k-means initialisation, the player choice and OFF surface sampling',
    type: 'integer',
    default: POINTCLOUD_DEFAULTS.regionSeed,
    min: 0,
  },
  {
    key: 'subsample',
    flag: '--subsample',
    description:
      "clouds with more points than the model takes are cut to its N: N distinct points drawn from the seeded stream (as pointnet.pytorch's loader draws npoints), kept in file order",
    type: 'boolean',
    default: false,
  },
  {
    key: 'normalize',
    flag: '--no-normalize',
    description:
      "do not centre each cloud and scale it into the unit sphere (the bundled models' preprocessing)",
    type: 'boolean',
    default: true,
  },
];

/** Options after {@link POINTCLOUD_OPTIONS} were applied. */
export interface PointcloudOptions {
  readonly clouds: string;
  readonly regions: number;
  readonly players: number;
  readonly playerRule: PlayerRule;
  readonly masking: MaskingRule;
  readonly points?: number;
  readonly maxPlayers: number;
  readonly neighbours: number;
  readonly regionSeed: number;
  readonly subsample: boolean;
  readonly normalize: boolean;
}

/** Fills defaults for options given programmatically (the CLI has applied the descriptors already). */
export function pointcloudOptions(raw: Readonly<Record<string, unknown>>): PointcloudOptions {
  const d = POINTCLOUD_DEFAULTS;
  return {
    clouds: String(raw.clouds ?? d.clouds),
    regions: Number(raw.regions ?? d.regions),
    players: Number(raw.players ?? d.players),
    playerRule: (raw.playerRule ?? d.playerRule) as PlayerRule,
    masking: (raw.masking ?? d.masking) as MaskingRule,
    points: raw.points === undefined ? undefined : Number(raw.points),
    maxPlayers: Number(raw.maxPlayers ?? d.maxPlayers),
    neighbours: Number(raw.neighbours ?? d.neighbours),
    regionSeed: Number(raw.regionSeed ?? d.regionSeed),
    subsample: raw.subsample === true || raw.subsample === 'true',
    normalize: raw.normalize === undefined ? true : raw.normalize === true || raw.normalize === 'true',
  };
}
