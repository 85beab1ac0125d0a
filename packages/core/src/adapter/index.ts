export * from './players-descriptor.js';
export * from './modality-adapter.js';
export * from './sample-views.js';
export * from './registry.js';
export * from './option-values.js';
