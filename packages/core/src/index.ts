// The front door of @orderlens/core: the contracts (games, maskers, runners, adapters,
// estimators, pair strategies), their registries, the Evaluator and the model gateway, the
// analysis runner and its run store, studies, and the result schema — each by name. The
// mathematics are in '@orderlens/core/math', the theory curves in '@orderlens/core/theory',
// training dynamics in '@orderlens/core/dynamics', the project's networks and the reproductions'
// study plans in '@orderlens/core/reproductions', closed-form games and conformance suites in
// '@orderlens/core/testing'.
export {
  BudgetExceededError,
  InterruptedError,
  OrderlensInputError,
  requireInput,
  requirePositiveInt,
} from './errors/errors.js';
export {
  PNG_SIGNATURE,
  encodePng,
  isWithin,
  optionPaths,
  pngSize,
  probeWritableDir,
  probeWritableFile,
  resolveInside,
} from './files/index.js';
export type { ConfineOptions, OptionPath, PathSpec } from './files/index.js';
export { CoalitionBatch, MAX_PLAYERS } from './coalition/coalition-batch.js';
export { Rng } from './random/rng.js';
export type { Game } from './game/game.js';
export { ModelGame } from './game/model-game.js';
export type { ModelGameOptions } from './game/model-game.js';
export { float32Tensor, tensorSize } from './model/tensor.js';
export type { NamedTensors, TensorData, TensorStorage, TensorType } from './model/tensor.js';
export { hasCapability } from './model/contracts.js';
export type {
  FeatureRunner,
  GraphCut,
  GraphCutCapability,
  InputGradientCapability,
  Masker,
  ModelOutput,
  ModelRunner,
  PositionTable,
  RunnerCapabilities,
  SequenceLimitsCapability,
  EmbeddingNoiseCapability,
  NoisyEmbeddingModel,
} from './model/contracts.js';
export { REWARD_NAMES, computeReward, parseRewardName, predictedClass } from './reward/reward.js';
export type { RewardName, RewardSpec } from './reward/reward.js';
export { Evaluator } from './evaluator/evaluator.js';
export type {
  BatchValueFunction,
  EvaluationProgress,
  EvaluatorOptions,
  PipelinedValueFunction,
} from './evaluator/evaluator.js';
export {
  CORE_VERSION,
  ESTIMATE_SCHEMA,
  resultMeta,
  toJsonText,
  writeFileAtomic,
  writeJsonAtomic,
} from './result/estimate-result.js';
export type {
  EstimateResult,
  MultiOrderTable,
  ResultMeta,
  StrengthCurve,
  StrengthNormalization,
} from './result/estimate-result.js';
export {
  RESULT_SCHEMA,
  interactionResultSchema,
  parseResult,
  readResultFile,
  resultJsonSchema,
} from './result/interaction-result.js';
export type {
  InteractionResult,
  ModelCallsByPurpose,
  ResultMeasures,
  SampleResult,
} from './result/interaction-result.js';
export { parseWithSchema } from './options/parse-options.js';
export { optionName, useOptionNames } from './errors/option-names.js';
export { integerText, positiveText, unitListText } from './options/option-text.js';
export { ANALYSIS_SETTINGS } from './analysis/analysis-settings.js';
export type { ParsedAnalysisSettings } from './analysis/analysis-settings.js';
export {
  optionBlock,
  optionField,
  optionHelp,
  parseOptionBlock,
  parseSettingsBlock,
  settingsBlock,
} from './options/option-block.js';
export type {
  OptionBlock,
  OptionFieldDescriptor,
  OptionMeta,
  SettingsBlock,
} from './options/option-block.js';
export { Registry } from './registry/registry.js';
export type { Named } from './registry/registry.js';
export {
  everyPair,
  explicitPairs,
  gridNeighbourPairs,
  offsetPairs,
  pairStrategy,
  sequencePairs,
  spatialPairs,
} from './pairs/index.js';
export type {
  GridPartnerRule,
  OffsetPairsOptions,
  PairStrategy,
  PairStrategyContext,
  PairStrategySpec,
  PlayerPair,
} from './pairs/index.js';
export {
  AND_OR_MAX_PLAYERS,
  adaptiveEstimator,
  adaptiveOptionsSchema,
  andOrEstimator,
  andOrOptionsSchema,
  estimators,
  exactEstimator,
  exactOptionsSchema,
  referenceEstimator,
  sampledOptionsSchema,
  sharedEstimator,
} from './estimators/index.js';
export type {
  AdaptiveEstimatorOptions,
  AndOrEstimatorOptions,
  Estimator,
  EstimatorContext,
  EstimatorLimits,
  ExactEstimatorOptions,
  SampleEstimate,
  SampledEstimatorOptions,
} from './estimators/index.js';
export { adapters, flagName, parseAdapterOptions } from './adapter/index.js';
export { INPUT_SCALE_CANDIDATES, inputValueScale } from './measures/input-scale.js';
export type { InputScaleOptions } from './measures/input-scale.js';
export type {
  AdapterOpenRequest,
  AdapterPlanCheck,
  UnsharedPlayers,
  AnalysisProtocol,
  AttributePlayers,
  FeatureMapPlayers,
  GenericPlayers,
  GridPlayers,
  ModalityAdapter,
  ModalitySession,
  NoiseScale,
  OptionDescriptor,
  PlayersDescriptor,
  RegionPlayers,
  SamplePlayers,
  SampleSourceOption,
  SelectionSpec,
  WordPlayers,
} from './adapter/index.js';
export {
  CALL_PURPOSES,
  DEVICE_NAMES,
  ModelGateway,
  addCallCounts,
  devicesToTry,
  emptyCallCounts,
  hashFiles,
  modelFile,
  openModel,
  parseDevice,
  runners,
} from './runtime/index.js';
export type {
  CallCounts,
  CallPurpose,
  CountedFeatureRunner,
  CountedRunner,
  DeviceName,
  ModelInputInfo,
  OpenModelRequest,
  OpenedModel,
  RunnerFactory,
} from './runtime/index.js';
export {
  RunStore,
  SELECTION_UNIT,
  DEFAULT_TARGET_ERROR,
  aggregateSamples,
  analysisResult,
  computeSample,
  computeSelection,
  finishAnalysis,
  markRunComplete,
  openAnalysisRun,
  planAnalysis,
  resultAdapterOptions,
  runAnalysis,
  sampleUnitId,
  selectSamples,
  storedSample,
} from './analysis/index.js';
export type {
  AnalysisEvent,
  AnalysisOptions,
  AnalysisPlan,
  AnalysisRendering,
  AnalysisSettingKey,
  AnalysisSettings,
  FinishAnalysisOptions,
  RunManifest,
  RunModelIdentity,
  RunStoreOptions,
  SelectedSamples,
  StoredSample,
  StoredSelection,
} from './analysis/index.js';
export { gameResultDocument } from './result/game-document.js';
/** Replace members of an object (a frozen one too), forwarding the rest bound to it. */
export { withOverrides } from './objects/with-overrides.js';
export {
  STUDY_ID,
  StudyFileError,
  aggregateStudyModel,
  computeStudyUnit,
  loadStudy,
  checkStudyFolder,
  openStudyFolder,
  openStudyModel,
  planStudyModel,
  pendingStudyUnits,
  readStudyManifest,
  readStudyResult,
  readStudyStatus,
  runStudy,
  studyModel,
  studyPaths,
  studySelection,
  writeStudyStatus,
} from './study/index.js';
export type {
  OpenStudyModelOptions,
  StudyRunSettings,
  RunStudyOptions,
  Study,
  StudyDefaults,
  StudyEntry,
  StudyEvent,
  StudyFile,
  StudyLiveState,
  StudyManifest,
  StudyManifestModel,
  StudyModel,
  StudyModelSession,
  StudyModelState,
  StudyModelStatus,
  StudyPath,
  StudyReadRoots,
  StudyRunSummary,
  StudySource,
  StudyStatus,
  StudyUnitOutcome,
} from './study/index.js';
export {
  andOrSecondsPerIteration,
  checkBudget,
  describeCost,
  pacedBatchSize,
  describeWork,
  formatCount,
  formatSeconds,
  sumCosts,
  timeModelRows,
  parseBudget,
  planAnalysisCost,
  plannedSamples,
  storedRunProgress,
} from './analysis/index.js';
export type {
  AnalysisBudget,
  AnalysisCost,
  CostPlanOptions,
  ModelTiming,
  PlannedWork,
  StoredRunProgress,
} from './analysis/index.js';
export { pairMatrixView } from './adapter/index.js';
export type {
  AdapterViews,
  RecordedOutput,
  SampleView,
  SampleViewContext,
  ViewHeatmapOptions,
  ViewPainter,
} from './adapter/index.js';
export { maskMembers, pairValues, playerNames } from './result/sample-pairs.js';
