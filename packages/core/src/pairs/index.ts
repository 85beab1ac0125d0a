export * from './pair-strategy.js';
export * from './strategies.js';
export * from './grid-offsets.js';
