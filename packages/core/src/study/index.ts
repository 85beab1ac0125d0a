export * from './study-schema.js';
export * from './study-source.js';
export * from './load-study.js';
export * from './study-folder.js';
export * from './study-model.js';
export * from './study-status.js';
export * from './run-study.js';
