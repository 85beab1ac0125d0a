/**
 * @orderlens/runtime-onnx: a ModelRunner over ONNX Runtime (onnxruntime-node) with execution
 * provider fallback, input checking, fixed-batch handling and graph cuts at intermediate tensors.
 */
export { OnnxRunner, type OnnxRunnerOptions, type OnnxRunnerBytesOptions } from './runner/onnx-runner.js';
export {
  ONNX_PROVIDERS,
  DEFAULT_PROVIDERS,
  type OnnxProvider,
  type SessionSettings,
} from './session/providers.js';
export { processDenormalMode, type DenormalMode } from './session/denormals.js';
export type { OnnxValueInfo, OnnxModelDescription, BatchMode } from './session/value-info.js';
export { OnnxGraphCutter, OnnxFeatureRunner, type OnnxGraphCut } from './graph/onnx-graph-cut.js';
export {
  onnxRunnerFactory,
  availableOnnxProviders,
  loadableOnnxProviders,
  onnxFileIn,
} from './factory/onnx-factory.js';
export { OnnxSequenceLimits, positionTables, smallestPositionTable } from './graph/position-table.js';
export {
  EMBEDDING_NOISE_INPUT,
  OnnxEmbeddingNoise,
  findWordEmbedding,
  noisyEmbeddingGraph,
  type WordEmbeddingLookup,
} from './graph/embedding-noise.js';
