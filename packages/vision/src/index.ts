/**
 * @orderlens/vision — images as games: readers, preprocessing, patch-grid and feature-map
 * maskers, the vision adapter (with the protocols of the representation-bottleneck papers) and
 * structure experiments.
 * Runtime-free: models arrive as core `ModelRunner`s. Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { visionAdapter } from './adapter/vision-adapter.js';

export { batchDims, checkRawImage, elementIndex, imageSize, parseLayout } from './image/raw-image.js';
export type { ImageLayout, ImageShape, RawImage } from './image/raw-image.js';
export {
  byteMeanToModel,
  channelMeans,
  modelShape,
  resolvePreprocessing,
  toModelBatch,
  toModelInput,
} from './image/preprocess.js';
export type { PreprocessOptions, Preprocessing } from './image/preprocess.js';
export { encodePng, readImage, writePng } from './image/decode.js';
export type { ReadImageOptions } from './image/decode.js';
export {
  datasetChannelMean,
  datasetChannelStats,
  datasetImage,
  maybeGunzip,
  subsetDataset,
} from './data/dataset.js';
export type { ImageDataset } from './data/dataset.js';
export {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  loadIdxDataset,
  readIdxImages,
  readIdxLabels,
} from './data/idx.js';
export type { IdxDatasetOptions, IdxImages } from './data/idx.js';
export {
  CIFAR10_CLASSES,
  CIFAR_RECORD_BYTES,
  cifar10DataDir,
  loadCifar10Subset,
  readCifarBinary,
} from './data/cifar.js';
export type { CifarReadOptions } from './data/cifar.js';
export { IMAGE_EXTENSIONS, readImageFolder } from './data/folder.js';
export type { ImageFolderOptions } from './data/folder.js';
export { classifyDataset } from './data/classify.js';
export type { ClassifyOptions } from './data/classify.js';
export { patchTrainingSet } from './data/training-set.js';
export type { PatchTrainingSet } from './data/training-set.js';
export { PatchGrid, parseGridSize } from './grid/patch-grid.js';
export type { CellRect } from './grid/patch-grid.js';
export { BASELINE_KINDS, buildBaseline, gaussianBlur, parseBaseline } from './masking/baseline.js';
export type { BaselineSpec } from './masking/baseline.js';
export { PatchMasker } from './masking/patch-masker.js';
export type { PatchMaskerOptions } from './masking/patch-masker.js';
export { FeatureMapMasker, cutModelAt } from './masking/feature-map-masker.js';
export type { FeatureMapMaskerOptions } from './masking/feature-map-masker.js';
export { patchGame } from './masking/patch-game.js';
export type { PatchGameOptions } from './masking/patch-game.js';
export { STRUCTURE_MODES, blockCells, blockShape, keptPlayers } from './structure/blocks.js';
export type { BlockShape, StructureMode } from './structure/blocks.js';
export {
  areaBetween,
  defaultMaskedCounts,
  planStructure,
  structureCurves,
  structureSamples,
} from './structure/structure-curves.js';
export type {
  StructureOptions,
  StructurePlan,
  StructureResult,
  StructureSample,
} from './structure/structure-curves.js';
export { orderBand, patchStrength } from './heatmap/patch-strength.js';
export { heatmapFigure, heatmapPanels, viridis } from './heatmap/heatmap-image.js';
export type { HeatmapFigureOptions, HeatmapOptions } from './heatmap/heatmap-image.js';
export { modelImageShape, visionModelSpec } from './adapter/model-meta.js';
export type { PreprocessOverrides, VisionModelMeta, VisionModelSpec } from './adapter/model-meta.js';
export {
  VISION_DATASETS,
  fashionMnistDataDir,
  loadVisionData,
  trainingChannelMean,
} from './adapter/vision-data.js';
export type { VisionDataSpec } from './adapter/vision-data.js';
export { imageCandidates, selectImages } from './adapter/image-candidates.js';
export type { ImageCandidates, SelectImagesOptions } from './adapter/image-candidates.js';
export { VISION_OPTIONS } from './adapter/vision-options.js';
export { VISION_ANALYSIS_PROTOCOLS, checkPairsFitTheGrid } from './adapter/vision-protocols.js';
export { centralCells, openVisionSession } from './adapter/vision-session.js';
export { visionAdapter } from './adapter/vision-adapter.js';
export { visionViews } from './adapter/vision-views.js';

adapters.register(visionAdapter);
