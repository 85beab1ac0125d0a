export * from './orders.js';
export * from './reference-pairs.js';
export * from './contexts.js';
export * from './multi-order-sampler.js';
export * from './bias-corrected-strength.js';
export * from './coalition-table.js';
export * from './strength-interval.js';
export * from './adaptive-sampler.js';
