export * from './mobius.js';
export * from './harsanyi-indices.js';
export * from './exact-interactions.js';
export * from './residuals.js';
export * from './direct.js';
