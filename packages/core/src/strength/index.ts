export * from './strength-curve.js';
export * from './instability.js';
export * from './mean-abs.js';
