export * from './strength-curve.js';
export * from './instability.js';
