/**
 * `@orderlens/runtime-onnx/testing`: small ONNX models built in code, for the tests of any package
 * (a real ONNX Runtime session on a model no one has to download or commit).
 */
export { writeTinyPointNet } from './tiny-pointnet.js';
