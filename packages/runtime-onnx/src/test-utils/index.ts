export * from './fixtures.js';
export * from './multi-input-model.js';
export * from './denormal-model.js';
