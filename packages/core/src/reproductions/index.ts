export {
  BOTTLENECK_NETWORKS,
  networkStudyModels,
  selectNetworks,
  type BottleneckModality,
  type BottleneckNetwork,
  type MissingNetwork,
  type NetworkStudySettings,
} from './project-networks.js';
export {
  BOTTLENECK_SIZES,
  bottleneckDefaults,
  bottleneckStudy,
  type BottleneckSize,
  type VisionSizeOverrides,
} from './bottleneck-study.js';
export { AND_OR_NETWORKS, andOrDefaults, andOrStudy } from './and-or-study.js';
export {
  AND_OR_SPARSITY_PRESETS,
  andOrTablesDocument,
  measureAndOrSparsity,
  valueTables,
  type AndOrPresetRow,
  type AndOrSampleSparsity,
  type AndOrSparsityMeasurement,
  type ExportedAndOrDecomposition,
} from './and-or-sparsity-run.js';
