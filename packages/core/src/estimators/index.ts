export * from './estimator.js';
export * from './exact-estimator.js';
export * from './sampled-estimator.js';
export * from './and-or-estimator.js';
export * from './registry.js';
