import type { ModalityAdapter } from '@orderlens/core';
import { CLOUD_SOURCES } from './data-spec.js';
import { POINTCLOUD_OPTIONS } from './pointcloud-options.js';
import { EXACT_PROTOCOL, SAMPLED_PROTOCOL } from './pointcloud-protocols.js';
import { openPointcloud } from './pointcloud-session.js';
import { pointcloudViews } from './pointcloud-views.js';

/**
 * The `pointcloud` modality: clouds from PCD/PLY/OFF/XYZ files, the bundled ModelNet10 subset or
 * ShapeNet-Part; players are `n` of `k` seeded k-means regions; an absent region's points move to
 * its centroid. Protocols `exact` (default) and `sampled` (nearest-region pairs); see
 * {@link pointcloudProtocol} for the choice by `--max-players`.
 */
export const pointcloudAdapter: ModalityAdapter = {
  name: 'pointcloud',
  description:
    'point clouds: n of k seeded k-means regions as players, absent regions moved to their centroids',
  options: POINTCLOUD_OPTIONS,
  protocols: [EXACT_PROTOCOL, SAMPLED_PROTOCOL],
  views: pointcloudViews,
  defaultProtocol: 'exact',
  // The papers: 50 test samples the model classifies correctly; balanced over the ten classes.
  defaultSelection: { rule: 'correct', samples: 50, balance: true },
  dataSources: CLOUD_SOURCES,
  sampleSource: { option: 'clouds', kind: 'source' },
  open: openPointcloud,
  // Per-cloud k-means regions differ from cloud to cloud; --anchors gives every cloud the same ones.
  playersOption: 'players',
  unsharedPlayers: (options) =>
    options.anchors === undefined
      ? {
          option: 'anchors',
          reason:
            'each cloud has its own k-means regions, so player i is a different part of space on every cloud: pass --anchors <clouds> (e.g. modelnet10:train) so every cloud has the same regions',
        }
      : undefined,
};
