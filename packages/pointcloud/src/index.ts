export * from './cloud/index.js';
export * from './readers/index.js';
