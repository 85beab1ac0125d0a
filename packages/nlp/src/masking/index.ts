export * from './baseline-token.js';
export * from './model-inputs.js';
export * from './word-piece-masker.js';
export * from './unmasked-inputs.js';
