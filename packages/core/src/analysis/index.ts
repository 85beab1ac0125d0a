export * from './run-store.js';
export * from './analysis-run.js';
export * from './select-samples.js';
export * from './aggregate.js';
export * from './analysis-units.js';
export * from './analysis-result.js';
export * from './plan.js';
export * from './run-analysis.js';
