export * from './sparsity-curves.js';
export * from './salient-samples.js';
export * from './generalization.js';
export * from './transferability.js';
export * from './noise-sensitivity.js';
export * from './run-noise-sensitivity.js';
export * from './result-measures.js';
export * from './mislabeled.js';
