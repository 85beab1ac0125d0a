// @orderlens/core/reproductions: the project's networks and the reproductions' study plans and
// measurements (by name); the CLI parses the flags and writes the reports.
export {
  AND_OR_NETWORKS,
  AND_OR_SPARSITY_PRESETS,
  BOTTLENECK_NETWORKS,
  BOTTLENECK_SIZES,
  andOrDefaults,
  andOrStudy,
  andOrTablesDocument,
  bottleneckDefaults,
  bottleneckStudy,
  measureAndOrSparsity,
  networkStudyModels,
  selectNetworks,
  valueTables,
} from '../reproductions/index.js';
export type {
  AndOrPresetRow,
  AndOrSampleSparsity,
  AndOrSparsityMeasurement,
  BottleneckModality,
  BottleneckNetwork,
  BottleneckSize,
  ExportedAndOrDecomposition,
  MissingNetwork,
  NetworkStudySettings,
  VisionSizeOverrides,
} from '../reproductions/index.js';
