/**
 * `@orderlens/runtime-onnx/testing`: small ONNX models built in code, for the tests of any package
 * (a real ONNX Runtime session on a model no one has to download or commit).
 */
export { writeTinyPointNet } from './tiny-pointnet.js';
/** Encodes an ONNX model given as a plain object (graph, initializers, external data entries). */
export { encodeModelObject } from '../graph/onnx-proto.js';
