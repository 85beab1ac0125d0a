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
};
