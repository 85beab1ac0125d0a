/**
 * @orderlens/vision — images as games: readers, preprocessing, patch-grid and feature-map
 * maskers, the vision adapter (with the protocols of the representation-bottleneck papers) and
 * structure experiments.
 * Runtime-free: models arrive as core `ModelRunner`s. Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { visionAdapter } from './adapter/vision-adapter.js';

export * from './image/raw-image.js';
export * from './image/preprocess.js';
export * from './image/decode.js';
export * from './data/dataset.js';
export * from './data/idx.js';
export * from './data/cifar.js';
export * from './data/folder.js';
export * from './data/classify.js';
export * from './data/training-set.js';
export * from './grid/patch-grid.js';
export * from './masking/baseline.js';
export * from './masking/patch-masker.js';
export * from './masking/feature-map-masker.js';
export * from './masking/patch-game.js';
export * from './structure/blocks.js';
export * from './structure/structure-curves.js';
export * from './heatmap/patch-strength.js';
export * from './heatmap/heatmap-image.js';
export * from './adapter/model-meta.js';
export * from './adapter/vision-data.js';
export * from './adapter/image-candidates.js';
export * from './adapter/vision-options.js';
export * from './adapter/vision-protocols.js';
export * from './adapter/vision-session.js';
export * from './adapter/vision-adapter.js';
export * from './adapter/vision-views.js';

adapters.register(visionAdapter);
