// @orderlens/core/math: exact and sampled interactions, AND-OR, measures, strength curves,
// order losses and the combinatorics under them (by name).
export { binomial, binomialRatio, bitCount, logFactorial } from '../math/combinatorics.js';
export { MAX_TABLE_PLAYERS, TableGame } from '../game/table-game.js';
export { UnanimityGame } from '../game/unanimity-game.js';
export { loadGameFile, parseGameFile, yieldingGame } from '../game/game-file.js';
export type { GameFile, LoadedGame, TableGameFile, UnanimityGameFile } from '../game/game-file.js';
export type { UnanimityTerm } from '../game/unanimity-game.js';
export {
  ICLR2022_LOSS_CONVENTIONS,
  ORDER_LOSS_PRESETS,
  nestedCoefficient,
  nestedSizes,
  orderLossExpectation,
  orderLossWeights,
  parseOrderLossSpec,
  sampleNestedCoalitions,
  validateOrderLossConventions,
  validateOrderLossTerm,
} from '../losses/index.js';
export type {
  NestedCoefficientRule,
  NestedSizeRule,
  OrderLossConventions,
  OrderLossPreset,
  OrderLossTerm,
} from '../losses/index.js';
export {
  DEFAULT_MAX_EXACT_PLAYERS,
  allPairs,
  banzhafFromHarsanyi,
  exactFromTable,
  exactInteractions,
  exactResiduals,
  gameTable,
  mobiusInPlace,
  mobiusTransform,
  mobiusTransposeInPlace,
  multiOrderDirect,
  multiOrderFromHarsanyi,
  orInteractions,
  pairIndex,
  pairSizeSums,
  shapleyFromHarsanyi,
  siiFromHarsanyi,
  tableOrder,
  zetaInPlace,
} from '../exact/index.js';
export type { ExactOptions, PairSizeSums } from '../exact/index.js';
export {
  AND_OR_GAME_MAX_PLAYERS,
  AND_OR_TABLE_MAX_PLAYERS,
  andOrInteractions,
  deinterleave,
  extractAndOr,
  extractAndOrBatch,
  extractAndOrFromGame,
  interleave,
  l1Norm,
  matchingResiduals,
  mergeSingletonTerms,
  mobiusInterleavedInPlace,
  mobiusTransposeInterleavedInPlace,
  rebuildFromAndOr,
  resolveAndOrSettings,
  salientInteractions,
  salientOrderDistribution,
  salientOrderStrength,
  salientReconstructionError,
  salientSets,
  salientStrengthByOrder,
  salientVectors,
  universalMatchingResidual,
} from '../and-or/index.js';
export type {
  AndOrBatchOptions,
  AndOrBatchResult,
  AndOrCommonOptions,
  AndOrDecomposition,
  AndOrOptions,
  AndOrPreset,
  AndOrSettings,
  AndOrStart,
  SalientInteraction,
} from '../and-or/index.js';
export {
  InteractionVariance,
  NOISE_MAX_PLAYERS,
  SPARSITY_THRESHOLD_FRACTIONS,
  byClass,
  checkNoiseOptions,
  commonPlayers,
  comparedKind,
  computeNoiseUnit,
  exponentialFit,
  generalizationByOrder,
  generalizationMeasure,
  interactionDistribution,
  interactionKey,
  jaccardSimilarity,
  maskOrder,
  meanSparsityCurves,
  noiseSensitivityByOrder,
  noiseUnitId,
  playersIdentity,
  rebuiltShare,
  runNoiseSensitivity,
  salientSamplesOf,
  sortedStrengths,
  sparseJaccard,
  sparsityCurves,
  sparsityRanks,
  transferAcrossNetworks,
  transferAcrossSamples,
  transferMeasure,
} from '../measures/index.js';
export type {
  GeneralizationByOrder,
  GeneralizationFields,
  NoiseSensitivityByOrder,
  NoiseSensitivityOptions,
  NoiseSpec,
  SalientEntry,
  SalientSample,
  ShareByOrder,
  SparsityCurves,
  StoredNoiseUnit,
  TransferAcrossNetworks,
} from '../measures/index.js';
export {
  ContextSampler,
  DEFAULT_SAMPLING_BATCH,
  PAPER_RATIOS,
  STRENGTH_ESTIMATORS,
  allContexts,
  countNeighbourPairs,
  crossFitAbs,
  deconvolveMeanAbs,
  drawPermutationPrefix,
  estimateStrength,
  foldedNormalBias,
  gridNeighbours,
  normalCdf,
  ordersFromRatios,
  parseOrderList,
  referencePairs,
  sampleMultiOrder,
  sharedContext,
} from '../sampling/index.js';
export type {
  MultiOrderSampleResult,
  ParsedOrders,
  ReferencePairsOptions,
  SampleMoments,
  SampleMultiOrderOptions,
  SamplingMode,
  SamplingProgress,
  StrengthEstimate,
  StrengthEstimatorName,
  StrengthSamples,
} from '../sampling/index.js';
export { instability, meanAbsOverPairs, strengthCurve } from '../strength/index.js';
export { Float32BufferPool, Float32BufferPools } from '../masking/buffer-pool.js';
export { PlayerSubsetMasker } from '../masking/player-subset-masker.js';
export {
  AND_OR_SPARSE_MAX_FRACTION,
  AND_OR_SPARSE_MAX_REBUILD_ERROR,
  andOrSparsity,
  andOrSparsityVerdict,
  summariseAndOrSparsity,
} from '../and-or/index.js';
export type { AndOrSparsity, AndOrSparsitySummary, AndOrSparsityVerdict } from '../and-or/index.js';
export {
  RELABELLED_SCHEMA,
  mislabeledGroups,
  ratioStandardError,
  sampleSalientStrength,
  mislabeledMeasure,
  parseRelabelledSamples,
  readRelabelledSamples,
  withTrainedLabels,
} from '../measures/index.js';
export type {
  GroupCheckpoint,
  MislabeledGroupSummary,
  MislabeledMeasure,
  RelabelledSamples,
} from '../measures/index.js';
export {
  normalQuantile,
  sampleMultiOrderAdaptive,
  strengthInterval,
  studentQuantile,
} from '../sampling/index.js';
export type {
  AdaptiveSampleResult,
  AdaptiveSamplingOptions,
  StrengthInterval,
  StrengthIntervalSamples,
} from '../sampling/index.js';
