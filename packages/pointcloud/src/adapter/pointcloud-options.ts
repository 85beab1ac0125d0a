import { z } from 'zod';
import { optionField, optionBlock, parseOptionBlock } from '@orderlens/core';
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

/**
 * The options of `orderlens analyze pointcloud`: one schema, from which the CLI's flags and help,
 * study-file checks and worker payloads are derived.
 */
export const POINTCLOUD_OPTIONS = optionBlock({
  clouds: optionField(
    z
      .string()
      .default(POINTCLOUD_DEFAULTS.clouds)
      .describe(
        'point clouds: modelnet10[:test|train] (bundled subset), shapenet-part[:<folder>], a folder of .pcd/.ply/.off/.xyz/.pts files (class from <class>/ subfolders or <class>_ names), or one file',
      ),
    { flag: '--clouds <spec>', path: true },
  ),
  regions: optionField(
    z
      .number()
      .int()
      .min(2)
      .max(4096)
      .default(POINTCLOUD_DEFAULTS.regions)
      .describe('k-means regions per cloud (papers: 30)'),
    { flag: '--regions <k>' },
  ),
  anchors: optionField(
    z
      .string()
      .min(1)
      .optional()
      .describe(
        'shared regions: --regions anchors placed by seeded k-means over the union of these clouds (a --clouds spec, e.g. modelnet10:train; 128 points of each), each point in the region of its nearest anchor, so every cloud has the same players (generalization, transfer); default: each cloud its own k-means regions',
      ),
    { flag: '--anchors <clouds>', path: true },
  ),
  players: optionField(
    z
      .number()
      .int()
      .min(2)
      .max(4096)
      .default(POINTCLOUD_DEFAULTS.players)
      .describe('regions that are players; the other regions are never masked (papers: 10)'),
    { flag: '--players <n>' },
  ),
  playerRule: optionField(
    z
      .enum(PLAYER_RULES)
      .default(POINTCLOUD_DEFAULTS.playerRule)
      .describe(
        'which regions play: random (seeded, the papers), largest (most points), spread (farthest-point over centroids)',
      ),
    { flag: '--player-rule <rule>' },
  ),
  masking: optionField(
    z
      .enum(MASKING_RULES)
      .default(POINTCLOUD_DEFAULTS.masking)
      .describe(
        "absent region's points move to the region's centroid (papers), to the cloud's centre, or are dropped (variable-N models only)",
      ),
    { flag: '--masking <rule>' },
  ),
  points: optionField(
    z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .optional()
      .describe("points sampled from an OFF mesh's surface (default: the model's point count, else 1024)"),
    { flag: '--points <N>' },
  ),
  maxPlayers: optionField(
    z
      .number()
      .int()
      .min(2)
      .max(24)
      .default(POINTCLOUD_DEFAULTS.maxPlayers)
      .describe('exact estimation up to this many players; beyond it sampled with nearest-neighbour pairs'),
    { flag: '--max-players <n>' },
  ),
  neighbours: optionField(
    z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(POINTCLOUD_DEFAULTS.neighbours)
      .describe('sampled protocol: each region paired with its k nearest regions by centroid'),
    { flag: '--neighbours <k>' },
  ),
  regionSeed: optionField(
    z
      .number()
      .int()
      .min(0)
      .default(POINTCLOUD_DEFAULTS.regionSeed)
      .describe('seed of the k-means initialisation, the player choice and OFF surface sampling'),
    { flag: '--region-seed <seed>' },
  ),
  subsample: optionField(
    z
      .boolean()
      .default(false)
      .describe(
        "clouds with more points than the model takes are cut to its N: N distinct points drawn from the seeded stream (as pointnet.pytorch's loader draws npoints), kept in file order",
      ),
    { flag: '--subsample' },
  ),
  normalize: optionField(
    z
      .boolean()
      .default(true)
      .describe(
        "do not centre each cloud and scale it into the unit sphere (the bundled models' preprocessing)",
      ),
    { flag: '--no-normalize' },
  ),
});

/** Options after {@link POINTCLOUD_OPTIONS} were applied. */
export interface PointcloudOptions {
  readonly clouds: string;
  readonly regions: number;
  readonly anchors?: string;
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

/**
 * Reads the options by {@link POINTCLOUD_OPTIONS} (the CLI and studies have parsed them already;
 * a program passing its own values gets them checked and defaulted here).
 */
export function pointcloudOptions(raw: Readonly<Record<string, unknown>>): PointcloudOptions {
  return parseOptionBlock(POINTCLOUD_OPTIONS, raw);
}
