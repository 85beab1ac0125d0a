/**
 * @orderlens/tabular — tabular data for interaction analysis: CSV reading and schemas,
 * preprocessing saved with a model, a masker where every attribute is a player, and the UCI
 * census preset (the 12-variable recipe of the representation-bottleneck experiments).
 * Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { tabularAdapter } from './adapter/tabular-adapter.js';

export { parseCsv, readCsv } from './csv/read-csv.js';
export type { CsvTable, ReadCsvOptions } from './csv/read-csv.js';
export { DEFAULT_MISSING_VALUES, inferSchema, isNumericCell, validateTable } from './schema/schema.js';
export type {
  ColumnKind,
  ColumnSpec,
  InferSchemaOptions,
  TabularSchema,
  TargetSpec,
  ValidateTableOptions,
} from './schema/schema.js';
export {
  PREPROCESSOR_FORMAT,
  TabularPreprocessor,
  unknownCategoryWarning,
} from './preprocess/preprocessor.js';
export type {
  CategoricalEncoding,
  FittedColumn,
  OutputFeature,
  PreprocessorFitOptions,
  PreprocessorJSON,
  Standardization,
  TabularData,
  TransformOptions,
} from './preprocess/preprocessor.js';
export { parseBaselineSpec, tabularBaseline } from './masker/baseline.js';
export type { BaselineKind, BaselineOptions } from './masker/baseline.js';
export { TabularMasker } from './masker/tabular-masker.js';
export type { TabularMaskerOptions } from './masker/tabular-masker.js';
export { NumpyRandomState } from './random/numpy-random-state.js';
export {
  CENSUS_CLASSES,
  CENSUS_FEATURES,
  CENSUS_RAW_COLUMNS,
  CENSUS_RELATIONSHIP_CODES,
  censusDataDir,
  censusSchema,
  loadCensus,
  readCensusTable,
} from './census/census.js';
export type { CensusData, CensusSplit, LoadCensusOptions } from './census/census.js';
export {
  PREPROCESSING_FILE,
  baselineFor,
  census,
  firstRows,
  loadRows,
  loadTrainingCsv,
  loadTrainingData,
  preprocessingBeside,
} from './adapter/tabular-data.js';
export type { DataFlags, TabularRows, TabularTrainingSource } from './adapter/tabular-data.js';
export { TABULAR_OPTIONS } from './adapter/tabular-options.js';
export { TABULAR_PROTOCOLS } from './adapter/tabular-protocols.js';
export { openTabularSession, tabularSession } from './adapter/tabular-session.js';
export type { TabularSessionOptions, TabularSessionRows } from './adapter/tabular-session.js';
export { tabularAdapter } from './adapter/tabular-adapter.js';
export { tabularViews } from './adapter/tabular-views.js';
export { orderChangeUnderAttack } from './adapter/attack-change.js';
export type { OrderChangeOptions, OrderChangeReport } from './adapter/attack-change.js';
export { attackTabular, maxPerturbation } from './attack/attack-tabular.js';
export type { TabularAttackProgress, TabularAttackResult } from './attack/attack-tabular.js';
export { pgdLinf } from './attack/pgd-linf.js';
export type { PgdLinfOptions, PgdLinfResult, PgdProgress } from './attack/pgd-linf.js';
export {
  CENSUS_ANALYSIS_ADAPTER_OPTIONS,
  CENSUS_ARCHITECTURES,
  CENSUS_BATCH_SIZE,
  CENSUS_OPTIMIZERS,
  CENSUS_PROTOCOLS,
  CENSUS_SAMPLERS,
  PAPER_ADVERSARIAL_ACCURACY,
  PAPER_ORDERING,
  PAPER_PGD,
  PAPER_SHAPE,
  PGD_EPS_UNITS,
  TABLE2_CONFIGS,
  TIMED_TRAINING_STEPS,
  analyzeCensusModel,
  censusAnalysisOptions,
  censusModelConfig,
  censusReproductionTools,
  censusTrainJob,
  describeCensusPlan,
  featureRange,
  formatReproductionTable,
  formatSpread,
  paperOrdering,
  pgdInZSpace,
  planCensusReproduction,
  prepareCensusReproduction,
  reproduceCensus,
  seedSpread,
  summariseSeeds,
} from './reproduction/index.js';
export type {
  CensusAttackJob,
  CensusAttackResult,
  CensusJob,
  CensusJobPlan,
  CensusModelConfig,
  CensusPlan,
  CensusOptimizer,
  CensusProtocol,
  CensusReproduction,
  CensusReproductionOptions,
  CensusReproductionRow,
  CensusReproductionTools,
  CensusSampler,
  CensusSeedSummary,
  CensusTrainJob,
  CensusTrainer,
  CensusTrainResult,
  CensusTrainingPlan,
  PgdEpsUnits,
  PreparedCensusReproduction,
  SeedSpread,
  StepProgress,
} from './reproduction/index.js';

adapters.register(tabularAdapter);
