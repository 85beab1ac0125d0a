/**
 * @orderlens/pointcloud: the `pointcloud` modality adapter — PCD/PLY/OFF/XYZ readers, the bundled
 * ModelNet10 subset and ShapeNet-Part sample, seeded k-means region players, centroid masking and
 * pictures of one cloud. Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { pointcloudAdapter } from './adapter/pointcloud-adapter.js';

export * from './cloud/index.js';
export * from './readers/index.js';
export * from './players/index.js';
export * from './masking/index.js';
export * from './view/index.js';
export * from './adapter/index.js';

adapters.register(pointcloudAdapter);
