/**
 * @orderlens/pointcloud: the `pointcloud` modality adapter — PCD/PLY/OFF/XYZ readers, the bundled
 * ModelNet10 subset and ShapeNet-Part sample, seeded k-means region players, centroid masking and
 * pictures of one cloud. Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { pointcloudAdapter } from './adapter/pointcloud-adapter.js';

export { makeCloud, normalizeCloud, subsampleCloud } from './cloud/index.js';
export type { Normalization, PointCloud } from './cloud/index.js';
export {
  BUNDLED_DATA_DIR,
  CLOUD_EXTENSIONS,
  MODELNET10_CLASSES,
  loadModelNet10,
  loadShapeNetPart,
  readCloudFile,
  readOffMesh,
  readPcd,
  readPly,
  readSeg,
  readXyz,
  sampleSurface,
} from './readers/index.js';
export type { ModelNet10Split, ReadCloudOptions, ShapeNetPart, TriangleMesh } from './readers/index.js';
export {
  ANCHOR_POINTS_PER_CLOUD,
  PLAYER_RULES,
  anchorRegionPlayers,
  buildAnchors,
  nearestAnchors,
  buildRegionPlayers,
  choosePlayers,
  kmeansPlusPlus,
  seededKmeans,
} from './players/index.js';
export type {
  AnchorOptions,
  AnchorRegions,
  CloudPlayers,
  KmeansOptions,
  PlayerRule,
  RegionPlayersOptions,
  Regions,
} from './players/index.js';
export { MASKING_RULES, RegionMasker, checkMasking } from './masking/index.js';
export type { MaskingRule, RegionMaskerOptions } from './masking/index.js';
export {
  CAMERA,
  OTHER_REGION_RGB,
  cloudFigurePng,
  cloudHtmlView,
  playerColour,
  renderCloudPng,
  strongestPairs,
  toCamera,
} from './view/index.js';
export type { CloudScene, PairEdge } from './view/index.js';
export {
  CLOUD_SOURCES,
  EXACT_PROTOCOL,
  POINTCLOUD_DEFAULTS,
  POINTCLOUD_OPTIONS,
  SAMPLED_PROTOCOL,
  pointModelInfo,
  pointcloudAdapter,
  pointcloudOptions,
  pointcloudProtocol,
  readCloudSet,
} from './adapter/index.js';
export type { CloudSet, PointModelInfo, PointcloudOptions } from './adapter/index.js';

adapters.register(pointcloudAdapter);
