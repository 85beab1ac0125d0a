/**
 * @orderlens/runtime-tfjs — a TensorFlow.js {@link ModelRunner} for orderlens, model files on
 * disk without tfjs-node, MLP builders, resumable training with the order losses (tabular MLPs
 * with snapshots included), checkpoint folders, a trainer for experiments' MLP jobs, input gradients for attacks, and the pretrained nsfwjs MobileNetV2
 * (`--model nsfwjs`).
 */
export {
  DEFAULT_TFJS_BACKENDS,
  TFJS_BACKEND_NAMES,
  activeTfjsBackend,
  initTfjs,
  tfjsBackendLabel,
} from './backend/init-tfjs.js';
export type { InitTfjsOptions, TfjsBackendName } from './backend/init-tfjs.js';
export {
  MODEL_JSON_FILE,
  WEIGHTS_FILE,
  fileLoadHandler,
  fileSaveHandler,
  readModelJson,
} from './io/file-io-handler.js';
export { detectModelKind, loadGraphModel, loadLayersModel, saveLayersModel } from './io/model-files.js';
export type { TfjsModelKind } from './io/model-files.js';
export {
  MAX_LEARNING_RATE,
  openGradientModel,
  openLayersModel,
  parseTfjsBackends,
} from './io/open-layers-model.js';
export type { LayersModel } from './io/open-layers-model.js';
export { checkpointSeriesIdentity, readCheckpointFolder, tfjsArchitecture } from './io/checkpoint-folder.js';
export type { FolderCheckpoint } from './io/checkpoint-folder.js';
export { matchInputs, toTfTensor } from './runner/input-tensors.js';
export type { InputSpec } from './runner/input-tensors.js';
export { TfjsRunner, WASM_MAX_BATCH_ELEMENTS, sumCrossEntropy } from './runner/tfjs-runner.js';
export type { TfjsFromModelOptions, TfjsLoadOptions } from './runner/tfjs-runner.js';
export { buildMlp } from './models/build-mlp.js';
export type { BuildMlpOptions } from './models/build-mlp.js';
export { buildPatchCnn } from './models/build-patch-cnn.js';
export {
  accuracyOf,
  checkDataset,
  classCount,
  evaluateAccuracy,
  inputShapeFor,
  predictClasses,
} from './train/dataset.js';
export {
  buildOrderLossInputs,
  meanCrossEntropy,
  orderLossObjective,
  validateOrderLossConfig,
} from './train/order-loss-batch.js';
export type { OrderLossConfig } from './train/order-loss-batch.js';
export { trainClassifier } from './train/train-classifier.js';
export type {
  EpochStats,
  TrainClassifierOptions,
  TrainResult,
  TrainingStepProgress,
} from './train/train-classifier.js';
export { trainPatchCnn } from './train/train-patch-cnn.js';
export type { PatchCnnTrainingSet, TrainPatchCnnOptions } from './train/train-patch-cnn.js';
export {
  CHECKPOINT_MANIFEST,
  CHECKPOINT_SCHEMA,
  OPTIMIZER_FILE,
  checkFingerprint,
  hasCheckpoint,
  loadCheckpoint,
  readCheckpointManifest,
  trainingFingerprint,
  writeCheckpoint,
} from './train/checkpoint.js';
export type {
  CheckpointContent,
  CheckpointFile,
  CheckpointManifest,
  TrainingFingerprint,
} from './train/checkpoint.js';
export { CHECKPOINT_SUBDIR, planTrainingCheckpoint } from './train/checkpoint-plan.js';
export type { TrainingCheckpointPlan } from './train/checkpoint-plan.js';
export { readOptimizerState, restoreOptimizerState } from './train/optimizer-state.js';
export type { OptimizerSlot, OptimizerState, TrainOptimizerKind } from './train/optimizer-state.js';
export { evaluateOrderLosses } from './train/evaluate-order-losses.js';
export type { EvaluateOrderLossesOptions } from './train/evaluate-order-losses.js';
export { twoClassLogits } from './train/two-class-logits.js';
export { trainingInterrupted, withTrainingOptionNames } from './train/training-interruption.js';
export {
  SNAPSHOT_INDEX,
  SNAPSHOT_INDEX_SCHEMA,
  SNAPSHOT_SUBDIR,
  readSnapshotIndex,
} from './train/snapshot-index.js';
export type { SnapshotEntry, SnapshotIndex } from './train/snapshot-index.js';
export {
  MLP_ARCHITECTURES,
  TABULAR_PREPROCESSING_FILE,
  addLabelNoise,
  relabelledRowsDocument,
  RELABELLED_FILE,
  evaluateCrossEntropy,
  trainTabularModel,
} from './train/tabular-mlp.js';
export type {
  TabularTrainSpec,
  TabularTrainSummary,
  TabularTrainingPreprocessor,
  TabularTrainingRows,
  TrainTabularModelOptions,
} from './train/tabular-mlp.js';
export { tfjsTabularTrainer } from './train/tabular-trainer.js';
export type { TabularTrainJob, TabularTrainOutcome, TabularTrainer } from './train/tabular-trainer.js';
export { yieldToEventLoop, yieldingModel, yieldingRunner } from './runner/yielding-runner.js';
export { NSFWJS_CLASSES, materializeNsfwjs } from './pretrained/nsfwjs.js';
export type { NsfwjsVariant, PretrainedModelFiles } from './pretrained/nsfwjs.js';
export { tfjsRunnerFactory, weightFiles } from './factory/tfjs-factory.js';
export { nsfwjsRunnerFactory } from './factory/nsfwjs-factory.js';
